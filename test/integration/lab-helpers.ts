/**
 * What the lab fleet's integration tests share: a raw HTTPS client that
 * shows exactly what a cluster answered (status, headers, body, or the
 * network error), a client-node KubeConfig for one context and user of a
 * fleet, and polling with a deadline instead of sleeps.
 */
import { request as httpsRequest, type Agent } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import type { LabCluster, LabUser } from '../../main/lab/cluster.js';
import { onLines } from '../support/lines.js';

/**
 * Polls `probe` until it returns something other than undefined/false, or
 * fails after `timeoutMs` naming `what` it was waiting for.
 */
export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 15));
  }
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON. */
  json<T = Record<string, unknown>>(): T;
}

export interface RequestOptions {
  method?: string;
  /** Who signs in: one of the cluster's users (default admin), or a bare token. */
  user?: LabUser['id'] | { token: string };
  body?: unknown;
  /** Content-Type of the body (default JSON); null sends none. */
  contentType?: string | null;
  /** A keep-alive agent to reuse connections; none (a fresh connection) by default. */
  agent?: Agent;
  timeoutMs?: number;
  /** Called once the request is written to an established connection. */
  onSent?: () => void;
}

/**
 * One request to a lab cluster over HTTPS, trusting only its CA. Resolves
 * with whatever HTTP answer came back; rejects only on a network error (the
 * error's `code` is e.g. ECONNREFUSED).
 */
export function request(cluster: LabCluster, path: string, opts: RequestOptions = {}): Promise<HttpResult> {
  const user = typeof opts.user === 'object' ? opts.user : cluster.user(opts.user ?? 'admin');
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if ('token' in user && user.token) headers.authorization = `Bearer ${user.token}`;
  if (payload !== undefined) {
    if (opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  const cert = 'cert' in user ? user.cert : undefined;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${cluster.apiUrl}${path}`,
      {
        method: opts.method ?? 'GET',
        headers,
        ca: cluster.state.ca.certPem,
        ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}),
        agent: opts.agent ?? false,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${cluster.name} ${path} timed out`)));
    if (opts.onSent) req.on('finish', opts.onSent);
    req.on('error', reject);
    req.end(payload);
  });
}

/** The network error a request fails with (fails the test if it succeeds). */
export async function networkError(promise: Promise<unknown>): Promise<NodeJS.ErrnoException> {
  try {
    const result = await promise;
    throw new Error(`expected a network error, got an answer: ${JSON.stringify(result).slice(0, 200)}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === undefined) throw err;
    return err as NodeJS.ErrnoException;
  }
}

/**
 * A client-node KubeConfig loaded from a fleet's kubeconfig, set to one
 * context, and optionally to another of its users (`cluster-1-viewer`).
 */
export function kubeConfigFor(kubeconfigYaml: string, context: string, user?: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYaml);
  if (user) {
    const name = `${context}-as-${user}`;
    kc.addContext({ name, cluster: context, user });
    kc.setCurrentContext(name);
  } else {
    kc.setCurrentContext(context);
  }
  return kc;
}

/** Milliseconds `fn` takes. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export interface OpenWatch {
  /** The HTTP status of the watch response. */
  status: Promise<number>;
  /** Every event received so far, parsed. */
  events: { type: string; object: Record<string, unknown> }[];
  /** Resolves when the stream ends: 'end' (the server finished it) or 'aborted' (the connection dropped). */
  ended: Promise<'end' | 'aborted'>;
  close(): void;
}

/** Opens a raw watch (`?watch=true` is added unless `path` spells `watch=` its own way) and collects its events. */
export function openWatch(cluster: LabCluster, path: string, user: LabUser['id'] = 'admin'): OpenWatch {
  const events: OpenWatch['events'] = [];
  const token = cluster.user(user).token;
  let settleStatus!: (n: number) => void;
  let failStatus!: (err: Error) => void;
  let settleEnd!: (how: 'end' | 'aborted') => void;
  const status = new Promise<number>((resolve, reject) => ((settleStatus = resolve), (failStatus = reject)));
  const ended = new Promise<'end' | 'aborted'>((resolve) => (settleEnd = resolve));
  const req = httpsRequest(
    /[?&]watch=/.test(path) ? `${cluster.apiUrl}${path}` : `${cluster.apiUrl}${path}${path.includes('?') ? '&' : '?'}watch=true`,
    { ca: cluster.state.ca.certPem, headers: token ? { authorization: `Bearer ${token}` } : {}, agent: false },
    (res) => {
      settleStatus(res.statusCode ?? 0);
      onLines(res, (line) => {
        if (line.trim()) events.push(JSON.parse(line));
      });
      res.on('end', () => settleEnd('end'));
      res.on('aborted', () => settleEnd('aborted'));
      res.on('error', () => settleEnd('aborted'));
      res.on('close', () => settleEnd(res.complete ? 'end' : 'aborted'));
    },
  );
  req.on('error', (err) => {
    failStatus(err);
    settleEnd('aborted');
  });
  req.end();
  return { status, events, ended, close: () => req.destroy() };
}
