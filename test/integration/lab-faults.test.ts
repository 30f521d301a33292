/**
 * Every fault of a lab cluster as a client sees it on the wire: refused
 * connections, slow answers, 429/503 with Retry-After, 401, 403 on exactly
 * what was denied, dropped watches, 410 Gone — and that one sick cluster
 * leaves the others alone. Also the admin endpoint that `npm run lab -- fault`
 * drives.
 */
import { Agent } from 'node:https';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAdminEndpoint } from '../../main/lab/admin.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { eventually, networkError, openWatch, request, timed } from './lab-helpers.js';

let fleet: LabFleet;

beforeAll(async () => {
  fleet = await startLabFleet({ clusters: 3, empty: true });
});

afterAll(async () => {
  await fleet?.stop();
});

afterEach(async () => {
  for (const c of fleet.clusters) {
    c.resetFaults();
    await c.start();
  }
});

const CONFIGMAPS = '/api/v1/namespaces/default/configmaps';
const SECRETS = '/api/v1/namespaces/default/secrets';
const status = (r: { json: () => Record<string, unknown> }) => r.json() as { kind: string; reason: string; code: number; message: string; details?: Record<string, unknown> };

describe('stop and start', () => {
  it('refuses connections while stopped, and comes back on the same port with the same objects', async () => {
    const cluster = fleet.cluster('cluster-2');
    const created = (await request(cluster, CONFIGMAPS, { method: 'POST', body: { metadata: { name: 'survivor' }, data: { a: '1' } } })).json<{ metadata: { uid: string; resourceVersion: string } }>();
    const port = cluster.port;
    const agent = new Agent({ keepAlive: true });
    expect((await request(cluster, CONFIGMAPS, { agent })).status).toBe(200);
    const watch = openWatch(cluster, CONFIGMAPS);
    expect(await watch.status).toBe(200);

    await cluster.stop();
    expect(cluster.up).toBe(false);
    expect(await watch.ended).toBe('aborted');
    expect((await networkError(request(cluster, CONFIGMAPS))).code).toBe('ECONNREFUSED');
    // A pooled keep-alive connection was dropped too: a request through the agent gets no answer
    // (refused on a new connection, or reset if the agent had not yet noticed the old one close).
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain((await networkError(request(cluster, CONFIGMAPS, { agent }))).code);
    expect((await request(fleet.cluster('cluster-1'), CONFIGMAPS)).status).toBe(200);

    await cluster.start();
    expect(cluster.port).toBe(port);
    const back = await request(cluster, `${CONFIGMAPS}/survivor`, { agent });
    expect(back.status).toBe(200);
    expect(back.json<{ metadata: { uid: string; resourceVersion: string } }>().metadata).toMatchObject(created.metadata);
    agent.destroy();
  });

  it('drops requests in flight when it stops, as a cluster that goes down does', async () => {
    const cluster = fleet.cluster('cluster-3');
    cluster.setLatency(10_000);
    let sent = false;
    const inFlight = networkError(request(cluster, CONFIGMAPS, { onSent: () => (sent = true) }));
    await eventually(() => sent, 'the request to be on its way');
    const { ms } = await timed(() => cluster.stop());
    expect(ms).toBeLessThan(2_000);
    expect((await inFlight).code).toBe('ECONNRESET');
  });
});

