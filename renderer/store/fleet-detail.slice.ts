/**
 * What the fleet's detail panel and row menus ask main for on demand: the
 * current cluster's latest failed K10 actions (fetched when its panel opens,
 * and again when its count of failures moves), opening its K10 dashboard in
 * the system browser (found by main, opened through the guarded
 * app:open-external), and copying its server URL (not a secret: the page's
 * clipboard API).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, FailedActions } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import type { Store } from './store.js';

export type FailedActionsState =
  | { clusterId: string; state: 'loading'; result?: FailedActions }
  | { clusterId: string; state: 'loaded'; result: FailedActions }
  | { clusterId: string; state: 'error'; error: AppErrorDto };

export interface FleetDetailSlice {
  /** The failed actions of the cluster in the detail panel (the last one asked for). */
  failedActions: FailedActionsState | null;
  loadFailedActions(clusterId: string): Promise<void>;
  /** Finds the cluster's K10 dashboard and opens it in the system browser (or says why not). */
  openK10Dashboard(clusterId: string): Promise<void>;
  copyServerUrl(clusterId: string): Promise<void>;
}

/** The panel lists this many at most: the newest. */
export const FAILED_ACTIONS_SHOWN = 20;

export const createFleetDetailSlice =
  (api: Api): StateCreator<Store, [], [], FleetDetailSlice> =>
  (set, get) => ({
    failedActions: null,

    async loadFailedActions(clusterId) {
      const before = get().failedActions;
      // Keep what is shown while the same cluster's list reloads (no flicker on each new failure).
      const shown = before?.clusterId === clusterId && before.state !== 'error' ? before.result : undefined;
      set({ failedActions: { clusterId, state: 'loading', ...(shown ? { result: shown } : {}) } });
      const r = await api.invoke('fleet:failed-actions', { clusterId, limit: FAILED_ACTIONS_SHOWN });
      // Another cluster was opened meanwhile: its own request owns the state.
      if (get().failedActions?.clusterId !== clusterId) return;
      set({ failedActions: r.ok ? { clusterId, state: 'loaded', result: r.result } : { clusterId, state: 'error', error: r.error } });
    },

    async openK10Dashboard(clusterId) {
      const name = get().rowsById[clusterId]?.name ?? clusterId;
      const found = await api.invoke('fleet:k10-dashboard', { clusterId });
      if (!found.ok) return get().notify(found.error);
      if (!found.result.url) {
        return get().notify(`${name}: Flotilla found no address for its K10 dashboard (no K10 ingress URL on its Cluster object, and no Ingress or Route to K10 in kasten-io).`, 'info');
      }
      const opened = await api.invoke('app:open-external', { url: found.result.url });
      if (!opened.ok) get().notify(opened.error);
    },

    async copyServerUrl(clusterId) {
      const row = get().rowsById[clusterId];
      if (!row) return;
      try {
        await navigator.clipboard.writeText(row.server);
        get().notify(`Copied ${row.name}'s server URL: ${row.server}`, 'info');
      } catch {
        // The page's clipboard may be refused (no focus, a denied permission): show the URL to copy by hand.
        get().notify(`${row.name}'s server URL is ${row.server} (Flotilla could not put it on the clipboard; copy it from here).`, 'info');
      }
    },
  });
