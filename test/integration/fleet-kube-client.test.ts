/**
 * The cluster client and informer under the fleet view, against the lab
 * fleet over real HTTPS: retries that honour Retry-After, timeouts, one
 * slow cluster not holding up the others through the shared limiter,
 * client-node's typed APIs over the same transport, and watches that resume
 * after a cut, re-list after 410, and come back after the cluster does.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient } from '../../main/kube/cluster-client.js';
import { toAppError } from '../../main/kube/errors.js';
import { Informer, type InformerStatus, type KubeObject } from '../../main/kube/informer.js';
import { Limiter } from '../../main/kube/limiter.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { AppError } from '../../shared/contract/index.js';
import { eventually, kubeConfigFor, request } from './lab-helpers.js';

let fleet: LabFleet;
let yaml: string;
const clients: ClusterClient[] = [];

beforeAll(async () => {
  fleet = await startLabFleet({ clusters: 3, empty: true });
  yaml = fleet.kubeconfig();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await fleet?.stop();
});

afterEach(async () => {
  for (const c of fleet.clusters) {
    c.resetFaults();
    await c.start();
  }
});

function client(context: string, opts: Partial<ConstructorParameters<typeof ClusterClient>[1]> = {}, user?: string): ClusterClient {
  const c = new ClusterClient(kubeConfigFor(yaml, context, user), { name: context, ...opts });
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

const CM = '/api/v1/namespaces/default/configmaps';

describe('requests', () => {
  it('retries a 429 after the time Retry-After asks, and succeeds once the cluster recovers', async () => {
    const cluster = fleet.cluster('cluster-1');
    cluster.failRequests(1, 429, 1);
    setTimeout(() => cluster.resetFaults(), 300);
    const started = Date.now();
    const res = await client('cluster-1').send({ path: CM });
    expect(res.status).toBe(200);
    expect(res.retries).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up on a cluster that keeps answering 503, saying it retried', async () => {
    fleet.cluster('cluster-1').failRequests(1, 503, 0);
    const err = await rejection(client('cluster-1', { retry: { maxRetries: 2, maxDelayMs: 1_000, baseDelayMs: 10 } }).request({ path: CM }));
    expect(err.code).toBe('SERVER');
    expect(err.message).toContain("cluster-1's API server failed to list configmaps in namespace default: 503");
    expect(err.message).toContain('after 2 retries');
  });

  it('does not sit on a Retry-After longer than its cap', async () => {
    fleet.cluster('cluster-1').failRequests(1, 429, 120);
    const started = Date.now();
    const err = await rejection(client('cluster-1').request({ path: CM }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err.message).toContain('rate-limiting requests (429 Too Many Requests)');
  });

  it('times out a slow answer after the timeout, not after the answer', async () => {
    fleet.cluster('cluster-2').setLatency(1_500);
    const started = Date.now();
    const err = await rejection(client('cluster-2').request({ path: CM, timeoutMs: 300 }));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(err).toMatchObject({ code: 'TIMEOUT', cluster: 'cluster-2' });
    expect(err.message).toContain('did not answer within 0.3 s');
  });

  it('keeps serving other clusters at full speed while one slow cluster holds its share of the shared limiter', async () => {
    const limiter = new Limiter({ global: 4, perKey: 2 });
    fleet.cluster('cluster-2').setLatency(1_500);
    const slow = client('cluster-2', { limiter });
    const fast = client('cluster-3', { limiter });
    const slowRuns = Array.from({ length: 8 }, () => slow.send({ path: CM }).catch((err: unknown) => err));
    const started = Date.now();
    await Promise.all(Array.from({ length: 8 }, () => fast.send({ path: CM })));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(limiter.active).toBe(2); // the slow cluster's share, and no more
    slow.close();
    await Promise.all(slowRuns);
  });

  it('serves client-node typed APIs over the same transport, and their errors read as AppErrors', async () => {
    const admin = client('cluster-3');
    const namespaces = await admin.api(CoreV1Api).listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'kasten-io']));
    const viewer = client('cluster-3', {}, 'cluster-3-viewer');
    try {
      await viewer.api(CoreV1Api).listNamespacedSecret({ namespace: 'kasten-io' });
      throw new Error('expected a 403');
    } catch (err) {
      const e = toAppError(err, viewer.errorContext({ method: 'GET', path: '/api/v1/namespaces/kasten-io/secrets' }));
      expect(e.code).toBe('FORBIDDEN');
      expect(e.message).toContain('cluster-3 does not allow you to list secrets in namespace kasten-io');
    }
  });
});

/** An informer on one namespace's ConfigMaps, recording what changes and its states. */
function configMaps(c: ClusterClient, ns: string) {
  const seen = { changes: 0, lists: 0, states: [] as InformerStatus['state'][], errors: [] as AppError[] };
  const listing = c.list.bind(c);
  c.list = ((...args: Parameters<typeof listing>) => (seen.lists++, listing(...args))) as typeof c.list;
  const inf = new Informer<string | undefined>({
    client: c,
    path: `/api/v1/namespaces/${ns}/configmaps`,
    project: (o: KubeObject) => (o.data as Record<string, string> | undefined)?.v,
    onChange: () => seen.changes++,
    onStatus: (s) => {
      seen.states.push(s.state);
      if (s.state === 'error') seen.errors.push(s.error);
    },
    backoff: { initialMs: 100, maxMs: 500 },
  });
  const cache = () => Object.fromEntries(inf.entries());
  return { inf, seen, cache };
}

