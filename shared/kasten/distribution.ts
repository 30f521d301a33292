/**
 * Global resources and Distributions (KASTEN-MC.md, "Global resources and
 * distributions"), as pure functions shared by the lab's K10 emulation, the
 * app's service and the renderer's live preview, so that all three pick the
 * same clusters: which Clusters a `spec.clusters` list selects, which
 * distributions would send the same resource to the same cluster, and the
 * manifests Flotilla writes.
 */
import { matchesLabels, parseLabelSelector, SelectorError } from '../selectors.js';
import { KASTEN_GROUPS, KASTEN_VERSION, MC_NAMESPACE } from './kinds.js';
import type { Manifest } from './manifests.js';

/** A Cluster object as selection needs it. */
export interface SelectableCluster {
  metadata: { name?: string; labels?: Record<string, string> };
}

/** The targets of a `spec.clusters` list among the live Clusters: the union of its entries. [doc] */
export function selectTargets(specs: unknown, clusters: readonly SelectableCluster[]): { targets: string[]; unknown: string[]; error?: string } {
  if (specs === undefined) return { targets: [], unknown: [] };
  if (!Array.isArray(specs)) return { targets: [], unknown: [], error: 'spec.clusters must be a list' };
  const targets = new Set<string>();
  const unknown: string[] = [];
  for (const [i, entry] of specs.entries()) {
    const e = (entry ?? {}) as { name?: unknown; selector?: unknown };
    if (typeof e.name === 'string' && e.name) {
      if (clusters.some((c) => c.metadata.name === e.name)) targets.add(e.name);
      else unknown.push(e.name);
    } else if (typeof e.selector === 'string') {
      let selector;
      try {
        selector = parseLabelSelector(e.selector);
      } catch (err) {
        return { targets: [], unknown: [], error: `spec.clusters[${i}].selector "${e.selector}" is not a valid label selector: ${err instanceof Error ? err.message : String(err)}` };
      }
      for (const c of clusters) if (c.metadata.name && matchesLabels(selector, c.metadata.labels ?? {})) targets.add(c.metadata.name);
    } else {
      return { targets: [], unknown: [], error: `spec.clusters[${i}] needs a name or a selector` };
    }
  }
  return { targets: [...targets].sort(), unknown };
}

export type TargetEntry = { name: string } | { selector: string };

export interface TargetPreview {
  /** Clusters the entries select now, sorted. */
  selected: string[];
  /** Per entry: what it selects, or why it is wrong (with where, for a selector). */
  entries: Array<{ selected: string[]; error?: string; position?: number }>;
  /** Names that are not (yet) Clusters on the primary. */
  unknown: string[];
}

/**
 * What the targets select, entry by entry, for the editor's live preview:
 * unlike `selectTargets` a wrong entry does not hide what the others
 * select. Linear in clusters × entries; no allocation per cluster beyond the
 * result, so a keystroke over 1,000 clusters stays far below a frame.
 */
export function previewTargets(entries: readonly TargetEntry[], clusters: readonly { name: string; labels: Record<string, string> }[]): TargetPreview {
  const selected = new Set<string>();
  const unknown: string[] = [];
  const names = new Set(clusters.map((c) => c.name));
  const out: TargetPreview['entries'] = entries.map((e) => {
    if ('name' in e) {
      if (!names.has(e.name)) {
        unknown.push(e.name);
        return { selected: [] };
      }
      selected.add(e.name);
      return { selected: [e.name] };
    }
    let selector;
    try {
      selector = parseLabelSelector(e.selector);
    } catch (err) {
      return { selected: [], error: err instanceof Error ? err.message : String(err), ...(err instanceof SelectorError && err.position !== undefined ? { position: err.position } : {}) };
    }
    const hit: string[] = [];
    for (const c of clusters) {
      if (matchesLabels(selector, c.labels)) {
        hit.push(c.name);
        selected.add(c.name);
      }
    }
    return { selected: hit.sort() };
  });
  return { selected: [...selected].sort(), entries: out, unknown };
}

/** A source of a Distribution: a global Policy or Profile. */
export interface SourceRef {
  kind: 'Policy' | 'Profile';
  name: string;
}

export interface Overlap {
  /** e.g. "Profile s3-backups". */
  resource: string;
  distributions: string[];
  clusters: string[];
}

/**
 * Where two or more distributions would send the same resource to the same
 * cluster: Kasten does not say which wins, so the editor warns before saving.
 */
