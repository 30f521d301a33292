/**
 * Global policies on a primary: the list (frequency, retention, export
 * profile, application selector, paused, which distributions send it),
 * save and delete.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, ArgsIn, Policy, Result } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import { upsertByName } from './profiles.slice.js';
import type { Store } from './store.js';

export type PolicyInput = ArgsIn<'policies:save'>['policy'];

export interface PoliciesSlice {
  /** Per primary (fleet row id), sorted by name. */
  policiesByPrimary: Readonly<Record<string, Policy[]>>;
  policiesLoading: boolean;
  policiesError: AppErrorDto | null;
  policyDeleting: Readonly<Record<string, true>>;

  loadPolicies(primaryId: string): Promise<void>;
  /** Creates or updates a policy; the error is returned for the form to show beside its fields. */
  savePolicy(primaryId: string, policy: PolicyInput, create: boolean): Promise<Result<Policy>>;
  deletePolicy(primaryId: string, name: string): Promise<AppErrorDto | null>;
}

export const createPoliciesSlice =
  (api: Api): StateCreator<Store, [], [], PoliciesSlice> =>
  (set, get) => {
    let seq = 0;
    return {
      policiesByPrimary: {},
      policiesLoading: false,
      policiesError: null,
      policyDeleting: {},

      async loadPolicies(primaryId) {
        const n = ++seq;
        set({ policiesLoading: true, policiesError: null });
        const r = await api.invoke('policies:list', { primaryId });
        if (n !== seq) return;
        if (!r.ok) return set({ policiesLoading: false, policiesError: r.error });
        set({ policiesLoading: false, policiesByPrimary: { ...get().policiesByPrimary, [primaryId]: [...r.result].sort((a, b) => a.name.localeCompare(b.name)) } });
      },

      async savePolicy(primaryId, policy, create) {
        const r = await api.invoke('policies:save', { primaryId, policy, create });
        if (!r.ok) return r;
        const list = get().policiesByPrimary[primaryId] ?? [];
        set({ policiesByPrimary: { ...get().policiesByPrimary, [primaryId]: upsertByName(list, r.result) } });
        return { ok: true, result: r.result };
      },

      async deletePolicy(primaryId, name) {
        set({ policyDeleting: { ...get().policyDeleting, [name]: true } });
        const r = await api.invoke('policies:delete', { primaryId, name });
        const { [name]: _, ...rest } = get().policyDeleting;
        set({ policyDeleting: rest });
        if (!r.ok) return r.error;
        const list = get().policiesByPrimary[primaryId] ?? [];
        set({ policiesByPrimary: { ...get().policiesByPrimary, [primaryId]: list.filter((p) => p.name !== name) } });
        return null;
      },
    };
  };
