/**
 * A self-clearing, concealed clipboard for join tokens.
 *
 * A token on the clipboard is a token anywhere the user pastes by mistake, in
 * every clipboard manager and in the OS clipboard history. So a copy is
 * marked concealed where the platform allows (see SystemClipboard), and is
 * cleared after a delay, on lock and on quit — but only if the clipboard
 * still holds our text: if the user has copied something else meanwhile,
 * that is theirs and is left alone.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../shared/contract/errors.js';
import { silentLogger, type Logger } from '../log.js';

/**
 * What a shell provides (Electron: main/app/clipboard.ts; the preview and the
 * CLI have none and use MemoryClipboard or nothing).
 *
 * `writeSecret` writes plain text and, where the platform allows, marks it
 * concealed so clipboard managers and history skip it — in the same write,
 * since the formats must sit beside the text (see `concealmentFormats`):
 * - macOS: `org.nspasteboard.ConcealedType` (empty data), the nspasteboard.org
 *   convention honoured by clipboard managers;
 * - Windows: `ExcludeClipboardContentFromMonitorProcessing`, plus
 *   `CanIncludeInClipboardHistory` and `CanUploadToCloudClipboard` each a
 *   DWORD 0, which keep it out of Win+V history and the cloud clipboard;
 * - Linux (KDE, Wayland and X11 clipboard managers): `x-kde-passwordManagerHint`
 *   = `secret`, as KeePassXC writes it.
 */
export interface SystemClipboard {
  /** Whether writeSecret really marks the text concealed on this platform (the UI says so when it does not). */
  readonly conceals?: boolean;
  writeSecret(text: string): void | Promise<void>;
  readText(): string | Promise<string>;
  clear(): void | Promise<void>;
}

/** One extra clipboard format and its data. */
export interface ClipboardFormat {
  format: string;
  data: Uint8Array;
}

/** The formats that mark a clipboard write as concealed on `platform` (fresh arrays each call). */
export function concealmentFormats(platform: NodeJS.Platform): ClipboardFormat[] {
  switch (platform) {
    case 'darwin':
      return [{ format: 'org.nspasteboard.ConcealedType', data: new Uint8Array(0) }];
    case 'win32':
      return ['ExcludeClipboardContentFromMonitorProcessing', 'CanIncludeInClipboardHistory', 'CanUploadToCloudClipboard'].map((format) => ({
        format,
        data: dword(0),
      }));
    default:
      return [{ format: 'x-kde-passwordManagerHint', data: new TextEncoder().encode('secret') }];
  }
}

function dword(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true); // clipboard DWORDs are little-endian
  return out;
}

/** Why a copy was cleared: its delay ran out, the app quit, the screen locked, or the user asked. */
export type ClearReason = 'timeout' | 'quit' | 'lock' | 'user';

/** What the UI's countdown listens to. */
export type SecretClipboardEvent =
  | { type: 'copied'; expiresAt: string }
  | { type: 'cleared'; reason: ClearReason }
  /** The clipboard held something else by then (the user copied over it), so it was not touched. */
  | { type: 'left-alone'; reason: ClearReason }
  /** Clearing failed; the secret may still be on the clipboard. */
  | { type: 'clear-failed'; reason: ClearReason; message: string };

/** What `clearNow` did: cleared our text, left someone else's alone, or had nothing pending. */
export type ClearOutcome = 'cleared' | 'left-alone' | 'none';

/** Injectable clock and timers, so tests are exact. */
export interface Clock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realClock: Clock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface SecretClipboardOptions {
  clock?: Partial<Clock>;
  /** Where failures with no caller to receive them go (a timed clear, a throwing listener). */
  log?: Logger;
}

export const DEFAULT_CLEAR_AFTER_MS = 30_000;
/** setTimeout's ceiling (2^31-1 ms); longer delays would fire at once. */
const MAX_CLEAR_AFTER_MS = 2_147_483_647;

interface Pending {
  /** Keyed digest of the text we wrote, never the text itself. */
  digest: Buffer;
  expiresAt: string;
  timer: unknown;
}

export class SecretClipboard {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly listeners = new Set<(event: SecretClipboardEvent) => void>();
  // Copies, timed clears and clearNow run one at a time, so a timer firing during a copy cannot clear the new text.
  private queue: Promise<unknown> = Promise.resolve();
  private current: Pending | undefined;
  private disposing: Promise<void> | undefined;
  // We keep a digest, not the token, so the secret leaves our memory once written. It is keyed
  // with a random per-instance key so that even a short secret cannot be guessed from the digest.
  private readonly key = randomBytes(32);

  constructor(
    private readonly system: SystemClipboard,
    opts: SecretClipboardOptions = {},
  ) {
    this.clock = { ...realClock, ...opts.clock };
    this.log = opts.log ?? silentLogger;
  }

