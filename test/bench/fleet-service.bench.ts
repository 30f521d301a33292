/**
 * `npm run bench` (or `tsx test/bench/fleet-service.bench.ts`): how the
 * fleet view's backend scales. For each fleet size (300 and 500 lab clusters
 * unless told otherwise), in a fresh process so that memory is that run's,
 * with the lab fleet in a process of its own (`npm run lab`), so that
 * serving the clusters is not counted as Flotilla's, and warmed first by one
 * `flotilla fleet` from another process (as real API servers run warm):
 *
 * - first full snapshot: FleetService.start() until every row is complete
 *   (probe answered, every watch listed: role, versions and counts known);
 * - what it asked: requests per cluster until every watch was open, the
 *   connections open per cluster, and the bytes received (the lab counts);
 * - memory: the RSS and heap of the process that runs FleetService (this
 *   file bundled as the app's main bundle is, see bundleForNode) before it
 *   starts and after the first full snapshot: the main process's figure;
 * - events during the initial sync: fleet:changed events and row upserts
 *   per second (throttled to one event per 200 ms);
 * - changes: two new Applications per cluster created over the API, until
 *   every row shows them; rows/s and events/s;
 * - idle (--idle seconds, 20 by default): requests per cluster per minute,
 *   events, and CPU of this process and of the lab's;
 * - stop: FleetService.stop() with every watch open.
 *
 * Figures go to bench-results/fleet-service.json. Nothing here fails on
 * slowness: targets are printed as met or missed.
 *
 *   npm run bench -- --sizes 200,500        FLEET_BENCH_SIZES=50 tsx test/bench/fleet-service.bench.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FleetService } from '../../main/fleet/fleet-service.js';
import { ClusterClient } from '../../main/kube/cluster-client.js';
import type { FleetChangedEvent, FleetRow } from '../../shared/contract/index.js';
import { TestRegistry } from '../integration/fleet-test-registry.js';
import { MB, bundleForNode, machine, round, runChild, startLabProcess, warmLab, type LabProcess } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT_DIR = join(ROOT, 'bench-results');
// The fleet-scale issue's targets: every row complete within 3 s at 500 clusters and 2 s at 300; with
// 500 clusters idle, at most one request per cluster per minute and main under 5 % CPU; main under
// 400 MB with 500 clusters watched; at most one connection per cluster.
const TARGET = { firstSnapshotMs: { 300: 2_000, 500: 3_000 } as Record<number, number>, idleCpuPercent500: 5, idleRequestsPerClusterMinute: 1, rssMb500: 400, connectionsPerCluster: 1 };

// Other benchmarks' options arrive too (npm run bench passes its arguments to each): not strict.
const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: false,
  options: {
    sizes: { type: 'string', default: process.env.FLEET_BENCH_SIZES ?? '300,500' },
    idle: { type: 'string', default: process.env.FLEET_BENCH_IDLE ?? '20' },
    child: { type: 'string' },
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SizeResult {
  clusters: number;
  labStartMs: number;
  firstSnapshotMs: number;
  /** When half of the rows were complete: how soon a person sees most of the fleet. */
  halfRowsMs: number;
  /** When every watch was open (changes then show at once). */
  allWatchesOpenMs: number;
  watches: number;
  /** What the lab saw from FleetService start until every watch was open. */
  startCost: { requestsPerCluster: number; connectionsPerCluster: number; h2Sessions: number; h1Sockets: number; receivedMB: number };
  initialSync: { events: number; rowUpserts: number; eventsPerSecond: number; rowsPerSecond: number; mainCpuPercent: number; labCpuPercent: number };
  memory: { beforeRssMB: number; beforeHeapMB: number; mainRssMB: number; mainHeapMB: number; deltaRssMB: number; deltaHeapMB: number; labRssMB: number };
  changes: { committed: number; ms: number; events: number; rowUpserts: number; eventsPerSecond: number; rowsPerSecond: number };
  idle: { seconds: number; events: number; rowUpserts: number; cpuPercent: number; labCpuPercent: number; requestsPerClusterMinute: number; requestsByVerb: Record<string, number>; receivedKBPerClusterMinute: number };
  stopMs: number;
  /** A fresh start with every tenth cluster stopped (see measureWithStopped). */
  withStopped: { stopped: number; othersCompleteMs: number; stoppedUnreachableMs: number; recoveredMs: number };
  peakRssMB: number;
}

