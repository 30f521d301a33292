/**
 * `npm run lab` as a person uses it: start a fleet, point kubectl at the
 * kubeconfig it prints, break a cluster from another terminal with
 * `npm run lab -- fault …`, Ctrl-C. And bad arguments get a clear message.
 * `fault` finds the running fleet by itself (through the record each lab
 * leaves in the per-user runtime folder, here a temporary XDG_RUNTIME_DIR),
 * and asks which one when several run.
 *
 * The long-running fleet is started through tsx directly (what `npx tsx`
 * runs): npm itself, on SIGINT, re-raises the signal after its child exits,
 * which would hide the CLI's own exit code. One-shot commands go through
 * `npx tsx`, whose exit code is the CLI's.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KUBECTL, runKubectl } from '../unit/lab/kubectl-harness.js';
import { eventually } from './lab-helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = 'main/lab/cli.ts';

let dir: string;
let kubeconfig: string;
/** XDG_RUNTIME_DIR of every lab and fault these tests run, so that no other lab on this machine is found. */
let runtime: string;
const env = () => ({ ...process.env, XDG_RUNTIME_DIR: runtime });
/** The kubeconfigs of the labs recorded in the runtime folder (tsx runs the CLI in a child, so pids are not the spawned ones). */
function records(): string[] {
  const folder = join(runtime, 'flotilla-lab');
  if (!existsSync(folder)) return [];
  return readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .map((f) => (JSON.parse(readFileSync(join(folder, f), 'utf8')) as { kubeconfig: string }).kubeconfig)
    .sort();
}
let lab: ChildProcess;
let stdout = '';
let stderr = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

/** Runs `npx tsx main/lab/cli.ts …` to completion. */
function npxLab(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('npx', ['tsx', CLI, ...args], { cwd: ROOT, timeout: 30_000, env: env() }, (error, out, err) => {
      done({ code: error ? Number(error.code ?? 1) : 0, stdout: out, stderr: err });
    });
  });
}

/** The port a kubeconfig context's server listens on. */
function portOf(context: string): number {
  const config = parse(readFileSync(kubeconfig, 'utf8')) as { clusters: { name: string; cluster: { server: string } }[] };
  return Number(new URL(config.clusters.find((c) => c.name === context)!.cluster.server).port);
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), answer(true)));
    socket.once('error', () => answer(false));
  });
}

interface RunningLab {
  process: ChildProcess;
  output(): { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `tsx main/lab/cli.ts …` and waits until it prints its kubeconfig (or exits). */
async function startLab(args: string[]): Promise<RunningLab> {
  const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: env() });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await eventually(() => /^Kubeconfig: .+$/m.test(out) || child.exitCode !== null, 'the lab to print its kubeconfig', 30_000);
  return { process: child, output: () => ({ stdout: out, stderr: err }), exited: done };
}

const others: RunningLab[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-lab-cli-'));
  runtime = mkdtempSync(join(tmpdir(), 'flotilla-lab-cli-runtime-'));
  kubeconfig = join(dir, 'lab.yaml');
  const first = await startLab(['--clusters', '2', '--kubeconfig', kubeconfig]);
  lab = first.process;
  exited = first.exited;
  ({ stdout, stderr } = first.output());
  // Later output (the shutdown messages) is read through these.
  lab.stdout!.on('data', (d: Buffer) => (stdout += d));
  lab.stderr!.on('data', (d: Buffer) => (stderr += d));
});

