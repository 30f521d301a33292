/**
 * `npm run bench:lab`: how the lab fleet scales. For each fleet size (100, 500
 * and 1000 clusters unless told otherwise) it measures, in a fresh process so that
 * memory figures are that fleet's alone:
 *
 * - start: startLabFleet until every listener is up, then until every
 *   cluster has answered one request (TLS handshakes included);
 * - memory: RSS and heap after start (after a GC);
 * - list: requests/second and latency of namespaced Kasten lists spread over
 *   every cluster, through one keep-alive agent with bounded concurrency;
 * - watch: one watch per cluster, then N changes per cluster committed to the
 *   clusters' stores; events delivered per second and commit-to-client latency;
 * - stop: fleet.stop() with those watches still open.
 *
 * The client runs in the same process as the fleet, as the app's embedded lab
 * does. Figures go to bench-results/lab-fleet.json with the machine's
 * description. Targets are printed as met or missed; the run never fails on
 * them (only on a crash).
 *
 *   npm run bench:lab -- --sizes 100,500,1000 --duration 5 --concurrency 64 --changes 4 [--profile]
 *   (options of the other benchmarks, which `npm run bench` passes to every one, are ignored)
 *   (--profile writes V8 CPU profiles to bench-results/profiles/lab-fleet-<size>/, for Chrome DevTools)
 *   LAB_BENCH_SIZES=50 npm run bench:lab
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLabFleet } from '../../main/lab/fleet.js';
import type { LabCluster } from '../../main/lab/cluster.js';
import { RESOURCE_TYPES } from '../../main/lab/resources.js';
import { MB, machine, round, runChild } from './support.js';
import { onLines } from '../support/lines.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT_DIR = join(ROOT, 'bench-results');
const TARGET = { clusters: 1000, startMs: 40_000, rssBytes: 3 * 1024 * MB };

const { values } = parseArgs({
  args: process.argv.slice(2),
  // `npm run bench` passes every benchmark's options to each (--view-clusters, …); the others are not ours to refuse.
  strict: false,
  options: {
    sizes: { type: 'string', default: process.env.LAB_BENCH_SIZES ?? '100,500,1000' },
    duration: { type: 'string', default: process.env.LAB_BENCH_DURATION ?? '5' },
    concurrency: { type: 'string', default: process.env.LAB_BENCH_CONCURRENCY ?? '64' },
    changes: { type: 'string', default: process.env.LAB_BENCH_CHANGES ?? '4' },
    profile: { type: 'boolean', default: false },
    child: { type: 'string' },
  },
});

interface Settings {
  durationS: number;
  concurrency: number;
  changesPerCluster: number;
}

const settings: Settings = {
  durationS: positive(values.duration, 'duration'),
  concurrency: positive(values.concurrency, 'concurrency'),
  changesPerCluster: positive(values.changes, 'changes'),
};

/** An option's number; without strict parsing a string option given no value comes as `true`, which this refuses too. */
function positive(text: string | boolean | undefined, name: string): number {
  const n = typeof text === 'string' ? Number(text) : NaN;
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`--${name} must be a positive number (got "${text}")`);
  return n;
}

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: round(sorted[sorted.length - 1] ?? NaN) };
}


interface SizeResult {
  clusters: number;
  start: { listenersUpMs: number; allAnsweredMs: number };
  memoryAfterStart: { rssMB: number; heapUsedMB: number; heapTotalMB: number; externalMB: number };
  list: { path: string; seconds: number; concurrency: number; requests: number; errors: number; requestsPerSecond: number; latencyMs: Latency };
  watch: { watches: number; openMs: number; changes: number; delivered: number; seconds: number; eventsPerSecond: number; latencyMs: Latency };
  stop: { ms: number };
  peakRssMB: number;
}

// ---------------------------------------------------------------- one fleet size (child process)

