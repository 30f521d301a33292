/**
 * ClusterClient over HTTP/2 (`http2: true`) against the lab fleet over real
 * HTTPS: requests and watches are streams of one session per cluster (one
 * TCP connection, whatever the number of watches); a server that speaks
 * only HTTP/1.1 gets HTTP/1.1; GOAWAY and a restarted cluster mean a new
 * session for the next request; cut watches resume; a peer that stops
 * answering pings is found dead; a server's stream limit opens a second
 * session instead of stalling; TLS errors read exactly as over HTTP/1.1.
 */
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2';
import { createServer as createTcpServer, connect as tcpConnect, type Server as TcpServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, type ClusterClientOptions } from '../../main/kube/cluster-client.js';
import { Informer, type KubeObject } from '../../main/kube/informer.js';
import type { LabCluster } from '../../main/lab/cluster.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { AppError } from '../../shared/contract/index.js';
import { eventually, kubeConfigFor } from './lab-helpers.js';

let fleet: LabFleet;
let yaml: string;
const clients: ClusterClient[] = [];
const closers: (() => void)[] = [];

beforeAll(async () => {
  fleet = await startLabFleet({ clusters: 3, empty: true });
  yaml = fleet.kubeconfig();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await fleet?.stop();
});

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  for (const c of fleet.clusters) {
    c.resetFaults();
    await c.start();
  }
});

function client(context: string, opts: Partial<ClusterClientOptions> = {}): ClusterClient {
  const c = new ClusterClient(kubeConfigFor(yaml, context), { name: context, http2: true, ...opts });
  clients.push(c);
  return c;
}

/** A client of a lab cluster's user, sent to another server (a proxy, a test server). */
function clientAt(cluster: LabCluster, server: string, opts: Partial<ClusterClientOptions> & { caPem?: string } = {}): ClusterClient {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify: false, caData: Buffer.from(opts.caPem ?? cluster.state.ca.certPem).toString('base64') }],
    users: [{ name: 'u', token: cluster.user('admin').token! }],
    contexts: [{ name: 'ctx', cluster: 'c', user: 'u' }],
    currentContext: 'ctx',
  });
  const c = new ClusterClient(kc, { name: cluster.name, http2: true, ...opts });
  clients.push(c);
  return c;
}

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

/** A watch the test can end; `done` settles with undefined or the AppError it failed with. */
function openWatch(c: ClusterClient, path: string, opts: { idleTimeoutMs?: number } = {}) {
  const controller = new AbortController();
  let open = false;
  const events: string[] = [];
  const done = c
    .watch<KubeObject>(path, (e) => events.push(`${e.type} ${e.object.metadata?.name}`), { signal: controller.signal, onOpen: () => (open = true), ...opts })
    .then(
      () => undefined,
      (err: unknown) => err as AppError,
    );
  return { stop: () => controller.abort(), done, events, isOpen: () => open };
}

const CM = '/api/v1/namespaces/default/configmaps';