  /**
   * Writes `text` concealed and schedules it to be cleared after
   * `clearAfterMs` (default 30 s). A copy replaces the previous one and its
   * timer. If the write fails, the previous copy (if any) stays scheduled.
   */
  copy(text: string, { clearAfterMs = DEFAULT_CLEAR_AFTER_MS }: { clearAfterMs?: number } = {}): Promise<{ expiresAt: string }> {
    if (!Number.isFinite(clearAfterMs) || clearAfterMs <= 0 || clearAfterMs > MAX_CLEAR_AFTER_MS) {
      return Promise.reject(new AppError('INVALID_ARGS', `The clipboard clear delay must be between 1 ms and ${MAX_CLEAR_AFTER_MS} ms (got ${clearAfterMs}).`));
    }
    if (this.disposing) return Promise.reject(new AppError('INTERNAL', 'The clipboard is shut down (Flotilla is quitting); nothing was copied.'));
    const digest = this.digest(text);
    return this.enqueue(async () => {
      try {
        await this.system.writeSecret(text);
      } catch (err) {
        throw new AppError('INTERNAL', `Could not copy to the clipboard: ${(err as Error).message}.`);
      }
      if (this.current) this.clock.clearTimeout(this.current.timer);
      const expiresAt = new Date(this.clock.now() + clearAfterMs).toISOString();
      const pending: Pending = { digest, expiresAt, timer: undefined };
      pending.timer = this.clock.setTimeout(() => void this.timedClear(pending), clearAfterMs);
      this.current = pending;
      this.emit({ type: 'copied', expiresAt });
      return { expiresAt };
    });
  }

  /** Clears the clipboard now if it still holds our copy; rejects if clearing failed. */
  clearNow(reason: 'quit' | 'lock' | 'user'): Promise<ClearOutcome> {
    return this.enqueue(() => this.clearIfOurs(reason));
  }

  /** The copy waiting to be cleared, if any. */
  pending(): { expiresAt: string } | undefined {
    return this.current ? { expiresAt: this.current.expiresAt } : undefined;
  }

  /** Subscribes to copy/clear events; returns the unsubscribe function. */
  onChange(listener: (event: SecretClipboardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Clears our copy (as on quit) and stops the timer; later copies are refused. Safe to call twice. */
  dispose(): Promise<void> {
    this.disposing ??= this.clearNow('quit').then(
      () => undefined,
      (err: unknown) => {
        // Quitting must go on; the event already told the UI, the log keeps the why.
        this.log.warn('Could not clear the clipboard on quit', { message: (err as Error).message });
      },
    ).finally(() => {
      if (this.current) this.clock.clearTimeout(this.current.timer);
      this.current = undefined;
      this.listeners.clear();
    });
    return this.disposing;
  }

  private async timedClear(pending: Pending): Promise<void> {
    await this.enqueue(async () => {
      if (this.current !== pending) return; // replaced or cleared meanwhile
      await this.clearIfOurs('timeout');
    }).catch((err: unknown) => {
      this.log.warn('Could not clear the clipboard after the delay', { message: (err as Error).message });
    });
  }

  private async clearIfOurs(reason: ClearReason): Promise<ClearOutcome> {
    const pending = this.current;
    if (!pending) return 'none';
    let ours: boolean;
    try {
      ours = this.matches(pending.digest, await this.system.readText());
    } catch (err) {
      // Cannot tell whose text it is: clearing the user's text is the lesser harm than leaving a token.
      this.log.warn('Could not read the clipboard before clearing it; clearing anyway', { message: (err as Error).message });
      ours = true;
    }
    if (!ours) {
      this.forget(pending);
      this.emit({ type: 'left-alone', reason });
      return 'left-alone';
    }
    try {
      await this.system.clear();
    } catch (err) {
      // Keep it pending so a later clearNow (or quit) tries again.
      const message = `Could not clear the clipboard: ${(err as Error).message}. Copy something else over it to remove the token.`;
      this.emit({ type: 'clear-failed', reason, message });
      throw new AppError('INTERNAL', message);
    }
    this.forget(pending);
    this.emit({ type: 'cleared', reason });
    return 'cleared';
  }

  private forget(pending: Pending): void {
    this.clock.clearTimeout(pending.timer);
    if (this.current === pending) this.current = undefined;
  }

  private digest(text: string): Buffer {
    return createHmac('sha256', this.key).update(text, 'utf8').digest();
  }

  private matches(digest: Buffer, text: string): boolean {
    return timingSafeEqual(digest, this.digest(text));
  }

  private emit(event: SecretClipboardEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // A broken UI subscriber must not stop the clipboard from being cleared.
        this.log.warn('A clipboard listener failed', { message: (err as Error).message });
      }
    }
  }

  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.queue.then(fn, fn);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/**
 * An in-memory clipboard for tests and the preview. It records whether the
 * current content was written concealed; `writeText` stands for the user
 * copying something else.
 */
export class MemoryClipboard implements SystemClipboard {
  readonly conceals = true;
  text = '';
  concealed = false;
  /** How many times `clear` was called. */
  clears = 0;

  writeSecret(text: string): void {
    this.text = text;
    this.concealed = true;
  }

  writeText(text: string): void {
    this.text = text;
    this.concealed = false;
  }

  readText(): string {
    return this.text;
  }

  clear(): void {
    this.text = '';
    this.concealed = false;
    this.clears++;
  }
}