describe('latency', () => {
  it('delays every request of that cluster by the set time, until set back to 0', async () => {
    const cluster = fleet.cluster('cluster-1');
    cluster.setLatency(400);
    const slow = await timed(() => request(cluster, CONFIGMAPS));
    expect(slow.value.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(390);
    cluster.setLatency(0);
    const fast = await timed(() => request(cluster, CONFIGMAPS));
    expect(fast.ms).toBeLessThan(300);
  });
});

describe('injected failures', () => {
  it('answers 429 Too Many Requests with a Retry-After header and retryAfterSeconds', async () => {
    const cluster = fleet.cluster('cluster-1');
    cluster.failRequests(1, 429, 7);
    const res = await request(cluster, CONFIGMAPS);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(status(res)).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429, details: { retryAfterSeconds: 7 } });
  });

  it('answers 503 Service Unavailable with Retry-After, and 500 without', async () => {
    const cluster = fleet.cluster('cluster-1');
    cluster.failRequests(1, 503);
    const unavailable = await request(cluster, CONFIGMAPS, { method: 'POST', body: { metadata: { name: 'never' } } });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers['retry-after']).toBe('1');
    expect(status(unavailable).reason).toBe('ServiceUnavailable');
    cluster.failRequests(1, 500);
    const broken = await request(cluster, CONFIGMAPS);
    expect(broken.status).toBe(500);
    expect(broken.headers['retry-after']).toBeUndefined();
    cluster.resetFaults();
    // The failed create wrote nothing.
    expect((await request(cluster, `${CONFIGMAPS}/never`)).status).toBe(404);
  });

  it('fails about the given fraction of requests', async () => {
    const cluster = fleet.cluster('cluster-3');
    cluster.failRequests(0.5, 503);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const codes = await Promise.all(Array.from({ length: 400 }, () => request(cluster, CONFIGMAPS, { agent }).then((r) => r.status)));
    agent.destroy();
    const failed = codes.filter((c) => c === 503).length;
    expect(codes.filter((c) => c !== 503 && c !== 200)).toEqual([]);
    // Binomial(400, 0.5): 200 ± 10; outside 120..280 is 8 standard deviations away.
    expect(failed).toBeGreaterThan(120);
    expect(failed).toBeLessThan(280);
  });
});

describe('credentials and permissions', () => {
  it('answers 401 to an expired user only, until reset', async () => {
    const cluster = fleet.cluster('cluster-2');
    cluster.expireCredentials('viewer');
    cluster.expireCredentials('admin-cert');
    for (const user of ['viewer', 'admin-cert'] as const) {
      const res = await request(cluster, CONFIGMAPS, { user });
      expect(res.status).toBe(401);
      expect(status(res)).toMatchObject({ reason: 'Unauthorized', code: 401 });
    }
    expect((await request(cluster, CONFIGMAPS, { user: 'admin' })).status).toBe(200);
    expect((await request(fleet.cluster('cluster-1'), CONFIGMAPS, { user: 'viewer' })).status).toBe(200);
    cluster.resetFaults();
    expect((await request(cluster, CONFIGMAPS, { user: 'viewer' })).status).toBe(200);
    expect((await request(cluster, CONFIGMAPS, { user: 'admin-cert' })).status).toBe(200);
  });

  it('answers 403 on exactly the denied verb and resource, for that user and cluster', async () => {
    const cluster = fleet.cluster('cluster-1');
    await request(cluster, SECRETS, { method: 'POST', body: { metadata: { name: 'kept' }, stringData: { k: 'v' } } });
    cluster.deny('admin', { verb: 'list', resource: 'secrets' });

    const denied = await request(cluster, SECRETS);
    expect(denied.status).toBe(403);
    expect(status(denied)).toMatchObject({ reason: 'Forbidden', code: 403 });
    expect(status(denied).message).toBe('secrets is forbidden: User "admin" cannot list resource "secrets" in API group "" in the namespace "default"');
    expect((await request(cluster, '/api/v1/secrets')).status).toBe(403);

    expect((await request(cluster, `${SECRETS}/kept`)).status).toBe(200); // get is another verb
    const watch = openWatch(cluster, SECRETS); // so is watch
    expect(await watch.status).toBe(200);
    watch.close();
    expect((await request(cluster, CONFIGMAPS)).status).toBe(200); // another resource
    expect((await request(cluster, SECRETS, { user: 'admin-cert' })).status).toBe(200); // another user
    expect((await request(fleet.cluster('cluster-2'), SECRETS)).status).toBe(200); // another cluster

    // Without a verb: every verb on that resource of that group.
    cluster.deny('admin', { resource: 'policies', group: 'config.kio.kasten.io' });
    const policies = '/apis/config.kio.kasten.io/v1alpha1/namespaces/kasten-io/policies';
    expect((await request(cluster, policies)).status).toBe(403);
    expect((await request(cluster, policies, { method: 'POST', body: { metadata: { name: 'p' }, spec: {} } })).status).toBe(403);
    expect((await request(cluster, '/apis/config.kio.kasten.io/v1alpha1/namespaces/kasten-io/profiles')).status).toBe(200);

    cluster.resetFaults();
    expect((await request(cluster, SECRETS)).status).toBe(200);
    expect((await request(cluster, policies)).status).toBe(200);
  });
});

