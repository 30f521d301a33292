/**
 * The rules of the fleet view, as pure functions: what K10's objects say
 * about a cluster's role and join state, which actions count as failed in
 * the last 24 hours (and what is kept of each), how a row is assembled and
 * linked to its primary (linkedRow), and the summary tiles (their rules are
 * shared/contract/fleet-rules.ts, re-exported here). The FleetService feeds
 * them from its watches, `flotilla fleet` from one read (fleet-once.ts);
 * tests feed them directly.
 *
 * The compact shapes below are what the watches keep of each object (see
 * `project*`): never a whole object, and never a Secret's credential.
 */
import type { AppError, ClusterRole, FleetRow, JoinState } from '../../shared/contract/index.js';
import { LABELS } from '../../shared/kasten/kinds.js';
import type { StoredCluster } from '../clusters/types.js';
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
 * A failed action, as kept by the watches: enough to list it in the detail
 * panel (fleet:failed-actions). Only failed actions keep anything, and their
 * message is cut short, so a cluster with thousands of actions costs a few
 * bytes for each that did not fail.
 */
export interface FailedActionFacts {
  /** When it failed, ms since epoch. */
  at: number;
  kind: string;
  name: string;
  namespace?: string;
  policy?: string;
  application?: string;
  message?: string;
}

/** One action, as kept: its failure, or 0 when it did not fail. */
export type ActionFailure = FailedActionFacts | 0;

/** Longest Kasten error message kept per failed action (they can hold a whole stack of causes). */
export const FAILED_MESSAGE_MAX = 500;

/** The application an action acted on, as K10 labels it [doc]. */
const APP_NAME_LABEL = 'k10.kasten.io/appName';

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

export type SyncState = 'synced' | 'syncing' | 'failed';

