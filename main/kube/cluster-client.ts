/**
 * One client per cluster context: the cluster's credentials (from a
 * client-node KubeConfig), one keep-alive connection pool, and every request
 * bounded — a slot in a limiter shared by all clusters, a timeout, bounded
 * retries for 429/503 honouring Retry-After — and every failure an AppError
 * that names the cluster and says what to do.
 *
 * Why not client-node's generated clients as they are: client-node 1.4 builds
 * a new https.Agent for every request (no connection reuse: a TLS handshake
 * each time, which at a thousand clusters is most of the work), has no
 * timeout unless each caller wires an AbortSignal, no retries, and its Watch
 * drops its own 30 s timeout. So client-node does what it is good at — read
 * the kubeconfig, resolve certificates, tokens, token files and
 * auth-providers (`applyToHTTPSOptions`) — and this module does the
 * transport. Exec plugins are run by exec-credential.ts (see why there).
 * Code that prefers client-node's typed APIs gets them over this same
 * transport from `api(CoreV1Api)`.
 *
 * Transport: HTTPS/1.1 over a keep-alive agent (every watch its own TLS
 * connection), or with `http2` one HTTP/2 session per cluster carrying every
 * request and watch as a stream (h2-session.ts: ALPN with HTTP/1.1 fallback,
 * a new session after GOAWAY, pings for liveness). Both give the same
 * answers and the same AppErrors; only the connection count differs.
 */
import { request as httpRequest, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Agent as HttpAgent } from 'node:http';
import { isIP } from 'node:net';
import type { ClientHttp2Stream, IncomingHttpHeaders as H2IncomingHeaders, OutgoingHttpHeaders } from 'node:http2';
import { connect as tlsConnect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import {
  KubeConfig,
  ResponseContext,
  ServerConfiguration,
  createConfiguration,
  wrapHttpLibrary,
  type Configuration,
  type RequestContext,
  type User,
} from '@kubernetes/client-node';
import { AppError, type AuthKind } from '../../shared/contract/index.js';
import { httpError, networkError, type AuthDescription, type ErrorContext, type TlsDetail } from './errors.js';
import type { SearchPath } from './exec-path.js';
import { ExecCredentialSource, type ExecConfig } from './exec-credential.js';
import { H2Pool, NGHTTP2_CANCEL, NGHTTP2_NO_ERROR, NGHTTP2_REFUSED_STREAM, type H2DialError, type OpenedStream } from './h2-session.js';
import { Limiter } from './limiter.js';
import { DEFAULT_RETRY, retryDelayMs, sleep, type RetryPolicy } from './retry.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
export type Query = Record<string, string | number | boolean | undefined>;

export interface KubeRequest {
  method?: Method;
  /** An API path (`/api/v1/namespaces`), optionally with a query string. */
  path: string;
  query?: Query;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  /** Default application/json; set it for patches (application/merge-patch+json, …). */
  contentType?: string;
  accept?: string;
  /** Overrides the client's timeout for this request. */
  timeoutMs?: number;
  /** Aborts waiting for a slot and the request itself. */
  signal?: AbortSignal;
  /** false: no retries for 429/503 (the reachability probe wants the truth, now). */
  retry?: boolean;
  /** Which limiter: 'probe' requests use their own small pool so they are never stuck behind lists. */
  lane?: 'probe' | 'normal';
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** From sending the request to the last byte of the answer (not the time spent waiting for a slot). */
  latencyMs: number;
  /** Retries made for 429/503 before this answer. */
  retries: number;
}

/** One event of a watch stream. */
export interface WatchEvent<T = Record<string, unknown>> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface WatchOptions {
  query?: Query;
  /** Aborts the watch; `watch()` then resolves. */
  signal?: AbortSignal;
  /** Time to get the response headers. */
  connectTimeoutMs?: number;
  /** Ends the watch with a TIMEOUT error when nothing (not even a bookmark) arrives for this long. */
  idleTimeoutMs?: number;
  /** The server accepted the watch (200): events follow. */
  onOpen?: () => void;
  /** Accept header (default application/json); METADATA_ONLY.watch for metadata only. */
  accept?: string;
}

/**
 * Accept headers that ask for objects' metadata only (PartialObjectMetadata,
 * as client-go's metadata informers ask, in JSON): a fraction of the bytes to
 * send and parse where a caller reads names and labels only. A server that
 * does not know the form sends whole objects (the plain JSON range after
 * it), which carry the same metadata.
 */
export const METADATA_ONLY = {
  list: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
  watch: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json',
} as const;

export interface ClusterClientOptions {
  /** Display name, used in every error message. */
  name: string;
  /** Limiter key (one per cluster); the name by default. */
  key?: string;
  /** Shared across clusters; a private one (16/4) when absent. */
  limiter?: Limiter;
  /** Shared across clusters, for reachability probes; a private one when absent. */
  probeLimiter?: Limiter;

  /** Default per-request timeout (ms). */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** PATH for exec credential plugins; the login shell's by default (kube/exec-path.ts). */
  execPath?: () => Promise<SearchPath>;
  execTimeoutMs?: number;
  /** Largest answer accepted (bytes). */
  maxResponseBytes?: number;
  /**
   * Requests and watches as streams of one HTTP/2 session (ALPN h2, falling
   * back to HTTP/1.1 when the server picks it; proxied and http:// clusters
   * always use HTTP/1.1). On by default: every watch of a cluster shares one
   * connection; FLOTILLA_KUBE_HTTP2=0 turns it off where the option is not given.
   */
  http2?: boolean;
  /** HTTP/2 liveness: ping interval while streams are open, and how long an answer may take (ms). */
  h2PingIntervalMs?: number;
  h2PingTimeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_RESPONSE_BYTES = 128 * 1024 * 1024;
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** How a kubeconfig user signs in. */
export function authKindOf(user: User | null | undefined): AuthKind {
  if (!user) return 'none';
  if (user.exec) return 'exec';
  if (user.authProvider?.config?.tokenFile) return 'token-file';
  if (user.authProvider) return 'auth-provider';
  if (user.token) return 'token';
  if (user.certData || user.certFile) return 'client-certificate';
  if (user.username) return 'basic';
  return 'none';
}

interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
  rejectUnauthorized?: boolean;
}

function sameBuffer(a: Buffer | undefined, b: Buffer | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.equals(b);
}

function sameTls(a: TlsMaterial, b: TlsMaterial): boolean {
  return sameBuffer(a.ca, b.ca) && sameBuffer(a.cert, b.cert) && sameBuffer(a.key, b.key) && a.servername === b.servername && a.rejectUnauthorized === b.rejectUnauthorized;
}

function toBuffer(v: unknown): Buffer | undefined {
  if (v === undefined || v === null) return undefined;
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v);
  return undefined;
}