async function createNs(c: ClusterClient, name: string) {
  await c.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name } } });
}

async function put(c: ClusterClient, ns: string, name: string, v: string) {
  const path = `/api/v1/namespaces/${ns}/configmaps`;
  const res = await c.send({ method: 'PATCH', path: `${path}/${name}`, body: { data: { v } }, contentType: 'application/merge-patch+json' });
  if (res.status === 404) await c.request({ method: 'POST', path, body: { metadata: { name }, data: { v } } });
}

describe('informers', () => {
  it('resumes a cut watch from its resourceVersion: nothing done meanwhile is missed, nothing is re-listed', async () => {
    const c = client('cluster-1');
    await createNs(c, 'inf-cut');
    await put(c, 'inf-cut', 'a', '1');
    const { inf, seen, cache } = configMaps(c, 'inf-cut');
    inf.start();
    await eventually(() => inf.synced && cache()['inf-cut/a'] === '1', 'the first list');

    fleet.cluster('cluster-1').cutWatches();
    await put(c, 'inf-cut', 'a', '2');
    await put(c, 'inf-cut', 'b', '1');
    await c.request({ method: 'DELETE', path: '/api/v1/namespaces/inf-cut/configmaps/a' });
    await eventually(() => JSON.stringify(cache()) === JSON.stringify({ 'inf-cut/b': '1' }), 'the cache to catch up after the cut');
    expect(seen.lists).toBe(1);
    await inf.stop();
  });

  it('re-lists after 410 Gone from a compacted history, and the cache drops what was deleted meanwhile', async () => {
    const c = client('cluster-3');
    await createNs(c, 'inf-gone');
    for (const n of ['keep', 'gone']) await put(c, 'inf-gone', n, '1');
    const { inf, seen, cache } = configMaps(c, 'inf-gone');
    inf.start();
    await eventually(() => inf.synced && Object.keys(cache()).length === 2, 'the first list');
    const cluster = fleet.cluster('cluster-3');
    // Stop the cluster so the informer is away, change things, compact, then bring it back.
    await cluster.stop();
    await eventually(() => inf.status.state === 'error', 'the informer to notice');
    await cluster.start();
    await request(cluster, '/api/v1/namespaces/inf-gone/configmaps/gone', { method: 'DELETE' });
    await put(c, 'inf-gone', 'new', '1');
    cluster.compact();
    inf.kick();
    await eventually(() => JSON.stringify(Object.keys(cache()).sort()) === JSON.stringify(['inf-gone/keep', 'inf-gone/new']), 'the cache to match the server after the re-list', 8_000);
    expect(inf.status.state).toBe('synced');
    expect(seen.lists).toBe(2);
    await inf.stop();
  });

  it('reports a stopped cluster as an error naming it, and recovers when it is back', async () => {
    const c = client('cluster-2');
    const { inf, seen } = configMaps(c, 'default');
    inf.start();
    await eventually(() => inf.status.state === 'synced', 'the first list');
    await fleet.cluster('cluster-2').stop();
    await eventually(() => inf.status.state === 'error', 'the error state');
    expect(seen.errors[0]).toMatchObject({ cluster: 'cluster-2' });
    expect(['UNREACHABLE']).toContain(seen.errors[0].code);
    await fleet.cluster('cluster-2').start();
    inf.kick();
    await eventually(() => inf.status.state === 'synced', 'the informer to recover', 5_000);
    await inf.stop();
  });

  it('calls a type that the cluster does not serve absent, not an error', async () => {
    const c = client('cluster-2');
    const inf = new Informer({ client: c, path: '/apis/nothing.example.com/v1/widgets', project: () => 1 });
    inf.start();
    await eventually(() => inf.status.state === 'absent', 'the absent state');
    expect(inf.synced).toBe(true);
    expect(inf.size).toBe(0);
    await inf.stop();
  });

  it('stops cleanly: no error reported for its own stop, and no watch left open', async () => {
    const c = client('cluster-1');
    const { inf, seen } = configMaps(c, 'default');
    inf.start();
    await eventually(() => inf.status.state === 'synced', 'the first list');
    await new Promise((r) => setTimeout(r, 50));
    await inf.stop();
    expect(seen.errors).toEqual([]);
  });
});
