/**
 * How the user looks at the fleet: search text, role and state filters and
 * the sort, all saved through `settings:set`; typing in the search box is
 * saved once the user pauses, not on every key.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { ClusterRole, Settings } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import {
  DEFAULT_SORT,
  isClusterRole,
  isStateFilter,
  nextSort,
  sortFromPrefs,
  type FleetColumnId,
  type FleetSort,
  type StateFilter,
} from '../features/fleet/fleet-model.js';
import type { Store } from './store.js';

/** How long the search box must be idle before its text is saved. */
export const SEARCH_SAVE_DELAY_MS = 500;

export interface FleetPrefsSlice {
  sort: FleetSort;
  search: string;
  roleFilter: ClusterRole[];
  stateFilter: StateFilter;
  loadPrefs(): Promise<void>;
  /** Sorts by a column; the same column again flips the direction. */
  sortBy(column: FleetColumnId): void;
  setSearch(text: string): void;
  toggleRole(role: ClusterRole): void;
  clearRoleFilter(): void;
  setStateFilter(state: StateFilter): void;
  /** Saves the preferences now (also cancels a pending save of the search text). */
  savePrefs(): Promise<void>;
}

export const createFleetPrefsSlice =
  (api: Api): StateCreator<Store, [], [], FleetPrefsSlice> =>
  (set, get) => {
    /** Settings as main last returned them: saved back whole, with our part replaced. */
    let saved: Settings | null = null;
    let searchTimer: ReturnType<typeof setTimeout> | undefined;

    const saveSoon = () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => void get().savePrefs(), SEARCH_SAVE_DELAY_MS);
    };

    return {
      sort: DEFAULT_SORT,
      search: '',
      roleFilter: [],
      stateFilter: 'all',

      async loadPrefs() {
        const r = await api.invoke('settings:get', {});
        if (!r.ok) return get().notify(r.error);
        saved = r.result;
        const { sort, filter, roleFilter, stateFilter } = r.result.fleet;
        set({
          sort: sortFromPrefs(sort),
          search: filter,
          roleFilter: roleFilter.filter(isClusterRole),
          stateFilter: isStateFilter(stateFilter) ? stateFilter : 'all',
        });
      },

      sortBy(column) {
        set({ sort: nextSort(get().sort, column) });
        void get().savePrefs();
      },

      setSearch(text) {
        set({ search: text });
        saveSoon();
      },

      toggleRole(role) {
        const roles = get().roleFilter;
        set({ roleFilter: roles.includes(role) ? roles.filter((r) => r !== role) : [...roles, role] });
        void get().savePrefs();
      },

      clearRoleFilter() {
        set({ roleFilter: [] });
        void get().savePrefs();
      },

      setStateFilter(state) {
        set({ stateFilter: state });
        void get().savePrefs();
      },

      async savePrefs() {
        clearTimeout(searchTimer);
        const { sort, search, roleFilter, stateFilter } = get();
        const settings: Settings = { ...saved, fleet: { sort, filter: search, roleFilter, stateFilter } };
        const r = await api.invoke('settings:set', { settings });
        if (r.ok) saved = r.result;
        else get().notify(r.error);
      },
    };
  };