function withQuery(path: string, query: Query | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  if (!qs) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`;
}

/**
 * The connection to one cluster. Create it once per cluster context and keep
 * it: it holds the connection pool and the exec plugin's credential.
 * `close()` drops every connection, open watch and in-flight request.
 */
export class ClusterClient {
  readonly name: string;
  readonly server: string;
  readonly auth: AuthDescription;
  /** The kubeconfig's context namespace, if any. */
  readonly namespace?: string;
  private readonly kc: KubeConfig;
  private readonly exec?: ExecCredentialSource;
  private readonly limiter: Limiter;
  private readonly probeLimiter: Limiter;
  private readonly key: string;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly maxBytes: number;
  private readonly isHttps: boolean;
  private readonly proxied: boolean;
  private agent: HttpAgent | undefined;
  private agentTls: TlsMaterial | undefined;
  private secureContext: SecureContext | undefined;
  /** client-node's request options, kept when nothing in them can change (see httpsOptions). */
  private fixedOptions: HttpsOptions | undefined;
  /** What connection() answers, kept when nothing in it can change (inline credentials, no exec plugin). */
  private fixedConnection: { agent: HttpAgent; headers: Readonly<Record<string, string>> } | undefined;
  /** The server URL's path (a proxy's /k8s/clusters/x), put before every HTTP/2 :path. */
  private readonly pathPrefix: string;
  private readonly optionsCanChange: boolean;
  private readonly inFlight = new Set<ClientRequest | ClientHttp2Stream>();
  /** The HTTP/2 sessions, when this client uses HTTP/2. */
  readonly h2: H2Pool | undefined;
  private closed = false;

  constructor(kubeConfig: KubeConfig, opts: ClusterClientOptions) {
    const cluster = kubeConfig.getCurrentCluster();
    const user = kubeConfig.getCurrentUser();
    const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
    if (!cluster) throw new AppError('KUBECONFIG_INVALID', `${opts.name}: the kubeconfig's current context names no cluster.`, opts.name);
    this.name = opts.name;
    this.server = cluster.server.replace(/\/+$/, '');
    this.pathPrefix = serverPathPrefix(this.server);
    this.namespace = context?.namespace;
    this.isHttps = !this.server.startsWith('http:');
    this.proxied = Boolean(cluster.proxyUrl);
    this.key = opts.key ?? opts.name;
    this.limiter = opts.limiter ?? new Limiter({ global: 16, perKey: 4 });
    this.probeLimiter = opts.probeLimiter ?? new Limiter({ global: 8, perKey: 1 });

    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.maxBytes = opts.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    const http2 = opts.http2 ?? process.env.FLOTILLA_KUBE_HTTP2 !== '0';
    if (http2 && this.isHttps && !this.proxied) this.h2 = new H2Pool({ pingIntervalMs: opts.h2PingIntervalMs, pingTimeoutMs: opts.h2PingTimeoutMs, dialTimeoutMs: this.timeoutMs });
    const kind = authKindOf(user);
    const exec = user?.exec as ExecConfig | undefined;
    this.auth = { kind, ...(exec?.command ? { execCommand: exec.command } : {}) };

    // A private copy with this one context; `exec` is ours to run (see exec-credential.ts).
    this.kc = new KubeConfig();
    const bareUser: User = user ? { ...user, exec: undefined } : { name: 'anonymous' };
    this.kc.loadFromOptions({
      clusters: [cluster],
      users: [bareUser],
      contexts: [{ name: 'current', cluster: cluster.name, user: bareUser.name, ...(context?.namespace ? { namespace: context.namespace } : {}) }],
      currentContext: 'current',
    });
    // Files (a CA, a client certificate, a token file) and auth providers may change under a running client.
    this.optionsCanChange = !!(cluster.caFile || bareUser.certFile || bareUser.keyFile || bareUser.authProvider || (bareUser as { tokenFile?: string }).tokenFile);
    if (exec?.command) {
      this.exec = new ExecCredentialSource(exec, {
        cluster: opts.name,
        server: this.server,
        caData: cluster.caData,
        tlsServerName: cluster.tlsServerName,
        insecureSkipTlsVerify: cluster.skipTLSVerify,
        path: opts.execPath,
        timeoutMs: opts.execTimeoutMs,
      });
    }
  }

  /** What error messages need to know about a request to this cluster. */
  errorContext(req?: Pick<KubeRequest, 'method' | 'path' | 'query'>, extra: Partial<ErrorContext> = {}): ErrorContext {
    return {
      cluster: this.name,
      server: this.server,
      auth: this.auth,
      ...(req ? { method: req.method ?? 'GET', path: req.path, query: req.query } : {}),
      ...extra,
    };
  }

  /**
   * Sends a request and returns the answer whatever its status; throws an
   * AppError only when there is no answer (network, TLS, timeout, exec
   * plugin). 429 and 503 are retried first (see retry.ts), outside the slot.
   */
  async send(req: KubeRequest): Promise<RawResponse> {
    const policy = req.retry === false ? { ...this.retry, maxRetries: 0 } : this.retry;
    const limiter = req.lane === 'probe' ? this.probeLimiter : this.limiter;
    let renewedExec = false;
    for (let attempt = 0; ; attempt++) {
      const res = await limiter.run(this.key, () => this.once(req), req.signal);
      // An exec credential without expiry is kept until the cluster refuses it: then run the plugin once more.
      if (res.status === 401 && this.exec && !renewedExec) {
        renewedExec = true;
        this.exec.invalidate();
        attempt--;
        continue;
      }
      const delay = retryDelayMs(res.status, res.headers['retry-after'], attempt, policy);
      if (delay === undefined) return { ...res, retries: attempt };
      await sleep(delay, req.signal);
    }
  }

  /** Sends a request and parses a JSON answer; any status but 2xx is an AppError. */
  async request<T = unknown>(req: KubeRequest): Promise<T> {
    const res = await this.send(req);
    if (res.status < 200 || res.status > 299) throw httpError(res.status, res.body, this.errorContext(req, { retries: res.retries }));
    if (res.body.length === 0) return undefined as T;
    try {
      return JSON.parse(res.body.toString('utf8')) as T;
    } catch {
      throw new AppError('SERVER', `${this.name} answered ${req.path} with something that is not JSON.`, this.name);
    }
  }

  /**
   * Lists a collection, page by page (`limit`/`continue`), and returns every
   * item with the list's resourceVersion (to start a watch from).
   */
  async list<T = Record<string, unknown>>(path: string, opts: { query?: Query; pageSize?: number; signal?: AbortSignal; timeoutMs?: number; accept?: string } = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const items: T[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.request<{ items?: T[]; metadata?: { resourceVersion?: string; continue?: string } }>({
        path,
        query: { ...opts.query, limit: opts.pageSize ?? 500, continue: cont },
        signal: opts.signal,
        timeoutMs: opts.timeoutMs,
        accept: opts.accept,
      });
      if (page?.items) for (const item of page.items) items.push(item);
      resourceVersion = page?.metadata?.resourceVersion ?? resourceVersion;
      cont = page?.metadata?.continue || undefined;
    } while (cont);
    return { items, resourceVersion };
  }

  /**
   * Watches a collection: calls `onEvent` for each event until the server
   * ends the stream (resolves), the signal aborts (resolves), or the
   * connection fails (rejects with an AppError; an HTTP error such as 410 is
   * a ClusterError with its status). Only the opening of the stream takes a
   * limiter slot, at low priority.
   */
  async watch<T = Record<string, unknown>>(path: string, onEvent: (event: WatchEvent<T>) => void, opts: WatchOptions = {}): Promise<void> {
    const query: Query = { ...opts.query, watch: true };
    const req: KubeRequest = { path, query, signal: opts.signal, timeoutMs: opts.connectTimeoutMs, accept: opts.accept };
    // Low priority: lists waiting for a slot go first (see limiter.ts).
    const release = await this.limiter.acquire(this.key, opts.signal, 'low');
    let released = false;
    const releaseOnce = () => {
      if (!released) {
        released = true;
        release();
      }
    };
    try {
      await this.stream(req, onEvent, releaseOnce, opts.idleTimeoutMs, opts.onOpen);
    } finally {
      releaseOnce();
    }
  }

  /**
   * A client-node typed API (`CoreV1Api`, `CustomObjectsApi`, …) whose
   * requests go through this client: same credentials, pool, limiter,
   * timeout and retries. Its HTTP errors are client-node ApiExceptions: turn
   * them into AppErrors with `toAppError(err, client.errorContext())`.
   */
  api<A>(ApiClass: new (config: Configuration) => A): A {
    const config = createConfiguration({
      baseServer: new ServerConfiguration(this.server, {}),
      // Credentials are added by the transport; the generated code only wants a hook.
      authMethods: { default: { getName: () => 'flotilla', applySecurityAuthentication: async () => undefined } },
      httpApi: wrapHttpLibrary({ send: (ctx) => this.sendContext(ctx) }),
    });
    return new ApiClass(config);
  }

  /**
   * The round trip of an HTTP/2 PING on the connection the watches use (ms);
   * undefined when there is none (HTTP/1.1, nothing open) or no answer came
   * in time. Tells that the cluster is there without a request.
   */
  ping(timeoutMs: number): Promise<number | undefined> {
    return this.h2?.ping(timeoutMs) ?? Promise.resolve(undefined);
  }

  /** Drops every connection, watch and request of this cluster. */
  close(): void {
    this.closed = true;
    for (const r of this.inFlight) r.destroy();
    this.inFlight.clear();
    this.h2?.close();
    this.agent?.destroy();
    this.agent = undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async sendContext(ctx: RequestContext): Promise<ResponseContext> {
    const url = new URL(ctx.getUrl());
    const base = new URL(this.server);
    const prefix = base.pathname.replace(/\/+$/, '');
    const path = (url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname) + url.search;
    const headers = ctx.getHeaders();
    const body = ctx.getBody();
    const res = await this.send({
      method: ctx.getHttpMethod() as Method,
      path,
      body: typeof body === 'string' ? body : body === undefined ? undefined : String(body),
      contentType: headers['Content-Type'] ?? headers['content-type'],
      accept: headers.Accept ?? headers.accept,
      signal: ctx.getSignal(),
    });
    const flat: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
    return new ResponseContext(res.status, flat, { text: async () => res.body.toString('utf8'), binary: async () => res.body });
  }

  /**
   * client-node's options for a request: read each time when they can change
   * (files, auth providers: tokens rotate), once when everything is inline
   * data, which is every imported cluster (reading them cost each of a
   * fleet's thousands of requests a copy of the CA and key).
   */
  private async httpsOptions(): Promise<HttpsOptions> {
    if (this.fixedOptions) return this.fixedOptions;
    const opts: HttpsOptions = {};
    try {
      await this.kc.applyToHTTPSOptions(opts as never);
    } catch (err) {
      throw new AppError('KUBECONFIG_INVALID', `${this.name}: the kubeconfig's credentials cannot be used: ${(err as Error).message}`, this.name);
    }
    if (!this.optionsCanChange) this.fixedOptions = opts;
    return opts;
  }

  /** Headers and agent for the next request: credentials are read each time they can have changed (httpsOptions), the exec plugin's as it caches them. */
  private async connection(): Promise<{ agent: HttpAgent; headers: Record<string, string> }> {
    if (this.closed) throw new AppError('INTERNAL', `${this.name}: the client was closed (the cluster was removed or Flotilla is stopping).`, this.name);
    if (this.fixedConnection) return this.fixedConnection;
    const opts = await this.httpsOptions();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    if (opts.auth && opts.auth !== 'undefined:undefined') headers.authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    const tls: TlsMaterial = {
      ca: toBuffer(opts.ca),
      cert: toBuffer(opts.cert),
      key: toBuffer(opts.key),
      servername: opts.servername,
      rejectUnauthorized: opts.rejectUnauthorized,
    };
    if (this.exec) {
      const cred = await this.exec.get();
      if (cred.token) headers.authorization = `Bearer ${cred.token}`;
      if (cred.clientCertificateData && cred.clientKeyData) {
        tls.cert = Buffer.from(cred.clientCertificateData);
        tls.key = Buffer.from(cred.clientKeyData);
      }
    }
    if (!this.agent || !this.agentTls || !sameTls(this.agentTls, tls)) {
      this.agent?.destroy();
      this.h2?.reset();
      // One TLS context per cluster: without it every connection parses the CA and key again.
      const secureContext = this.isHttps && !this.proxied ? createSecureContext({ ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}) }) : undefined;
      // A proxied cluster keeps client-node's proxy agent (built for these very options); others get a keep-alive pool.
      this.agent =
        this.proxied && opts.agent
          ? opts.agent
          : this.isHttps
            ? new HttpsAgent({
                keepAlive: true,
                keepAliveMsecs: 30_000,
                maxFreeSockets: 4,
                scheduling: 'lifo',
                timeout: 60_000,
                secureContext,
                ...(tls.servername ? { servername: tls.servername } : {}),
                ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
              })
            : (opts.agent as HttpAgent);
      this.agentTls = tls;
      this.secureContext = secureContext;
    }
    const answer = { agent: this.agent, headers: Object.freeze(headers) };
    // Read and compared once: a fleet's thousands of requests would each copy the headers and compare the CA and key again.
    if (!this.exec && this.fixedOptions) this.fixedConnection = answer;
    return answer;
  }

  /** One attempt, inside a limiter slot. */
  private async once(req: KubeRequest, allowStaleRetry = true): Promise<RawResponse> {
    const { agent, headers } = await this.connection();
    if (this.h2 && this.h2.protocol !== 'h1') {
      const res = await this.onceH2(req, headers, allowStaleRetry);
      if (res !== 'h1') return res;
    }
    const { method, path, payload, timeoutMs, headers: all } = requestParts(req, headers, this.timeoutMs);
    const started = performance.now();
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      let tlsSocket: TLSSocket | undefined;
      const deadline = new Deadline(req.signal, timeoutMs, 0);
      const { controller } = deadline;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        deadline.clear();
        this.inFlight.delete(r);
        fn();
      };
      const send = this.isHttps ? httpsRequest : httpRequest;
      const r = send(`${this.server}${path}`, { method, headers: all, agent, signal: controller.signal });
      this.inFlight.add(r);
      r.on('socket', (s) => (tlsSocket = s as TLSSocket));
      r.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > this.maxBytes) {
            r.destroy();
            finish(() => reject(new AppError('SERVER', `${this.name} answered ${req.path} with more than ${Math.round(this.maxBytes / 1048576)} MB.`, this.name)));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), latencyMs: performance.now() - started, retries: 0 })),
        );
        res.on('error', (err) => onError(err));
        res.on('aborted', () => onError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      });
      const onError = (err: Error) => {
        if (settled) return;
        if (req.signal?.aborted) return finish(() => reject(req.signal!.reason));
        if (deadline.why === 'connect-timeout') return finish(() => reject(this.timeoutError(req, timeoutMs)));
        // A keep-alive socket the server had already closed: one fresh try for requests that are safe to repeat.
        if (allowStaleRetry && r.reusedSocket && IDEMPOTENT.has(method) && (err as NodeJS.ErrnoException).code === 'ECONNRESET') {
          return finish(() => this.once(req, false).then(resolve, reject));
        }
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (DATE_ERRORS.has(code)) {
          return finish(() => void inspectCertificate(this.server, this.agentTls?.servername).then((detail) => reject(networkError(err, this.errorContext(req, { timeoutMs }), detail))));
        }
        finish(() => reject(networkError(err, this.errorContext(req, { timeoutMs }), peerDetail(tlsSocket))));
      };
      r.on('error', onError);
      r.end(payload);
    });
  }

  /** A streaming GET for watches. */
  private async stream<T>(req: KubeRequest, onEvent: (e: WatchEvent<T>) => void, opened: () => void, idleTimeoutMs = 0, onOpen?: () => void): Promise<void> {
    const { agent, headers } = await this.connection();
    if (this.h2 && this.h2.protocol !== 'h1') {
      const res = await this.streamH2(req, headers, onEvent, opened, idleTimeoutMs, onOpen);
      if (res !== 'h1') return;
    }
    const connectTimeoutMs = req.timeoutMs ?? this.timeoutMs;
    const path = withQuery(req.path, req.query);
    return new Promise<void>((resolve, reject) => {
      if (req.signal?.aborted) {
        resolve();
        return;
      }
      let settled = false;
      let tlsSocket: TLSSocket | undefined;
      const deadline = new Deadline(req.signal, connectTimeoutMs, idleTimeoutMs);
      const { controller } = deadline;
      const armIdle = () => deadline.armIdle();
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        deadline.clear();
        this.inFlight.delete(r);
        opened();
        fn();
      };
      const fail = (err: Error) => {
        if (settled) return;
        const ended = this.watchEnded(deadline, req);
        if (ended === 'caller') return finish(resolve);
        if (ended) return finish(() => reject(ended));
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (DATE_ERRORS.has(code)) {
          return finish(() => void inspectCertificate(this.server, this.agentTls?.servername).then((detail) => reject(networkError(err, this.errorContext(req), detail))));
        }
        finish(() => reject(networkError(err, this.errorContext(req), peerDetail(tlsSocket))));
      };
      const send = this.isHttps ? httpsRequest : httpRequest;
      const r = send(`${this.server}${path}`, { method: 'GET', headers: { accept: req.accept ?? 'application/json', ...headers }, agent, signal: controller.signal });
      this.inFlight.add(r);
      r.on('socket', (s) => {
        tlsSocket = s as TLSSocket;
        // Detects a peer that vanished without a FIN while the stream is quiet.
        s.setKeepAlive(true, 30_000);
      });
      r.on('error', fail);
      r.on('response', (res) => {
        opened();
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(() => reject(httpError(res.statusCode ?? 0, Buffer.concat(chunks), this.errorContext(req)))));
          res.on('error', fail);
          return;
        }
        armIdle();
        onOpen?.();
        res.setEncoding('utf8');
        const feed = watchLines<T>(onEvent, () => new AppError('SERVER', `${this.name} sent a watch event that is not JSON on ${req.path}.`, this.name));
        res.on('data', (chunk: string) => {
          armIdle();
          const err = feed(chunk, () => settled);
          if (err) {
            r.destroy();
            finish(() => reject(err));
          }
        });
        res.on('end', () => finish(resolve));
        res.on('aborted', () => fail(Object.assign(new Error('the watch connection was cut'), { code: 'ECONNRESET' })));
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(Object.assign(new Error('the watch connection was cut'), { code: 'ECONNRESET' }));
          else finish(resolve);
        });
      });
      r.end();
    });
  }

  /** Where the HTTP/2 session goes, with the TLS material connection() chose. */
  private h2Target() {
    return {
      server: this.server,
      secureContext: this.secureContext,
      servername: this.agentTls?.servername,
      rejectUnauthorized: this.agentTls?.rejectUnauthorized,
    };
  }

  /** The request headers of an HTTP/2 stream: the server's path prefix, no connection-specific headers. */
  private h2Headers(method: string, path: string, headers: Record<string, string>): OutgoingHttpHeaders {
    const out: OutgoingHttpHeaders = { ':method': method, ':path': `${this.pathPrefix}${path}` };
    for (const [k, v] of Object.entries(headers)) if (!H2_FORBIDDEN.has(k)) out[k] = v;
    return out;
  }

  /** An HTTP/2 failure as the AppError its HTTP/1.1 counterpart gives. */
  private async h2Error(err: unknown, req: KubeRequest, extra: Partial<ErrorContext>, socket: TLSSocket | undefined): Promise<AppError> {
    let e = err as NodeJS.ErrnoException;
    const code = e?.code ?? '';
    if (DATE_ERRORS.has(code)) return networkError(e, this.errorContext(req, extra), await inspectCertificate(this.server, this.agentTls?.servername));
    // A reset stream, a GOAWAY, a session that died under the stream: the connection was cut.
    if (code.startsWith('ERR_HTTP2_')) e = Object.assign(new Error(`the HTTP/2 stream was cut (${code}: ${e.message})`), { code: 'ECONNRESET' });
    return networkError(e, this.errorContext(req, extra), peerDetail(socket));
  }

  /** `once` over HTTP/2; 'h1' when the server turned out to speak only HTTP/1.1. */
  private onceH2(req: KubeRequest, headers: Record<string, string>, allowRetry: boolean): Promise<RawResponse | 'h1'> {
    const parts = requestParts(req, headers, this.timeoutMs);
    const { method, payload, timeoutMs } = parts;
    const all = this.h2Headers(method, parts.path, parts.headers);
    const started = performance.now();
    return new Promise<RawResponse | 'h1'>((resolve, reject) => {
      let settled = false;
      let gotResponse = false;
      let o: OpenedStream | undefined;
      const deadline = new Deadline(req.signal, timeoutMs, 0);
      const { controller } = deadline;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        deadline.clear();
        if (o) this.inFlight.delete(o.stream);
        fn();
      };
      const onError = (err: unknown, socket?: TLSSocket) => {
        if (settled) return;
        if (req.signal?.aborted) return finish(() => reject(req.signal!.reason));
        if (deadline.why === 'connect-timeout') return finish(() => reject(this.timeoutError(req, timeoutMs)));
        // A stream the server refused (never processed), or a reused session found dead before any answer: one fresh try.
        if (allowRetry && o && !gotResponse && (o.stream.rstCode === NGHTTP2_REFUSED_STREAM || (o.reused && IDEMPOTENT.has(method)))) {
          return finish(() => this.onceH2(req, headers, false).then(resolve, reject));
        }
        finish(() => void this.h2Error(err, req, { timeoutMs }, socket ?? o?.socket).then(reject));
      };
      controller.signal.addEventListener(
        'abort',
        () => {
          if (o && !o.stream.destroyed) o.stream.close(NGHTTP2_CANCEL);
          onError(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        },
        { once: true },
      );
      this.h2!.open(this.h2Target(), all, controller.signal).then(
        (opened) => {
          if (opened === 'h1') return finish(() => resolve('h1'));
          o = opened;
          const s = opened.stream;
          if (settled) {
            s.close(NGHTTP2_CANCEL);
            return;
          }
          this.inFlight.add(s);
          const chunks: Buffer[] = [];
          let size = 0;
          let status = 0;
          let resHeaders: IncomingHttpHeaders = {};
          s.on('response', (h: H2IncomingHeaders) => {
            gotResponse = true;
            status = Number(h[':status'] ?? 0);
            resHeaders = withoutPseudo(h);
          });
          s.on('data', (c: Buffer) => {
            size += c.length;
            if (size > this.maxBytes) {
              s.close(NGHTTP2_CANCEL);
              finish(() => reject(new AppError('SERVER', `${this.name} answered ${req.path} with more than ${Math.round(this.maxBytes / 1048576)} MB.`, this.name)));
              return;
            }
            chunks.push(c);
          });
          // 'end' comes also for a stream its session took down (rstCode CANCEL): only a NO_ERROR close is a whole answer.
          s.on('error', (err) => onError(err));
          s.on('close', () => {
            if (gotResponse && s.rstCode === NGHTTP2_NO_ERROR && s.readableEnded) {
              return finish(() => resolve({ status, headers: resHeaders, body: Buffer.concat(chunks), latencyMs: performance.now() - started, retries: 0 }));
            }
            onError(Object.assign(new Error('the HTTP/2 stream was closed before the answer ended'), { code: 'ECONNRESET' }));
          });
          s.resume();
          s.end(payload);
        },
        (err: H2DialError) => onError(err, err?.tlsSocket),
      );
    });
  }

  /** A request or watch that got no answer within `timeoutMs`. */
  private timeoutError(req: KubeRequest, timeoutMs: number): AppError {
    return networkError(Object.assign(new Error('timeout'), { name: 'TimeoutError' }), this.errorContext(req, { timeoutMs }));
  }

  /** Why a watch stream ended, when its deadline or its caller ended it: 'caller', or the timeout's error. */
  private watchEnded(d: Deadline, req: KubeRequest): 'caller' | AppError | undefined {
    if (d.why === 'caller') return 'caller';
    if (d.why === 'connect-timeout') return this.timeoutError(req, d.connectTimeoutMs);
    if (d.why === 'idle') return networkError(Object.assign(new Error('idle'), { name: 'TimeoutError' }), this.errorContext(req, { timeoutMs: d.idleTimeoutMs }));
    return undefined;
  }

  /** `stream` over HTTP/2; 'h1' (nothing done, the slot still held) when the server speaks only HTTP/1.1. */
  private streamH2<T>(req: KubeRequest, headers: Record<string, string>, onEvent: (e: WatchEvent<T>) => void, opened: () => void, idleTimeoutMs: number, onOpen?: () => void): Promise<void | 'h1'> {
    const connectTimeoutMs = req.timeoutMs ?? this.timeoutMs;
    const path = withQuery(req.path, req.query);
    const all = this.h2Headers('GET', path, { accept: req.accept ?? 'application/json', ...headers });
    return new Promise<void | 'h1'>((resolve, reject) => {
      if (req.signal?.aborted) {
        resolve();
        return;
      }
      let settled = false;
      let o: OpenedStream | undefined;
      const deadline = new Deadline(req.signal, connectTimeoutMs, idleTimeoutMs);
      const { controller } = deadline;
      const armIdle = () => deadline.armIdle();
      const cleanup = () => {
        settled = true;
        deadline.clear();
        if (o) this.inFlight.delete(o.stream);
      };
      const finish = (fn: () => void) => {
        if (settled) return;
        cleanup();
        opened();
        fn();
      };
      const fail = (err: unknown, socket?: TLSSocket) => {
        if (settled) return;
        const ended = this.watchEnded(deadline, req);
        if (ended === 'caller') return finish(resolve);
        if (ended) return finish(() => reject(ended));
        finish(() => void this.h2Error(err, req, {}, socket ?? o?.socket).then(reject));
      };
      controller.signal.addEventListener(
        'abort',
        () => {
          if (o && !o.stream.destroyed) o.stream.close(NGHTTP2_CANCEL);
          fail(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        },
        { once: true },
      );
      this.h2!.open(this.h2Target(), all, controller.signal).then(
        (x) => {
          if (x === 'h1') {
            if (settled) return;
            cleanup();
            return resolve('h1');
          }
          o = x;
          const s = x.stream;
          if (settled) {
            s.close(NGHTTP2_CANCEL);
            return;
          }
          this.inFlight.add(s);
          let status = 0;
          const errorBody: Buffer[] = [];
          s.on('response', (h: H2IncomingHeaders) => {
            opened();
            status = Number(h[':status'] ?? 0);
            if (status !== 200) {
              s.on('data', (c: Buffer) => errorBody.push(c));
              return;
            }
            armIdle();
            onOpen?.();
            s.setEncoding('utf8');
            const feed = watchLines<T>(onEvent, () => new AppError('SERVER', `${this.name} sent a watch event that is not JSON on ${req.path}.`, this.name));
            s.on('data', (chunk: string) => {
              armIdle();
              const err = feed(chunk, () => settled);
              if (err) {
                s.close(NGHTTP2_CANCEL);
                finish(() => reject(err));
              }
            });
          });
          s.on('error', (err) => fail(err));
          // The server ended the watch (END_STREAM, NO_ERROR), or the stream was cut ('end' comes for both).
          s.on('close', () => {
            if (s.rstCode !== NGHTTP2_NO_ERROR || !s.readableEnded) return fail(Object.assign(new Error('the watch connection was cut'), { code: 'ECONNRESET' }));
            if (status === 200) finish(resolve);
            else finish(() => reject(httpError(status, Buffer.concat(errorBody), this.errorContext(req))));
          });
          s.end();
        },
        (err: H2DialError) => fail(err, err?.tlsSocket),
      );
    });
  }
}

