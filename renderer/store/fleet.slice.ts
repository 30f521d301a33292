/**
 * The fleet's rows as main reports them: a snapshot at start, then
 * `fleet:changed` events merged in (no polling). Events that arrive while a
 * snapshot is on its way are held and replayed on top of it, and an event
 * no newer than what the store holds is dropped, so the rows never go back
 * in time.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { FleetChangedEvent, FleetRow, FleetSummary } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import { isNewer, mergeFleetChange, pruneIds, rowsFromList } from './fleet-merge.js';
import type { Store } from './store.js';
// Zod-free: the summary before the first snapshot, as main would count no rows.
import { EMPTY_SUMMARY } from '../../shared/contract/fleet-rules.js';

export interface FleetSlice {
  rowsById: Readonly<Record<string, FleetRow>>;
  summary: FleetSummary;
  /** The version of the last snapshot or event applied; -1 before the first snapshot. */
  fleetVersion: number;
  fleetLoaded: boolean;
  /** The cluster shown in the detail panel (and the keyboard's current row). */
  selectedId: string | null;
  /** Clusters ticked for a bulk action. */
  checkedIds: Readonly<Record<string, true>>;
  refreshing: boolean;
  removing: boolean;
  loadSnapshot(): Promise<void>;
  applyFleetChange(event: FleetChangedEvent): void;
  selectCluster(id: string | null): void;
  toggleChecked(id: string): void;
  setChecked(ids: readonly string[], checked: boolean): void;
  /** Probes one cluster again now, or all of them. */
  refreshFleet(id?: string): Promise<void>;
  /** Removes clusters from Flotilla (not from the world); true when main did. */
  removeClusters(ids: readonly string[]): Promise<boolean>;
}

/** New rows, with the selection and ticks of rows that went away dropped. */
function withRows(s: FleetSlice, rowsById: FleetSlice['rowsById']): Pick<FleetSlice, 'rowsById' | 'checkedIds' | 'selectedId'> {
  return {
    rowsById,
    checkedIds: pruneIds(s.checkedIds, rowsById),
    selectedId: s.selectedId !== null && !(s.selectedId in rowsById) ? null : s.selectedId,
  };
}

export const createFleetSlice =
  (api: Api): StateCreator<Store, [], [], FleetSlice> =>
  (set, get) => {
    let snapshotsInFlight = 0;
    let held: FleetChangedEvent[] = [];

    /** Applies an event on top of the current rows, if it is news. */
    const apply = (event: FleetChangedEvent) => {
      const s = get();
      if (!isNewer(event.version, s.fleetVersion)) return;
      set({ ...withRows(s, mergeFleetChange(s.rowsById, event)), summary: event.summary, fleetVersion: event.version });
    };

    return {
      rowsById: {},
      summary: EMPTY_SUMMARY,
      fleetVersion: -1,
      fleetLoaded: false,
      selectedId: null,
      checkedIds: {},
      refreshing: false,
      removing: false,

      async loadSnapshot() {
        snapshotsInFlight++;
        const r = await api.invoke('fleet:snapshot', {});
        snapshotsInFlight--;
        if (!r.ok) {
          get().notify(r.error);
        } else if (r.result.version >= get().fleetVersion) {
          set({
            ...withRows(get(), rowsFromList(r.result.rows)),
            summary: r.result.summary,
            fleetVersion: r.result.version,
            fleetLoaded: true,
          });
        }
        if (snapshotsInFlight === 0) {
          const replay = held;
          held = [];
          replay.forEach(apply);
        }
      },

      applyFleetChange(event) {
        if (snapshotsInFlight > 0) held.push(event);
        else apply(event);
      },

      selectCluster(id) {
        set({ selectedId: id });
      },

      toggleChecked(id) {
        const checked = { ...get().checkedIds };
        if (checked[id]) delete checked[id];
        else checked[id] = true;
        set({ checkedIds: checked });
      },

      setChecked(ids, on) {
        const checked = { ...get().checkedIds };
        for (const id of ids) {
          if (on) checked[id] = true;
          else delete checked[id];
        }
        set({ checkedIds: checked });
      },

      async refreshFleet(id) {
        set({ refreshing: true });
        const r = await api.invoke('fleet:refresh', id === undefined ? {} : { id });
        set({ refreshing: false });
        if (!r.ok) get().notify(r.error);
      },

      async removeClusters(ids) {
        if (ids.length === 0) return true;
        set({ removing: true });
        const r = await api.invoke('clusters:remove', { ids: [...ids] });
        set({ removing: false });
        if (!r.ok) {
          get().notify(r.error);
          return false;
        }
        // The event follows; dropping the rows now keeps the table honest meanwhile.
        const s = get();
        set(withRows(s, mergeFleetChange(s.rowsById, { upserts: [], removed: r.result.removed })));
        return true;
      },
    };
  };
