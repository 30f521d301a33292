/**
 * The fleet view's backend: one FleetRow per cluster in the registry, kept
 * current by each cluster's ClusterMonitor (watches + a cheap probe), pushed
 * to the renderer as throttled `fleet:changed` events (upserts, removals and
 * the summary), and served whole by `fleet:snapshot`.
 *
 * Built for a thousand clusters:
 * - all clusters share two limiters — requests (lists first, watch openings
 *   at low priority behind them) and probes — so the fleet makes a bounded
 *   number of requests at once, no cluster takes more than its share, and
 *   the rows fill before the watches open (kube/limiter.ts);
 * - clusters make their first read in turns (startConcurrency at a time,
 *   registry order), and no watch opens before the fleet's first read is
 *   done: the rows fill in one after another, and the CPU that TLS
 *   handshakes and lists need is not shared with thousands of watches;
 * - watches keep only what a row needs of each object (fleet-row.ts);
 * - a change marks one row dirty; rows are rebuilt at most once per flush
 *   (every `throttleMs`), and only dirty rows: no work proportional to the
 *   fleet per change. The summary is recounted once per flush.
 * - labels link rows (a secondary shows the labels of its Cluster object on
 *   its primary), through two small indexes, so a primary's change touches
 *   only its own secondaries.
 *
 * Labels: for a cluster in a multi-cluster system, the labels of its Cluster
 * object on its primary — when that primary is in the fleet too (Flotilla
 * reads them there; a secondary cannot see them itself). For the primary,
 * its own Cluster's labels. Otherwise none: a standalone cluster has no
 * Cluster object, and Flotilla does not invent labels. A secondary whose
 * primary is not imported shows no labels rather than stale ones.
 *
 * primaryName: for a secondary, its primary's name (from mc-cluster-info);
 * for a primary, the name of its own Cluster object — the name its
 * secondaries know it by, which may differ from its name in Flotilla.
 *
 * lastError is the error that stands now (no credentials, unreachable, 401,
 * a watch refused with 403, …) with the time it first appeared; it clears
 * when the cluster recovers. While a cluster is unreachable, its row keeps
 * what was read before, with the time it last answered
 * (reachability.lastSeenAt): the renderer shows those values as last known.
 *
 * On demand, for one cluster's detail panel: its newest failed actions
 * (failedActions, from what its watches keep: no request) and where its K10
 * dashboard is (k10Dashboard).
 */
import {
  AppError,
  type FailedActions,
  type FleetChangedEvent,
  type FleetRow,
  type FleetSnapshot,
  type FleetSummary,
  type K10Dashboard,
} from '../../shared/contract/index.js';
import { K10_RELEASE, MC_NAMESPACE } from '../../shared/kasten/kinds.js';
import type { EventSink } from '../events.js';
import { ClusterPool, type PoolOptions } from '../kube/cluster-pool.js';
import { Limiter } from '../kube/limiter.js';
import type { ClusterRegistry, StoredCluster } from '../clusters/types.js';
import type { Logger } from '../log.js';
import { ClusterMonitor, type MonitorTuning } from './cluster-monitor.js';
import { discoverK10IngressUrl } from '../multicluster/k10-ingress.js';
import { EMPTY_SUMMARY, linkedRow, memberOnPrimary, summarize, type LinkSource, type RoleFacts } from './fleet-row.js';

export interface FleetOptions extends Partial<MonitorTuning>, PoolOptions {
  /** Least time between two fleet:changed events. */
  throttleMs?: number;
  /**
   * At start, the clusters' connections wait for the first snapshot (the
   * window's first paint of the rows) or this long, whichever comes first:
   * opening hundreds of TLS connections keeps the main thread busy for
   * seconds, and the first paint should not wait behind it. 0 (the default):
   * connect at once. The desktop and preview shells set it.
   */
  firstSnapshotGraceMs?: number;
  /**
   * Clusters making their first read at once (probe and every list), in
   * registry order; the others wait their turn. The fleet's first read is
   * bound by this process's CPU (TLS handshakes, streams, JSON), so taking
   * clusters a few dozen at a time ends as soon as taking them all at once,
   * but the rows fill in one after another rather than all at the end, with
   * less in flight. A turn lasts at most a few seconds (a slow cluster does
   * not hold up the others for long); a cluster that does not answer gives
   * it back at once. Default 96.
   */
  startConcurrency?: number;
}

export interface FleetServiceDeps {
  registry: ClusterRegistry;
  events: EventSink;
  log?: Logger;
  options?: FleetOptions;
  /** The app's cluster pool; a private one over `registry` when absent (tests, benchmarks). */
  pool?: ClusterPool;
}

