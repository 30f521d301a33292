/**
 * The distribution editor's and the status views' rules, pure so they run
 * on every keystroke and are tested without a DOM:
 * - a draft (name, targets as any mix of cluster names and label
 *   selectors, sources) and the `distributions:save` request it makes;
 * - the live preview: which clusters the targets select now, entry by
 *   entry, among the primary's Cluster objects (`previewTargets`, the same
 *   selection the app's service and the lab's K10 make), the clusters an
 *   edit would drop or add, and the overlaps with other distributions
 *   (`findOverlaps`);
 * - sync states (worst first) and the per-cluster / per-resource pivots of
 *   `distributions:list` for the Status view.
 */
import type { ClusterSync, Distribution, FieldDiff, McCluster, Policy, Profile, SyncState } from '../../../shared/contract/index.js';
import { findOverlaps, previewTargets, profileSecretName, type Overlap, type SourceRef, type TargetEntry, type TargetPreview } from '../../../shared/kasten/distribution.js';

export type { Overlap, SourceRef, TargetPreview };

/** The fields main names in its refusals (main/distribution/distribution-service.ts). */
export const DISTRIBUTION_FIELDS = ['name', 'targets', 'sources'] as const;

export interface TargetDraft {
  /** Stable across edits, for React keys and test ids. */
  id: number;
  kind: 'name' | 'selector';
  value: string;
}

export interface DistributionDraft {
  name: string;
  targets: TargetDraft[];
  sources: SourceRef[];
}

export function emptyDistributionDraft(): DistributionDraft {
  return { name: '', targets: [], sources: [] };
}

export function draftFromDistribution(d: Distribution): DistributionDraft {
  return {
    name: d.name,
    targets: d.targets.map((t, i) => ('name' in t ? { id: i + 1, kind: 'name', value: t.name } : { id: i + 1, kind: 'selector', value: t.selector })),
    sources: d.sources.map((s) => ({ kind: s.kind, name: s.name })),
  };
}

export function addTarget(draft: DistributionDraft, kind: TargetDraft['kind'], value = ''): DistributionDraft {
  const id = draft.targets.reduce((m, t) => Math.max(m, t.id), 0) + 1;
  return { ...draft, targets: [...draft.targets, { id, kind, value }] };
}

export function setTarget(draft: DistributionDraft, id: number, value: string): DistributionDraft {
  return { ...draft, targets: draft.targets.map((t) => (t.id === id ? { ...t, value } : t)) };
}

export function removeTarget(draft: DistributionDraft, id: number): DistributionDraft {
  return { ...draft, targets: draft.targets.filter((t) => t.id !== id) };
}

export function sameSource(a: SourceRef, b: SourceRef): boolean {
  return a.kind === b.kind && a.name === b.name;
}

export function hasSource(draft: DistributionDraft, s: SourceRef): boolean {
  return draft.sources.some((x) => sameSource(x, s));
}

/** The draft with `s` among its sources or not; profiles first, then policies, each by name. */
export function setSource(draft: DistributionDraft, s: SourceRef, on: boolean): DistributionDraft {
  const others = draft.sources.filter((x) => !sameSource(x, s));
  const sources = on ? [...others, s] : others;
  sources.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'Profile' ? -1 : 1));
  return { ...draft, sources };
}

/** The targets as `spec.clusters` has them (names trimmed; a selector as typed). */
export function targetEntries(draft: DistributionDraft): TargetEntry[] {
  return draft.targets.map((t) => (t.kind === 'name' ? { name: t.value.trim() } : { selector: t.value }));
}

/** What the targets select now among the primary's Cluster objects, entry by entry. An entry with no cluster chosen yet is not "unknown". */
export function livePreview(draft: DistributionDraft, clusters: readonly McCluster[]): TargetPreview {
  const preview = previewTargets(
    targetEntries(draft),
    clusters.map((c) => ({ name: c.name, labels: c.labels })),
  );
  return { ...preview, unknown: preview.unknown.filter((n) => n !== '') };
}

