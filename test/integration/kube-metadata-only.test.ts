/**
 * Metadata only (PartialObjectMetadata), over real HTTPS to the lab fleet:
 * the lab answers the Accept headers client-go's metadata informers send as
 * kube-apiserver does (a PartialObjectMetadataList for a list, each watch
 * event's object as PartialObjectMetadata, 406 NotAcceptable when the form
 * does not fit what was asked for), and an Informer that asks for metadata
 * only keeps the same names and labels, live, for a fraction of the bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterClient, METADATA_ONLY } from '../../main/kube/cluster-client.js';
import { Informer, type KubeObject } from '../../main/kube/informer.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { eventually, kubeConfigFor } from './lab-helpers.js';

const NS = 'default';
const CM = `/api/v1/namespaces/${NS}/configmaps`;
const AS_OBJECT = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
const AS_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
/** A config map with a large body: what metadata only leaves out. */
const configMap = (name: string, tier: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { tier } }, data: { blob: 'x'.repeat(4_000) } });

let fleet: LabFleet;
let client: ClusterClient;

beforeAll(async () => {
  fleet = await startLabFleet({ clusters: 1, empty: true });
  client = new ClusterClient(kubeConfigFor(fleet.kubeconfig(), 'cluster-1'), { name: 'cluster-1' });
  for (const [name, tier] of [['one', 'web'], ['two', 'db'], ['three', 'web']]) await client.request({ method: 'POST', path: CM, body: configMap(name, tier) });
});

afterAll(async () => {
  client?.close();
  await fleet?.stop();
});

type Partial = { kind: string; apiVersion: string; metadata: { name: string; labels?: Record<string, string>; resourceVersion?: string }; data?: unknown };

/** The Status of a refused request. */
async function refusal(accept: string, path: string): Promise<{ code: number; reason: string; message: string }> {
  const res = await client.send({ path, accept });
  const body = JSON.parse(res.body.toString()) as { kind: string; code: number; reason: string; message: string };
  expect([res.status, body.kind]).toEqual([406, 'Status']);
  return body;
}

describe('the lab answers metadata-only requests as kube-apiserver', () => {
  it('lists as a PartialObjectMetadataList: names, labels and the list metadata, no data', async () => {
    const list = await client.request<{ kind: string; apiVersion: string; metadata: { resourceVersion: string }; items: Partial[] }>({ path: CM, accept: METADATA_ONLY.list });
    expect([list.kind, list.apiVersion]).toEqual(['PartialObjectMetadataList', 'meta.k8s.io/v1']);
    expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
    const mine = list.items.filter((i) => i.metadata.labels?.tier);
    expect(mine.map((i) => [i.kind, i.apiVersion, i.metadata.name, i.metadata.labels?.tier]).sort()).toEqual([
      ['PartialObjectMetadata', 'meta.k8s.io/v1', 'one', 'web'],
      ['PartialObjectMetadata', 'meta.k8s.io/v1', 'three', 'web'],
      ['PartialObjectMetadata', 'meta.k8s.io/v1', 'two', 'db'],
    ]);
    expect(list.items.every((i) => i.data === undefined)).toBe(true);
  });

  it('pages a metadata-only list with continue and remainingItemCount, and filters it by label', async () => {
    const page = await client.request<{ metadata: { continue?: string; remainingItemCount?: number }; items: Partial[] }>({ path: CM, query: { limit: 1, labelSelector: 'tier=web' }, accept: METADATA_ONLY.list });
    expect(page.items).toHaveLength(1);
    expect(page.metadata.remainingItemCount).toBe(1);
    expect(page.metadata.continue).toBeTruthy();
    const all = await client.list<Partial>(CM, { query: { labelSelector: 'tier=web' }, pageSize: 1, accept: METADATA_ONLY.list });
    expect(all.items.map((i) => i.metadata.name).sort()).toEqual(['one', 'three']);
  });

  it('gets one object as PartialObjectMetadata', async () => {
    const one = await client.request<Partial>({ path: `${CM}/one`, accept: AS_OBJECT });
    expect([one.kind, one.metadata.name, one.metadata.labels, one.data]).toEqual(['PartialObjectMetadata', 'one', { tier: 'web' }, undefined]);
  });

  it('refuses with 406 a form that does not fit: an object for a list, a list for an object or a watch', async () => {
    expect(await refusal(AS_OBJECT, CM)).toMatchObject({ code: 406, reason: 'NotAcceptable', message: expect.stringContaining('is a list') });
    expect(await refusal(AS_LIST, `${CM}/one`)).toMatchObject({ code: 406, reason: 'NotAcceptable', message: expect.stringContaining('not a list') });
    expect(await refusal(AS_LIST, `${CM}?watch=true`)).toMatchObject({ code: 406, reason: 'NotAcceptable' });
  });

  it('passes over a form it does not know to the next range, as the real negotiation does', async () => {
    const list = await client.request<{ kind: string; items: Partial[] }>({ path: CM, accept: 'application/json;as=Something;g=example.com;v=v1,application/json' });
    expect(list.kind).toBe('ConfigMapList');
    expect(list.items.find((i) => i.metadata.name === 'one')?.data).toEqual({ blob: 'x'.repeat(4_000) });
  });
});

describe('an Informer that asks for metadata only', () => {
  it('keeps the same names and labels, follows changes live, and costs a fraction of the bytes', async () => {
    const tiers = (inf: Informer<string | undefined>) => Object.fromEntries([...inf.entries()].filter(([, t]) => t).map(([k, t]) => [k.split('/')[1], t]));
    const project = (o: KubeObject) => o.metadata?.labels?.tier;
    const cluster = fleet.cluster('cluster-1');
    const informers: Informer<string | undefined>[] = [];
    try {
      cluster.resetStats();
      const whole = new Informer<string | undefined>({ client, path: CM, project });
      informers.push(whole);
      whole.start();
      await eventually(() => whole.synced, 'the whole-object informer listed');
      const wholeBytes = cluster.stats().bytesSent.total;

      cluster.resetStats();
      const meta = new Informer<string | undefined>({ client, path: CM, project, metadataOnly: true });
      informers.push(meta);
      meta.start();
      await eventually(() => meta.synced && meta.watching, 'the metadata-only informer listed and watching');
      const metaBytes = cluster.stats().bytesSent.total;

      expect(tiers(meta)).toEqual({ one: 'web', two: 'db', three: 'web' });
      expect(tiers(meta)).toEqual(tiers(whole));
      expect(metaBytes).toBeLessThan(wholeBytes / 4);

      await client.request({ method: 'POST', path: CM, body: configMap('four', 'cache') });
      await client.request({ method: 'DELETE', path: `${CM}/two` });
      await eventually(() => meta.get(`${NS}/four`) === 'cache' && meta.get(`${NS}/two`) === undefined, 'the new config map and the deletion, through the metadata watch');
      expect(tiers(meta)).toEqual({ one: 'web', three: 'web', four: 'cache' });
    } finally {
      await Promise.all(informers.map((i) => i.stop()));
    }
  });
});
