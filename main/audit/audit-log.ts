/**
 * The local audit log of administrative actions (promote, token create,
 * join, grant, …): append-only JSON lines in `<userData>/audit/audit.jsonl`,
 * the folder 0700 and the file 0600.
 *
 * No secret may be written (ARCHITECTURE.md, "Secrets stay where they
 * belong"). Callers must not pass secrets in the first place: a token is
 * described by its name, never its value. As a second line of defence every
 * string field goes through `redactSecrets`, and the values a caller knows to
 * be secret (`secrets`, e.g. the token it just handled) are masked wherever
 * they appear.
 *
 * Nothing is lost: appends run one at a time, each a single O_APPEND write
 * of one line, fsynced. A line a crash left half-written is skipped and
 * counted when reading — never fatal, and the file is never rewritten.
 */
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { AppError } from '../../shared/contract/errors.js';
import { AUDIT_ACTION_NAMES } from '../../shared/contract/multicluster.js';
import { redactSecrets } from '../log.js';
import { writeFileAtomic } from '../state/atomic-file.js';

/** Every action the log records: declared once, in the contract, which also lets the renderer filter by them. */
export const AUDIT_ACTIONS = AUDIT_ACTION_NAMES;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['succeeded', 'failed', 'started'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** What a service records. Only names and messages — never a secret value. */
export interface AuditInput {
  action: AuditAction;
  outcome: AuditOutcome;
  /** The cluster's display name. */
  cluster?: string;
  /** Who did it, as the cluster knows them (e.g. the kubeconfig user). */
  identity?: string;
  /** What it was done to: a token's name, a secondary's name, a label. */
  target?: string;
  detail?: string;
  error?: string;
  /** Values known to be secret, masked wherever they appear. A safety net, not a licence to pass secrets. */
  secrets?: string[];
}

/** One line of the log. */
export interface AuditEntry {
  id: string;
  /** ISO 8601, UTC. */
  time: string;
  action: AuditAction;
  outcome: AuditOutcome;
  cluster?: string;
  identity?: string;
  target?: string;
  detail?: string;
  error?: string;
}

export interface AuditFilter {
  cluster?: string;
  action?: AuditAction;
}

export interface AuditList {
  /** Newest first. */
  entries: AuditEntry[];
  /** Lines that could not be read (e.g. half-written by a crash). */
  skipped: number;
}

export const AUDIT_DIR = 'audit';
export const AUDIT_FILE = 'audit.jsonl';
export const DEFAULT_LIST_LIMIT = 500;
/** Longer fields are cut: an error quoting a whole response body is noise, not audit. */
const MAX_FIELD_CHARS = 2_000;
const TEXT_FIELDS = ['cluster', 'identity', 'target', 'detail', 'error'] as const;
const REDACTED = '[redacted]';

const ACTIONS: ReadonlySet<string> = new Set(AUDIT_ACTIONS);
const OUTCOMES: ReadonlySet<string> = new Set(AUDIT_OUTCOMES);

export class AuditLog {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    /** The log file's full path. */
    readonly path: string,
  ) {}

  /** Opens (or starts) the log under the user-data folder `userDataDir`. */
  static async open(userDataDir: string): Promise<AuditLog> {
    const dir = join(userDataDir, AUDIT_DIR);
    const path = join(dir, AUDIT_FILE);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      if (process.platform !== 'win32') {
        // mkdir's mode applies only when it creates the folder; tighten one made by hand or by an older build.
        await chmod(dir, 0o700);
        await chmod(path, 0o600).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'ENOENT') throw err;
        });
      }
    } catch (err) {
      throw new AppError('INTERNAL', `Could not prepare the audit log folder ${dir}: ${(err as Error).message}. Fix the folder's permissions and start Flotilla again.`);
    }
    return new AuditLog(path);
  }

  /**
   * Records one action, stamped with `time` and `id`, and returns what was
   * written. Appends are written in call order; a failed write rejects and
   * does not hold up later ones.
   */
  append(input: AuditInput): Promise<AuditEntry> {
    if (!ACTIONS.has(input.action) || !OUTCOMES.has(input.outcome)) {
      return Promise.reject(new AppError('INTERNAL', `Refused an audit entry with action "${String(input.action)}" and outcome "${String(input.outcome)}": not known to this log.`));
    }
    const entry: AuditEntry = { id: randomUUID(), time: new Date().toISOString(), action: input.action, outcome: input.outcome };
    for (const field of TEXT_FIELDS) {
      const value = input[field];
      if (value !== undefined) entry[field] = clean(String(value), input.secrets ?? []);
    }
    const line = JSON.stringify(entry) + '\n';
    return this.enqueue(async () => {
      try {
        await appendLine(this.path, line);
      } catch (err) {
        throw new AppError('INTERNAL', `Could not write to the audit log ${this.path}: ${(err as Error).message}. Free some disk space or fix the folder's permissions.`);
      }
      return entry;
    });
  }

  /** The newest `limit` (default 500) entries matching the filter, newest first. */
  async list({ cluster, action, limit = DEFAULT_LIST_LIMIT }: AuditFilter & { limit?: number } = {}): Promise<AuditList> {
    if (!Number.isInteger(limit) || limit < 1) throw new AppError('INVALID_ARGS', `The audit list limit must be a positive whole number (got ${limit}).`);
    // Keep only the newest `limit` while streaming, so a large log never sits in memory whole.
    const kept: AuditEntry[] = [];
    const skipped = await this.scan({ cluster, action }, (entry) => {
      kept.push(entry);
      if (kept.length > limit) kept.shift();
    });
    return { entries: kept.reverse(), skipped };
  }

  /**
   * Writes the entries matching the filter to `path` as JSON lines, oldest
   * first like the log itself (0600, atomically), and returns how many.
   * Unreadable lines are left out.
   */
  async export(path: string, filter: AuditFilter = {}): Promise<number> {
    const lines: string[] = [];
    await this.scan(filter, (entry) => void lines.push(JSON.stringify(entry) + '\n'));
    try {
      await writeFileAtomic(path, lines.join(''), 0o600);
    } catch (err) {
      throw new AppError('INTERNAL', `Could not export the audit log to ${path}: ${(err as Error).message}.`);
    }
    return lines.length;
  }

  /** Streams the file oldest first, calling `visit` for each readable matching entry; returns the unreadable-line count. */
  private async scan(filter: AuditFilter, visit: (entry: AuditEntry) => void): Promise<number> {
    await this.queue; // see every append already asked for
    let fh: FileHandle;
    try {
      fh = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0; // nothing recorded yet
      throw new AppError('INTERNAL', `Could not read the audit log ${this.path}: ${(err as Error).message}.`);
    }
    const lines = createInterface({ input: fh.createReadStream({ encoding: 'utf8', autoClose: false }), crlfDelay: Infinity });
    let skipped = 0;
    try {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        const entry = parseEntry(line);
        if (!entry) {
          skipped++;
          continue;
        }
        if (filter.cluster !== undefined && entry.cluster !== filter.cluster) continue;
        if (filter.action !== undefined && entry.action !== filter.action) continue;
        visit(entry);
      }
    } catch (err) {
      throw new AppError('INTERNAL', `Could not read the audit log ${this.path}: ${(err as Error).message}.`);
    } finally {
      lines.close();
      await fh.close();
    }
    return skipped;
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** Masks the caller's known secrets, then anything that looks like one, then caps the length. */
function clean(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join(REDACTED);
  }
  out = redactSecrets(out);
  return out.length > MAX_FIELD_CHARS ? `${out.slice(0, MAX_FIELD_CHARS)}…` : out;
}

/**
 * Appends one line with a single O_APPEND write and fsyncs it. If the file
 * does not end in a newline (a crash cut the last line short), a newline goes
 * first, so the broken line stays alone and is skipped rather than taking
 * this one down with it.
 */
async function appendLine(path: string, line: string): Promise<void> {
  const fh = await open(path, 'a+', 0o600);
  try {
    const { size } = await fh.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await fh.appendFile(prefix + line, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function parseEntry(line: string): AuditEntry | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const o = json as Record<string, unknown>;
  if (typeof o.id !== 'string' || typeof o.time !== 'string') return undefined;
  if (typeof o.action !== 'string' || !ACTIONS.has(o.action)) return undefined;
  if (typeof o.outcome !== 'string' || !OUTCOMES.has(o.outcome)) return undefined;
  const entry: AuditEntry = { id: o.id, time: o.time, action: o.action as AuditAction, outcome: o.outcome as AuditOutcome };
  for (const field of TEXT_FIELDS) {
    const value = o[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') return undefined;
    entry[field] = value;
  }
  return entry;
}
