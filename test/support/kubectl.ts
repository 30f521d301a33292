/**
 * The real kubectl as an independent client in tests. `runKubectl` runs one
 * command in a throw-away HOME; a `KubectlSession` runs many against one
 * kubeconfig with a shared HOME and discovery cache (as a person's shell
 * would), feeds manifests on stdin, and keeps `kubectl get -w` running in
 * the background while the test changes things.
 *
 * Commands are spawned asynchronously: a server in the same process (the lab
 * fleet) must keep answering while kubectl waits for it.
 */
import { fileURLToPath } from 'node:url';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

/**
 * kubectl's path, or undefined where it is not installed (tests then skip).
 * `KUBECTL=/path/to/kubectl` picks another one, e.g. Debian's 1.20.
 */
export const KUBECTL = [process.env.KUBECTL, '/usr/bin/kubectl', ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'kubectl')), fileURLToPath(new URL('../../.tools/bin/kubectl', import.meta.url))].find(
  (p): p is string => !!p && existsSync(p),
);

/**
 * The newest versioned kubectl (`kubectl.1.33`) of at least `minMinor` beside
 * KUBECTL, where KUBECTL is gcloud's dispatcher, which otherwise runs the
 * release matching the server; undefined elsewhere.
 */
export function versionedKubectl(minMinor: number): string | undefined {
  if (!KUBECTL) return undefined;
  const dir = dirname(realpathSync(KUBECTL));
  const found = readdirSync(dir)
    .map((f) => /^kubectl\.1\.(\d+)$/.exec(f))
    .filter((m): m is RegExpExecArray => !!m && Number(m[1]) >= minMinor)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  return found[0] ? join(dir, found[0][0]) : undefined;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl to completion; a failure is a result (code, stderr), not an exception. */
export function runKubectl(args: string[], env: Record<string, string> = {}): Promise<KubectlResult> {
  const home = mkdtempSync(join(tmpdir(), 'kubectl-home-'));
  // An empty kubeconfig rather than none, about which kubectl 1.20 warns.
  writeFileSync(join(home, 'config'), 'apiVersion: v1\nkind: Config\n');
  return new Promise((resolve) => {
    execFile(
      KUBECTL!,
      args,
      {
        env: { PATH: process.env.PATH, HOME: home, KUBECACHEDIR: join(home, 'cache'), KUBECONFIG: join(home, 'config'), ...env },
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        rmSync(home, { recursive: true, force: true });
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

export interface RunOptions {
  /** Written to kubectl's standard input (for `-f -`). */
  stdin?: string;
  timeoutMs?: number;
}

/** A `kubectl … -w` running in the background, its output collected line by line. */
export interface BackgroundKubectl {
  /** Complete lines of standard output so far. */
  readonly lines: string[];
  /** Standard error so far. */
  readonly stderr: () => string;
  /** Resolves with the first line (from `from` on) that matches; fails after `timeoutMs`. */
  waitForLine(match: RegExp, opts?: { from?: number; timeoutMs?: number }): Promise<string>;
  /** Ends the process (SIGTERM) and resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * kubectl sessions against one kubeconfig: a private HOME and discovery
 * cache (`KUBECACHEDIR`) shared by every command of the session, removed by
 * `close()` together with any background command still running.
 */
export class KubectlSession {
  readonly home: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly background = new Set<ChildProcess>();

  /** `binary`: another kubectl than KUBECTL (see versionedKubectl). */
  constructor(
    kubeconfigPath: string,
    private readonly binary = KUBECTL!,
  ) {
    this.home = mkdtempSync(join(tmpdir(), 'kubectl-session-'));
    this.env = { PATH: process.env.PATH, HOME: this.home, KUBECONFIG: kubeconfigPath, KUBECACHEDIR: join(this.home, 'cache') };
  }

  /** Runs kubectl to completion; a failure is a result (code, stderr), not an exception. */
  run(args: string[], opts: RunOptions = {}): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.binary, args, { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
      });
      // kubectl may exit before reading its input (a refused connection): not our error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(opts.stdin ?? '');
    });
  }

  /** Runs a command that must succeed; its standard output. Fails with what kubectl said otherwise. */
  async ok(args: string[], opts: RunOptions = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited with ${r.code}:\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Runs a command that must fail; its standard error. */
  async fails(args: string[], opts: RunOptions = {}): Promise<string> {
    const r = await this.run(args, opts);
    if (r.code === 0) throw new Error(`kubectl ${args.join(' ')} succeeded, but should have failed:\n${r.stdout}`);
    return r.stderr;
  }

  /** Starts a long-running command (`get -w`) in the background. */
  start(args: string[]): BackgroundKubectl {
    const child = spawn(this.binary, args, { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.background.add(child);
    const lines: string[] = [];
    let partial = '';
    let stderr = '';
    const waiters = new Set<() => void>();
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      const complete = partial.split('\n');
      partial = complete.pop()!;
      lines.push(...complete);
      for (const w of waiters) w();
    });
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const exited = new Promise<void>((resolve) =>
      child.on('close', () => {
        this.background.delete(child);
        for (const w of waiters) w();
        resolve();
      }),
    );
    return {
      lines,
      stderr: () => stderr,
      waitForLine(match, { from = 0, timeoutMs = 10_000 } = {}) {
        return new Promise((resolve, reject) => {
          const check = () => {
            const found = lines.slice(from).find((l) => match.test(l));
            if (found !== undefined) {
              done();
              resolve(found);
            } else if (child.exitCode !== null || child.signalCode !== null) {
              done();
              reject(new Error(`kubectl ${args.join(' ')} exited before printing a line matching ${match}:\n${lines.join('\n')}\n${stderr}`));
            }
          };
          const timer = setTimeout(() => {
            done();
            reject(new Error(`no line matching ${match} from kubectl ${args.join(' ')} within ${timeoutMs} ms:\n${lines.join('\n')}\n${stderr}`));
          }, timeoutMs);
          const done = () => {
            clearTimeout(timer);
            waiters.delete(check);
          };
          waiters.add(check);
          check();
        });
      },
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
    };
  }

  /** Stops background commands and removes the session's HOME and cache. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.background].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('close', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** Output lines without the trailing empty one. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
}

/** A `kubectl get` table: its column names and one record per row, keyed by column name. */
export interface Table {
  columns: string[];
  rows: Record<string, string>[];
}

/**
 * Reads a `kubectl get` table. kubectl aligns every cell under the start of
 * its column's name, so cells are cut at those offsets: a blank cell stays
 * blank and a name with a space (`CREATED AT`) stays whole.
 */
export function tableOf(text: string): Table {
  const [header = '', ...lines] = linesOf(text);
  const starts: number[] = [];
  const columns: string[] = [];
  for (const m of header.matchAll(/\S+(?: \S+)*/g)) {
    starts.push(m.index!);
    columns.push(m[0]);
  }
  const rows = lines.map((line) =>
    Object.fromEntries(columns.map((c, i) => [c, line.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : undefined).trim()])),
  );
  return { columns, rows };
}

/** kubectl against one kubeconfig, as the multi-cluster tests check what Flotilla wrote. */
export function kubectlFor(kubeconfig: () => string) {
  return {
    /** stdout of a command that must succeed. */
    async kubectl(context: string, ...args: string[]): Promise<string> {
      const r = await runKubectl(['--context', context, ...args], { KUBECONFIG: kubeconfig() });
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    },
    /** One key of a Secret, decoded; undefined when the Secret or the key is not there. */
    async secretOn(context: string, ns: string, name: string, key: string): Promise<string | undefined> {
      const r = await runKubectl(['--context', context, 'get', 'secret', name, '-n', ns, '-o', `jsonpath={.data.${key}}`], { KUBECONFIG: kubeconfig() });
      return r.code === 0 && r.stdout ? Buffer.from(r.stdout, 'base64').toString('utf8') : undefined;
    },
  };
}