describe('watches', () => {
  it('cut-watches drops every open watch stream and nothing else', async () => {
    const cluster = fleet.cluster('cluster-3');
    const agent = new Agent({ keepAlive: true });
    await request(cluster, CONFIGMAPS, { agent });
    const watches = [openWatch(cluster, CONFIGMAPS), openWatch(cluster, SECRETS)];
    for (const w of watches) expect(await w.status).toBe(200);
    cluster.cutWatches();
    for (const w of watches) expect(await w.ended).toBe('aborted');
    expect((await request(cluster, CONFIGMAPS, { agent })).status).toBe(200);
    const again = openWatch(cluster, CONFIGMAPS);
    expect(await again.status).toBe(200);
    await request(cluster, CONFIGMAPS, { method: 'POST', body: { metadata: { name: 'after-cut' } } });
    await eventually(() => again.events.find((e) => e.type === 'ADDED' && (e.object.metadata as { name: string }).name === 'after-cut'), 'the new watch to see a change');
    again.close();
    agent.destroy();
  });

  it('after compaction, a watch from an older resourceVersion gets 410 Gone in the stream', async () => {
    const cluster = fleet.cluster('cluster-2');
    const old = (await request(cluster, CONFIGMAPS)).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    await request(cluster, CONFIGMAPS, { method: 'POST', body: { metadata: { name: 'after-old' } } });

    const before = openWatch(cluster, `${CONFIGMAPS}?resourceVersion=${old}`);
    expect(await before.status).toBe(200);
    await eventually(() => before.events.length === 1, 'the replayed change');
    before.close();

    cluster.compact();
    const expired = openWatch(cluster, `${CONFIGMAPS}?resourceVersion=${old}`);
    expect(await expired.status).toBe(200);
    expect(await expired.ended).toBe('end');
    expect(expired.events).toHaveLength(1);
    expect(expired.events[0].type).toBe('ERROR');
    expect(expired.events[0].object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410 });

    const current = (await request(cluster, CONFIGMAPS)).json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion;
    const fresh = openWatch(cluster, `${CONFIGMAPS}?resourceVersion=${current}`);
    expect(await fresh.status).toBe(200);
    await request(cluster, CONFIGMAPS, { method: 'POST', body: { metadata: { name: 'after-compact' } } });
    await eventually(() => fresh.events.length === 1, 'the change after compaction');
    expect(fresh.events[0].type).toBe('ADDED');
    fresh.close();
  });
});

describe('reset', () => {
  it('clears latency, failures, expired credentials and denials at once, and leaves a stopped cluster stopped', async () => {
    const cluster = fleet.cluster('cluster-3');
    cluster.setLatency(300);
    cluster.failRequests(0.2, 429);
    cluster.expireCredentials('viewer');
    cluster.deny('admin', { verb: 'get' });
    cluster.resetFaults();
    const res = await timed(() => request(cluster, CONFIGMAPS, { user: 'viewer' }));
    expect(res.value.status).toBe(200);
    expect(res.ms).toBeLessThan(300);
    expect(cluster.faults).toMatchObject({ latencyMs: 0, failureRate: 0, denials: [] });
    expect(cluster.faults.expiredUsers.size).toBe(0);
    expect((await request(cluster, '/api/v1/namespaces/default')).status).toBe(200);

    await cluster.stop();
    cluster.resetFaults();
    expect((await networkError(request(cluster, CONFIGMAPS))).code).toBe('ECONNREFUSED');
  });
});

