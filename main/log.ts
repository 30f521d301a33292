/**
 * The main process's log: one line per entry, to stderr and (in the app) to
 * `<userData>/logs/main.log`.
 *
 * Nothing secret may reach a log (ARCHITECTURE.md, "Secrets stay where they
 * belong"). Code is written not to log secrets in the first place; every
 * line also goes through `redactSecrets`, so an error message that happens
 * to quote a token, a PEM block or an Authorization header is masked before
 * it is written. Redaction is the second line of defence, not the first.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Plain values only: fields are serialised with JSON.stringify. */
export type LogFields = Record<string, string | number | boolean | null | undefined | string[]>;

/** What services receive as `log`. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface LoggerOptions {
  /** Append lines to this file (created with mode 0600, its folder 0700). */
  file?: string;
  /** Also write to stderr (default true). */
  stderr?: boolean;
  /** Lowest level written (default 'info'). */
  level?: LogLevel;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** Creates a logger; every line is passed through `redactSecrets`. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const min = ORDER[opts.level ?? 'info'];
  const toStderr = opts.stderr ?? true;
  let file = opts.file;
  if (file) {
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    } catch (err) {
      process.stderr.write(`flotilla: cannot create the log folder for ${file} (${(err as Error).message}); logging to stderr only\n`);
      file = undefined;
    }
  }

  function write(level: LogLevel, message: string, fields?: LogFields): void {
    if (ORDER[level] < min) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
    const line = redactSecrets(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${message}${extra}`) + '\n';
    if (toStderr) process.stderr.write(line);
    if (file) {
      try {
        appendFileSync(file, line, { mode: 0o600 });
      } catch {
        // A full disk must not take the app down; stderr still has the line.
      }
    }
  }

  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const REDACTED = '[redacted]';

const RULES: Array<[RegExp, string | ((match: string, ...groups: string[]) => string)]> = [
  // Certificates and private keys, whole blocks.
  [/-----BEGIN [A-Z0-9 ]+-----[\s\S]*?(-----END [A-Z0-9 ]+-----|$)/g, `[redacted PEM]`],
  // Authorization headers and similar: "Bearer abc", "Basic dXNlcjpwYXNz".
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g, (_m, scheme: string) => `${scheme} ${REDACTED}`],
  // JSON Web Tokens (service-account tokens, OIDC id-tokens).
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // key: value / key=value / "key":"value" for names that hold secrets in kubeconfigs and HTTP.
  [
    /(["']?)\b(token|id-token|refresh-token|access-token|password|passwd|secret|client-key-data|client-key|client-certificate-data|authorization|api-?key)\1(\s*[:=]\s*)(["']?)[^\s"',;}]+\4/gi,
    (_m, q: string, key: string, sep: string, vq: string) => `${q}${key}${q}${sep}${vq}${REDACTED}${vq}`,
  ],
];

/** A run of token characters long and random-looking enough to be a credential (base64/base64url). */
const TOKEN_RUN = /[A-Za-z0-9_+=-]{32,}/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function looksRandom(run: string): boolean {
  if (UUID.test(run) || /^[0-9a-f-]+$/i.test(run)) return false; // ids and hashes are not secrets
  // Timestamps and names joined by '-' or '_' (`corrupt-2026-12-03T10-59-36-393Z`, a file's name) are
  // short pieces; in a random base64url run the separators are rare and the pieces long.
  const pieces = run.split(/[-_]/);
  if (pieces.length >= 3 && pieces.every((p) => p.length <= 10)) return false;
  return /[a-z]/.test(run) && /[A-Z]/.test(run) && /[0-9]/.test(run);
}

/**
 * Masks what looks like a credential in free text: PEM blocks, bearer and
 * basic credentials, JWTs, `token: …`-style pairs, and long random-looking
 * base64 runs. Ids (UUIDs, hex hashes), paths and prose pass unchanged.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [re, replacement] of RULES) {
    out = typeof replacement === 'string' ? out.replace(re, replacement) : out.replace(re, replacement as (m: string, ...g: string[]) => string);
  }
  return out.replace(TOKEN_RUN, (run) => (looksRandom(run) ? REDACTED : run));
}
