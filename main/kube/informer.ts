/**
 * A small informer: list a collection, then watch it from the list's
 * resourceVersion, keeping a compact cache (only what `project` extracts
 * from each object, never the whole object — at a thousand clusters the
 * difference is most of the memory).
 *
 * What it does when things go wrong, checked against the lab fleet:
 * - the server ends the watch (its timeoutSeconds): watch again from the
 *   last resourceVersion seen (events and bookmarks move it);
 * - the connection drops (cutWatches, a stopped cluster): retry with
 *   exponential backoff and jitter, resuming from the last resourceVersion,
 *   so nothing done meanwhile is missed and nothing is re-listed;
 * - 410 Gone (the history was compacted), in the stream or as the answer:
 *   re-list, and the cache becomes the new list (deletions included);
 * - 404 on the list (the resource type is not served, e.g. K10 not
 *   installed): state `absent`, checked again now and then;
 * - 405 on the watch (a server that cannot watch this type): re-list on a
 *   timer instead, the one place it polls.
 * `kick()` cuts a backoff short (the cluster is reachable again, or the user
 * asked to refresh); `stop()` aborts the watch and every timer.
 *
 * client-node's ListWatch does most of this too, but stops for good after a
 * dropped connection (its owner must restart it), reports its own stop() as
 * an error, keeps whole objects, and builds a new agent per request (see
 * test/integration/lab-client-node.test.ts and cluster-client.ts).
 */
import { AppError } from '../../shared/contract/index.js';
import { METADATA_ONLY, type ClusterClient, type Query, type WatchEvent } from './cluster-client.js';
import { httpError, httpStatusOf } from './errors.js';

/** The fields of an object the informer reads itself. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type InformerStatus =
  | { state: 'syncing' }
  | { state: 'synced' }
  /** The collection's type is not served by this cluster (404): there is nothing to hold. */
  | { state: 'absent' }
  | { state: 'error'; error: AppError; retryInMs: number };

export interface InformerOptions<V> {
  client: ClusterClient;
  /** The collection, e.g. `/apis/apps/v1/namespaces/kasten-io/deployments`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** What to keep of each object. */
  project: (obj: KubeObject) => V;
  /** The cache changed (after a list, or an event). */
  onChange?: () => void;
  onStatus?: (status: InformerStatus) => void;
  /** Backoff after failures: first wait and cap (ms). */
  backoff?: { initialMs: number; maxMs: number };
  /** Server-side watch timeout; each watch picks ±20% around it so a fleet's watches do not renew in step. */
  watchSeconds?: number;
  /** The first watch opens once this resolves (the list is made at once): a fleet lists everything before it watches. */
  watchAfter?: Promise<void>;
  /** Re-list interval when the server cannot watch this type. */
  relistMs?: number;
  /** How often to look again for a type that is not served. */
  absentRetryMs?: number;
  /** Page size of lists. */
  pageSize?: number;
  /** Ask for the objects' metadata only (METADATA_ONLY): for a `project` that reads names, labels or annotations and nothing else. */
  metadataOnly?: boolean;
}

const DEFAULTS = {
  backoff: { initialMs: 1_000, maxMs: 30_000 },
  watchSeconds: 300,
  relistMs: 60_000,
  absentRetryMs: 120_000,
};

/** Credentials and permissions do not fix themselves quickly: wait longer before asking again. */
const AUTH_MIN_BACKOFF_MS = 30_000;

export function objectKey(obj: KubeObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? '');
}

export class Informer<V> {
  private cache = new Map<string, V>();
  private rv: string | undefined;
  private stopped = true;
  private controller: AbortController | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  private everSynced = false;
  private watchUnsupported = false;
  private _status: InformerStatus = { state: 'syncing' };
  private running: Promise<void> | undefined;
  private watchOpen = false;
  private readonly opts: InformerOptions<V> & typeof DEFAULTS;

  constructor(opts: InformerOptions<V>) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  get status(): InformerStatus {
    return this._status;
  }

  /** Listed at least once (the cache holds real data, perhaps stale while in error). */
  get synced(): boolean {
    return this.everSynced;
  }

  get size(): number {
    return this.cache.size;
  }

  /** A watch stream is open now (changes arrive as they happen). */
  get watching(): boolean {
    return this.watchOpen;
  }

  get latestResourceVersion(): string | undefined {
    return this.rv;
  }

  values(): IterableIterator<V> {
    return this.cache.values();
  }

  entries(): IterableIterator<[string, V]> {
    return this.cache.entries();
  }

  get(key: string): V | undefined {
    return this.cache.get(key);
  }

  /** Starts listing and watching (once; later calls do nothing). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Stops the watch and every timer; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.controller?.abort();
    this.wake?.();
    await this.running;
    this.watchOpen = false;
  }

  /** Retries now if waiting after a failure (or for an absent type). */
  kick(): void {
    this.failures = 0;
    this.wake?.();
  }

  private setStatus(s: InformerStatus): void {
    const prev = this._status;
    this._status = s;
    if (prev.state !== s.state || s.state === 'error') this.opts.onStatus?.(s);
  }