const complete = (r: FleetRow) =>
  r.reachability.state === 'reachable' && r.role !== 'unknown' && r.k10Version !== undefined && r.kubernetesVersion !== undefined && r.counts.applications !== undefined && r.counts.policies !== undefined && r.counts.actions !== undefined;

function memory() {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / MB, heap: m.heapUsed / MB };
}

/** Runs `fn` over `items`, `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

/**
 * Every tenth cluster stopped, then FleetService started afresh: when every
 * other row is complete (it should take as long as with none stopped), when
 * every stopped one shows unreachable (within the probe timeout, 5 s), and,
 * once they are started again, when their rows are complete again without a
 * restart.
 */
async function measureWithStopped(lab: LabProcess, registry: TestRegistry, size: number, baselineMs: number): Promise<SizeResult['withStopped']> {
  const names = registry.list().map((c) => c.name);
  const stopped = new Set(names.filter((_, i) => i % 10 === 9));
  await Promise.all([...stopped].map((n) => lab.admin(`/clusters/${n}/stop`, 'POST')));
  const fleet = new FleetService({ registry, events: { emit: () => undefined } });
  const started = performance.now();
  await fleet.start();
  let othersCompleteMs = NaN;
  let stoppedUnreachableMs = NaN;
  const deadline = started + 120_000;
  while (Number.isNaN(othersCompleteMs) || Number.isNaN(stoppedUnreachableMs)) {
    const rows = fleet.snapshot().rows;
    if (Number.isNaN(othersCompleteMs) && rows.filter((r) => !stopped.has(r.name)).every(complete)) othersCompleteMs = performance.now() - started;
    if (Number.isNaN(stoppedUnreachableMs) && rows.filter((r) => stopped.has(r.name)).every((r) => r.reachability.state === 'unreachable')) stoppedUnreachableMs = performance.now() - started;
    if (performance.now() > deadline) throw new Error('with a tenth of the clusters stopped, the rows did not settle within 120 s');
    await sleep(20);
  }
  await Promise.all([...stopped].map((n) => lab.admin(`/clusters/${n}/start`, 'POST')));
  const restarted = performance.now();
  while (!fleet.snapshot().rows.every(complete)) {
    if (performance.now() > restarted + 180_000) throw new Error('the restarted clusters did not recover within 180 s');
    await sleep(50);
  }
  const recoveredMs = performance.now() - restarted;
  await fleet.stop();
  console.log(
    `  ${size} clusters, ${stopped.size} stopped: the others complete in ${othersCompleteMs.toFixed(0)} ms (${baselineMs.toFixed(0)} with none stopped), the stopped unreachable in ${stoppedUnreachableMs.toFixed(0)} ms, recovered ${recoveredMs.toFixed(0)} ms after their start`,
  );
  return { stopped: stopped.size, othersCompleteMs: round(othersCompleteMs), stoppedUnreachableMs: round(stoppedUnreachableMs), recoveredMs: round(recoveredMs) };
}

