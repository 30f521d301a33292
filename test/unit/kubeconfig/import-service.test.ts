/**
 * The import service and cluster registry around the keychain and the state
 * file, with an in-memory secret store that can be made to fail: imports are
 * all-or-nothing, removal never orphans credentials, connection tests are
 * bounded and time out, scans expire, and lab clusters stay in memory.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/errors.js';
import type { ConnectionTest } from '../../../shared/contract/fleet.js';
import { ImportService, type TestConnection } from '../../../main/kubeconfig/import-service.js';
import { kubeconfigHandlers } from '../../../main/ipc/handlers/kubeconfig.js';
import { createClusterRegistry, secretAccount, type ClusterRegistryService } from '../../../main/clusters/cluster-list.js';
import { MemorySecretStore } from '../../../main/secrets/memory-store.js';
import { AppStateStore, STATE_FILE } from '../../../main/state/app-state.js';

/** A memory store whose next operations can be made to fail like a keychain that went away. */
class FlakyStore extends MemorySecretStore {
  failSetsAfter = Infinity;
  failDeletes = false;
  private sets = 0;
  override async set(account: string, value: string) {
    if (!account.startsWith('probe:') && ++this.sets > this.failSetsAfter) throw new AppError('KEYCHAIN_UNAVAILABLE', 'the keyring was locked');
    return super.set(account, value);
  }
  override async delete(account: string) {
    if (this.failDeletes && !account.startsWith('probe:')) throw new AppError('KEYCHAIN_UNAVAILABLE', 'the keyring was locked');
    return super.delete(account);
  }
}

const kubeconfig = (names: string[], extra: (n: string) => object = () => ({})) =>
  stringify({
    clusters: names.map((n) => ({ name: n, cluster: { server: `https://${n}.example:6443` } })),
    users: names.map((n) => ({ name: n, user: { token: `token-${n}`, ...extra(n) } })),
    contexts: names.map((n) => ({ name: n, context: { cluster: n, user: n } })),
  });

let dir: string;
let state: AppStateStore;
let secrets: FlakyStore;
let registry: ClusterRegistryService;
let tester: TestConnection;
let service: ImportService;
let now: number;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-import-'));
  state = await AppStateStore.open(dir);
  secrets = new FlakyStore();
  registry = createClusterRegistry({ state, secrets });
  tester = async () => ({ reachable: true, kubernetesVersion: 'v1.30.0' });
  now = Date.parse('2025-01-01T00:00:00Z');
  service = new ImportService({
    registry,
    secrets,
    testConnection: (kc, o) => tester(kc, o),
    now: () => new Date(now),
    searchPath: async () => ({ path: '/usr/bin', source: 'test' }),
    testTimeoutMs: 200,
  });
});
afterEach(async () => {
  service.dispose();
  await rm(dir, { recursive: true, force: true });
});

async function importAll(names: string[], onExisting: 'update' | 'skip' = 'skip') {
  const scan = await service.scan({ kind: 'text', text: kubeconfig(names) });
  return service.import(scan.scanId, scan.candidates.map((c) => ({ candidateId: c.id, name: c.suggestedName, onExisting })));
}