/** The clusters a distribution is sent to now, as main read them. */
export function currentReceivers(d: Distribution | undefined): string[] {
  return d ? d.clusters.map((c) => c.name).sort() : [];
}

/** Which clusters saving would stop sending it to, and which would start receiving it. */
export function targetChange(current: readonly string[], selected: readonly string[]): { dropped: string[]; added: string[] } {
  const now = new Set(current);
  const next = new Set(selected);
  return { dropped: current.filter((c) => !next.has(c)), added: selected.filter((c) => !now.has(c)) };
}

/** The name a draft goes by in messages before it has one. */
export const UNNAMED = '(this distribution)';

/**
 * Where the draft and another distribution would send the same resource to
 * the same cluster: the others as they target now, the draft as previewed.
 * `editing` is the name of the distribution being edited (its saved self is
 * not another one).
 */
export function draftOverlaps(draft: DistributionDraft, selected: readonly string[], others: readonly Distribution[], editing?: string): Overlap[] {
  const self = draft.name.trim() || UNNAMED;
  const rest = others.filter((d) => d.name !== editing && d.name !== self).map((d) => ({ name: d.name, sources: d.sources, targets: currentReceivers(d) }));
  return findOverlaps([...rest, { name: self, sources: draft.sources, targets: selected }]).filter((o) => o.distributions.includes(self));
}

/** The `distributions:save` request of a draft, or what stops it (by field, as main names them). */
export function distributionRequest(
  draft: DistributionDraft,
  preview: TargetPreview,
  create: boolean,
): { request: { name: string; targets: TargetEntry[]; sources: SourceRef[]; create: boolean } } | { problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const name = draft.name.trim();
  if (!name) problems.name = 'a name is required (it cannot change later)';
  if (draft.targets.length === 0) problems.targets = 'add at least one cluster or label selector: a distribution without targets is not one';
  draft.targets.forEach((t, i) => {
    if (t.kind === 'name' && !t.value.trim()) problems[`targets[${i}]`] = 'choose a cluster';
    const error = preview.entries[i]?.error;
    if (error) problems[`targets[${i}]`] = `not a label selector: ${error}`;
  });
  if (draft.sources.length === 0) problems.sources = 'choose at least one global profile or policy to send';
  if (Object.keys(problems).length) return { problems };
  return { request: { name, targets: targetEntries(draft), sources: draft.sources, create } };
}

/** Label keys on the Cluster objects with their values, and every `key=value` pair, sorted: what the selector builder offers. */
export function clusterLabelChoices(clusters: readonly McCluster[]): { values: Record<string, string[]>; pairs: string[] } {
  const values: Record<string, Set<string>> = {};
  for (const c of clusters) for (const [k, v] of Object.entries(c.labels)) (values[k] ??= new Set()).add(v);
  const out: Record<string, string[]> = {};
  const pairs: string[] = [];
  for (const k of Object.keys(values).sort()) {
    out[k] = [...values[k]!].sort();
    for (const v of out[k]) pairs.push(`${k}=${v}`);
  }
  return { values: out, pairs };
}

// ---- sync states

/** Worst first: what a distribution's (and a cluster's) state rolls up to, as main rolls it. */
export const SYNC_SEVERITY: readonly SyncState[] = ['failed', 'unreachable', 'modified', 'missing', 'syncing', 'synced'];

export const SYNC_LABELS: Record<SyncState, string> = {
  synced: 'Synced',
  syncing: 'Syncing',
  missing: 'Missing',
  modified: 'Modified',
  failed: 'Failed',
  unreachable: 'Unreachable',
};

export type Tone = 'ok' | 'busy' | 'warn' | 'bad';

export const SYNC_TONES: Record<SyncState, Tone> = {
  synced: 'ok',
  syncing: 'busy',
  missing: 'warn',
  modified: 'warn',
  failed: 'bad',
  unreachable: 'bad',
};

export function worstState(states: Iterable<SyncState>): SyncState | undefined {
  let best: number | undefined;
  for (const s of states) {
    const i = SYNC_SEVERITY.indexOf(s);
    if (best === undefined || i < best) best = i;
  }
  return best === undefined ? undefined : SYNC_SEVERITY[best];
}

