/**
 * "Test connection" in the import wizard, against the lab fleet through the
 * real testConnection: a reachable cluster shows its version, K10 and the
 * identity it sees; a stopped one and refused credentials come back as
 * errors in words — all before anything is imported.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { ImportService } from '../../main/kubeconfig/import-service.js';
import { createClusterRegistry } from '../../main/clusters/cluster-list.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { AppStateStore } from '../../main/state/app-state.js';

let fleet: LabFleet;
let dir: string;
let service: ImportService;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-conntest-'));
  fleet = await startLabFleet({ clusters: 3 });
  const state = await AppStateStore.open(join(dir, 'userData'));
  const secrets = new MemorySecretStore();
  service = new ImportService({ registry: createClusterRegistry({ state, secrets }), secrets, testTimeoutMs: 5_000, searchPath: async () => ({ path: process.env.PATH ?? '', source: 'test' }) });
});
afterAll(async () => {
  service?.dispose();
  await fleet?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('kubeconfig:test against the lab fleet', () => {
  it('reports reachability, versions and identity, or what went wrong, per context', async () => {
    await fleet.cluster('cluster-2').stop();
    fleet.cluster('cluster-3').expireCredentials('admin');
    const lab = await service.scan({ kind: 'text', text: fleet.kubeconfig() });
    const results = await service.test(lab.scanId, lab.candidates.map((c) => c.id));
    const byName = Object.fromEntries(results.map((r) => [lab.candidates.find((c) => c.id === r.candidateId)!.contextName, r]));
    expect(byName['cluster-1']).toMatchObject({ reachable: true, kubernetesVersion: expect.stringMatching(/^v1\./), k10: { installed: true }, identity: { username: 'admin' } });
    expect(byName['cluster-2']).toMatchObject({ reachable: false, error: { code: 'UNREACHABLE' } });
    expect(byName['cluster-3']).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });
});
