/**
 * Joining one cluster to a primary, from the secondary's side: the plan
 * (suggested name, the cluster's own K10 ingress, a join already under way),
 * the token brought over (pasted, a sealed handoff file, a QR image), the
 * join itself followed live from `join:progress`, and "Start over".
 *
 * A pasted token goes straight to `join:load-token` and is never kept here:
 * main holds it and answers with a ref and the token's fingerprint
 * (HeldToken), which is all the store ever has.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, ArgsIn, HeldToken, JoinOutcome, JoinProgressEvent, ResultOf } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import { mergeJoinProgress } from './progress.js';
import type { Store } from './store.js';

export type TokenSource = ArgsIn<'join:load-token'>['source'];
export type JoinPlan = ResultOf<'join:plan'>;
/** What loading a token came to; `unsupported`: no file dialog here, type the path. */
export type LoadTokenOutcome = 'loaded' | 'cancelled' | 'unsupported' | 'failed';

export interface JoinRequestFields {
  name: string;
  ingressUrl?: string;
  primaryIngress?: string;
}

export interface JoinSlice {
  joinClusterId: string | null;
  joinPlan: JoinPlan | null;
  joinPlanLoading: boolean;
  joinPlanError: AppErrorDto | null;
  heldToken: HeldToken | null;
  loadingToken: boolean;
  tokenError: AppErrorDto | null;
  joinRunning: boolean;
  /** The join's latest state: live from events while it runs, then the call's outcome. */
  joinProgress: JoinOutcome | null;
  joinError: AppErrorDto | null;
  resettingJoin: boolean;

  /** Shows the join screen for a cluster and loads its plan. */
  openJoin(clusterId: string): Promise<void>;
  loadJoinPlan(clusterId: string): Promise<void>;
  /** Hands a token to main; the source (and the pasted text in it) is not kept. */
  loadJoinToken(source: TokenSource): Promise<LoadTokenOutcome>;
  forgetHeldToken(): void;
  startJoin(fields: JoinRequestFields): Promise<JoinOutcome | null>;
  /** "Start over": removes the cluster's join objects; true when main did. */
  resetJoin(clusterId: string): Promise<boolean>;
  applyJoinProgress(event: JoinProgressEvent): void;
}

const initialJoin = {
  joinClusterId: null,
  joinPlan: null,
  joinPlanLoading: false,
  joinPlanError: null,
  heldToken: null,
  loadingToken: false,
  tokenError: null,
  joinRunning: false,
  joinProgress: null,
  joinError: null,
  resettingJoin: false,
} satisfies Partial<JoinSlice>;

export const createJoinSlice =
  (api: Api): StateCreator<Store, [], [], JoinSlice> =>
  (set, get) => ({
    ...initialJoin,

    async openJoin(clusterId) {
      set({ ...initialJoin, joinClusterId: clusterId, screen: 'join' });
      await get().loadJoinPlan(clusterId);
    },

    async loadJoinPlan(clusterId) {
      set({ joinPlanLoading: true, joinPlanError: null });
      const r = await api.invoke('join:plan', { clusterId });
      if (get().joinClusterId !== clusterId) return;
      if (!r.ok) return set({ joinPlanLoading: false, joinPlanError: r.error });
      set({ joinPlanLoading: false, joinPlan: r.result });
    },

    async loadJoinToken(source) {
      set({ loadingToken: true, tokenError: null });
      const r = await api.invoke('join:load-token', { source });
      if (!r.ok) {
        set({ loadingToken: false, tokenError: r.error.code === 'UNSUPPORTED' ? null : r.error });
        return r.error.code === 'UNSUPPORTED' ? 'unsupported' : 'failed';
      }
      if (r.result === null) {
        set({ loadingToken: false });
        return 'cancelled';
      }
      set({ loadingToken: false, heldToken: r.result });
      return 'loaded';
    },

    forgetHeldToken() {
      set({ heldToken: null, tokenError: null });
    },

    async startJoin(fields) {
      const { joinClusterId: clusterId, heldToken } = get();
      if (!clusterId || !heldToken || get().joinRunning) return null;
      set({ joinRunning: true, joinError: null, joinProgress: null });
      const r = await api.invoke('join:start', {
        clusterId,
        tokenRef: heldToken.tokenRef,
        name: fields.name.trim(),
        ...(fields.ingressUrl?.trim() ? { ingressUrl: fields.ingressUrl.trim() } : {}),
        ...(fields.primaryIngress?.trim() ? { primaryIngress: fields.primaryIngress.trim() } : {}),
      });
      if (get().joinClusterId !== clusterId) return r.ok ? r.result : null;
      if (!r.ok) {
        // NOT_FOUND: main forgot the token (15 minutes); it must be brought again.
        set({ joinRunning: false, joinError: r.error, ...(r.error.code === 'NOT_FOUND' ? { heldToken: null } : {}) });
        return null;
      }
      set({ joinRunning: false, joinProgress: r.result });
      return r.result;
    },

    async resetJoin(clusterId) {
      set({ resettingJoin: true });
      const key = get().beginOperation('join-reset', clusterId);
      const r = await api.invoke('join:reset', { clusterId });
      get().finishOperation(key, r);
      set({ resettingJoin: false });
      if (!r.ok) {
        get().notify(r.error);
        return false;
      }
      get().notify(`${get().rowsById[clusterId]?.name ?? clusterId}: the join objects are gone; it can join a primary again.`, 'info');
      if (get().joinClusterId === clusterId) {
        set({ joinProgress: null, joinError: null });
        await get().loadJoinPlan(clusterId);
      }
      return true;
    },

    applyJoinProgress(event) {
      const { joinClusterId, joinRunning, joinProgress } = get();
      if (!joinRunning || event.clusterId !== joinClusterId) return;
      const merged = mergeJoinProgress(joinProgress ? { [joinProgress.clusterId]: joinProgress } : {}, event)[event.clusterId];
      if (merged && merged !== joinProgress) set({ joinProgress: merged });
    },
  });
