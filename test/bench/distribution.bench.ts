/**
 * `npm run bench` (or `tsx test/bench/distribution.bench.ts`): global
 * resources at fleet scale, against a lab fleet of 300 clusters (one primary,
 * the rest joined in one click) through the same services as the app, with
 * the fleet view watching:
 *
 * - preview: `previewTargets` over every Cluster for a typical selector, as
 *   the editor runs it on each keystroke (median and p99 of 500 runs);
 * - settle: from creating a distribution to all (every cluster) until
 *   `distributions:list`, which reads every target, reports every cluster
 *   Synced; then the same after a change of the global profile;
 * - one-click join of every secondary, as the setup, timed too.
 *
 * Targets (issue: global resources and distributions): preview < 100 ms of a
 * keystroke, status settled < 10 s of a change, at 300 clusters. Printed as
 * met or missed, written to bench-results/distribution.json; never fails.
 *
 *   npm run bench -- --dist-clusters 300
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLabFleet } from '../../main/lab/fleet.js';
import { silentLogger } from '../../main/log.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { createServices } from '../../main/services.js';
import { previewTargets } from '../../shared/kasten/distribution.js';
import { routerCalls } from '../support/router-calls.js';
import { machine, round } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TARGET = { clusters: 300, previewMs: 100, settleMs: 10_000 };

const { values } = parseArgs({ args: process.argv.slice(2), strict: false, options: { 'dist-clusters': { type: 'string', default: process.env.DIST_BENCH_CLUSTERS ?? '300' } } });
const size = Number(values['dist-clusters']);

const dir = mkdtempSync(join(tmpdir(), 'flotilla-dist-bench-'));
const kubeconfig = join(dir, 'lab.kubeconfig');
const lab = await startLabFleet({ clusters: size, kubeconfigPath: kubeconfig, empty: true });
const services = await createServices({
  host: { shell: 'cli', userDataDir: join(dir, 'data') },
  kubeconfigFile: kubeconfig,
  secrets: new MemorySecretStore(),
  log: silentLogger,
  watchFleet: true,
  k10TimeoutMs: 60_000,
});
const { call } = routerCalls(() => services.router);
const id = (n: string) => `kubeconfig:${n}`;
const primaryId = id('cluster-1');
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

try {
  console.log(`distribution benchmark: ${size} lab clusters`);
  await call('promote:run', { clusterId: primaryId, name: 'hq', ingressUrl: lab.cluster('cluster-1').k10IngressUrl });
  let t = performance.now();
  const joined = await call('join:many', { primaryId, secondaries: lab.clusters.slice(1).map((c) => ({ clusterId: id(c.name) })), waitSeconds: 300 });
  const joinMs = performance.now() - t;
  const joinedCount = joined.results.filter((r) => r.state === 'joined').length;
  console.log(`  one-click join of ${size - 1} secondaries: ${joinedCount} joined in ${round(joinMs / 1000)} s`);
  // Half the fleet in prod, a third in eu: a realistic selector to preview.
  for (const [i, c] of lab.clusters.entries()) if (i > 0) await call('labels:set', { primaryId, clusterName: c.name, set: { env: i % 2 ? 'prod' : 'dev', ...(i % 3 ? {} : { region: 'eu' }) } });

  const clusters = (await call('mc:clusters', { primaryId })).map((c) => ({ name: c.name, labels: c.labels }));
  const runs: number[] = [];
  let selected = 0;
  for (let i = 0; i < 500; i++) {
    const s = performance.now();
    selected = previewTargets([{ selector: `env=prod,region notin (us${i % 7})` }, { name: 'hq' }], clusters).selected.length;
    runs.push(performance.now() - s);
  }
  const preview = { medianMs: round(percentile(runs, 50), 3), p99Ms: round(percentile(runs, 99), 3), selected };
  console.log(`  preview over ${clusters.length} clusters: median ${preview.medianMs} ms, p99 ${preview.p99Ms} ms (${selected} selected)`);

  const settled = async (what: string): Promise<number> => {
    const start = performance.now();
    for (;;) {
      const [d] = await call('distributions:list', { primaryId, name: 'everywhere' });
      const synced = d!.clusters.filter((c) => c.state === 'synced').length;
      if (synced === size) return performance.now() - start;
      if (performance.now() - start > 120_000) {
        console.log(`  ${what}: only ${synced} of ${size} synced after 120 s`);
        return Number.POSITIVE_INFINITY;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  await call('profiles:save', { primaryId, profile: { name: 's3', bucket: 'kasten', region: 'us-east-1', skipTlsVerify: false }, credentials: { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench-secret' }, create: true });
  await call('distributions:save', { primaryId, name: 'everywhere', targets: [{ selector: '' }], sources: [{ kind: 'Profile', name: 's3' }], create: true });
  const createSettleMs = await settled('after create');
  console.log(`  settled after create: ${round(createSettleMs / 1000, 2)} s`);
  await call('profiles:save', { primaryId, profile: { name: 's3', bucket: 'kasten', region: 'eu-west-1', skipTlsVerify: false }, create: false });
  const changeSettleMs = await settled('after a change');
  console.log(`  settled after a change of the profile: ${round(changeSettleMs / 1000, 2)} s`);
  t = performance.now();
  await call('distributions:list', { primaryId });
  const listMs = performance.now() - t;
  console.log(`  one distributions:list reading ${size} targets: ${round(listMs)} ms`);

  const met = (ok: boolean) => (ok ? 'met' : 'missed');
  console.log(`  target preview < ${TARGET.previewMs} ms: ${met(preview.p99Ms < TARGET.previewMs)} (the renderer's paint is not in this figure)`);
  console.log(`  target settled < ${TARGET.settleMs / 1000} s after a change: ${met(changeSettleMs < TARGET.settleMs)}`);
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(
    join(ROOT, 'bench-results', 'distribution.json'),
    `${JSON.stringify({ machine: machine(), clusters: size, joinMs: round(joinMs), joined: joinedCount, preview, createSettleMs: round(createSettleMs), changeSettleMs: round(changeSettleMs), listMs: round(listMs), targets: TARGET }, null, 2)}\n`,
  );
} finally {
  await services.stop();
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}
