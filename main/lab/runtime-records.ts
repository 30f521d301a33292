/**
 * Where a running `npm run lab` can be found by another terminal: each lab
 * process writes a small record (its pid, admin endpoint and token, and
 * kubeconfig) into a per-user runtime folder when it is up, and removes it
 * when it stops. `npm run lab -- fault …` reads them, so that a person does
 * not have to repeat the `--kubeconfig` the lab was started with.
 *
 * The folder is $XDG_RUNTIME_DIR/flotilla-lab (per user, cleared at logout),
 * or <tmp>/flotilla-lab-<uid>/run where there is none; it is 0700 and each
 * record 0600, since a record holds the admin token. A record whose process
 * is gone (killed, crashed) is stale: it is ignored and removed, and so is one
 * whose pid another process has since been given (where the kernel tells a
 * process's start time, as Linux's /proc does). A folder
 * that is not this user's alone (a shared /tmp where someone else made it
 * first) is neither written nor read.
 */
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';

export interface LabRecord {
  pid: number;
  /** The admin endpoint (see admin.ts) and its bearer token. */
  url: string;
  token: string;
  kubeconfig: string;
  clusters: number;
  /** ISO time the fleet came up. */
  startedAt: string;
  /** When the kernel started the process (see processStart); written by writeLabRecord. */
  processStart?: string;
}

/** The per-user folder of lab records, from the environment given (the process's by default). */
export function labRuntimeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'flotilla-lab');
  return join(tmpdir(), `flotilla-lab-${process.getuid?.() ?? 'user'}`, 'run');
}

const recordPath = (dir: string, pid: number) => join(dir, `${pid}.json`);

/** Writes this process's record; returns a function that removes it (safe to call twice). */
export async function writeLabRecord(record: LabRecord, dir = labRuntimeDir()): Promise<() => void> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const problem = notPrivate(dir);
  if (problem) throw new Error(problem);
  const path = recordPath(dir, record.pid);
  const start = processStart(record.pid);
  await writeFileAtomic(path, JSON.stringify(start !== undefined ? { ...record, processStart: start } : record));
  return () => rmSync(path, { force: true });
}

/**
 * The records of labs that are running now, oldest first. Records of
 * processes that no longer exist are removed; unreadable files are skipped.
 */
export function runningLabs(dir = labRuntimeDir()): LabRecord[] {
  let names: string[];
  try {
    if (notPrivate(dir)) return [];
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const live: LabRecord[] = [];
  for (const name of names) {
    if (!/^\d+\.json$/.test(name)) continue; // the atomic writer's temporary files, among others
    let record: LabRecord;
    try {
      record = JSON.parse(readFileSync(join(dir, name), 'utf8')) as LabRecord;
    } catch {
      continue;
    }
    if (typeof record?.pid !== 'number' || typeof record.url !== 'string' || typeof record.token !== 'string') continue;
    if (processExists(record.pid) && !pidReused(record)) live.push(record);
    else rmSync(join(dir, name), { force: true });
  }
  return live.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** Why `dir` is not a private folder of this user (a symlink, someone else's, open to others), or undefined if it is. */
function notPrivate(dir: string): string | undefined {
  const st = lstatSync(dir);
  if (!st.isDirectory()) return `${dir} is not a folder`;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return `${dir} belongs to another user`;
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) return `${dir} is open to other users (mode ${(st.mode & 0o777).toString(8)})`;
  return undefined;
}

/**
 * When the kernel started process `pid`, in its own units (Linux: field 22 of
 * /proc/<pid>/stat, clock ticks since boot); undefined where it cannot tell.
 */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may hold spaces, start with field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The record's pid now belongs to another process than the lab that wrote it. */
function pidReused(record: LabRecord): boolean {
  if (record.processStart === undefined) return false;
  const now = processStart(record.pid);
  return now !== undefined && now !== record.processStart;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
