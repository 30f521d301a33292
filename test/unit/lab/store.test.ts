import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../main/lab/api-error.js';
import { RESOURCE_TYPES, type KubeObject } from '../../../main/lab/resources.js';
import { ObjectStore, type WatchEvent } from '../../../main/lab/store.js';

const rt = (plural: string) => RESOURCE_TYPES.find((r) => r.plural === plural)!;
const SECRETS = rt('secrets');
const NAMESPACES = rt('namespaces');
const CLUSTERS = rt('clusters');

function storeWithNamespace(ns = 'default'): ObjectStore {
  const store = new ObjectStore();
  store.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  return store;
}

function secret(name: string, extra: Partial<KubeObject> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' }, ...extra } as KubeObject;
}

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('ObjectStore', () => {
  it('assigns uid, creationTimestamp and increasing resourceVersions', () => {
    const store = storeWithNamespace();
    const a = store.create(SECRETS, secret('a'));
    const b = store.create(SECRETS, secret('b'));
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(store.resourceVersion).toBe(b.metadata.resourceVersion);
  });

  it('converts stringData into base64 data and defaults the type', () => {
    const s = storeWithNamespace().create(SECRETS, secret('s', { stringData: { token: 'abc' } }));
    expect(s.data).toEqual({ token: Buffer.from('abc').toString('base64') });
    expect(s.stringData).toBeUndefined();
    expect(s.type).toBe('Opaque');
  });

  it('fills generateName with a five-character suffix', () => {
    const s = storeWithNamespace().create(SECRETS, { apiVersion: 'v1', kind: 'Secret', metadata: { generateName: 'join-token-secret-', namespace: 'default' } });
    expect(s.metadata.name).toMatch(/^join-token-secret-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('rejects duplicates, bad names and missing namespaces with the real messages', () => {
    const store = storeWithNamespace();
    store.create(SECRETS, secret('a'));
    expect(apiError(() => store.create(SECRETS, secret('a'))).message).toBe('secrets "a" already exists');
    const bad = apiError(() => store.create(SECRETS, secret('Bad_Name')));
    expect(bad.code).toBe(422);
    expect(bad.message).toMatch(/^Secret "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    const missing = apiError(() => store.create(SECRETS, { ...secret('x'), metadata: { name: 'x', namespace: 'nope' } }));
    expect([missing.code, missing.message]).toEqual([404, 'namespaces "nope" not found']);
    expect(store.list(SECRETS).items.map((s) => s.metadata.name)).toEqual(['a']);
  });

  it('refuses an update from a stale resourceVersion and keeps the stored object', () => {
    const store = storeWithNamespace();
    const v1 = store.create(SECRETS, secret('a', { stringData: { k: 'one' } }));
    store.update(SECRETS, { ...structuredClone(v1), data: { k: Buffer.from('two').toString('base64') } });
    const err = apiError(() => store.update(SECRETS, { ...structuredClone(v1), data: {} }));
    expect(err.message).toBe('Operation cannot be fulfilled on secrets "a": the object has been modified; please apply your changes to the latest version and try again');
    expect(store.get(SECRETS, 'default', 'a')!.data).toEqual({ k: Buffer.from('two').toString('base64') });
  });

  it('keeps an object with finalizers until they are removed', () => {
    const store = new ObjectStore();
    store.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kasten-io-mc' } });
    const c = store.create(CLUSTERS, { apiVersion: 'dist.kio.kasten.io/v1alpha1', kind: 'Cluster', metadata: { name: 'c2', namespace: 'kasten-io-mc', finalizers: ['dist.kio.kasten.io/cluster-info'] } });
    const marked = store.delete(CLUSTERS, 'kasten-io-mc', 'c2');
    expect(marked.metadata.deletionTimestamp).toBeDefined();
    expect(store.get(CLUSTERS, 'kasten-io-mc', 'c2')).toBeDefined();
    store.mutate(CLUSTERS, 'kasten-io-mc', 'c2', (d) => {
      d.metadata.finalizers = [];
    });
    expect(store.get(CLUSTERS, 'kasten-io-mc', 'c2')).toBeUndefined();
    expect(c.metadata.uid).toBeDefined();
  });

  it('deletes a namespace only after everything in it is gone, refusing new content meanwhile', async () => {
    const store = storeWithNamespace('apps');
    store.create(SECRETS, { ...secret('s'), metadata: { name: 's', namespace: 'apps' } });
    store.delete(NAMESPACES, undefined, 'apps');
    expect(store.get(NAMESPACES, undefined, 'apps')!.status).toEqual({ phase: 'Terminating' });
    const err = apiError(() => store.create(SECRETS, { ...secret('t'), metadata: { name: 't', namespace: 'apps' } }));
    expect(err.code).toBe(403);
    expect(err.message).toContain('because it is being terminated');
    await new Promise((r) => setImmediate(r));
    expect(store.get(SECRETS, 'apps', 's')).toBeUndefined();
    expect(store.get(NAMESPACES, undefined, 'apps')).toBeUndefined();
  });

  it('resumes a watch from a resourceVersion and answers 410 once it is compacted', () => {
    const store = storeWithNamespace();
    const first = store.create(SECRETS, secret('a'));
    store.create(SECRETS, secret('b'));
    const seen: WatchEvent[] = [];
    const stop = store.watch(SECRETS, { resourceVersion: first.metadata.resourceVersion }, (e) => seen.push(e));
    store.delete(SECRETS, 'default', 'a');
    stop();
    expect(seen.map((e) => `${e.type} ${(e.object as KubeObject).metadata.name}`)).toEqual(['ADDED b', 'DELETED a']);
    store.compact();
    const err = apiError(() => store.watch(SECRETS, { resourceVersion: first.metadata.resourceVersion }, () => undefined));
    expect(err.code).toBe(410);
    expect(err.message).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('shows a label-filtered watch an object leaving the selection as DELETED', () => {
    const store = storeWithNamespace();
    const seen: string[] = [];
    const onlyBlue = (o: KubeObject) => o.metadata.labels?.color === 'blue';
    store.watch(SECRETS, { filter: onlyBlue }, (e) => seen.push(`${e.type} ${(e.object as KubeObject).metadata.name}`));
    store.create(SECRETS, secret('a', { metadata: { name: 'a', namespace: 'default', labels: { color: 'red' } } }));
    store.mutate(SECRETS, 'default', 'a', (d) => {
      d.metadata.labels = { color: 'blue' };
    });
    store.mutate(SECRETS, 'default', 'a', (d) => {
      d.metadata.labels = { color: 'green' };
    });
    expect(seen).toEqual(['ADDED a', 'DELETED a']);
  });

  it('pages a list with limit and continue', () => {
    const store = storeWithNamespace();
    for (const n of ['a', 'b', 'c', 'd', 'e']) store.create(SECRETS, secret(n));
    const page1 = store.list(SECRETS, { limit: 2 });
    expect(page1.items.map((s) => s.metadata.name)).toEqual(['a', 'b']);
    expect(page1.remainingItemCount).toBe(3);
    const page2 = store.list(SECRETS, { limit: 2, continue: page1.continue });
    const page3 = store.list(SECRETS, { limit: 2, continue: page2.continue });
    expect([...page2.items, ...page3.items].map((s) => s.metadata.name)).toEqual(['c', 'd', 'e']);
    expect(page3.continue).toBeUndefined();
  });

  it('round-trips through a snapshot with the same objects and resourceVersion', () => {
    const store = storeWithNamespace();
    store.create(SECRETS, secret('a'));
    const copy = new ObjectStore();
    copy.restore(JSON.parse(JSON.stringify(store.snapshot())));
    expect(copy.resourceVersion).toBe(store.resourceVersion);
    expect(copy.get(SECRETS, 'default', 'a')).toEqual(store.get(SECRETS, 'default', 'a'));
  });
});