/** The method, path, body and headers of one attempt at `req`, as both transports send it. */
function requestParts(req: KubeRequest, headers: Record<string, string>, defaultTimeoutMs: number) {
  const payload = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const all: Record<string, string> = { accept: req.accept ?? 'application/json', ...headers };
  if (payload !== undefined) {
    all['content-type'] = req.contentType ?? 'application/json';
    all['content-length'] = String(Buffer.byteLength(payload));
  }
  return { method: req.method ?? 'GET', path: withQuery(req.path, req.query), payload, timeoutMs: req.timeoutMs ?? defaultTimeoutMs, headers: all };
}

/** What client-node's applyToHTTPSOptions fills in. */
type HttpsOptions = { headers?: Record<string, string | string[]>; ca?: unknown; cert?: unknown; key?: unknown; servername?: string; rejectUnauthorized?: boolean; auth?: string; agent?: HttpAgent };

/** Headers HTTP/2 forbids (RFC 9113 8.2.2), and the ones it replaces with pseudo-headers. */
const H2_FORBIDDEN = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

/** The path part of a server URL (https://host/k8s/clusters/x → /k8s/clusters/x). */
function serverPathPrefix(server: string): string {
  try {
    return new URL(server).pathname.replace(/\/+$/, '');
  } catch {
    return '';
  }
}

