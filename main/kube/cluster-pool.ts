/**
 * The cluster pool: one ClusterClient per cluster, shared by every service
 * that talks to clusters (the fleet view, the multi-cluster workflows, the
 * connection test), and the fleet-wide limiters behind them. A limit that is
 * meant to be fleet-wide stays fleet-wide only if nobody builds clients of
 * their own, so services borrow from here.
 *
 * The pool does not know where clusters come from: it is given a
 * `PoolSource` (main/clusters satisfies it), so main/kube imports no
 * service. A client is made on first use (credentials read once, through a
 * bounded queue: keychain reads can prompt and are slow) and kept until the
 * cluster leaves the list or its record changes (re-imported credentials),
 * or the pool is closed.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../shared/contract/index.js';
import { ClusterClient } from './cluster-client.js';
import { Limiter } from './limiter.js';

/** What the pool needs of the cluster list. */
export interface PoolSource {
  get(id: string): { id: string; name: string; updatedAt: string } | undefined;
  kubeConfig(id: string): Promise<KubeConfig>;
  onChange(listener: () => void): () => void;
}

export interface PoolOptions {
  /** Requests in flight across the fleet (lists, writes, watch openings). */
  globalConcurrency?: number;
  /** Requests in flight to one cluster. */
  perClusterConcurrency?: number;
  /** Reachability probes in flight across the fleet (their own lane, never behind lists). */
  probeConcurrency?: number;
  /** Keychain reads in flight. */
  credentialConcurrency?: number;
  /** Default timeout of a request. */
  requestTimeoutMs?: number;
  /** One HTTP/2 session per cluster instead of HTTP/1.1 connections (see ClusterClientOptions.http2). */
  http2?: boolean;
}

interface Entry {
  version: string;
  client: Promise<ClusterClient>;
}

export class ClusterPool {
  /** Shared by every client: lists and writes first, watch openings behind them. */
  readonly limiter: Limiter;
  /** Reachability probes. */
  readonly probeLimiter: Limiter;
  private readonly credentials: Limiter;
  private readonly entries = new Map<string, Entry>();
  private readonly unsubscribe: () => void;
  private readonly timeoutMs: number | undefined;
  private readonly http2: boolean | undefined;
  private closed = false;

  constructor(
    private readonly source: PoolSource,
    opts: PoolOptions = {},
  ) {
    // Measured over 300 and 500 lab clusters on two cores (test/bench/fleet-service.bench.ts): with every
    // request a stream of the cluster's one HTTP/2 connection, 96 in flight (6 per cluster) and 64 probes
    // (each a TLS handshake at start) filled the rows 10-25 % sooner than 32/3/32; wider was no faster.
    this.limiter = new Limiter({ global: opts.globalConcurrency ?? 96, perKey: opts.perClusterConcurrency ?? 6 });
    this.probeLimiter = new Limiter({ global: opts.probeConcurrency ?? 64, perKey: 1 });
    this.credentials = new Limiter({ global: opts.credentialConcurrency ?? 8, perKey: 1 });
    this.timeoutMs = opts.requestTimeoutMs;
    this.http2 = opts.http2;
    this.unsubscribe = source.onChange(() => this.prune());
  }

  /**
   * The client of cluster `id`, made on first use. Throws the AppError that
   * loading its credentials gave (NOT_FOUND, KEYCHAIN_UNAVAILABLE, …); a
   * failed load is not cached, so the next call tries again.
   */
  client(id: string): Promise<ClusterClient> {
    if (this.closed) return Promise.reject(new AppError('INTERNAL', 'Flotilla is shutting down; no new cluster connections are made.'));
    const cluster = this.source.get(id);
    if (!cluster) return Promise.reject(new AppError('NOT_FOUND', `No cluster with id ${id} is known to Flotilla; it may have been removed.`));
    const existing = this.entries.get(id);
    if (existing && existing.version === cluster.updatedAt) return existing.client;
    if (existing) this.closeEntry(existing);
    const client = this.credentials
      .run('keychain', () => this.source.kubeConfig(id))
      .then((kc) => new ClusterClient(kc, { name: cluster.name, key: id, limiter: this.limiter, probeLimiter: this.probeLimiter, timeoutMs: this.timeoutMs, ...(this.http2 !== undefined ? { http2: this.http2 } : {}) }));
    const entry: Entry = { version: cluster.updatedAt, client };
    this.entries.set(id, entry);
    client.catch(() => {
      if (this.entries.get(id) === entry) this.entries.delete(id);
    });
    return client;
  }

  /** Closes the connections of one cluster (the next `client` makes a new one). */
  forget(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.closeEntry(entry);
  }

  /** Closes every connection; the pool makes no new ones. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const entry of this.entries.values()) this.closeEntry(entry);
    this.entries.clear();
  }

  /** How many clusters have a client now (tests, benchmarks). */
  get size(): number {
    return this.entries.size;
  }

  private prune(): void {
    for (const [id, entry] of [...this.entries]) {
      const cluster = this.source.get(id);
      if (!cluster || cluster.updatedAt !== entry.version) this.forget(id);
    }
  }

  private closeEntry(entry: Entry): void {
    entry.client.then((c) => c.close()).catch(() => undefined);
  }
}