const DEFAULT_TUNING: MonitorTuning = {
  probeIntervalMs: 10_000,
  probeTimeoutMs: 5_000,
  maxProbeIntervalMs: 60_000,
  requestTimeoutMs: 15_000,
  watchBackoff: { initialMs: 1_000, maxMs: 30_000 },
  // Each renewal is a request: ten watches renewed every 5 min cost a cluster 2 a minute. Half an hour is
  // kube-apiserver's own default (--min-request-timeout); a dead connection is found sooner by the probe
  // or the HTTP/2 ping, not by this clock.
  watchSeconds: 1_800,
};

/** Longest the watches wait for the fleet's first read (see firstReads). */
const FIRST_READS_MAX_MS = 10_000;

interface Entry {
  monitor: ClusterMonitor;
  facts?: RoleFacts;
}

/** One row per registry cluster, kept current; see the module comment. Construct, then `start()`; `stop()` releases everything. */
export class FleetService {
  private readonly registry: ClusterRegistry;
  private readonly events: EventSink;
  private readonly log?: Logger;
  private readonly tuning: MonitorTuning;
  private readonly throttleMs: number;
  private readonly pool: ClusterPool;
  private readonly ownPool: boolean;

  private readonly entries = new Map<string, Entry>();
  private readonly rows = new Map<string, FleetRow>();
  private dirty = new Set<string>();
  private removedIds = new Set<string>();
  /** Primary Cluster name → ids of fleet rows that are that primary. */
  private readonly primariesByName = new Map<string, Set<string>>();
  /** Primary name → ids of secondaries that name it. */
  private readonly secondariesByPrimary = new Map<string, Set<string>>();
  private version = 0;
  private summary: FleetSummary = { ...EMPTY_SUMMARY };
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private unsubscribe: (() => void) | undefined;
  private started = false;
  private stopped = false;
  private readonly firstSnapshotGraceMs: number;
  /** Turns for clusters' first reads (see FleetOptions.startConcurrency). */
  private readonly startTurns: Limiter;
  /**
   * Resolves when no cluster is making its first read (or FIRST_READS_MAX_MS
   * after start): the watches open then, so that they do not take the CPU
   * the rows' lists need. Clusters added later find it resolved.
   */
  private readonly firstReads: Promise<void>;
  private firstReadsDone: () => void = () => undefined;
  private firstReadsTimer: NodeJS.Timeout | undefined;
  /** Monitors made before the first snapshot (see firstSnapshotGraceMs), started once it is taken. */
  private held: ClusterMonitor[] | undefined;
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(deps: FleetServiceDeps) {
    this.registry = deps.registry;
    this.events = deps.events;
    this.log = deps.log;
    const o = deps.options ?? {};
    this.tuning = {
      probeIntervalMs: o.probeIntervalMs ?? DEFAULT_TUNING.probeIntervalMs,
      probeTimeoutMs: o.probeTimeoutMs ?? DEFAULT_TUNING.probeTimeoutMs,
      maxProbeIntervalMs: o.maxProbeIntervalMs ?? DEFAULT_TUNING.maxProbeIntervalMs,
      requestTimeoutMs: o.requestTimeoutMs ?? DEFAULT_TUNING.requestTimeoutMs,
      watchBackoff: o.watchBackoff ?? DEFAULT_TUNING.watchBackoff,
      watchSeconds: o.watchSeconds ?? DEFAULT_TUNING.watchSeconds,
    };
    this.throttleMs = o.throttleMs ?? 200;
    this.firstSnapshotGraceMs = o.firstSnapshotGraceMs ?? 0;
    this.startTurns = new Limiter({ global: o.startConcurrency ?? 96, perKey: o.startConcurrency ?? 96 });
    this.firstReads = new Promise<void>((resolve) => {
      this.firstReadsDone = () => {
        if (this.firstReadsTimer) clearTimeout(this.firstReadsTimer);
        resolve();
      };
    });
    this.ownPool = !deps.pool;
    this.pool = deps.pool ?? new ClusterPool(deps.registry, { ...o, requestTimeoutMs: this.tuning.requestTimeoutMs });
  }

