/**
 * One lab cluster: its identity (CA, serving certificate, users and their
 * credentials), its object store, its HTTPS listener on 127.0.0.1 and the
 * faults a test can inflict on it. The K10 emulation attaches to it through
 * the K10Host interface.
 *
 * The listener speaks HTTP/2 and HTTP/1.1 on one port, as kube-apiserver
 * does: ALPN offers h2 and http/1.1, and a client that offers neither (Node's
 * https) gets HTTP/1.1. Both reach the same handler: HTTP/2 through Node's
 * compatibility API, whose request and response stand in for http's (see
 * `asHttp1`). What it costs to serve is counted (`stats`).
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  constants as h2,
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createApiHandler, sendError, type Denial, type FaultState } from './apiserver.js';
import { ApiError } from './api-error.js';
import { createCa, issueClientCert, issueServingCert, type CertKeyPair } from './certs.js';
import { attachIngressController } from './ingress.js';
import type { K10Handler, K10Host } from './k10-host.js';
import type { UserInfo } from './rbac.js';
import { RESOURCE_TYPES, type KubeObject } from './resources.js';
import { ObjectStore, type StoreSnapshot } from './store.js';
import { StatsCounter, type LabClusterStats } from './stats.js';
import { K10_NAMESPACE, MC_ADMIN_CLUSTER_ROLE, MC_ADMIN_GROUP } from '../../shared/kasten/kinds.js';

/** A user of a lab cluster, with the credential the kubeconfig carries. */
export interface LabUser {
  /** Suffix of the kubeconfig user name: `<cluster>-<id>`. */
  id: 'admin' | 'admin-cert' | 'viewer';
  username: string;
  groups: string[];
  token?: string;
  cert?: CertKeyPair;
}

/** Everything that makes a cluster the same cluster after a restart. */
export interface LabClusterState {
  name: string;
  port: number;
  ca: CertKeyPair;
  serving: CertKeyPair;
  users: LabUser[];
  store?: StoreSnapshot;
}

export interface LabClusterOptions {
  bookmarkIntervalMs?: number;
  historyLimit?: number;
}

const LAB_ADMINS = 'lab:admins';

