/**
 * The rules of the fleet view, as pure functions: what K10's objects say
 * about a cluster's role and join state, which actions count as failed in
 * the last 24 hours, which rows are failing, and the summary line. The
 * FleetService feeds them from its watches; tests feed them directly.
 *
 * The compact shapes below are what the watches keep of each object (see
 * `project*`): never a whole object, and never a Secret's credential.
 */
import type { ClusterRole, FleetRow, FleetSummary, JoinState } from '../../shared/contract/index.js';
import { LABELS } from '../../shared/kasten/kinds.js';
import type { KubeObject } from '../kube/informer.js';

/** A Cluster object in kasten-io-mc. */
export interface McCluster {
  name: string;
  /** `primary`, `secondary`, or undefined (label absent). */
  type?: string;
  labels: Record<string, string>;
  ingress?: string;
  /** Deleted on the primary (a disconnect): K10 waits for the secondary to confirm. */
  deleting?: boolean;
}

/** mc-cluster-info on a secondary, without its session token. */
export interface ClusterInfo {
  clusterName?: string;
  primaryName?: string;
  primaryIngress?: string;
}

/** mc-join-status on a cluster that tried to join. */
export interface JoinStatusInfo {
  status?: string;
  msg?: string;
}

export interface K10Deployment {
  name: string;
  version?: string;
}

/**
 * One action, as kept for counting: the time it failed (ms since epoch), or
 * 0 when it did not fail.
 */
export type ActionFailure = number;

export const DAY_MS = 24 * 3600 * 1000;