export function findOverlaps(distributions: readonly { name: string; sources: readonly SourceRef[]; targets: readonly string[] }[]): Overlap[] {
  const byResource = new Map<string, Map<string, Set<string>>>();
  for (const d of distributions) {
    for (const s of d.sources) {
      const key = `${s.kind} ${s.name}`;
      let clusters = byResource.get(key);
      if (!clusters) byResource.set(key, (clusters = new Map()));
      for (const t of d.targets) {
        let ds = clusters.get(t);
        if (!ds) clusters.set(t, (ds = new Set()));
        ds.add(d.name);
      }
    }
  }
  const out: Overlap[] = [];
  for (const [resource, clusters] of byResource) {
    // Group clusters by the set of distributions that reach them.
    const groups = new Map<string, string[]>();
    for (const [cluster, ds] of clusters) {
      if (ds.size < 2) continue;
      const key = [...ds].sort().join('\u0000');
      groups.set(key, [...(groups.get(key) ?? []), cluster]);
    }
    for (const [key, cs] of groups) out.push({ resource, distributions: key.split('\u0000'), clusters: cs.sort() });
  }
  return out.sort((a, b) => a.resource.localeCompare(b.resource));
}

/** A Distribution as Flotilla writes it. [doc] */
export function distributionManifest(opts: { name: string; targets: readonly TargetEntry[]; sources: readonly SourceRef[] }): Manifest {
  return {
    apiVersion: `${KASTEN_GROUPS.dist}/${KASTEN_VERSION}`,
    kind: 'Distribution',
    metadata: { name: opts.name, namespace: MC_NAMESPACE },
    spec: {
      clusters: opts.targets.map((t) => ('name' in t ? { name: t.name } : { selector: t.selector })),
      sources: opts.sources.map((s) => ({ ref: { apiVersion: `${KASTEN_GROUPS.config}/${KASTEN_VERSION}`, kind: s.kind, name: s.name, namespace: MC_NAMESPACE } })),
    },
  };
}

export interface S3ProfileSpec {
  name: string;
  bucket: string;
  region: string;
  endpoint?: string;
  skipTlsVerify?: boolean;
}

/** The Secret a global profile's credentials live in. */
export function profileSecretName(profile: string): string {
  return `${profile}-credentials`.slice(0, 253);
}

/** A global S3-compatible location Profile. [doc] */
export function s3ProfileManifest(p: S3ProfileSpec): Manifest {
  return {
    apiVersion: `${KASTEN_GROUPS.config}/${KASTEN_VERSION}`,
    kind: 'Profile',
    metadata: { name: p.name, namespace: MC_NAMESPACE },
    spec: {
      type: 'Location',
      locationSpec: {
        type: 'ObjectStore',
        credential: { secretType: 'AwsAccessKey', secret: { apiVersion: 'v1', kind: 'secret', name: profileSecretName(p.name), namespace: MC_NAMESPACE } },
        objectStore: {
          objectStoreType: 'S3',
          name: p.bucket,
          region: p.region,
          ...(p.endpoint ? { endpoint: p.endpoint } : {}),
          ...(p.skipTlsVerify ? { skipSSLVerify: true } : {}),
        },
      },
    },
  };
}

export const RETENTION_PERIODS = ['hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type RetentionPeriod = (typeof RETENTION_PERIODS)[number];

export interface PolicySpec {
  name: string;
  frequency: string;
  retention: Partial<Record<RetentionPeriod, number>>;
  /** Export to this global profile after each backup. */
  exportProfile?: string;
  /** Label selector on applications (`kubectl -l` syntax); empty: every application. */
  selector: string;
  paused?: boolean;
}

/** A global Policy: backup, and export to a global profile when given. [doc] */
export function policyManifest(p: PolicySpec): Manifest {
  const requirements = p.selector.trim() ? parseLabelSelector(p.selector) : [];
  const matchExpressions = requirements.map((r) => ({
    key: r.key,
    operator: r.operator === 'Equals' ? 'In' : r.operator === 'NotEquals' ? 'NotIn' : r.operator,
    ...(r.values.length ? { values: [...r.values] } : {}),
  }));
  return {
    apiVersion: `${KASTEN_GROUPS.config}/${KASTEN_VERSION}`,
    kind: 'Policy',
    metadata: { name: p.name, namespace: MC_NAMESPACE },
    spec: {
      frequency: p.frequency,
      retention: Object.fromEntries(RETENTION_PERIODS.filter((k) => p.retention[k] !== undefined).map((k) => [k, p.retention[k]])),
      actions: [
        { action: 'backup' },
        ...(p.exportProfile ? [{ action: 'export', exportParameters: { frequency: p.frequency, profile: { name: p.exportProfile, namespace: MC_NAMESPACE }, exportData: { enabled: true } } }] : []),
      ],
      selector: matchExpressions.length ? { matchExpressions } : {},
      ...(p.paused ? { paused: true } : {}),
    },
  };
}
