/**
 * age's passphrase (scrypt) recipient and identity on Node's own crypto.
 *
 * Why not age-encryption's built-in ones: they run scrypt (N = 2^18) in pure
 * JavaScript, synchronously, for about a second on a small machine — in
 * Electron's main process that freezes every window and IPC call for that
 * second. node:crypto's scrypt runs natively on the libuv thread pool and
 * takes a fraction of that; the stanza is byte for byte what the spec
 * (age-encryption.org/v1, "The scrypt recipient type") and `age -p` write,
 * and the error messages are the library's, so callers map them once.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { Stanza, type Identity, type Recipient } from 'age-encryption';

const LABEL = 'age-encryption.org/v1/scrypt';
/** age refuses to open above this (minutes of work); so do we. */
const MAX_LOG_N = 20;

function b64NoPad(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/=+$/, '');
}

function fromB64NoPad(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*$/.test(text) || text.length % 4 === 1) throw Error('invalid scrypt stanza');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function deriveKey(passphrase: string, salt: Uint8Array, logN: number): Promise<Buffer> {
  const labelAndSalt = Buffer.concat([Buffer.from(LABEL, 'utf8'), salt]);
  const N = 2 ** logN;
  return new Promise((resolve, reject) =>
    // maxmem: scrypt needs 128·N·r bytes; Node's default limit (32 MiB) is below what N = 2^18 takes.
    scrypt(passphrase, labelAndSalt, 32, { N, r: 8, p: 1, maxmem: 128 * N * 8 + 16 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

// The file key is wrapped with ChaCha20-Poly1305 under an all-zero nonce (each key wraps exactly one file key).
const ZERO_NONCE = Buffer.alloc(12);

function wrap(fileKey: Uint8Array, key: Buffer): Uint8Array {
  const c = createCipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 });
  return new Uint8Array(Buffer.concat([c.update(fileKey), c.final(), c.getAuthTag()]));
}

function unwrap(body: Uint8Array, key: Buffer): Uint8Array | null {
  if (body.length !== 32) throw Error('invalid stanza');
  const d = createDecipheriv('chacha20-poly1305', key, ZERO_NONCE, { authTagLength: 16 });
  d.setAuthTag(body.subarray(16));
  try {
    return new Uint8Array(Buffer.concat([d.update(body.subarray(0, 16)), d.final()]));
  } catch {
    return null;
  }
}

export class NativeScryptRecipient implements Recipient {
  constructor(
    private readonly passphrase: string,
    private readonly logN: number,
  ) {}

  async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
    const salt = randomBytes(16);
    const key = await deriveKey(this.passphrase, salt, this.logN);
    return [new Stanza(['scrypt', b64NoPad(salt), String(this.logN)], wrap(fileKey, key))];
  }
}

export class NativeScryptIdentity implements Identity {
  constructor(private readonly passphrase: string) {}

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    for (const s of stanzas) {
      if (s.args[0] !== 'scrypt') continue;
      // The spec: a scrypt stanza must be alone, so a passphrase file cannot also be opened by a key.
      if (stanzas.length !== 1) throw Error('scrypt recipient is not the only one in the header');
      if (s.args.length !== 3 || !/^[1-9][0-9]*$/.test(s.args[2]!)) throw Error('invalid scrypt stanza');
      const salt = fromB64NoPad(s.args[1]!);
      if (salt.length !== 16) throw Error('invalid scrypt stanza');
      const logN = Number(s.args[2]);
      if (logN > MAX_LOG_N) throw Error('scrypt work factor is too high');
      const fileKey = unwrap(s.body, await deriveKey(this.passphrase, salt, logN));
      if (fileKey !== null) return fileKey;
    }
    return null;
  }
}
