/**
 * The fingerprint two administrators read to each other: the same for the
 * same token however it was pasted, different for a different token, and
 * always in the XXXX-XXXX-XXXX-XXXX shape the UI shows.
 */
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_PATTERN, tokenFingerprint } from '../../../main/multicluster/fingerprint.js';

describe('tokenFingerprint', () => {
  // Expected values computed independently:
  //   printf %s TOKEN | sha256sum | cut -d' ' -f1 | xxd -r -p | base32 | cut -c1-16
  it('is the first 16 base32 characters of the SHA-256 of the token, in groups of four', () => {
    expect(tokenFingerprint('flotilla-test-token')).toBe('BUAF-6JSF-I35M-45GW');
  });

  it('hashes the UTF-8 bytes of the token', () => {
    expect(tokenFingerprint('jöin-tökén-ü')).toBe('Y2VQ-TCQC-XCWL-RERQ');
  });

  it('ignores whitespace around a pasted token, so a trailing newline does not change it', () => {
    const clean = tokenFingerprint('flotilla-test-token');
    expect(tokenFingerprint('flotilla-test-token\n')).toBe(clean);
    expect(tokenFingerprint('  flotilla-test-token\r\n')).toBe(clean);
    expect(tokenFingerprint('\tflotilla-test-token ')).toBe(clean);
  });

  it('differs when one character of the token differs', () => {
    expect(tokenFingerprint('flotilla-test-tokem')).not.toBe(tokenFingerprint('flotilla-test-token'));
  });

  it('is four groups of four characters from A–Z and 2–7', () => {
    for (const token of ['a', 'eyJhbGciOiJSUzI1NiJ9.' + 'x'.repeat(300), '0', 'ünïcödé', '-'.repeat(5000)]) {
      const fp = tokenFingerprint(token);
      expect(fp).toMatch(FINGERPRINT_PATTERN);
      expect(fp).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
    }
  });
});
