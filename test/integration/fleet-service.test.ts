/**
 * The fleet view's backend end to end, against a lab fleet of three
 * clusters over real HTTPS: the rows a person sees (counts and versions
 * match what the clusters hold), roles and join states that follow a
 * promotion and a join made with client-node, a cluster that goes down and
 * comes back by itself, a slow cluster that does not hold up the others,
 * removal, throttled events, and a stop that leaves nothing running.
 */
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetService, type FleetOptions } from '../../main/fleet/fleet-service.js';
import { fleetHandlers } from '../../main/ipc/handlers/fleet.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import type { LabCluster } from '../../main/lab/cluster.js';
import type { FleetChangedEvent, FleetRow } from '../../shared/contract/index.js';
import { TEST_TUNING, TestRegistry, RecordingSink } from './fleet-test-registry.js';
import { eventually, kubeConfigFor, request } from './lab-helpers.js';

const TUNING = TEST_TUNING;
const ctx = { transport: 'test' as const };
const DAY = 24 * 3600_000;

let lab: LabFleet;
let yaml: string;
let registry: TestRegistry;
let sink: RecordingSink;
let fleet: FleetService;

beforeAll(async () => {
  lab = await startLabFleet({ clusters: 3, k10: { pollHoldMs: 2_000, unreachableAfterMs: 2_000, retryBaseMs: 100, retryMaxMs: 500 } });
  yaml = lab.kubeconfig();
  registry = new TestRegistry();
  registry.importKubeconfig(yaml);
  sink = new RecordingSink();
  fleet = new FleetService({ registry, events: sink, options: TUNING });
  await fleet.start();
});

afterAll(async () => {
  await fleet?.stop();
  await lab?.stop();
});

const row = (name: string): FleetRow | undefined => fleet.snapshot().rows.find((r) => r.name === name);
const complete = (r: FleetRow | undefined) => r && r.k10Version && r.kubernetesVersion && r.counts.actions !== undefined && r.counts.applications !== undefined && r.counts.policies !== undefined && r.role !== 'unknown';

/** What a cluster holds, read independently of Flotilla over raw HTTPS. */
async function truth(c: LabCluster) {
  const items = async (path: string) => (await request(c, path)).json<{ items: { status?: { state?: string; endTime?: string; startTime?: string }; metadata: { labels?: Record<string, string> } }[] }>().items;
  const actions = (await Promise.all(['runactions', 'backupactions', 'exportactions', 'restoreactions'].map((p) => items(`/apis/actions.kio.kasten.io/v1alpha1/${p}`)))).flat();
  const catalog = (await request(c, '/apis/apps/v1/namespaces/kasten-io/deployments/catalog-svc')).json<{ metadata: { labels: Record<string, string> } }>();
  return {
    applications: (await items('/apis/apps.kio.kasten.io/v1alpha1/applications')).length,
    policies: (await items('/apis/config.kio.kasten.io/v1alpha1/namespaces/kasten-io/policies')).length,
    actions: actions.length,
    failedActions24h: actions.filter((a) => a.status?.state === 'Failed' && Date.parse(a.status.endTime ?? a.status.startTime ?? '') > Date.now() - DAY).length,
    k10Version: catalog.metadata.labels['app.kubernetes.io/version'],
    kubernetesVersion: (await request(c, '/version')).json<{ gitVersion: string }>().gitVersion,
  };
}