describe('import', () => {
  it('saves nothing at all when the keychain fails part-way, and puts back what it had written', async () => {
    await importAll(['old']);
    const stateBefore = await readFile(join(dir, STATE_FILE), 'utf8');
    secrets.failSetsAfter = 2; // the third cluster's secret cannot be stored
    await expect(importAll(['a', 'b', 'c', 'old'], 'update')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(await readFile(join(dir, STATE_FILE), 'utf8')).toBe(stateBefore);
    expect(await secrets.list('cluster:')).toEqual([secretAccount(registry.findByName('old')!.id)]);
  });

  it('refuses two selections with one name, and names the clash', async () => {
    const scan = await service.scan({ kind: 'text', text: kubeconfig(['a', 'b']) });
    const report = await service.import(scan.scanId, scan.candidates.map((c) => ({ candidateId: c.id, name: 'same', onExisting: 'skip' as const })));
    expect(report.imported).toEqual(['same']);
    expect(report.failed).toEqual([{ name: 'same', message: expect.stringMatching(/would both be named "same"/) }]);
  });

  it('keeps a cluster without secrets out of the keychain', async () => {
    const scan = await service.scan({ kind: 'text', text: stringify({ clusters: [{ name: 'anon', cluster: { server: 'https://anon:6443' } }], contexts: [{ name: 'anon', context: { cluster: 'anon' } }] }) });
    await service.import(scan.scanId, [{ candidateId: scan.candidates[0]!.id, name: 'anon', onExisting: 'skip' }]);
    expect(await secrets.list('cluster:')).toEqual([]);
    const kc = await registry.kubeConfig(registry.findByName('anon')!.id);
    expect(kc.getCurrentCluster()!.server).toBe('https://anon:6443');
  });

  it('updating a cluster whose new credentials have no secret deletes its old keychain entry', async () => {
    await importAll(['x']);
    const id = registry.findByName('x')!.id;
    const scan = await service.scan({ kind: 'text', text: stringify({ clusters: [{ name: 'x', cluster: { server: 'https://x:6443' } }], contexts: [{ name: 'x', context: { cluster: 'x' } }] }) });
    const report = await service.import(scan.scanId, [{ candidateId: scan.candidates[0]!.id, name: 'x', onExisting: 'update' }]);
    expect(report.updated).toEqual(['x']);
    expect(await secrets.get(secretAccount(id))).toBeUndefined();
    expect(registry.findByName('x')).toMatchObject({ id, authKind: 'none' });
  });

  it('tells the user when the scan is gone', async () => {
    const scan = await service.scan({ kind: 'text', text: kubeconfig(['a']) });
    service.discard(scan.scanId);
    await expect(service.import(scan.scanId, [{ candidateId: 'c1', name: 'a', onExisting: 'skip' }])).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/Scan the kubeconfigs again/) });
  });
});

describe('registry', () => {
  it('removes a cluster only once its keychain entry is deleted, and says which could not be removed', async () => {
    await importAll(['a', 'b']);
    const ids = registry.list().map((c) => c.id);
    secrets.failDeletes = true;
    const err = await registry.remove(ids).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringMatching(/Could not remove 2 clusters.*"a".*"b"/) });
    expect(registry.list()).toHaveLength(2);
    secrets.failDeletes = false;
    expect((await registry.remove(ids)).sort()).toEqual([...ids].sort());
    expect(await secrets.list('')).toEqual([]);
  });

  it('explains a keychain entry deleted behind its back, naming the cluster and how to restore it', async () => {
    await importAll(['prod']);
    const c = registry.findByName('prod')!;
    await secrets.delete(secretAccount(c.id));
    await expect(registry.kubeConfig(c.id)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      cluster: 'prod',
      message: expect.stringMatching(/keychain has no credentials for cluster "prod".*Import its kubeconfig again \(context "prod"\)/),
    });
  });

  it('lists lab clusters while the lab runs, with in-memory credentials, and tells listeners', async () => {
    let changes = 0;
    const off = registry.onChange(() => changes++);
    registry.setEphemeral([{ name: 'cluster-1', server: 'https://127.0.0.1:1234', caPem: 'CA', token: 'lab-token' }]);
    expect(registry.list()).toEqual([expect.objectContaining({ id: 'lab:cluster-1', name: 'cluster-1', source: 'lab', authKind: 'token' })]);
    const kc = await registry.kubeConfig('lab:cluster-1');
    expect(kc.getCurrentUser()!.token).toBe('lab-token');
    expect(await readdir(dir)).toEqual([]); // nothing of the lab is written
    registry.setEphemeral([]);
    expect(registry.list()).toEqual([]);
    off();
    registry.setEphemeral([]);
    expect(changes).toBe(2);
  });

  it('does not let an import take a lab cluster\'s name', async () => {
    registry.setEphemeral([{ name: 'cluster-1', server: 'https://127.0.0.1:1', caPem: 'CA', token: 't' }]);
    const scan = await service.scan({ kind: 'text', text: kubeconfig(['cluster-1']) });
    expect(scan.candidates[0]!.suggestedName).toBe('cluster-1-2');
    const report = await service.import(scan.scanId, [{ candidateId: scan.candidates[0]!.id, name: 'cluster-1', onExisting: 'update' }]);
    expect(report.failed).toEqual([{ name: 'cluster-1', message: 'A lab cluster is named "cluster-1"; choose another name.' }]);
  });
});

