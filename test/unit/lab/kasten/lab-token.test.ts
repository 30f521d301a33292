import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeLabToken, encodeLabToken } from '../../../../shared/kasten/lab.js';
import { kastenNameProblem } from '../../../../shared/kasten/names.js';

describe('lab join tokens', () => {
  it('round-trip any ingress and secret, and are base64url as Node encodes it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }).filter(Boolean), fc.string({ minLength: 1 }), (ingress, secret) => {
        const token = encodeLabToken({ ingress, secret });
        expect(token).toBe(Buffer.from(JSON.stringify({ v: 1, ingress, secret })).toString('base64url'));
        expect(decodeLabToken(token)).toEqual({ ok: true, token: { v: 1, ingress, secret } });
      }),
    );
  });

  it('ignore a pasted newline', () => {
    const token = encodeLabToken({ ingress: 'https://127.0.0.1:1/k10', secret: 's' });
    expect(decodeLabToken(`${token}\n`).ok).toBe(true);
  });

  it('give a reason, never an exception, for anything else', () => {
    for (const text of ['', '!!!', 'a', Buffer.from('not json').toString('base64url'), Buffer.from('{"v":2}').toString('base64url')]) {
      const r = decodeLabToken(text);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toBeTruthy();
    }
    fc.assert(fc.property(fc.string(), (text) => void decodeLabToken(text)));
  });
});

describe('kastenNameProblem', () => {
  it('accepts documented names and refuses the rest', () => {
    for (const ok of ['cluster-1', 'a', 'eu.west-2', '0abc']) expect(kastenNameProblem(ok)).toBeUndefined();
    for (const bad of ['', 'Cluster', '-a', 'a-', 'a_b', 'x'.repeat(64)]) expect(kastenNameProblem(bad)).toBeTruthy();
  });
});
