/**
 * The tiles above the table: clusters, reachable, unreachable, auth or
 * permission problems, failed actions (24 h), primaries, secondaries, as
 * main counts them. Every tile is a filter button (aria-pressed): the state
 * tiles set the state filter (the toolbar's select shows the same), the role
 * tiles toggle the role filter, "clusters" clears both; pressing an active
 * tile again clears its filter. The search still applies on top.
 */
import type { ClusterRole, FleetSummary as Summary } from '../../../shared/contract/index.js';
import { useAppStore } from '../../store/store.js';
import type { StateFilter } from './fleet-model.js';

type Tile = {
  key: keyof Summary;
  label: string;
  tone?: 'ok' | 'warn' | 'bad';
  /** What pressing it filters by. */
  filter: { state: Exclude<StateFilter, 'all'> } | { role: ClusterRole } | 'none';
};

function tilesOf(s: Summary): Tile[] {
  return [
    { key: 'clusters', label: s.clusters === 1 ? 'cluster' : 'clusters', filter: 'none' },
    { key: 'reachable', label: 'reachable', tone: s.reachable < s.clusters ? 'warn' : 'ok', filter: { state: 'reachable' } },
    { key: 'unreachable', label: 'unreachable', tone: s.unreachable > 0 ? 'bad' : undefined, filter: { state: 'unreachable' } },
    { key: 'authProblems', label: 'auth or permission', tone: s.authProblems > 0 ? 'bad' : undefined, filter: { state: 'auth' } },
    { key: 'failedActions', label: 'failed actions (24 h)', tone: s.failedActions > 0 ? 'warn' : undefined, filter: { state: 'failed-actions' } },
    { key: 'primaries', label: s.primaries === 1 ? 'primary' : 'primaries', filter: { role: 'primary' } },
    { key: 'secondaries', label: s.secondaries === 1 ? 'secondary' : 'secondaries', filter: { role: 'secondary' } },
  ];
}

/** What each tile says to a screen reader beyond its number and label. */
const TILE_HINTS: Partial<Record<keyof Summary, string>> = {
  authProblems: 'clusters that refuse the credentials or a permission (401 or 403)',
  failedActions: 'clusters with a failed K10 action in the last 24 hours',
};

export function FleetSummary() {
  const summary = useAppStore((s) => s.summary);
  const stateFilter = useAppStore((s) => s.stateFilter);
  const roleFilter = useAppStore((s) => s.roleFilter);
  const setStateFilter = useAppStore((s) => s.setStateFilter);
  const toggleRole = useAppStore((s) => s.toggleRole);
  const clearRoleFilter = useAppStore((s) => s.clearRoleFilter);

  const pressed = (t: Tile): boolean =>
    t.filter === 'none' ? stateFilter === 'all' && roleFilter.length === 0 : 'state' in t.filter ? stateFilter === t.filter.state : roleFilter.includes(t.filter.role);

  const press = (t: Tile) => {
    if (t.filter === 'none') {
      if (stateFilter !== 'all') setStateFilter('all');
      if (roleFilter.length > 0) clearRoleFilter();
    } else if ('state' in t.filter) setStateFilter(stateFilter === t.filter.state ? 'all' : t.filter.state);
    else toggleRole(t.filter.role);
  };

  return (
    <div className="fleet-summary" role="group" aria-label="Fleet summary: each count filters the table" data-testid="fleet-summary">
      {tilesOf(summary).map((t) => (
        <button
          key={t.key}
          type="button"
          className={t.tone ? `summary-item summary-item--${t.tone}` : 'summary-item'}
          aria-pressed={pressed(t)}
          title={TILE_HINTS[t.key] ? `${summary[t.key]} ${TILE_HINTS[t.key]}` : undefined}
          onClick={() => press(t)}
          data-testid={`summary-${t.key}`}
          data-value={summary[t.key]}
        >
          <span className="summary-value">{summary[t.key]}</span>
          <span className="summary-label">{t.label}</span>
        </button>
      ))}
    </div>
  );
}
