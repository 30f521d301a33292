/** Search (name, label text or a label selector), role and state filters, and the bulk remove. */
import { useId } from 'react';
import type { ClusterRole } from '../../../shared/contract/index.js';
import { SearchIcon, TrashIcon, CloseIcon } from '../../components/icons.js';
import { useAppStore } from '../../store/store.js';
import { ROLE_FILTER_LABELS } from './fleet-cells.js';
import { CLUSTER_ROLES, STATE_FILTERS, STATE_FILTER_LABELS } from './fleet-model.js';

/** The search box's DOM id: the `/` and Ctrl+F shortcuts focus it (app.tsx). */
export const FLEET_SEARCH_ID = 'fleet-search';

export interface FleetToolbarProps {
  shown: number;
  total: number;
  searchProblem?: string;
  onRequestRemove(ids: string[]): void;
}

export function FleetToolbar({ shown, total, searchProblem, onRequestRemove }: FleetToolbarProps) {
  const search = useAppStore((s) => s.search);
  const setSearch = useAppStore((s) => s.setSearch);
  const roleFilter = useAppStore((s) => s.roleFilter);
  const toggleRole = useAppStore((s) => s.toggleRole);
  const stateFilter = useAppStore((s) => s.stateFilter);
  const setStateFilter = useAppStore((s) => s.setStateFilter);
  const checkedIds = useAppStore((s) => s.checkedIds);
  const checked = Object.keys(checkedIds);
  const id = useId();

  return (
    <>
      <div className="fleet-toolbar">
        <div className={searchProblem ? 'search-box has-error' : 'search-box'}>
          <SearchIcon />
          <label htmlFor={FLEET_SEARCH_ID} className="visually-hidden">
            Search clusters by name or label
          </label>
          <input
            id={FLEET_SEARCH_ID}
            type="search"
            className="input search-input"
            placeholder="Search name or label — env=prod, tier in (a,b)"
            aria-keyshortcuts="/ Control+F"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-invalid={searchProblem !== undefined}
            aria-describedby={searchProblem ? `${id}-search-problem` : undefined}
            spellCheck={false}
            maxLength={1000}
            data-testid="fleet-search"
          />
          {search && (
            <button type="button" className="btn-icon" aria-label="Clear search" onClick={() => setSearch('')}>
              <CloseIcon />
            </button>
          )}
        </div>

        <div className="segmented" role="group" aria-label="Filter by role">
          {CLUSTER_ROLES.map((role: ClusterRole) => (
            <button
              key={role}
              type="button"
              className="segment"
              aria-pressed={roleFilter.includes(role)}
              onClick={() => toggleRole(role)}
              data-testid={`role-filter-${role}`}
            >
              {ROLE_FILTER_LABELS[role]}
            </button>
          ))}
        </div>

        <label htmlFor={`${id}-state`} className="visually-hidden">
          Filter by state
        </label>
        <select
          id={`${id}-state`}
          className="input select"
          value={stateFilter}
          onChange={(e) => setStateFilter(STATE_FILTERS.find((s) => s === e.target.value) ?? 'all')}
          data-testid="state-filter"
        >
          {STATE_FILTERS.map((s) => (
            <option key={s} value={s}>
              {STATE_FILTER_LABELS[s]}
            </option>
          ))}
        </select>

        <span className="toolbar-spacer" />
        <span className="muted" data-testid="shown-count" data-shown={shown} data-total={total}>
          {shown === total ? `${total} shown` : `${shown} of ${total} shown`}
        </span>
        {checked.length > 0 && (
          <button type="button" className="btn btn-danger-outline" onClick={() => onRequestRemove(checked)} data-testid="remove-checked">
            <TrashIcon />
            Remove {checked.length}
          </button>
        )}
      </div>
      {/* In the flow below the toolbar: it moves the table down rather than cover its header. */}
      {searchProblem && (
        <div id={`${id}-search-problem`} className="search-problem" role="status" data-testid="search-problem">
          Not a label selector: {searchProblem}
        </div>
      )}
    </>
  );
}
