/**
 * The lab's Ingress: the K10 seed's `k10-ingress`, the ingress controller
 * that writes the listener's address into the status of Ingresses of class
 * `lab`, and the table kubectl prints.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { K10_NAMESPACE } from '../../../shared/kasten/kinds.js';
import { attachIngressController, LAB_INGRESS_CLASS, labIngressStatus, type IngressControllerHost } from '../../../main/lab/ingress.js';
import { seedK10 } from '../../../main/lab/kasten/seed.js';
import { RESOURCE_TYPES, type KubeObject } from '../../../main/lab/resources.js';
import { ObjectStore, type WatchEvent } from '../../../main/lab/store.js';
import { toTable } from '../../../main/lab/table.js';
import { k10UrlsFromIngresses } from '../../../main/multicluster/k10-ingress.js';

const rt = (plural: string) => RESOURCE_TYPES.find((r) => r.plural === plural)!;
const ING = rt('ingresses');
const tick = () => new Promise((r) => setTimeout(r, 0));

function freshStore(): ObjectStore {
  const store = new ObjectStore();
  for (const name of ['default', K10_NAMESPACE]) store.create(rt('namespaces'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return store;
}

/** A cluster as the controller sees it: a store, a port, up or down. */
class FakeHost implements IngressControllerHost {
  up = false;
  port = 0;
  private readonly events = new EventEmitter();
  constructor(readonly store: ObjectStore) {}
  onUpChange(listener: (up: boolean) => void): () => void {
    this.events.on('up', listener);
    return () => this.events.off('up', listener);
  }
  setUp(up: boolean, port = this.port): void {
    this.port = port;
    this.up = up;
    this.events.emit('up', up);
  }
}

function ingress(name: string, className?: string, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace },
    spec: { ...(className ? { ingressClassName: className } : {}), rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
  };
}

