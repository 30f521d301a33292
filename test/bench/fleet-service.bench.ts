/**
 * `npm run bench` (or `tsx test/bench/fleet-service.bench.ts`): how the
 * fleet view's backend scales. For each fleet size (300 and 500 lab clusters
 * unless told otherwise), in a fresh process so that memory is that run's:
 *
 * - first full snapshot: FleetService.start() until every row is complete
 *   (probe answered, every watch listed: role, versions and counts known);
 * - memory: RSS and heap before FleetService (the lab alone) and after the
 *   first full snapshot; the difference is the fleet view's (client
 *   sockets, watch caches, rows) plus the lab's server side of the watches;
 * - events during the initial sync: fleet:changed events and row upserts
 *   per second (throttled to one event per 200 ms);
 * - changes: two new Applications per cluster committed to the lab's
 *   stores, until every row shows them; rows/s and events/s;
 * - idle: ten seconds of nothing but probes: events and CPU;
 * - stop: FleetService.stop() with every watch open.
 *
 * The lab fleet runs in the same process, as the app's lab mode does, so
 * the CPU and memory figures include the server side. Figures go to
 * bench-results/fleet-service.json. Nothing here fails on slowness: targets
 * are printed as met or missed.
 *
 *   npm run bench -- --sizes 200,500        FLEET_BENCH_SIZES=50 tsx test/bench/fleet-service.bench.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FleetService } from '../../main/fleet/fleet-service.js';
import { RT } from '../../main/lab/kasten/context.js';
import { startLabFleet } from '../../main/lab/fleet.js';
import type { FleetChangedEvent, FleetRow } from '../../shared/contract/index.js';
import { TestRegistry } from '../integration/fleet-test-registry.js';
import { MB, machine, round, runChild } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT_DIR = join(ROOT, 'bench-results');
// The fleet-scale issue's targets: every row complete within 3 s at 500 clusters and 2 s at 300;
// main under 400 MB at 500. Idle CPU here includes the in-process lab, so it is printed against the
// old, looser bound; the 5 % is for main alone, with the lab in another process (not measured here).
const TARGET = { firstSnapshotMs: { 300: 2_000, 500: 3_000 } as Record<number, number>, idleCpuPercentWithLab: 25, rssMb500: 400 };

// Other benchmarks' options arrive too (npm run bench passes its arguments to each): not strict.
const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: false,
  options: {
    sizes: { type: 'string', default: process.env.FLEET_BENCH_SIZES ?? '300,500' },
    idle: { type: 'string', default: process.env.FLEET_BENCH_IDLE ?? '10' },
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
  initialSync: { events: number; rowUpserts: number; eventsPerSecond: number; rowsPerSecond: number };
  memory: { labOnlyRssMB: number; labOnlyHeapMB: number; withFleetRssMB: number; withFleetHeapMB: number; deltaRssMB: number; deltaHeapMB: number };
  changes: { committed: number; ms: number; events: number; rowUpserts: number; eventsPerSecond: number; rowsPerSecond: number };
  idle: { seconds: number; events: number; rowUpserts: number; cpuPercent: number };
  stopMs: number;
  peakRssMB: number;
}

const complete = (r: FleetRow) =>
  r.reachability.state === 'reachable' && r.role !== 'unknown' && r.k10Version !== undefined && r.kubernetesVersion !== undefined && r.counts.applications !== undefined && r.counts.policies !== undefined && r.counts.actions !== undefined;

function memory() {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / MB, heap: m.heapUsed / MB };
}

async function measure(size: number, idleSeconds: number): Promise<SizeResult> {
  const t0 = performance.now();
  const lab = await startLabFleet({ clusters: size, k10: { log: () => undefined } });
  const labStartMs = performance.now() - t0;
  const before = memory();
  console.log(`  ${size} clusters: lab up in ${labStartMs.toFixed(0)} ms, RSS ${before.rss.toFixed(0)} MB`);

  const registry = new TestRegistry();
  registry.importKubeconfig(lab.kubeconfig());
  const log: { at: number; rows: number }[] = [];
  const sink = {
    emit(_event: string, payload: unknown) {
      log.push({ at: performance.now(), rows: (payload as FleetChangedEvent).upserts?.length ?? 0 });
    },
  };
  const fleet = new FleetService({ registry, events: sink });
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
    await sleep(50);
  }
  const firstSnapshotMs = performance.now() - started;
  const syncEvents = log.length;
  const syncRows = log.reduce((n, e) => n + e.rows, 0);
  console.log(`  ${size} clusters: first full snapshot in ${firstSnapshotMs.toFixed(0)} ms (half the rows in ${halfRowsMs.toFixed(0)} ms), ${syncEvents} events`);
  // The watches open behind the lists: live updates start when they are all open.
  for (;;) {
    const s = fleet.stats();
    if (s.openWatches === s.watches) break;
    if (performance.now() > deadline) throw new Error(`only ${s.openWatches} of ${s.watches} watches open after 180 s`);
    await sleep(50);
  }
  const allWatchesOpenMs = performance.now() - started;
  const watches = fleet.stats().watches;
  console.log(`  ${size} clusters: all ${watches} watches open after ${allWatchesOpenMs.toFixed(0)} ms`);
  await sleep(1_000);
  const after = memory();

  // Changes: two Applications per cluster, straight into the lab's stores.
  const apps = new Map(fleet.snapshot().rows.map((r) => [r.name, r.counts.applications!]));
  const fromEvent = log.length;
  const changeStart = performance.now();
  for (let round = 0; round < 2; round++) {
    for (const c of lab.clusters) {
      c.store.create(RT.application, { apiVersion: 'apps.kio.kasten.io/v1alpha1', kind: 'Application', metadata: { name: `bench-${round}`, namespace: 'default' }, spec: {} });
    }
    await new Promise((r) => setImmediate(r));
  }
  const changeDeadline = performance.now() + 120_000;
  while (!fleet.snapshot().rows.every((r) => r.counts.applications === apps.get(r.name)! + 2)) {
    if (performance.now() > changeDeadline) throw new Error('the changes did not all arrive within 120 s');
    await sleep(20);
  }
  const changeMs = performance.now() - changeStart;
  const changeEvents = log.slice(fromEvent);
  const changeRows = changeEvents.reduce((n, e) => n + e.rows, 0);
  console.log(`  ${size} clusters: ${size * 2} changes shown in ${changeMs.toFixed(0)} ms`);

  // Idle: probes (and the lab's bookmarks) only, once the changes have settled.
  await sleep(2_000);
  const idleFrom = log.length;
  const cpu0 = process.cpuUsage();
  const idleStart = performance.now();
  await sleep(idleSeconds * 1000);
  const idleMs = performance.now() - idleStart;
  const cpu = process.cpuUsage(cpu0);
  const idleEvents = log.slice(idleFrom);

  const stopStart = performance.now();
  await fleet.stop();
  const stopMs = performance.now() - stopStart;
  await lab.stop();

  const syncSeconds = firstSnapshotMs / 1000;
  return {
    clusters: size,
    labStartMs: round(labStartMs),
    firstSnapshotMs: round(firstSnapshotMs),
    halfRowsMs: round(halfRowsMs),
    allWatchesOpenMs: round(allWatchesOpenMs),
    watches,
    initialSync: { events: syncEvents, rowUpserts: syncRows, eventsPerSecond: round(syncEvents / syncSeconds), rowsPerSecond: round(syncRows / syncSeconds) },
    memory: {
      labOnlyRssMB: round(before.rss),
      labOnlyHeapMB: round(before.heap),
      withFleetRssMB: round(after.rss),
      withFleetHeapMB: round(after.heap),
      deltaRssMB: round(after.rss - before.rss),
      deltaHeapMB: round(after.heap - before.heap),
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
    },
    stopMs: round(stopMs),
    peakRssMB: round((process.resourceUsage().maxRSS * 1024) / MB),
  };
}

function runSize(size: number, idleSeconds: number): Promise<SizeResult> {
  const args = [...process.execArgv, '--expose-gc', import.meta.filename, '--child', String(size), '--idle', String(idleSeconds)];
  return runChild<SizeResult>(args, size);
}

function report(results: SizeResult[]): { description: string; met: boolean }[] {
  console.log('\nclusters  first snapshot ms  half rows ms  watches open ms  sync events/s  rows/s  RSS MB (lab → +fleet)  heap MB  changes ms  change rows/s  idle events  idle CPU %  stop ms');
  for (const r of results) {
    console.log(
      [
        String(r.clusters).padStart(8),
        r.firstSnapshotMs.toFixed(0).padStart(17),
        r.halfRowsMs.toFixed(0).padStart(12),
        r.allWatchesOpenMs.toFixed(0).padStart(15),
        r.initialSync.eventsPerSecond.toFixed(1).padStart(13),
        r.initialSync.rowsPerSecond.toFixed(0).padStart(6),
        `${r.memory.labOnlyRssMB.toFixed(0)} → +${r.memory.deltaRssMB.toFixed(0)}`.padStart(21),
        `+${r.memory.deltaHeapMB.toFixed(0)}`.padStart(7),
        r.changes.ms.toFixed(0).padStart(10),
        r.changes.rowsPerSecond.toFixed(0).padStart(13),
        String(r.idle.events).padStart(11),
        r.idle.cpuPercent.toFixed(1).padStart(10),
        r.stopMs.toFixed(0).padStart(7),
      ].join('  '),
    );
  }
  const targets: { description: string; met: boolean }[] = [];
  for (const r of results) {
    const limit = TARGET.firstSnapshotMs[r.clusters];
    if (limit) targets.push({ description: `${r.clusters} clusters: first full snapshot in < ${limit / 1000} s (${(r.firstSnapshotMs / 1000).toFixed(1)} s)`, met: r.firstSnapshotMs < limit });
  }
  const big = results.find((r) => r.clusters === 500);
  if (big) {
    targets.push({ description: `500 clusters: idle CPU (lab included) < ${TARGET.idleCpuPercentWithLab} % (${big.idle.cpuPercent.toFixed(1)} %)`, met: big.idle.cpuPercent < TARGET.idleCpuPercentWithLab });
    // The fleet's own share: RSS added over the lab alone (the lab's server side of the watches is in it too).
    targets.push({ description: `500 clusters: RSS the fleet view adds < ${TARGET.rssMb500} MB (+${big.memory.deltaRssMB.toFixed(0)} MB)`, met: big.memory.deltaRssMB < TARGET.rssMb500 });
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
  const idleSeconds = Number(values.idle) > 0 ? Number(values.idle) : 10;
  const results: SizeResult[] = [];
  for (const size of sizes) {
    console.log(`fleet service over ${size} lab clusters…`);
    results.push(await runSize(size, idleSeconds));
  }
  const targets = report(results);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, 'fleet-service.json');
  writeFileSync(file, `${JSON.stringify({ benchmark: 'fleet-service', at: new Date().toISOString(), machine: machine(), results, targets }, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
}
