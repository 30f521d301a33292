/** When a "not now" answer is retried, and how long Flotilla waits. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, parseRetryAfter, retryDelayMs } from '../../../main/kube/retry.js';

const noJitter = () => 0;

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
    expect(parseRetryAfter(['0'])).toBe(0);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('waits as long as a 429 or 503 asks', () => {
    expect(retryDelayMs(429, '2', 0)).toBe(2_000);
    expect(retryDelayMs(503, '1', 2)).toBe(1_000);
  });

  it('backs off exponentially when no Retry-After is given', () => {
    expect([0, 1, 2].map((a) => retryDelayMs(503, undefined, a, DEFAULT_RETRY, noJitter))).toEqual([250, 500, 1_000]);
  });

  it('retries other 5xx only when they carry Retry-After, like client-go', () => {
    expect(retryDelayMs(500, undefined, 0)).toBeUndefined();
    expect(retryDelayMs(502, '1', 0)).toBe(1_000);
  });

  it('does not retry answers that will not change: 4xx, or after the last retry', () => {
    for (const status of [200, 400, 401, 403, 404, 409, 410]) expect(retryDelayMs(status, '1', 0)).toBeUndefined();
    expect(retryDelayMs(429, '1', DEFAULT_RETRY.maxRetries)).toBeUndefined();
  });

  it('gives up at once when the server asks for longer than the cap', () => {
    expect(retryDelayMs(429, '600', 0)).toBeUndefined();
  });
});