  /**
   * Changes the probe interval of reachable clusters (the settings screen).
   * Every monitor reads the shared tuning when it schedules its next probe,
   * so this applies from each cluster's next probe on; unreachable clusters
   * never back off to less than it.
   */
  setProbeInterval(ms: number): void {
    this.baseMaxProbeIntervalMs ??= this.tuning.maxProbeIntervalMs;
    this.tuning.probeIntervalMs = ms;
    this.tuning.maxProbeIntervalMs = Math.max(this.baseMaxProbeIntervalMs, ms);
  }
  private baseMaxProbeIntervalMs: number | undefined;
  /** The current probe interval of reachable clusters. */
  get probeIntervalMs(): number {
    return this.tuning.probeIntervalMs;
  }

  /** Follows the registry from now on: a row for every cluster in it. Idempotent. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.firstSnapshotGraceMs > 0) {
      this.held = [];
      this.graceTimer = setTimeout(() => this.releaseHeld(), this.firstSnapshotGraceMs);
      this.graceTimer.unref?.();
    }
    this.firstReadsTimer = setTimeout(() => this.firstReadsDone(), FIRST_READS_MAX_MS);
    this.firstReadsTimer.unref?.();
    this.unsubscribe = this.registry.onChange(() => this.reconcile());
    this.reconcile();
    if (this.entries.size === 0) this.firstReadsDone();
  }

  /** The first snapshot was taken (or the grace ran out): the held monitors connect now. */
  private releaseHeld(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    const held = this.held;
    this.held = undefined;
    // After this turn, so that the snapshot's answer goes out before the connections' work begins.
    if (held?.length) setImmediate(() => held.forEach((m) => this.startMonitor(m)));
  }

  /**
   * All rows (in registry order) with the summary and their version; the
   * next fleet:changed event carries a higher one. Pending changes are
   * applied first when the throttle allows an event now; otherwise they
   * come with the next event, at most `throttleMs` later.
   */
  snapshot(): FleetSnapshot {
    if (this.held) this.releaseHeld();
    if (this.dirty.size + this.removedIds.size > 0 && Date.now() - this.lastFlush >= this.throttleMs) this.flushNow();
    return { rows: [...this.rows.values()], summary: { ...this.summary }, version: this.version };
  }

  /**
   * Probes again now and wakes watches waiting after a failure: one cluster
   * (and waits for its probe), or all (and returns at once: a thousand
   * probes are bounded by the probe limiter, not by the caller).
   */
  async refresh(id?: string): Promise<void> {
    if (id !== undefined) {
      const entry = this.entries.get(id);
      if (!entry) throw new AppError('NOT_FOUND', `There is no cluster with id ${id} in the fleet; it may have been removed.`);
      await entry.monitor.refresh();
      return;
    }
    for (const e of this.entries.values()) void e.monitor.refresh();
  }

  private entryOf(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new AppError('NOT_FOUND', `There is no cluster with id ${id} in the fleet; it may have been removed.`);
    return entry;
  }

  /**
   * The newest failed K10 actions of one cluster in the last 24 hours, from
   * what its action watches keep (no request to the cluster): what its
   * detail panel lists. Times as ISO strings.
   */
  failedActions(id: string, limit = 20): FailedActions {
    const { latest, total, complete } = this.entryOf(id).monitor.failedActions(limit);
    return {
      actions: latest.map(({ at, ...rest }) => ({ ...rest, at: new Date(at).toISOString() })),
      total,
      complete,
    };
  }

  /**
   * Where the cluster's K10 dashboard is. A primary's own Cluster object,
   * or a member's Cluster on its primary (when the fleet holds it), names
   * its ingress URL; otherwise its K10 Ingress or Route in kasten-io is
   * read now (one list each, on demand). No URL found is not an error.
   */
  async k10Dashboard(id: string): Promise<K10Dashboard> {
    const entry = this.entryOf(id);
    const f = entry.facts ?? entry.monitor.facts();
    const dashboard = (url: string, source: string): K10Dashboard => ({ url: `${url.replace(/\/+$/, '')}/#/`, source });
    if (f.role === 'primary' && f.primaryCluster?.ingress) return dashboard(f.primaryCluster.ingress, `Cluster ${MC_NAMESPACE}/${f.primaryCluster.name}`);
    const seen = memberOnPrimary(f, (name) => this.primariesNamed(name));
    if (seen && seen !== 'gone' && seen.member.ingress) return dashboard(seen.member.ingress, `Cluster ${MC_NAMESPACE}/${seen.member.name} on the primary ${f.primaryName}`);
    await entry.monitor.start();
    const client = entry.monitor.kubeClient;
    if (!client) throw new AppError('UNREACHABLE', `${entry.monitor.cluster.name}: Flotilla cannot read it (its credentials could not be loaded), so it cannot tell where its K10 dashboard is.`, entry.monitor.cluster.name);
    const found = await discoverK10IngressUrl(client, K10_RELEASE, { timeoutMs: this.tuning.requestTimeoutMs });
    return found.url ? dashboard(found.url, found.source ?? 'kasten-io') : {};
  }