describe('one HTTP/2 session per cluster', () => {
  it('sends requests as HTTP/2 streams, and keeps ten watches on one session: one TCP connection', async () => {
    const cluster = fleet.cluster('cluster-1');
    cluster.resetStats();
    const c = client('cluster-1');
    const version = await c.request<{ gitVersion: string }>({ path: '/version' });
    expect(version.gitVersion).toMatch(/^v1\./);
    const listed = await c.list(CM);
    expect(listed.resourceVersion).not.toBe('');
    const watches = Array.from({ length: 10 }, () => openWatch(c, CM));
    await eventually(() => watches.every((w) => w.isOpen()) && cluster.stats().watches.open === 10, 'ten watches to be open');
    await c.request({ method: 'POST', path: CM, body: { metadata: { name: 'h2-one' }, data: { v: '1' } } });
    await eventually(() => watches.every((w) => w.events.includes('ADDED h2-one')), 'every watch to see the event');

    const s = cluster.stats();
    expect(s.requests.byProtocol.h2).toBeGreaterThanOrEqual(13);
    expect(s.requests.byProtocol.h1).toBe(0);
    expect(s.connections.h2Sessions).toEqual({ open: 1, opened: 1 });
    expect(s.connections.h1Sockets).toEqual({ open: 0, opened: 0 });
    expect(c.h2?.sessions).toBe(1);

    for (const w of watches) w.stop();
    expect(await Promise.all(watches.map((w) => w.done))).toEqual(Array(10).fill(undefined));
    await eventually(() => cluster.stats().watches.open === 0, 'the watches to be released');
    // The session stays for the next request.
    await c.request({ path: '/version' });
    expect(cluster.stats().connections.h2Sessions.opened).toBe(1);
  });

  it('keeps answers the same as over HTTP/1.1: status, headers without pseudo-headers, errors by status', async () => {
    const h2c = client('cluster-2');
    const h1c = client('cluster-2', { http2: false });
    const [a, b] = await Promise.all([h2c.send({ path: '/api/v1/namespaces/nope' }), h1c.send({ path: '/api/v1/namespaces/nope' })]);
    expect(a.status).toBe(404);
    expect(a.status).toBe(b.status);
    expect(JSON.parse(a.body.toString())).toEqual(JSON.parse(b.body.toString()));
    expect(a.headers['content-type']).toBe(b.headers['content-type']);
    expect(Object.keys(a.headers).some((k) => k.startsWith(':'))).toBe(false);
    const e2 = await rejection(h2c.request({ path: '/api/v1/namespaces/nope' }));
    const e1 = await rejection(h1c.request({ path: '/api/v1/namespaces/nope' }));
    expect(e2.message).toBe(e1.message);
    const big = await rejection(client('cluster-2', { maxResponseBytes: 100 }).request({ path: '/api/v1/namespaces' }));
    expect(big.message).toContain('with more than 0 MB');
  });

  it('ends a watch the server ends, and fails a watch the server refuses with the same HTTP error as over HTTP/1.1', async () => {
    const h2c = client('cluster-2');
    const h1c = client('cluster-2', { http2: false });
    const started = Date.now();
    await h2c.watch(CM, () => undefined, { query: { timeoutSeconds: 1 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const path = '/apis/nothing.example.com/v1/widgets';
    const e2 = await rejection(h2c.watch(path, () => undefined));
    const e1 = await rejection(h1c.watch(path, () => undefined));
    expect(e2).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect(e2.message).toBe(e1.message);
  });

  it('times out, and honours an AbortSignal, on an HTTP/2 stream', async () => {
    const cluster = fleet.cluster('cluster-2');
    cluster.setLatency(1_500);
    const c = client('cluster-2');
    const started = Date.now();
    const err = await rejection(c.request({ path: CM, timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ code: 'TIMEOUT', cluster: 'cluster-2' });
    expect(err.message).toContain('did not answer within 0.3 s');
    const controller = new AbortController();
    const p = c.request({ path: CM, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 100);
    await expect(p).rejects.toThrow('cancelled by test');
  });
});

describe('falling back to HTTP/1.1', () => {
  let server: HttpsServer;
  const seen: { version: string; alpn: string | false }[] = [];
  const handshakes: (string | false)[] = [];

  beforeAll(async () => {
    const lab = fleet.cluster('cluster-3');
    server = createHttpsServer({ key: lab.state.serving.keyPem, cert: lab.state.serving.certPem, ALPNProtocols: ['http/1.1'] }, (req, res) => {
      seen.push({ version: req.httpVersion, alpn: (req.socket as TLSSocket).alpnProtocol ?? false });
      if (req.url?.includes('watch=true')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'only-h1', resourceVersion: '5' } } })}\n`);
        setTimeout(() => res.end(), 50);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ major: '1', minor: '30', gitVersion: 'v1.30.0-h1only' }));
    });
    server.on('secureConnection', (s: TLSSocket) => handshakes.push(s.alpnProtocol ?? false));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });

  afterAll(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('uses HTTP/1.1 against a server whose ALPN picks it, and remembers it', async () => {
    const port = (server.address() as { port: number }).port;
    const c = clientAt(fleet.cluster('cluster-3'), `https://127.0.0.1:${port}`);
    expect((await c.request<{ gitVersion: string }>({ path: '/version' })).gitVersion).toBe('v1.30.0-h1only');
    expect(c.h2?.protocol).toBe('h1');
    const w = openWatch(c, CM);
    expect(await w.done).toBeUndefined();
    expect(w.events).toEqual(['ADDED only-h1']);
    await c.request({ path: '/version' });
    expect(seen.length).toBe(3);
    // The HTTPS agent offers no ALPN (as before); the session's dial offered h2 and got http/1.1.
    expect(seen.every((s) => s.version === '1.1' && s.alpn !== 'h2')).toBe(true);
    expect(handshakes).not.toContain('h2');
    // Only the first request asked in ALPN; then it is HTTP/1.1 straight away.
    expect(c.h2?.dialed).toBe(1);
  });
});

describe('sessions that end', () => {
  it('opens a new session after the cluster restarts, and after a GOAWAY', async () => {
    const cluster = fleet.cluster('cluster-1');
    const c = client('cluster-1');
    await c.request({ path: '/version' });
    await cluster.stop();
    const down = await rejection(c.request({ path: '/version', retry: false }));
    expect(down.code).toBe('UNREACHABLE');
    expect(down.message).toContain('nothing is listening at');
    await cluster.start();
    await c.request({ path: '/version' });
    expect(c.h2?.sessions).toBe(1);

    // A graceful GOAWAY from a server of our own (the lab's sessions are its own).
    const lab = fleet.cluster('cluster-1');
    const sessions: ServerHttp2Session[] = [];
    const h2server: Http2SecureServer = createSecureServer({ key: lab.state.serving.keyPem, cert: lab.state.serving.certPem }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ gitVersion: 'v1.31.0-goaway' }));
    });
    h2server.on('session', (s) => sessions.push(s));
    await new Promise<void>((r) => h2server.listen(0, '127.0.0.1', r));
    closers.push(() => {
      for (const s of sessions) s.destroy();
      h2server.close();
    });
    const g = clientAt(lab, `https://127.0.0.1:${(h2server.address() as { port: number }).port}`);
    await g.request({ path: '/version' });
    expect(sessions.length).toBe(1);
    sessions[0].close(); // GOAWAY, then the session ends
    await eventually(() => g.h2?.sessions === 0, 'the client to forget the session');
    expect((await g.request<{ gitVersion: string }>({ path: '/version' })).gitVersion).toBe('v1.31.0-goaway');
    expect(sessions.length).toBe(2);
    expect(g.h2?.protocol).toBe('h2');
  });

  it('fails open watches with a network error when the cluster stops, at once', async () => {
    const cluster = fleet.cluster('cluster-2');
    const c = client('cluster-2');
    const w = openWatch(c, CM);
    await eventually(() => w.isOpen(), 'the watch to open');
    const started = Date.now();
    await cluster.stop();
    const err = await w.done;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(err).toMatchObject({ code: 'UNREACHABLE', cluster: 'cluster-2' });
  });

  it('resumes a cut watch (RST_STREAM) on the same session: nothing missed, nothing re-listed', async () => {
    const cluster = fleet.cluster('cluster-3');
    const c = client('cluster-3');
    await c.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: 'h2-cut' } } });
    const path = '/api/v1/namespaces/h2-cut/configmaps';
    await c.request({ method: 'POST', path, body: { metadata: { name: 'a' }, data: { v: '1' } } });
    let lists = 0;
    const listing = c.list.bind(c);
    c.list = ((...args: Parameters<typeof listing>) => (lists++, listing(...args))) as typeof c.list;
    const errors: AppError[] = [];
    const inf = new Informer<string | undefined>({
      client: c,
      path,
      project: (o) => (o.data as Record<string, string> | undefined)?.v,
      onStatus: (s) => s.state === 'error' && errors.push(s.error),
      backoff: { initialMs: 100, maxMs: 500 },
    });
    inf.start();
    const cache = () => JSON.stringify(Object.fromEntries(inf.entries()));
    await eventually(() => inf.watching && cache() === JSON.stringify({ 'h2-cut/a': '1' }), 'the first list and watch');
    cluster.resetStats();
    cluster.cutWatches();
    await c.request({ method: 'PATCH', path: `${path}/a`, body: { data: { v: '2' } }, contentType: 'application/merge-patch+json' });
    await c.request({ method: 'POST', path, body: { metadata: { name: 'b' }, data: { v: '1' } } });
    await eventually(() => cache() === JSON.stringify({ 'h2-cut/a': '2', 'h2-cut/b': '1' }), 'the cache to catch up after the cut');
    expect(lists).toBe(1);
    expect(errors.every((e) => e.code === 'UNREACHABLE')).toBe(true);
    expect(cluster.stats().connections.h2Sessions.opened).toBe(0);
    await inf.stop();
  });
});

