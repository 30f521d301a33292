/**
 * Query parameters sent to a lab cluster over raw HTTPS, spelled as clients
 * other than kubectl spell them, read as kube-apiserver reads them: booleans
 * as apimachinery converts them (`watch=True`, `watch=1` and even
 * `watch=yes` watch; only `0` and `false` in any case do not), integers as
 * Go's ParseInt (a 400 otherwise), option values outside their set as a 422
 * that names the options; and the real kubectl, which spells them its own
 * way, still gets what it asks for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabCluster } from '../../main/lab/cluster.js';
import { RESOURCE_TYPES } from '../../main/lab/resources.js';
import { KUBECTL, tableOf, type KubectlSession } from '../support/kubectl.js';
import { startKubectlLab, type KubectlLab } from '../support/lab-kubectl.js';
import { eventually, openWatch, request } from './lab-helpers.js';

const CONFIGMAPS = RESOURCE_TYPES.find((r) => r.plural === 'configmaps')!;
const NS = 'params';
const PATH = `/api/v1/namespaces/${NS}/configmaps`;
const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });

let lab: KubectlLab;
let cluster: LabCluster;

beforeAll(async () => {
  lab = await startKubectlLab('lab-query-params', 1);
  cluster = lab.fleet.cluster('cluster-1');
  const ns = await request(cluster, '/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } });
  expect(ns.status).toBe(201);
  for (const name of ['one', 'two', 'three']) {
    expect((await request(cluster, PATH, { method: 'POST', body: configMap(name) })).status).toBe(201);
  }
});

afterAll(async () => {
  await lab?.close();
});

/** The Status of a refused request, and that it is JSON. */
function status(res: { status: number; headers: Record<string, unknown>; json<T>(): T }): { code: number; reason: string; message: string } {
  expect(res.headers['content-type']).toBe('application/json');
  const body = res.json<{ kind: string; status: string; code: number; reason: string; message: string }>();
  expect([body.kind, body.status, body.code]).toEqual(['Status', 'Failure', res.status]);
  return { code: body.code, reason: body.reason, message: body.message };
}

describe('watch', () => {
  it.each(['True', '1', 'TRUE', 'yes'])('watch=%s streams the current objects, then each change', async (spelling) => {
    const w = openWatch(cluster, `${PATH}?watch=${spelling}`);
    try {
      expect(await w.status).toBe(200);
      await eventually(() => w.events.length >= 3, 'the three ADDED events');
      expect(w.events.map((e) => [e.type, (e.object.metadata as { name: string }).name]).sort()).toEqual([
        ['ADDED', 'one'],
        ['ADDED', 'three'],
        ['ADDED', 'two'],
      ]);
      const res = await request(cluster, `${PATH}/one`, { method: 'PATCH', body: { data: { b: spelling } }, contentType: 'application/merge-patch+json' });
      expect(res.status).toBe(200);
      const modified = await eventually(() => w.events.find((e) => e.type === 'MODIFIED'), 'the MODIFIED event');
      expect((modified.object.data as Record<string, string>).b).toBe(spelling);
    } finally {
      w.close();
    }
  });

  it.each(['false', 'False', '0'])('watch=%s answers a plain list', async (spelling) => {
    const res = await request(cluster, `${PATH}?watch=${spelling}`);
    expect(res.status).toBe(200);
    const list = res.json<{ kind: string; items: unknown[] }>();
    expect([list.kind, list.items.length]).toEqual(['ConfigMapList', 3]);
  });

  it('a watch with a timeoutSeconds that is not a number is a 400, and no stream is opened', async () => {
    const res = await request(cluster, `${PATH}?watch=1&timeoutSeconds=10s`);
    expect([res.status, status(res)]).toEqual([400, { code: 400, reason: 'BadRequest', message: 'strconv.ParseInt: parsing "10s": invalid syntax' }]);
    expect(cluster.stats().watches.open).toBe(0);
  });

  it('timeoutSeconds=1 ends the stream after a second', async () => {
    const w = openWatch(cluster, `${PATH}?watch=true&timeoutSeconds=1`);
    expect(await w.status).toBe(200);
    expect(await w.ended).toBe('end');
  });

  it('sendInitialEvents is refused as a server without the WatchList feature refuses it (client-go then lists and watches)', async () => {
    const res = await request(cluster, `${PATH}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan`);
    expect([res.status, status(res).reason]).toEqual([422, 'Invalid']);
    expect(status(res).message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: sendInitialEvents: Forbidden: sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled',
    );
  });
});

