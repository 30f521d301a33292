/**
 * The fleet read once, with no watches: what `flotilla fleet` prints. For
 * each cluster in the registry (a bounded number of clusters at a time, every
 * request through the cluster pool and its fleet-wide limiter) it makes the
 * requests a row needs and no more, then builds the same FleetRow the fleet
 * view shows, from the same projections and rules (fleet-row.ts):
 *
 * - GET /version (the probe lane): reachability, Kubernetes version;
 * - lists whose content matters: the Cluster objects in kasten-io-mc,
 *   mc-cluster-info and mc-join-status (by field selector), K10's labelled
 *   Deployments (its version), the four action kinds (each failure's time,
 *   for the 24 h count) and, on primaries only, the Distributions (sync);
 * - counts only: Applications and Policies, with `limit=1` and the list's
 *   `metadata.remainingItemCount` (a full list only when a server gives no
 *   count, which Kubernetes may do with some selectors or storages);
 * - K10's Deployments and the counts ask for metadata only (METADATA_ONLY):
 *   names and labels are all they need.
 *
 * A cluster's requests go over its one connection, the probe first: several
 * at once as HTTP/2 streams, one at a time over an HTTP/1.1 keep-alive
 * connection (`perClusterInFlight`); clusters go in parallel.
 * As in ClusterMonitor, a cluster whose probe fails (except by a timeout: a
 * slow cluster is still a cluster) shows as unreachable with nothing else:
 * its lists are aborted and what they returned is not used, so both paths
 * show the same row.
 *
 * Beyond the client's own retries (429/503), a cluster that answered its
 * probe but failed a read with an error that may pass (5xx, timeout, a cut
 * connection) is read again after `retryDelayMs`, `retries` times at most,
 * while the deadline allows — as a watched row is complete once its
 * informer's retry works. Other errors (401, 403, …) do not pass by
 * themselves: they are shown as the row's lastError at once.
 * `deadlineMs` bounds the whole read: when it passes, every request still in
 * flight or waiting is aborted and the rows are built from what arrived
 * (a cluster that did not answer shows as `checking`, as a watched row does
 * before its first probe).
 *
 * The rows are assembled and linked (labels of a secondary from its
 * primary's Cluster objects, a disconnect seen only by the primary, the
 * worst sync state) by the same linkedRow as FleetService's; the
 * integration test fleet-once.test.ts checks that both give equal rows.
 */
import { setMaxListeners } from 'node:events';
import { AppError, type FleetRow, type FleetSummary } from '../../shared/contract/index.js';
import { K10_NAMESPACE, KASTEN_GROUPS, KASTEN_VERSION, LABELS, MC_NAMESPACE, JOIN_OBJECTS } from '../../shared/kasten/kinds.js';
import type { StoredCluster } from '../clusters/types.js';
import { METADATA_ONLY, type ClusterClient } from '../kube/cluster-client.js';
import { k10VersionFrom } from '../kube/connection-test.js';
import { httpError, httpStatusOf } from '../kube/errors.js';
import type { KubeObject } from '../kube/informer.js';
import { ACTION_PLURALS, type ErrorAt, type Reachability } from './cluster-monitor.js';
import {
  linkedRow,
  projectAction,
  projectClusterInfo,
  projectDeployment,
  projectDistribution,
  projectJoinStatus,
  projectMcCluster,
  recentFailures,
  roleFacts,
  summarize,
  type ActionFailure,
  type ClusterInfo,
  type DistributionReport,
  type JoinStatusInfo,
  type LinkSource,
  type SyncState,
  type K10Deployment,
  type McCluster,
  type RoleFacts,
} from './fleet-row.js';

export interface FleetOnceDeps {
  registry: { list(): StoredCluster[] };
  /** The app's cluster pool (services.pool): its clients and its limiters. */
  pool: { client(id: string): Promise<ClusterClient> };
}