async function measure(size: number, idleSeconds: number): Promise<SizeResult> {
  const t0 = performance.now();
  const lab = await startLabProcess(size);
  const labStartMs = performance.now() - t0;
  await warmLab(lab);
  const before = memory();
  console.log(`  ${size} clusters: lab up in ${labStartMs.toFixed(0)} ms (its own process, RSS ${lab.usage().rssMB.toFixed(0)} MB); this process ${before.rss.toFixed(0)} MB`);

  const registry = new TestRegistry();
  registry.importKubeconfig(lab.kubeconfig);
  const log: { at: number; rows: number }[] = [];
  const sink = {
    emit(_event: string, payload: unknown) {
      log.push({ at: performance.now(), rows: (payload as FleetChangedEvent).upserts?.length ?? 0 });
    },
  };
  await lab.resetStats();
  const fleet = new FleetService({ registry, events: sink });
  const startCpu0 = { main: process.cpuUsage(), lab: lab.usage().cpuMs };
  const started = performance.now();
  await fleet.start();
  let halfRowsMs = NaN;
  const deadline = started + 180_000;
  for (;;) {
    const rows = fleet.snapshot().rows;
    const done = rows.filter(complete).length;
    if (Number.isNaN(halfRowsMs) && done >= size / 2) halfRowsMs = performance.now() - started;
    if (done === size) break;
    if (performance.now() > deadline) throw new Error(`only ${done} of ${size} rows complete after 180 s`);
    await sleep(20);
  }
  const firstSnapshotMs = performance.now() - started;
  const startCpu = { main: process.cpuUsage(startCpu0.main), lab: lab.usage().cpuMs - startCpu0.lab };
  const syncCpu = { mainPercent: round(((startCpu.main.user + startCpu.main.system) / 1000 / firstSnapshotMs) * 100), labPercent: round((startCpu.lab / firstSnapshotMs) * 100) };
  const syncEvents = log.length;
  const syncRows = log.reduce((n, e) => n + e.rows, 0);
  console.log(`  ${size} clusters: first full snapshot in ${firstSnapshotMs.toFixed(0)} ms (half the rows in ${halfRowsMs.toFixed(0)} ms), ${syncEvents} events; CPU meanwhile: this process ${syncCpu.mainPercent} %, the lab ${syncCpu.labPercent} %`);
  // The watches open behind the lists: live updates start when they are all open.
  for (;;) {
    const s = fleet.stats();
    if (s.openWatches === s.watches) break;
    if (performance.now() > deadline) throw new Error(`only ${s.openWatches} of ${s.watches} watches open after 180 s`);
    await sleep(50);
  }
  const allWatchesOpenMs = performance.now() - started;
  const watches = fleet.stats().watches;
  const atStart = (await lab.stats()).total;
  const startCost = {
    requestsPerCluster: round(atStart.requests.total / size),
    connectionsPerCluster: round((atStart.connections.h1Sockets.open + atStart.connections.h2Sessions.open) / size, 2),
    h2Sessions: atStart.connections.h2Sessions.open,
    h1Sockets: atStart.connections.h1Sockets.open,
    receivedMB: round(atStart.bytesSent.total / MB),
  };
  console.log(`  ${size} clusters: all ${watches} watches open after ${allWatchesOpenMs.toFixed(0)} ms; ${startCost.requestsPerCluster} requests and ${startCost.connectionsPerCluster} connections per cluster, ${startCost.receivedMB} MB received`);
  await sleep(1_000);
  const after = memory();

  // Changes: two Applications per cluster, created over the API by clients of their own.
  const apps = new Map(fleet.snapshot().rows.map((r) => [r.name, r.counts.applications!]));
  const writers = await Promise.all(registry.list().map(async (c) => new ClusterClient(await registry.kubeConfig(c.id), { name: c.name })));
  const fromEvent = log.length;
  const changeStart = performance.now();
  await eachLimited(writers, 32, async (w) => {
    for (let round = 0; round < 2; round++) {
      await w.request({ method: 'POST', path: '/apis/apps.kio.kasten.io/v1alpha1/namespaces/default/applications', body: { apiVersion: 'apps.kio.kasten.io/v1alpha1', kind: 'Application', metadata: { name: `bench-${round}` }, spec: {} } });
    }
  });
  const changeDeadline = performance.now() + 120_000;
  while (!fleet.snapshot().rows.every((r) => r.counts.applications === apps.get(r.name)! + 2)) {
    if (performance.now() > changeDeadline) throw new Error('the changes did not all arrive within 120 s');
    await sleep(20);
  }
  const changeMs = performance.now() - changeStart;
  for (const w of writers) w.close();
  const changeEvents = log.slice(fromEvent);
  const changeRows = changeEvents.reduce((n, e) => n + e.rows, 0);
  console.log(`  ${size} clusters: ${size * 2} changes shown in ${changeMs.toFixed(0)} ms`);

  // Idle: nothing but what keeps the rows current, once the changes have settled.
  await sleep(2_000);
  await lab.resetStats();
  const idleFrom = log.length;
  const cpu0 = process.cpuUsage();
  const labCpu0 = lab.usage().cpuMs;
  const idleStart = performance.now();
  await sleep(idleSeconds * 1000);
  const idleMs = performance.now() - idleStart;
  const cpu = process.cpuUsage(cpu0);
  const labCpuMs = lab.usage().cpuMs - labCpu0;
  const idleTraffic = (await lab.stats()).total;
  const idleEvents = log.slice(idleFrom);
  const labRssMB = lab.usage().rssMB;

  const stopStart = performance.now();
  await fleet.stop();
  const stopMs = performance.now() - stopStart;
  const withStopped = await measureWithStopped(lab, registry, size, firstSnapshotMs);
  await lab.stop();

  const syncSeconds = firstSnapshotMs / 1000;
  const idleMinutes = idleMs / 60_000;
  return {
    clusters: size,
    labStartMs: round(labStartMs),
    firstSnapshotMs: round(firstSnapshotMs),
    halfRowsMs: round(halfRowsMs),
    allWatchesOpenMs: round(allWatchesOpenMs),
    watches,
    startCost,
    initialSync: { events: syncEvents, rowUpserts: syncRows, eventsPerSecond: round(syncEvents / syncSeconds), rowsPerSecond: round(syncRows / syncSeconds), mainCpuPercent: syncCpu.mainPercent, labCpuPercent: syncCpu.labPercent },
    memory: {
      beforeRssMB: round(before.rss),
      beforeHeapMB: round(before.heap),
      mainRssMB: round(after.rss),
      mainHeapMB: round(after.heap),
      deltaRssMB: round(after.rss - before.rss),
      deltaHeapMB: round(after.heap - before.heap),
      labRssMB: round(labRssMB),
    },
    changes: {
      committed: size * 2,
      ms: round(changeMs),
      events: changeEvents.length,
      rowUpserts: changeRows,
      eventsPerSecond: round(changeEvents.length / (changeMs / 1000)),
      rowsPerSecond: round(changeRows / (changeMs / 1000)),
    },
    idle: {
      seconds: round(idleMs / 1000),
      events: idleEvents.length,
      rowUpserts: idleEvents.reduce((n, e) => n + e.rows, 0),
      cpuPercent: round(((cpu.user + cpu.system) / 1000 / idleMs) * 100),
      labCpuPercent: round((labCpuMs / idleMs) * 100),
      requestsPerClusterMinute: round(idleTraffic.requests.total / size / idleMinutes, 2),
      requestsByVerb: idleTraffic.requests.byVerb,
      receivedKBPerClusterMinute: round(idleTraffic.bytesSent.total / 1024 / size / idleMinutes, 2),
    },
    stopMs: round(stopMs),
    withStopped,
    peakRssMB: round((process.resourceUsage().maxRSS * 1024) / MB),
  };
}

