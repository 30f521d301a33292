/**
 * Distributions on a primary and the state of each of their targets, which
 * main computes by reading every target it can reach (`distributions:list`):
 * the same data feeds the Distributions view and the Status view (pivoted by
 * cluster). Save, delete (the copies stay on the clusters, as Kasten does)
 * and "Force sync".
 *
 * Reads are refreshed every few seconds while a view shows them
 * (components/auto-refresh.ts); a refresh asked while one is under way for
 * the same primary joins it, and an answer older than a newer call is
 * dropped, so a slow read never overwrites a fresh one.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, ArgsIn, Distribution, Result, ResultOf } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import type { Store } from './store.js';

export type DistributionSaveRequest = Omit<ArgsIn<'distributions:save'>, 'primaryId'>;
export type DistributionSaveResult = ResultOf<'distributions:save'>;
export type DistributionDeleteResult = ResultOf<'distributions:delete'>;
export type DistributionAction = 'sync' | 'delete';

export interface DistributionsSlice {
  /** Per primary (fleet row id), sorted by name. */
  distributionsByPrimary: Readonly<Record<string, Distribution[]>>;
  /** When each primary's distributions were last read (ms since the epoch). */
  distributionsReadAt: Readonly<Record<string, number>>;
  distributionsLoading: boolean;
  distributionsError: AppErrorDto | null;
  /** What is under way per distribution (by name). */
  distributionBusy: Readonly<Record<string, DistributionAction>>;

  /** Reads them (joining a read under way, unless `fresh`: after a change, only a new read will do). */
  loadDistributions(primaryId: string, opts?: { fresh?: boolean }): Promise<void>;
  /** Creates or updates one; the error is returned for the editor, which shows it beside its fields. */
  saveDistribution(primaryId: string, req: DistributionSaveRequest): Promise<Result<DistributionSaveResult>>;
  deleteDistribution(primaryId: string, name: string): Promise<Result<DistributionDeleteResult>>;
  /** "Force sync": K10 re-applies it to every target. */
  syncDistribution(primaryId: string, name: string): Promise<boolean>;
}

export const createDistributionsSlice =
  (api: Api): StateCreator<Store, [], [], DistributionsSlice> =>
  (set, get) => {
    const inflight = new Map<string, Promise<void>>();
    const latest = new Map<string, number>();
    let seq = 0;

    const busy = (name: string, action: DistributionAction | null) => {
      const next = { ...get().distributionBusy };
      if (action) next[name] = action;
      else delete next[name];
      set({ distributionBusy: next });
    };

    const read = (primaryId: string): Promise<void> => {
      const n = ++seq;
      latest.set(primaryId, n);
      set({ distributionsLoading: true });
      const p = (async () => {
        const r = await api.invoke('distributions:list', { primaryId });
        if (latest.get(primaryId) !== n) return;
        inflight.delete(primaryId);
        if (!r.ok) return set({ distributionsLoading: false, distributionsError: r.error });
        set({
          distributionsLoading: false,
          distributionsError: null,
          distributionsByPrimary: { ...get().distributionsByPrimary, [primaryId]: [...r.result].sort((a, b) => a.name.localeCompare(b.name)) },
          distributionsReadAt: { ...get().distributionsReadAt, [primaryId]: Date.now() },
        });
      })();
      inflight.set(primaryId, p);
      return p;
    };

    return {
      distributionsByPrimary: {},
      distributionsReadAt: {},
      distributionsLoading: false,
      distributionsError: null,
      distributionBusy: {},

      loadDistributions(primaryId, opts = {}) {
        const running = inflight.get(primaryId);
        if (running && !opts.fresh) return running;
        return read(primaryId);
      },

      async saveDistribution(primaryId, req) {
        const r = await api.invoke('distributions:save', { primaryId, ...req });
        if (r.ok) void get().loadDistributions(primaryId, { fresh: true });
        return r;
      },

      async deleteDistribution(primaryId, name) {
        busy(name, 'delete');
        const r = await api.invoke('distributions:delete', { primaryId, name });
        busy(name, null);
        if (r.ok) {
          const list = get().distributionsByPrimary[primaryId] ?? [];
          set({ distributionsByPrimary: { ...get().distributionsByPrimary, [primaryId]: list.filter((d) => d.name !== name) } });
          void get().loadDistributions(primaryId, { fresh: true });
        }
        return r;
      },

      async syncDistribution(primaryId, name) {
        busy(name, 'sync');
        const r = await api.invoke('distributions:sync', { primaryId, name });
        busy(name, null);
        if (!r.ok) {
          get().notify(r.error);
          return false;
        }
        await get().loadDistributions(primaryId, { fresh: true });
        return true;
      },
    };
  };
