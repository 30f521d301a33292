/**
 * `npm run bench` (or `tsx test/bench/fleet-vs-kubectl.bench.ts`): the
 * fleet's rows from Flotilla against what an administrator does with
 * kubectl. On one lab fleet per size (100 and 300 clusters unless told
 * otherwise), each timed from the start of its process(es) to their exit:
 *
 * - kubectl, sequential (at 100 clusters only: it is slow):
 *   `kubectl --context C get applications.apps.kio.kasten.io -A` for every
 *   context, one after another;
 * - kubectl, `xargs -P 8`: the same commands, eight at a time;
 * - `flotilla fleet --json --wait 60` as a child process, from spawn to
 *   exit: the CLI bundled as the app bundles it (esbuild, one file: what
 *   the installed `flotilla` runs inside the app's binary, here on this
 *   machine's node, since Electron's binary cannot run here), and from the
 *   sources through tsx (`npm run cli`); and `flotilla --help` alone, each
 *   way, the start-up floor that every CLI run pays;
 * - the one-shot read in process (readFleetOnce over a TestRegistry with
 *   the fleet's kubeconfig parsed once): the CLI's work without its start-up
 *   and its kubeconfig reading;
 * - the CLI's kubeconfig reading alone, in process: the --kubeconfig cluster
 *   list (main/clusters/kubeconfig-file.ts) opened, and a KubeConfig asked
 *   of it for every cluster, as the pool asks when it makes each client;
 * - FleetService's first full snapshot in process, as fleet-service.bench.ts
 *   measures it (start() until every row is complete).
 *
 * kubectl reads one resource of one cluster per command, Flotilla a whole
 * row (version, role, K10 version, four counts and failures over 24 h): the
 * comparison is the issue's, not like for like, and it favours kubectl.
 * Each kubectl run (the sequential loop, the xargs run) gets a fresh HOME and
 * KUBECACHEDIR of its own, shared by its commands, as test/support/kubectl.ts
 * does for a session; every context is a new server to it, so each command
 * does its own discovery, as a first look at a fleet does.
 *
 * The lab fleet runs in a process of its own (`npm run lab`); kubectl and
 * the CLI are child processes, and the in-process figures share nothing
 * with the lab. Output is checked: each kubectl
 * command must exit 0, the CLI's rows must all be complete. Figures go to
 * bench-results/fleet-vs-kubectl.json; the target ("flotilla fleet
 * --json --wait over 300 clusters: at least 20× faster than xargs -P 8
 * kubectl") is printed as met or missed, never failed.
 *
 *   npm run bench -- --sizes 100,300        FLEET_KUBECTL_BENCH_SIZES=50 tsx test/bench/fleet-vs-kubectl.bench.ts
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createKubeconfigFileClusters } from '../../main/clusters/kubeconfig-file.js';
import { readFleetOnce } from '../../main/fleet/fleet-once.js';
import { FleetService } from '../../main/fleet/fleet-service.js';
import { ClusterPool } from '../../main/kube/cluster-pool.js';
import type { FleetRow } from '../../shared/contract/index.js';
import { TestRegistry } from '../integration/fleet-test-registry.js';
import { KUBECTL } from '../support/kubectl.js';
import { bundleForNode, machine, round, startLabProcess } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT_DIR = join(ROOT, 'bench-results');
const TARGET = { clusters: 300, speedup: 20 };
const SEQUENTIAL_UP_TO = 100;
const RESOURCE = 'applications.apps.kio.kasten.io';

// Other benchmarks' options arrive too (npm run bench passes its arguments to each): not strict.
const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: false,
  options: {
    sizes: { type: 'string', default: process.env.FLEET_KUBECTL_BENCH_SIZES ?? '100,300' },
    parallel: { type: 'string', default: '8' },
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a process to completion, asynchronously (the lab in this process must keep answering). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<Run> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** A fresh HOME and discovery cache for one kubectl run, as test/support/kubectl.ts makes them. */
function kubectlHome(kubeconfig: string): { env: NodeJS.ProcessEnv; done: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'kubectl-bench-'));
  return {
    env: { PATH: process.env.PATH, HOME: home, KUBECACHEDIR: join(home, 'cache'), KUBECONFIG: kubeconfig },
    done: () => rmSync(home, { recursive: true, force: true }),
  };
}

/** Lines of `kubectl get … -A` output that are rows (not the header). */
const tableRows = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('NAMESPACE')).length;

