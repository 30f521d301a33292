/**
 * Reading the user's files, carefully: stat before reading (a 50 MB file or
 * a FIFO is refused without reading it), a size cap, and messages that name
 * the file and say what is wrong with it. Files are only ever opened for
 * reading: import never modifies the user's kubeconfigs.
 */
import { open, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The largest file Flotilla reads (kubeconfigs are kilobytes; fleets of thousands of contexts a few MB). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export type FileRead = { ok: true; bytes: Buffer } | { ok: false; reason: string };

/** `~` and `~/…` → the home folder, as a shell would; everything else unchanged. */
export function expandHome(path: string, home = homedir()): string {
  if (path === '~') return home;
  if (path.startsWith('~/') || path.startsWith('~\\')) return join(home, path.slice(2));
  return path;
}

/**
 * Reads a whole file of at most `maxBytes`, or says why not — in words that
 * complete "<path> …": "does not exist", "is a folder, not a file", "is 52.4
 * MB; …", "cannot be read (permission denied)".
 */
export async function readFileLimited(path: string, maxBytes = MAX_FILE_BYTES): Promise<FileRead> {
  if (!isAbsolute(path)) return { ok: false, reason: 'is not an absolute path (relative paths cannot be resolved here)' };
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    return { ok: false, reason: describeFsError(err) };
  }
  if (info.isDirectory()) return { ok: false, reason: 'is a folder, not a file' };
  if (!info.isFile()) return { ok: false, reason: 'is not a regular file (a device, socket or pipe)' };
  if (info.size > maxBytes) return { ok: false, reason: `is ${formatBytes(info.size)}, larger than the ${formatBytes(maxBytes)} Flotilla reads; a kubeconfig is usually a few kilobytes` };
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    return { ok: false, reason: describeFsError(err) };
  }
  try {
    // Read at most maxBytes + 1: the file may have grown since stat.
    const buf = Buffer.alloc(Math.min(maxBytes + 1, Math.max(info.size + 1, 1)));
    let total = 0;
    for (;;) {
      if (total === buf.length) break;
      const { bytesRead } = await fh.read(buf, total, buf.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    if (total > maxBytes) return { ok: false, reason: `grew beyond ${formatBytes(maxBytes)} while it was read` };
    if (total === buf.length && total > info.size) return { ok: false, reason: 'changed while it was read; try again' };
    return { ok: true, bytes: buf.subarray(0, total) };
  } catch (err) {
    return { ok: false, reason: describeFsError(err) };
  } finally {
    await fh.close();
  }
}

/** An fs error as the end of a sentence that starts with the file's path. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied); check its permissions';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'does not exist (a part of its path is a file, not a folder)';
    case 'ELOOP':
      return 'cannot be read (too many symbolic links)';
    case 'EIO':
      return 'cannot be read (input/output error; the disk or network share may be failing)';
    default:
      return `cannot be read (${e.message ?? String(err)})`;
  }
}

/** 52428800 → "50.0 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
