/**
 * The fleet view at a glance, main's side, against a lab fleet over real
 * HTTPS: the summary split into what it means (unreachable; 401/403 on the
 * probe or a watch; failed K10 actions in the last 24 h), counted the same
 * by `flotilla fleet`; when an unreachable cluster was last seen (its
 * values are last known); the detail panel's failed actions
 * (fleet:failed-actions, from the watches) and its K10 dashboard
 * (fleet:k10-dashboard).
 */
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetService } from '../../main/fleet/fleet-service.js';
import { readFleetOnce } from '../../main/fleet/fleet-once.js';
import { fleetHandlers } from '../../main/ipc/handlers/fleet.js';
import { ClusterPool } from '../../main/kube/cluster-pool.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import type { LabCluster } from '../../main/lab/cluster.js';
import type { FleetRow } from '../../shared/contract/index.js';
import { summarize } from '../../main/fleet/fleet-row.js';
import { TEST_TUNING, TestRegistry, RecordingSink } from './fleet-test-registry.js';
import { eventually, kubeConfigFor, request } from './lab-helpers.js';

const TUNING = TEST_TUNING;
const ctx = { transport: 'test' as const };
const DAY = 24 * 3600_000;

let lab: LabFleet;
let yaml: string;
let registry: TestRegistry;
let fleet: FleetService;
let handlers: ReturnType<typeof fleetHandlers>;

beforeAll(async () => {
  lab = await startLabFleet({ clusters: 5 });
  yaml = lab.kubeconfig();
  registry = new TestRegistry();
  registry.importKubeconfig(yaml);
  fleet = new FleetService({ registry, events: new RecordingSink(), options: TUNING });
  handlers = fleetHandlers(fleet, registry);
  await fleet.start();
  await eventually(() => fleet.snapshot().rows.every(complete), 'every row to be complete', 15_000);
});

afterAll(async () => {
  await fleet?.stop();
  await lab?.stop();
});

const row = (name: string): FleetRow => fleet.snapshot().rows.find((r) => r.name === name)!;
const complete = (r: FleetRow | undefined) => r && r.k10Version && r.kubernetesVersion && r.counts.actions !== undefined && r.counts.applications !== undefined && r.counts.policies !== undefined && r.role !== 'unknown';

interface RawAction {
  kind?: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  status?: { state?: string; endTime?: string; startTime?: string; error?: { message?: string } };
}

/** The cluster's failed actions of the last 24 h, read independently over raw HTTPS, newest first. */
async function failedTruth(c: LabCluster): Promise<{ kind: string; name: string; at: number; message?: string }[]> {
  const kinds = { runactions: 'RunAction', backupactions: 'BackupAction', exportactions: 'ExportAction', restoreactions: 'RestoreAction' } as const;
  const out: { kind: string; name: string; at: number; message?: string }[] = [];
  for (const [plural, kind] of Object.entries(kinds)) {
    const items = (await request(c, `/apis/actions.kio.kasten.io/v1alpha1/${plural}`)).json<{ items: RawAction[] }>().items;
    for (const a of items) {
      if (a.status?.state !== 'Failed') continue;
      const at = Date.parse(a.status.endTime ?? a.status.startTime ?? '');
      if (at > Date.now() - DAY) out.push({ kind, name: a.metadata.name, at, ...(a.status.error?.message ? { message: a.status.error.message } : {}) });
    }
  }
  return out.sort((a, b) => b.at - a.at || a.name.localeCompare(b.name));
}

async function failAnAction(cluster: string, name: string, message: string): Promise<void> {
  const now = new Date().toISOString();
  await kubeConfigFor(yaml, cluster)
    .makeApiClient(CustomObjectsApi)
    .createNamespacedCustomObject({
      group: 'actions.kio.kasten.io',
      version: 'v1alpha1',
      namespace: 'kasten-io',
      plural: 'runactions',
      body: {
        apiVersion: 'actions.kio.kasten.io/v1alpha1',
        kind: 'RunAction',
        metadata: { name, labels: { 'k10.kasten.io/policyName': 'glance-policy', 'k10.kasten.io/appName': 'glance-app' } },
        spec: { subject: { kind: 'Policy', name: 'glance-policy', namespace: 'kasten-io' } },
        status: { state: 'Failed', startTime: now, endTime: now, error: { message } },
      },
    });
}

