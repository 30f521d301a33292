/**
 * Everything the fleet view knows about one cluster, kept current: a cheap
 * reachability probe (GET /version, short timeout, its own limiter lane;
 * an HTTP/2 PING instead while the watches are open, so that an idle fleet
 * costs its clusters almost no requests) and watches on the Kasten objects that make a
 * row (Clusters in kasten-io-mc; mc-cluster-info and mc-join-status in
 * kasten-io; K10's Deployments; Applications; Policies; the four action
 * kinds). It tells its owner when something changed (`onDirty`) and lets it
 * read the result (`facts()`, `counts()`, …); it never builds rows itself.
 *
 * Watches start once the first probe got any answer (or timed out: a slow
 * cluster is still a cluster), so a fleet with dead clusters does not open
 * ten doomed connections per cluster. A watch that fails with a network
 * error triggers a probe at once, so a cluster that goes down shows as
 * unreachable within a probe timeout, not a probe interval; when the probe
 * sees it again, the watches are kicked out of their backoff.
 */
import { AppError, type ErrorCode } from '../../shared/contract/index.js';
import { K10_NAMESPACE, KASTEN_GROUPS, KASTEN_VERSION, LABELS, MC_NAMESPACE, JOIN_OBJECTS } from '../../shared/kasten/kinds.js';
import type { ClusterClient } from '../kube/cluster-client.js';
import { k10VersionFrom } from '../kube/connection-test.js';
import { httpError } from '../kube/errors.js';
import { Informer, type InformerStatus, type KubeObject } from '../kube/informer.js';
import type { StoredCluster } from '../clusters/types.js';
import {
  latencyChanged,
  latestFailures,
  projectAction,
  projectClusterInfo,
  projectDeployment,
  projectJoinStatus,
  projectDistribution,
  projectMcCluster,
  recentFailures,
  roleFacts,
  type ActionFailure,
  type ClusterInfo,
  type DistributionReport,
  type FailedActionFacts,
  type JoinStatusInfo,
  type K10Deployment,
  type McCluster,
  type RoleFacts,
} from './fleet-row.js';

/** The action kinds counted (KASTEN-MC.md: RunAction, BackupAction, ExportAction, RestoreAction). */
export const ACTION_PLURALS = ['runactions', 'backupactions', 'exportactions', 'restoreactions'] as const;
const ACTION_KINDS: Record<(typeof ACTION_PLURALS)[number], string> = { runactions: 'RunAction', backupactions: 'BackupAction', exportactions: 'ExportAction', restoreactions: 'RestoreAction' };

export interface MonitorTuning {
  /** Between probes of a reachable cluster. */
  probeIntervalMs: number;
  /** A probe slower than this marks the cluster unreachable. */
  probeTimeoutMs: number;
  /** Longest gap between probes of an unreachable cluster (they back off towards it). */
  maxProbeIntervalMs: number;
  /** Timeout of lists and of opening watches. */
  requestTimeoutMs: number;
  /** Backoff of failed watches. */
  watchBackoff: { initialMs: number; maxMs: number };
  /** Server-side timeout of watches (renewed from their resourceVersion). */
  watchSeconds: number;
}

export interface MonitorDeps {
  tuning: MonitorTuning;
  /** Something changed: rebuild this row (soon). `mc` when the Cluster objects changed (other rows read their labels). */
  onDirty: (id: string, what?: 'mc' | 'distributions') => void;
  /** The cluster's client, borrowed from the cluster pool (credentials loaded on first use). */
  client: () => Promise<ClusterClient>;
  /**
   * A turn to make the first read (see FleetService's startConcurrency):
   * resolves with the function that gives it back, which the monitor calls
   * once that read is done (every watch listed, or the cluster found not
   * there) or after MAX_TURN_MS, whichever comes first. None: no waiting.
   */
  startTurn?: () => Promise<() => void>;
  /** The watches open once this resolves (their lists are made at once): see FleetService's startConcurrency. */
  watchAfter?: Promise<void>;
}

/** Longest a monitor keeps its start turn: a slow cluster does not hold up the ones behind it for long. */
const MAX_TURN_MS = 3_000;

export interface Reachability {
  state: 'reachable' | 'unreachable' | 'checking';
  latencyMs?: number;
  checkedAt?: string;
  /** While unreachable: when it last answered (see FleetRow). */
  lastSeenAt?: string;
}

export interface ErrorAt {
  error: AppError;
  at: string;
}

/** Longest time between GET /version requests of a cluster whose watches are all open over HTTP/2 (see pingOnce). */
const VERSION_EVERY_MS = 5 * 60_000;

