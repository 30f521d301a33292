/**
 * The `flotilla` command line as a person runs it, for integration tests: a
 * child process (`node --import tsx main/cli/main.ts …`, measured faster to
 * start than `npx tsx`, which starts a second node), with its exit code,
 * stdout and stderr. Spawned asynchronously, so a lab fleet in the test's
 * own process keeps answering while the CLI talks to it.
 *
 * Every run is kept in `runs`, so a test can prove that no secret reached
 * any output.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface CliRun {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
  /** Wall-clock time from spawn to exit. */
  ms: number;
}

export interface FlotillaCli {
  /** Runs `flotilla ARGS…` to completion (a failure is a result, not an exception). */
  run(args: string[], opts?: { env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<CliRun>;
  /** Every run so far. */
  readonly runs: CliRun[];
}

/** A CLI bound to one kubeconfig and data folder (added to every run unless a run gives its own). */
export function flotillaCli(defaults: { kubeconfig?: string; dataDir: string }): FlotillaCli {
  const runs: CliRun[] = [];
  return {
    runs,
    run(args, opts = {}) {
      const full = [...args];
      if (defaults.kubeconfig && !args.includes('--kubeconfig')) full.push('--kubeconfig', defaults.kubeconfig);
      if (!args.includes('--data-dir')) full.push('--data-dir', defaults.dataDir);
      // The user's own settings must not leak into a test (nor the test's into the user's folder).
      const env: Record<string, string | undefined> = { ...process.env, FLOTILLA_PASSPHRASE: undefined, FLOTILLA_DATA_DIR: undefined, ...opts.env };
      for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
      const started = Date.now();
      return new Promise((done, fail) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/main.ts', ...full], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
        child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
        child.on('error', (err) => {
          clearTimeout(timer);
          fail(err);
        });
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          const run: CliRun = { args, code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started };
          runs.push(run);
          done(run);
        });
      });
    },
  };
}

/** Every file under `dir` with its text (for "no secret is in any file"). */
export function filesUnder(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) {
      const p = join(e.parentPath, e.name);
      out.push({ path: p, text: readFileSync(p, 'latin1') });
    }
  }
  return out;
}