/** What a primary's K10 reports of a Distribution's targets (undocumented; the lab writes it [ours]). */
export interface DistributionReport {
  clusters: { name: string; state: SyncState }[];
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

/**
 * A Failed action's facts: its time (its end, else its start, else its
 * creation), kind (`kind` when the object does not say: list items may
 * not), policy, application and Kasten's message; 0 for any other action.
 */
export function projectAction(obj: KubeObject, kind?: string): ActionFailure {
  const status = obj.status as { state?: unknown; endTime?: unknown; startTime?: unknown; error?: { message?: unknown } } | undefined;
  if (status?.state !== 'Failed') return 0;
  // Failed at an unknown time: count it as recent rather than hide it.
  let at = Date.now();
  for (const t of [status.endTime, status.startTime, obj.metadata?.creationTimestamp]) {
    if (typeof t === 'string') {
      const ms = Date.parse(t);
      if (!Number.isNaN(ms)) {
        at = ms;
        break;
      }
    }
  }
  const labels = obj.metadata?.labels ?? {};
  const subject = (obj.spec as { subject?: { kind?: unknown; name?: unknown } } | undefined)?.subject;
  const application = labels[APP_NAME_LABEL] ?? (subject?.kind === 'Application' && typeof subject.name === 'string' ? subject.name : undefined);
  const policy = labels[LABELS.policyName] ?? (subject?.kind === 'Policy' && typeof subject.name === 'string' ? subject.name : undefined);
  const raw = status.error?.message;
  const message = typeof raw === 'string' && raw ? (raw.length > FAILED_MESSAGE_MAX ? `${raw.slice(0, FAILED_MESSAGE_MAX - 1)}…` : raw) : undefined;
  return {
    at,
    // `kind` is checked: a projection passed straight to Array.map gets the index there.
    kind: typeof obj.kind === 'string' && obj.kind ? obj.kind : typeof kind === 'string' ? kind : 'Action',
    name: obj.metadata?.name ?? '',
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
    ...(policy ? { policy } : {}),
    ...(application ? { application } : {}),
    ...(message ? { message } : {}),
  };
}

/** The failed actions within `windowMs` before `now`, newest first, at most `limit`, and how many there are in all. */
export function latestFailures(failures: Iterable<ActionFailure>, now: number, limit: number, windowMs = DAY_MS): { latest: FailedActionFacts[]; total: number } {
  const from = now - windowMs;
  const recent: FailedActionFacts[] = [];
  for (const f of failures) if (f !== 0 && f.at > from) recent.push(f);
  recent.sort((a, b) => b.at - a.at || a.name.localeCompare(b.name));
  return { latest: recent.slice(0, limit), total: recent.length };
}

/**
 * Counts failures within `windowMs` before `now`, and says when the oldest
 * of them leaves the window (so the count can drop without any event).
 */
export function recentFailures(failures: Iterable<ActionFailure>, now: number, windowMs = DAY_MS): { count: number; nextExpiry?: number } {
  let count = 0;
  let nextExpiry: number | undefined;
  const from = now - windowMs;
  for (const f of failures) {
    if (f === 0) continue;
    const at = f.at;
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

/** One cluster as the rows that link to it see it: its facts and, as a primary, its Cluster objects and distribution reports. */
export interface LinkSource {
  facts: RoleFacts | undefined;
  /** Its Cluster objects in kasten-io-mc have been read: a member not found is then really gone. */
  membersListed: boolean;
  /** Its Cluster object of this name in kasten-io-mc. */
  member(name: string): McCluster | undefined;
  /** What its K10 reports of the cluster named `member`, over every distribution that targets it. */
  distributionStates(member: string): SyncState[];
}

/** What a row shows of one cluster by itself, before it is linked to the others. */
export interface RowParts {
  cluster: Pick<StoredCluster, 'id' | 'name' | 'server' | 'source'>;
  facts: RoleFacts;
  reachability: FleetRow['reachability'];
  kubernetesVersion?: string;
  k10Version?: string;
  counts: FleetRow['counts'];
  lastError?: { error: AppError; at: string };
}

/**
 * A secondary as its primary sees it, when that primary is in the fleet:
 * its Cluster object there (`member`), none any more (`gone`: it was
 * disconnected on the primary and has not confirmed yet), or unknown.
 */
export function memberOnPrimary(f: RoleFacts, primaries: (name: string) => Iterable<LinkSource>): { member: McCluster } | 'gone' | undefined {
  if (f.role !== 'secondary' || !f.primaryName || !f.clusterName) return undefined;
  for (const primary of primaries(f.primaryName)) {
    if (!primary.membersListed) continue;
    // Two multi-cluster systems may both call their primary "primary": the ingress must agree when both are known.
    const primaryIngress = primary.facts?.primaryCluster?.ingress;
    if (f.primaryIngress && primaryIngress && !sameUrl(f.primaryIngress, primaryIngress)) continue;
    const member = primary.member(f.clusterName);
    if (!member || member.type !== 'secondary') return 'gone';
    return { member };
  }
  return undefined;
}

/** The worst state a primary's K10 reports of this cluster over every distribution targeting it. */
function syncOf(f: RoleFacts, self: LinkSource, primaries: (name: string) => Iterable<LinkSource>): FleetRow['sync'] {
  let states: SyncState[] = [];
  if (f.role === 'primary' && f.primaryName) states = self.distributionStates(f.primaryName);
  else if (f.role === 'secondary' && f.primaryName && f.clusterName) {
    for (const p of primaries(f.primaryName)) states.push(...p.distributionStates(f.clusterName));
  }
  if (states.length === 0) return undefined;
  const state = states.includes('failed') ? 'failed' : states.includes('syncing') ? 'syncing' : 'synced';
  return { state, distributions: states.length };
}

/**
 * A cluster's row, linked to the fleet's primaries (`primaries`: the fleet's
 * clusters that are the primary of that name): a secondary's labels are
 * those of its Cluster object on its primary (a primary's, its own), a
 * secondary its primary no longer lists shows as disconnected there before
 * it confirms, and the sync state is the worst any primary reports.
 */
export function linkedRow(parts: RowParts, self: LinkSource, primaries: (name: string) => Iterable<LinkSource>): FleetRow {
  const { cluster: c, facts: f } = parts;
  const seen = memberOnPrimary(f, primaries);
  // Member of a primary by its own account, but no longer by the primary's: disconnected there, not yet confirmed here.
  const leaving = seen === 'gone' || (seen !== undefined && seen.member.deleting === true);
  const joinState = leaving ? 'disconnected' : f.joinState;
  const sync = syncOf(f, self, primaries);
  const joinMessage = leaving
    ? `Disconnected on the primary "${f.primaryName}": its Cluster there is ${seen === 'gone' ? 'gone' : 'being deleted'}; K10 on ${c.name} has not confirmed yet.`
    : f.joinMessage;
  const labels = f.role === 'primary' ? { ...(f.primaryCluster?.labels ?? {}) } : seen && seen !== 'gone' ? { ...seen.member.labels } : {};
  const err = parts.lastError;
  return {
    id: c.id,
    name: c.name,
    server: c.server,
    source: c.source,
    labels,
    role: f.role,
    joinState,
    ...(joinMessage ? { joinMessage } : {}),
    ...(f.primaryName ? { primaryName: f.primaryName } : {}),
    reachability: { ...parts.reachability },
    ...(parts.kubernetesVersion ? { kubernetesVersion: parts.kubernetesVersion } : {}),
    ...(parts.k10Version ? { k10Version: parts.k10Version } : {}),
    counts: parts.counts,
    ...(err ? { lastError: { ...err.error.toDto(), cluster: err.error.cluster ?? c.name, at: err.at } } : {}),
    ...(sync ? { sync } : {}),
  };
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

// The summary's rules are shared with the renderer's filters (one rule for a tile's count and its filter).
export { EMPTY_SUMMARY, hasFailedActions, isAuthProblem, summarize } from '../../shared/contract/fleet-rules.js';

/** Latency changes worth telling the renderer about: enough to notice, not every jitter. */
export function latencyChanged(previous: number | undefined, next: number): boolean {
  if (previous === undefined) return true;
  const delta = Math.abs(next - previous);
  return delta >= 20 && delta >= previous * 0.25;
}
