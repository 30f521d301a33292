/**
 * The fleet table's rules, kept pure so they can be tested without a DOM:
 * which columns exist, how each one sorts, and how search and the role and
 * state filters pick rows. Missing values (a cluster never reached has no
 * versions) sort after present ones in both directions, so "unknown" never
 * crowds the top of the table.
 */
import type { ClusterRole, FleetRow } from '../../../shared/contract/index.js';
import { parseLabelSelector, matchesLabels, SelectorError, type LabelSelector } from '../../../shared/selectors.js';

export const FLEET_COLUMNS = [
  'name',
  'role',
  'joinState',
  'primary',
  'reachability',
  'kubernetesVersion',
  'k10Version',
  'applications',
  'policies',
  'actions',
  'labels',
  'lastError',
] as const;
export type FleetColumnId = (typeof FLEET_COLUMNS)[number];

export const COLUMN_LABELS: Record<FleetColumnId, string> = {
  name: 'Name',
  role: 'Role',
  joinState: 'Join',
  primary: 'Member of',
  reachability: 'Reachability',
  kubernetesVersion: 'Kubernetes',
  k10Version: 'K10',
  applications: 'Apps',
  policies: 'Policies',
  actions: 'Actions (24 h)',
  labels: 'Labels',
  lastError: 'Last error',
};

export type SortDirection = 'asc' | 'desc';
export interface FleetSort {
  column: FleetColumnId;
  direction: SortDirection;
}
export const DEFAULT_SORT: FleetSort = { column: 'name', direction: 'asc' };

export const CLUSTER_ROLES: readonly ClusterRole[] = ['primary', 'secondary', 'standalone', 'unknown'];

export const STATE_FILTERS = ['all', 'reachable', 'unreachable', 'errors', 'failed-actions'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

export function isStateFilter(value: string): value is StateFilter {
  return (STATE_FILTERS as readonly string[]).includes(value);
}
export const STATE_FILTER_LABELS: Record<StateFilter, string> = {
  all: 'Any state',
  reachable: 'Reachable',
  unreachable: 'Unreachable',
  errors: 'With an error',
  'failed-actions': 'Failed actions',
};

export function isFleetColumn(value: string): value is FleetColumnId {
  return (FLEET_COLUMNS as readonly string[]).includes(value);
}

export function isClusterRole(value: string): value is ClusterRole {
  return (CLUSTER_ROLES as readonly string[]).includes(value);
}

/** The persisted sort, or the default when the saved column no longer exists. */
export function sortFromPrefs(saved: { column: string; direction: SortDirection }): FleetSort {
  return isFleetColumn(saved.column) ? { column: saved.column, direction: saved.direction } : DEFAULT_SORT;
}

// ---------------------------------------------------------------------------
// Sorting

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Numeric comparison of dotted versions: "v1.9.2" < "v1.32.0"; suffixes compare as text. */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/i, '').split(/[.+-]/);
  const pb = b.replace(/^v/i, '').split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = Number(x);
    const ny = Number(y);
    const d = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : collator.compare(x, y);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const ROLE_RANK: Record<ClusterRole, number> = { primary: 0, secondary: 1, standalone: 2, unknown: 3 };
const JOIN_RANK: Record<FleetRow['joinState'], number> = { joined: 0, joining: 1, rejected: 2, disconnected: 3, none: 4, unknown: 5 };
const REACH_RANK: Record<FleetRow['reachability']['state'], number> = { reachable: 0, checking: 1, unreachable: 2 };

/** "a=1, b=2": labels sorted by key, as shown in the table and searched. */
export function formatLabels(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => (labels[k] === '' ? k : `${k}=${labels[k]}`))
    .join(', ');
}

type SortKey = string | number | undefined;
type Comparator = (a: FleetRow, b: FleetRow) => number;

/** Compares two optional keys; undefined is "missing" and handled by the caller. */
function compareKeys(x: SortKey, y: SortKey, version = false): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (version) return compareVersions(String(x), String(y));
  return collator.compare(String(x), String(y));
}

/** For each column, the key to sort by (undefined = missing) and whether it is a version. */
const SORT_KEYS: Record<FleetColumnId, { key: (r: FleetRow) => SortKey | SortKey[]; version?: boolean }> = {
  name: { key: (r) => r.name },
  role: { key: (r) => ROLE_RANK[r.role] },
  joinState: { key: (r) => JOIN_RANK[r.joinState] },
  // Secondaries by their primary's name; a primary (primaryName is its own name) and the rest have none.
  primary: { key: (r) => (r.role === 'secondary' ? (r.primaryName ?? '') : undefined) },
  reachability: {
    key: (r) => [REACH_RANK[r.reachability.state], r.reachability.state === 'reachable' ? (r.reachability.latencyMs ?? Infinity) : 0],
  },
  kubernetesVersion: { key: (r) => r.kubernetesVersion, version: true },
  k10Version: { key: (r) => r.k10Version, version: true },
  applications: { key: (r) => r.counts.applications },
  policies: { key: (r) => r.counts.policies },
  // Failed actions first: a column sorted descending should surface trouble.
  actions: { key: (r) => (r.counts.actions === undefined ? undefined : [r.counts.failedActions24h ?? 0, r.counts.actions]) },
  labels: { key: (r) => (Object.keys(r.labels).length ? formatLabels(r.labels) : undefined) },
  lastError: { key: (r) => r.lastError?.message },
};

