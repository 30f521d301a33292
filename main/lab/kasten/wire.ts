/**
 * The K10-to-K10 protocol of the lab fleet [ours] and its HTTPS plumbing.
 * Secondaries always dial the primary's K10 ingress (`<ingress>` below, e.g.
 * `https://127.0.0.1:40123/k10`); the primary never dials a secondary, as in
 * Kasten's documentation. JSON bodies, POST only:
 *
 * - `<ingress>/mc/v1/join`  {token, clusterName, clusterIngress?}
 *     → 200 JoinReply, or 4xx WireError (invalid token, bad or taken name,
 *       not a primary).
 * - `<ingress>/mc/v1/sync`  SyncRequest, `Authorization: Bearer <session>`
 *     → 200 SyncReply; a long poll: the primary answers at once when it has
 *       something to say (a disconnect order, bundles to apply), otherwise
 *       after pollHoldMs with `{}`. 401 when the session is not (or no
 *       longer) valid: the secondary was disconnected.
 * - `<ingress>/mc/v1/disconnected`  {clusterName}, with the session
 *     → 200 once the primary has let go of the Cluster (finalizer removed).
 */
import { createSecureContext, type SecureContext } from 'node:tls';
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions as HttpsRequestOptions } from 'node:https';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { KubeObject } from '../resources.js';

export const WIRE_PATHS = {
  join: '/mc/v1/join',
  sync: '/mc/v1/sync',
  disconnected: '/mc/v1/disconnected',
} as const;

export interface JoinRequest {
  token: string;
  clusterName: string;
  clusterIngress?: string;
}

export interface JoinReply {
  clusterName: string;
  clusterId: string;
  primaryName: string;
  /** The secondary's session credential: random, issued for this cluster alone. */
  session: string;
}

export interface WireError {
  error: { reason: string; message: string };
}

/** What a secondary has applied, per bundle key. */
export interface AppliedReport {
  rev: string;
  error?: string;
}

export interface SyncRequest {
  clusterName: string;
  applied: Record<string, AppliedReport>;
}

/**
 * The objects one distribution (or K10ClusterRoleBinding) puts on one target.
 * The target applies `objects` in its kasten-io, deletes the copies carrying
 * `label` that are no longer listed, and creates `ensure` objects only when
 * missing (ClusterRoles other bindings may share).
 */
export interface Bundle {
  key: string;
  rev: string;
  label: { key: string; value: string };
  objects: KubeObject[];
  ensure?: KubeObject[];
  /** The primary cannot build this bundle now (why): targets keep what they have. */
  hold?: string;
}

export interface SyncReply {
  disconnect?: true;
  /** Bundles whose revision differs from what the secondary reported. */
  bundles?: Bundle[];
  /** Every bundle key this secondary should hold; copies of other keys go. */
  keys?: string[];
}

export type HttpResult =
  | { kind: 'reply'; status: number; body: unknown }
  | { kind: 'unreachable'; message: string };

/** The message of a WireError body, or a fallback naming the status. */
export function wireMessage(result: { status: number; body: unknown }): string {
  const msg = (result.body as Partial<WireError> | undefined)?.error?.message;
  return typeof msg === 'string' && msg ? msg : `the primary answered HTTP ${result.status}`;
}

const MAX_REPLY_BYTES = 16 * 1024 * 1024;

let cachedContext: { bundle: string[]; key: string; context: SecureContext } | undefined;

/**
 * One TLS context for the fleet's CA bundle, rebuilt only when the bundle
 * changes: parsing 500 CA certificates per request would dominate, and so
 * would hashing the whole bundle. A PEM's last line is the end of its
 * signature, unique to the certificate, so the tails identify the bundle.
 */
function secureContextFor(bundle: string[]): SecureContext {
  if (cachedContext?.bundle === bundle) return cachedContext.context;
  let tails = '';
  for (const pem of bundle) tails += pem.slice(-96);
  const key = createHash('sha1').update(tails).digest('hex');
  if (cachedContext?.key !== key) cachedContext = { bundle, key, context: createSecureContext({ ca: bundle }) };
  else cachedContext.bundle = bundle;
  return cachedContext.context;
}

/**
 * Outbound HTTPS of one K10, keep-alive so that a secondary's successive
 * polls reuse one TLS connection. `destroy()` closes every socket.
 */
export class WireClient {
  // Keep-alive connections make TLS session resumption moot, and restoring a
  // cached session on every retry against a stopped primary costs more than it saves.
  private readonly https = new HttpsAgent({ keepAlive: true, maxCachedSessions: 0 });
  private readonly http = new HttpAgent({ keepAlive: true });

  constructor(private readonly caBundle: () => string[]) {}

  /** POSTs JSON; never throws: network failures and timeouts are `unreachable`. */
  post(url: string, body: unknown, o: { timeoutMs: number; session?: string; signal: AbortSignal }): Promise<HttpResult> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        resolve({ kind: 'unreachable', message: `invalid URL ${url}` });
        return;
      }
      if (o.signal.aborted) {
        resolve({ kind: 'unreachable', message: 'stopped' });
        return;
      }
      const payload = Buffer.from(JSON.stringify(body));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'content-length': String(payload.length),
        accept: 'application/json',
      };
      if (o.session) headers.authorization = `Bearer ${o.session}`;
      const secure = target.protocol === 'https:';
      const req = secure
        ? // tls.connect takes `secureContext`; https's option type does not list it.
          httpsRequest(target, { method: 'POST', headers, agent: this.https, secureContext: secureContextFor(this.caBundle()), signal: o.signal } as HttpsRequestOptions)
        : httpRequest(target, { method: 'POST', headers, agent: this.http, signal: o.signal });
      let settled = false;
      const finish = (r: HttpResult) => {
        if (settled) return;
        settled = true;
        resolve(r);
      };
      req.setTimeout(o.timeoutMs, () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'unreachable', message: err.code && err.code !== 'ABORT_ERR' ? `${err.code}: ${err.message}` : err.message }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_REPLY_BYTES) req.destroy(new Error('reply too large'));
          else chunks.push(c);
        });
        res.on('error', (err) => finish({ kind: 'unreachable', message: err.message }));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
          } catch {
            parsed = {};
          }
          finish({ kind: 'reply', status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.end(payload);
    });
  }

  destroy(): void {
    this.https.destroy();
    this.http.destroy();
  }
}

/** Reads a JSON request body of at most `limit` bytes; undefined when it is not JSON. */
export function readJson(req: IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('error', () => resolve(undefined));
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        resolve(undefined);
      }
    });
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'cache-control': 'no-store' });
  res.end(payload);
}

export function sendWireError(res: ServerResponse, status: number, reason: string, message: string): void {
  sendJson(res, status, { error: { reason, message } } satisfies WireError);
}

/** Sleeps, unless the signal fires first; true when it slept the whole time. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Exponential backoff with jitter, so that a fleet does not retry in step. */
export function backoff(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
