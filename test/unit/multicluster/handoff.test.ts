/**
 * The handoff file as the two administrators meet it: sealed on the primary,
 * opened on the secondary with the passphrase said over the phone; every
 * way it can go wrong gives a message that says what happened and what to do.
 * Real age encryption throughout (each seal or open runs scrypt for about a
 * second, so one sealed file is shared by the tests that only read it).
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Encrypter, armor, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/errors.js';
import { tokenFingerprint } from '../../../main/multicluster/fingerprint.js';
import { openHandoff, readHandoffFile, sealHandoff, writeHandoffFile } from '../../../main/multicluster/handoff.js';

const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6Imthc3Rlbi1tYyJ9.' + 'a1B2c3D4e5F6g7H8i9J0k_L-m'.repeat(6);
const PASSPHRASE = 'lantern orbit pepper meadow';
const NOW = new Date('2030-03-01T09:00:00.000Z');
const EXPIRES = new Date('2030-03-02T09:00:00.000Z');

let sealed: Uint8Array;
let dir: string;
beforeAll(async () => {
  sealed = await sealHandoff({ token: `${TOKEN}\n`, primaryName: 'prod-primary', passphrase: PASSPHRASE, expiresAt: EXPIRES, now: NOW });
  dir = await mkdtemp(join(tmpdir(), 'flotilla-handoff-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The AppError `promise` rejects with (fails the test if it resolves or throws something else). */
async function failure(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

/** An age file sealed with the library directly, as another tool would (a low work factor: these are fixtures). */
async function foreignFile(content: string): Promise<Uint8Array> {
  const e = new Encrypter();
  e.setPassphrase(PASSPHRASE);
  e.setScryptWorkFactor(10);
  return e.encrypt(content);
}

describe('sealing and opening a handoff file', () => {
  it('opens with the passphrase and gives the token, its fingerprint, the primary and the times', async () => {
    const opened = await openHandoff(sealed, PASSPHRASE, NOW);
    expect(opened).toEqual({ token: TOKEN, fingerprint: tokenFingerprint(TOKEN), primaryName: 'prod-primary', createdAt: NOW, expiresAt: EXPIRES });
  });

  it('is a binary age file with a passphrase (scrypt) recipient at age\'s default work factor, with no token in the clear', () => {
    const text = Buffer.from(sealed).toString('latin1');
    expect(text.startsWith('age-encryption.org/v1\n-> scrypt ')).toBe(true);
    expect(text.split('\n')[1]).toMatch(/^-> scrypt \S{22} 18$/);
    expect(text).not.toContain(TOKEN.slice(0, 20));
    expect(text).not.toContain('prod-primary');
  });

  it('also opens when the file was ASCII-armored on the way (age -a)', async () => {
    const armored = new TextEncoder().encode(armor.encode(sealed));
    expect((await openHandoff(armored, PASSPHRASE, NOW)).token).toBe(TOKEN);
  });

  it('refuses a passphrase shorter than 8 characters, saying what to choose', async () => {
    for (const passphrase of ['', 'short', 'seven77']) {
      const err = await failure(sealHandoff({ token: TOKEN, primaryName: 'prod', passphrase, expiresAt: EXPIRES, now: NOW }));
      expect(err.code).toBe('INVALID_ARGS');
      expect(err.message).toMatch(/at least 8 characters/);
    }
  });

  it('refuses a passphrase with a line break, which could not be typed into age on the other side', async () => {
    const err = await failure(sealHandoff({ token: TOKEN, primaryName: 'prod', passphrase: 'two lines\nof passphrase', expiresAt: EXPIRES, now: NOW }));
    expect(err.code).toBe('INVALID_ARGS');
    expect(err.message).toMatch(/line break/);
  });

  it('refuses an expiry that is already past, saying to choose a time in the future', async () => {
    const err = await failure(sealHandoff({ token: TOKEN, primaryName: 'prod', passphrase: PASSPHRASE, expiresAt: new Date('2030-03-01T08:00:00Z'), now: NOW }));
    expect(err.code).toBe('INVALID_ARGS');
    expect(err.message).toBe('The expiry 2030-03-01 08:00 UTC is already past: choose a time in the future.');
  });

  it('refuses an empty token', async () => {
    const err = await failure(sealHandoff({ token: ' \n', primaryName: 'prod', passphrase: PASSPHRASE, expiresAt: EXPIRES, now: NOW }));
    expect(err.code).toBe('INVALID_ARGS');
    expect(err.message).toMatch(/no join token/);
  });
});

describe('opening a handoff file that cannot be used', () => {
  it('says the passphrase is wrong, and to check it with the person who sealed the file', async () => {
    const err = await failure(openHandoff(sealed, 'lantern orbit pepper meadoW', NOW));
    expect(err.code).toBe('INVALID_ARGS');
    expect(err.message).toMatch(/^The passphrase is wrong/);
  });

  it('says the file was damaged or tampered with when one byte of the encrypted payload changed', async () => {
    const tampered = sealed.slice();
    tampered[tampered.length - 40] ^= 0x01; // inside the one payload chunk, after the header and nonce
    const err = await failure(openHandoff(tampered, PASSPHRASE, NOW));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toMatch(/damaged or tampered with after it was sealed: the passphrase is right/);
  });

  it('says the same when the header\'s MAC was changed', async () => {
    const text = Buffer.from(sealed).toString('latin1');
    const at = text.indexOf('\n--- ') + 6;
    const tampered = sealed.slice();
    tampered[at] = tampered[at] === 0x41 ? 0x42 : 0x41;
    const err = await failure(openHandoff(tampered, PASSPHRASE, NOW));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toMatch(/damaged or tampered with/);
  });

  it('says the file is damaged when it was cut short', async () => {
    const err = await failure(openHandoff(sealed.slice(0, sealed.length - 10), PASSPHRASE, NOW));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toMatch(/damaged or tampered with/);
  });

  it('says a text file, a JPEG or an empty file is not an age file', async () => {
    for (const bytes of [new TextEncoder().encode(TOKEN), new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]), new Uint8Array()]) {
      const err = await failure(openHandoff(bytes, PASSPHRASE, NOW));
      expect(err.code).toBe('FILE_UNREADABLE');
      expect(err.message).toMatch(/^This is not a Flotilla handoff file: it is not an age-encrypted file/);
    }
  });

  it('says when it expired and to ask the primary\'s administrator for a new one', async () => {
    const err = await failure(openHandoff(sealed, PASSPHRASE, new Date('2030-03-02T09:00:01Z')));
    expect(err.code).toBe('INVALID_ARGS');
    expect(err.message).toBe('This handoff file expired at 2030-03-02 09:00 UTC; ask the administrator of prod-primary for a new one.');
  });

  it('says an age file holding something else (JSON or a kubeconfig) is not a Flotilla handoff', async () => {
    for (const content of ['{"hello":"world"}\n', 'apiVersion: v1\nkind: Config\nclusters: []\n', '{not json']) {
      const err = await failure(openHandoff(await foreignFile(content), PASSPHRASE, NOW));
      expect(err.code).toBe('FILE_UNREADABLE');
      expect(err.message).toMatch(/^This is not a Flotilla handoff file: it opens, but holds/);
    }
  });

  it('says the file was tampered with when the token does not match the fingerprint inside', async () => {
    const payload = { flotilla: 'join-token', v: 1, token: `${TOKEN}x`, fingerprint: tokenFingerprint(TOKEN), primary: 'prod-primary', createdAt: NOW.toISOString(), expiresAt: EXPIRES.toISOString() };
    const err = await failure(openHandoff(await foreignFile(JSON.stringify(payload)), PASSPHRASE, NOW));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toMatch(/tampered with: the token inside does not match its fingerprint/);
  });

  it('says a file from a newer Flotilla needs an update', async () => {
    const payload = { flotilla: 'join-token', v: 2, token: TOKEN };
    const err = await failure(openHandoff(await foreignFile(JSON.stringify(payload)), PASSPHRASE, NOW));
    expect(err.code).toBe('UNSUPPORTED');
    expect(err.message).toMatch(/newer Flotilla/);
  });

  it('says a file encrypted for an age key rather than a passphrase must be opened with that key', async () => {
    const e = new Encrypter();
    e.addRecipient(await identityToRecipient(await generateX25519Identity()));
    const err = await failure(openHandoff(await e.encrypt(TOKEN), PASSPHRASE, NOW));
    expect(err.code).toBe('UNSUPPORTED');
    expect(err.message).toMatch(/encrypted for an age key \(X25519\), not with a passphrase/);
  });
});

