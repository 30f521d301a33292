import { describe, expect, it } from 'vitest';
import { formatAgo, formatCount, formatLatency, plural } from '../../../renderer/format.js';

describe('formatting for people', () => {
  it('formats latency in ms, then seconds', () => {
    expect(formatLatency(12.6)).toBe('13 ms');
    expect(formatLatency(1450)).toBe('1.4 s');
    expect(formatLatency(12_000)).toBe('12 s');
    expect(formatLatency(undefined)).toBe('');
  });

  it('says how long ago something happened', () => {
    const now = Date.parse('2025-01-01T12:00:00Z');
    expect(formatAgo('2025-01-01T11:59:58Z', now)).toBe('just now');
    expect(formatAgo('2025-01-01T11:59:00Z', now)).toBe('1 min ago');
    expect(formatAgo('2025-01-01T11:59:30Z', now)).toBe('30 s ago');
    expect(formatAgo('2025-01-01T09:00:00Z', now)).toBe('3 h ago');
    expect(formatAgo(undefined, now)).toBe('');
    expect(formatAgo('not a date', now)).toBe('not a date');
  });

  it('counts in words', () => {
    expect(plural(1, 'cluster')).toBe('1 cluster');
    expect(plural(3, 'cluster')).toBe('3 clusters');
    expect(plural(2, 'policy', 'policies')).toBe('2 policies');
    expect(formatCount(undefined)).toBe('–');
    expect(formatCount(0)).toBe('0');
  });
});