afterAll(async () => {
  for (const running of [{ process: lab, exited }, ...others]) {
    if (running.process && running.process.exitCode === null && running.process.signalCode === null) {
      running.process.kill('SIGKILL');
      await running.exited;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(runtime, { recursive: true, force: true });
});

describe('npm run lab', () => {
  it('prints the kubeconfig path, which kubectl can use', async () => {
    expect(stderr.replace(/npm warn.*\n/g, '')).toBe('');
    expect(stdout).toMatch(/^Lab fleet: 2 clusters up in [\d.]+ s \(in memory\)$/m);
    expect(/^Kubeconfig: (.+)$/m.exec(stdout)?.[1]).toBe(kubeconfig);
    if (!KUBECTL) return;
    for (const context of ['cluster-1', 'cluster-2']) {
      const ns = await runKubectl(['--kubeconfig', kubeconfig, '--context', context, 'get', 'ns']);
      expect(ns.stderr).toBe('');
      expect(ns.code).toBe(0);
      expect(ns.stdout).toMatch(/^kasten-io\s+Active/m);
    }
  });

  it('fault stop cluster-2 makes cluster-2 refuse connections, and fault start brings it back', async () => {
    const port = portOf('cluster-2');
    const stopped = await npxLab(['fault', 'stop', 'cluster-2', '--kubeconfig', kubeconfig]);
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ name: 'cluster-2', up: false });
    expect(await accepts(port)).toBe(false);
    expect(await accepts(portOf('cluster-1'))).toBe(true);
    if (KUBECTL) {
      const refused = await runKubectl(['--kubeconfig', kubeconfig, '--context', 'cluster-2', 'get', 'ns']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`The connection to the server 127.0.0.1:${port} was refused`);
    }

    const started = await npxLab(['fault', 'start', 'cluster-2', '--kubeconfig', kubeconfig]);
    expect(started.code).toBe(0);
    expect(await accepts(port)).toBe(true);
    const unknown = await npxLab(['fault', 'stop', 'cluster-9', '--kubeconfig', kubeconfig]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('lab: the lab fleet refused (HTTP 404): no cluster named cluster-9 in this lab fleet');
  });

  it('fault finds the one running lab without --kubeconfig, and ignores the record of a lab that died', async () => {
    // A record left by a process that is gone (a lab killed with SIGKILL leaves one).
    const dead = spawn(process.execPath, ['-e', '']);
    const deadPid = await new Promise<number>((done) => dead.on('exit', () => done(dead.pid!)));
    writeFileSync(
      join(runtime, 'flotilla-lab', `${deadPid}.json`),
      JSON.stringify({ pid: deadPid, url: 'http://127.0.0.1:9', token: 'x', kubeconfig: '/gone', clusters: 1, startedAt: '2020-01-01T00:00:00.000Z' }),
    );
    const stopped = await npxLab(['fault', 'stop', 'cluster-2']);
    expect(stopped.stderr.replace(/npm warn.*\n/g, '')).toBe('');
    expect([stopped.code, JSON.parse(stopped.stdout)]).toEqual([0, expect.objectContaining({ name: 'cluster-2', up: false })]);
    expect(await accepts(portOf('cluster-2'))).toBe(false);
    expect(records()).toEqual([kubeconfig]);
    expect((await npxLab(['fault', 'start', 'cluster-2'])).code).toBe(0);
    expect(await accepts(portOf('cluster-2'))).toBe(true);
  });

  it('with two labs running, fault names both and asks for --kubeconfig (exit code 2); with it, acts on the one named', async () => {
    const second = join(dir, 'second.yaml');
    const other = await startLab(['--clusters', '1', '--kubeconfig', second]);
    others.push(other);
    expect(records()).toEqual([kubeconfig, second].sort());

    const ambiguous = await npxLab(['fault', 'stats', 'cluster-1']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stdout).toBe('');
    expect(ambiguous.stderr).toContain('lab: 2 lab fleets are running; say which with --kubeconfig FILE');
    expect(ambiguous.stderr).toMatch(new RegExp(`^  --kubeconfig ${kubeconfig}   \\(pid \\d+, 2 clusters, up since \\S+\\)$`, 'm'));
    expect(ambiguous.stderr).toMatch(new RegExp(`^  --kubeconfig ${second}   \\(pid \\d+, 1 cluster, up since \\S+\\)$`, 'm'));

    const chosen = await npxLab(['fault', 'latency', 'cluster-1', 'ms=5', '--kubeconfig', second]);
    expect(chosen.code).toBe(0);
    expect(JSON.parse(chosen.stdout)).toMatchObject({ name: 'cluster-1', faults: { latencyMs: 5 } });

    other.process.kill('SIGINT');
    expect(await other.exited).toEqual({ code: 0, signal: null });
    expect(records()).toEqual([kubeconfig]);
    // One lab again: found without help, and it is the first one (its cluster-1 has no latency).
    const found = await npxLab(['fault', 'reset', 'cluster-1']);
    expect([found.code, JSON.parse(found.stdout).faults.latencyMs]).toEqual([0, 0]);
  });

  it('stops cleanly on SIGINT: exit code 0, listeners closed, admin file removed', async () => {
    const ports = [portOf('cluster-1'), portOf('cluster-2')];
    expect(existsSync(`${kubeconfig}.admin.json`)).toBe(true);
    lab.kill('SIGINT');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(stdout).toMatch(/Stopping the lab fleet…\nLab fleet stopped\.\n$/);
    for (const port of ports) expect(await accepts(port)).toBe(false);
    expect(existsSync(`${kubeconfig}.admin.json`)).toBe(false);
    expect(records()).toEqual([]);
    const alone = await npxLab(['fault', 'stop', 'cluster-1']);
    expect([alone.code, alone.stderr]).toEqual([1, expect.stringContaining('lab: no running lab fleet found')]);
    const late = await npxLab(['fault', 'stop', 'cluster-1', '--kubeconfig', kubeconfig]);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain('lab: no running lab fleet found');
  });

  it('rejects a --clusters that is not a whole number of at least 1, with a clear message and exit code 1', async () => {
    const other = join(dir, 'never.yaml');
    const [abc, zero, typo] = await Promise.all([
      npxLab(['--clusters', 'abc', '--kubeconfig', other]),
      npxLab(['--clusters', '0', '--kubeconfig', other]),
      npxLab(['--clusterz', '3', '--kubeconfig', other]),
    ]);
    for (const [run, n] of [[abc, 'abc'], [zero, '0']] as const) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`lab: --clusters must be a whole number from 1 to 2000 (got "${n}")`);
      expect(run.stdout).toBe('');
    }
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("lab: Unknown option '--clusterz'");
    expect(typo.stderr).toContain('Usage:');
    expect(existsSync(other)).toBe(false);
  });
});