/** Errors that mean "the cluster is not there": worth a probe now. */
const CONNECTION_ERRORS = new Set<ErrorCode>(['UNREACHABLE', 'TIMEOUT', 'DNS', 'TLS']);

const mcPath = `/apis/${KASTEN_GROUPS.dist}/${KASTEN_VERSION}/namespaces/${MC_NAMESPACE}/clusters`;
const secretsPath = `/api/v1/namespaces/${K10_NAMESPACE}/secrets`;
const distributionsPath = `/apis/${KASTEN_GROUPS.dist}/${KASTEN_VERSION}/namespaces/${MC_NAMESPACE}/distributions`;

export class ClusterMonitor {
  private client: ClusterClient | undefined;
  private stopped = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private unreachableSince: number | undefined;
  private watching = false;
  private starting: Promise<void> | undefined;
  private lastReportedAt = 0;
  /** When GET /version last answered 200 (see pingOnce). */
  private versionAt = 0;
  /**
   * When the cluster last answered a probe or a ping (ms). Kept on every
   * answer, but shown only once it goes away (reachability.lastSeenAt), so
   * it costs no row change while the cluster is up.
   */
  private lastSeenMs: number | undefined;

  /** What the row shows; latency only moves when the change is worth showing (see latencyChanged). */
  reachability: Reachability = { state: 'checking' };
  kubernetesVersion: string | undefined;
  private probeError: ErrorAt | undefined;
  private setupError: ErrorAt | undefined;

