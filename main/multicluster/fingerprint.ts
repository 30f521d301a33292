/**
 * A join token's fingerprint: a short code two administrators read to each
 * other (by phone, across the air gap) to confirm they hold the same token
 * without either of them reading out the token itself, which is a secret.
 *
 * 16 base32 characters of its SHA-256 (80 bits): enough that a different
 * token cannot match by accident, short enough to say aloud; base32 has no
 * 0/O or 1/l pairs to mishear and is case-insensitive.
 */
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'; // RFC 4648 §6

/** `KQ3D-7XWA-…`: four groups of four characters from A–Z and 2–7. */
export const FINGERPRINT_PATTERN = /^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/;

/**
 * The fingerprint of `token`. Surrounding whitespace is trimmed first, so a
 * token pasted with its trailing newline (as `kubectl … | pbcopy` or a text
 * editor leaves it) has the same fingerprint as the token itself.
 */
export function tokenFingerprint(token: string): string {
  const digest = createHash('sha256').update(token.trim(), 'utf8').digest();
  const chars = base32(digest).slice(0, 16);
  return chars.match(/.{4}/g)!.join('-');
}

/** RFC 4648 base32 without padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1; // keep only the bits not yet written, so value never overflows
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
