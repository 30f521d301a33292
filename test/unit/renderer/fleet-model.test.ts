import { describe, expect, it } from 'vitest';
import {
  compareVersions,
  filterRows,
  formatLabels,
  nextSort,
  parseSearch,
  sortFromPrefs,
  sortRows,
  visibleFleetRows,
  type FleetColumnId,
} from '../../../renderer/features/fleet/fleet-model.js';
import { summarize } from '../../../shared/contract/fleet-rules.js';
import { fleetRow } from './fixtures.js';

const names = (rows: { name: string }[]) => rows.map((r) => r.name);

describe('sorting the fleet table', () => {
  it('sorts names naturally, so cluster-2 comes before cluster-10', () => {
    const rows = ['cluster-10', 'cluster-2', 'cluster-1'].map((n) => fleetRow(n));
    expect(names(sortRows(rows, { column: 'name', direction: 'asc' }))).toEqual(['cluster-1', 'cluster-2', 'cluster-10']);
    expect(names(sortRows(rows, { column: 'name', direction: 'desc' }))).toEqual(['cluster-10', 'cluster-2', 'cluster-1']);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('v1.9.0', 'v1.32.0')).toBeLessThan(0);
    expect(compareVersions('8.0.10', '8.0.9')).toBeGreaterThan(0);
    expect(compareVersions('v1.30', 'v1.30.0')).toBeLessThan(0);
    expect(compareVersions('1.2.3', 'v1.2.3')).toBe(0);
    const rows = [fleetRow('a', { kubernetesVersion: 'v1.32.1' }), fleetRow('b', { kubernetesVersion: 'v1.9.4' })];
    expect(names(sortRows(rows, { column: 'kubernetesVersion', direction: 'asc' }))).toEqual(['b', 'a']);
  });

  it('puts missing values last in both directions', () => {
    const rows = [fleetRow('down', { k10Version: undefined }), fleetRow('old', { k10Version: '7.5.0' }), fleetRow('new', { k10Version: '8.0.1' })];
    expect(names(sortRows(rows, { column: 'k10Version', direction: 'asc' }))).toEqual(['old', 'new', 'down']);
    expect(names(sortRows(rows, { column: 'k10Version', direction: 'desc' }))).toEqual(['new', 'old', 'down']);
  });

  it('orders roles primary, secondary, standalone, unknown', () => {
    const rows = [fleetRow('u', { role: 'unknown' }), fleetRow('s', { role: 'secondary' }), fleetRow('p', { role: 'primary' }), fleetRow('x', { role: 'standalone' })];
    expect(names(sortRows(rows, { column: 'role', direction: 'asc' }))).toEqual(['p', 's', 'x', 'u']);
  });

  it('orders reachability by state, then latency', () => {
    const rows = [
      fleetRow('down', { reachability: { state: 'unreachable' } }),
      fleetRow('slow', { reachability: { state: 'reachable', latencyMs: 300 } }),
      fleetRow('fast', { reachability: { state: 'reachable', latencyMs: 5 } }),
      fleetRow('checking', { reachability: { state: 'checking' } }),
    ];
    expect(names(sortRows(rows, { column: 'reachability', direction: 'asc' }))).toEqual(['fast', 'slow', 'checking', 'down']);
  });

  it('sorts actions by failures first, so descending surfaces trouble', () => {
    const rows = [
      fleetRow('busy', { counts: { actions: 90, failedActions24h: 0 } }),
      fleetRow('failing', { counts: { actions: 3, failedActions24h: 2 } }),
      fleetRow('quiet', { counts: { actions: 1, failedActions24h: 0 } }),
    ];
    expect(names(sortRows(rows, { column: 'actions', direction: 'desc' }))).toEqual(['failing', 'busy', 'quiet']);
  });

  it('breaks ties by name and never mutates its input', () => {
    const rows = [fleetRow('b', { role: 'primary' }), fleetRow('a', { role: 'primary' })];
    const before = [...rows];
    expect(names(sortRows(rows, { column: 'role', direction: 'desc' }))).toEqual(['a', 'b']);
    expect(rows).toEqual(before);
  });

  it('sorts by every column without throwing on sparse rows', () => {
    const sparse = fleetRow('sparse', { kubernetesVersion: undefined, k10Version: undefined, counts: {}, labels: {}, lastError: undefined });
    const full = fleetRow('full', { labels: { env: 'prod' }, lastError: { code: 'TIMEOUT', message: 'timed out', at: '2024-01-01T00:00:00Z' } });
    const columns: FleetColumnId[] = ['name', 'role', 'joinState', 'reachability', 'kubernetesVersion', 'k10Version', 'applications', 'policies', 'actions', 'labels', 'lastError'];
    for (const column of columns) {
      expect(sortRows([sparse, full], { column, direction: 'asc' })).toHaveLength(2);
    }
    expect(names(sortRows([sparse, full], { column: 'labels', direction: 'desc' }))).toEqual(['full', 'sparse']);
  });

  it('flips the direction when the same column is chosen again', () => {
    expect(nextSort({ column: 'name', direction: 'asc' }, 'name')).toEqual({ column: 'name', direction: 'desc' });
    expect(nextSort({ column: 'name', direction: 'desc' }, 'role')).toEqual({ column: 'role', direction: 'asc' });
  });

  it('falls back to the default sort when saved settings name an unknown column', () => {
    expect(sortFromPrefs({ column: 'bogus', direction: 'desc' })).toEqual({ column: 'name', direction: 'asc' });
    expect(sortFromPrefs({ column: 'k10Version', direction: 'desc' })).toEqual({ column: 'k10Version', direction: 'desc' });
  });
});

