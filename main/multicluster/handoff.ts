/**
 * The handoff file: a join token sealed with a passphrase, carried across
 * the air gap (USB stick) from the primary's administrator to a
 * secondary's. It is a standard age file (scrypt recipient), so the other
 * side can open it with the `age` CLI if it has no Flotilla, and a file made
 * with `echo TOKEN | age -p` opens in Flotilla.
 *
 * Inside: JSON naming the primary, the token's fingerprint (read aloud to
 * confirm) and an expiry, so a stale file is refused rather than tried.
 *
 * What each bad input gives (the UI shows the message; the code says whether
 * retyping can help):
 *   short passphrase, expiry in the past, empty token → INVALID_ARGS
 *   not an age file, damaged or tampered, not a Flotilla handoff,
 *     fingerprint not matching the token                → FILE_UNREADABLE
 *   wrong passphrase, expired                          → INVALID_ARGS
 *   sealed for an age key rather than a passphrase,
 *     made by a newer Flotilla, scrypt work factor > 20 → UNSUPPORTED
 *   existing file (without overwrite)                  → CONFLICT
 */
import { lstat, open, stat } from 'node:fs/promises';
import { Decrypter, Encrypter, armor } from 'age-encryption';
import { NativeScryptIdentity, NativeScryptRecipient } from './age-scrypt.js';
import { z } from 'zod';
import { AppError } from '../../shared/contract/errors.js';
import { writeFileAtomic } from '../state/atomic-file.js';
import { tokenFingerprint } from './fingerprint.js';

/** A handoff file is a few hundred bytes; anything this large is not one. */
export const MAX_HANDOFF_BYTES = 1024 * 1024;
export const MIN_PASSPHRASE_CHARS = 8;
const MAX_TOKEN_CHARS = 64 * 1024;

/**
 * age's own default (what `age -p` uses): a file that crosses an air gap may
 * be copied and attacked offline, so no lower. scrypt runs natively and off
 * the main thread (age-scrypt.ts), so the window never freezes for it.
 */
const SCRYPT_WORK_FACTOR = 18;

const AGE_MAGIC = 'age-encryption.org/v1\n';
const ARMOR_BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----';

export interface SealOptions {
  token: string;
  /** The primary cluster's display name, shown to the person who opens the file. */
  primaryName: string;
  passphrase: string;
  expiresAt: Date;
  now?: Date;
}

export interface OpenedHandoff {
  /** Trimmed of surrounding whitespace. */
  token: string;
  fingerprint: string;
  /** Undefined for a bare token sealed with `age -p`. */
  primaryName?: string;
  createdAt?: Date;
  /** Undefined for a bare token sealed with `age -p` (it has no expiry). */
  expiresAt?: Date;
}

const Payload = z.object({
  flotilla: z.literal('join-token'),
  v: z.literal(1),
  token: z.string().min(1),
  fingerprint: z.string(),
  primary: z.string().min(1),
  createdAt: z.string().refine(isIsoTime),
  expiresAt: z.string().refine(isIsoTime),
});

/**
 * Seals `token` into an age file that `age -d` opens with `passphrase`.
 *
 * Binary age format, exactly what `age -p` writes: the file travels as a file
 * (USB stick), where bytes arrive intact, and the binary form leaves nothing
 * for an editor or mail client to re-wrap. `openHandoff` also accepts the
 * ASCII-armored form (`age -a`), as does the age CLI.
 */
