/**
 * The lab cluster's listener speaks HTTP/2 and HTTP/1.1 on one port (ALPN
 * h2, http/1.1) and counts what serving costs. Proved with node:http2 and an
 * HTTP/1.1-only client trusting the CA from the kubeconfig, the real kubectl
 * (which negotiates h2) and client-node (HTTP/1.1): requests by verb and
 * protocol, open watches, sockets and sessions, bytes; faults (cut watches,
 * stop, latency, failures) on h2 as on HTTP/1.1; the admin endpoint's stats.
 */
import { connect, constants as h2, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAdminEndpoint } from '../../main/lab/admin.js';
import type { LabCluster } from '../../main/lab/cluster.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { RESOURCE_TYPES } from '../../main/lab/resources.js';
import { LABELS, MC_NAMESPACE } from '../../shared/kasten/kinds.js';
import type { LabClusterStats, LabFleetStats } from '../../main/lab/stats.js';
import { KUBECTL, KubectlSession } from '../support/kubectl.js';
import { eventually, kubeConfigFor, request, timed } from './lab-helpers.js';

let fleet: LabFleet;
let dir: string;
let kubeconfigPath: string;
const sessions = new Set<ClientHttp2Session>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lab-http2-'));
  kubeconfigPath = join(dir, 'kubeconfig');
  fleet = await startLabFleet({ clusters: 2, empty: true, kubeconfigPath, k10: { pollHoldMs: 400 } });
});

afterAll(async () => {
  await fleet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const s of sessions) s.destroy();
  sessions.clear();
  for (const c of fleet.clusters) {
    c.resetFaults();
    await c.start();
  }
});

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';

/** The CA of a cluster as a client finds it: in the kubeconfig. */
function caFromKubeconfig(cluster: string): string {
  const doc = parseYaml(fleet.kubeconfig()) as { clusters: { name: string; cluster: { 'certificate-authority-data': string } }[] };
  const entry = doc.clusters.find((c) => c.name === cluster)!;
  return Buffer.from(entry.cluster['certificate-authority-data'], 'base64').toString('utf8');
}

/** An HTTP/2 session to a cluster (fails unless h2 is negotiated). */
async function h2Session(cluster: LabCluster): Promise<ClientHttp2Session> {
  const session = connect(cluster.apiUrl, { ca: caFromKubeconfig(cluster.name) });
  sessions.add(session);
  session.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
  return session;
}

interface H2Result {
  headers: IncomingHttpHeaders;
  body: string;
}

function h2Get(session: ClientHttp2Session, cluster: LabCluster, path: string): Promise<H2Result> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path, authorization: `Bearer ${cluster.user('admin').token}`, accept: 'application/json' });
    let headers: IncomingHttpHeaders = {};
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (h) => (headers = h));
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => resolve({ headers, body }));
    stream.on('error', reject);
    stream.end();
  });
}

/** A watch over an HTTP/2 stream, collecting events; `closed` tells how the stream ended. */
function h2Watch(session: ClientHttp2Session, cluster: LabCluster, path: string) {
  const stream = session.request({ ':path': `${path}${path.includes('?') ? '&' : '?'}watch=true`, authorization: `Bearer ${cluster.user('admin').token}` });
  const events: { type: string; object: { metadata?: { name?: string } } }[] = [];
  let partial = '';
  let errorCode: string | undefined;
  const status = new Promise<number>((resolve) => stream.on('response', (h) => resolve(Number(h[':status']))));
  stream.setEncoding('utf8');
  stream.on('data', (c: string) => {
    partial += c;
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (l.trim()) events.push(JSON.parse(l));
  });
  stream.on('error', (err: NodeJS.ErrnoException) => (errorCode = err.code));
  const closed = new Promise<{ rstCode: number; errorCode?: string }>((resolve) => stream.on('close', () => resolve({ rstCode: stream.rstCode ?? 0, errorCode })));
  stream.end();
  return { stream, status, events, closed };
}