describe('searching and filtering', () => {
  const rows = [
    fleetRow('prod-eu', { labels: { env: 'prod', region: 'eu' }, role: 'primary' }),
    fleetRow('prod-us', { labels: { env: 'prod', region: 'us' }, role: 'secondary', reachability: { state: 'unreachable' } }),
    fleetRow('dev-eu', { labels: { env: 'dev', region: 'eu' }, role: 'secondary', counts: { actions: 4, failedActions24h: 1 } }),
    fleetRow('lonely', { lastError: { code: 'FORBIDDEN', message: 'no', at: '2024-01-01T00:00:00Z' } }),
  ];

  it('matches free text against names and labels, ignoring case', () => {
    expect(names(filterRows(rows, { search: 'PROD', roles: [], state: 'all' }).rows)).toEqual(['prod-eu', 'prod-us']);
    expect(names(filterRows(rows, { search: 'region=e', roles: [], state: 'all' }).rows)).toEqual([]); // an operator makes it a selector
    expect(names(filterRows(rows, { search: 'eu', roles: [], state: 'all' }).rows)).toEqual(['prod-eu', 'dev-eu']);
  });

  it('treats text with an operator as a label selector, as kubectl -l does', () => {
    expect(names(filterRows(rows, { search: 'env=prod,region!=us', roles: [], state: 'all' }).rows)).toEqual(['prod-eu']);
    expect(names(filterRows(rows, { search: 'env in (dev, prod), region=eu', roles: [], state: 'all' }).rows)).toEqual(['prod-eu', 'dev-eu']);
    expect(names(filterRows(rows, { search: '!env', roles: [], state: 'all' }).rows)).toEqual(['lonely']);
  });

  it('shows nothing, and says why, for a selector that does not parse', () => {
    const result = filterRows(rows, { search: 'env in (prod', roles: [], state: 'all' });
    expect(result.rows).toEqual([]);
    expect(result.searchProblem).toMatch(/expected/);
    expect(parseSearch('   ')).toEqual({ kind: 'all' });
  });

  it('filters by roles (any of them) and by state', () => {
    expect(names(filterRows(rows, { search: '', roles: ['secondary'], state: 'all' }).rows)).toEqual(['prod-us', 'dev-eu']);
    expect(names(filterRows(rows, { search: '', roles: ['primary', 'standalone'], state: 'all' }).rows)).toEqual(['prod-eu', 'lonely']);
    expect(names(filterRows(rows, { search: '', roles: [], state: 'unreachable' }).rows)).toEqual(['prod-us']);
    expect(names(filterRows(rows, { search: '', roles: [], state: 'failed-actions' }).rows)).toEqual(['dev-eu']);
    expect(names(filterRows(rows, { search: '', roles: [], state: 'errors' }).rows)).toEqual(['lonely']);
    expect(names(filterRows(rows, { search: '', roles: [], state: 'reachable' }).rows)).toEqual(['prod-eu', 'dev-eu', 'lonely']);
  });

  it('searches a row replaced by main by its new labels, not the old ones', () => {
    const before = fleetRow('moved', { labels: { region: 'eu' } });
    expect(names(filterRows([before], { search: 'eu', roles: [], state: 'all' }).rows)).toEqual(['moved']);
    const after = { ...before, labels: { region: 'us' } };
    expect(names(filterRows([after], { search: 'eu', roles: [], state: 'all' }).rows)).toEqual([]);
    expect(names(sortRows([after, fleetRow('a', { labels: { region: 'zz' } })], { column: 'labels', direction: 'asc' }))).toEqual(['moved', 'a']);
  });

  it('shows the same rows whether it sorts before or after filtering', () => {
    const many = Array.from({ length: 60 }, (_, i) =>
      fleetRow(`c-${(i * 37) % 60}`, { labels: i % 3 ? { env: i % 2 ? 'prod' : 'dev' } : {}, k10Version: i % 4 ? `7.${i % 5}.${i % 7}` : undefined, counts: { applications: i % 6 } }),
    );
    const filter = { search: 'prod', roles: [], state: 'all' } as const;
    for (const column of ['name', 'labels', 'k10Version', 'applications'] as FleetColumnId[]) {
      for (const direction of ['asc', 'desc'] as const) {
        const sortThenFilter = filterRows(sortRows(many, { column, direction }), filter).rows;
        const filterThenSort = sortRows(filterRows(many, filter).rows, { column, direction });
        expect(names(sortThenFilter)).toEqual(names(filterThenSort));
      }
    }
  });

  it('filters, then sorts, what the table shows', () => {
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    const shown = visibleFleetRows(byId, { search: 'eu', roles: [], state: 'all' }, { column: 'name', direction: 'asc' });
    expect(names(shown.rows)).toEqual(['dev-eu', 'prod-eu']);
  });
});

