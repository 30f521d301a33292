/**
 * The lab fleet as @kubernetes/client-node 1.4 sees it: the same calls, list
 * shapes, watches, informers and errors a Flotilla service will make against
 * real clusters, over real HTTPS, through the fleet's own kubeconfig.
 *
 * What client-node 1.4's informer (ListWatch, dist/cache.js) does, which the
 * informer tests below pin down:
 * - a watch that drops (socket closed) ends with an error: the informer calls
 *   its `error` callbacks and stops; whoever restarts it (`start()`) resumes
 *   from the last resourceVersion it saw, without a re-list;
 * - an ERROR event with code 410 clears that resourceVersion, and when the
 *   server then ends the stream the informer re-lists by itself, firing
 *   add/update/delete for what changed — no `error` callback;
 * - `stop()` aborts the watch and reports the AbortError through `error` too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiException,
  AuthenticationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  ListWatch,
  PatchStrategy,
  VersionApi,
  Watch,
  makeInformer,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { eventually, kubeConfigFor } from './lab-helpers.js';

const KASTEN = { group: 'config.kio.kasten.io', version: 'v1alpha1', namespace: 'kasten-io' };

let fleet: LabFleet;
let yaml: string;

beforeAll(async () => {
  fleet = await startLabFleet({ clusters: 3 });
  yaml = fleet.kubeconfig();
});

afterAll(async () => {
  await fleet?.stop();
});

const config = (context = 'cluster-1', user?: string) => kubeConfigFor(yaml, context, user);
const core = (context = 'cluster-1', user?: string) => config(context, user).makeApiClient(CoreV1Api);
const custom = (context = 'cluster-1', user?: string) => config(context, user).makeApiClient(CustomObjectsApi);

async function namespace(api: CoreV1Api, name: string): Promise<void> {
  await api.createNamespace({ body: { metadata: { name } } });
}

/**
 * The ApiException a call fails with, its body (a string of JSON: client-node
 * does not parse error bodies) parsed as the Status it is.
 */
async function apiError(call: Promise<unknown>): Promise<{ code: number; status: { reason?: string; message?: string; code?: number }; error: ApiException<unknown> }> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    const body = err.body as unknown;
    return { code: err.code, status: typeof body === 'string' ? JSON.parse(body) : (body as object), error: err };
  }
  throw new Error('expected the call to fail with an ApiException');
}

const names = (items: KubernetesObject[]) => items.map((o) => o.metadata!.name!);