/** How many targets are in each state, worst first, leaving out states none is in. */
export function stateCounts(clusters: readonly ClusterSync[]): [SyncState, number][] {
  return SYNC_SEVERITY.map((s): [SyncState, number] => [s, clusters.filter((c) => c.state === s).length]).filter(([, n]) => n > 0);
}

/** "Profile s3-backups". */
export function resourceKey(s: SourceRef): string {
  return `${s.kind} ${s.name}`;
}

/** One global resource on one cluster, through one distribution. */
export interface Holding {
  resource: SourceRef;
  distribution: string;
  cluster: string;
  state: SyncState;
  message?: string;
  diff?: FieldDiff[];
}

/**
 * A resource's own state on a cluster: a target's Modified concerns only the
 * resources its differences are in (a profile's include its Secret's); the
 * other states are the target's as a whole.
 */
function holdingOf(d: Distribution, c: ClusterSync, s: SourceRef): Holding {
  const base = { resource: s, distribution: d.name, cluster: c.name };
  if (c.state !== 'modified' || !c.diff) return { ...base, state: c.state, ...(c.message ? { message: c.message } : {}) };
  const prefixes = [`${resourceKey(s)}:`, ...(s.kind === 'Profile' ? [`Secret ${profileSecretName(s.name)}:`] : [])];
  const diff = c.diff.filter((x) => prefixes.some((p) => x.path.startsWith(p)));
  return diff.length ? { ...base, state: 'modified', message: c.message, diff } : { ...base, state: 'synced' };
}

export interface ClusterHoldings {
  cluster: string;
  /** The worst over its holdings; undefined when it holds nothing. */
  state?: SyncState;
  holdings: Holding[];
}

/** Per cluster, which global resources it holds and how (every cluster named in `clusters` appears, holding something or not). */
export function byCluster(distributions: readonly Distribution[], clusters: readonly string[] = []): ClusterHoldings[] {
  const map = new Map<string, Holding[]>(clusters.map((c) => [c, []]));
  for (const d of distributions) {
    for (const c of d.clusters) {
      const list = map.get(c.name) ?? [];
      map.set(c.name, list);
      for (const s of d.sources) list.push(holdingOf(d, c, s));
    }
  }
  return [...map.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cluster, holdings]) => {
      holdings.sort((a, b) => resourceKey(a.resource).localeCompare(resourceKey(b.resource)) || a.distribution.localeCompare(b.distribution));
      const state = worstState(holdings.map((h) => h.state));
      return { cluster, ...(state ? { state } : {}), holdings };
    });
}

export interface ResourcePlaces {
  resource: SourceRef;
  /** The worst over where it is; undefined when no distribution sends it. */
  state?: SyncState;
  places: Holding[];
}

/** Per global resource, where it is (every profile and policy given appears, distributed or not). */
export function byResource(distributions: readonly Distribution[], profiles: readonly Pick<Profile, 'name'>[] = [], policies: readonly Pick<Policy, 'name'>[] = []): ResourcePlaces[] {
  const map = new Map<string, { resource: SourceRef; places: Holding[] }>();
  const entry = (s: SourceRef) => {
    const key = resourceKey(s);
    let e = map.get(key);
    if (!e) map.set(key, (e = { resource: { kind: s.kind, name: s.name }, places: [] }));
    return e;
  };
  for (const p of profiles) entry({ kind: 'Profile', name: p.name });
  for (const p of policies) entry({ kind: 'Policy', name: p.name });
  for (const d of distributions) for (const s of d.sources) for (const c of d.clusters) entry(s).places.push(holdingOf(d, c, s));
  return [...map.values()]
    .sort((a, b) => (a.resource.kind === b.resource.kind ? a.resource.name.localeCompare(b.resource.name) : a.resource.kind === 'Profile' ? -1 : 1))
    .map((e) => {
      e.places.sort((a, b) => a.cluster.localeCompare(b.cluster) || a.distribution.localeCompare(b.distribution));
      const state = worstState(e.places.map((h) => h.state));
      return { ...e, ...(state ? { state } : {}) };
    });
}
