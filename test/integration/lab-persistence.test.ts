/**
 * A lab fleet with a data directory is the same fleet after a restart: same
 * objects, resourceVersion counter, CA, serving certificate, tokens and ports,
 * so the kubeconfig handed out before still works. State files are private
 * (0600), written atomically, and a file that cannot be read is kept aside
 * and reported, never replaced.
 *
 * The tests run in order over one data directory: each restarts the fleet the
 * previous one left.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { startLabFleet, type LabFleet, type LabFleetOptions } from '../../main/lab/fleet.js';
import { tempPrefix, writeFileAtomic } from '../../main/state/atomic-file.js';
import { eventually, kubeConfigFor, request } from './lab-helpers.js';

let dir: string;
let fleet: LabFleet | undefined;
let options: LabFleetOptions;

const stateDir = () => join(dir, 'clusters');
const stateFile = (name: string) => join(stateDir(), `${name}.json`);
const mode = (path: string) => statSync(path).mode & 0o777;
const savedState = (name: string) =>
  JSON.parse(readFileSync(stateFile(name), 'utf8')) as { version: number; cluster: { store: { resourceVersion: number; objects: { metadata: { name: string } }[] } } };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-lab-persist-'));
  options = { clusters: 2, dataDir: dir, empty: true, persistDelayMs: 20 };
  fleet = await startLabFleet(options);
});

afterAll(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function restart(): Promise<LabFleet> {
  await fleet?.stop();
  fleet = undefined;
  fleet = await startLabFleet(options);
  return fleet;
}

/** What must survive a restart, per cluster. */
function identity(f: LabFleet) {
  return f.clusters.map((c) => ({
    name: c.name,
    port: c.port,
    ca: c.state.ca,
    serving: c.state.serving,
    users: c.state.users,
    resourceVersion: c.store.resourceVersion,
    objects: c.store.snapshot().objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name} ${o.metadata.uid} ${o.metadata.resourceVersion}`).sort(),
  }));
}

describe('a lab fleet with a data directory', () => {
  it('saves each cluster soon after a change, in a private file written atomically', async () => {
    const c1 = fleet!.cluster('cluster-1');
    await request(c1, '/api/v1/namespaces/default/configmaps', { method: 'POST', body: { metadata: { name: 'persisted' }, data: { v: '1' } } });
    await eventually(() => existsSync(stateFile('cluster-1')) && savedState('cluster-1').cluster.store.objects.some((o) => o.metadata.name === 'persisted'), 'the change to reach the state file');
    expect(savedState('cluster-1').cluster.store.resourceVersion).toBe(Number(c1.store.resourceVersion));
    await fleet!.flush();

    expect(readdirSync(stateDir()).sort()).toEqual(['cluster-1.json', 'cluster-2.json']);
    expect(mode(stateFile('cluster-1'))).toBe(0o600); // tokens and keys are in there
    expect(mode(stateFile('cluster-2'))).toBe(0o600);
    expect(mode(join(dir, 'kubeconfig'))).toBe(0o600);
    expect(mode(stateDir())).toBe(0o700);
    expect(readFileSync(join(dir, 'kubeconfig'), 'utf8')).toBe(fleet!.kubeconfig());
  });

  it('leaves no temp file behind when a write cannot complete', async () => {
    // A non-empty directory where the file should go: the final rename fails.
    const blocked = join(dir, 'blocked');
    mkdirSync(blocked);
    writeFileSync(join(blocked, 'x'), 'not empty');
    await expect(writeFileAtomic(blocked, 'new text')).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.startsWith(tempPrefix(blocked)))).toEqual([]);
    expect(readFileSync(join(blocked, 'x'), 'utf8')).toBe('not empty');
    rmSync(blocked, { recursive: true });
  });

  it('comes back with the same objects, resourceVersion counter, credentials and ports, and the old kubeconfig still works', async () => {
    const oldKubeconfig = fleet!.kubeconfig();
    const before = identity(fleet!);
    await restart();
    expect(identity(fleet!)).toEqual(before);
    expect(fleet!.kubeconfig()).toBe(oldKubeconfig);

    // The old kubeconfig, through client-node: trusts the same CA, signs in with the same token.
    const api = kubeConfigFor(oldKubeconfig, 'cluster-1').makeApiClient(CoreV1Api);
    const cm = await api.readNamespacedConfigMap({ namespace: 'default', name: 'persisted' });
    expect(cm.data).toEqual({ v: '1' });
    const viewer = kubeConfigFor(oldKubeconfig, 'cluster-2', 'cluster-2-viewer').makeApiClient(CoreV1Api);
    expect((await viewer.listNamespace()).items.length).toBeGreaterThan(0);
    const byCert = kubeConfigFor(oldKubeconfig, 'cluster-2', 'cluster-2-admin-cert').makeApiClient(CoreV1Api);
    expect((await byCert.listNamespace()).items.length).toBeGreaterThan(0);

    // The counter goes on from where it was, it does not start again.
    const next = await api.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after-restart' } } });
    expect(Number(next.metadata!.resourceVersion)).toBe(Number(before[0].resourceVersion) + 1);
  });

  it('sets an unreadable state file aside, reports it, and starts that cluster afresh', async () => {
    const c1Before = identity(fleet!)[0];
    const c2Ca = fleet!.cluster('cluster-2').state.ca.certPem;
    await fleet!.stop();
    fleet = undefined;
    const garbage = '{"version":1,"cluster":{"name":"cluster-2","po';
    writeFileSync(stateFile('cluster-2'), garbage);
    // A temp file a crash left halfway: never read, cleaned away.
    writeFileSync(join(stateDir(), 'cluster-1.json.tmp-4242-abc'), '{"version":1,"clu');

    fleet = await startLabFleet(options);
    expect(fleet.setAside).toHaveLength(1);
    const [aside] = fleet.setAside;
    expect(aside).toMatchObject({ cluster: 'cluster-2', path: stateFile('cluster-2') });
    expect(aside.reason).toMatch(/not JSON/);
    expect(readFileSync(aside.movedTo, 'utf8')).toBe(garbage);
    expect(fleet.cluster('cluster-2').state.ca.certPem).not.toBe(c2Ca);
    expect(identity(fleet)[0]).toEqual(c1Before);
    expect(existsSync(join(stateDir(), 'cluster-1.json.tmp-4242-abc'))).toBe(false);

    // The fresh cluster-2 gets a state file of its own; the unreadable one stays where it was put.
    await fleet.flush();
    expect(readdirSync(stateDir()).filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(savedState('cluster-2').version).toBe(1);
    expect(readFileSync(aside.movedTo, 'utf8')).toBe(garbage);

    // A state that parses but lacks what a cluster needs is set aside too.
    await fleet.stop();
    fleet = undefined;
    writeFileSync(stateFile('cluster-2'), JSON.stringify({ version: 1, cluster: { name: 'cluster-2', port: 1 } }));
    fleet = await startLabFleet(options);
    expect(fleet.setAside.map((s) => s.reason)).toEqual(["the cluster's ca certificate is missing"]);
  });

  it('refuses to start over a state file of another version, and leaves nothing listening', async () => {
    const ports = fleet!.clusters.map((c) => c.port);
    await fleet!.stop();
    fleet = undefined;
    const newer = JSON.stringify({ version: 99, cluster: { name: 'cluster-2' } });
    writeFileSync(stateFile('cluster-2'), newer);
    await expect(startLabFleet(options)).rejects.toThrow(/cluster-2\.json is a lab cluster state of version 99, not 1/);
    expect(readFileSync(stateFile('cluster-2'), 'utf8')).toBe(newer);
    rmSync(stateFile('cluster-2'));
    fleet = await startLabFleet(options);
    expect(fleet.cluster('cluster-1').port).toBe(ports[0]);
  });

  it('says which cluster cannot have its port back, and leaves the others free', async () => {
    const [p1, p2] = fleet!.clusters.map((c) => c.port);
    await fleet!.stop();
    fleet = undefined;
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(p2, '127.0.0.1', resolve));
    try {
      await expect(startLabFleet(options)).rejects.toThrow(`cluster cluster-2 cannot listen on 127.0.0.1:${p2}`);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    // cluster-1 may have started before cluster-2 failed: it was stopped again, so its port is free.
    fleet = await startLabFleet(options);
    expect(fleet.clusters.map((c) => c.port)).toEqual([p1, p2]);
    expect((await request(fleet.cluster('cluster-2'), '/api/v1/namespaces')).status).toBe(200);
  });

  it('saves clusters added while it runs, names them in the kubeconfig file, and brings them back', async () => {
    const added = await Promise.all([fleet!.addCluster(), fleet!.addCluster()]);
    expect(added.map((c) => c.name)).toEqual(['cluster-3', 'cluster-4']);
    const contexts = () => (parse(readFileSync(join(dir, 'kubeconfig'), 'utf8')) as { contexts: { name: string }[] }).contexts.map((c) => c.name);
    expect(contexts()).toEqual(['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4']);
    await fleet!.flush();
    expect(readdirSync(stateDir()).filter((f) => f.endsWith('.json')).sort()).toEqual(['cluster-1.json', 'cluster-2.json', 'cluster-3.json', 'cluster-4.json']);
    const before = identity(fleet!);

    options = { ...options, clusters: 4 };
    await restart();
    expect(identity(fleet!)).toEqual(before);
  });
});
