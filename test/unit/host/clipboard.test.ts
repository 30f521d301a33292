/**
 * The token clipboard: written concealed, cleared after its delay, on lock
 * and on quit — and never clears what the user copied over it.
 */
import { describe, expect, it } from 'vitest';
import { MemoryClipboard, SecretClipboard, concealmentFormats, type SecretClipboardEvent, type SystemClipboard } from '../../../main/host/clipboard.js';

const TOKEN = 'eyJ2IjoxLCJpbmdyZXNzIjoiaHR0cHM6Ly8xMjcuMC4wLjEiLCJzZWNyZXQiOiJzM2NyM3QifQ';
const T0 = Date.parse('2025-01-01T00:00:00.000Z');

/** A manual clock: timers fire only when the test advances time. */
function fakeClock() {
  let now = T0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    clock: {
      now: () => now,
      setTimeout: (fn: () => void, ms: number) => {
        const id = nextId++;
        timers.set(id, { at: now + ms, fn });
        return id;
      },
      clearTimeout: (id: unknown) => void timers.delete(id as number),
    },
    /** Moves time forward, firing due timers, then lets their queued work finish. */
    async advance(ms: number) {
      now += ms;
      for (const [id, t] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) {
          timers.delete(id);
          t.fn();
        }
      }
      await new Promise((r) => setImmediate(r));
    },
    timerCount: () => timers.size,
  };
}

function setup() {
  const system = new MemoryClipboard();
  const time = fakeClock();
  const clip = new SecretClipboard(system, { clock: time.clock });
  const events: SecretClipboardEvent[] = [];
  clip.onChange((e) => events.push(e));
  return { system, time, clip, events };
}