describe('liveness', () => {
  /** A TCP relay to a cluster that can go silent (a peer that vanished without a FIN). */
  async function relay(target: LabCluster) {
    const pairs: [Socket, Socket][] = [];
    let frozen = false;
    const server: TcpServer = createTcpServer((inbound) => {
      const outbound = tcpConnect(target.port, '127.0.0.1');
      pairs.push([inbound, outbound]);
      inbound.on('data', (d) => frozen || outbound.write(d));
      outbound.on('data', (d) => frozen || inbound.write(d));
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
      inbound.on('close', () => outbound.destroy());
      outbound.on('close', () => inbound.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => {
      for (const [a, b] of pairs) a.destroy(), b.destroy();
      server.close();
    });
    return { url: `https://127.0.0.1:${(server.address() as { port: number }).port}`, freeze: () => (frozen = true) };
  }

  it('finds a silent peer dead by ping and fails its watch as unreachable within seconds', async () => {
    const cluster = fleet.cluster('cluster-1');
    const r = await relay(cluster);
    const c = clientAt(cluster, r.url, { h2PingIntervalMs: 300, h2PingTimeoutMs: 500 });
    const w = openWatch(c, CM);
    await eventually(() => w.isOpen(), 'the watch to open');
    // Pings are answered while the peer is there.
    await new Promise((res) => setTimeout(res, 800));
    expect(w.isOpen()).toBe(true);
    expect(c.h2?.sessions).toBe(1);
    const started = Date.now();
    r.freeze();
    const err = await w.done;
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(err).toMatchObject({ code: 'UNREACHABLE', cluster: 'cluster-1' });
    expect(c.h2?.sessions).toBe(0);
  });
});

describe('limits', () => {
  it("opens a second session when the server's SETTINGS_MAX_CONCURRENT_STREAMS is reached, rather than stall a watch", async () => {
    const lab = fleet.cluster('cluster-2');
    const sessions: ServerHttp2Session[] = [];
    const server = createSecureServer({ key: lab.state.serving.keyPem, cert: lab.state.serving.certPem, settings: { maxConcurrentStreams: 2 } }, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(' ');
    });
    server.on('session', (s) => sessions.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => {
      for (const s of sessions) s.destroy();
      server.close();
    });
    const c = clientAt(lab, `https://127.0.0.1:${(server.address() as { port: number }).port}`);
    const watches = Array.from({ length: 3 }, () => openWatch(c, CM));
    await eventually(() => watches.every((w) => w.isOpen()), 'three watches to open', 3_000);
    expect(sessions.length).toBe(2);
    for (const w of watches) w.stop();
    expect(await Promise.all(watches.map((w) => w.done))).toEqual([undefined, undefined, undefined]);
  });
});

describe('TLS errors', () => {
  it('reads as over HTTP/1.1: a CA that did not sign the certificate is named as such', async () => {
    const cluster = fleet.cluster('cluster-1');
    const otherCa = fleet.cluster('cluster-2').state.ca.certPem;
    const h2e = await rejection(clientAt(cluster, cluster.apiUrl, { caPem: otherCa }).request({ path: '/version' }));
    const h1e = await rejection(clientAt(cluster, cluster.apiUrl, { caPem: otherCa, http2: false }).request({ path: '/version' }));
    expect(h2e.code).toBe('TLS');
    expect(h2e.message).toContain(`the certificate presented by ${cluster.apiUrl} is not signed by the certificate authority the kubeconfig trusts`);
    expect(h2e.message).toBe(h1e.message);
    const w = await openWatch(clientAt(cluster, cluster.apiUrl, { caPem: otherCa }), CM).done;
    expect(w?.message).toBe(h1e.message);
  });
});

describe('stopping', () => {
  it('leaves nothing holding the process open after a promote and joins whose waits stopped watches mid-stream', async () => {
    const { execFile } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const child = fileURLToPath(new URL('./h2-watch-exit-child.ts', import.meta.url));
    const started = Date.now();
    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = execFile(process.execPath, ['--import', 'tsx', child], { timeout: 30_000, killSignal: 'SIGKILL' }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
      p.stdin?.end();
    });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe('closed');
    // Exited by itself: not killed at the 30 s limit (an idle-watch clock re-armed after the stop held it for minutes).
    expect(out.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(25_000);
  }, 40_000);
});
