/**
 * What only the lab fleet's K10 emulation defines [ours]: the inner format of
 * its join tokens and the names it gives to objects Kasten documents nothing
 * about. Flotilla treats a real cluster's token as opaque; for a lab token it
 * can show the primary ingress the token points at with `decodeLabToken`.
 *
 * Pure: no node:* imports, so base64url and UTF-8 are done by hand.
 */

/** The decoded form of a lab join token: `base64url(JSON {v:1, ingress, secret})`. */
export interface LabToken {
  v: 1;
  /** The primary's K10 ingress URL, e.g. `https://127.0.0.1:40123/k10`. */
  ingress: string;
  /** Random; what the primary compares against its join-token Secrets. */
  secret: string;
}

export type LabTokenResult = { ok: true; token: LabToken } | { ok: false; reason: string };

/** Labels and names of the lab fleet's K10 [ours]. */
export const LAB_K10 = {
  /** On RoleBindings a K10ClusterRoleBinding put on a target: the binding's name. */
  bindingLabel: 'auth.kio.kasten.io/k10-cluster-role-binding',
  /** Prefix of those RoleBindings' names: `k10crb-<binding>`. */
  bindingPrefix: 'k10crb-',
  /** Bootstrap `status.state` values. */
  bootstrapSucceeded: 'Succeeded',
  bootstrapFailed: 'Failed',
} as const;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Encodes a lab join token. */
export function encodeLabToken(parts: { ingress: string; secret: string }): string {
  const json = JSON.stringify({ v: 1, ingress: parts.ingress, secret: parts.secret });
  return base64urlEncode(utf8Encode(json));
}

/**
 * Decodes a lab join token; surrounding whitespace (a pasted newline) is
 * ignored. A token from a real K10 is not a lab token and gives a reason,
 * never an exception.
 */
export function decodeLabToken(text: string): LabTokenResult {
  const bytes = base64urlDecode(text.trim());
  if (!bytes) return { ok: false, reason: 'not base64url' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8Decode(bytes));
  } catch {
    return { ok: false, reason: 'not a lab token (no JSON inside)' };
  }
  const p = parsed as Partial<LabToken> | null;
  if (!p || typeof p !== 'object' || p.v !== 1) return { ok: false, reason: 'not a lab token (unknown version)' };
  if (typeof p.ingress !== 'string' || !p.ingress) return { ok: false, reason: 'the token names no primary ingress' };
  if (typeof p.secret !== 'string' || !p.secret) return { ok: false, reason: 'the token carries no secret' };
  return { ok: true, token: { v: 1, ingress: p.ingress, secret: p.secret } };
}

function base64urlEncode(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = i + 2 < bytes.length ? 4 : i + 1 < bytes.length ? 3 : 2;
    for (let k = 0; k < chars; k++) out += ALPHABET[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

/** Accepts unpadded base64url (and `=` padding); undefined for anything else. */
function base64urlDecode(text: string): number[] | undefined {
  const s = text.replace(/=+$/, '');
  if (s.length % 4 === 1) return undefined;
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of s) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return out;
}

function utf8Encode(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/** Strict enough for our own output; malformed input throws and is reported as "not a lab token". */
function utf8Decode(bytes: number[]): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const extra = b < 0x80 ? 0 : b >= 0xf0 ? 3 : b >= 0xe0 ? 2 : b >= 0xc0 ? 1 : -1;
    if (extra < 0 || i + extra >= bytes.length) throw new Error('bad utf-8');
    let c = extra === 0 ? b : b & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const cont = bytes[i + k];
      if ((cont & 0xc0) !== 0x80) throw new Error('bad utf-8');
      c = (c << 6) | (cont & 63);
    }
    out += String.fromCodePoint(c);
    i += extra + 1;
  }
  return out;
}