describe('the summary, split into what it means', () => {
  it('counts clusters with failed actions in the last 24 h, and no other trouble in a healthy fleet', async () => {
    await failAnAction('cluster-1', 'glance-failed', 'Failed to export: the glance test says so');
    await eventually(() => (row('cluster-1').counts.failedActions24h ?? 0) > 0, 'the new failure to count');
    const { rows, summary } = fleet.snapshot();
    expect(summary).toEqual({
      clusters: 5,
      reachable: 5,
      unreachable: 0,
      authProblems: 0,
      failedActions: rows.filter((r) => (r.counts.failedActions24h ?? 0) > 0).length,
      primaries: 0,
      secondaries: 0,
    });
    expect(summary.failedActions).toBeGreaterThanOrEqual(1);
    // While a cluster answers, no "last seen" time rides on its row.
    expect(rows.map((r) => r.reachability.lastSeenAt)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it('tells unreachable clusters from ones that refuse the credentials (401) or a permission (403), as `flotilla fleet` does', async () => {
    lab.cluster('cluster-2').expireCredentials('admin');
    lab.cluster('cluster-3').deny('admin', { verb: 'list', resource: 'policies', group: 'config.kio.kasten.io' });
    lab.cluster('cluster-3').deny('admin', { verb: 'watch', resource: 'policies', group: 'config.kio.kasten.io' });
    await lab.cluster('cluster-4').stop();
    // The 403 shows once the policies watch opens again (at a renewal; here, at once).
    lab.cluster('cluster-3').cutWatches();
    await fleet.refresh();
    const summary = await eventually(() => {
      const s = fleet.snapshot().summary;
      return s.unreachable === 1 && s.authProblems === 2 && s;
    }, 'one unreachable cluster and two with auth problems', 10_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(fleet.snapshot().rows.map((r) => [r.name, r.reachability.state, r.lastError?.code]))}`);
    });
    expect(summary).toMatchObject({ clusters: 5, reachable: 4 });
    expect(row('cluster-2').lastError).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(row('cluster-3').lastError).toMatchObject({ code: 'FORBIDDEN' });
    expect(row('cluster-4').reachability.state).toBe('unreachable');
    expect(summary).toEqual(summarize(fleet.snapshot().rows));

    // The CLI's one-off read counts the same, by the same rules. Only the watched view has last known
    // counts of the cluster that went away and of the one that now refuses its credentials.
    const pool = new ClusterPool(registry, { requestTimeoutMs: 5_000 });
    try {
      const once = await readFleetOnce({ registry, pool }, { probeTimeoutMs: 1_000, retries: 0 });
      const watched = fleet.snapshot();
      const readNow = watched.rows.filter((r) => r.reachability.state === 'reachable' && r.lastError?.code !== 'UNAUTHORIZED');
      expect(once.summary).toEqual({ ...watched.summary, failedActions: readNow.filter((r) => (r.counts.failedActions24h ?? 0) > 0).length });
      expect(once.summary).toEqual(summarize(once.rows));
    } finally {
      pool.close();
    }
  });
});

describe('an unreachable cluster', () => {
  it('says when it was last seen, and keeps what was read then as its last known values', async () => {
    const down = row('cluster-4');
    expect(down.reachability.state).toBe('unreachable');
    const seen = Date.parse(down.reachability.lastSeenAt!);
    expect(seen).toBeGreaterThan(Date.now() - 60_000);
    expect(seen).toBeLessThanOrEqual(Date.parse(down.reachability.checkedAt!));
    expect(down.kubernetesVersion).toMatch(/^v\d/);
    expect(down.counts.applications).toBeGreaterThan(0);
    // Still down a probe later: the same time, not a new one.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(row('cluster-4').reachability.lastSeenAt).toBe(down.reachability.lastSeenAt);

    await lab.cluster('cluster-4').start();
    await eventually(() => row('cluster-4').reachability.state === 'reachable', 'cluster-4 to be back', 10_000);
    expect(row('cluster-4').reachability.lastSeenAt).toBeUndefined();
  });
});

describe('the detail panel', () => {
  it("lists a cluster's newest failed actions with what Kasten said of each, from the watches", async () => {
    const c = lab.cluster('cluster-1');
    const truth = await failedTruth(c);
    const r = await handlers['fleet:failed-actions']({ clusterId: row('cluster-1').id, limit: 20 }, ctx);
    expect(r.complete).toBe(true);
    expect(r.total).toBe(truth.length);
    expect(r.total).toBe(row('cluster-1').counts.failedActions24h);
    expect(r.actions.map((a) => ({ kind: a.kind, name: a.name, at: Date.parse(a.at), ...(a.message ? { message: a.message } : {}) }))).toEqual(truth.slice(0, 20));
    expect(r.actions.find((a) => a.name === 'glance-failed')).toEqual({
      kind: 'RunAction',
      name: 'glance-failed',
      namespace: 'kasten-io',
      policy: 'glance-policy',
      application: 'glance-app',
      at: expect.any(String),
      message: 'Failed to export: the glance test says so',
    });
  });

  it('gives at most as many as asked, newest first', async () => {
    for (let i = 0; i < 3; i++) await failAnAction('cluster-5', `glance-burst-${i}`, `burst ${i}`);
    const id = row('cluster-5').id;
    await eventually(async () => (await handlers['fleet:failed-actions']({ clusterId: id, limit: 20 }, ctx)).total >= 3, 'the burst to be watched');
    const r = await handlers['fleet:failed-actions']({ clusterId: id, limit: 2 }, ctx);
    expect(r.actions).toHaveLength(2);
    expect(r.total).toBeGreaterThanOrEqual(3);
    expect(Date.parse(r.actions[0].at)).toBeGreaterThanOrEqual(Date.parse(r.actions[1].at));
  });

  it('says so for a cluster that is not in the fleet', async () => {
    await expect(handlers['fleet:failed-actions']({ clusterId: 'nope', limit: 20 }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(handlers['fleet:k10-dashboard']({ clusterId: 'nope' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("finds a standalone cluster's K10 dashboard from its K10 Ingress, and a primary's from its Cluster object", async () => {
    const c5 = lab.cluster('cluster-5');
    expect(await handlers['fleet:k10-dashboard']({ clusterId: row('cluster-5').id }, ctx)).toEqual({ url: `${c5.k10IngressUrl}/#/`, source: 'Ingress kasten-io/k10-ingress' });

    const kc = kubeConfigFor(yaml, 'cluster-5');
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'kasten-io-mc' } } });
    await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'dist.kio.kasten.io',
      version: 'v1alpha1',
      namespace: 'kasten-io-mc',
      plural: 'bootstraps',
      body: {
        apiVersion: 'dist.kio.kasten.io/v1alpha1',
        kind: 'Bootstrap',
        metadata: { name: 'bootstrap' },
        spec: { clusters: { hq: { name: 'hq', primary: true, k10: { namespace: 'kasten-io', releaseName: 'k10', ingress: { url: 'https://hq.example.test/k10/' } } } } },
      },
    });
    await eventually(() => row('cluster-5').role === 'primary', 'cluster-5 to show as primary', 10_000);
    expect(await handlers['fleet:k10-dashboard']({ clusterId: row('cluster-5').id }, ctx)).toEqual({ url: 'https://hq.example.test/k10/#/', source: 'Cluster kasten-io-mc/hq' });
  });
});