describe('lists', () => {
  it('limit pages the list; limit=abc is a 400 with Go\'s message', async () => {
    const page = await request(cluster, `${PATH}?limit=2`);
    expect(page.json<{ items: unknown[]; metadata: { continue?: string } }>().items).toHaveLength(2);
    const bad = await request(cluster, `${PATH}?limit=abc`);
    expect([bad.status, status(bad)]).toEqual([400, { code: 400, reason: 'BadRequest', message: 'strconv.ParseInt: parsing "abc": invalid syntax' }]);
  });

  it('a resourceVersionMatch outside its set is a 422', async () => {
    const res = await request(cluster, `${PATH}?resourceVersion=1&resourceVersionMatch=newest`);
    expect([res.status, status(res).message]).toEqual([
      422,
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "newest": supported values: "Exact", "NotOlderThan", ""',
    ]);
  });

  it('pretty=true indents the answer, pretty=yes does not (strconv.ParseBool, errors ignored)', async () => {
    const plain = await request(cluster, `${PATH}/one`);
    expect(plain.body).not.toContain('\n');
    const pretty = await request(cluster, `${PATH}/one?pretty=true`);
    expect(pretty.body).toMatch(/^\{\n {2}"apiVersion": "v1",\n/);
    expect(JSON.parse(pretty.body)).toEqual(plain.json());
    expect((await request(cluster, `${PATH}/one?pretty=yes`)).body).toBe(plain.body);
  });
});

describe('writes', () => {
  it('dryRun=true (not All) on a create is a 422 and nothing is stored', async () => {
    const res = await request(cluster, `${PATH}?dryRun=true`, { method: 'POST', body: configMap('dry') });
    expect([res.status, status(res).message]).toEqual([
      422,
      'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"true"}: supported values: "All"',
    ]);
    expect(cluster.store.get(CONFIGMAPS, NS, 'dry')).toBeUndefined();
  });

  it('dryRun=All creates nothing and answers the object', async () => {
    const res = await request(cluster, `${PATH}?dryRun=All`, { method: 'POST', body: configMap('dry') });
    expect(res.status).toBe(201);
    expect(cluster.store.get(CONFIGMAPS, NS, 'dry')).toBeUndefined();
  });

  it('an apply without a fieldManager, and force on a merge patch, are refused with 422', async () => {
    const apply = await request(cluster, `${PATH}/one`, { method: 'PATCH', body: JSON.stringify(configMap('one')), contentType: 'application/apply-patch+yaml' });
    expect([apply.status, status(apply).message]).toEqual([422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch']);
    const merge = await request(cluster, `${PATH}/one?force=true`, { method: 'PATCH', body: { data: { c: '3' } }, contentType: 'application/merge-patch+json' });
    expect([merge.status, status(merge).message]).toEqual([422, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch']);
    expect(cluster.store.get(CONFIGMAPS, NS, 'one')?.data).not.toHaveProperty('c');
  });

  it('a propagationPolicy outside Orphan, Background and Foreground is a 422 and the object stays', async () => {
    const res = await request(cluster, `${PATH}/two?propagationPolicy=Cascade`, { method: 'DELETE' });
    expect([res.status, status(res).message]).toEqual([
      422,
      'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Cascade": supported values: "Foreground", "Background", "Orphan", "nil"',
    ]);
    expect(cluster.store.get(CONFIGMAPS, NS, 'two')).toBeDefined();
    const body = await request(cluster, `${PATH}/two`, { method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Cascade' } });
    expect(body.status).toBe(422);
    expect(cluster.store.get(CONFIGMAPS, NS, 'two')).toBeDefined();
  });
});

describe.skipIf(!KUBECTL)('the real kubectl', () => {
  let kubectl: KubectlSession;
  beforeAll(() => {
    kubectl = lab.kubectl;
  });

  it('pages with --chunk-size, dry-runs on the server, applies server-side with --force-conflicts and deletes in the foreground', async () => {
    const listed = tableOf(await kubectl.ok(['-n', NS, 'get', 'configmaps', '--chunk-size=1']));
    expect(listed.rows.map((r) => r.NAME)).toEqual(expect.arrayContaining(['one', 'three', 'two']));

    expect(await kubectl.ok(['-n', NS, 'create', 'configmap', 'trial', '--from-literal=a=1', '--dry-run=server'])).toBe('configmap/trial created (server dry run)\n');
    expect(cluster.store.get(CONFIGMAPS, NS, 'trial')).toBeUndefined();

    const manifest = JSON.stringify({ ...configMap('applied'), metadata: { name: 'applied', namespace: NS } });
    expect(await kubectl.ok(['apply', '--server-side', '--force-conflicts', '-f', '-'], { stdin: manifest })).toBe('configmap/applied serverside-applied\n');
    expect(cluster.store.get(CONFIGMAPS, NS, 'applied')?.data).toEqual({ a: '1' });

    expect(await kubectl.ok(['-n', NS, 'delete', 'configmap', 'applied', '--cascade=foreground'])).toBe('configmap "applied" deleted\n');
    await eventually(() => !cluster.store.get(CONFIGMAPS, NS, 'applied'), 'the foreground delete');
  });

  it('kubectl get -w sees a change', async () => {
    const watch = kubectl.start(['-n', NS, 'get', 'configmap', 'three', '--watch', '--output-watch-events']);
    try {
      await watch.waitForLine(/^ADDED\s+three\s+1\s+\d+s$/);
      const seen = watch.lines.length;
      await kubectl.ok(['-n', NS, 'patch', 'configmap', 'three', '--type=merge', '-p', '{"data":{"b":"2"}}']);
      await watch.waitForLine(/^MODIFIED\s+three\s+2\s+\d+s$/, { from: seen });
    } finally {
      await watch.stop();
    }
  });
});