describe('label formatting', () => {
  it('lists labels sorted by key, a key alone when its value is empty', () => {
    expect(formatLabels({ region: 'eu', env: 'prod', gpu: '' })).toBe('env=prod, gpu, region=eu');
    expect(formatLabels({})).toBe('');
  });
});

describe('the summary tiles and the state filters', () => {
  const at = '2025-01-01T00:00:00Z';
  const rows = [
    fleetRow('up'),
    fleetRow('down', { reachability: { state: 'unreachable', lastSeenAt: at } }),
    fleetRow('expired', { lastError: { code: 'UNAUTHORIZED', message: 'expired', at } }),
    fleetRow('denied', { lastError: { code: 'FORBIDDEN', message: 'no', at }, counts: { failedActions24h: 1 } }),
    fleetRow('down-denied', { reachability: { state: 'unreachable' }, lastError: { code: 'FORBIDDEN', message: 'no', at } }),
    fleetRow('failing', { counts: { actions: 3, failedActions24h: 2 } }),
  ];

  it("pick exactly the rows each tile counts (one rule for both, shared with main's summary)", () => {
    const summary = summarize(rows);
    const shown = (state: 'reachable' | 'unreachable' | 'auth' | 'failed-actions') => names(filterRows(rows, { search: '', roles: [], state }).rows);
    expect(shown('unreachable')).toEqual(['down', 'down-denied']);
    expect(shown('auth')).toEqual(['expired', 'denied']);
    expect(shown('failed-actions')).toEqual(['denied', 'failing']);
    expect(summary).toMatchObject({ unreachable: 2, authProblems: 2, failedActions: 2, reachable: shown('reachable').length });
  });

  it('combine with the search and the role filter', () => {
    expect(names(filterRows(rows, { search: 'fail', roles: [], state: 'failed-actions' }).rows)).toEqual(['failing']);
    expect(filterRows(rows, { search: '', roles: ['primary'], state: 'auth' }).rows).toEqual([]);
  });
});