  private mc: Informer<McCluster> | undefined;
  private clusterInfo: Informer<ClusterInfo> | undefined;
  private joinStatus: Informer<JoinStatusInfo> | undefined;
  private deployments: Informer<K10Deployment> | undefined;
  private applications: Informer<1> | undefined;
  private policies: Informer<1> | undefined;
  private actions: Informer<ActionFailure>[] = [];
  private informers: Informer<unknown>[] = [];
  /** Distributions in kasten-io-mc: watched on primaries only (see watchDistributions). */
  private distributions: Informer<DistributionReport> | undefined;
  private readonly informerErrors = new Map<Informer<unknown>, ErrorAt>();
  /** Gives back the start turn (see MonitorDeps.startTurn); undefined once given back. */
  private endTurn: (() => void) | undefined;
  private turnTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly cluster: StoredCluster,
    private readonly deps: MonitorDeps,
  ) {}

  /** The watches of one cluster, on its client. */
  private makeInformers(client: ClusterClient): void {
    const make = <V>(path: string, project: (o: KubeObject) => V, extra: { fieldSelector?: string; labelSelector?: string; mc?: boolean; metadataOnly?: boolean } = {}) => {
      const inf: Informer<V> = new Informer<V>({
        client,
        path,
        project,
        fieldSelector: extra.fieldSelector,
        labelSelector: extra.labelSelector,
        metadataOnly: extra.metadataOnly,
        backoff: this.deps.tuning.watchBackoff,
        watchSeconds: this.deps.tuning.watchSeconds,
        watchAfter: this.deps.watchAfter,
        onChange: () => this.deps.onDirty(this.cluster.id, extra.mc ? 'mc' : undefined),
        onStatus: (s) => this.informerStatus(inf as Informer<unknown>, s),
      });
      return inf;
    };
    this.mc = make(mcPath, projectMcCluster, { mc: true });
    this.clusterInfo = make(secretsPath, projectClusterInfo, { fieldSelector: `metadata.name=${JOIN_OBJECTS.clusterInfo}` });
    this.joinStatus = make(secretsPath, projectJoinStatus, { fieldSelector: `metadata.name=${JOIN_OBJECTS.joinStatus}` });
    // Names and labels are all these rows read of K10's Deployments, Applications and Policies: their metadata only.
    this.deployments = make(`/apis/apps/v1/namespaces/${K10_NAMESPACE}/deployments`, projectDeployment, { labelSelector: LABELS.version, metadataOnly: true });
    this.applications = make(`/apis/${KASTEN_GROUPS.apps}/${KASTEN_VERSION}/applications`, () => 1 as const, { metadataOnly: true });
    this.policies = make(`/apis/${KASTEN_GROUPS.config}/${KASTEN_VERSION}/namespaces/${K10_NAMESPACE}/policies`, () => 1 as const, { metadataOnly: true });
    this.actions = ACTION_PLURALS.map((plural) => make(`/apis/${KASTEN_GROUPS.actions}/${KASTEN_VERSION}/${plural}`, (o) => projectAction(o, ACTION_KINDS[plural])));
    this.informers = [this.mc, this.clusterInfo, this.joinStatus, this.deployments, this.applications, this.policies, ...this.actions] as Informer<unknown>[];
  }

  get id(): string {
    return this.cluster.id;
  }

  /** Loads credentials and starts probing (watches follow the first answer). */
  start(): Promise<void> {
    this.starting ??= this.setup();
    return this.starting;
  }

  private async setup(): Promise<void> {
    if (this.deps.startTurn) {
      const release = await this.deps.startTurn();
      if (this.stopped) return release();
      this.endTurn = release;
      this.turnTimer = setTimeout(() => this.turnDone(), MAX_TURN_MS);
    }
    let client: ClusterClient;
    try {
      client = await this.deps.client();
    } catch (err) {
      this.setupFailed(err);
      return;
    }
    if (this.stopped) return;
    try {
      this.client = client;
      this.makeInformers(client);
    } catch (err) {
      this.setupFailed(err);
      return;
    }
    this.setupError = undefined;
    void this.probe();
  }

  /** The first read is over (or took long enough): the next cluster's may begin. */
  private turnDone(): void {
    if (this.turnTimer) clearTimeout(this.turnTimer);
    this.turnTimer = undefined;
    const release = this.endTurn;
    this.endTurn = undefined;
    release?.();
  }

  private setupFailed(err: unknown): void {
    this.turnDone();
    const error = err instanceof AppError ? err : new AppError('INTERNAL', `${this.cluster.name}: its credentials could not be loaded: ${(err as Error)?.message ?? String(err)}`, this.cluster.name);
    this.setupError = { error, at: new Date().toISOString() };
    this.reachability = { state: 'unreachable', checkedAt: this.setupError.at };
    this.starting = undefined; // refresh() tries again
    this.deps.onDirty(this.id);
  }

  /** Probes now and wakes failed watches (the user pressed refresh). */
  async refresh(): Promise<void> {
    if (this.stopped) return;
    if (!this.client) {
      await this.start();
      return;
    }
    for (const inf of this.informers) inf.kick();
    this.versionAt = 0; // asked to check: a real request, not a ping
    await this.probe();
  }

  /** Stops probing and watching; the connection belongs to the pool, which closes it when the cluster goes. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.turnDone();
    if (this.probeTimer) clearTimeout(this.probeTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    await Promise.all([...this.informers, ...(this.distributions ? [this.distributions] : [])].map((i) => i.stop()));
  }

  /**
   * Follows the Distributions of a primary (what its K10 reports of each
   * target), so that fleet rows can show their sync state without a request
   * per row; one watch, opened only while this cluster is a primary.
   */
  watchDistributions(on: boolean): void {
    if (on && !this.distributions && this.client && !this.stopped) {
      const inf: Informer<DistributionReport> = new Informer<DistributionReport>({
        client: this.client,
        path: distributionsPath,
        project: projectDistribution,
        backoff: this.deps.tuning.watchBackoff,
        watchSeconds: this.deps.tuning.watchSeconds,
        onChange: () => this.deps.onDirty(this.cluster.id, 'distributions'),
      });
      this.distributions = inf;
      inf.start();
    } else if (!on && this.distributions) {
      void this.distributions.stop();
      this.distributions = undefined;
    }
  }

  /** What this primary's K10 reports of one target, over every distribution that targets it. */
  distributionStates(member: string): DistributionReport['clusters'][number]['state'][] {
    if (!this.distributions?.synced) return [];
    const out: DistributionReport['clusters'][number]['state'][] = [];
    for (const d of this.distributions.values()) for (const c of d.clusters) if (c.name === member) out.push(c.state);
    return out;
  }

  /** One probe at a time; a probe asked for while one runs waits for it. */
  probe(): Promise<void> {
    if (this.stopped || !this.client) return Promise.resolve();
    this.probing ??= this.probeOnce().finally(() => {
      this.probing = undefined;
      this.scheduleProbe();
    });
    return this.probing;
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    const { probeIntervalMs, maxProbeIntervalMs } = this.deps.tuning;
    let delay = probeIntervalMs;
    if (this.unreachableSince !== undefined) {
      // Down for a while: probe less often, up to the cap (a dead cluster must not cost what a live one does).
      const down = Date.now() - this.unreachableSince;
      delay = Math.min(maxProbeIntervalMs, Math.max(probeIntervalMs, down / 4));
    }
    // ±10% so a thousand clusters do not probe in step.
    this.probeTimer = setTimeout(() => void this.probe(), Math.round(delay * (0.9 + 0.2 * Math.random())));
    this.probeTimer.unref?.();
  }

  /**
   * While every watch is open on an HTTP/2 connection, the cluster is
   * checked with a PING on it, which costs the server no request; GET
   * /version is asked at most every VERSION_EVERY_MS then (for an upgrade
   * that kept the connection), and whenever a ping gets no answer, so that
   * an unreachable cluster is told by the request's own error.
   */
  private async pingOnce(client: ClusterClient): Promise<boolean> {
    const quiet = this.reachability.state === 'reachable' && !this.probeError && Date.now() - this.versionAt < VERSION_EVERY_MS;
    if (!quiet || !this.watching || !this.informers.every((i) => i.watching)) return false;
    const rtt = await client.ping(this.deps.tuning.probeTimeoutMs);
    if (rtt === undefined || this.stopped) return false;
    this.reachable(Math.round(rtt), false);
    return true;
  }

  /** A probe answered: the row says reachable, with the latency when it moved enough to show. */
  private reachable(latency: number, changed: boolean): void {
    this.lastSeenMs = Date.now();
    if (changed || latencyChanged(this.reachability.latencyMs, latency) || Date.now() - this.lastReportedAt > 60_000) {
      this.reachability = { state: 'reachable', latencyMs: latency, checkedAt: new Date().toISOString() };
      this.lastReportedAt = Date.now();
      this.deps.onDirty(this.id);
    }
  }

  private async probeOnce(): Promise<void> {
    const client = this.client!;
    if (await this.pingOnce(client)) return;
    if (this.stopped) return;
    const now = () => new Date().toISOString();
    const wasState = this.reachability.state;
    try {
      const res = await client.send({ path: '/version', lane: 'probe', retry: false, timeoutMs: this.deps.tuning.probeTimeoutMs });
      if (this.stopped) return;
      const latency = Math.round(res.latencyMs);
      let changed = wasState !== 'reachable';
      if (res.status === 200) {
        this.versionAt = Date.now();
        const v = parseJson<{ gitVersion?: string }>(res.body);
        if (v?.gitVersion && v.gitVersion !== this.kubernetesVersion) {
          this.kubernetesVersion = v.gitVersion;
          changed = true;
        }
        if (this.probeError) changed = true;
        this.probeError = undefined;
      } else {
        const error = httpError(res.status, res.body, client.errorContext({ path: '/version' }));
        if (this.probeError?.error.message !== error.message) {
          this.probeError = { error, at: now() };
          changed = true;
        }
      }
      // The checked-at time is refreshed at least every minute even when nothing else moves.
      this.reachable(latency, changed);
      this.unreachableSince = undefined;
      if (wasState === 'unreachable') for (const inf of this.informers) inf.kick();
      this.startWatches();
    } catch (err) {
      if (this.stopped) return;
      const error = err instanceof AppError ? err : new AppError('INTERNAL', String(err), this.cluster.name);
      this.unreachableSince ??= Date.now();
      const changed = wasState !== 'unreachable' || this.probeError?.error.message !== error.message;
      this.probeError = { error, at: changed ? now() : (this.probeError?.at ?? now()) };
      if (changed || Date.now() - this.lastReportedAt > 60_000) {
        this.reachability = { state: 'unreachable', checkedAt: now(), ...(this.lastSeenMs !== undefined ? { lastSeenAt: new Date(this.lastSeenMs).toISOString() } : {}) };
        this.lastReportedAt = Date.now();
        this.deps.onDirty(this.id);
      }
      // A slow cluster is still a cluster: its watches may take their time.
      if (error.code === 'TIMEOUT') this.startWatches();
      else this.turnDone();
    }
  }

  private startWatches(): void {
    if (this.watching || this.stopped) return;
    this.watching = true;
    for (const inf of this.informers) inf.start();
  }

  private informerStatus(inf: Informer<unknown>, s: InformerStatus): void {
    if (s.state === 'error') {
      const prev = this.informerErrors.get(inf);
      this.informerErrors.set(inf, { error: s.error, at: prev?.error.message === s.error.message ? prev.at : new Date().toISOString() });
      // Watches see a cluster go away first: check now rather than at the next probe.
      if (CONNECTION_ERRORS.has(s.error.code) && this.reachability.state === 'reachable') void this.probe();
    } else {
      this.informerErrors.delete(inf);
    }
    if (this.endTurn && this.informers.every((i) => i.status.state !== 'syncing')) this.turnDone();
    this.deps.onDirty(this.id);
  }

  /**
   * Role, join state and the names that link primaries and secondaries. A
   * watch that has listed once counts as read, even while it reconnects:
   * a cluster that drops off the network keeps its last known role.
   */
  facts(): RoleFacts {
    const list = <V>(inf: Informer<V> | undefined) => (inf?.synced ? [...inf.values()] : undefined);
    const single = <V>(inf: Informer<V> | undefined): V | null | undefined => {
      if (!inf?.synced) return undefined;
      const first = inf.values().next();
      return first.done ? null : first.value;
    };
    return roleFacts({ mcClusters: list(this.mc), clusterInfo: single(this.clusterInfo), joinStatus: single(this.joinStatus) });
  }

  /** The Cluster objects have been listed at least once (an absent member is then really absent). */
  get mcSynced(): boolean {
    return this.mc?.synced === true;
  }

  /** A Cluster object in this cluster's kasten-io-mc, by name (a primary's view of its members). */
  mcCluster(name: string): McCluster | undefined {
    return this.mc?.get(`${MC_NAMESPACE}/${name}`);
  }

  /** The K10 version from its Deployments; undefined when not readable or not installed. */
  k10Version(): string | undefined {
    if (!this.deployments?.synced) return undefined;
    return k10VersionFrom([...this.deployments.values()]);
  }

  /** Counts from the watches; a count is absent until its watch has listed, or when K10 does not serve the type. */
  counts(now = Date.now()): { applications?: number; policies?: number; actions?: number; failedActions24h?: number } {
    const count = (inf: Informer<unknown> | undefined) => (inf?.synced && inf.status.state !== 'absent' ? inf.size : undefined);
    const served = this.actions.filter((a) => a.synced && a.status.state !== 'absent');
    const allListed = this.actions.length > 0 && this.actions.every((a) => a.synced);
    let actions: number | undefined;
    let failedActions24h: number | undefined;
    if (allListed && served.length > 0) {
      actions = served.reduce((n, a) => n + a.size, 0);
      const recent = recentFailures(iterateAll(served.map((a) => a.values())), now);
      failedActions24h = recent.count;
      this.scheduleExpiry(recent.nextExpiry);
    }
    const applications = count(this.applications as Informer<unknown> | undefined);
    const policies = count(this.policies as Informer<unknown> | undefined);
    return {
      ...(applications !== undefined ? { applications } : {}),
      ...(policies !== undefined ? { policies } : {}),
      ...(actions !== undefined ? { actions } : {}),
      ...(failedActions24h !== undefined ? { failedActions24h } : {}),
    };
  }

  /**
   * The newest failed actions of the last 24 hours (at most `limit`), from
   * what the action watches keep; `complete` is false while one of them has
   * not listed yet.
   */
  failedActions(limit: number, now = Date.now()): { latest: FailedActionFacts[]; total: number; complete: boolean } {
    const served = this.actions.filter((a) => a.synced && a.status.state !== 'absent');
    const { latest, total } = latestFailures(iterateAll(served.map((a) => a.values())), now, limit);
    return { latest, total, complete: this.actions.length > 0 && this.actions.every((a) => a.synced) };
  }

  /** The client the monitor watches with, once credentials are loaded (for on-demand reads). */
  get kubeClient(): ClusterClient | undefined {
    return this.client;
  }

  /** A failure leaving the 24 h window changes the row with no event: wake up then. */
  private scheduleExpiry(at: number | undefined): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (at === undefined || this.stopped) return;
    this.expiryTimer = setTimeout(() => this.deps.onDirty(this.id), Math.max(0, at - Date.now()) + 1_000);
    this.expiryTimer.unref?.();
  }

  /**
   * The error to show: no credentials, then the probe's (unreachable, 401),
   * then the first failing watch's. Undefined when all is well.
   */
  lastError(): ErrorAt | undefined {
    if (this.setupError) return this.setupError;
    if (this.probeError) return this.probeError;
    for (const inf of this.informers) {
      const e = this.informerErrors.get(inf);
      if (e) return e;
    }
    return undefined;
  }

  /** Watches this cluster has, and how many of them are open now. */
  watchStats(): { watches: number; open: number } {
    return { watches: this.informers.length, open: this.informers.filter((i) => i.watching).length };
  }
}

function* iterateAll<T>(iterators: Iterable<T>[]): Iterable<T> {
  for (const it of iterators) yield* it;
}

function parseJson<T>(body: Buffer): T | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}