async function kubectlSequential(kubeconfig: string, contexts: string[]): Promise<{ ms: number; rows: number }> {
  const { env, done } = kubectlHome(kubeconfig);
  try {
    const started = performance.now();
    let rows = 0;
    for (const c of contexts) {
      const r = await run(KUBECTL!, ['--context', c, 'get', RESOURCE, '-A'], env, 60_000);
      if (r.code !== 0) throw new Error(`kubectl --context ${c} exited with ${r.code}: ${r.stderr}`);
      rows += tableRows(r.stdout);
    }
    return { ms: performance.now() - started, rows };
  } finally {
    done();
  }
}

async function kubectlXargs(kubeconfig: string, contexts: string[], parallel: number): Promise<{ ms: number; rows: number }> {
  const { env, done } = kubectlHome(kubeconfig);
  const list = join(env.HOME!, 'contexts');
  writeFileSync(list, `${contexts.join('\n')}\n`);
  try {
    // xargs stops at the first command that fails with 255 and reports others by its own exit code (123).
    const r = await run('sh', ['-c', `xargs -P ${parallel} -n 1 "$0" get ${RESOURCE} -A --context < "$1"`, KUBECTL!, list], env);
    if (r.code !== 0) throw new Error(`xargs -P ${parallel} kubectl exited with ${r.code}: ${r.stderr.slice(0, 2000)}`);
    return { ms: r.ms, rows: tableRows(r.stdout) };
  } finally {
    done();
  }
}

const complete = (r: FleetRow) =>
  r.reachability.state === 'reachable' && r.role !== 'unknown' && r.k10Version !== undefined && r.kubernetesVersion !== undefined && r.counts.applications !== undefined && r.counts.policies !== undefined && r.counts.actions !== undefined;

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FLOTILLA_PASSPHRASE;
  delete env.FLOTILLA_DATA_DIR;
  return env;
}

/** How the CLI is started: its bundle on node, or its sources through tsx. */
type CliRun = { how: 'bundle'; file: string } | { how: 'tsx' };
const cliArgs = (cli: CliRun, args: string[]) => (cli.how === 'bundle' ? [cli.file, ...args] : ['--import', 'tsx', 'main/cli/main.ts', ...args]);

async function flotillaFleet(cli: CliRun, kubeconfig: string, dataDir: string, clusters: number): Promise<{ ms: number; complete: number; applications: number }> {
  const r = await run(process.execPath, cliArgs(cli, ['fleet', '--json', '--wait', '60', '--kubeconfig', kubeconfig, '--data-dir', dataDir]), cliEnv(), 120_000);
  if (r.code !== 0) throw new Error(`flotilla fleet (${cli.how}) exited with ${r.code}: ${r.stderr}`);
  const rows = JSON.parse(r.stdout) as FleetRow[];
  if (rows.length !== clusters) throw new Error(`flotilla fleet printed ${rows.length} rows for ${clusters} clusters`);
  return { ms: r.ms, complete: rows.filter(complete).length, applications: rows.reduce((n, x) => n + (x.counts.applications ?? 0), 0) };
}

async function flotillaHelp(cli: CliRun, dataDir: string): Promise<number> {
  const r = await run(process.execPath, cliArgs(cli, ['--help', '--data-dir', dataDir]), cliEnv(), 60_000);
  if (r.code !== 0) throw new Error(`flotilla --help (${cli.how}) exited with ${r.code}: ${r.stderr}`);
  return r.ms;
}

async function onceInProcess(yaml: string): Promise<{ ms: number; complete: number; requests: number }> {
  const registry = new TestRegistry();
  registry.importKubeconfig(yaml);
  const pool = new ClusterPool(registry);
  try {
    const started = performance.now();
    const r = await readFleetOnce({ registry, pool }, { deadlineMs: 60_000 });
    return { ms: performance.now() - started, complete: r.rows.filter(complete).length, requests: r.requests };
  } finally {
    pool.close();
  }
}

/** What the CLI's cluster list costs before any request: the file read once, then one KubeConfig per cluster. */
async function kubeconfigReading(kubeconfig: string): Promise<number> {
  const started = performance.now();
  const registry = createKubeconfigFileClusters(kubeconfig);
  for (const c of registry.list()) await registry.kubeConfig(c.id);
  return performance.now() - started;
}

async function fleetServiceFirstSnapshot(yaml: string, size: number): Promise<number> {
  const registry = new TestRegistry();
  registry.importKubeconfig(yaml);
  const fleet = new FleetService({ registry, events: { emit: () => undefined } });
  const started = performance.now();
  try {
    await fleet.start();
    const deadline = started + 180_000;
    for (;;) {
      const done = fleet.snapshot().rows.filter(complete).length;
      if (done === size) return performance.now() - started;
      if (performance.now() > deadline) throw new Error(`only ${done} of ${size} rows complete after 180 s`);
      await sleep(50);
    }
  } finally {
    await fleet.stop();
  }
}

