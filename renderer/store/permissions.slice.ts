/**
 * Permissions on a primary: the plan (who we are, whether we can already
 * manage multi-cluster objects, a suggested K10ClusterRoleBinding, the
 * bindings that exist) and applying a binding, whose steps are an operation
 * run (operations.slice.ts).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, ArgsIn, ResultOf } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import type { Store } from './store.js';

export type GrantPlan = ResultOf<'grant:plan'>;
export type GrantRequest = Omit<ArgsIn<'grant:apply'>, 'primaryId'>;

export interface PermissionsSlice {
  grantPlans: Readonly<Record<string, GrantPlan>>;
  grantPlanLoading: boolean;
  grantPlanError: AppErrorDto | null;
  granting: boolean;
  loadGrantPlan(primaryId: string): Promise<void>;
  applyGrant(primaryId: string, req: GrantRequest): Promise<boolean>;
}

export const createPermissionsSlice =
  (api: Api): StateCreator<Store, [], [], PermissionsSlice> =>
  (set, get) => ({
    grantPlans: {},
    grantPlanLoading: false,
    grantPlanError: null,
    granting: false,

    async loadGrantPlan(primaryId) {
      set({ grantPlanLoading: true, grantPlanError: null });
      const r = await api.invoke('grant:plan', { primaryId });
      if (!r.ok) return set({ grantPlanLoading: false, grantPlanError: r.error });
      set({ grantPlanLoading: false, grantPlans: { ...get().grantPlans, [primaryId]: r.result } });
    },

    async applyGrant(primaryId, req) {
      if (get().granting) return false;
      set({ granting: true });
      const key = get().beginOperation('grant', primaryId);
      const r = await api.invoke('grant:apply', { primaryId, ...req });
      get().finishOperation(key, r);
      set({ granting: false });
      if (r.ok) await get().loadGrantPlan(primaryId);
      return r.ok;
    },
  });
