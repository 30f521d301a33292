/**
 * Where exec credential plugins are looked up. An app started from a desktop
 * launcher (or the macOS Dock) inherits a minimal PATH, not the one the user's
 * shell builds in ~/.zshrc or ~/.bash_profile, so `aws`, `gke-gcloud-auth-plugin`
 * or `kubelogin` in /opt/homebrew/bin or ~/.local/bin would not be found. So,
 * once per run, ask the user's login shell for its PATH (and KUBECONFIG),
 * with a timeout, and fall back to Flotilla's own PATH when that fails.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, extname, isAbsolute, join } from 'node:path';

/** The PATH to search for plugins, and where it came from (for messages). */
export interface SearchPath {
  path: string;
  /** e.g. "your login shell (/bin/zsh)" or "Flotilla's environment". */
  source: string;
  /** KUBECONFIG as the login shell sets it, if it does. */
  kubeconfig?: string;
}

export interface LoginShellOptions {
  /** Default $SHELL (or /bin/sh). */
  shell?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

const START = '__FLOTILLA_ENV_START__';
const SEP = '__FLOTILLA_ENV_SEP__';
const END = '__FLOTILLA_ENV_END__';

/**
 * Runs `$SHELL -ilc` once to read the login shell's PATH and KUBECONFIG.
 * Markers around the values skip whatever the shell's start-up files print.
 * Never rejects: on any failure it returns Flotilla's own PATH.
 */
export async function loginShellSearchPath(opts: LoginShellOptions = {}): Promise<SearchPath> {
  const env = opts.env ?? process.env;
  const platform = opts.platform ?? process.platform;
  const fallback = (why: string): SearchPath => ({
    path: env.PATH ?? env.Path ?? '',
    source: `Flotilla's environment (${why})`,
    ...(env.KUBECONFIG ? { kubeconfig: env.KUBECONFIG } : {}),
  });
  if (platform === 'win32') return fallback('Windows has no login shell');
  const shell = opts.shell ?? env.SHELL ?? '/bin/sh';
  const script = `printf '\\n%s\\n' ${START}; printenv PATH; printf '%s\\n' ${SEP}; printenv KUBECONFIG; printf '%s\\n' ${END}`;
  return new Promise<SearchPath>((resolve) => {
    let out = '';
    let settled = false;
    const finish = (result: SearchPath) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // The whole process group: what a stuck profile started (a `sleep`, an agent) goes too.
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      resolve(result);
    };
    // stdin ignored: an interactive shell must not wait for input; stderr ignored: rc-file noise.
    // detached: its own process group, so that a timeout can end everything it started.
    const child = spawn(shell, ['-ilc', script], { stdio: ['ignore', 'pipe', 'ignore'], env, detached: true });
    const timer = setTimeout(() => finish(fallback(`your login shell ${shell} did not answer within ${opts.timeoutMs ?? 5000} ms`)), opts.timeoutMs ?? 5000);
    child.on('error', (err) => finish(fallback(`your login shell ${shell} could not be started: ${err.message}`)));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const s = out.lastIndexOf(`\n${START}\n`);
      const e = out.indexOf(`\n${END}`, s + 1);
      if (s < 0 || e < 0) return;
      const [path = '', kube = ''] = out.slice(s + START.length + 2, e + 1).split(`${SEP}\n`);
      const clean = (v: string) => v.replace(/\n$/, '');
      if (!clean(path)) return finish(fallback(`your login shell ${shell} has no PATH`));
      finish({ path: clean(path), source: `your login shell (${shell})`, ...(clean(kube) ? { kubeconfig: clean(kube) } : {}) });
    });
    child.on('close', () => finish(fallback(`your login shell ${shell} did not print its PATH`)));
  });
}

/** Memoises `loginShellSearchPath`: the shell runs at most once per process. */
export function cachedSearchPath(opts: LoginShellOptions = {}): () => Promise<SearchPath> {
  let once: Promise<SearchPath> | undefined;
  return () => (once ??= loginShellSearchPath(opts));
}

/**
 * The login shell's PATH for this process: asked at most once, shared by the
 * import wizard, the registry and the kube clients.
 */
export const sharedSearchPath: () => Promise<SearchPath> = cachedSearchPath();

/**
 * The absolute path `command` runs as with `searchPath`, or undefined. A
 * command with a path separator is taken as a path (relative ones cannot be
 * resolved and are not found); a bare name is looked up in each PATH folder
 * (on Windows with the PATHEXT extensions).
 */
export async function findExecutable(command: string, searchPath: string, opts: { platform?: NodeJS.Platform; pathext?: string } = {}): Promise<string | undefined> {
  const platform = opts.platform ?? process.platform;
  const win = platform === 'win32';
  const exts = win && !extname(command) ? ['', ...(opts.pathext ?? process.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  const candidates: string[] = [];
  if (/[\\/]/.test(command)) {
    if (!isAbsolute(command)) return undefined;
    candidates.push(...exts.map((e) => command + e));
  } else {
    for (const dir of searchPath.split(win ? ';' : delimiter)) {
      if (dir) candidates.push(...exts.map((e) => join(dir, command + e)));
    }
  }
  for (const c of candidates) {
    if (await isExecutableFile(c, win)) return c;
  }
  return undefined;
}

async function isExecutableFile(path: string, win: boolean): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    if (!win) await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