describe('the fleet view', () => {
  it('shows one row per cluster with the counts and versions the clusters hold', async () => {
    await eventually(() => fleet.snapshot().rows.every(complete), 'every row to be complete', 10_000);
    const snap = fleet.snapshot();
    expect(snap.rows.map((r) => r.name)).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    for (const c of lab.clusters) {
      const r = row(c.name)!;
      const t = await truth(c);
      expect(r).toMatchObject({
        server: c.apiUrl,
        source: 'imported',
        role: 'standalone',
        joinState: 'none',
        labels: {},
        kubernetesVersion: t.kubernetesVersion,
        k10Version: t.k10Version,
        counts: { applications: t.applications, policies: t.policies, actions: t.actions, failedActions24h: t.failedActions24h },
      });
      expect(t.applications).toBeGreaterThan(0);
      expect(r.reachability.state).toBe('reachable');
      expect(r.reachability.latencyMs).toBeLessThan(1_000);
      expect(r.lastError).toBeUndefined();
    }
    const failedActions = snap.rows.filter((r) => (r.counts.failedActions24h ?? 0) > 0).length;
    expect(snap.summary).toEqual({ clusters: 3, reachable: 3, unreachable: 0, authProblems: 0, failedActions, primaries: 0, secondaries: 0 });
  });

  it('follows changes through watches: a new application, a deleted policy, an action that just failed', async () => {
    const c = lab.cluster('cluster-2');
    const before = row('cluster-2')!.counts;
    const core = kubeConfigFor(yaml, 'cluster-2').makeApiClient(CoreV1Api);
    const custom = kubeConfigFor(yaml, 'cluster-2').makeApiClient(CustomObjectsApi);
    await core.createNamespace({ body: { metadata: { name: 'shop' } } });
    await custom.createNamespacedCustomObject({ group: 'apps.kio.kasten.io', version: 'v1alpha1', namespace: 'shop', plural: 'applications', body: { apiVersion: 'apps.kio.kasten.io/v1alpha1', kind: 'Application', metadata: { name: 'shop' }, spec: {} } });
    const policy = (await request(c, '/apis/config.kio.kasten.io/v1alpha1/namespaces/kasten-io/policies')).json<{ items: { metadata: { name: string } }[] }>().items[0].metadata.name;
    await custom.deleteNamespacedCustomObject({ group: 'config.kio.kasten.io', version: 'v1alpha1', namespace: 'kasten-io', plural: 'policies', name: policy });
    const now = new Date().toISOString();
    await custom.createNamespacedCustomObject({
      group: 'actions.kio.kasten.io',
      version: 'v1alpha1',
      namespace: 'kasten-io',
      plural: 'runactions',
      body: { apiVersion: 'actions.kio.kasten.io/v1alpha1', kind: 'RunAction', metadata: { name: 'just-failed' }, spec: {}, status: { state: 'Failed', startTime: now, endTime: now } },
    });
    const after = await eventually(() => {
      const n = row('cluster-2')!.counts;
      return n.applications === before.applications! + 1 && n.policies === before.policies! - 1 && n.actions === before.actions! + 1 && n.failedActions24h === before.failedActions24h! + 1 && n;
    }, 'the counts to follow', 5_000);
    expect(after).toBeTruthy();
    expect(fleet.snapshot().summary.failedActions).toBeGreaterThanOrEqual(1);
  });

  it('shows a promoted primary and a joined secondary, with the secondary\'s labels from its Cluster on the primary', async () => {
    const c1 = kubeConfigFor(yaml, 'cluster-1');
    const c2 = kubeConfigFor(yaml, 'cluster-2');
    await c1.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'kasten-io-mc' } } });
    const dist = { group: 'dist.kio.kasten.io', version: 'v1alpha1', namespace: 'kasten-io-mc' };
    await c1.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      ...dist,
      plural: 'bootstraps',
      body: {
        apiVersion: 'dist.kio.kasten.io/v1alpha1',
        kind: 'Bootstrap',
        metadata: { name: 'bootstrap' },
        spec: { clusters: { 'cluster-1': { name: 'cluster-1', primary: true, k10: { namespace: 'kasten-io', releaseName: 'k10', ingress: { url: lab.cluster('cluster-1').k10IngressUrl } } } } },
      },
    });
    await eventually(() => row('cluster-1')?.role === 'primary', 'cluster-1 to show as primary', 5_000);
    expect(row('cluster-1')).toMatchObject({ role: 'primary', primaryName: 'cluster-1', joinState: 'none', labels: { 'dist.kio.kasten.io/cluster-type': 'primary' } });

    const tokenSecret = await c1.makeApiClient(CoreV1Api).createNamespacedSecret({ namespace: 'kasten-io-mc', body: { metadata: { generateName: 'join-token-secret-' }, type: 'dist.kio.kasten.io/join-token' } });
    const token = await eventually(async () => {
      const s = await c1.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: 'kasten-io-mc', name: tokenSecret.metadata!.name! });
      return s.data?.token ? Buffer.from(s.data.token, 'base64').toString() : undefined;
    }, 'the join token');
    const core2 = c2.makeApiClient(CoreV1Api);
    await core2.createNamespacedSecret({ namespace: 'kasten-io', body: { metadata: { name: 'mc-join' }, stringData: { token } } });
    await core2.createNamespacedConfigMap({ namespace: 'kasten-io', body: { metadata: { name: 'mc-join-config' }, data: { 'cluster-name': 'cluster-2', 'cluster-ingress': lab.cluster('cluster-2').k10IngressUrl } } });
    await eventually(() => row('cluster-2')?.joinState === 'joined', 'cluster-2 to show as joined', 15_000);
    expect(row('cluster-2')).toMatchObject({ role: 'secondary', primaryName: 'cluster-1', joinState: 'joined' });
    const joinStates = sink.of<FleetChangedEvent>('fleet:changed').flatMap((e) => e.payload.upserts.filter((r) => r.name === 'cluster-2').map((r) => r.joinState));
    expect(joinStates).toContain('joined');

    await c1.makeApiClient(CustomObjectsApi).patchNamespacedCustomObject(
      { ...dist, plural: 'clusters', name: 'cluster-2', body: [{ op: 'add', path: '/metadata/labels/env', value: 'prod' }] },
    );
    await eventually(() => row('cluster-2')?.labels.env === 'prod', "the secondary's label to show", 5_000);
    expect(row('cluster-2')!.labels).toEqual({ 'dist.kio.kasten.io/cluster-type': 'secondary', env: 'prod' });
    expect(fleet.snapshot().summary).toMatchObject({ primaries: 1, secondaries: 1 });
    expect(row('cluster-3')!.role).toBe('standalone');
  });

  it("shows on each row the sync state its primary reports for the distributions that target it", async () => {
    const custom = kubeConfigFor(yaml, 'cluster-1').makeApiClient(CustomObjectsApi);
    const ns = { version: 'v1alpha1', namespace: 'kasten-io-mc' };
    await custom.createNamespacedCustomObject({ ...ns, group: 'config.kio.kasten.io', plural: 'policies', body: { apiVersion: 'config.kio.kasten.io/v1alpha1', kind: 'Policy', metadata: { name: 'fleet-daily' }, spec: { frequency: '@daily', retention: { daily: 7 }, actions: [{ action: 'backup' }] } } });
    await custom.createNamespacedCustomObject({
      ...ns,
      group: 'dist.kio.kasten.io',
      plural: 'distributions',
      body: { apiVersion: 'dist.kio.kasten.io/v1alpha1', kind: 'Distribution', metadata: { name: 'to-cluster-2' }, spec: { clusters: [{ name: 'cluster-2' }], sources: [{ ref: { apiVersion: 'config.kio.kasten.io/v1alpha1', kind: 'Policy', name: 'fleet-daily', namespace: 'kasten-io-mc' } }] } },
    });
    await eventually(() => row('cluster-2')?.sync?.state === 'synced', "cluster-2's distribution to show as synced", 10_000);
    expect(row('cluster-2')!.sync).toEqual({ state: 'synced', distributions: 1 });
    expect(row('cluster-1')!.sync).toBeUndefined();
    expect(row('cluster-3')!.sync).toBeUndefined();
  });

  it('shows a secondary disconnected on its primary as disconnected, before it confirms and after', async () => {
    // cluster-2 is down, so it cannot confirm: its Cluster on the primary waits, marked for deletion.
    await lab.cluster('cluster-2').stop();
    const custom = kubeConfigFor(yaml, 'cluster-1').makeApiClient(CustomObjectsApi);
    await custom.deleteNamespacedCustomObject({ group: 'dist.kio.kasten.io', version: 'v1alpha1', namespace: 'kasten-io-mc', plural: 'clusters', name: 'cluster-2' });
    const leaving = await eventually(() => (row('cluster-2')?.joinState === 'disconnected' ? row('cluster-2') : undefined), 'cluster-2 to show as disconnected', 5_000);
    expect(leaving!.joinMessage).toMatch(/Disconnected on the primary "cluster-1"/);
    await lab.cluster('cluster-2').start();
    // Back up, K10 on cluster-2 removes mc-cluster-info; mc-join-status still says joined, and the row says what is true.
    const after = await eventually(() => (row('cluster-2')?.role === 'standalone' && row('cluster-2')?.reachability.state === 'reachable' ? row('cluster-2') : undefined), 'cluster-2 to leave', 15_000);
    expect(after).toMatchObject({ role: 'standalone', joinState: 'disconnected' });
    expect(fleet.snapshot().summary).toMatchObject({ primaries: 1, secondaries: 0 });
  });

  it('asks an idle cluster nothing while its watches are open: the probe is then an HTTP/2 ping', async () => {
    const c1 = lab.cluster('cluster-1');
    await eventually(() => fleet.stats().openWatches === fleet.stats().watches, 'every watch to be open');
    await new Promise((r) => setTimeout(r, 2 * TUNING.probeIntervalMs!));
    c1.resetStats();
    await new Promise((r) => setTimeout(r, 6 * TUNING.probeIntervalMs!));
    const s = c1.stats();
    expect(s.requests.total).toBe(0);
    expect(s.connections.h2Sessions.open).toBe(1);
    expect(row('cluster-1')?.reachability).toMatchObject({ state: 'reachable', latencyMs: expect.any(Number) });
    // Asked to check, it sends a real request.
    await fleet.refresh('imported:cluster-1');
    expect(c1.stats().requests.byVerb.get).toBe(1);
  });

  it('shows a cluster that goes down as unreachable within seconds, and recovers by itself', async () => {
    const c3 = lab.cluster('cluster-3');
    await c3.stop();
    const stoppedAt = Date.now();
    const down = await eventually(() => (row('cluster-3')?.reachability.state === 'unreachable' ? row('cluster-3') : undefined), 'cluster-3 to show as unreachable', 5_000);
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);
    expect(down!.lastError).toMatchObject({ code: 'UNREACHABLE', cluster: 'cluster-3' });
    // A request cut mid-flight reads "reset"; the next probe finds nothing listening.
    await eventually(() => row('cluster-3')?.lastError?.message.includes(`nothing is listening at ${c3.apiUrl} (connection refused)`), 'the refused connection to be reported', 3_000);
    // What was known stays on the row.
    expect(down!.counts.applications).toBeGreaterThan(0);
    expect(fleet.snapshot().summary.reachable).toBe(2);

    await c3.start();
    const startedAt = Date.now();
    await eventually(() => row('cluster-3')?.reachability.state === 'reachable' && !row('cluster-3')?.lastError, 'cluster-3 to recover', 8_000);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    // And its watches are back: a change shows.
    const apps = row('cluster-3')!.counts.applications!;
    const custom = kubeConfigFor(yaml, 'cluster-3').makeApiClient(CustomObjectsApi);
    await custom.createNamespacedCustomObject({ group: 'apps.kio.kasten.io', version: 'v1alpha1', namespace: 'default', plural: 'applications', body: { apiVersion: 'apps.kio.kasten.io/v1alpha1', kind: 'Application', metadata: { name: 'after-restart' }, spec: {} } });
    await eventually(() => row('cluster-3')?.counts.applications === apps + 1, 'the watch to be back', 5_000);
  });

  it('throttles events: a burst of changes arrives as a few events, at least the throttle apart', async () => {
    const custom = kubeConfigFor(yaml, 'cluster-1').makeApiClient(CustomObjectsApi);
    const from = sink.events.length;
    const apps = row('cluster-1')!.counts.applications!;
    const burstStart = Date.now();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        custom.createNamespacedCustomObject({ group: 'apps.kio.kasten.io', version: 'v1alpha1', namespace: 'default', plural: 'applications', body: { apiVersion: 'apps.kio.kasten.io/v1alpha1', kind: 'Application', metadata: { name: `burst-${i}` }, spec: {} } }),
      ),
    );
    // Watch the events until the last one carries the full count.
    await eventually(() => {
      const last = sink.events.slice(from).filter((e) => e.event === 'fleet:changed').map((e) => e.payload as FleetChangedEvent).flatMap((e) => e.upserts).filter((r) => r.name === 'cluster-1').at(-1);
      return last?.counts.applications === apps + 40;
    }, 'the burst to arrive', 5_000);
    const burst = sink.events.slice(from).filter((e) => e.event === 'fleet:changed');
    const elapsed = Date.now() - burstStart;
    expect(burst.length).toBeLessThanOrEqual(Math.ceil(elapsed / TUNING.throttleMs!) + 1);
    expect(burst.length).toBeLessThan(40);
    for (let i = 1; i < burst.length; i++) expect(burst[i].at - burst[i - 1].at).toBeGreaterThanOrEqual(TUNING.throttleMs! - 5);
    // Versions only grow.
    const versions = burst.map((e) => (e.payload as FleetChangedEvent).version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  });

  it('refreshes one cluster on request, and says so when the id is unknown', async () => {
    const handlers = fleetHandlers(fleet, registry);
    const id = row('cluster-1')!.id;
    await expect(handlers['fleet:refresh']({ id }, ctx)).resolves.toBeNull();
    await expect(handlers['fleet:refresh']({ id: 'nope' }, ctx)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('removes a cluster: its row goes, and the removal is announced', async () => {
    const handlers = fleetHandlers(fleet, registry);
    const id = row('cluster-3')!.id;
    const from = sink.events.length;
    await expect(handlers['clusters:remove']({ ids: [id] }, ctx)).resolves.toEqual({ removed: [id] });
    expect(registry.removedIds).toContain(id);
    const snap = await eventually(async () => {
      const s = await handlers['fleet:snapshot']({}, ctx);
      return s.rows.length === 2 && s;
    }, 'the row to go', 1_000);
    expect(snap.rows.map((r) => r.name)).toEqual(['cluster-1', 'cluster-2']);
    expect(snap.summary.clusters).toBe(2);
    const removals = sink.events.slice(from).filter((e) => e.event === 'fleet:changed').flatMap((e) => (e.payload as FleetChangedEvent).removed);
    expect(removals).toEqual([id]);
  });
});

describe('the first paint first', () => {
  const dialled = () => lab.clusters.reduce((n, c) => n + c.stats().connections.h2Sessions.opened + c.stats().connections.h1Sockets.opened, 0);

  it('opens no connection until the first snapshot is taken, then every one', async () => {
    for (const c of lab.clusters) c.resetStats();
    const service = new FleetService({ registry, events: new RecordingSink(), options: { ...TUNING, firstSnapshotGraceMs: 10_000 } });
    try {
      await service.start();
      await new Promise((r) => setTimeout(r, 700));
      expect(dialled()).toBe(0);
      // The window's first paint: every row there, each still checking.
      const first = service.snapshot();
      expect(first.rows.map((r) => [r.name, r.reachability.state])).toEqual(registry.list().map((c) => [c.name, 'checking']));
      await eventually(() => service.snapshot().rows.every(complete), 'the rows to be complete after the first snapshot');
      expect(dialled()).toBe(registry.list().length);
    } finally {
      await service.stop();
    }
  });

  it('connects after the grace when no window asks', async () => {
    for (const c of lab.clusters) c.resetStats();
    const service = new FleetService({ registry, events: new RecordingSink(), options: { ...TUNING, firstSnapshotGraceMs: 300 } });
    try {
      await service.start();
      await eventually(() => dialled() === registry.list().length, 'every cluster to be connected after the grace', 3_000);
    } finally {
      await service.stop();
    }
  });
});

describe('first reads in turns', () => {
  let turnsLab: LabFleet;
  let turnsRegistry: TestRegistry;
  beforeAll(async () => {
    turnsLab = await startLabFleet({ clusters: 4 });
    turnsRegistry = new TestRegistry();
    turnsRegistry.importKubeconfig(turnsLab.kubeconfig());
  });
  afterAll(() => turnsLab?.stop());

  const stats = (name: string) => turnsLab.cluster(name).stats().requests;
  const service = (options: FleetOptions) => new FleetService({ registry: turnsRegistry, events: new RecordingSink(), options: { ...TUNING, ...options } });

  it('one cluster at a time: the first rows are complete before the last cluster is asked anything, and the watches open once every first read is done', async () => {
    for (const c of turnsLab.clusters) {
      c.resetStats();
      c.setLatency(150);
    }
    const fleet = service({ startConcurrency: 1 });
    try {
      await fleet.start();
      const rows = () => fleet.snapshot().rows;
      await eventually(() => complete(rows()[0]), 'the first row to be complete', 10_000);
      expect(stats('cluster-4').total).toBe(0);
      expect(rows()[3].reachability.state).toBe('checking');
      // While other clusters wait for their first read, nobody watches: the lists have the connections to themselves.
      expect(turnsLab.clusters.map((c) => c.stats().requests.byVerb.watch ?? 0)).toEqual([0, 0, 0, 0]);
      await eventually(() => rows().every(complete), 'every row to be complete', 20_000);
      await eventually(() => fleet.stats().openWatches === fleet.stats().watches, 'every watch to open after the first reads', 10_000);
      // Live from then on.
      await request(turnsLab.cluster('cluster-1'), '/apis/apps.kio.kasten.io/v1alpha1/namespaces/default/applications', { method: 'POST', body: { apiVersion: 'apps.kio.kasten.io/v1alpha1', kind: 'Application', metadata: { name: 'after-turns' }, spec: {} } });
      const before = rows()[0].counts.applications!;
      await eventually(() => rows()[0].counts.applications === before + 1, 'the new Application in the first row');
    } finally {
      await fleet.stop();
      for (const c of turnsLab.clusters) c.setLatency(0);
    }
  });

  it('a cluster that is not there gives its turn back at once', async () => {
    await turnsLab.cluster('cluster-1').stop();
    const fleet = service({ startConcurrency: 1 });
    try {
      const started = Date.now();
      await fleet.start();
      const rows = () => fleet.snapshot().rows;
      await eventually(() => rows().slice(1).every(complete), 'the other rows to be complete', 5_000);
      expect(Date.now() - started).toBeLessThan(2_500);
      expect(rows()[0].reachability.state).toBe('unreachable');
    } finally {
      await fleet.stop();
      await turnsLab.cluster('cluster-1').start();
    }
  });

  it('a cluster that answers slowly holds its turn a few seconds at most', async () => {
    turnsLab.cluster('cluster-1').setLatency(8_000);
    const fleet = service({ startConcurrency: 1 });
    try {
      const started = Date.now();
      await fleet.start();
      const rows = () => fleet.snapshot().rows;
      await eventually(() => rows().slice(1).every(complete), 'the other rows to be complete', 8_000);
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(complete(rows()[0])).toBeFalsy();
    } finally {
      await fleet.stop();
      turnsLab.cluster('cluster-1').setLatency(0);
    }
  });
});

describe('a slow cluster', () => {
  it('does not hold up the other rows', async () => {
    const slowLab = await startLabFleet({ clusters: 3 });
    const slowRegistry = new TestRegistry();
    slowRegistry.importKubeconfig(slowLab.kubeconfig());
    slowLab.cluster('cluster-3').setLatency(1_500);
    const service = new FleetService({ registry: slowRegistry, events: new RecordingSink(), options: { ...TUNING, probeTimeoutMs: 3_000, globalConcurrency: 8, perClusterConcurrency: 4 } });
    try {
      const started = Date.now();
      await service.start();
      const rows = () => service.snapshot().rows;
      await eventually(() => complete(rows()[0]) && complete(rows()[1]), 'the fast clusters to be complete', 5_000);
      const fastDone = Date.now() - started;
      expect(fastDone).toBeLessThan(1_500);
      expect(complete(rows()[2])).toBeFalsy();
      await eventually(() => complete(rows()[2]), 'the slow cluster to be complete too', 20_000);
      expect(rows()[2].reachability).toMatchObject({ state: 'reachable' });
      expect(rows()[2].reachability.latencyMs).toBeGreaterThanOrEqual(1_400);
    } finally {
      await service.stop();
      await slowLab.stop();
    }
  });
});

describe('stopping', () => {
  // Counting this process's sockets and timers needs the other services quiet.
  beforeAll(async () => {
    await fleet.stop();
    await lab.stop();
    await eventually(() => !process.getActiveResourcesInfo().includes('TCPSocketWrap'), 'the earlier tests\' connections to close', 5_000);
  });

  it('releases every watch, timer and socket: nothing is left running and no event follows', async () => {
    const quietLab = await startLabFleet({ clusters: 2, empty: true, bookmarkIntervalMs: 60_000 });
    const handles = () => {
      const counts: Record<string, number> = {};
      for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
      return counts;
    };
    const baseline = handles();
    const quietRegistry = new TestRegistry();
    quietRegistry.importKubeconfig(quietLab.kubeconfig());
    const events = new RecordingSink();
    const service = new FleetService({ registry: quietRegistry, events, options: TUNING });
    await service.start();
    await eventually(() => service.snapshot().rows.every((r) => r.counts.actions !== undefined), 'the rows to be complete');
    await eventually(() => service.stats().openWatches === 20, 'the watches to be open');
    // Ten watches per cluster, all on one HTTP/2 connection per cluster (both ends are in this process).
    expect((handles().TCPSocketWrap ?? 0) - (baseline.TCPSocketWrap ?? 0)).toBe(2 * 2);
    await service.stop();
    await eventually(() => (handles().TCPSocketWrap ?? 0) <= (baseline.TCPSocketWrap ?? 0) && (handles().Timeout ?? 0) <= (baseline.Timeout ?? 0) + 1, 'sockets and timers to be released', 5_000);
    const count = events.events.length;
    quietRegistry.importKubeconfig(quietLab.kubeconfig(), { names: (c) => `${c}-again` });
    await new Promise((r) => setTimeout(r, 300));
    expect(events.events.length).toBe(count);
    await quietLab.stop();
  });
});