export async function sealHandoff(opts: SealOptions): Promise<Uint8Array> {
  const now = opts.now ?? new Date();
  const token = opts.token.trim();
  const primaryName = opts.primaryName.trim();
  if (!token) throw new AppError('INVALID_ARGS', 'There is no join token to seal: create a token on the primary first.');
  if (token.length > MAX_TOKEN_CHARS) throw new AppError('INVALID_ARGS', `The join token is ${token.length} characters, longer than a Kasten join token can be; check what was pasted.`);
  if (!primaryName) throw new AppError('INVALID_ARGS', 'Name the primary cluster the token comes from.');
  checkPassphrase(opts.passphrase);
  if (Number.isNaN(opts.expiresAt.getTime())) throw new AppError('INVALID_ARGS', 'The expiry is not a valid date: choose when the handoff file should stop working.');
  if (opts.expiresAt.getTime() <= now.getTime()) {
    throw new AppError('INVALID_ARGS', `The expiry ${formatTime(opts.expiresAt)} is already past: choose a time in the future.`);
  }
  const payload = {
    flotilla: 'join-token',
    v: 1,
    token,
    fingerprint: tokenFingerprint(token),
    primary: primaryName,
    createdAt: now.toISOString(),
    expiresAt: opts.expiresAt.toISOString(),
  };
  const e = new Encrypter();
  e.addRecipient(new NativeScryptRecipient(opts.passphrase, SCRYPT_WORK_FACTOR));
  // The trailing newline keeps a shell prompt off the JSON when `age -d` prints it.
  return e.encrypt(`${JSON.stringify(payload)}\n`);
}

/**
 * Opens a handoff file: a Flotilla handoff, or a bare token sealed with
 * `age -p` (then it has no primary name and no expiry). Throws an AppError
 * that says what is wrong and what to do.
 */
export async function openHandoff(bytes: Uint8Array, passphrase: string, now: Date = new Date()): Promise<OpenedHandoff> {
  if (bytes.length > MAX_HANDOFF_BYTES) throw notAHandoff(`it is ${bytes.length} bytes, far larger than a handoff file`);
  if (!passphrase) throw new AppError('INVALID_ARGS', 'Type the passphrase the handoff file was sealed with.');
  const file = dearmor(bytes);
  const decrypter = new Decrypter();
  decrypter.addIdentity(new NativeScryptIdentity(passphrase));
  let plain: string;
  try {
    plain = await decrypter.decrypt(file, 'text');
  } catch (err) {
    throw ageError(err);
  }
  const opened = parsePayload(plain);
  if (opened.fingerprint !== tokenFingerprint(opened.token)) {
    throw new AppError('FILE_UNREADABLE', 'The handoff file was tampered with: the token inside does not match its fingerprint. Do not use it; ask for a new one.');
  }
  if (opened.expiresAt && opened.expiresAt.getTime() <= now.getTime()) {
    const from = opened.primaryName ? `the administrator of ${opened.primaryName}` : 'the administrator of the primary';
    throw new AppError('INVALID_ARGS', `This handoff file expired at ${formatTime(opened.expiresAt)}; ask ${from} for a new one.`);
  }
  return opened;
}

/** Writes a sealed handoff file readable by its owner only; an existing file is kept unless `overwrite`. */
export async function writeHandoffFile(path: string, bytes: Uint8Array, opts: { overwrite?: boolean } = {}): Promise<void> {
  if (!opts.overwrite) {
    // Checked before the atomic write (which renames over anything): a file appearing in between is replaced.
    let exists = true;
    try {
      await lstat(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(path, err, 'written');
      exists = false;
    }
    if (exists) throw new AppError('CONFLICT', `${path} already exists; choose another file name, or confirm replacing it.`);
  }
  try {
    await writeFileAtomic(path, bytes, 0o600);
  } catch (err) {
    throw fileError(path, err, 'written');
  }
}

/** Reads a handoff file, refusing anything that cannot be one (a folder, a device, more than 1 MiB). */
export async function readHandoffFile(path: string): Promise<Uint8Array> {
  const unreadable = (reason: string) => new AppError('FILE_UNREADABLE', `${path} ${reason}.`);
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw fileError(path, err, 'read');
  }
  // Checked before opening: opening a FIFO would block until something writes to it.
  if (info.isDirectory()) throw unreadable('is a folder, not a handoff file');
  if (!info.isFile()) throw unreadable('is not a regular file (a device, socket or pipe)');
  if (info.size > MAX_HANDOFF_BYTES) throw unreadable(`is ${formatSize(info.size)}; a handoff file is a few hundred bytes, so this is not one`);
  if (info.size === 0) throw unreadable('is empty; it may not have been copied completely');
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw fileError(path, err, 'read');
  }
  try {
    // Read one byte more than the cap: the file may have grown since stat.
    const buf = Buffer.alloc(MAX_HANDOFF_BYTES + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, total, buf.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total === buf.length) throw unreadable(`grew beyond ${formatSize(MAX_HANDOFF_BYTES)} while it was read`);
    }
    return new Uint8Array(buf.subarray(0, total));
  } catch (err) {
    throw err instanceof AppError ? err : fileError(path, err, 'read');
  } finally {
    await fh.close();
  }
}