/** One GET, resolving with the status code and the body's length. */
function get(agent: Agent, cluster: LabCluster, path: string): Promise<number> {
  return new Promise((resolveStatus, reject) => {
    const req = httpsRequest(
      `${cluster.apiUrl}${path}`,
      { agent, ca: cluster.state.ca.certPem, headers: { authorization: `Bearer ${cluster.user('admin').token}`, accept: 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolveStatus(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Runs `task(i)` for i in 0..n-1 with at most `limit` at once. */
async function bounded(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, limit) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

async function measure(size: number): Promise<SizeResult> {
  const t0 = performance.now();
  const fleet = await startLabFleet({ clusters: size, k10: { log: () => undefined } });
  const listenersUpMs = performance.now() - t0;

  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  await bounded(size, settings.concurrency, async (i) => {
    const status = await get(agent, fleet.clusters[i], '/readyz');
    if (status !== 200) throw new Error(`${fleet.clusters[i].name} answered /readyz with ${status}`);
  });
  const allAnsweredMs = performance.now() - t0;

  globalThis.gc?.();
  const mem = process.memoryUsage();
  console.log(`  ${size} clusters: listeners up in ${listenersUpMs.toFixed(0)} ms, all answering in ${allAnsweredMs.toFixed(0)} ms, RSS ${(mem.rss / MB).toFixed(0)} MB`);

  // Lists, round-robin over the clusters, for a fixed time.
  const listPath = '/apis/config.kio.kasten.io/v1alpha1/namespaces/kasten-io/policies';
  const samples: number[] = [];
  let errors = 0;
  let turn = 0;
  const listStart = performance.now();
  const listEnd = listStart + settings.durationS * 1000;
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      while (performance.now() < listEnd) {
        const cluster = fleet.clusters[turn++ % size];
        const t = performance.now();
        try {
          if ((await get(agent, cluster, listPath)) === 200) samples.push(performance.now() - t);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const listSeconds = (performance.now() - listStart) / 1000;
  agent.destroy();
  console.log(`  ${size} clusters: ${(samples.length / listSeconds).toFixed(0)} lists/s`);

  // One watch per cluster, then changes committed straight to the stores.
  const configMaps = RESOURCE_TYPES.find((r) => r.plural === 'configmaps')!;
  const watchAgent = new Agent({ keepAlive: true });
  const committedAt = new Map<string, number>();
  const delays: number[] = [];
  let lastDelivery = 0;
  const openStart = performance.now();
  const watches = await Promise.all(
    fleet.clusters.map(
      (cluster) =>
        new Promise<{ close(): void }>((opened, failed) => {
          const path = `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${cluster.store.resourceVersion}`;
          const req = httpsRequest(
            `${cluster.apiUrl}${path}`,
            { agent: watchAgent, ca: cluster.state.ca.certPem, headers: { authorization: `Bearer ${cluster.user('admin').token}` } },
            (res) => {
              if (res.statusCode !== 200) failed(new Error(`${cluster.name} watch answered ${res.statusCode}`));
              onLines(res, (line) => {
                const event = JSON.parse(line) as { type: string; object: { metadata: { name: string } } };
                const sent = committedAt.get(`${cluster.name}/${event.object.metadata.name}`);
                if (event.type === 'ADDED' && sent !== undefined) {
                  lastDelivery = performance.now();
                  delays.push(lastDelivery - sent);
                }
              });
              res.on('error', () => undefined); // cut at stop
              opened({ close: () => req.destroy() });
            },
          );
          req.on('error', () => undefined);
          req.end();
        }),
    ),
  );
  const openMs = performance.now() - openStart;

  const changes = size * settings.changesPerCluster;
  const changesStart = performance.now();
  for (let round = 0; round < settings.changesPerCluster; round++) {
    for (const cluster of fleet.clusters) {
      const name = `bench-${round}`;
      committedAt.set(`${cluster.name}/${name}`, performance.now());
      cluster.store.create(configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { round: String(round) } });
    }
    await new Promise((r) => setImmediate(r)); // let the sockets drain between rounds
  }
  const deadline = performance.now() + 60_000;
  while (delays.length < changes && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  const watchSeconds = (lastDelivery - changesStart) / 1000;
  console.log(`  ${size} clusters: ${delays.length}/${changes} watch events in ${watchSeconds.toFixed(2)} s`);

  const stopStart = performance.now();
  await fleet.stop();
  const stopMs = performance.now() - stopStart;
  for (const w of watches) w.close();
  watchAgent.destroy();

  return {
    clusters: size,
    start: { listenersUpMs: round(listenersUpMs), allAnsweredMs: round(allAnsweredMs) },
    memoryAfterStart: {
      rssMB: round(mem.rss / MB),
      heapUsedMB: round(mem.heapUsed / MB),
      heapTotalMB: round(mem.heapTotal / MB),
      externalMB: round(mem.external / MB),
    },
    list: {
      path: listPath,
      seconds: round(listSeconds, 2),
      concurrency: settings.concurrency,
      requests: samples.length,
      errors,
      requestsPerSecond: round(samples.length / listSeconds),
      latencyMs: latency(samples),
    },
    watch: {
      watches: watches.length,
      openMs: round(openMs),
      changes,
      delivered: delays.length,
      seconds: round(watchSeconds, 3),
      eventsPerSecond: round(delays.length / watchSeconds),
      latencyMs: latency(delays),
    },
    stop: { ms: round(stopMs) },
    peakRssMB: round((process.resourceUsage().maxRSS * 1024) / MB),
  };
}

// ---------------------------------------------------------------- the parent: one child per size

function runSize(size: number): Promise<SizeResult> {
  // One profile per thread (tsx's loader runs in a worker): the main thread's is the large one.
  const profileArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', join(OUT_DIR, 'profiles', `lab-fleet-${size}`)] : [];
  const args = [
    ...process.execArgv, // tsx's loader
    '--expose-gc',
    ...profileArgs,
    import.meta.filename,
    '--child', String(size),
    '--duration', String(settings.durationS),
    '--concurrency', String(settings.concurrency),
    '--changes', String(settings.changesPerCluster),
  ];
  return runChild<SizeResult>(args, size);
}

function report(results: SizeResult[]): { description: string; met: boolean }[] {
  const targets: { description: string; met: boolean }[] = [];
  const big = results.find((r) => r.clusters === TARGET.clusters);
  if (big) {
    targets.push({ description: `${TARGET.clusters} clusters up in < ${TARGET.startMs / 1000} s (${(big.start.listenersUpMs / 1000).toFixed(1)} s)`, met: big.start.listenersUpMs < TARGET.startMs });
    targets.push({ description: `${TARGET.clusters} clusters in < ${TARGET.rssBytes / MB / 1024} GB RSS (${big.memoryAfterStart.rssMB.toFixed(0)} MB after start, ${big.peakRssMB.toFixed(0)} MB peak)`, met: big.peakRssMB * MB < TARGET.rssBytes });
  }
  console.log('\nclusters  start ms  answering ms  RSS MB  heap MB  lists/s  list p50/p99 ms  watch open ms  events/s  event p50/p99 ms  stop ms');
  for (const r of results) {
    console.log(
      [
        String(r.clusters).padStart(8),
        r.start.listenersUpMs.toFixed(0).padStart(8),
        r.start.allAnsweredMs.toFixed(0).padStart(12),
        r.memoryAfterStart.rssMB.toFixed(0).padStart(6),
        r.memoryAfterStart.heapUsedMB.toFixed(0).padStart(7),
        r.list.requestsPerSecond.toFixed(0).padStart(7),
        `${r.list.latencyMs.p50}/${r.list.latencyMs.p99}`.padStart(15),
        r.watch.openMs.toFixed(0).padStart(13),
        r.watch.eventsPerSecond.toFixed(0).padStart(8),
        `${r.watch.latencyMs.p50}/${r.watch.latencyMs.p99}`.padStart(16),
        r.stop.ms.toFixed(0).padStart(7),
      ].join('  '),
    );
  }
  for (const t of targets) console.log(`target ${t.met ? 'met   ' : 'MISSED'}: ${t.description}`);
  if (!big) console.log(`(the targets concern ${TARGET.clusters} clusters, which this run did not include)`);
  return targets;
}

if (values.child) {
  const result = await measure(Number(values.child));
  console.log(`RESULT ${JSON.stringify(result)}`);
  process.exit(0); // the fleet is stopped; do not wait for stray keep-alive timers
} else {
  const sizes = String(values.sizes).split(',').map((s) => positive(s.trim(), 'sizes'));
  const info = machine();
  console.log(`Lab fleet benchmark: sizes ${sizes.join(', ')}; ${info.cpus} × ${info.cpuModel}, Node ${info.node}`);
  const results: SizeResult[] = [];
  for (const size of sizes) results.push(await runSize(size));
  const targets = report(results);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, 'lab-fleet.json');
  writeFileSync(file, `${JSON.stringify({ bench: 'lab-fleet', date: new Date().toISOString(), machine: info, settings, results, targets }, null, 2)}\n`);
  console.log(`Figures written to ${file}`);
}
