/**
 * The fleet table's rules, kept pure so they can be tested without a DOM:
 * which columns exist, how each one sorts, and how search and the role and
 * state filters pick rows (a state filter picks exactly the rows its
 * summary tile counts: both use shared/contract/fleet-rules.ts). Missing
 * values (a cluster never reached has no versions) sort after present ones
 * in both directions, so "unknown" never crowds the top of the table.
 */
import type { ClusterRole, FleetRow } from '../../../shared/contract/index.js';
import { hasFailedActions, isAuthProblem } from '../../../shared/contract/fleet-rules.js';
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

export const STATE_FILTERS = ['all', 'reachable', 'unreachable', 'auth', 'failed-actions', 'errors'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];

export function isStateFilter(value: string): value is StateFilter {
  return (STATE_FILTERS as readonly string[]).includes(value);
}
export const STATE_FILTER_LABELS: Record<StateFilter, string> = {
  all: 'Any state',
  reachable: 'Reachable',
  unreachable: 'Unreachable',
  auth: 'Auth or permission problem',
  'failed-actions': 'Failed actions (24 h)',
  errors: 'With an error',
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

/** A version split for comparison: numbers where the part is one, text otherwise. */
type VersionParts = readonly (number | string)[];

function versionParts(v: string): VersionParts {
  return v
    .replace(/^v/i, '')
    .split(/[.+-]/)
    .map((p) => {
      const n = Number(p);
      return Number.isFinite(n) ? n : p;
    });
}

function compareVersionParts(pa: VersionParts, pb: VersionParts): number {
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const d = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Numeric comparison of dotted versions: "v1.9.2" < "v1.32.0"; suffixes compare as text. */
export function compareVersions(a: string, b: string): number {
  return compareVersionParts(versionParts(a), versionParts(b));
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

/**
 * What a row is searched and sorted by, worked out once per row object. Rows
 * are replaced, never changed, when main reports news, so a row's keys stay
 * valid for as long as the row is in the store, and a keystroke or a click
 * on a header costs a comparison per row, not a formatting per comparison.
 */
interface RowKeys {
  labels: string;
  nameLower: string;
  labelsLower: string;
}
const rowKeys = new WeakMap<FleetRow, RowKeys>();

function keysOf(row: FleetRow): RowKeys {
  let keys = rowKeys.get(row);
  if (!keys) {
    const labels = formatLabels(row.labels);
    keys = { labels, nameLower: row.name.toLowerCase(), labelsLower: labels.toLowerCase() };
    rowKeys.set(row, keys);
  }
  return keys;
}

type SortKey = string | number | undefined;

/** Compares two present keys of one column. */
function compareKeys(x: SortKey, y: SortKey): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
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
  labels: { key: (r) => (Object.keys(r.labels).length ? keysOf(r).labels : undefined) },
  lastError: { key: (r) => r.lastError?.message },
};

function compareTuples(a: readonly SortKey[], b: readonly SortKey[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = compareKeys(a[i], b[i]);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** A row with its key for the column, taken once before sorting. */
interface Keyed {
  row: FleetRow;
  key: SortKey | SortKey[] | VersionParts;
}

/** A new array sorted by the column; ties (and missing values) by name. */
export function sortRows(rows: readonly FleetRow[], sort: FleetSort): FleetRow[] {
  const { key, version } = SORT_KEYS[sort.column];
  const flip = sort.direction === 'asc' ? 1 : -1;
  const keyed: Keyed[] = rows.map((row) => {
    const k = key(row);
    return { row, key: version && typeof k === 'string' ? versionParts(k) : k };
  });
  const compare = (ka: Keyed['key'], kb: Keyed['key']): number => {
    if (version) return compareVersionParts(ka as VersionParts, kb as VersionParts);
    if (Array.isArray(ka) && Array.isArray(kb)) return compareTuples(ka as SortKey[], kb as SortKey[]);
    return compareKeys(ka as SortKey, kb as SortKey);
  };
  keyed.sort((a, b) => {
    const missingA = a.key === undefined;
    const missingB = b.key === undefined;
    if (missingA || missingB) {
      // Missing after present, whatever the direction; then by name.
      if (missingA !== missingB) return missingA ? 1 : -1;
    } else {
      const d = compare(a.key, b.key);
      if (d !== 0) return d * flip;
    }
    return collator.compare(a.row.name, b.row.name) || a.row.id.localeCompare(b.row.id);
  });
  return keyed.map((k) => k.row);
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
    case 'text': {
      const keys = keysOf(row);
      return keys.nameLower.includes(search.needle) || keys.labelsLower.includes(search.needle);
    }
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
    case 'auth':
      return isAuthProblem(row);
    case 'errors':
      return row.lastError !== undefined;
    case 'failed-actions':
      return hasFailedActions(row);
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

/**
 * What the table shows: the rows sorted, then filtered (filtering keeps the
 * order, so the view can keep the sorted rows while the search changes and
 * a keystroke costs one pass over the rows, not a sort).
 */
export function visibleFleetRows(rowsById: Readonly<Record<string, FleetRow>>, filter: FleetFilter, sort: FleetSort): FilteredRows {
  return filterRows(sortRows(Object.values(rowsById), sort), filter);
}