  /** Stops every monitor (watches, probes, timers, connections) and the registry subscription. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe?.();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    if (this.firstReadsTimer) clearTimeout(this.firstReadsTimer);
    this.held = undefined;
    const monitors = [...this.entries.values()].map((e) => e.monitor);
    this.entries.clear();
    await Promise.all(monitors.map((m) => m.stop()));
    if (this.ownPool) this.pool.close();
  }

  /** Brings the monitors in line with the registry: new clusters, gone ones, changed ones. */
  reconcile(): void {
    if (this.stopped) return;
    const listed = this.registry.list();
    const seen = new Set<string>();
    for (const c of listed) {
      seen.add(c.id);
      const entry = this.entries.get(c.id);
      if (entry && !changed(entry.monitor.cluster, c)) continue;
      if (entry) void this.drop(c.id, false);
      this.add(c);
    }
    for (const id of [...this.entries.keys()]) if (!seen.has(id)) void this.drop(id, true);
    // Keep rows in registry order: rebuild the map's order when it moved.
    const order = listed.map((c) => c.id);
    const current = [...this.rows.keys()];
    if (order.length === current.length && order.some((id, i) => current[i] !== id)) {
      const copy = new Map(this.rows);
      this.rows.clear();
      for (const id of order) {
        const r = copy.get(id);
        if (r) this.rows.set(id, r);
      }
    }
  }

  private add(cluster: StoredCluster): void {
    const monitor = new ClusterMonitor(cluster, {
      tuning: this.tuning,
      onDirty: (id, what) => this.markDirty(id, what),
      client: () => this.pool.client(cluster.id),
      startTurn: () => this.startTurn(),
      watchAfter: this.firstReads,
    });
    this.entries.set(cluster.id, { monitor });
    this.removedIds.delete(cluster.id); // removed and added back before a flush: an update, not a removal
    this.markDirty(cluster.id);
    if (this.held) this.held.push(monitor);
    else this.startMonitor(monitor);
  }

  /** A turn for a cluster's first read; the last one given back ends the fleet's first read (see firstReads). */
  private async startTurn(): Promise<() => void> {
    const release = await this.startTurns.acquire('start');
    return () => {
      release();
      if (this.startTurns.active === 0 && this.startTurns.queued === 0) this.firstReadsDone();
    };
  }

  private startMonitor(monitor: ClusterMonitor): void {
    if (this.stopped || this.entries.get(monitor.id)?.monitor !== monitor) return; // stopped, or removed meanwhile
    void monitor.start().catch((err: unknown) => this.log?.error(`fleet: starting ${monitor.cluster.name} failed unexpectedly: ${(err as Error)?.message ?? String(err)}`));
  }

