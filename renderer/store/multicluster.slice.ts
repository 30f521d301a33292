/**
 * The Multi-cluster screen: which primary it shows and which of its views
 * (its Cluster objects and their labels, join tokens, one-click join,
 * permissions, global profiles and policies, distributions, and the status
 * of global resources per cluster), the Cluster objects themselves, label changes, and the two
 * operations that end a membership: disconnect a secondary (normal or
 * forced) and demote a primary left alone. Their steps are operation runs
 * (operations.slice.ts).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, McCluster } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import { operationKey } from './operations.slice.js';
import type { Store } from './store.js';

export const MC_VIEWS = ['clusters', 'tokens', 'join', 'permissions', 'profiles', 'policies', 'distributions', 'status'] as const;
export type McView = (typeof MC_VIEWS)[number];

export interface DisconnectRequest {
  clusterName: string;
  force: boolean;
  /** The secondary's fleet row, for a forced disconnect's clean-up on it. */
  secondaryId?: string;
}

export interface MulticlusterSlice {
  /** The primary (fleet row id) the Multi-cluster screen shows. */
  mcPrimaryId: string | null;
  mcView: McView;
  mcClusters: Readonly<Record<string, McCluster[]>>;
  mcClustersLoading: boolean;
  mcClustersError: AppErrorDto | null;
  /** The Cluster being disconnected (one at a time per primary). */
  disconnecting: string | null;

  /** Shows the Multi-cluster screen: this primary (else the last one, else the first), this view. */
  openMulticluster(primaryId?: string, view?: McView): void;
  setMcView(view: McView): void;
  setMcPrimary(primaryId: string): void;
  loadMcClusters(primaryId: string): Promise<void>;
  /** Saves a label change on one Cluster object; the error (if any) is returned for the editor to show. */
  saveLabels(primaryId: string, clusterName: string, change: { set: Record<string, string>; remove: string[] }): Promise<AppErrorDto | null>;
  disconnectCluster(primaryId: string, req: DisconnectRequest): Promise<boolean>;
  demotePrimary(primaryId: string): Promise<boolean>;
}

/** Primary rows, by name. */
function primaryIds(s: Store): string[] {
  return Object.values(s.rowsById)
    .filter((r) => r.role === 'primary')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((r) => r.id);
}

export const createMulticlusterSlice =
  (api: Api): StateCreator<Store, [], [], MulticlusterSlice> =>
  (set, get) => ({
    mcPrimaryId: null,
    mcView: 'clusters',
    mcClusters: {},
    mcClustersLoading: false,
    mcClustersError: null,
    disconnecting: null,

    openMulticluster(primaryId, view) {
      const s = get();
      const primaries = primaryIds(s);
      const chosen = primaryId ?? (s.mcPrimaryId && primaries.includes(s.mcPrimaryId) ? s.mcPrimaryId : primaries[0]) ?? null;
      set({ screen: 'multicluster', mcPrimaryId: chosen, mcView: view ?? s.mcView });
    },

    setMcView(view) {
      set({ mcView: view });
    },

    setMcPrimary(primaryId) {
      set({ mcPrimaryId: primaryId });
    },

    async loadMcClusters(primaryId) {
      set({ mcClustersLoading: true, mcClustersError: null });
      const r = await api.invoke('mc:clusters', { primaryId });
      if (!r.ok) return set({ mcClustersLoading: false, mcClustersError: r.error });
      set({ mcClustersLoading: false, mcClusters: { ...get().mcClusters, [primaryId]: r.result } });
    },

    async saveLabels(primaryId, clusterName, change) {
      const r = await api.invoke('labels:set', { primaryId, clusterName, set: change.set, remove: change.remove });
      if (!r.ok) return r.error;
      const list = get().mcClusters[primaryId] ?? [];
      set({ mcClusters: { ...get().mcClusters, [primaryId]: list.map((c) => (c.name === clusterName ? r.result : c)) } });
      return null;
    },

    async disconnectCluster(primaryId, req) {
      if (get().disconnecting) return false;
      set({ disconnecting: req.clusterName });
      // Whichever kind ran last is the one the dialog shows.
      get().clearOperation(operationKey(req.force ? 'disconnect' : 'force-disconnect', primaryId));
      const key = get().beginOperation(req.force ? 'force-disconnect' : 'disconnect', primaryId);
      const r = await api.invoke('disconnect:run', {
        primaryId,
        clusterName: req.clusterName,
        force: req.force,
        ...(req.force && req.secondaryId ? { secondaryId: req.secondaryId } : {}),
      });
      get().finishOperation(key, r);
      set({ disconnecting: null });
      await get().loadMcClusters(primaryId);
      return r.ok;
    },

    async demotePrimary(primaryId) {
      const key = get().beginOperation('demote', primaryId);
      const r = await api.invoke('demote:run', { primaryId });
      get().finishOperation(key, r);
      return r.ok;
    },
  });