export interface FleetOnceOptions {
  /** Clusters read at once (their requests are bounded again by the pool's limiter). Default 32. */
  clusterConcurrency?: number;
  /** The whole read ends by then; rows show what had arrived. Default: no limit beyond each request's timeout. */
  deadlineMs?: number;
  /** A probe slower than this marks the cluster unreachable (as ClusterMonitor's default). Default 5 000. */
  probeTimeoutMs?: number;
  /**
   * Requests in flight to one cluster (the probe included). Default: 6 for a
   * client that speaks HTTP/2 (all of them streams of one connection), 1
   * over HTTP/1.1, where a cluster's requests then share one keep-alive
   * connection: one TLS handshake per cluster instead of one per parallel
   * request, which is most of what a read of a whole fleet costs.
   */
  perClusterInFlight?: number;
  /** Reads again of a cluster whose read failed with an error that may pass (see the module comment). Default 2. */
  retries?: number;
  /** Before each such read again. Default 1 000. */
  retryDelayMs?: number;
  /** Called once per request made (tests, benchmarks). */
  onRequest?: (clusterId: string, what: string) => void;
}

export interface FleetOnceResult {
  rows: FleetRow[];
  summary: FleetSummary;
  /** The deadline passed before every cluster had answered everything. */
  timedOut: boolean;
  /** Requests made (probes, list pages, count pages). */
  requests: number;
}

/** One read: its items, the type not served (404: K10 not installed), an error, or nothing (not read: aborted, or the probe failed). */
type Read<V> = { items: V[] } | { absent: true } | { error: ErrorAt } | undefined;

interface Reading {
  cluster: StoredCluster;
  reachability: Reachability;
  kubernetesVersion?: string;
  setupError?: ErrorAt;
  probeError?: ErrorAt;
  mc?: Read<McCluster>;
  clusterInfo?: Read<ClusterInfo>;
  joinStatus?: Read<JoinStatusInfo>;
  deployments?: Read<K10Deployment>;
  applications?: Read<number>;
  policies?: Read<number>;
  actions: Read<ActionFailure>[];
  distributions?: Read<DistributionReport>;
  facts?: RoleFacts;
}

const mcPath = `/apis/${KASTEN_GROUPS.dist}/${KASTEN_VERSION}/namespaces/${MC_NAMESPACE}/clusters`;
const secretsPath = `/api/v1/namespaces/${K10_NAMESPACE}/secrets`;
const distributionsPath = `/apis/${KASTEN_GROUPS.dist}/${KASTEN_VERSION}/namespaces/${MC_NAMESPACE}/distributions`;
const deploymentsPath = `/apis/apps/v1/namespaces/${K10_NAMESPACE}/deployments`;
const applicationsPath = `/apis/${KASTEN_GROUPS.apps}/${KASTEN_VERSION}/applications`;
const policiesPath = `/apis/${KASTEN_GROUPS.config}/${KASTEN_VERSION}/namespaces/${K10_NAMESPACE}/policies`;
const actionPath = (plural: string) => `/apis/${KASTEN_GROUPS.actions}/${KASTEN_VERSION}/${plural}`;

/** Reads every registry cluster once and builds its row; see the module comment. Never throws for one cluster's failure. */
export async function readFleetOnce(deps: FleetOnceDeps, opts: FleetOnceOptions = {}): Promise<FleetOnceResult> {
  const clusters = deps.registry.list();
  const controller = new AbortController();
  // Every request waiting or in flight listens to it: hundreds at once.
  setMaxListeners(0, controller.signal);
  const timer = opts.deadlineMs !== undefined ? setTimeout(() => controller.abort(new AppError('TIMEOUT', 'the time for reading the fleet ran out')), Math.max(0, opts.deadlineMs)) : undefined;
  let requests = 0;
  const counted = (id: string, what: string) => {
    requests++;
    opts.onRequest?.(id, what);
  };
  const fresh = (cluster: StoredCluster): Reading => ({ cluster, reachability: { state: 'checking' }, actions: [] });
  const readings: Reading[] = clusters.map(fresh);
  const signal = controller.signal;
  const tuning = { probeTimeoutMs: opts.probeTimeoutMs ?? 5_000, inFlight: opts.perClusterInFlight };
  try {
    let next = 0;
    const worker = async () => {
      while (next < readings.length && !signal.aborted) {
        const i = next++;
        await readCluster(readings[i], deps.pool, signal, tuning, counted);
        for (let attempt = 0; attempt < (opts.retries ?? 2) && mayPass(readings[i]) && !signal.aborted; attempt++) {
          await pause(opts.retryDelayMs ?? 1_000, signal);
          if (signal.aborted) break;
          const again = fresh(readings[i].cluster);
          await readCluster(again, deps.pool, signal, tuning, counted);
          // A read again cut short by the deadline shows less than the first: keep the first.
          if (!signal.aborted) readings[i] = again;
        }
      }
    };
    const n = Math.max(1, Math.min(opts.clusterConcurrency ?? 32, readings.length));
    await Promise.all(Array.from({ length: n }, worker));
  } finally {
    if (timer) clearTimeout(timer);
  }
  const now = Date.now();
  for (const r of readings) r.facts = factsOf(r);
  const rows = buildRows(readings, now);
  return { rows, summary: summarize(rows), timedOut: controller.signal.aborted, requests };
}