describe('the K10 seed', () => {
  it('installs k10-ingress in kasten-io as the Helm chart would, pointing at the gateway under /k10/', () => {
    const store = freshStore();
    seedK10(store, { clusterName: 'edge-1', k10Version: '7.0.5' });
    const ing = store.get(ING, K10_NAMESPACE, 'k10-ingress')!;
    expect(ing.metadata.labels).toMatchObject({ 'app.kubernetes.io/instance': 'k10', 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': 'k10-7.0.5' });
    expect(ing.metadata.annotations).toEqual({ 'meta.helm.sh/release-name': 'k10', 'meta.helm.sh/release-namespace': 'kasten-io' });
    expect(ing.spec).toEqual({
      ingressClassName: LAB_INGRESS_CLASS,
      tls: [{}],
      rules: [{ http: { paths: [{ path: '/k10/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { number: 80 } } } }] } }],
    });
    expect(ing.status).toBeUndefined(); // the controller's to write, once the cluster listens
  });

  it('installs it on bare (--empty) clusters too: it comes with K10, not with the sample applications', () => {
    const store = freshStore();
    seedK10(store, { clusterName: 'bare', empty: true });
    expect(store.list(ING).items.map((i) => i.metadata.name)).toEqual(['k10-ingress']);
  });
});

describe('the lab ingress controller', () => {
  it('writes the listener address into Ingresses of class lab once the cluster is up, and leaves others alone', async () => {
    const store = freshStore();
    store.create(ING, ingress('mine', LAB_INGRESS_CLASS));
    store.create(ING, ingress('nginx-one', 'nginx'));
    store.create(ING, ingress('classless'));
    const host = new FakeHost(store);
    const stop = attachIngressController(host);
    await tick();
    expect(store.get(ING, 'default', 'mine')!.status).toBeUndefined(); // down: nothing written

    host.setUp(true, 40123);
    await tick();
    expect(store.get(ING, 'default', 'mine')!.status).toEqual({ loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: [{ port: 40123, protocol: 'TCP' }] }] } });
    expect(store.get(ING, 'default', 'nginx-one')!.status).toBeUndefined();
    expect(store.get(ING, 'default', 'classless')!.status).toBeUndefined();

    // A new one gets its status too; a status someone overwrites is put back.
    store.create(ING, ingress('later', LAB_INGRESS_CLASS));
    await tick();
    expect(store.get(ING, 'default', 'later')!.status).toEqual(labIngressStatus(40123));
    const mine = store.get(ING, 'default', 'mine')!;
    store.update(ING, { ...mine, status: { loadBalancer: { ingress: [{ ip: '10.9.9.9' }] } } } as KubeObject, { subresource: 'status' });
    await tick();
    expect(store.get(ING, 'default', 'mine')!.status).toEqual(labIngressStatus(40123));
    stop();
  });

  it('follows the port the cluster listens on, and writes nothing when it did not change', async () => {
    const store = freshStore();
    store.create(ING, ingress('mine', LAB_INGRESS_CLASS));
    const host = new FakeHost(store);
    attachIngressController(host);
    host.setUp(true, 40123);
    await tick();
    const version = store.get(ING, 'default', 'mine')!.metadata.resourceVersion;

    host.setUp(false);
    host.setUp(true, 40123);
    await tick();
    expect(store.get(ING, 'default', 'mine')!.metadata.resourceVersion).toBe(version);

    host.setUp(false);
    host.setUp(true, 41999);
    await tick();
    expect(store.get(ING, 'default', 'mine')!.status).toEqual(labIngressStatus(41999));
  });

  it('delivers each event to every watcher before it writes (no write from inside a delivery)', async () => {
    const store = freshStore();
    const host = new FakeHost(store);
    host.setUp(true, 40123);
    attachIngressController(host);
    const seen: string[] = [];
    store.watch(ING, {}, (e: WatchEvent) => seen.push(`${e.type} ${(e.object as KubeObject).metadata.resourceVersion}`));
    const created = store.create(ING, ingress('mine', LAB_INGRESS_CLASS));
    await tick();
    const written = store.get(ING, 'default', 'mine')!;
    expect(seen).toEqual([`ADDED ${created.metadata.resourceVersion}`, `MODIFIED ${written.metadata.resourceVersion}`]);
  });

  it('stops for good', async () => {
    const store = freshStore();
    const host = new FakeHost(store);
    const stop = attachIngressController(host);
    stop();
    host.setUp(true, 40123);
    store.create(ING, ingress('mine', LAB_INGRESS_CLASS));
    await tick();
    expect(store.get(ING, 'default', 'mine')!.status).toBeUndefined();
  });

  it('gives the seeded k10-ingress the shape discovery reads as the lab K10 URL', async () => {
    const store = freshStore();
    seedK10(store, { clusterName: 'edge-1' });
    const host = new FakeHost(store);
    attachIngressController(host);
    host.setUp(true, 40555);
    await tick();
    const urls = k10UrlsFromIngresses(store.list(ING, { namespace: K10_NAMESPACE }).items as never);
    expect(urls.map((u) => u.url)).toEqual(['https://127.0.0.1:40555/k10']);
  });
});

describe('the Ingress table', () => {
  const now = new Date();
  const cells = (obj: Partial<KubeObject>) => {
    const t = toTable(ING, [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'x', creationTimestamp: now.toISOString() }, ...obj } as KubeObject], { includeObject: 'None', now }) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[] }[];
    };
    return { columns: t.columnDefinitions.map((c) => c.name), cells: t.rows[0].cells };
  };

  it('has the columns kube-apiserver prints', () => {
    expect(cells({}).columns).toEqual(['Name', 'Class', 'Hosts', 'Address', 'Ports', 'Age']);
    expect(cells({}).cells).toEqual(['x', '<none>', '*', '', '80', '0s']);
  });

  it('prints class, hosts (three at most), addresses (IP else hostname, sorted, once) and ports by TLS', () => {
    const { cells: c } = cells({
      spec: { ingressClassName: 'lab', tls: [{}], rules: [{ host: 'a.example' }, {}, { host: 'b.example' }, { host: 'c.example' }, { host: 'd.example' }] },
      status: { loadBalancer: { ingress: [{ ip: '10.0.0.2', hostname: 'lb.example' }, { hostname: 'z.example' }, { ip: '10.0.0.2' }] } },
    });
    expect(c.slice(1, 5)).toEqual(['lab', 'a.example,b.example,c.example + 2 more...', '10.0.0.2,z.example', '80, 443']);
  });
});
