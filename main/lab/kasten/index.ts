/**
 * The in-cluster K10 of one lab cluster, as far as multi-cluster goes: a set
 * of controllers that watch the cluster's store, as Kasten's watch the API
 * server, plus the K10 ingress other clusters' K10s talk to (see wire.ts for
 * the protocol). Every cluster runs the same code; whether it acts as a
 * primary, a secondary or neither follows from the objects in its store.
 *
 * While the cluster is down its K10 is down too: no watch, no timer, no
 * outbound request, and the ingress does not answer. When the cluster comes
 * back, the watches are opened again from scratch, which replays every object
 * and so resyncs every controller.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JOIN_OBJECTS, JOIN_TOKEN_SECRET_TYPE, K10_NAMESPACE, MC_NAMESPACE } from '../../../shared/kasten/kinds.js';
import type { FleetNetwork, K10Host } from '../k10-host.js';
import type { KubeObject, ResourceType } from '../resources.js';
import { DEFAULT_OPTIONS, RT, errorMessage, type K10Context, type K10Options } from './context.js';
import { Primary } from './primary.js';
import { WorkQueue } from './queue.js';
import { Secondary } from './secondary.js';
import { WIRE_PATHS, WireClient, sendWireError } from './wire.js';

export type { K10Options } from './context.js';
export { DEFAULT_OPTIONS } from './context.js';
export { WIRE_PATHS } from './wire.js';

/** One cluster's running K10. */
export interface K10Instance {
  /** The cluster's name. */
  readonly cluster: string;
  /** Re-runs every controller now, as a periodic resync would. */
  resync(): void;
  /** Stops for good: no watch, timer or socket of this K10 remains. */
  stop(): void;
}

/**
 * Starts the K10 of `host`: its controllers run while `host.up` and its
 * ingress answers under `/k10/`. `network` gives the CAs to trust when this
 * K10 dials another cluster's.
 */
export function attachK10(host: K10Host, network: FleetNetwork, opts: K10Options = {}): K10Instance {
  return new K10(host, network, { ...DEFAULT_OPTIONS, ...opts });
}

class K10 implements K10Instance {
  private running = false;
  private stopped = false;
  private lifetime = new AbortController();
  private client: WireClient;
  private watches: (() => void)[] = [];
  private timers: NodeJS.Timeout[] = [];
  private readonly queue: WorkQueue;
  private readonly primary: Primary;
  private readonly secondary: Secondary;
  private readonly offUp: () => void;

  constructor(
    private readonly host: K10Host,
    private readonly network: FleetNetwork,
    private readonly opts: Required<K10Options>,
  ) {
    const ctx: K10Context = { host, network, opts, log: (line) => opts.log(`k10[${host.name}]: ${line}`) };
    this.queue = new WorkQueue((key) => this.reconcile(key), ctx.log);
    this.client = new WireClient(() => network.caBundle());
    this.primary = new Primary(ctx, this.queue);
    this.secondary = new Secondary(ctx, this.queue, { client: () => this.client, signal: () => this.lifetime.signal });
    host.setK10Handler((req, res, subPath) => this.serve(req, res, subPath));
    this.offUp = host.onUpChange((up) => (up ? this.start() : this.pause()));
    if (host.up) this.start();
  }

  get cluster(): string {
    return this.host.name;
  }

  resync(): void {
    if (!this.running) return;
    this.rewatch();
    for (const key of ['tokens', 'clusters', 'plans', 'status', 'join', 'channel']) this.queue.add(key);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.pause();
    this.offUp();
    this.host.setK10Handler((_req, res) => sendWireError(res, 503, 'ServiceUnavailable', `K10 is not running on ${this.host.name}`));
  }