function withoutPseudo(h: H2IncomingHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [k, v] of Object.entries(h)) if (!k.startsWith(':')) out[k] = v as string | string[] | undefined;
  return out;
}

/**
 * The clocks of one request or watch stream, for both transports: the
 * answer must come within `connectTimeoutMs` (for a request, all of it:
 * nothing re-arms the clock), then at most `idleTimeoutMs` may pass between
 * a watch's chunks (0: no limit); the caller's signal ends it too. Each aborts
 * `controller`, and `why` says which did.
 */
class Deadline {
  readonly controller = new AbortController();
  why: 'connect-timeout' | 'idle' | 'caller' | undefined;
  private timer: NodeJS.Timeout | undefined;
  private cleared = false;
  private readonly onCallerAbort = () => this.end('caller');

  constructor(
    private readonly signal: AbortSignal | undefined,
    readonly connectTimeoutMs: number,
    readonly idleTimeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.end('connect-timeout'), connectTimeoutMs);
    signal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /** Data arrived: the idle clock starts again (not after `clear`: a cancelled stream may still hand over buffered chunks, and a clock armed then would hold the process for minutes). */
  armIdle(): void {
    if (this.cleared) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = this.idleTimeoutMs > 0 ? setTimeout(() => this.end('idle'), this.idleTimeoutMs) : undefined;
  }