describe('connection tests', () => {
  it('runs at most 8 at once and answers for every candidate in order', async () => {
    let running = 0;
    let peak = 0;
    tester = async (kc: KubeConfig): Promise<ConnectionTest> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return { reachable: true, kubernetesVersion: kc.getCurrentCluster()!.server };
    };
    const names = Array.from({ length: 30 }, (_, i) => `c${i}`);
    const scan = await service.scan({ kind: 'text', text: kubeconfig(names) });
    const results = await service.test(scan.scanId, scan.candidates.map((c) => c.id));
    expect(peak).toBe(8);
    expect(results.map((r) => r.kubernetesVersion)).toEqual(names.map((n) => `https://${n}.example:6443`));
  });

  it('gives up on a candidate that takes too long, without holding up the others', async () => {
    tester = async (kc) => (kc.getCurrentCluster()!.server.includes('slow') ? new Promise<never>(() => {}) : { reachable: true });
    const scan = await service.scan({ kind: 'text', text: kubeconfig(['slow', 'fast']) });
    const [slow, fast] = await service.test(scan.scanId, scan.candidates.map((c) => c.id));
    expect(slow).toMatchObject({ reachable: false, error: { code: 'TIMEOUT', message: expect.stringMatching(/No answer from https:\/\/slow\.example:6443/) } });
    expect(fast).toMatchObject({ reachable: true });
  });

  it('does not contact a cluster whose context cannot work, and says why', async () => {
    let called = false;
    tester = async () => ((called = true), { reachable: true });
    const scan = await service.scan({ kind: 'text', text: stringify({ contexts: [{ name: 'broken', context: { cluster: 'nowhere' } }] }) });
    const [r, unknown] = await service.test(scan.scanId, [scan.candidates[0]!.id, 'c99']);
    expect(r).toMatchObject({ reachable: false, error: { code: 'KUBECONFIG_INVALID', message: expect.stringMatching(/uses cluster "nowhere"/) } });
    expect(unknown).toMatchObject({ candidateId: 'c99', reachable: false, error: { code: 'NOT_FOUND' } });
    expect(called).toBe(false);
  });

  it('hands testConnection a KubeConfig with the credentials and its timeout', async () => {
    let seen: { token?: string; timeoutMs?: number } = {};
    tester = async (kc, o) => ((seen = { token: kc.getCurrentUser()!.token, timeoutMs: o?.timeoutMs }), { reachable: true });
    const scan = await service.scan({ kind: 'text', text: kubeconfig(['a']) });
    await service.test(scan.scanId, ['c1']);
    expect(seen).toEqual({ token: 'token-a', timeoutMs: 200 });
  });
});

describe('kubeconfigHandlers', () => {
  it('answers the pickers with UNSUPPORTED when there are no native dialogs (preview mode)', async () => {
    const h = kubeconfigHandlers(service);
    await expect(Promise.resolve(h['kubeconfig:pick-files']({}, { transport: 'preview' }))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    await expect(Promise.resolve(h['kubeconfig:pick-folder']({}, { transport: 'preview' }))).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('uses the native dialogs when there are some, and routes scan and discard to the service', async () => {
    const h = kubeconfigHandlers(service, { dialogs: { pickFiles: async () => ['/a'], pickFolder: async () => null } });
    expect(await h['kubeconfig:pick-files']({}, { transport: 'electron' })).toEqual(['/a']);
    expect(await h['kubeconfig:pick-folder']({}, { transport: 'electron' })).toBeNull();
    const scan = await h['kubeconfig:scan']({ source: { kind: 'text', text: kubeconfig(['a']) } }, { transport: 'electron' });
    expect(scan.candidates).toHaveLength(1);
    expect(await h['kubeconfig:discard']({ scanId: scan.scanId }, { transport: 'electron' })).toBeNull();
    await expect(Promise.resolve(h['kubeconfig:test']({ scanId: scan.scanId, candidateIds: ['c1'] }, { transport: 'electron' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