function decode(data: unknown, key: string): string | undefined {
  const v = (data as Record<string, unknown> | undefined)?.[key];
  if (typeof v !== 'string') return undefined;
  try {
    return Buffer.from(v, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

export function projectMcCluster(obj: KubeObject): McCluster {
  const labels = { ...(obj.metadata?.labels ?? {}) };
  const spec = obj.spec as { k10?: { ingress?: { url?: unknown } } } | undefined;
  const url = spec?.k10?.ingress?.url;
  return {
    name: obj.metadata?.name ?? '',
    type: labels[LABELS.clusterType],
    labels,
    ...(typeof url === 'string' ? { ingress: url } : {}),
    ...(obj.metadata?.deletionTimestamp ? { deleting: true } : {}),
  };
}

/** What a primary's K10 reports of a Distribution's targets (undocumented; the lab writes it [ours]). */
export interface DistributionReport {
  clusters: { name: string; state: 'synced' | 'syncing' | 'failed' }[];
}

export function projectDistribution(obj: KubeObject): DistributionReport {
  const list = (obj.status as { clusters?: { name?: unknown; state?: unknown }[] } | undefined)?.clusters;
  const states = { Synced: 'synced', Syncing: 'syncing', Failed: 'failed' } as const;
  const clusters: DistributionReport['clusters'] = [];
  for (const c of Array.isArray(list) ? list : []) {
    const state = states[String(c?.state) as keyof typeof states];
    if (typeof c?.name === 'string' && state) clusters.push({ name: c.name, state });
  }
  return { clusters };
}

/** Reads the three public keys of mc-cluster-info; its `token` is never read. */
export function projectClusterInfo(obj: KubeObject): ClusterInfo {
  const data = obj.data;
  return { clusterName: decode(data, 'clusterName'), primaryName: decode(data, 'primaryName'), primaryIngress: decode(data, 'primaryIngress') };
}

export function projectJoinStatus(obj: KubeObject): JoinStatusInfo {
  return { status: decode(obj.data, 'status'), msg: decode(obj.data, 'msg') };
}

export function projectDeployment(obj: KubeObject): K10Deployment {
  return { name: obj.metadata?.name ?? '', version: obj.metadata?.labels?.[LABELS.version] };
}

/** A Failed action's time (its end, else its start, else its creation), or 0. */
export function projectAction(obj: KubeObject): ActionFailure {
  const status = obj.status as { state?: unknown; endTime?: unknown; startTime?: unknown } | undefined;
  if (status?.state !== 'Failed') return 0;
  for (const t of [status.endTime, status.startTime, obj.metadata?.creationTimestamp]) {
    if (typeof t === 'string') {
      const ms = Date.parse(t);
      if (!Number.isNaN(ms)) return ms;
    }
  }
  // Failed at an unknown time: count it as recent rather than hide it.
  return Date.now();
}

/**
 * Counts failures within `windowMs` before `now`, and says when the oldest
 * of them leaves the window (so the count can drop without any event).
 */
export function recentFailures(failures: Iterable<ActionFailure>, now: number, windowMs = DAY_MS): { count: number; nextExpiry?: number } {
  let count = 0;
  let nextExpiry: number | undefined;
  const from = now - windowMs;
  for (const at of failures) {
    if (at > from) {
      count++;
      const expiry = at + windowMs;
      if (nextExpiry === undefined || expiry < nextExpiry) nextExpiry = expiry;
    }
  }
  return { count, ...(nextExpiry !== undefined ? { nextExpiry } : {}) };
}

/**
 * What the watches know, for role and join state: `undefined` = could not
 * be read (yet); `null` = read, and absent.
 */
export interface RoleInputs {
  mcClusters: McCluster[] | undefined;
  clusterInfo: ClusterInfo | null | undefined;
  joinStatus: JoinStatusInfo | null | undefined;
}

export interface RoleFacts {
  role: ClusterRole;
  /** For a primary, the name of its own Cluster; for a secondary, its primary's name. */
  primaryName?: string;
  /** For a secondary: its name on the primary. */
  clusterName?: string;
  primaryIngress?: string;
  /** The primary's own Cluster object (its labels are the row's). */
  primaryCluster?: McCluster;
  joinState: JoinState;
  joinMessage?: string;
}

/**
 * Role (KASTEN-MC.md): primary when kasten-io-mc holds a Cluster labelled
 * cluster-type=primary; secondary when mc-cluster-info exists; standalone
 * when both were read and neither holds; unknown when they cannot be read.
 *
 * Join state: `joined` while mc-cluster-info exists (membership); else from
 * mc-join-status (`joining`, `rejected` with its message). A status still
 * saying `joined` without mc-cluster-info is a disconnected cluster (Kasten
 * leaves the status behind): `none`, with a message saying so.
 */
export function roleFacts(inputs: RoleInputs): RoleFacts {
  const primary = inputs.mcClusters?.find((c) => c.type === 'primary');
  if (primary) return { role: 'primary', primaryName: primary.name, primaryCluster: primary, joinState: 'none' };
  const info = inputs.clusterInfo;
  if (info) {
    return {
      role: 'secondary',
      ...(info.primaryName ? { primaryName: info.primaryName } : {}),
      ...(info.clusterName ? { clusterName: info.clusterName } : {}),
      ...(info.primaryIngress ? { primaryIngress: info.primaryIngress } : {}),
      joinState: 'joined',
    };
  }
  const known = inputs.mcClusters !== undefined && info !== undefined;
  const role: ClusterRole = known ? 'standalone' : 'unknown';
  if (info === undefined || inputs.joinStatus === undefined) return { role, joinState: 'unknown' };
  const js = inputs.joinStatus;
  if (!js) return { role, joinState: 'none' };
  switch (js.status) {
    case 'joining':
      return { role, joinState: 'joining', ...(js.msg ? { joinMessage: js.msg } : {}) };
    case 'rejected':
      return { role, joinState: 'rejected', joinMessage: js.msg || 'The primary rejected the join (no reason given).' };
    case 'joined':
      return { role, joinState: 'disconnected', joinMessage: 'Disconnected: it had joined a primary, and is no longer a member (mc-cluster-info is gone).' };
    default:
      return { role, joinState: 'unknown', ...(js.status ? { joinMessage: `mc-join-status says "${js.status}"` } : {}) };
  }
}

/** A row counts as failing when unreachable, in error, or with failed actions in the last 24 h. */
export function isFailing(row: FleetRow): boolean {
  return row.reachability.state === 'unreachable' || row.lastError !== undefined || (row.counts.failedActions24h ?? 0) > 0;
}

export function summarize(rows: Iterable<FleetRow>): FleetSummary {
  const s: FleetSummary = { clusters: 0, reachable: 0, primaries: 0, secondaries: 0, failing: 0 };
  for (const row of rows) {
    s.clusters++;
    if (row.reachability.state === 'reachable') s.reachable++;
    if (row.role === 'primary') s.primaries++;
    if (row.role === 'secondary') s.secondaries++;
    if (isFailing(row)) s.failing++;
  }
  return s;
}

/** Latency changes worth telling the renderer about: enough to notice, not every jitter. */
export function latencyChanged(previous: number | undefined, next: number): boolean {
  if (previous === undefined) return true;
  const delta = Math.abs(next - previous);
  return delta >= 20 && delta >= previous * 0.25;
}