  private query(): Query {
    return { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector };
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.watchOpen = false;
      this.controller = new AbortController();
      const signal = this.controller.signal;
      try {
        if (this.rv === undefined) {
          const absent = await this.relist(signal);
          if (absent) {
            await this.pause(this.opts.absentRetryMs);
            continue;
          }
        }
        if (this.opts.watchAfter) {
          await this.until(this.opts.watchAfter);
          this.opts.watchAfter = undefined;
        }
        if (this.stopped) break;
        if (this.watchUnsupported) {
          await this.pause(this.opts.relistMs);
          this.rv = undefined;
          continue;
        }
        let expired = false;
        const watchStarted = Date.now();
        const seconds = Math.round(this.opts.watchSeconds * (0.8 + 0.4 * Math.random()));
        await this.opts.client.watch<KubeObject>(
          this.opts.path,
          (e) => {
            if (this.apply(e)) {
              expired = true;
              this.controller?.abort();
            }
          },
          {
            query: { ...this.query(), resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds: seconds },
            signal,
            onOpen: () => {
              this.watchOpen = true;
              this.failures = 0;
              if (this._status.state === 'error') this.setStatus({ state: 'synced' });
            },
            // Beyond the server's own timeout, a silent stream is a dead connection.
            idleTimeoutMs: (seconds + 60) * 1000,
            ...(this.opts.metadataOnly ? { accept: METADATA_ONLY.watch } : {}),
          },
        );
        this.watchOpen = false;
        if (expired) this.rv = undefined;
        // A server that ends watches at once must not turn this loop into a busy one.
        else if (Date.now() - watchStarted < 1_000) await this.pause(1_000);
      } catch (err) {
        this.watchOpen = false;
        if (this.stopped) break;
        const status = httpStatusOf(err);
        if (status === 410) {
          this.rv = undefined;
          continue;
        }
        if (status === 405 && this.rv !== undefined) {
          this.watchUnsupported = true;
          continue;
        }
        const error = err instanceof AppError ? err : new AppError('INTERNAL', `${this.opts.client.name}: watching ${this.opts.path} failed: ${(err as Error)?.message ?? String(err)}`, this.opts.client.name);
        const delay = this.delay(error);
        this.setStatus({ state: 'error', error, retryInMs: delay });
        await this.pause(delay);
      }
    }
  }

  /** Applies one watch event; true when the server says our resourceVersion is too old (410). */
  private apply(e: WatchEvent<KubeObject>): boolean {
    const obj = e.object ?? {};
    if (e.type === 'ERROR') {
      const status = obj as { code?: number; message?: string };
      if (status.code === 410) return true;
      throw httpError(status.code ?? 500, JSON.stringify(obj), this.opts.client.errorContext({ method: 'GET', path: this.opts.path, query: { watch: true } }));
    }
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.rv = rv;
    if (e.type === 'BOOKMARK') return false;
    const key = objectKey(obj);
    if (e.type === 'DELETED') {
      if (!this.cache.delete(key)) return false;
    } else if (e.type === 'ADDED' || e.type === 'MODIFIED') {
      this.cache.set(key, this.opts.project(obj));
    } else {
      return false;
    }
    this.opts.onChange?.();
    return false;
  }

  /** Lists and replaces the cache; true when the type is not served. */
  private async relist(signal: AbortSignal): Promise<boolean> {
    if (!this.everSynced) this.setStatus({ state: 'syncing' });
    let listed: { items: KubeObject[]; resourceVersion: string };
    try {
      listed = await this.opts.client.list<KubeObject>(this.opts.path, { query: this.query(), pageSize: this.opts.pageSize, signal, ...(this.opts.metadataOnly ? { accept: METADATA_ONLY.list } : {}) });
    } catch (err) {
      if (httpStatusOf(err) === 404) {
        const had = this.cache.size > 0;
        this.cache = new Map();
        this.everSynced = true;
        this.rv = undefined;
        this.failures = 0;
        this.setStatus({ state: 'absent' });
        if (had) this.opts.onChange?.();
        return true;
      }
      throw err;
    }
    const next = new Map<string, V>();
    for (const item of listed.items) next.set(objectKey(item), this.opts.project(item));
    this.cache = next;
    this.rv = listed.resourceVersion || undefined;
    this.everSynced = true;
    this.failures = 0;
    this.setStatus({ state: 'synced' });
    this.opts.onChange?.();
    return false;
  }

  private delay(error: AppError): number {
    const { initialMs, maxMs } = this.opts.backoff;
    const n = this.failures++;
    let ms = Math.min(maxMs, initialMs * 2 ** n);
    if (error.code === 'UNAUTHORIZED' || error.code === 'FORBIDDEN' || error.code === 'EXEC_PLUGIN') ms = Math.max(ms, Math.min(AUTH_MIN_BACKOFF_MS, maxMs * 4));
    return Math.round(ms * (0.8 + 0.4 * Math.random()));
  }

  /** Waits for `p`, or less if kicked or stopped. */
  private until(p: Promise<void>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const self = this;
      function done() {
        if (self.wake === done) self.wake = undefined;
        resolve();
      }
      this.wake = done;
      void p.then(done, done);
    });
  }

  /** Waits `ms`, or less if kicked or stopped. */
  private pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        if (self.wake === done) self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }
}