function checkPassphrase(passphrase: string): void {
  if ([...passphrase].length < MIN_PASSPHRASE_CHARS) {
    throw new AppError('INVALID_ARGS', `Choose a passphrase of at least ${MIN_PASSPHRASE_CHARS} characters (four or five random words are better): the file may be copied and attacked offline.`);
  }
  // age reads the passphrase as one line typed at a terminal.
  if (/[\u0000-\u001f\u007f]/.test(passphrase)) {
    throw new AppError('INVALID_ARGS', 'The passphrase contains a line break or another control character, which cannot be typed into age on the other side; choose another.');
  }
}

/** The binary age file in `bytes`, which may be ASCII-armored (`age -a`). */
function dearmor(bytes: Uint8Array): Uint8Array {
  const start = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
  if (start.trimStart().startsWith(ARMOR_BEGIN)) {
    try {
      return armor.decode(Buffer.from(bytes).toString('latin1'));
    } catch {
      throw new AppError('FILE_UNREADABLE', 'The handoff file is an armored age file whose text was damaged (lines re-wrapped or characters changed on the way); ask for a new one, or copy it again as a file.');
    }
  }
  if (!start.startsWith(AGE_MAGIC)) {
    if (start.startsWith('age-encryption.org/')) throw new AppError('UNSUPPORTED', 'The handoff file uses a newer age format than Flotilla reads; update Flotilla, or have it sealed again with `age -p`.');
    throw notAHandoff('it is not an age-encrypted file (those start with "age-encryption.org/v1")');
  }
  const types = recipientTypes(bytes);
  if (types.length > 0 && !types.includes('scrypt')) {
    throw new AppError('UNSUPPORTED', `The handoff file was encrypted for an age key (${types.join(', ')}), not with a passphrase: open it with \`age -d -i KEYFILE\` and paste the token, or have it sealed again with \`age -p\`.`);
  }
  return bytes;
}

/** The recipient types named in an age header (`-> scrypt …`, `-> X25519 …`). */
function recipientTypes(file: Uint8Array): string[] {
  const head = Buffer.from(file.subarray(0, 64 * 1024)).toString('latin1');
  const end = head.indexOf('\n--- ');
  return (end < 0 ? head : head.slice(0, end))
    .split('\n')
    .filter((l) => l.startsWith('-> '))
    .map((l) => l.split(' ')[1] ?? '');
}

/**
 * The library throws plain Errors; their messages (age-encryption 0.3.1,
 * dist/index.js, format.js, stream.js, io.js) tell the cases apart:
 * - a wrong passphrase unwraps no file key: "no identity matched …". A
 *   damaged scrypt stanza looks the same; age cannot tell them apart.
 * - the passphrase was right but a payload chunk fails ChaCha20-Poly1305
 *   authentication ("invalid tag", from @noble/ciphers), or the header's MAC
 *   does not match, or the payload is cut short: damaged or tampered.
 * - the header does not parse: damaged.
 */
