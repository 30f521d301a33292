import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_TYPES, resourceByPath, type KubeObject, type ResourceType } from '../../../main/lab/resources.js';
import { humanDuration, responseForm, toTable, wantsTable } from '../../../main/lab/table.js';
import { KUBECTL, recordingServer, runKubectl, sendJson, serveDiscoveryAndOpenApi } from './kubectl-harness.js';

const NOW = new Date('2025-03-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
const type = (kind: string) => RESOURCE_TYPES.find((t) => t.kind === kind)!;

function obj(rt: ResourceType, name: string, createdSecondsAgo: number, rest: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
    kind: rt.kind,
    metadata: { name, namespace: rt.namespaced ? 'default' : undefined, uid: `uid-${name}`, creationTimestamp: ago(createdSecondsAgo) },
    ...rest,
  };
}

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [-1500, '0s'],
    [-5000, '<invalid>'],
    [5_000, '5s'],
    [119_000, '119s'],
    [192_000, '3m12s'],
    [240_000, '4m'],
    [900_000, '15m'],
    [179 * 60_000, '179m'],
    [(5 * 60 + 3) * 60_000, '5h3m'],
    [20 * 3600_000, '20h'],
    [51 * 3600_000, '2d3h'],
    [30 * 86400_000, '30d'],
    [(2 * 365 + 45) * 86400_000, '2y45d'],
    [9 * 365 * 86400_000, '9y'],
  ])('renders %d ms as %s, as kube-apiserver does', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('wantsTable', () => {
  it('recognises the Table kubectl get asks for, v1 or v1beta1', () => {
    expect(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json')).toBe(true);
    expect(wantsTable('application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json')).toBe(true);
  });

  it('gives plain JSON to clients that prefer it or ask for nothing', () => {
    expect(wantsTable(undefined)).toBe(false);
    expect(wantsTable('application/json')).toBe(false);
    expect(wantsTable('application/json, application/json;as=Table;v=v1;g=meta.k8s.io')).toBe(false);
    expect(wantsTable('application/json;as=Table;v=v1;g=meta.k8s.io;q=0.5, application/json')).toBe(false);
  });

  it('passes over a protobuf Table, which the lab does not send', () => {
    expect(wantsTable('application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io')).toBe(true);
  });
});

describe('responseForm', () => {
  it('recognises metadata only as client-go asks for it, for lists and for objects', () => {
    const ask = (as: string) => `application/vnd.kubernetes.protobuf;as=${as};g=meta.k8s.io;v=v1,application/json;as=${as};g=meta.k8s.io;v=v1,application/json`;
    expect(responseForm(ask('PartialObjectMetadataList'))).toBe('PartialObjectMetadataList');
    expect(responseForm(ask('PartialObjectMetadata'))).toBe('PartialObjectMetadata');
    expect(responseForm('application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1')).toBe('PartialObjectMetadata');
  });

  it('passes over a form of another group or version, and gives plain JSON when nothing else fits', () => {
    expect(responseForm('application/json;as=PartialObjectMetadataList;g=example.com;v=v1,application/json')).toBeUndefined();
    expect(responseForm('application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v2,application/json;as=Table;g=meta.k8s.io;v=v1')).toBe('Table');
    expect(responseForm(undefined)).toBeUndefined();
  });
});

describe('toTable', () => {
  const cm = type('ConfigMap');
  const items = [obj(cm, 'settings', 192, { data: { a: '1', b: '2' } })];

  it('puts Name first and Age last around the registry’s columns', () => {
    const table = toTable(cm, items, { includeObject: 'Metadata', now: NOW }) as { columnDefinitions: { name: string; format: string }[]; rows: { cells: unknown[] }[] };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(['Name', 'Data', 'Age']);
    expect(table.columnDefinitions[0].format).toBe('name');
    expect(table.rows[0].cells).toEqual(['settings', 2, '3m12s']);
  });

  it('carries each object as PartialObjectMetadata, whole, or not at all', () => {
    const row = (includeObject: 'None' | 'Metadata' | 'Object') => (toTable(cm, items, { includeObject, now: NOW }) as { rows: { object?: unknown }[] }).rows[0];
    expect(row('Metadata').object).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: items[0].metadata });
    expect(row('Object').object).toBe(items[0]);
    expect(row('None')).not.toHaveProperty('object');
  });
});

describe.skipIf(!KUBECTL)('kubectl get with lab tables', () => {
  let server: Awaited<ReturnType<typeof recordingServer>>;
  const objects = new Map<ResourceType, KubeObject[]>();

  beforeAll(async () => {
    const cm = type('ConfigMap');
    objects.set(cm, [obj(cm, 'settings', 5, { data: { a: '1', b: '2' } }), obj(cm, 'empty', 51 * 3600)]);
    const cluster = type('Cluster');
    objects.set(cluster, [
      obj(cluster, 'primary', 192, { metadata: { name: 'primary', namespace: 'kasten-io-mc', creationTimestamp: ago(192), labels: { 'dist.kio.kasten.io/cluster-type': 'primary' } }, spec: { k10: { ingress: { url: 'https://primary.example/k10' } } } }),
      obj(cluster, 'east', 30, { metadata: { name: 'east', namespace: 'kasten-io-mc', creationTimestamp: ago(30) } }),
    ]);
    const role = type('Role');
    objects.set(role, [obj(role, 'reader', 60)]);
    server = await recordingServer((req, res) => {
      if (serveDiscoveryAndOpenApi(req, res)) return;
      const [, group, version, plural] = req.url.split('?')[0].match(/^\/apis?\/(?:([^/]+)\/)?([^/]+)\/(?:namespaces\/[^/]+\/)?([^/]+)$/) ?? [];
      const rt = resourceByPath(group ?? '', version, plural);
      if (!rt || !wantsTable(req.accept)) return sendJson(res, 404, {});
      sendJson(res, 200, toTable(rt, objects.get(rt) ?? [], { includeObject: 'Metadata', now: NOW }));
    });
  });
  afterAll(() => server.close());

  async function get(...args: string[]): Promise<string[][]> {
    const { stdout, stderr } = await runKubectl(['get', ...args, '--server', server.url]);
    expect(stderr).toBe('');
    return stdout.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
  }

  it('prints ConfigMaps with NAME, DATA and AGE', async () => {
    expect(await get('configmaps')).toEqual([
      ['NAME', 'DATA', 'AGE'],
      ['settings', '2', '5s'],
      ['empty', '0', '2d3h'],
    ]);
  });

  it('shows a wide-only column with -o wide only, a missing value blank', async () => {
    const { stdout } = await runKubectl(['get', 'clusters.dist.kio.kasten.io', '-n', 'kasten-io-mc', '--server', server.url]);
    expect(stdout).toBe(['NAME      TYPE      AGE', 'primary   primary   3m12s', 'east                30s', ''].join('\n'));
    expect(await get('clusters.dist.kio.kasten.io', '-n', 'kasten-io-mc', '-o', 'wide')).toEqual([
      ['NAME', 'TYPE', 'INGRESS', 'AGE'],
      ['primary', 'primary', 'https://primary.example/k10', '3m12s'],
      ['east', '30s'],
    ]);
  });

  it('prints roles with CREATED AT instead of AGE, as a real server does', async () => {
    expect(await get('roles')).toEqual([
      ['NAME', 'CREATED AT'],
      ['reader', ago(60)],
    ]);
  });
});