/** Errors that may be gone on a second read: the server's (5xx), a timeout, a cut connection. */
const PASSING = new Set(['SERVER', 'TIMEOUT', 'UNREACHABLE']);

/** The cluster answered its probe, and a read failed with an error that may pass. */
function mayPass(r: Reading): boolean {
  if (r.setupError || r.reachability.state !== 'reachable') return false;
  if (r.probeError) return PASSING.has(r.probeError.error.code);
  return [r.mc, r.clusterInfo, r.joinStatus, r.deployments, r.applications, r.policies, r.distributions, ...r.actions].some((x) => x !== undefined && 'error' in x && PASSING.has(x.error.error.code));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function errorAt(err: unknown, cluster: StoredCluster): ErrorAt {
  const error = err instanceof AppError ? err : new AppError('INTERNAL', (err as Error)?.message ?? String(err), cluster.name);
  return { error, at: new Date().toISOString() };
}

/** Resolves with `p`, or with undefined once `signal` aborts (for waits that take no signal, such as a keychain read). */
function orAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.resolve(undefined);
  }
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** At most `n` of the functions given run at once; the others wait their turn, in order. */
function gate(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

async function readCluster(
  r: Reading,
  pool: FleetOnceDeps['pool'],
  deadline: AbortSignal,
  tuning: { probeTimeoutMs: number; inFlight: number | undefined },
  counted: (id: string, what: string) => void,
): Promise<void> {
  const c = r.cluster;
  let client: ClusterClient | undefined;
  try {
    client = await orAbort(pool.client(c.id), deadline);
  } catch (err) {
    const e = err instanceof AppError ? err : new AppError('INTERNAL', `${c.name}: its credentials could not be loaded: ${(err as Error)?.message ?? String(err)}`, c.name);
    r.setupError = { error: e, at: new Date().toISOString() };
    r.reachability = { state: 'unreachable', checkedAt: r.setupError.at };
    return;
  }
  if (!client || deadline.aborted) return;
  const turn = gate(Math.max(1, tuning.inFlight ?? (client.h2 ? 6 : 1)));
  // The lists stop at the deadline, or when the probe says the cluster is not there.
  const lists = new AbortController();
  setMaxListeners(0, lists.signal);
  const stopLists = () => lists.abort(deadline.reason);
  deadline.addEventListener('abort', stopLists, { once: true });
  const signal = lists.signal;

  const read = async <V>(what: string, path: string, project: (o: KubeObject) => V, query?: Record<string, string>, accept?: string): Promise<Read<V>> => {
    try {
      const items = await listAll(client, path, query, signal, () => counted(c.id, what), turn, accept);
      return { items: items.map(project) };
    } catch (err) {
      return failed(err, signal, c);
    }
  };
  const count = async (what: string, path: string): Promise<Read<number>> => {
    try {
      return { items: [await countOf(client, path, signal, () => counted(c.id, what), turn)] };
    } catch (err) {
      return failed(err, signal, c);
    }
  };

  const probe = (async () => {
    const now = () => new Date().toISOString();
    try {
      counted(c.id, 'version');
      const res = await turn(() => client.send({ path: '/version', lane: 'probe', retry: false, timeoutMs: tuning.probeTimeoutMs, signal: deadline }));
      if (res.status === 200) {
        const v = parseJson<{ gitVersion?: string }>(res.body);
        if (v?.gitVersion) r.kubernetesVersion = v.gitVersion;
      } else {
        r.probeError = { error: httpError(res.status, res.body, client.errorContext({ path: '/version' })), at: now() };
      }
      r.reachability = { state: 'reachable', latencyMs: Math.round(res.latencyMs), checkedAt: now() };
      return true;
    } catch (err) {
      if (deadline.aborted) return false;
      const e = errorAt(err, c);
      r.probeError = e;
      r.reachability = { state: 'unreachable', checkedAt: e.at };
      // A slow cluster is still a cluster (ClusterMonitor opens its watches after a timed-out probe too).
      if (e.error.code === 'TIMEOUT') return true;
      lists.abort(err);
      return false;
    }
  })();

  const mc = read('clusters', mcPath, projectMcCluster).then(async (m) => {
    r.mc = m;
    // Distributions are read on primaries only (ClusterMonitor watches them there only).
    const primary = m && 'items' in m && m.items.some((x) => x.type === 'primary');
    if (primary) r.distributions = await read('distributions', distributionsPath, projectDistribution);
  });
  const rest = Promise.all([
    read('mc-cluster-info', secretsPath, projectClusterInfo, { fieldSelector: `metadata.name=${JOIN_OBJECTS.clusterInfo}` }).then((v) => (r.clusterInfo = v)),
    read('mc-join-status', secretsPath, projectJoinStatus, { fieldSelector: `metadata.name=${JOIN_OBJECTS.joinStatus}` }).then((v) => (r.joinStatus = v)),
    // Their names and labels only, as ClusterMonitor watches them.
    read('deployments', deploymentsPath, projectDeployment, { labelSelector: LABELS.version }, METADATA_ONLY.list).then((v) => (r.deployments = v)),
    count('applications', applicationsPath).then((v) => (r.applications = v)),
    count('policies', policiesPath).then((v) => (r.policies = v)),
    Promise.all(ACTION_PLURALS.map((p) => read(p, actionPath(p), projectAction))).then((v) => (r.actions = v)),
  ]);
  const answered = await probe;
  await Promise.all([mc, rest]);
  deadline.removeEventListener('abort', stopLists);
  if (!answered) {
    // No answer to the probe: the watched row shows nothing read either.
    r.mc = r.clusterInfo = r.joinStatus = r.deployments = r.applications = r.policies = r.distributions = undefined;
    r.actions = [];
  }
}

/** A failed read: nothing when it was aborted, `absent` for 404 (as Informer), else the error. */
function failed(err: unknown, signal: AbortSignal, c: StoredCluster): Read<never> {
  if (signal.aborted) return undefined;
  if (httpStatusOf(err) === 404) return { absent: true };
  return { error: errorAt(err, c) };
}

/** Every item of a collection, page by page (as ClusterClient.list, counting each page). */
type Turn = <T>(fn: () => Promise<T>) => Promise<T>;

async function listAll(client: ClusterClient, path: string, query: Record<string, string> | undefined, signal: AbortSignal, onPage: () => void, turn: Turn, accept?: string): Promise<KubeObject[]> {
  const items: KubeObject[] = [];
  let cont: string | undefined;
  do {
    onPage();
    const from = cont;
    const page = await turn(() => client.request<{ items?: KubeObject[]; metadata?: { continue?: string } }>({ path, query: { ...query, limit: 500, continue: from }, signal, accept }));
    if (page?.items) for (const item of page.items) items.push(item);
    cont = page?.metadata?.continue || undefined;
  } while (cont);
  return items;
}

/** How many objects a collection holds: one page of one item and the server's remainingItemCount, else the whole list. */
async function countOf(client: ClusterClient, path: string, signal: AbortSignal, onPage: () => void, turn: Turn): Promise<number> {
  onPage();
  const page = await turn(() => client.request<{ items?: unknown[]; metadata?: { continue?: string; remainingItemCount?: number } }>({ path, query: { limit: 1 }, signal, accept: METADATA_ONLY.list }));
  const first = page?.items?.length ?? 0;
  if (!page?.metadata?.continue) return first;
  const rest = page.metadata.remainingItemCount;
  if (typeof rest === 'number' && Number.isInteger(rest) && rest >= 0) return first + rest;
  return (await listAll(client, path, undefined, signal, onPage, turn, METADATA_ONLY.list)).length;
}

const itemsOf = <V>(r: Read<V>): V[] | undefined => (r === undefined || 'error' in r ? undefined : 'items' in r ? r.items : []);
const servedItems = <V>(r: Read<V>): V[] | undefined => (r !== undefined && 'items' in r ? r.items : undefined);
const single = <V>(r: Read<V>): V | null | undefined => {
  const items = itemsOf(r);
  return items === undefined ? undefined : (items[0] ?? null);
};

function factsOf(r: Reading): RoleFacts {
  return roleFacts({ mcClusters: itemsOf(r.mc), clusterInfo: single(r.clusterInfo), joinStatus: single(r.joinStatus) });
}

/** As ClusterMonitor.lastError: credentials, then the probe, then the first failing read in the monitor's order. */
function lastError(r: Reading): ErrorAt | undefined {
  if (r.setupError) return r.setupError;
  if (r.probeError) return r.probeError;
  for (const read of [r.mc, r.clusterInfo, r.joinStatus, r.deployments, r.applications, r.policies, ...r.actions] as Read<unknown>[]) {
    if (read && 'error' in read) return read.error;
  }
  return undefined;
}

/** As ClusterMonitor.counts. */
function countsOf(r: Reading, now: number): FleetRow['counts'] {
  const applications = servedItems(r.applications)?.[0];
  const policies = servedItems(r.policies)?.[0];
  let actions: number | undefined;
  let failedActions24h: number | undefined;
  const allListed = r.actions.length === ACTION_PLURALS.length && r.actions.every((a) => itemsOf(a) !== undefined);
  const served = r.actions.map(servedItems).filter((a): a is ActionFailure[] => a !== undefined);
  if (allListed && served.length > 0) {
    actions = served.reduce((n, a) => n + a.length, 0);
    failedActions24h = recentFailures(served.flat(), now).count;
  }
  return {
    ...(applications !== undefined ? { applications } : {}),
    ...(policies !== undefined ? { policies } : {}),
    ...(actions !== undefined ? { actions } : {}),
    ...(failedActions24h !== undefined ? { failedActions24h } : {}),
  };
}

function distributionStates(r: Reading, member: string): SyncState[] {
  const out: SyncState[] = [];
  for (const d of itemsOf(r.distributions) ?? []) for (const c of d.clusters) if (c.name === member) out.push(c.state);
  return out;
}

/** A reading as the rows that link to it see it (see linkedRow). */
function linkSource(r: Reading): LinkSource {
  const members = itemsOf(r.mc);
  return { facts: r.facts, membersListed: members !== undefined, member: (name) => members?.find((m) => m.name === name), distributionStates: (member) => distributionStates(r, member) };
}

/** The rows, linked as FleetService links them (fleet-row.ts, linkedRow). */
function buildRows(readings: Reading[], now: number): FleetRow[] {
  const primariesByName = new Map<string, LinkSource[]>();
  for (const r of readings) {
    if (r.facts?.role === 'primary' && r.facts.primaryName) {
      const list = primariesByName.get(r.facts.primaryName) ?? [];
      list.push(linkSource(r));
      primariesByName.set(r.facts.primaryName, list);
    }
  }
  return readings.map((r) => {
    const d = itemsOf(r.deployments);
    const parts = {
      cluster: r.cluster,
      facts: r.facts ?? factsOf(r),
      reachability: r.reachability,
      kubernetesVersion: r.kubernetesVersion,
      k10Version: d ? k10VersionFrom(d) : undefined,
      counts: countsOf(r, now),
      lastError: lastError(r),
    };
    return linkedRow(parts, linkSource(r), (name) => primariesByName.get(name) ?? []);
  });
}

function parseJson<T>(body: Buffer): T | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
