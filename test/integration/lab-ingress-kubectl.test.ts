/**
 * Ingress on the lab fleet: K10's `k10-ingress` and Ingresses people create,
 * through the real kubectl (discovery, tables, YAML, create as JSON and as
 * protobuf, patch, RBAC), the status the lab's ingress controller keeps
 * across a restart, and Flotilla's discovery of the K10 ingress URL over a
 * real ClusterClient, which must give each cluster's own K10 URL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ClusterClient } from '../../main/kube/cluster-client.js';
import { startLabFleet, type LabFleet, type LabFleetOptions } from '../../main/lab/fleet.js';
import { discoverK10IngressUrl } from '../../main/multicluster/k10-ingress.js';
import { KUBECTL, KubectlSession, tableOf, versionedKubectl } from '../support/kubectl.js';
import { resource as rt } from '../support/lab-kubectl.js';
import { eventually, kubeConfigFor } from './lab-helpers.js';

/** A kubectl that sends its typed requests (`create ingress`) as protobuf, where one is installed. */
const PROTOBUF_KUBECTL = versionedKubectl(32);

describe.skipIf(!KUBECTL)('Ingress on the lab fleet', () => {
  let dir: string;
  let options: LabFleetOptions;
  let fleet: LabFleet;
  let kubectl: KubectlSession;
  const clients: ClusterClient[] = [];
  const ING = rt('ingresses');

  function client(context: string, user?: string): ClusterClient {
    const c = new ClusterClient(kubeConfigFor(fleet.kubeconfig(), context, user), { name: context });
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lab-ingress-'));
    // Seeded, not --empty: K10's Ingress comes with the seed. A data dir, to restart the same fleet.
    options = { clusters: 2, dataDir: dir, kubeconfigPath: join(dir, 'kubeconfig'), persistDelayMs: 20 };
    fleet = await startLabFleet(options);
    kubectl = new KubectlSession(join(dir, 'kubeconfig'));
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await kubectl?.close();
    await fleet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists ingresses in discovery with their short name', async () => {
    const rows = (await kubectl.ok(['api-resources', '--api-group=networking.k8s.io'])).trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    expect(rows).toEqual([['ingresses', 'ing', 'networking.k8s.io/v1', 'true', 'Ingress']]);
  });

  it('prints K10’s ingress as kubectl prints an Ingress: class, hosts, the listener address, ports', async () => {
    for (const cluster of fleet.clusters) {
      const table = tableOf(await kubectl.ok(['--context', cluster.name, 'get', 'ingress', '-n', 'kasten-io']));
      expect(table.columns).toEqual(['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE']);
      expect(table.rows).toEqual([{ NAME: 'k10-ingress', CLASS: 'lab', HOSTS: '*', ADDRESS: '127.0.0.1', PORTS: '80, 443', AGE: expect.stringMatching(/^\d+s$/) }]);
    }
  });

  it('shows it whole as YAML, its status naming the cluster’s own port', async () => {
    for (const cluster of fleet.clusters) {
      const obj = parseYaml(await kubectl.ok(['--context', cluster.name, 'get', 'ing', 'k10-ingress', '-n', 'kasten-io', '-o', 'yaml']));
      expect(obj).toMatchObject({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'k10-ingress', namespace: 'kasten-io', labels: { 'app.kubernetes.io/managed-by': 'Helm' } },
        spec: {
          ingressClassName: 'lab',
          tls: [{}],
          rules: [{ http: { paths: [{ path: '/k10/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { number: 80 } } } }] } }],
        },
        status: { loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: [{ port: cluster.port, protocol: 'TCP' }] }] } },
      });
      expect(await kubectl.ok(['--context', cluster.name, 'get', 'ing', 'k10-ingress', '-n', 'kasten-io', '-o', 'jsonpath={.status.loadBalancer.ingress[0].ports[0].port}'])).toBe(String(cluster.port));
    }
  });

  it('explains Ingress fields from the OpenAPI schema', async () => {
    const out = await kubectl.ok(['explain', 'ingress.status.loadBalancer.ingress.ports']);
    expect(out).toMatch(/KIND:\s+Ingress/);
    expect(out).toMatch(/port\s+<integer> -required-/);
  });

  it('creates an Ingress with kubectl create, gives a lab-class one its address, and patches it', async () => {
    expect(await kubectl.ok(['-n', 'default', 'create', 'ingress', 'shop', '--class=lab', '--rule=shop.example.com/*=web:8080,tls=shop-tls'])).toBe('ingress.networking.k8s.io/shop created\n');
    expect(await kubectl.ok(['-n', 'default', 'create', 'ingress', 'other', '--class=nginx', '--rule=other.example.com/=web:80'])).toBe('ingress.networking.k8s.io/other created\n');
    const store = fleet.cluster('cluster-1').store;
    expect(store.get(ING, 'default', 'shop')!.spec).toEqual({
      ingressClassName: 'lab',
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] } }],
      tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
    });
    const rows = await eventually(async () => {
      const t = tableOf(await kubectl.ok(['-n', 'default', 'get', 'ingresses']));
      return t.rows.find((r) => r.NAME === 'shop')?.ADDRESS === '127.0.0.1' && t.rows;
    }, 'the address of ingress shop');
    expect(rows.map((r) => [r.NAME, r.CLASS, r.HOSTS, r.ADDRESS, r.PORTS])).toEqual([
      ['other', 'nginx', 'other.example.com', '', '80'],
      ['shop', 'lab', 'shop.example.com', '127.0.0.1', '80, 443'],
    ]);

    // Strategic merge: an Ingress's lists are atomic, replaced whole.
    await kubectl.ok(['-n', 'default', 'patch', 'ingress', 'shop', '-p', '{"spec":{"rules":[{"host":"store.example.com","http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web","port":{"number":8080}}}}]}}]}}']);
    expect(tableOf(await kubectl.ok(['-n', 'default', 'get', 'ing', 'shop'])).rows[0].HOSTS).toBe('store.example.com');
    // The status is the controller's: the main resource does not change it.
    expect(store.get(ING, 'default', 'shop')!.status).toEqual({ loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: [{ port: fleet.cluster('cluster-1').port, protocol: 'TCP' }] }] } });
    // A wrongly typed field is refused as Go's decoder refuses it.
    const bad = await kubectl.fails(['-n', 'default', 'apply', '-f', '-'], {
      stdin: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: bad\nspec:\n  rules:\n  - http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: web\n            port:\n              number: "80"\n',
    });
    expect(bad).toMatch(/number/);
    await kubectl.ok(['-n', 'default', 'delete', 'ingress', 'shop', 'other']);
  });

  it.skipIf(!PROTOBUF_KUBECTL)('reads kubectl create ingress sent as protobuf', async () => {
    const proto = new KubectlSession(join(dir, 'kubeconfig'), PROTOBUF_KUBECTL);
    try {
      await proto.ok(['-n', 'default', 'create', 'ingress', 'proto', '--class=lab', '--default-backend=web:80', '--rule=p.example.com/api*=api:http,tls', '--annotation=team=shop']);
      const obj = fleet.cluster('cluster-1').store.get(ING, 'default', 'proto')!;
      expect(obj.metadata.annotations).toEqual({ team: 'shop' });
      expect(obj.spec).toEqual({
        ingressClassName: 'lab',
        defaultBackend: { service: { name: 'web', port: { number: 80 } } },
        tls: [{ hosts: ['p.example.com'] }],
        rules: [{ host: 'p.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'api', port: { name: 'http' } } } }] } }],
      });
    } finally {
      await proto.run(['-n', 'default', 'delete', 'ingress', 'proto']);
      await proto.close();
    }
  });

  it('lets the viewer read Ingresses, as the real view role does', async () => {
    const out = await kubectl.ok(['--user', 'cluster-1-viewer', 'get', 'ingress', '-n', 'kasten-io', '-o', 'name']);
    expect(out).toBe('ingress.networking.k8s.io/k10-ingress\n');
    const canDelete = await kubectl.run(['--user', 'cluster-1-viewer', 'auth', 'can-i', 'delete', 'ingresses', '-n', 'kasten-io']);
    expect([canDelete.code, canDelete.stdout]).toEqual([1, 'no\n']);
  });

  it('finds each cluster’s K10 URL through a real ClusterClient, exactly the lab’s K10 ingress URL', async () => {
    for (const cluster of fleet.clusters) {
      const found = await discoverK10IngressUrl(client(cluster.name));
      expect(found).toEqual({ url: cluster.k10IngressUrl, source: 'Ingress kasten-io/k10-ingress', secure: true, candidates: [cluster.k10IngressUrl] });
      expect(found.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/k10$/);
    }
  });

  it('gives no URL, without an error, to a user who may not list Ingresses', async () => {
    const cluster = fleet.cluster('cluster-2');
    cluster.deny('viewer', { resource: 'ingresses' });
    try {
      expect(await discoverK10IngressUrl(client('cluster-2', 'cluster-2-viewer'))).toEqual({ candidates: [] });
    } finally {
      cluster.resetFaults();
    }
  });

  it('keeps the same Ingress and status, unwritten, after a restart from the data directory', async () => {
    const before = fleet.clusters.map((c) => ({ name: c.name, port: c.port, obj: c.store.get(ING, 'kasten-io', 'k10-ingress')! }));
    await fleet.stop();
    fleet = await startLabFleet(options);
    for (const b of before) {
      const c = fleet.cluster(b.name);
      expect(c.port).toBe(b.port);
      await new Promise((r) => setTimeout(r, 50)); // room for a (wrong) status write
      const after = c.store.get(ING, 'kasten-io', 'k10-ingress')!;
      expect(after.metadata.resourceVersion).toBe(b.obj.metadata.resourceVersion);
      expect(after.status).toEqual(b.obj.status);
      expect((await discoverK10IngressUrl(client(b.name))).url).toBe(c.k10IngressUrl);
    }
  });
});
