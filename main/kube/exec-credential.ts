/**
 * Exec credential plugins (client.authentication.k8s.io ExecCredential),
 * run by Flotilla rather than by client-node.
 *
 * client-node 1.4's ExecAuth spawns the plugin with the process's PATH (a GUI
 * app's minimal one), reports a failure as `new Error(stderr)` without the
 * binary, the PATH or the exit code, caches a credential without an
 * expirationTimestamp not at all (so the plugin runs before every request),
 * and never sets KUBERNETES_EXEC_INFO. So ClusterClient strips `exec` from
 * the user it hands to client-node and gets the credential here instead:
 * - the plugin is looked up on the login shell's PATH, and runs with it;
 * - KUBERNETES_EXEC_INFO says the session is not interactive (a desktop app
 *   has no terminal to prompt in) and carries the cluster when asked to;
 * - the credential is kept in memory only, until its expirationTimestamp (or,
 *   without one, until the cluster answers 401), and concurrent requests
 *   share one run;
 * - failures say which binary, which PATH, the exit code and what it printed
 *   (with anything that looks like a token masked).
 */
import { spawn } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { AppError } from '../../shared/contract/index.js';
import { cachedSearchPath, findExecutable, type SearchPath } from './exec-path.js';
import { seconds } from './errors.js';

/** The `exec` stanza of a kubeconfig user. */
export interface ExecConfig {
  command: string;
  args?: string[];
  env?: { name: string; value: string }[] | null;
  apiVersion?: string;
  provideClusterInfo?: boolean;
  installHint?: string;
  interactiveMode?: string;
}

/** A credential from a plugin: a token, or a client certificate and key (PEM). */
export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** ms since epoch; undefined when the plugin gave no expiry. */
  expiresAt?: number;
}

export interface ExecContext {
  /** The cluster's display name, for messages. */
  cluster: string;
  server: string;
  /** base64 CA data, passed on when provideClusterInfo is set. */
  caData?: string;
  tlsServerName?: string;
  insecureSkipTlsVerify?: boolean;
  /** The PATH to search and run with (the login shell's); see kube/exec-path.ts. */
  path?: () => Promise<SearchPath>;
  timeoutMs?: number;
}

/** The login shell's PATH, asked once per run (shared with the import wizard's checks). */
const defaultSearchPath = cachedSearchPath();

/** Refresh this long before the plugin's expiry, so no request carries a token that dies in flight. */
const EXPIRY_MARGIN_MS = 10_000;

/** Masks what might be a credential in a plugin's output before it is shown. */
export function maskSecrets(text: string): string {
  return text
    .replace(/eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '[token masked]')
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[private key masked]')
    .replace(/(?<![\w/.-])[A-Za-z0-9+/_-]{40,}={0,2}/g, '[masked]');
}

function tail(text: string, max = 600): string {
  const t = maskSecrets(text.trim());
  return t.length > max ? `…${t.slice(-max)}` : t;
}

/** Reads a plugin's stdout as an ExecCredential; throws a message (no secrets) when it is not one. */
export function parseExecCredential(stdout: string): ExecCredential {
  let parsed: { kind?: unknown; status?: Record<string, unknown> };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    const start = maskSecrets(stdout.trim()).slice(0, 200);
    throw new Error(`it printed something that is not JSON${start ? `: "${start}"` : ' (nothing at all)'}`);
  }
  if (!parsed || typeof parsed !== 'object' || parsed.kind !== 'ExecCredential') {
    throw new Error(`it printed JSON that is not an ExecCredential (kind: ${JSON.stringify((parsed as { kind?: unknown })?.kind ?? null)})`);
  }
  const status = parsed.status ?? {};
  const str = (k: string) => (typeof status[k] === 'string' && status[k] ? (status[k] as string) : undefined);
  const cred: ExecCredential = {
    token: str('token'),
    clientCertificateData: str('clientCertificateData'),
    clientKeyData: str('clientKeyData'),
  };
  if (!cred.token && !(cred.clientCertificateData && cred.clientKeyData)) {
    throw new Error(`its ExecCredential has neither status.token nor status.clientCertificateData with clientKeyData (it has: ${Object.keys(status).join(', ') || 'no status'})`);
  }
  const exp = str('expirationTimestamp');
  if (exp) {
    const at = Date.parse(exp);
    if (!Number.isNaN(at)) cred.expiresAt = at;
  }
  return cred;
}

/** One user's exec plugin, with its in-memory credential. */
export class ExecCredentialSource {
  private cached: ExecCredential | undefined;
  private running: Promise<ExecCredential> | undefined;

  constructor(
    readonly exec: ExecConfig,
    private readonly ctx: ExecContext,
  ) {}