/** Creates the credentials of a new cluster (no listener yet). */
export async function newClusterState(name: string): Promise<LabClusterState> {
  const ca = await createCa(`${name}-ca`);
  const [serving, adminCert] = await Promise.all([
    issueServingCert(ca, { dnsNames: ['localhost'], ips: ['127.0.0.1'] }),
    issueClientCert(ca, { user: 'admin-cert', groups: [LAB_ADMINS, MC_ADMIN_GROUP] }),
  ]);
  return {
    name,
    port: 0,
    ca,
    serving,
    users: [
      { id: 'admin', username: 'admin', groups: [LAB_ADMINS, MC_ADMIN_GROUP], token: newToken() },
      { id: 'admin-cert', username: 'admin-cert', groups: [LAB_ADMINS, MC_ADMIN_GROUP], cert: adminCert },
      { id: 'viewer', username: 'viewer', groups: [], token: newToken() },
    ],
  };
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export class LabCluster implements K10Host {
  readonly store: ObjectStore;
  readonly faults: FaultState = {
    latencyMs: 0,
    failureRate: 0,
    failureStatus: 503,
    retryAfterSeconds: 1,
    expiredUsers: new Set(),
    denials: [],
  };
  private readonly server: Http2SecureServer;
  /** Raw TCP sockets, whatever they carry (dropped on stop). */
  private readonly sockets = new Set<Socket>();
  private readonly sessions = new Set<ServerHttp2Session>();
  private readonly counter = new StatsCounter();
  private readonly openWatches = new Set<ServerResponse>();
  private readonly events = new EventEmitter();
  private k10Handler: K10Handler | undefined;
  private listening = false;
  private transition: Promise<void> = Promise.resolve();

  constructor(
    readonly state: LabClusterState,
    opts: LabClusterOptions = {},
  ) {
    this.store = new ObjectStore(opts.historyLimit);
    if (state.store) this.store.restore(state.store);
    else seedBuiltins(this.store);
    const tokens = new Map<string, UserInfo>();
    for (const u of state.users) if (u.token) tokens.set(u.token, { username: u.username, groups: u.groups });
    const handler = createApiHandler({
      store: this.store,
      faults: this.faults,
      openWatches: this.openWatches,
      bookmarkIntervalMs: opts.bookmarkIntervalMs,
      userForToken: (t) => tokens.get(t),
      k10: (req, res, sub) => this.serveK10(req, res, sub),
      onRequest: (req, verb) => this.counter.request(req.httpVersionMajor === 2 ? 'h2' : 'h1', verb),
    });
    this.server = createSecureServer(
      {
        key: state.serving.keyPem,
        cert: state.serving.certPem,
        ca: [state.ca.certPem],
        // Client certificates are optional: token users connect without one.
        requestCert: true,
        rejectUnauthorized: false,
        keepAlive: true,
        // ALPN h2 and http/1.1; clients that offer no ALPN get HTTP/1.1 too.
        allowHTTP1: true,
        // kube-apiserver's --http2-max-streams-per-connection default.
        settings: { maxConcurrentStreams: 1000 },
      },
      // With allowHTTP1, HTTP/1.1 requests arrive as http's own objects.
      (req: Http2ServerRequest | IncomingMessage, res: Http2ServerResponse | ServerResponse) => {
        if (req.httpVersionMajor === 2) handler(...asHttp1(req as Http2ServerRequest, res as Http2ServerResponse));
        else handler(req as IncomingMessage, res as ServerResponse);
      },
    );
    // Node's HTTP/1.1 side closes idle connections after 5 s (none at all under an HTTP/2
    // server unless set); kube-apiserver keeps them, and clients that probe every few
    // seconds would otherwise pay a TLS handshake each time. HTTP/2 sessions have no idle
    // timeout (server.timeout stays 0), as on kube-apiserver.
    (this.server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = 120_000;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('session', (session: ServerHttp2Session) => {
      this.sessions.add(session);
      session.on('close', () => this.sessions.delete(session));
      // A session torn down by a fault or a client is not an error of the lab.
      session.on('error', () => undefined);
    });
    this.server.on('secureConnection', (s: TLSSocket) => this.counter.connection(s, s.alpnProtocol === 'h2' ? 'h2' : 'h1'));
    // TLS handshakes that fail (a client that does not trust us) are the client's business.
    this.server.on('tlsClientError', () => undefined);
    // The listener is also the cluster's ingress: Ingresses of class `lab` say where it listens.
    attachIngressController(this);
  }

  get name(): string {
    return this.state.name;
  }

  get port(): number {
    return this.state.port;
  }

  get apiUrl(): string {
    return `https://127.0.0.1:${this.state.port}`;
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
    this.k10Handler = handler;
  }

  /** Listens on the cluster's port (a new one the first time). */
  start(): Promise<void> {
    return this.serialized(() => this.listen());
  }

  /** Stops listening and drops every connection: clients see connection refused. */
  stop(): Promise<void> {
    return this.serialized(() => this.close());
  }

  /** Starts and stops run one after another, whoever asks (a test, the admin endpoint). */
  private serialized(step: () => Promise<void>): Promise<void> {
    const next = this.transition.then(step, step);
    this.transition = next.catch(() => undefined);
    return next;
  }

  private async listen(): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        // A cluster that had a port keeps it (kubeconfigs name it): say so rather than move.
        reject(
          err.code === 'EADDRINUSE' && this.state.port
            ? new Error(`cluster ${this.name} cannot listen on 127.0.0.1:${this.state.port}, its port before the restart: another program uses it now`)
            : err,
        );
      };
      this.server.once('error', onError);
      this.server.listen(this.state.port, '127.0.0.1', () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const address = this.server.address();
    if (address && typeof address === 'object') this.state.port = address.port;
    this.listening = true;
    this.events.emit('up', true);
  }

  private async close(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    this.events.emit('up', false);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.cutWatches();
    for (const s of this.sessions) s.destroy();
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /**
   * Ends every open watch stream abruptly, as a lost connection would: on
   * HTTP/1.1 its connection is dropped; on HTTP/2 the stream is reset
   * (RST_STREAM INTERNAL_ERROR), and the session's other streams go on, as a
   * dropped HTTP/1.1 watch connection leaves the client's others alone.
   */
  cutWatches(): void {
    for (const res of this.openWatches) {
      const stream = (res as unknown as Partial<Http2ServerResponse>).stream;
      if (stream) {
        if (!stream.destroyed) stream.close(h2.NGHTTP2_INTERNAL_ERROR);
      } else {
        res.socket?.destroy();
      }
    }
    this.openWatches.clear();
  }

  /** What serving this cluster has cost since it was created or `resetStats` was called. */
  stats(): LabClusterStats {
    return this.counter.snapshot(this.name, this.openWatches.size);
  }

  /** Zeroes the request, connection and byte counters (open watches and connections stay counted). */
  resetStats(): void {
    this.counter.reset();
  }

  /** Every request waits this long before it is served. */
  setLatency(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new Error(`latency must be a number of milliseconds, 0 or more (got ${ms})`);
    this.faults.latencyMs = ms;
  }

  /** A fraction of API requests fail with this status (429 and 503 carry Retry-After). */
  failRequests(rate: number, status: FaultState['failureStatus'] = 503, retryAfterSeconds = 1): void {
    if (!(rate >= 0 && rate <= 1)) throw new Error(`failure rate must be between 0 and 1 (got ${rate})`);
    if (!(Number.isFinite(retryAfterSeconds) && retryAfterSeconds >= 0)) throw new Error(`retryAfterSeconds must be 0 or more (got ${retryAfterSeconds})`);
    Object.assign(this.faults, { failureRate: rate, failureStatus: status, retryAfterSeconds });
  }

  /** The user's credentials stop working (401) until `reset`. */
  expireCredentials(id: LabUser['id']): void {
    this.faults.expiredUsers.add(this.user(id).username);
  }

  /** Takes a permission away from a user on top of RBAC (403). */
  deny(id: LabUser['id'], what: Omit<Denial, 'username'> = {}): void {
    this.faults.denials.push({ username: this.user(id).username, ...what });
  }

  /** Compacts the event history: watches resuming from an older version get 410. */
  compact(): void {
    this.store.compact();
  }

  /** Clears every fault (a stopped listener stays stopped: call `start`). */
  resetFaults(): void {
    Object.assign(this.faults, { latencyMs: 0, failureRate: 0, failureStatus: 503, retryAfterSeconds: 1 });
    this.faults.expiredUsers.clear();
    this.faults.denials.length = 0;
  }

  /** The credentials of one of the cluster's users. */
  user(id: LabUser['id']): LabUser {
    const u = this.state.users.find((x) => x.id === id);
    if (!u) throw new Error(`cluster ${this.name} has no user ${id}`);
    return u;
  }

  /** The state to persist: credentials, port and every object. */
  snapshot(): LabClusterState {
    return { ...this.state, store: this.store.snapshot() };
  }

  private serveK10(req: IncomingMessage, res: ServerResponse, subPath: string): void {
    if (!this.k10Handler) {
      sendError(res, new ApiError(503, 'ServiceUnavailable', `K10 is not running on ${this.name}`));
      return;
    }
    this.k10Handler(req, res, subPath);
  }
}

/**
 * An HTTP/2 request and response as the handler sees HTTP/1.1's. Node's
 * compatibility objects have the same methods and events (headers, body
 * stream, writeHead, write, end, flushHeaders, 'close' on cancellation);
 * `req.socket` is a proxy to the TLS socket (certificates, ports). What they
 * lack is `res.destroyed`, which the K10 routes read to tell that a caller
 * left: it is the stream's.
 */
function asHttp1(req: Http2ServerRequest, res: Http2ServerResponse): [IncomingMessage, ServerResponse] {
  // The typings say Writable; at run time it is a plain Stream, without `destroyed`.
  if ((res as { destroyed?: boolean }).destroyed === undefined) {
    Object.defineProperty(res, 'destroyed', { get: () => res.stream.destroyed, configurable: true });
  }
  return [req as unknown as IncomingMessage, res as unknown as ServerResponse];
}

const rt = (plural: string) => RESOURCE_TYPES.find((r) => r.plural === plural)!;

const READ = ['get', 'list', 'watch'];

/** What a new cluster holds before anyone touches it. */
function seedBuiltins(store: ObjectStore): void {
  for (const name of ['default', 'kube-system', 'kube-public', K10_NAMESPACE]) {
    store.create(rt('namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const clusterRoles: KubeObject[] = [
    clusterRole('cluster-admin', [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]),
    // Like the real `view`: read everything except secrets and RBAC.
    clusterRole('view', [
      { apiGroups: [''], resources: ['namespaces', 'configmaps', 'serviceaccounts', 'namespaces/status'], verbs: READ },
      { apiGroups: ['apps'], resources: ['deployments', 'deployments/status'], verbs: READ },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingresses/status'], verbs: READ },
      { apiGroups: ['dist.kio.kasten.io', 'config.kio.kasten.io', 'auth.kio.kasten.io', 'apps.kio.kasten.io', 'actions.kio.kasten.io'], resources: ['*'], verbs: READ },
    ]),
    clusterRole(MC_ADMIN_CLUSTER_ROLE, [
      { apiGroups: ['config.kio.kasten.io', 'dist.kio.kasten.io', 'auth.kio.kasten.io'], resources: ['*'], verbs: ['*'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['*'] },
    ]),
  ];
  for (const role of clusterRoles) store.create(rt('clusterroles'), role);
  const bindings: [string, string, { kind: string; name: string }][] = [
    ['lab-admins', 'cluster-admin', { kind: 'Group', name: LAB_ADMINS }],
    ['lab-viewer', 'view', { kind: 'User', name: 'viewer' }],
  ];
  for (const [name, role, subject] of bindings) {
    store.create(rt('clusterrolebindings'), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', ...subject }],
    });
  }
}

function clusterRole(name: string, rules: Record<string, string[]>[]): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules };
}