interface SizeResult {
  clusters: number;
  labStartMs: number;
  /** Sequential kubectl loop, at small sizes only. */
  kubectlSequentialMs?: number;
  kubectlXargsMs: number;
  kubectlParallel: number;
  /** Rows kubectl printed (all clusters): a check that it read what Flotilla counts. */
  kubectlApplications: number;
  /** The bundled CLI (what the app runs), spawn to exit. */
  flotillaFleetMs: number;
  flotillaCompleteRows: number;
  flotillaApplications: number;
  flotillaHelpMs: number;
  /** The same from the sources through tsx (`npm run cli`). */
  flotillaFleetTsxMs: number;
  flotillaHelpTsxMs: number;
  onceInProcessMs: number;
  onceRequests: number;
  kubeconfigReadingMs: number;
  fleetServiceFirstSnapshotMs: number;
  ratios: { xargsOverFlotilla: number; sequentialOverFlotilla?: number; sequentialOverXargs?: number; fleetServiceOverFlotilla: number; xargsOverOnceInProcess: number };
}

async function measure(size: number, parallel: number): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-vs-kubectl-'));
  const t0 = performance.now();
  const lab = await startLabProcess(size);
  const labStartMs = performance.now() - t0;
  const kubeconfig = lab.kubeconfigPath;
  const contexts = (await lab.admin<{ name: string }[]>('/clusters')).map((c) => c.name);
  const yaml = lab.kubeconfig;
  console.log(`  ${size} clusters: lab up in ${labStartMs.toFixed(0)} ms (its own process)`);
  try {
    const bundle: CliRun = { how: 'bundle', file: await bundleForNode(join(ROOT, 'main/cli/main.ts'), dir) };
    const tsx: CliRun = { how: 'tsx' };
    // Once untimed: the first TLS handshakes of the lab's listeners, the OS's file cache for node and kubectl.
    await onceInProcess(yaml);
    let kubectlSequentialMs: number | undefined;
    if (size <= SEQUENTIAL_UP_TO) {
      const s = await kubectlSequential(kubeconfig, contexts);
      kubectlSequentialMs = s.ms;
      console.log(`  ${size} clusters: sequential kubectl loop ${s.ms.toFixed(0)} ms (${s.rows} applications)`);
    }
    const x = await kubectlXargs(kubeconfig, contexts, parallel);
    console.log(`  ${size} clusters: xargs -P ${parallel} kubectl ${x.ms.toFixed(0)} ms (${x.rows} applications)`);
    const helpMs = await flotillaHelp(bundle, join(dir, 'cli-data'));
    const f = await flotillaFleet(bundle, kubeconfig, join(dir, 'cli-data'), size);
    console.log(`  ${size} clusters: flotilla fleet --json --wait 60, bundled: ${f.ms.toFixed(0)} ms (${f.complete} of ${size} rows complete, ${f.applications} applications; flotilla --help alone ${helpMs.toFixed(0)} ms)`);
    if (f.applications !== x.rows) console.log(`  note: kubectl printed ${x.rows} applications, flotilla counted ${f.applications}`);
    const helpTsxMs = await flotillaHelp(tsx, join(dir, 'cli-data'));
    const ft = await flotillaFleet(tsx, kubeconfig, join(dir, 'cli-data'), size);
    console.log(`  ${size} clusters: the same through tsx (npm run cli): ${ft.ms.toFixed(0)} ms (--help alone ${helpTsxMs.toFixed(0)} ms)`);
    const once = await onceInProcess(yaml);
    console.log(`  ${size} clusters: one-shot read in process ${once.ms.toFixed(0)} ms, ${once.requests} requests (${(once.requests / size).toFixed(1)} per cluster)`);
    const kcMs = await kubeconfigReading(kubeconfig);
    console.log(`  ${size} clusters: the CLI's kubeconfig reading alone (a KubeConfig per cluster from the file) ${kcMs.toFixed(0)} ms`);
    const fsMs = await fleetServiceFirstSnapshot(yaml, size);
    console.log(`  ${size} clusters: FleetService first full snapshot ${fsMs.toFixed(0)} ms`);
    return {
      clusters: size,
      labStartMs: round(labStartMs),
      ...(kubectlSequentialMs !== undefined ? { kubectlSequentialMs: round(kubectlSequentialMs) } : {}),
      kubectlXargsMs: round(x.ms),
      kubectlParallel: parallel,
      kubectlApplications: x.rows,
      flotillaFleetMs: round(f.ms),
      flotillaCompleteRows: f.complete,
      flotillaApplications: f.applications,
      flotillaHelpMs: round(helpMs),
      flotillaFleetTsxMs: round(ft.ms),
      flotillaHelpTsxMs: round(helpTsxMs),
      onceInProcessMs: round(once.ms),
      onceRequests: once.requests,
      kubeconfigReadingMs: round(kcMs),
      fleetServiceFirstSnapshotMs: round(fsMs),
      ratios: {
        xargsOverFlotilla: round(x.ms / f.ms, 2),
        ...(kubectlSequentialMs !== undefined ? { sequentialOverFlotilla: round(kubectlSequentialMs / f.ms, 2), sequentialOverXargs: round(kubectlSequentialMs / x.ms, 2) } : {}),
        fleetServiceOverFlotilla: round(fsMs / f.ms, 2),
        xargsOverOnceInProcess: round(x.ms / once.ms, 2),
      },
    };
  } finally {
    await lab.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(results: SizeResult[]): { description: string; met: boolean }[] {
  const ms = (n: number | undefined) => (n === undefined ? '-' : n.toFixed(0));
  const x = (n: number | undefined) => (n === undefined ? '-' : `${n.toFixed(2)}×`);
  console.log('\nclusters  kubectl seq ms  xargs -P8 ms  flotilla fleet ms  (--help ms)  via tsx ms  (kubeconfig ms)  once in-process ms  FleetService ms  xargs/flotilla  seq/flotilla  xargs/once');
  for (const r of results) {
    console.log(
      [
        String(r.clusters).padStart(8),
        ms(r.kubectlSequentialMs).padStart(14),
        ms(r.kubectlXargsMs).padStart(12),
        ms(r.flotillaFleetMs).padStart(17),
        ms(r.flotillaHelpMs).padStart(11),
        ms(r.flotillaFleetTsxMs).padStart(10),
        ms(r.kubeconfigReadingMs).padStart(15),
        ms(r.onceInProcessMs).padStart(18),
        ms(r.fleetServiceFirstSnapshotMs).padStart(15),
        x(r.ratios.xargsOverFlotilla).padStart(14),
        x(r.ratios.sequentialOverFlotilla).padStart(12),
        x(r.ratios.xargsOverOnceInProcess).padStart(10),
      ].join('  '),
    );
  }
  const targets: { description: string; met: boolean }[] = [];
  const big = results.find((r) => r.clusters === TARGET.clusters);
  if (big) {
    targets.push({
      description: `flotilla fleet --json --wait (bundled) over ${big.clusters} clusters: at least ${TARGET.speedup}× faster than xargs -P 8 kubectl (${big.ratios.xargsOverFlotilla.toFixed(2)}×: ${ms(big.flotillaFleetMs)} ms against ${ms(big.kubectlXargsMs)} ms)`,
      met: big.ratios.xargsOverFlotilla >= TARGET.speedup,
    });
  } else {
    console.log(`(the target is for ${TARGET.clusters} clusters; not measured at this size)`);
  }
  for (const r of results) targets.push({ description: `${r.clusters} clusters: flotilla fleet printed every row complete (${r.flotillaCompleteRows} of ${r.clusters})`, met: r.flotillaCompleteRows === r.clusters });
  for (const t of targets) console.log(`${t.met ? 'met   ' : 'MISSED'} ${t.description}`);
  return targets;
}

if (!KUBECTL) {
  console.log('fleet-vs-kubectl: no kubectl found (set KUBECTL=/path/to/kubectl); nothing measured');
} else {
  const sizes = String(values.sizes)
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const parallel = Number(values.parallel) > 0 ? Number(values.parallel) : 8;
  const results: SizeResult[] = [];
  for (const size of sizes) {
    console.log(`fleet vs kubectl over ${size} lab clusters…`);
    results.push(await measure(size, parallel));
  }
  const targets = report(results);
  mkdirSync(OUT_DIR, { recursive: true });
  const file = join(OUT_DIR, 'fleet-vs-kubectl.json');
  writeFileSync(file, `${JSON.stringify({ benchmark: 'fleet-vs-kubectl', at: new Date().toISOString(), machine: machine(), kubectl: KUBECTL, results, targets }, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
  // The lab's K10 emulation may leave timers behind; the figures are written.
  process.exit(0);
}