  /** The command as written in the kubeconfig, for messages. */
  get command(): string {
    return this.exec.command;
  }

  /** A valid credential: the cached one, or a fresh run of the plugin. */
  async get(): Promise<ExecCredential> {
    const c = this.cached;
    if (c && (c.expiresAt === undefined || c.expiresAt - EXPIRY_MARGIN_MS > Date.now())) return c;
    this.running ??= this.run().finally(() => (this.running = undefined));
    const fresh = await this.running;
    this.cached = fresh;
    return fresh;
  }

  /** Forgets the credential (the cluster refused it): the next request runs the plugin again. */
  invalidate(): void {
    this.cached = undefined;
  }

  private fail(message: string): AppError {
    return new AppError('EXEC_PLUGIN', `${this.ctx.cluster}: ${message}`, this.ctx.cluster);
  }

  private execInfo(): string {
    const apiVersion = this.exec.apiVersion ?? 'client.authentication.k8s.io/v1';
    const spec: Record<string, unknown> = { interactive: false };
    if (this.exec.provideClusterInfo) {
      spec.cluster = {
        server: this.ctx.server,
        ...(this.ctx.caData ? { 'certificate-authority-data': this.ctx.caData } : {}),
        ...(this.ctx.tlsServerName ? { 'tls-server-name': this.ctx.tlsServerName } : {}),
        ...(this.ctx.insecureSkipTlsVerify ? { 'insecure-skip-tls-verify': true } : {}),
      };
    }
    return JSON.stringify({ apiVersion, kind: 'ExecCredential', spec });
  }

  private async run(): Promise<ExecCredential> {
    const { command, args = [] } = this.exec;
    // A PATH in the plugin's own env wins (the registry puts the login shell's there); else ask the login shell.
    const ownPath = this.exec.env?.find((e) => e?.name === 'PATH')?.value;
    const search: SearchPath = ownPath ? { path: ownPath, source: "the plugin's env in the kubeconfig" } : await (this.ctx.path ?? defaultSearchPath)();
    const path = search.path;
    const binary = await findExecutable(command, path);
    if (!binary) {
      const hint = this.exec.installHint ? ` ${this.exec.installHint.trim()}` : '';
      const where = /[\\/]/.test(command) ? `at ${command}${!isAbsolute(command) ? ' (a relative path: make it absolute)' : ''}` : `on the PATH from ${search.source} (${path || 'empty'})`;
      throw this.fail(`the credential plugin "${command}" was not found ${where}. Install it, or add its folder to your login shell's PATH, then refresh.${hint}`);
    }
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const e of this.exec.env ?? []) if (e && typeof e.name === 'string') env[e.name] = String(e.value ?? '');
    env.PATH = path;
    env.KUBERNETES_EXEC_INFO = this.execInfo();
    const timeoutMs = this.ctx.timeoutMs ?? 60_000;
    // Arguments can carry a secret (`--token …`, `--client-secret=…`): masked like the plugin's output.
    const shown = [binary, ...args.map(maskSecrets)].join(' ');

    const { code, signal, stdout, stderr, timedOut, spawnError } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
      stdout: string;
      stderr: string;
      timedOut: boolean;
      spawnError?: NodeJS.ErrnoException;
    }>((resolve) => {
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      let spawnError: NodeJS.ErrnoException | undefined;
      const child = spawn(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (d: string) => (stdout.length < 4_000_000 ? (stdout += d) : undefined));
      child.stderr.on('data', (d: string) => (stderr.length < 100_000 ? (stderr += d) : undefined));
      child.on('error', (err) => (spawnError = err));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, timedOut, spawnError });
      });
    });

    if (spawnError) {
      throw this.fail(`the credential plugin ${binary} could not be started (${spawnError.code ?? spawnError.message}). PATH: ${path}`);
    }
    if (timedOut) {
      throw this.fail(`the credential plugin "${shown}" did not finish within ${seconds(timeoutMs)}. It may be waiting for an interactive sign-in, which Flotilla cannot show: run it once in a terminal, then refresh.${stderr.trim() ? ` It printed: ${tail(stderr)}` : ''}`);
    }
    if (code !== 0) {
      const how = code === null ? `was killed (${signal})` : `exited with code ${code}`;
      const said = stderr.trim() ? ` It printed: ${tail(stderr)}` : ' It printed nothing on stderr.';
      throw this.fail(`the credential plugin "${shown}" ${how}.${said} (PATH: ${path})`);
    }
    try {
      return parseExecCredential(stdout);
    } catch (err) {
      throw this.fail(`the credential plugin "${shown}" gave no usable credential: ${(err as Error).message}.`);
    }
  }
}