function comparatorFor(sort: FleetSort): Comparator {
  const { key, version } = SORT_KEYS[sort.column];
  const flip = sort.direction === 'asc' ? 1 : -1;
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    const missingA = ka === undefined;
    const missingB = kb === undefined;
    if (missingA || missingB) {
      // Missing after present, whatever the direction; then by name.
      if (missingA !== missingB) return missingA ? 1 : -1;
    } else {
      const d = Array.isArray(ka) && Array.isArray(kb) ? compareTuples(ka, kb) : compareKeys(ka as SortKey, kb as SortKey, version);
      if (d !== 0) return d * flip;
    }
    return collator.compare(a.name, b.name) || a.id.localeCompare(b.id);
  };
}

function compareTuples(a: SortKey[], b: SortKey[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = compareKeys(a[i], b[i]);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** A new array sorted by the column; ties (and missing values) by name. */
export function sortRows(rows: readonly FleetRow[], sort: FleetSort): FleetRow[] {
  return [...rows].sort(comparatorFor(sort));
}

/** Clicking a header: the same column flips direction; another column starts ascending. */
export function nextSort(current: FleetSort, column: FleetColumnId): FleetSort {
  if (current.column === column) return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { column, direction: 'asc' };
}

// ---------------------------------------------------------------------------
// Search and filters

export type ParsedSearch =
  | { kind: 'all' }
  | { kind: 'text'; needle: string }
  | { kind: 'selector'; selector: LabelSelector }
  | { kind: 'invalid'; message: string };

/** Text that has a selector operator in it is a label selector (`env=prod`, `tier in (a,b)`, `!legacy`). */
const SELECTOR_HINT = /[=!()]|\s(in|notin)\s/;

/**
 * What the search box means: empty (everything), free text (matched against
 * names and labels), or a Kubernetes label selector, as `kubectl -l` takes it.
 */
export function parseSearch(text: string): ParsedSearch {
  const trimmed = text.trim();
  if (!trimmed) return { kind: 'all' };
  if (!SELECTOR_HINT.test(trimmed)) return { kind: 'text', needle: trimmed.toLowerCase() };
  try {
    return { kind: 'selector', selector: parseLabelSelector(trimmed) };
  } catch (err) {
    return { kind: 'invalid', message: err instanceof SelectorError ? err.message : String(err) };
  }
}

function matchesSearch(row: FleetRow, search: ParsedSearch): boolean {
  switch (search.kind) {
    case 'all':
      return true;
    case 'invalid':
      return false;
    case 'selector':
      return matchesLabels(search.selector, row.labels);
    case 'text':
      return row.name.toLowerCase().includes(search.needle) || formatLabels(row.labels).toLowerCase().includes(search.needle);
  }
}

function matchesState(row: FleetRow, state: StateFilter): boolean {
  switch (state) {
    case 'all':
      return true;
    case 'reachable':
      return row.reachability.state === 'reachable';
    case 'unreachable':
      return row.reachability.state === 'unreachable';
    case 'errors':
      return row.lastError !== undefined;
    case 'failed-actions':
      return (row.counts.failedActions24h ?? 0) > 0;
  }
}

export interface FleetFilter {
  search: string;
  /** Empty: every role. */
  roles: readonly ClusterRole[];
  state: StateFilter;
}

export interface FilteredRows {
  rows: FleetRow[];
  /** Why the search text is not a valid label selector (nothing matches then). */
  searchProblem?: string;
}

export function filterRows(rows: readonly FleetRow[], filter: FleetFilter): FilteredRows {
  const search = parseSearch(filter.search);
  const roles = new Set(filter.roles);
  const picked = rows.filter(
    (r) => (roles.size === 0 || roles.has(r.role)) && matchesState(r, filter.state) && matchesSearch(r, search),
  );
  return search.kind === 'invalid' ? { rows: picked, searchProblem: search.message } : { rows: picked };
}

/** Filter, then sort: what the table shows. */
export function visibleFleetRows(rowsById: Readonly<Record<string, FleetRow>>, filter: FleetFilter, sort: FleetSort): FilteredRows {
  const filtered = filterRows(Object.values(rowsById), filter);
  return { ...filtered, rows: sortRows(filtered.rows, sort) };
}