  clear(): void {
    this.cleared = true;
    if (this.timer) clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onCallerAbort);
  }

  private end(why: 'connect-timeout' | 'idle' | 'caller'): void {
    this.why = why;
    this.controller.abort();
  }
}

/**
 * A watch stream's parser: feeds text chunks, calls `onEvent` for each
 * complete JSON line, and answers the error that must end the watch (a line
 * that is not JSON, or what `onEvent` threw), or undefined. `stopped` says
 * the watch ended meanwhile (an event's handler may end it), so no later
 * line of the chunk is handled.
 */
function watchLines<T>(onEvent: (e: WatchEvent<T>) => void, notJson: () => AppError): (chunk: string, stopped: () => boolean) => unknown {
  let buffered = '';
  return (chunk, stopped) => {
    buffered += chunk;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (!line) continue;
      let event: WatchEvent<T>;
      try {
        event = JSON.parse(line) as WatchEvent<T>;
      } catch {
        return notJson();
      }
      try {
        onEvent(event);
      } catch (err) {
        return err ?? new Error('a watch handler failed');
      }
      if (stopped()) return undefined;
    }
    return undefined;
  };
}

/** What the peer's certificate says, when the socket still has it. */
function peerDetail(socket: TLSSocket | undefined): TlsDetail {
  try {
    const cert = socket?.getPeerCertificate?.();
    if (!cert || !cert.valid_to) return {};
    return { validTo: cert.valid_to, validFrom: cert.valid_from, subjectAltNames: cert.subjectaltname };
  } catch {
    return {};
  }
}

const DATE_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/**
 * For an expired (or not yet valid) server certificate: the dates, read by a
 * second handshake that does not verify and sends nothing. Node frees the
 * failed socket's certificate with it, and "expired on <date>" tells a person
 * whether the cluster or their clock is wrong. Only in this error path, with
 * a short timeout; empty when it does not work out.
 */
function inspectCertificate(server: string, servername: string | undefined): Promise<TlsDetail> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      resolve({});
      return;
    }
    const socket = tlsConnect({
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port || 443),
      servername: servername ?? (isIP(url.hostname) ? undefined : url.hostname),
      rejectUnauthorized: false,
    });
    const done = (detail: TlsDetail) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(detail);
    };
    const timer = setTimeout(() => done({}), 2_000);
    socket.once('secureConnect', () => done(peerDetail(socket)));
    socket.once('error', () => done({}));
  });
}