function ageError(err: unknown): AppError {
  const message = err instanceof Error ? err.message : String(err);
  if (message === "no identity matched any of the file's recipients") {
    return new AppError('INVALID_ARGS', 'The passphrase is wrong (or the start of the file is damaged). Check the passphrase with the person who sealed the file and type it again.');
  }
  if (message === 'invalid tag' || message === 'invalid header HMAC' || message === 'final chunk is empty' || message.startsWith('stream ended before') || message.startsWith('ciphertext')) {
    return new AppError('FILE_UNREADABLE', 'The handoff file was damaged or tampered with after it was sealed: the passphrase is right, but its content fails age\'s authentication check. Do not use it; ask for a new one.');
  }
  if (message === 'scrypt work factor is too high') {
    return new AppError('UNSUPPORTED', 'The handoff file was sealed with a scrypt work factor above 20, which would take minutes to open; have it sealed again with age\'s default (`age -p`).');
  }
  if (message.startsWith('invalid') || message.startsWith('scrypt recipient')) {
    return new AppError('FILE_UNREADABLE', `The handoff file's age header is damaged (${message}); ask for a new one, or copy it again.`);
  }
  return new AppError('INTERNAL', `age could not open the handoff file: ${message}.`);
}

function parsePayload(plain: string): OpenedHandoff {
  const text = plain.trim();
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw notAHandoff('it opens, but holds JSON that is not a Flotilla join token');
    }
    const j = json as { flotilla?: unknown; v?: unknown };
    if (j.flotilla === 'join-token' && typeof j.v === 'number' && j.v > 1) {
      throw new AppError('UNSUPPORTED', `The handoff file was made by a newer Flotilla (format ${j.v}); update Flotilla on this workstation.`);
    }
    const parsed = Payload.safeParse(json);
    if (!parsed.success) throw notAHandoff('it opens, but holds JSON that is not a Flotilla join token');
    const p = parsed.data;
    return { token: p.token.trim(), fingerprint: p.fingerprint, primaryName: p.primary, createdAt: new Date(p.createdAt), expiresAt: new Date(p.expiresAt) };
  }
  // A bare token, as `echo TOKEN | age -p` seals it: one word of printable ASCII.
  if (/^[\x21-\x7e]{16,65536}$/.test(text)) return { token: text, fingerprint: tokenFingerprint(text) };
  throw notAHandoff('it opens, but holds neither a Flotilla handoff nor a bare join token');
}

function notAHandoff(why: string): AppError {
  return new AppError('FILE_UNREADABLE', `This is not a Flotilla handoff file: ${why}. Ask for the file Flotilla saved on the primary (or a token sealed with \`age -p\`).`);
}

function fileError(path: string, err: unknown, verb: 'read' | 'written'): AppError {
  const e = err as NodeJS.ErrnoException;
  const reason = (() => {
    switch (e.code) {
      case 'ENOENT':
        return verb === 'read' ? 'does not exist' : 'cannot be written: its folder does not exist';
      case 'ENOTDIR':
        return 'does not exist (a part of its path is a file, not a folder)';
      case 'EACCES':
      case 'EPERM':
        return `cannot be ${verb} (permission denied); check the permissions of the file and its folder`;
      case 'EISDIR':
      case 'ENOTEMPTY':
        return 'is a folder, not a file';
      case 'ENOSPC':
        return 'cannot be written: the disk is full';
      case 'EROFS':
        return 'cannot be written: the disk is read-only (a USB stick with its lock switch on?)';
      case 'EIO':
        return `cannot be ${verb} (input/output error; the disk may be failing or was removed)`;
      default:
        return `cannot be ${verb} (${e.message ?? String(err)})`;
    }
  })();
  return new AppError('FILE_UNREADABLE', `${path} ${reason}.`);
}

function isIsoTime(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s));
}

/** 2024-05-01T14:00:00.000Z → "2024-05-01 14:00 UTC": unambiguous on both sides of the air gap. */
function formatTime(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function formatSize(n: number): string {
  return n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