  private start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.lifetime = new AbortController();
    this.client = new WireClient(() => this.network.caBundle());
    this.queue.start();
    this.primary.resume();
    this.resync();
    const every = (ms: number, fn: () => void) => {
      const t = setInterval(fn, ms);
      t.unref();
      this.timers.push(t);
    };
    every(this.opts.healthSweepMs, () => this.guard('sweep', () => this.primary.sweep()));
    every(this.opts.resyncMs, () => this.resync());
  }

  private pause(): void {
    if (!this.running) return;
    this.running = false;
    this.lifetime.abort();
    for (const off of this.watches) off();
    this.watches = [];
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.queue.stop();
    this.primary.pause();
    this.secondary.pause();
    this.client.destroy();
  }

  /** (Re)opens every watch; opening one replays the current objects, so this is also a full resync. */
  private rewatch(): void {
    for (const off of this.watches) off();
    this.watches = [];
    const add = (key: string) => this.queue.add(key);
    const watch = (rt: ResourceType, namespace: string, onObject: (obj: KubeObject, deleted: boolean) => void) => {
      this.watches.push(
        this.host.store.watch(rt, { namespace }, (e) => {
          if (e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED') onObject(e.object as KubeObject, e.type === 'DELETED');
        }),
      );
    };
    watch(RT.bootstrap, MC_NAMESPACE, (o) => add(`bootstrap:${o.metadata.name}`));
    // The primary writes Clusters' status often (ids, reachability); those writes change nothing the
    // controllers read from events, and at 500 clusters recomputing every plan for each would add up.
    const clusterShapes = new Map<string, string>();
    watch(RT.cluster, MC_NAMESPACE, (o, deleted) => {
      const { name, labels, deletionTimestamp, finalizers } = o.metadata;
      const shape = deleted ? undefined : JSON.stringify([labels, deletionTimestamp, finalizers, o.spec]);
      if (clusterShapes.get(name!) === shape) return;
      if (shape === undefined) clusterShapes.delete(name!);
      else clusterShapes.set(name!, shape);
      ['clusters', 'plans', 'tokens'].forEach(add);
    });
    for (const rt of [RT.distribution, RT.k10ClusterRoleBinding, RT.policy, RT.profile]) watch(rt, MC_NAMESPACE, () => add('plans'));
    watch(RT.secret, MC_NAMESPACE, (o) => {
      add('plans'); // a Profile's credential may have changed
      if (o.type === JOIN_TOKEN_SECRET_TYPE) add('tokens');
    });
    watch(RT.secret, K10_NAMESPACE, (o) => {
      const name = o.metadata.name;
      if (name === JOIN_OBJECTS.joinSecret) add('join');
      if (name === JOIN_OBJECTS.clusterInfo) ['join', 'channel'].forEach(add);
    });
    watch(RT.configMap, K10_NAMESPACE, (o) => {
      if (o.metadata.name === JOIN_OBJECTS.joinConfig) add('join');
    });
  }

  private reconcile(key: string): void | Promise<void> {
    if (key.startsWith('bootstrap:')) return this.primary.reconcileBootstrap(key.slice('bootstrap:'.length));
    switch (key) {
      case 'tokens':
        return this.primary.reconcileTokens();
      case 'clusters':
        return this.primary.reconcileClusters();
      case 'plans':
        return this.primary.reconcilePlans();
      case 'status':
        return this.primary.writeStatuses();
      case 'join':
        return this.secondary.reconcileJoin();
      case 'channel':
        return this.secondary.reconcileChannel();
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.opts.log(`k10[${this.host.name}]: ${what} failed: ${errorMessage(err)}`);
    }
  }

  /** The K10 ingress: `/k10/<subPath>`. */
  private serve(req: IncomingMessage, res: ServerResponse, subPath: string): void {
    if (!this.running) {
      res.destroy(); // a K10 that is down does not answer
      return;
    }
    const path = subPath.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && path === '/') {
      const page = `<!doctype html><title>K10 — ${escapeHtml(this.host.name)}</title><p>Kasten K10 (lab fleet) of cluster ${escapeHtml(this.host.name)}.</p>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(page) });
      res.end(page);
      return;
    }
    const handlers: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {
      [WIRE_PATHS.join]: (q, s) => this.primary.handleJoin(q, s),
      [WIRE_PATHS.sync]: (q, s) => this.primary.handleSync(q, s),
      [WIRE_PATHS.disconnected]: (q, s) => this.primary.handleDisconnected(q, s),
    };
    const handler = handlers[path];
    if (!handler) {
      sendWireError(res, 404, 'NotFound', `no K10 endpoint at /k10${path}`);
      return;
    }
    if (req.method !== 'POST') {
      sendWireError(res, 405, 'MethodNotAllowed', `/k10${path} accepts POST only`);
      return;
    }
    handler(req, res).catch((err: unknown) => {
      this.opts.log(`k10[${this.host.name}]: ${path} failed: ${errorMessage(err)}`);
      sendWireError(res, 500, 'InternalError', errorMessage(err));
    });
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
