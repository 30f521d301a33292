/**
 * A minimal lab fleet for K10 tests: each cluster is an ObjectStore behind a
 * real HTTPS server on 127.0.0.1 with its own CA, routing `/k10/*` to the
 * handler its K10 registers (no Kubernetes API: tests use the store). Up and
 * down work as in the lab fleet: down closes the listener and drops every
 * connection.
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { createCa, issueServingCert, type CertKeyPair } from '../../../../main/lab/certs.js';
import type { FleetNetwork, K10Handler, K10Host } from '../../../../main/lab/k10-host.js';
import { attachK10, type K10Instance, type K10Options } from '../../../../main/lab/kasten/index.js';
import { RESOURCE_TYPES, type KubeObject } from '../../../../main/lab/resources.js';
import { ObjectStore } from '../../../../main/lab/store.js';
import {
  JOIN_OBJECTS,
  JOIN_TOKEN_SECRET_TYPE,
  K10_NAMESPACE,
  MC_NAMESPACE,
} from '../../../../shared/kasten/kinds.js';

export const rt = (plural: string) => RESOURCE_TYPES.find((r) => r.plural === plural)!;

export class TestCluster implements K10Host {
  readonly store = new ObjectStore();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly events = new EventEmitter();
  private handler: K10Handler | undefined;
  private port = 0;
  private listening = false;
  k10: K10Instance | undefined;

  private constructor(
    readonly name: string,
    readonly ca: CertKeyPair,
    serving: CertKeyPair,
  ) {
    for (const ns of ['default', 'kube-system', K10_NAMESPACE]) this.store.create(rt('namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    this.server = createServer({ key: serving.keyPem, cert: serving.certPem }, (req, res) => {
      const path = new URL(req.url ?? '/', 'https://x').pathname;
      if ((path === '/k10' || path.startsWith('/k10/')) && this.handler) this.handler(req, res, path.slice(4) || '/');
      else {
        res.writeHead(404);
        res.end();
      }
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('tlsClientError', () => undefined);
  }

  static async create(name: string): Promise<TestCluster> {
    const ca = await createCa(`${name}-ca`);
    const serving = await issueServingCert(ca, { dnsNames: ['localhost'], ips: ['127.0.0.1'] });
    return new TestCluster(name, ca, serving);
  }

  get apiUrl(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get k10IngressUrl(): string {
    return `${this.apiUrl}/k10`;
  }

  get up(): boolean {
    return this.listening;
  }

  onUpChange(listener: (up: boolean) => void): () => void {
    this.events.on('up', listener);
    return () => this.events.off('up', listener);
  }

  setK10Handler(handler: K10Handler): void {
    this.handler = handler;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.listening = true;
    this.events.emit('up', true);
  }

  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    this.events.emit('up', false);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  // ---- store shortcuts ----

  get(plural: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(rt(plural), namespace, name);
  }

  create(plural: string, obj: Omit<KubeObject, 'apiVersion' | 'kind'> & Partial<Pick<KubeObject, 'apiVersion' | 'kind'>>): KubeObject {
    const t = rt(plural);
    return this.store.create(t, { apiVersion: t.group ? `${t.group}/${t.version}` : t.version, kind: t.kind, ...obj } as KubeObject);
  }

  mutate(plural: string, namespace: string | undefined, name: string, change: (d: KubeObject) => void): KubeObject {
    return this.store.mutate(rt(plural), namespace, name, (d) => void change(d));
  }

  delete(plural: string, namespace: string | undefined, name: string): void {
    this.store.delete(rt(plural), namespace, name);
  }

  secret(name: string, namespace = K10_NAMESPACE): Record<string, string> | undefined {
    const s = this.get('secrets', namespace, name);
    if (!s) return undefined;
    return Object.fromEntries(Object.entries((s.data as Record<string, string>) ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
}

/** Short intervals so that tests take milliseconds, not the fleet defaults' seconds. */
export const FAST: K10Options = {
  pollHoldMs: 1_000,
  unreachableAfterMs: 400,
  healthSweepMs: 50,
  requestTimeoutMs: 1_000,
  retryBaseMs: 20,
  retryMaxMs: 200,
  joinAttempts: 3,
  statusDebounceMs: 10,
  resyncMs: 60_000,
};