describe('client-node against the lab fleet', () => {
  it('reaches each cluster through its own context, and each keeps its own objects', async () => {
    for (const c of fleet.clusters) {
      const version = await config(c.name).makeApiClient(VersionApi).getCode();
      expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+/);
      const nss = await core(c.name).listNamespace();
      expect(names(nss.items)).toEqual(expect.arrayContaining(['default', 'kube-system', 'kasten-io']));
      await core(c.name).createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'where-am-i' }, data: { cluster: c.name } } });
    }
    for (const c of fleet.clusters) {
      const cm = await core(c.name).readNamespacedConfigMap({ namespace: 'default', name: 'where-am-i' });
      expect(cm.data).toEqual({ cluster: c.name });
    }
  });

  it('creates, reads, replaces, patches and deletes core objects', async () => {
    const api = core('cluster-2');
    await namespace(api, 'crud');
    const created = await api.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'settings', labels: { app: 'x' } }, data: { a: '1' } } });
    expect(created.metadata?.uid).toBeTruthy();
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);

    const read = await api.readNamespacedConfigMap({ namespace: 'crud', name: 'settings' });
    expect(read).toEqual(created);

    const replaced = await api.replaceNamespacedConfigMap({ namespace: 'crud', name: 'settings', body: { ...read, data: { a: '2' } } });
    expect(replaced.data).toEqual({ a: '2' });
    expect(Number(replaced.metadata!.resourceVersion)).toBeGreaterThan(Number(read.metadata!.resourceVersion));

    // client-node's default patch type is a JSON patch; the others need the Content-Type set.
    const jsonPatched = await api.patchNamespacedConfigMap({ namespace: 'crud', name: 'settings', body: [{ op: 'add', path: '/data/b', value: 'x' }] });
    expect(jsonPatched.data).toEqual({ a: '2', b: 'x' });
    const merged = await api.patchNamespacedConfigMap(
      { namespace: 'crud', name: 'settings', body: { data: { a: null, c: 'y' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.data).toEqual({ b: 'x', c: 'y' });
    const strategic = await api.patchNamespacedConfigMap(
      { namespace: 'crud', name: 'settings', body: { metadata: { labels: { tier: 'gold' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.metadata?.labels).toEqual({ app: 'x', tier: 'gold' });

    const secret = await api.createNamespacedSecret({ namespace: 'crud', body: { metadata: { name: 'creds' }, stringData: { password: 'hunter2' } } });
    expect(secret.type).toBe('Opaque');
    expect(Buffer.from(secret.data!.password, 'base64').toString()).toBe('hunter2');

    await api.deleteNamespacedConfigMap({ namespace: 'crud', name: 'settings' });
    expect((await apiError(api.readNamespacedConfigMap({ namespace: 'crud', name: 'settings' }))).code).toBe(404);

    // A namespace goes once what it holds is gone.
    await api.deleteNamespace({ name: 'crud' });
    await eventually(async () => (await apiError(api.readNamespace({ name: 'crud' }))).code === 404, 'namespace crud to go');
    expect((await apiError(api.readNamespacedSecret({ namespace: 'crud', name: 'creds' }))).code).toBe(404);
  });

  it('creates, reads, patches, updates the status of and deletes Kasten objects through CustomObjectsApi', async () => {
    const api = custom('cluster-3');
    const body = {
      apiVersion: 'config.kio.kasten.io/v1alpha1',
      kind: 'Profile',
      metadata: { name: 'it-s3', labels: { purpose: 'integration' } },
      spec: { type: 'Location', locationSpec: { type: 'ObjectStore', objectStore: { name: 'bucket', objectStoreType: 'S3', region: 'eu-west-1' } } },
    };
    const created = (await api.createNamespacedCustomObject({ ...KASTEN, plural: 'profiles', body })) as KubernetesObject & { spec: typeof body.spec };
    expect(created.metadata).toMatchObject({ name: 'it-s3', namespace: 'kasten-io', generation: 1 });
    expect(created.spec).toEqual(body.spec);

    const got = (await api.getNamespacedCustomObject({ ...KASTEN, plural: 'profiles', name: 'it-s3' })) as KubernetesObject;
    expect(got.metadata?.uid).toBe(created.metadata?.uid);

    // CustomObjectsApi.patch* sends a merge patch unless told otherwise.
    const patched = (await api.patchNamespacedCustomObject(
      { ...KASTEN, plural: 'profiles', name: 'it-s3', body: { spec: { locationSpec: { objectStore: { region: 'us-east-1' } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as KubernetesObject & { spec: typeof body.spec };
    expect(patched.spec.locationSpec.objectStore).toEqual({ name: 'bucket', objectStoreType: 'S3', region: 'us-east-1' });
    expect(patched.metadata?.generation).toBe(2);

    const withStatus = (await api.replaceNamespacedCustomObjectStatus({
      ...KASTEN,
      plural: 'profiles',
      name: 'it-s3',
      body: { ...patched, status: { validation: 'Success' } },
    })) as KubernetesObject & { status?: unknown };
    expect(withStatus.status).toEqual({ validation: 'Success' });
    expect(withStatus.metadata?.generation).toBe(2); // status does not count as a spec change

    const listed = (await api.listNamespacedCustomObject({ ...KASTEN, plural: 'profiles', labelSelector: 'purpose=integration' })) as KubernetesListObject<KubernetesObject>;
    expect(names(listed.items)).toEqual(['it-s3']);
    const policies = (await api.listNamespacedCustomObject({ ...KASTEN, plural: 'policies' })) as KubernetesListObject<KubernetesObject>;
    expect(policies.items.length).toBeGreaterThan(0);
    expect(new Set(policies.items.map((p) => p.kind))).toEqual(new Set(['Policy']));

    await api.deleteNamespacedCustomObject({ ...KASTEN, plural: 'profiles', name: 'it-s3' });
    expect((await apiError(api.getNamespacedCustomObject({ ...KASTEN, plural: 'profiles', name: 'it-s3' }))).code).toBe(404);
  });

  it('lists with label selectors and pages through lists with limit and continue', async () => {
    const api = core('cluster-1');
    await namespace(api, 'paging');
    for (let i = 0; i < 7; i++) {
      const tier = i < 5 ? 'gold' : 'silver';
      await api.createNamespacedConfigMap({ namespace: 'paging', body: { metadata: { name: `cm-${i}`, labels: { tier } } } });
    }
    const gold = await api.listNamespacedConfigMap({ namespace: 'paging', labelSelector: 'tier=gold' });
    expect(names(gold.items)).toEqual(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4']);
    expect(names((await api.listNamespacedConfigMap({ namespace: 'paging', labelSelector: 'tier in (gold,silver),tier!=gold' })).items)).toEqual(['cm-5', 'cm-6']);
    expect((await api.listNamespacedConfigMap({ namespace: 'paging', labelSelector: '!tier' })).items).toEqual([]);

    const pages: { names: string[]; remaining?: number; rv?: string }[] = [];
    let token: string | undefined;
    do {
      const page = await api.listNamespacedConfigMap({ namespace: 'paging', labelSelector: 'tier=gold', limit: 2, _continue: token });
      pages.push({ names: names(page.items), remaining: page.metadata?.remainingItemCount, rv: page.metadata?.resourceVersion });
      token = page.metadata?._continue;
    } while (token);
    expect(pages.map((p) => p.names)).toEqual([['cm-0', 'cm-1'], ['cm-2', 'cm-3'], ['cm-4']]);
    expect(pages.map((p) => p.remaining)).toEqual([3, 1, undefined]);

    // The same through CustomObjectsApi, over the seeded policies: the pages add up to the whole list.
    // Its results are plain JSON, so the token is `metadata.continue` there, not `_continue`.
    const all = (await custom('cluster-1').listNamespacedCustomObject({ ...KASTEN, plural: 'policies' })) as KubernetesListObject<KubernetesObject>;
    const paged: string[] = [];
    let next: string | undefined;
    do {
      const page = (await custom('cluster-1').listNamespacedCustomObject({ ...KASTEN, plural: 'policies', limit: 1, _continue: next })) as KubernetesListObject<KubernetesObject>;
      expect(page.items.length).toBe(1);
      paged.push(...names(page.items));
      next = (page.metadata as { continue?: string } | undefined)?.continue;
    } while (next);
    expect(paged).toEqual(names(all.items));
  });

  it('streams ADDED, MODIFIED and DELETED to a raw Watch from a resourceVersion', async () => {
    const api = core('cluster-2');
    await namespace(api, 'watching');
    await api.createNamespacedConfigMap({ namespace: 'watching', body: { metadata: { name: 'before' } } });
    const start = (await api.listNamespacedConfigMap({ namespace: 'watching' })).metadata!.resourceVersion!;

    const events: { type: string; name: string; rv: string }[] = [];
    let doneCalls = 0;
    const controller = await new Watch(config('cluster-2')).watch(
      '/api/v1/namespaces/watching/configmaps',
      { resourceVersion: start },
      (type, obj: V1ConfigMap) => events.push({ type, name: obj.metadata!.name!, rv: obj.metadata!.resourceVersion! }),
      () => doneCalls++,
    );
    const created = await api.createNamespacedConfigMap({ namespace: 'watching', body: { metadata: { name: 'w' }, data: { n: '1' } } });
    const changed = await api.patchNamespacedConfigMap({ namespace: 'watching', name: 'w', body: [{ op: 'replace', path: '/data/n', value: '2' }] });
    await api.deleteNamespacedConfigMap({ namespace: 'watching', name: 'w' });
    await eventually(() => events.some((e) => e.type === 'DELETED'), 'the DELETED event');

    expect(events.map((e) => [e.type, e.name])).toEqual([['ADDED', 'w'], ['MODIFIED', 'w'], ['DELETED', 'w']]);
    expect(events[0].rv).toBe(created.metadata!.resourceVersion);
    expect(events[1].rv).toBe(changed.metadata!.resourceVersion);
    expect(Number(events[2].rv)).toBeGreaterThan(Number(events[1].rv));
    controller.abort();
    await eventually(() => doneCalls === 1, 'the watch to report it is done');
  });
});

/** An informer on one namespace's ConfigMaps, recording what its user sees. */
function informer(kc: KubeConfig, ns: string) {
  const api = kc.makeApiClient(CoreV1Api);
  const seen = { lists: 0, connects: 0, events: [] as string[], errors: [] as unknown[] };
  // makeInformer returns a ListWatch typed as its interfaces; the class also tells its resourceVersion.
  const inf = makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`, () => {
    seen.lists++;
    return api.listNamespacedConfigMap({ namespace: ns });
  }) as ListWatch<V1ConfigMap>;
  inf.on('add', (o) => seen.events.push(`add ${o.metadata!.name}`));
  inf.on('update', (o) => seen.events.push(`update ${o.metadata!.name}`));
  inf.on('delete', (o) => seen.events.push(`delete ${o.metadata!.name}`));
  inf.on('connect', () => seen.connects++);
  inf.on('error', (err) => seen.errors.push(err));
  /** name → resourceVersion of the informer's cache. */
  const cache = () => Object.fromEntries(inf.list().map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!]));
  const server = async () =>
    Object.fromEntries((await api.listNamespacedConfigMap({ namespace: ns })).items.map((o) => [o.metadata!.name!, o.metadata!.resourceVersion!]));
  return { inf, seen, cache, server };
}

describe('client-node informers against the lab fleet', () => {
  it('survives a cut watch: restarted, it resumes from its resourceVersion and misses nothing done meanwhile', async () => {
    const cluster = fleet.cluster('cluster-1');
    const api = core('cluster-1');
    await namespace(api, 'informed');
    await api.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'a' }, data: { v: '1' } } });
    const { inf, seen, cache, server } = informer(config('cluster-1'), 'informed');
    await inf.start();
    expect(seen.events).toEqual(['add a']);
    await api.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'b' } } });
    await eventually(() => cache().b, 'the informer to see b');

    cluster.cutWatches();
    await eventually(() => seen.errors.length === 1, 'the informer to report the dropped watch');
    expect((seen.errors[0] as NodeJS.ErrnoException).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
    const resumeFrom = inf.latestResourceVersion();
    // While nobody watches: a change, a new object and a deletion.
    await api.patchNamespacedConfigMap({ namespace: 'informed', name: 'a', body: [{ op: 'replace', path: '/data/v', value: '2' }] });
    await api.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'c' } } });
    await api.deleteNamespacedConfigMap({ namespace: 'informed', name: 'b' });

    await inf.start();
    const want = await server();
    await eventually(() => JSON.stringify(cache()) === JSON.stringify(want) && cache(), 'the cache to catch up');
    expect(seen.lists).toBe(1); // resumed from resumeFrom, not re-listed
    expect(Number(resumeFrom)).toBeLessThan(Number(inf.latestResourceVersion()));
    expect(seen.events).toEqual(['add a', 'add b', 'update a', 'add c', 'delete b']);
    expect(seen.errors).toHaveLength(1);
    await inf.stop();
  });

  it('re-lists by itself after a 410 Gone from a compacted history, with add, update and delete for what changed', async () => {
    const cluster = fleet.cluster('cluster-3');
    const api = core('cluster-3');
    await namespace(api, 'compacted');
    for (const name of ['keep', 'gone', 'changed']) await api.createNamespacedConfigMap({ namespace: 'compacted', body: { metadata: { name }, data: { v: '1' } } });
    const { inf, seen, cache, server } = informer(config('cluster-3'), 'compacted');
    await inf.start();
    expect(seen.events.sort()).toEqual(['add changed', 'add gone', 'add keep']);
    seen.events.length = 0;

    cluster.cutWatches();
    await eventually(() => seen.errors.length === 1, 'the informer to report the dropped watch');
    await api.deleteNamespacedConfigMap({ namespace: 'compacted', name: 'gone' });
    await api.patchNamespacedConfigMap({ namespace: 'compacted', name: 'changed', body: [{ op: 'replace', path: '/data/v', value: '2' }] });
    await api.createNamespacedConfigMap({ namespace: 'compacted', body: { metadata: { name: 'new' } } });
    cluster.compact(); // the informer's resourceVersion is now older than the history

    const connectsBefore = seen.connects;
    await inf.start();
    await eventually(() => seen.lists === 2, 'the informer to re-list');
    const want = await server();
    await eventually(() => JSON.stringify(cache()) === JSON.stringify(want) && cache(), 'the cache to match the server');
    expect(seen.events.sort()).toEqual(['add new', 'delete gone', 'update changed']);
    // The 410 is handled inside: one connect for the expired watch, one after the re-list, and no error.
    expect(seen.connects - connectsBefore).toBe(2);
    expect(seen.errors).toHaveLength(1);

    // It watches again afterwards.
    await api.deleteNamespacedConfigMap({ namespace: 'compacted', name: 'keep' });
    await eventually(() => seen.events.includes('delete keep'), 'the re-listed informer to see a later deletion');
    await inf.stop();
  });

  it('reports its own stop() as an AbortError, so restart-on-error handlers must know they stopped it', async () => {
    const { inf, seen } = informer(config('cluster-2'), 'default');
    await inf.start();
    await inf.stop();
    await eventually(() => seen.errors.length === 1, 'the error callback after stop');
    expect((seen.errors[0] as Error).name).toBe('AbortError');
  });
});

describe('client-node identities and errors', () => {
  it('signs in with the client certificate as admin-cert, with its groups', async () => {
    const review = await config('cluster-1', 'cluster-1-admin-cert').makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe('admin-cert');
    expect(review.status?.userInfo?.groups).toEqual(expect.arrayContaining(['lab:admins', 'k10:admins', 'system:authenticated']));
    const secret = await core('cluster-1', 'cluster-1-admin-cert').createNamespacedSecret({ namespace: 'default', body: { metadata: { name: 'by-cert' } } });
    expect(secret.metadata?.name).toBe('by-cert');
    // And the cluster's other CA-signed certificate is no key to a different cluster.
    const elsewhere = await apiError(core('cluster-2', 'cluster-1-admin-cert').listNamespace());
    expect(elsewhere.code).toBe(401);
  });

  it('answers 401 for an unknown token and for expired credentials', async () => {
    const kc = config('cluster-1');
    kc.addUser({ name: 'intruder', token: 'not-a-token' });
    kc.addContext({ name: 'intruder', cluster: 'cluster-1', user: 'intruder' });
    kc.setCurrentContext('intruder');
    const unknown = await apiError(kc.makeApiClient(CoreV1Api).listNamespace());
    // client-node 1.4 drops the body of a 401 (the server sends a Status): code and message only.
    expect(unknown.code).toBe(401);
    expect(unknown.error.body).toBeUndefined();
    expect(unknown.error.message).toMatch(/^HTTP-Code: 401\nMessage: Unauthorized/);

    const cluster = fleet.cluster('cluster-2');
    await core('cluster-2', 'cluster-2-viewer').listNamespace();
    cluster.expireCredentials('viewer');
    try {
      expect((await apiError(core('cluster-2', 'cluster-2-viewer').listNamespace())).code).toBe(401);
      await core('cluster-2').listNamespace(); // the admin's token still works
    } finally {
      cluster.resetFaults();
    }
    await core('cluster-2', 'cluster-2-viewer').listNamespace();
  });

  it('answers 403 for what RBAC does not allow the viewer, and lets it read Kasten objects', async () => {
    const viewer = core('cluster-1', 'cluster-1-viewer');
    const list = await apiError(viewer.listNamespacedSecret({ namespace: 'kasten-io' }));
    expect(list.code).toBe(403);
    expect(list.status.reason).toBe('Forbidden');
    expect(list.status.message).toContain('User "viewer" cannot list resource "secrets" in API group "" in the namespace "kasten-io"');
    expect((await apiError(viewer.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'nope' } } }))).code).toBe(403);
    const policies = (await custom('cluster-1', 'cluster-1-viewer').listNamespacedCustomObject({ ...KASTEN, plural: 'policies' })) as KubernetesListObject<KubernetesObject>;
    expect(policies.items.length).toBeGreaterThan(0);
    expect((await apiError(custom('cluster-1', 'cluster-1-viewer').deleteNamespacedCustomObject({ ...KASTEN, plural: 'policies', name: names(policies.items)[0] }))).code).toBe(403);
  });

  it('answers 404 for a missing object or namespace, and 409 for a duplicate or a stale write', async () => {
    const api = core('cluster-3');
    const missing = await apiError(api.readNamespacedConfigMap({ namespace: 'default', name: 'nothing-here' }));
    expect(missing).toMatchObject({ code: 404, status: { reason: 'NotFound', message: 'configmaps "nothing-here" not found' } });
    expect((await apiError(api.createNamespacedConfigMap({ namespace: 'no-such-ns', body: { metadata: { name: 'x' } } }))).code).toBe(404);

    const first = await api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'once' }, data: { v: '1' } } });
    const duplicate = await apiError(api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'once' } } }));
    expect(duplicate).toMatchObject({ code: 409, status: { reason: 'AlreadyExists' } });

    await api.replaceNamespacedConfigMap({ namespace: 'default', name: 'once', body: { ...first, data: { v: '2' } } });
    const stale = await apiError(api.replaceNamespacedConfigMap({ namespace: 'default', name: 'once', body: { ...first, data: { v: '3' } } }));
    expect(stale.code).toBe(409);
    expect(stale.status.reason).toBe('Conflict');
    expect(stale.status.message).toContain('the object has been modified; please apply your changes to the latest version and try again');
    expect((await api.readNamespacedConfigMap({ namespace: 'default', name: 'once' })).data).toEqual({ v: '2' });
  });
});
