/**
 * The 5-second refresh of distribution states: the next one only after the
 * last has finished, none while the window is hidden, one at once when it
 * shows again, none after stop.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAutoRefresh, type VisibilitySource } from '../../../renderer/components/auto-refresh.js';
import { deferred } from './fixtures.js';

function fakeDocument(): VisibilitySource & { setHidden(hidden: boolean): void; listeners: number } {
  const listeners = new Set<() => void>();
  const doc = {
    hidden: false,
    addEventListener: (_: 'visibilitychange', l: () => void) => void listeners.add(l),
    removeEventListener: (_: 'visibilitychange', l: () => void) => void listeners.delete(l),
    setHidden(hidden: boolean) {
      doc.hidden = hidden;
      for (const l of listeners) l();
    },
    get listeners() {
      return listeners.size;
    },
  };
  return doc;
}

describe('auto-refresh', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('refreshes every interval while visible', async () => {
    const refresh = vi.fn();
    const stop = startAutoRefresh(refresh, 5_000, fakeDocument());
    await vi.advanceTimersByTimeAsync(4_999);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(refresh).toHaveBeenCalledTimes(3);
    stop();
  });

  it('waits for a slow refresh before counting the next interval', async () => {
    const slow = deferred<void>();
    const refresh = vi.fn(() => slow.promise);
    const stop = startAutoRefresh(refresh, 5_000, fakeDocument());
    await vi.advanceTimersByTimeAsync(20_000);
    expect(refresh).toHaveBeenCalledTimes(1);
    slow.resolve();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    stop();
  });

  it('does nothing while hidden and refreshes at once when shown again', async () => {
    const doc = fakeDocument();
    const refresh = vi.fn();
    const stop = startAutoRefresh(refresh, 5_000, doc);
    doc.setHidden(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refresh).not.toHaveBeenCalled();
    doc.setHidden(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(refresh).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(refresh).toHaveBeenCalledTimes(2);
    stop();
  });

  it('stops for good, and lets go of the document', async () => {
    const doc = fakeDocument();
    const refresh = vi.fn();
    const stop = startAutoRefresh(refresh, 5_000, doc);
    stop();
    doc.setHidden(true);
    doc.setHidden(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refresh).not.toHaveBeenCalled();
    expect(doc.listeners).toBe(0);
  });
});