export interface Fleet {
  clusters: TestCluster[];
  logs: string[];
  network: FleetNetwork;
  close(): Promise<void>;
}

/** Starts `names` as clusters, each with its K10. */
export async function startFleet(names: string[], opts: K10Options = {}): Promise<Fleet> {
  const logs: string[] = [];
  const clusters = await Promise.all(names.map((n) => TestCluster.create(n)));
  const network: FleetNetwork = { caBundle: () => clusters.map((c) => c.ca.certPem) };
  for (const c of clusters) {
    await c.start();
    c.k10 = attachK10(c, network, { ...FAST, log: (line) => logs.push(line), ...opts });
  }
  return {
    clusters,
    logs,
    network,
    async close() {
      for (const c of clusters) c.k10?.stop();
      await Promise.all(clusters.map((c) => c.stop()));
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails with the last error. */
export async function eventually<T>(check: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function bootstrap(c: TestCluster, name = c.name): void {
  if (!c.get('namespaces', undefined, MC_NAMESPACE)) c.create('namespaces', { metadata: { name: MC_NAMESPACE } });
  c.create('bootstraps', {
    metadata: { name: 'bootstrap', namespace: MC_NAMESPACE },
    spec: { clusters: { [name]: { name, primary: true, k10: { namespace: K10_NAMESPACE, releaseName: 'k10', ingress: { url: c.k10IngressUrl } } } } },
  });
}

/** Promotes `c` and returns once its Cluster exists. */
export async function promote(c: TestCluster): Promise<KubeObject> {
  bootstrap(c);
  return eventually(() => c.get('clusters', MC_NAMESPACE, c.name), `${c.name} promoted`);
}

/** Creates a join token on the primary and returns its value once filled. */
export async function createToken(primary: TestCluster, name = 'lab-token'): Promise<string> {
  primary.create('secrets', { metadata: { name, namespace: MC_NAMESPACE }, type: JOIN_TOKEN_SECRET_TYPE });
  return eventually(() => primary.secret(name, MC_NAMESPACE)?.token, 'token filled');
}

export function requestJoin(c: TestCluster, token: string, config: Record<string, string> = {}): void {
  c.create('secrets', { metadata: { name: JOIN_OBJECTS.joinSecret, namespace: K10_NAMESPACE }, stringData: { token } });
  c.create('configmaps', {
    metadata: { name: JOIN_OBJECTS.joinConfig, namespace: K10_NAMESPACE },
    data: { 'cluster-name': c.name, 'cluster-ingress': c.k10IngressUrl, ...config },
  });
}

/** The mc-join-status once it is final (joined or rejected). */
export async function joinOutcome(c: TestCluster, timeoutMs = 5_000): Promise<Record<string, string>> {
  return eventually(() => {
    const s = c.secret(JOIN_OBJECTS.joinStatus);
    return s && (s.status === 'joined' || s.status === 'rejected') ? s : undefined;
  }, `${c.name} join outcome`, timeoutMs);
}

/** Joins `c` to `primary` and waits until the primary sees it connected. */
export async function join(primary: TestCluster, c: TestCluster, token: string): Promise<void> {
  requestJoin(c, token);
  const outcome = await joinOutcome(c);
  if (outcome.status !== 'joined') throw new Error(`${c.name} not joined: ${outcome.msg}`);
  await eventually(
    () => (primary.get('clusters', MC_NAMESPACE, c.name)?.status as { connection?: { state?: string } } | undefined)?.connection?.state === 'Connected',
    `${c.name} connected`,
  );
}
