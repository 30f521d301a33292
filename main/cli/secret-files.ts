/**
 * Files that hold a join token: written readable by their owner only (0600),
 * never over an existing file unless the user says --force, and read back
 * with the checks a token needs (small, one word, not a sealed handoff).
 */
import { lstat, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';
import { Failure } from './errors.js';

const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/** Refuses now, before a token is made, a path that `writeSecretFile` would refuse. */
export async function checkSecretTarget(path: string, force: boolean): Promise<void> {
  if (!force && (await exists(path))) throw new Failure(`${path} already exists; choose another file, or pass --force to replace it`);
  let dir;
  try {
    dir = await stat(dirname(path));
  } catch (err) {
    throw new Failure(`${path} cannot be written: ${describe(err, 'its folder does not exist')}`);
  }
  if (!dir.isDirectory()) throw new Failure(`${path} cannot be written: ${dirname(path)} is not a folder`);
}

/** Writes `content` to `path` with mode 0600: a new file (exclusive create), or with `force` an atomic replacement. */
export async function writeSecretFile(path: string, content: string, force: boolean): Promise<void> {
  try {
    if (force) {
      await writeFileAtomic(path, content, 0o600);
      return;
    }
    const fh = await open(path, 'wx', 0o600);
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Failure(`${path} already exists; choose another file, or pass --force to replace it`);
    throw new Failure(`${path} cannot be written: ${describe(err, 'its folder does not exist')}`);
  }
}

/** The token in a file written by `token create --out` or `handoff open` (or by hand): trimmed, one word. */
export async function readTokenFile(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new Failure(`${path} is a folder, not a token file`);
    if (!info.isFile()) throw new Failure(`${path} is not a regular file`);
    if (info.size > MAX_TOKEN_FILE_BYTES) throw new Failure(`${path} is ${info.size} bytes, far larger than a join token; give the file that holds the token alone`);
    bytes = await readFile(path);
  } catch (err) {
    if (err instanceof Failure) throw err;
    throw new Failure(`${path} cannot be read: ${describe(err, 'there is no such file')}`);
  }
  const head = bytes.subarray(0, 64).toString('latin1');
  if (head.startsWith('age-encryption.org/') || head.trimStart().startsWith('-----BEGIN AGE ENCRYPTED FILE-----')) {
    throw new Failure(`${path} is a sealed handoff file; open it first: flotilla handoff open ${path} --out TOKEN_FILE`);
  }
  const token = bytes.toString('utf8').trim();
  if (!token) throw new Failure(`${path} is empty; it holds no join token`);
  if (/\s/.test(token)) throw new Failure(`${path} holds more than one word, so it is not one join token; the file should hold the token alone`);
  return token;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new Failure(`${path} cannot be checked: ${describe(err, 'it does not exist')}`);
  }
}

function describe(err: unknown, enoent: string): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return enoent;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    case 'ENOTDIR':
      return 'a part of its path is a file, not a folder';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EROFS':
      return 'the disk is read-only';
    default:
      return e.message ?? String(err);
  }
}