/** A request from a client that offers only HTTP/1.1 in ALPN. */
function http1Get(cluster: LabCluster, path: string, agent: Agent | false = false): Promise<{ version: string; status: number; alpn: string | false; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${cluster.apiUrl}${path}`,
      // tls.connect takes ALPNProtocols; https's option type does not list it.
      { ca: caFromKubeconfig(cluster.name), ALPNProtocols: ['http/1.1'], headers: { authorization: `Bearer ${cluster.user('admin').token}` }, agent } as RequestOptions,
      (res) => {
        const alpn = (res.socket as TLSSocket).alpnProtocol ?? false;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ version: res.httpVersion, status: res.statusCode ?? 0, alpn, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('one port, two protocols', () => {
  it('negotiates h2 with a client that offers it, and answers GET /version over HTTP/2', async () => {
    const cluster = fleet.cluster('cluster-1');
    const session = await h2Session(cluster);
    expect(session.alpnProtocol).toBe('h2');
    const res = await h2Get(session, cluster, '/version');
    expect(res.headers[':status']).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ major: '1', gitVersion: expect.stringMatching(/^v1\./) });
    // Nothing HTTP/1-only slips into an HTTP/2 answer (it would be a protocol error).
    expect(res.headers.connection).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBeUndefined();
  });

  it('still serves a client that offers only HTTP/1.1, and one that offers no ALPN at all', async () => {
    const cluster = fleet.cluster('cluster-1');
    const res = await http1Get(cluster, '/version');
    expect([res.version, res.status, res.alpn]).toEqual(['1.1', 200, 'http/1.1']);
    expect(JSON.parse(res.body)).toMatchObject({ major: '1' });
    const plain = await request(cluster, CONFIGMAPS); // node:https offers no ALPN
    expect(plain.status).toBe(200);
  });

  it('authenticates client certificates over HTTP/2 as over HTTP/1.1', async () => {
    const cluster = fleet.cluster('cluster-2');
    const cert = cluster.user('admin-cert').cert!;
    const session = connect(cluster.apiUrl, { ca: caFromKubeconfig(cluster.name), cert: cert.certPem, key: cert.keyPem });
    sessions.add(session);
    const body = await new Promise<string>((resolve, reject) => {
      const stream = session.request({ ':path': '/apis/authentication.k8s.io/v1/selfsubjectreviews', ':method': 'POST', 'content-type': 'application/json' });
      let text = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (text += c));
      stream.on('end', () => resolve(text));
      stream.on('error', reject);
      stream.end(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }));
    });
    expect(JSON.parse(body)).toMatchObject({ status: { userInfo: { username: 'admin-cert' } } });
  });
});

describe('watches over HTTP/2', () => {
  it('streams events, ends at timeoutSeconds, and is released when the client resets the stream', async () => {
    const cluster = fleet.cluster('cluster-1');
    const session = await h2Session(cluster);
    const w = h2Watch(session, cluster, CONFIGMAPS);
    expect(await w.status).toBe(200);
    await eventually(() => cluster.stats().watches.open === 1, 'the watch to be counted');
    await request(cluster, CONFIGMAPS, { method: 'POST', body: { metadata: { name: 'over-h2' } } });
    await eventually(() => w.events.find((e) => e.type === 'ADDED' && e.object.metadata?.name === 'over-h2'), 'the ADDED event over h2');

    // The client cancels: the server lets go of the watch.
    w.stream.close(h2.NGHTTP2_CANCEL);
    await eventually(() => cluster.stats().watches.open === 0, 'the cancelled watch to be released');

    // The server's timeout ends the stream cleanly (END_STREAM, no reset).
    const timed1 = h2Watch(session, cluster, `${CONFIGMAPS}?timeoutSeconds=1`);
    expect(await timed1.status).toBe(200);
    const { ms, value } = await timed(() => timed1.closed);
    expect(value).toEqual({ rstCode: h2.NGHTTP2_NO_ERROR, errorCode: undefined });
    expect(ms).toBeLessThan(3_000);
    expect(cluster.stats().watches.open).toBe(0);
  });

  it('cut-watches resets the watch streams and leaves the session serving other requests', async () => {
    const cluster = fleet.cluster('cluster-2');
    const session = await h2Session(cluster);
    const watches = [h2Watch(session, cluster, CONFIGMAPS), h2Watch(session, cluster, '/api/v1/namespaces/default/secrets')];
    for (const w of watches) expect(await w.status).toBe(200);
    cluster.cutWatches();
    for (const w of watches) expect(await w.closed).toEqual({ rstCode: h2.NGHTTP2_INTERNAL_ERROR, errorCode: 'ERR_HTTP2_STREAM_ERROR' });
    expect(session.destroyed).toBe(false);
    expect((await h2Get(session, cluster, CONFIGMAPS)).headers[':status']).toBe(200);
    expect(cluster.stats().watches.open).toBe(0);
  });

  it('stop closes HTTP/2 sessions, and a restarted cluster takes new ones', async () => {
    const cluster = fleet.cluster('cluster-2');
    const session = await h2Session(cluster);
    const w = h2Watch(session, cluster, CONFIGMAPS);
    expect(await w.status).toBe(200);
    const sessionClosed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    await cluster.stop();
    await sessionClosed;
    await w.closed; // the watch went with its session
    expect(cluster.stats().connections.h2Sessions.open).toBe(0);
    await cluster.start();
    const again = await h2Session(cluster);
    expect((await h2Get(again, cluster, '/version')).headers[':status']).toBe(200);
  });

  it('applies latency and injected failures to HTTP/2 requests', async () => {
    const cluster = fleet.cluster('cluster-1');
    const session = await h2Session(cluster);
    cluster.setLatency(300);
    const slow = await timed(() => h2Get(session, cluster, CONFIGMAPS));
    expect(slow.value.headers[':status']).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    cluster.setLatency(0);
    cluster.failRequests(1, 429, 4);
    const limited = await h2Get(session, cluster, CONFIGMAPS);
    expect([limited.headers[':status'], limited.headers['retry-after']]).toEqual([429, '4']);
  });

  it('serves the K10 routes under /k10/ over HTTP/2', async () => {
    const cluster = fleet.cluster('cluster-1');
    const session = await h2Session(cluster);
    const page = await h2Get(session, cluster, '/k10/');
    expect(page.headers[':status']).toBe(200);
    expect(page.body).toContain('Kasten K10 (lab fleet)');
    const sync = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const stream = session.request({ ':path': '/k10/mc/v1/sync', ':method': 'POST', 'content-type': 'application/json', authorization: 'Bearer not-a-session' });
      let status = 0;
      let body = '';
      stream.setEncoding('utf8');
      stream.on('response', (h) => (status = Number(h[':status'])));
      stream.on('data', (c: string) => (body += c));
      stream.on('end', () => resolve({ status, body }));
      stream.on('error', reject);
      stream.end(JSON.stringify({ clusterName: 'cluster-2', applied: {} }));
    });
    expect(sync.status).toBe(401);
    expect(JSON.parse(sync.body)).toMatchObject({ error: { reason: 'Unauthorized' } });
  });
});

/** A K10 long poll (`/k10/mc/v1/sync`) over an HTTP/2 stream. */
function h2Sync(session: ClientHttp2Session, clusterName: string, credential: string) {
  const stream = session.request({ ':path': '/k10/mc/v1/sync', ':method': 'POST', 'content-type': 'application/json', authorization: `Bearer ${credential}` });
  stream.on('error', () => undefined);
  let status = 0;
  let body = '';
  stream.setEncoding('utf8');
  stream.on('response', (h) => (status = Number(h[':status'])));
  stream.on('data', (c: string) => (body += c));
  const ended = new Promise<{ status: number; body: string; rstCode: number }>((resolve) => stream.on('close', () => resolve({ status, body, rstCode: stream.rstCode ?? 0 })));
  stream.end(JSON.stringify({ clusterName, applied: {} }));
  return { stream, ended };
}

describe('K10 long polls over HTTP/2', () => {
  /** Makes `name` a secondary of cluster-1's K10 with this session credential, as a join would. */
  function secondary(name: string, credential: string): void {
    const rt = RESOURCE_TYPES.find((r) => r.kind === 'Cluster' && r.group === 'dist.kio.kasten.io')!;
    const store = fleet.cluster('cluster-1').store;
    const namespaces = RESOURCE_TYPES.find((r) => r.plural === 'namespaces')!;
    if (!store.get(namespaces, undefined, MC_NAMESPACE)) store.create(namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: MC_NAMESPACE } });
    store.create(rt, { apiVersion: 'dist.kio.kasten.io/v1alpha1', kind: 'Cluster', metadata: { name, namespace: MC_NAMESPACE, labels: { [LABELS.clusterType]: 'secondary' } } });
    const sessionDigest = createHash('sha256').update(credential).digest('hex');
    store.mutate(rt, MC_NAMESPACE, name, (c) => void (c.status = { sessionDigest }), { subresource: 'status' });
  }

  it('holds a poll over HTTP/2 and answers it when the hold ends', async () => {
    secondary('remote-held', 'held-session');
    const session = await h2Session(fleet.cluster('cluster-1'));
    const poll = h2Sync(session, 'remote-held', 'held-session');
    const { ms, value } = await timed(() => poll.ended);
    expect(value).toEqual({ status: 200, body: '{}', rstCode: h2.NGHTTP2_NO_ERROR });
    expect(ms).toBeGreaterThanOrEqual(350);
  });

  it('drops a held HTTP/2 poll when the cluster stops, as a dropped connection would', async () => {
    secondary('remote-cut', 'cut-session');
    const cluster = fleet.cluster('cluster-1');
    const session = await h2Session(cluster);
    const poll = h2Sync(session, 'remote-cut', 'cut-session');
    await eventually(() => cluster.stats().requests.byVerb.k10 !== undefined, 'the poll to arrive');
    await cluster.stop();
    expect((await poll.ended).status).not.toBe(200);
  });
});

describe('stats', () => {
  it('counts HTTP/2 sessions and HTTP/1.1 sockets apart, with their requests and bytes', async () => {
    const cluster = fleet.cluster('cluster-1');
    cluster.resetStats();
    const session = await h2Session(cluster);
    for (let i = 0; i < 3; i++) await h2Get(session, cluster, CONFIGMAPS);
    const agent = new Agent({ keepAlive: true });
    await http1Get(cluster, CONFIGMAPS, agent);
    await http1Get(cluster, '/version', agent); // same keep-alive socket
    const s = await eventually(() => {
      const now = cluster.stats();
      return now.connections.h1Sockets.open === 1 && now.connections.h2Sessions.open === 1 && now.bytesSent.h1 > 0 && now.bytesSent.h2 > 0 && now;
    }, 'both connections to be counted');
    expect(s.cluster).toBe('cluster-1');
    expect(s.connections).toEqual({ h1Sockets: { open: 1, opened: 1 }, h2Sessions: { open: 1, opened: 1 } });
    expect(s.requests).toEqual({ total: 5, byProtocol: { h1: 2, h2: 3 }, byVerb: { get: 1, list: 4 } });
    expect(s.bytesSent.total).toBe(s.bytesSent.h1 + s.bytesSent.h2);

    agent.destroy();
    session.close();
    await eventually(() => cluster.stats().connections.h1Sockets.open === 0 && cluster.stats().connections.h2Sessions.open === 0, 'the connections to close');
    const after = cluster.stats();
    expect(after.connections).toEqual({ h1Sockets: { open: 0, opened: 1 }, h2Sessions: { open: 0, opened: 1 } });
    expect(after.bytesSent.total).toBeGreaterThanOrEqual(s.bytesSent.total); // closed connections' bytes stay counted

    cluster.resetStats();
    const zero = cluster.stats();
    expect(zero.requests).toEqual({ total: 0, byProtocol: { h1: 0, h2: 0 }, byVerb: {} });
    expect(zero.bytesSent).toEqual({ total: 0, h1: 0, h2: 0 });
    expect(zero.connections).toEqual({ h1Sockets: { open: 0, opened: 0 }, h2Sessions: { open: 0, opened: 0 } });
    expect(Date.parse(zero.since)).toBeGreaterThanOrEqual(Date.parse(s.since));
  });

  it.skipIf(!KUBECTL)('counts a kubectl get, made over HTTP/2, by verb', async () => {
    const cluster = fleet.cluster('cluster-2');
    await request(cluster, CONFIGMAPS, { method: 'POST', body: { metadata: { name: 'counted' } } });
    const kubectl = new KubectlSession(kubeconfigPath);
    try {
      await kubectl.ok(['config', 'use-context', 'cluster-2']);
      await kubectl.ok(['version']); // discovery and /version, before counting
      cluster.resetStats();
      expect(await kubectl.ok(['get', 'configmap', 'counted', '-o', 'name'])).toBe('configmap/counted\n');
      expect(await kubectl.ok(['get', 'configmaps', '-o', 'name'])).toContain('configmap/counted');
      const s = await eventually(() => cluster.stats().connections.h2Sessions.open === 0 && cluster.stats(), 'kubectl to hang up');
      expect(s.requests.byVerb.get).toBeGreaterThanOrEqual(1);
      expect(s.requests.byVerb.list).toBeGreaterThanOrEqual(1);
      // kubectl negotiated h2: every request of it went over HTTP/2, none over HTTP/1.1.
      expect(s.requests.byProtocol).toEqual({ h1: 0, h2: s.requests.total });
      expect(s.connections.h2Sessions.opened).toBeGreaterThanOrEqual(1);
      expect(s.connections.h1Sockets.opened).toBe(0);
      expect(s.bytesSent.h2).toBeGreaterThan(0);
    } finally {
      await kubectl.close();
    }
  });

  it.skipIf(!KUBECTL)('counts a kubectl watch over HTTP/2 as open until kubectl goes away', async () => {
    const cluster = fleet.cluster('cluster-2');
    const kubectl = new KubectlSession(kubeconfigPath);
    try {
      await kubectl.ok(['config', 'use-context', 'cluster-2']);
      await request(cluster, CONFIGMAPS, { method: 'POST', body: { metadata: { name: 'watched-by-kubectl' } } });
      cluster.resetStats();
      const watch = kubectl.start(['get', 'configmaps', '--watch', '-o', 'name']);
      await watch.waitForLine(/^configmap\//);
      const open = await eventually(() => cluster.stats().watches.open === 1 && cluster.stats(), 'the kubectl watch to be counted');
      expect(open.requests.byVerb.watch).toBe(1);
      expect(open.connections.h2Sessions.open).toBeGreaterThanOrEqual(1);
      await watch.stop();
      await eventually(() => cluster.stats().watches.open === 0 && cluster.stats().connections.h2Sessions.open === 0, 'the watch and session to go with kubectl');
    } finally {
      await kubectl.close();
    }
  });

  it('counts an open client-node watch as an open watch, and releases it when aborted', async () => {
    const cluster = fleet.cluster('cluster-1');
    cluster.resetStats();
    const kc = kubeConfigFor(fleet.kubeconfig(), 'cluster-1');
    let done = 0;
    const controller = await new Watch(kc).watch(CONFIGMAPS, {}, () => undefined, () => done++);
    const open = await eventually(() => cluster.stats().watches.open === 1 && cluster.stats(), 'the watch to be open');
    expect(open.requests.byVerb.watch).toBe(1);
    expect(open.requests.byProtocol.h1).toBeGreaterThanOrEqual(1); // client-node speaks HTTP/1.1
    controller.abort();
    await eventually(() => cluster.stats().watches.open === 0, 'the aborted watch to be released');
    await eventually(() => done === 1, 'the watch to report it is done');
    // Other client-node traffic goes on being counted.
    await kc.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: 'default' });
    expect(cluster.stats().requests.byVerb.list).toBe(1);
  });

  it('adds the clusters up in fleet.stats(), and resets them all', async () => {
    fleet.resetStats();
    await request(fleet.cluster('cluster-1'), CONFIGMAPS);
    await request(fleet.cluster('cluster-2'), CONFIGMAPS);
    await request(fleet.cluster('cluster-2'), `${CONFIGMAPS}/nothing-here`);
    const s = fleet.stats();
    expect(s.clusters.map((c) => [c.cluster, c.requests.total])).toEqual([
      ['cluster-1', 1],
      ['cluster-2', 2],
    ]);
    expect(s.total.requests).toEqual({ total: 3, byProtocol: { h1: 3, h2: 0 }, byVerb: { get: 1, list: 2 } });
    expect(s.total.bytesSent.total).toBe(s.clusters[0].bytesSent.total + s.clusters[1].bytesSent.total);
    fleet.resetStats();
    expect(fleet.stats().total.requests.total).toBe(0);
  });

  it('is served by the admin endpoint, behind its token', async () => {
    const admin = await startAdminEndpoint(fleet);
    try {
      const call = (path: string, method = 'GET', token = admin.token) => fetch(`${admin.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      expect((await call('/stats', 'GET', 'wrong')).status).toBe(401);
      expect((await call('/stats/reset', 'POST')).status).toBe(200);
      await request(fleet.cluster('cluster-2'), CONFIGMAPS);
      const one = await call('/clusters/cluster-2/stats');
      expect(one.status).toBe(200);
      const stats = (await one.json()) as LabClusterStats;
      expect(stats).toMatchObject({ cluster: 'cluster-2', requests: { total: 1, byVerb: { list: 1 } }, watches: { open: 0 } });
      // POST answers the same, so that `npm run lab -- fault stats cluster-2` shows them.
      expect(((await (await call('/clusters/cluster-2/stats', 'POST')).json()) as LabClusterStats).requests.total).toBe(1);
      const all = (await (await call('/stats')).json()) as LabFleetStats;
      expect(all.clusters.map((c) => c.cluster)).toEqual(['cluster-1', 'cluster-2']);
      expect(all.total.requests.total).toBe(1);
      const reset = (await (await call('/clusters/cluster-2/reset-stats', 'POST')).json()) as LabClusterStats;
      expect(reset.requests.total).toBe(0);
      expect((await call('/clusters/cluster-9/stats')).status).toBe(404);
      expect((await call('/stats/explode')).status).toBe(404);
    } finally {
      await admin.close();
    }
  });
});