describe('isolation', () => {
  it('a slow cluster and a stopped cluster do not slow requests to the others', async () => {
    const [slow, healthy, down] = fleet.clusters;
    slow.setLatency(1500);
    await down.stop();
    let slowAnswered = 0;
    const pending = Array.from({ length: 20 }, () => request(slow, CONFIGMAPS).then((r) => (slowAnswered++, r.status)));
    const refused = Array.from({ length: 20 }, () => networkError(request(down, CONFIGMAPS)));

    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const { ms } = await timed(() => Promise.all(Array.from({ length: 50 }, () => request(healthy, CONFIGMAPS, { agent }))));
    agent.destroy();
    // All 50 answered while the slow cluster's 20 requests still waited.
    expect(slowAnswered).toBe(0);
    expect(ms).toBeLessThan(1000);
    for (const err of await Promise.all(refused)) expect(err.code).toBe('ECONNREFUSED');
    expect(await Promise.all(pending)).toEqual(Array(20).fill(200));
  });
});

describe('admin endpoint', () => {
  it('inflicts the same faults over HTTP, behind its token', async () => {
    const admin = await startAdminEndpoint(fleet);
    try {
      const post = (path: string, body: unknown = {}, token = admin.token) =>
        fetch(`${admin.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await post('/clusters/cluster-1/stop', {}, 'wrong')).status).toBe(401);
      expect(fleet.cluster('cluster-1').up).toBe(true);

      expect((await post('/clusters/cluster-1/stop')).status).toBe(200);
      expect((await networkError(request(fleet.cluster('cluster-1'), CONFIGMAPS))).code).toBe('ECONNREFUSED');
      const list = await fetch(`${admin.url}/clusters`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(((await list.json()) as { name: string; up: boolean }[]).map((c) => [c.name, c.up])).toEqual([
        ['cluster-1', false],
        ['cluster-2', true],
        ['cluster-3', true],
      ]);
      expect((await post('/clusters/cluster-1/start')).status).toBe(200);
      expect((await request(fleet.cluster('cluster-1'), CONFIGMAPS)).status).toBe(200);

      expect((await post('/clusters/cluster-2/failures', { rate: 1, status: 429, retryAfterSeconds: 3 })).status).toBe(200);
      const limited = await request(fleet.cluster('cluster-2'), CONFIGMAPS);
      expect([limited.status, limited.headers['retry-after']]).toEqual([429, '3']);
      expect((await post('/clusters/cluster-2/deny', { user: 'viewer', verb: 'get' })).status).toBe(200);
      expect(fleet.cluster('cluster-2').faults.denials).toEqual([{ username: 'viewer', verb: 'get', resource: undefined, group: undefined }]);
      expect((await post('/clusters/cluster-2/reset')).status).toBe(200);
      expect((await request(fleet.cluster('cluster-2'), CONFIGMAPS)).status).toBe(200);

      const badUser = await post('/clusters/cluster-2/expire', { user: 'root' });
      expect(badUser.status).toBe(400);
      expect(((await badUser.json()) as { error: string }).error).toBe('user must be one of admin, admin-cert, viewer');
      expect((await post('/clusters/cluster-2/explode')).status).toBe(404);
      expect((await post('/clusters/cluster-9/stop')).status).toBe(404);
      for (const bad of [{ rate: 2 }, { rate: 1, status: 418 }]) expect((await post('/clusters/cluster-2/failures', bad)).status).toBe(400);
      expect((await post('/clusters/cluster-2/latency', { ms: 'slow' })).status).toBe(400);
      expect(fleet.cluster('cluster-2').faults).toMatchObject({ latencyMs: 0, failureRate: 0 });

      // A burst: one object into every running cluster at once, seen over the API.
      await fleet.cluster('cluster-3').stop();
      const burst = await post('/objects', { plural: 'configmaps', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'admin-burst', namespace: 'default' }, data: { a: '1' } } });
      expect(await burst.json()).toEqual({ created: 2 });
      await fleet.cluster('cluster-3').start();
      for (const name of ['cluster-1', 'cluster-2']) expect((await request(fleet.cluster(name), `${CONFIGMAPS}/admin-burst`)).status).toBe(200);
      expect((await request(fleet.cluster('cluster-3'), `${CONFIGMAPS}/admin-burst`)).status).toBe(404);
      expect((await post('/objects', { plural: 'widgets', object: { metadata: { name: 'x' } } })).status).toBe(400);
    } finally {
      await admin.close();
    }
  });
});