/** One size in a child process that runs this file bundled, as the app's main process runs its code. */
function runSize(bundle: string, size: number, idleSeconds: number): Promise<SizeResult> {
  return runChild<SizeResult>(['--expose-gc', bundle, '--child', String(size), '--idle', String(idleSeconds)], size);
}

function report(results: SizeResult[]): { description: string; met: boolean }[] {
  console.log('\nclusters  first snapshot ms  half rows ms  watches open ms  req/cluster  conn/cluster  main RSS MB (+fleet)  changes ms  idle req/cluster/min  idle CPU % (lab)  stop ms');
  for (const r of results) {
    console.log(
      [
        String(r.clusters).padStart(8),
        r.firstSnapshotMs.toFixed(0).padStart(17),
        r.halfRowsMs.toFixed(0).padStart(12),
        r.allWatchesOpenMs.toFixed(0).padStart(15),
        r.startCost.requestsPerCluster.toFixed(1).padStart(11),
        r.startCost.connectionsPerCluster.toFixed(2).padStart(12),
        `${r.memory.mainRssMB.toFixed(0)} (+${r.memory.deltaRssMB.toFixed(0)})`.padStart(20),
        r.changes.ms.toFixed(0).padStart(10),
        r.idle.requestsPerClusterMinute.toFixed(2).padStart(20),
        `${r.idle.cpuPercent.toFixed(1)} (${r.idle.labCpuPercent.toFixed(1)})`.padStart(16),
        r.stopMs.toFixed(0).padStart(7),
      ].join('  '),
    );
  }
  const targets: { description: string; met: boolean }[] = [];
  for (const r of results) {
    const limit = TARGET.firstSnapshotMs[r.clusters];
    if (limit) targets.push({ description: `${r.clusters} clusters: first full snapshot in < ${limit / 1000} s (${(r.firstSnapshotMs / 1000).toFixed(2)} s)`, met: r.firstSnapshotMs < limit });
    targets.push({ description: `${r.clusters} clusters: at most ${TARGET.connectionsPerCluster} connection per cluster with every watch open (${r.startCost.connectionsPerCluster})`, met: r.startCost.connectionsPerCluster <= TARGET.connectionsPerCluster });
    targets.push({ description: `${r.clusters} clusters: idle, at most ${TARGET.idleRequestsPerClusterMinute} request per cluster per minute (${r.idle.requestsPerClusterMinute})`, met: r.idle.requestsPerClusterMinute <= TARGET.idleRequestsPerClusterMinute });
  }
  for (const r of results) {
    const w = r.withStopped;
    // "As fast as without them": within a quarter of the time with none stopped, or half a second.
    const bound = Math.max(r.firstSnapshotMs * 1.25, r.firstSnapshotMs + 500);
    targets.push({ description: `${r.clusters} clusters, ${w.stopped} stopped: the other rows complete as fast as with none stopped (${(w.othersCompleteMs / 1000).toFixed(2)} s against ${(r.firstSnapshotMs / 1000).toFixed(2)} s)`, met: w.othersCompleteMs <= bound });
    targets.push({ description: `${r.clusters} clusters, ${w.stopped} stopped: they show unreachable within the probe timeout, 5 s (${(w.stoppedUnreachableMs / 1000).toFixed(2)} s)`, met: w.stoppedUnreachableMs <= 5_000 });
  }
  const big = results.find((r) => r.clusters === 500);
  if (big) {
    targets.push({ description: `500 clusters: idle CPU of the main process < ${TARGET.idleCpuPercent500} % (${big.idle.cpuPercent.toFixed(1)} %; the lab's own: ${big.idle.labCpuPercent.toFixed(1)} %)`, met: big.idle.cpuPercent < TARGET.idleCpuPercent500 });
    targets.push({ description: `500 clusters: main-process RSS < ${TARGET.rssMb500} MB with every cluster watched (${big.memory.mainRssMB.toFixed(0)} MB)`, met: big.memory.mainRssMB < TARGET.rssMb500 });
  }
  for (const r of results) {
    targets.push({ description: `${r.clusters} clusters: events at most one per 200 ms while syncing (${r.initialSync.eventsPerSecond.toFixed(1)}/s)`, met: r.initialSync.eventsPerSecond <= 5.5 });
  }
  for (const t of targets) console.log(`${t.met ? 'met   ' : 'MISSED'} ${t.description}`);
  return targets;
}

if (values.child) {
  const result = await measure(Number(values.child), Number(values.idle));
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0);
} else {
  const sizes = String(values.sizes)
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const idleSeconds = Number(values.idle) > 0 ? Number(values.idle) : 20;
  const results: SizeResult[] = [];
  const bundle = await bundleForNode(import.meta.filename);
  try {
    for (const size of sizes) {
      console.log(`fleet service over ${size} lab clusters…`);
      results.push(await runSize(bundle, size, idleSeconds));
    }
  } finally {
    rmSync(bundle, { force: true });
  }
  const targets = report(results);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, 'fleet-service.json');
  writeFileSync(file, `${JSON.stringify({ benchmark: 'fleet-service', at: new Date().toISOString(), machine: machine(), results, targets }, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
}
