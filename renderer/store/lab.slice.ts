/**
 * The lab fleet as the UI sees it: whether one runs and which clusters it
 * serves. Its clusters reach the fleet rows through `fleet:changed` like any
 * other; this slice only starts, stops and reports it.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { LabStatus } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import type { Store } from './store.js';

export const DEFAULT_LAB_CLUSTERS = 3;
export const MAX_LAB_CLUSTERS = 1000;

export interface LabSlice {
  labStatus: LabStatus;
  labBusy: 'starting' | 'stopping' | null;
  loadLabStatus(): Promise<void>;
  /** Starts a lab fleet of `clusters` and shows the fleet; false when main refused. */
  startLab(clusters: number): Promise<boolean>;
  stopLab(): Promise<void>;
  applyLabStatus(status: LabStatus): void;
}

export const createLabSlice =
  (api: Api): StateCreator<Store, [], [], LabSlice> =>
  (set, get) => ({
    labStatus: { running: false, clusters: [] },
    labBusy: null,

    async loadLabStatus() {
      const r = await api.invoke('lab:status', {});
      if (r.ok) set({ labStatus: r.result });
      else get().notify(r.error);
    },

    async startLab(clusters) {
      set({ labBusy: 'starting' });
      const r = await api.invoke('lab:start', { clusters });
      set({ labBusy: null });
      if (!r.ok) {
        get().notify(r.error);
        return false;
      }
      set({ labStatus: r.result, screen: 'fleet' });
      await get().loadSnapshot();
      return true;
    },

    async stopLab() {
      set({ labBusy: 'stopping' });
      const r = await api.invoke('lab:stop', {});
      set({ labBusy: null });
      if (!r.ok) return get().notify(r.error);
      set({ labStatus: r.result });
      await get().loadSnapshot();
    },

    applyLabStatus(status) {
      set({ labStatus: status });
    },
  });