describe('a bare token sealed without Flotilla (echo TOKEN | age -p)', () => {
  it('opens with no primary and no expiry, the token trimmed of its newline', async () => {
    const opened = await openHandoff(await foreignFile(`${TOKEN}\n`), PASSPHRASE, NOW);
    expect(opened).toEqual({ token: TOKEN, fingerprint: tokenFingerprint(TOKEN) });
  });
});

describe('handoff files on disk', () => {
  it('writes a file only its owner can read, which reads back byte for byte and opens', async () => {
    const path = join(dir, 'prod-primary.age');
    await writeHandoffFile(path, sealed);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
    const back = await readHandoffFile(path);
    expect(Buffer.from(back).equals(Buffer.from(sealed))).toBe(true);
  });

  it('refuses to replace an existing file, naming it, unless told to overwrite', async () => {
    const path = join(dir, 'existing.age');
    await writeFile(path, 'keep me');
    const err = await failure(writeHandoffFile(path, sealed));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toBe(`${path} already exists; choose another file name, or confirm replacing it.`);
    expect(await readFile(path, 'utf8')).toBe('keep me');
    await writeHandoffFile(path, sealed, { overwrite: true });
    expect(Buffer.from(await readFile(path)).equals(Buffer.from(sealed))).toBe(true);
    if (process.platform !== 'win32') expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('says when the folder to write into does not exist', async () => {
    const path = join(dir, 'no-such-folder', 'x.age');
    const err = await failure(writeHandoffFile(path, sealed));
    expect(err.code).toBe('FILE_UNREADABLE');
    expect(err.message).toBe(`${path} cannot be written: its folder does not exist.`);
  });

  it('says a missing, empty, oversized or folder path cannot be read as a handoff file', async () => {
    const big = join(dir, 'big.age');
    await writeFile(big, Buffer.alloc(2 * 1024 * 1024));
    const empty = join(dir, 'empty.age');
    await writeFile(empty, '');
    const folder = join(dir, 'folder.age');
    await mkdir(folder);
    const cases: [string, string][] = [
      [join(dir, 'missing.age'), 'does not exist.'],
      [empty, 'is empty; it may not have been copied completely.'],
      [big, 'is 2.0 MB; a handoff file is a few hundred bytes, so this is not one.'],
      [folder, 'is a folder, not a handoff file.'],
    ];
    for (const [path, reason] of cases) {
      const err = await failure(readHandoffFile(path));
      expect(err.code).toBe('FILE_UNREADABLE');
      expect(err.message).toBe(`${path} ${reason}`);
    }
  });
});
