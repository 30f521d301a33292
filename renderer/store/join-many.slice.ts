/**
 * One-click join, from the primary's side: a token on the primary (the named
 * one, reused, or a new one), join objects written on each chosen secondary
 * in parallel by main. The token never reaches the renderer. Each cluster's
 * state is followed from `join:progress` and then replaced by the call's
 * outcomes; one cluster's failure stays its own line.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, JoinProgressEvent, ResultOf } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import { isFinalJoinState, mergeJoinProgress, type JoinProgressMap } from './progress.js';
import type { Store } from './store.js';

export type JoinManyResult = ResultOf<'join:many'>;

export interface JoinManyRequest {
  secondaries: { clusterId: string; name?: string }[];
  tokenName?: string;
}

export interface JoinManySlice {
  joinManyPrimaryId: string | null;
  joinManyRunning: boolean;
  /** The clusters of the current (or last) run, in the order chosen. */
  joinManyIds: string[];
  joinManyProgress: JoinProgressMap;
  joinManyResult: JoinManyResult | null;
  joinManyError: AppErrorDto | null;
  startJoinMany(primaryId: string, req: JoinManyRequest): Promise<boolean>;
  applyJoinManyProgress(event: JoinProgressEvent): void;
  clearJoinMany(): void;
}

const initialJoinMany = {
  joinManyPrimaryId: null,
  joinManyRunning: false,
  joinManyIds: [],
  joinManyProgress: {},
  joinManyResult: null,
  joinManyError: null,
} satisfies Partial<JoinManySlice>;

export const createJoinManySlice =
  (api: Api): StateCreator<Store, [], [], JoinManySlice> =>
  (set, get) => ({
    ...initialJoinMany,

    async startJoinMany(primaryId, req) {
      if (get().joinManyRunning || req.secondaries.length === 0) return false;
      const rows = get().rowsById;
      // Every chosen cluster has a line from the start, so none is lost if main says nothing about it.
      const pending: Record<string, ResultOf<'join:start'>> = {};
      for (const s of req.secondaries) pending[s.clusterId] = { clusterId: s.clusterId, cluster: rows[s.clusterId]?.name ?? s.clusterId, state: 'writing', message: 'waiting to start' };
      set({
        joinManyPrimaryId: primaryId,
        joinManyRunning: true,
        joinManyIds: req.secondaries.map((s) => s.clusterId),
        joinManyProgress: pending,
        joinManyResult: null,
        joinManyError: null,
      });
      const tokenName = req.tokenName?.trim();
      const r = await api.invoke('join:many', { primaryId, secondaries: req.secondaries, ...(tokenName ? { tokenName } : {}) });
      if (!r.ok) {
        // Main stopped before joining (no primary, no token): the clusters not heard of were not started.
        const notStarted: Record<string, ResultOf<'join:start'>> = {};
        for (const [id, o] of Object.entries(get().joinManyProgress)) notStarted[id] = isFinalJoinState(o.state) ? o : { ...o, state: 'refused', message: `not started: ${r.error.message}` };
        set({ joinManyRunning: false, joinManyError: r.error, joinManyProgress: notStarted });
        return false;
      }
      let progress: JoinProgressMap = {};
      for (const outcome of r.result.results) progress = { ...progress, [outcome.clusterId]: outcome };
      set({ joinManyRunning: false, joinManyResult: r.result, joinManyProgress: { ...get().joinManyProgress, ...progress } });
      void get().loadTokens(primaryId);
      return true;
    },

    applyJoinManyProgress(event) {
      const { joinManyRunning, joinManyProgress } = get();
      if (!joinManyRunning || !(event.clusterId in joinManyProgress)) return;
      const next = mergeJoinProgress(joinManyProgress, event);
      if (next !== joinManyProgress) set({ joinManyProgress: next });
    },

    clearJoinMany() {
      if (!get().joinManyRunning) set({ ...initialJoinMany });
    },
  });