  private async drop(id: string, removeRow: boolean): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.index(id, entry.facts, undefined);
    if (removeRow) {
      // The row itself goes at the next flush, with the summary and the event.
      this.dirty.delete(id);
      this.removedIds.add(id);
      this.schedule();
    }
    await entry.monitor.stop();
  }

  private markDirty(id: string, what?: 'mc' | 'distributions'): void {
    if (this.stopped || !this.entries.has(id)) return;
    this.dirty.add(id);
    if (what) {
      // Secondaries show their labels, and their sync state, from this primary's objects.
      const name = this.entries.get(id)?.facts?.role === 'primary' ? this.entries.get(id)?.facts?.primaryName : undefined;
      if (name) for (const s of this.secondariesByPrimary.get(name) ?? []) this.dirty.add(s);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.flushTimer || this.stopped) return;
    const wait = Math.max(0, this.lastFlush + this.throttleMs - Date.now());
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, wait);
  }

  /** Applies pending changes now (the throttle allows it). */
  private flushNow(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    this.flush();
  }

  private flush(): void {
    this.lastFlush = Date.now();
    const upserts: FleetRow[] = [];
    // Facts first (roles link rows), then rows; a primary whose name changed dirties its secondaries.
    const queue = this.dirty;
    this.dirty = new Set();
    for (const id of queue) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      const facts = entry.monitor.facts();
      const before = entry.facts;
      if (!sameLinks(before, facts)) {
        this.index(id, before, facts);
        for (const name of [before?.role === 'primary' ? before.primaryName : undefined, facts.role === 'primary' ? facts.primaryName : undefined]) {
          if (name) for (const s of this.secondariesByPrimary.get(name) ?? []) queue.add(s);
        }
      }
      entry.facts = facts;
      entry.monitor.watchDistributions(facts.role === 'primary');
    }
    for (const id of queue) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      const row = this.buildRow(entry);
      const prev = this.rows.get(id);
      if (!prev || JSON.stringify(prev) !== JSON.stringify(row)) {
        this.rows.set(id, row);
        upserts.push(row);
      }
    }
    const removed = [...this.removedIds].filter((id) => this.rows.delete(id));
    this.removedIds.clear();
    if (upserts.length === 0 && removed.length === 0) return;
    this.version++;
    this.summary = summarize(this.rows.values());
    const event: FleetChangedEvent = { version: this.version, upserts, removed, summary: { ...this.summary } };
    try {
      this.events.emit('fleet:changed', event);
    } catch (err) {
      this.log?.error(`fleet: could not emit fleet:changed: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  /** Keeps the primary/secondary indexes in step with a row's facts. */
  private index(id: string, before: RoleFacts | undefined, after: RoleFacts | undefined): void {
    const remove = (map: Map<string, Set<string>>, key: string | undefined) => {
      if (!key) return;
      const set = map.get(key);
      set?.delete(id);
      if (set && set.size === 0) map.delete(key);
    };
    const put = (map: Map<string, Set<string>>, key: string | undefined) => {
      if (!key) return;
      let set = map.get(key);
      if (!set) map.set(key, (set = new Set()));
      set.add(id);
    };
    if (before?.role === 'primary') remove(this.primariesByName, before.primaryName);
    if (before?.role === 'secondary') remove(this.secondariesByPrimary, before.primaryName);
    if (after?.role === 'primary') put(this.primariesByName, after.primaryName);
    if (after?.role === 'secondary') put(this.secondariesByPrimary, after.primaryName);
  }

  private buildRow(entry: Entry): FleetRow {
    const m = entry.monitor;
    const parts = {
      cluster: m.cluster,
      facts: entry.facts ?? m.facts(),
      reachability: m.reachability,
      kubernetesVersion: m.kubernetesVersion,
      k10Version: m.k10Version(),
      counts: m.counts(),
      lastError: m.lastError(),
    };
    return linkedRow(parts, this.linkSource(entry), (name) => this.primariesNamed(name));
  }

  /** A row's cluster as the rows that link to it see it (see linkedRow). */
  private linkSource(entry: Entry): LinkSource {
    const m = entry.monitor;
    return { facts: entry.facts, membersListed: m.mcSynced, member: (name) => m.mcCluster(name), distributionStates: (member) => m.distributionStates(member) };
  }

  /** The fleet's rows that are the primary named `name`. */
  private *primariesNamed(name: string): Iterable<LinkSource> {
    for (const id of this.primariesByName.get(name) ?? []) {
      const entry = this.entries.get(id);
      if (entry) yield this.linkSource(entry);
    }
  }

  /**
   * The fleet's members of the primary named `primaryName`, by their name
   * there (from each secondary's mc-cluster-info); undefined while the fleet
   * is not being watched (the CLI), when callers must read it themselves.
   */
  members(primaryName: string): Map<string, string> | undefined {
    if (!this.started || this.stopped) return undefined;
    const out = new Map<string, string>();
    for (const id of this.secondariesByPrimary.get(primaryName) ?? []) {
      const name = this.entries.get(id)?.facts?.clusterName;
      if (name) out.set(name, id);
    }
    return out;
  }

  /** How the fleet's connections stand: for diagnostics and the benchmark. */
  stats(): { clusters: number; watches: number; openWatches: number; requestsActive: number; requestsQueued: number } {
    let watches = 0;
    let openWatches = 0;
    for (const e of this.entries.values()) {
      const w = e.monitor.watchStats();
      watches += w.watches;
      openWatches += w.open;
    }
    return {
      clusters: this.entries.size,
      watches,
      openWatches,
      requestsActive: this.pool.limiter.active,
      requestsQueued: this.pool.limiter.queued,
    };
  }
}

function changed(a: StoredCluster, b: StoredCluster): boolean {
  return a.updatedAt !== b.updatedAt || a.server !== b.server || a.name !== b.name || a.source !== b.source;
}

function sameLinks(a: RoleFacts | undefined, b: RoleFacts): boolean {
  return a?.role === b.role && a.primaryName === b.primaryName && a.clusterName === b.clusterName;
}