describe('SecretClipboard', () => {
  it('writes the token concealed and reports when it will be cleared', async () => {
    const { system, clip } = setup();
    const { expiresAt } = await clip.copy(TOKEN, { clearAfterMs: 10_000 });
    expect(system.text).toBe(TOKEN);
    expect(system.concealed).toBe(true);
    expect(expiresAt).toBe('2025-01-01T00:00:10.000Z');
    expect(clip.pending()).toEqual({ expiresAt });
  });

  it('clears the token after the default 30 seconds, not before', async () => {
    const { system, time, clip } = setup();
    await clip.copy(TOKEN);
    await time.advance(29_999);
    expect(system.text).toBe(TOKEN);
    await time.advance(1);
    expect(system.text).toBe('');
    expect(clip.pending()).toBeUndefined();
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const { system, time, clip, events } = setup();
    await clip.copy(TOKEN);
    system.writeText('kubectl get pods');
    await time.advance(30_000);
    expect(system.text).toBe('kubectl get pods');
    expect(system.clears).toBe(0);
    expect(clip.pending()).toBeUndefined();
    expect(events.at(-1)).toEqual({ type: 'left-alone', reason: 'timeout' });
  });

  it('clears the token on quit, and dispose can be called twice', async () => {
    const { system, time, clip, events } = setup();
    await clip.copy(TOKEN);
    await Promise.all([clip.dispose(), clip.dispose()]);
    expect(system.text).toBe('');
    expect(system.clears).toBe(1);
    expect(events.at(-1)).toEqual({ type: 'cleared', reason: 'quit' });
    expect(time.timerCount()).toBe(0);
    await expect(clip.copy(TOKEN)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(system.text).toBe('');
  });

  it('clears the token when the screen locks', async () => {
    const { system, time, clip, events } = setup();
    await clip.copy(TOKEN);
    expect(await clip.clearNow('lock')).toBe('cleared');
    expect(system.text).toBe('');
    expect(events.at(-1)).toEqual({ type: 'cleared', reason: 'lock' });
    expect(time.timerCount()).toBe(0);
    expect(await clip.clearNow('user')).toBe('none');
  });

  it('does not clear on lock what the user copied over the token', async () => {
    const { system, clip } = setup();
    await clip.copy(TOKEN);
    system.writeText('notes');
    expect(await clip.clearNow('lock')).toBe('left-alone');
    expect(system.text).toBe('notes');
  });

  it('lets a second copy replace the first one and its timer', async () => {
    const { system, time, clip } = setup();
    await clip.copy(TOKEN, { clearAfterMs: 10_000 });
    await time.advance(8_000);
    const second = `${TOKEN}-2`;
    const { expiresAt } = await clip.copy(second, { clearAfterMs: 10_000 });
    expect(expiresAt).toBe('2025-01-01T00:00:18.000Z');
    expect(time.timerCount()).toBe(1);
    await time.advance(2_000); // the first copy's deadline passes
    expect(system.text).toBe(second);
    await time.advance(8_000);
    expect(system.text).toBe('');
  });

  it('tells the countdown when a token was copied, cleared or left alone', async () => {
    const { system, time, clip, events } = setup();
    await clip.copy(TOKEN, { clearAfterMs: 5_000 });
    await time.advance(5_000);
    await clip.copy(TOKEN, { clearAfterMs: 5_000 });
    system.writeText('mine');
    await clip.clearNow('user');
    expect(events).toEqual([
      { type: 'copied', expiresAt: '2025-01-01T00:00:05.000Z' },
      { type: 'cleared', reason: 'timeout' },
      { type: 'copied', expiresAt: '2025-01-01T00:00:10.000Z' },
      { type: 'left-alone', reason: 'user' },
    ]);
  });

  it('stops sending events to a listener that unsubscribed', async () => {
    const { clip } = setup();
    const seen: SecretClipboardEvent[] = [];
    const off = clip.onChange((e) => seen.push(e));
    off();
    await clip.copy(TOKEN);
    expect(seen).toEqual([]);
  });

  it('does not keep the token: only a digest of it', async () => {
    const { clip } = setup();
    await clip.copy(TOKEN);
    // Everything the SecretClipboard holds, except the system clipboard it writes to.
    const seen = JSON.stringify(clip, (k, v: unknown) => (k === 'system' ? undefined : v));
    expect(seen).not.toContain(TOKEN);
  });

  it('reports a clear that failed and tries again on quit', async () => {
    const system = new MemoryClipboard();
    let broken = true;
    const flaky: SystemClipboard = {
      writeSecret: (t) => system.writeSecret(t),
      readText: () => system.readText(),
      clear: () => {
        if (broken) throw new Error('clipboard busy');
        system.clear();
      },
    };
    const time = fakeClock();
    const clip = new SecretClipboard(flaky, { clock: time.clock });
    const events: SecretClipboardEvent[] = [];
    clip.onChange((e) => events.push(e));
    await clip.copy(TOKEN);
    await time.advance(30_000);
    expect(events.at(-1)).toMatchObject({ type: 'clear-failed', reason: 'timeout' });
    expect(clip.pending()).toBeDefined();
    broken = false;
    await clip.dispose();
    expect(system.text).toBe('');
  });

  it('keeps the previous copy scheduled when a write fails', async () => {
    const system = new MemoryClipboard();
    let fail = false;
    const clip = new SecretClipboard(
      {
        writeSecret: (t) => {
          if (fail) throw new Error('no display');
          system.writeSecret(t);
        },
        readText: () => system.readText(),
        clear: () => system.clear(),
      },
      { clock: fakeClock().clock },
    );
    const first = await clip.copy(TOKEN);
    fail = true;
    await expect(clip.copy('other')).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('no display') });
    expect(clip.pending()).toEqual(first);
  });

  it('refuses a delay that is not a positive number of milliseconds', async () => {
    const { system, clip } = setup();
    for (const clearAfterMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      await expect(clip.copy(TOKEN, { clearAfterMs })).rejects.toMatchObject({ code: 'INVALID_ARGS' });
    }
    expect(system.text).toBe('');
  });
});

describe('concealmentFormats', () => {
  it('marks a copy concealed with each platform’s convention', () => {
    expect(concealmentFormats('darwin')).toEqual([{ format: 'org.nspasteboard.ConcealedType', data: new Uint8Array(0) }]);
    expect(concealmentFormats('win32')).toEqual(
      ['ExcludeClipboardContentFromMonitorProcessing', 'CanIncludeInClipboardHistory', 'CanUploadToCloudClipboard'].map((format) => ({
        format,
        data: new Uint8Array([0, 0, 0, 0]),
      })),
    );
    expect(concealmentFormats('linux')).toEqual([{ format: 'x-kde-passwordManagerHint', data: new TextEncoder().encode('secret') }]);
  });
});
