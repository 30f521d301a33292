/**
 * What the benchmarks need: each size runs in a child process of its own
 * (a clean heap, an honest RSS), which prints its result as one
 * `RESULT {json}` line; a lab fleet in a process of its own, so that what it
 * costs to serve is not counted as Flotilla's; and a description of the
 * machine for the JSON report.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { arch, cpus, freemem, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { LabFleetStats } from '../../main/lab/stats.js';
import { onLines } from '../support/lines.js';

export const MB = 1024 * 1024;

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * Runs `node <args>` and resolves with the JSON of its `RESULT …` line; every
 * other line it prints is passed on. Fails unless it exits 0 with a result.
 */
export function runChild<T>(args: string[], size: number): Promise<T> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let result: T | undefined;
    onLines(child.stdout, (line) => {
      if (line.startsWith('RESULT ')) result = JSON.parse(line.slice('RESULT '.length)) as T;
      else console.log(line);
    });
    child.on('exit', (code) => (code === 0 && result ? done(result) : fail(new Error(`the ${size}-cluster run failed (exit code ${code})`))));
  });
}

/**
 * `entry` bundled as build/bundle.mjs bundles the app's main process (one
 * ESM file, esbuild, production): a process that runs it measures the code
 * as it ships, without tsx compiling sources and holding their source maps
 * (which costs a process some 130 MB). `dir` defaults to the entry's own
 * folder, so its `import.meta` paths still hold; the caller removes the file.
 */
export async function bundleForNode(entry: string, dir = dirname(entry)): Promise<string> {
  const file = join(dir, `.bundled-${basename(entry).replace(/\.ts$/, '')}.mjs`);
  await build({
    absWorkingDir: resolve(import.meta.dirname, '../..'),
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['electron', 'keytar', 'esbuild'],
    define: { 'process.env.NODE_ENV': '"production"' },
    banner: { js: "import { createRequire as __flotillaCreateRequire } from 'node:module'; const require = __flotillaCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  return file;
}

/** The machine the numbers were taken on. */
export function machine() {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    totalMemoryMB: Math.round(totalmem() / MB),
    freeMemoryMB: Math.round(freemem() / MB),
    loadAverage: loadavg().map((n) => round(n, 2)),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
  };
}

export interface LabProcess {
  pid: number;
  kubeconfigPath: string;
  /** The kubeconfig's text (one context per cluster). */
  kubeconfig: string;
  /** The lab's admin endpoint (main/lab/admin.ts), with its token. */
  admin<T>(path: string, method?: 'GET' | 'POST', body?: unknown): Promise<T>;
  stats(): Promise<LabFleetStats>;
  resetStats(): Promise<LabFleetStats>;
  /** The lab process's resident memory (MB) and CPU time so far (ms), from /proc. */
  usage(): { rssMB: number; cpuMs: number };
  stop(): Promise<void>;
}

/**
 * One `flotilla fleet --json --wait 60` over the lab from another process,
 * untimed: the lab's listeners, TLS and request paths then run warm, as a
 * real cluster's API server does, while the process measured next starts
 * cold.
 */
export async function warmLab(lab: LabProcess): Promise<void> {
  const root = resolve(import.meta.dirname, '../..');
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-warm-'));
  try {
    await new Promise<void>((done, fail) =>
      execFile(process.execPath, ['--import', 'tsx', join(root, 'main/cli/main.ts'), 'fleet', '--json', '--wait', '60', '--kubeconfig', lab.kubeconfigPath, '--data-dir', dataDir], { cwd: root, maxBuffer: 64 * MB }, (err) =>
        err ? fail(new Error(`warming the lab failed: ${err.message}`)) : done(),
      ),
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `npm run lab -- start --clusters N` as a child process, up when it says so; `nodeArgs` go to its node (a profiler's flags). */
export async function startLabProcess(clusters: number, nodeArgs: string[] = []): Promise<LabProcess> {
  const root = resolve(import.meta.dirname, '../..');
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-lab-'));
  const kubeconfigPath = join(dir, 'lab.kubeconfig');
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(root, 'main/lab/cli.ts'), 'start', '--clusters', String(clusters), '--kubeconfig', kubeconfigPath], {
    cwd: root,
    // Its runtime record goes to a folder of its own: a person's `npm run lab -- fault` does not find it.
    env: { ...process.env, XDG_RUNTIME_DIR: dir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((up, fail) => {
    onLines(child.stdout!, (line) => {
      if (line.startsWith('Press Ctrl-C')) up();
    });
    void exited.then((code) => fail(new Error(`the lab fleet exited (code ${code}) before it was up`)));
  });
  const { url, token } = JSON.parse(readFileSync(`${kubeconfigPath}.admin.json`, 'utf8')) as { url: string; token: string };
  const admin = async <T>(path: string, method: 'GET' | 'POST' = 'GET', body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`lab admin ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const ticks = 100; // USER_HZ on Linux
  return {
    pid: child.pid!,
    kubeconfigPath,
    kubeconfig: readFileSync(kubeconfigPath, 'utf8'),
    admin,
    stats: () => admin<LabFleetStats>('/stats'),
    resetStats: () => admin<LabFleetStats>('/stats/reset', 'POST'),
    usage() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of stat(5); the slice starts at field 3.
      const cpuMs = ((Number(fields[11]) + Number(fields[12])) / ticks) * 1000;
      return { rssMB: rssKb / 1024, cpuMs };
    },
    async stop() {
      child.kill('SIGINT');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
