/**
 * `window.flotilla`: the one global through which the renderer reaches main.
 *
 * Three implementations share this type so the renderer cannot tell them
 * apart: the Electron preload (main/preload), and the preview bridge's
 * renderer shim (renderer/preview-bridge-client.ts) used by `npm run preview`
 * and the Playwright tests. Main's router answers both.
 *
 * This file holds no runtime schema (only types and a few string constants),
 * so the sandboxed preload can import it without pulling in zod.
 */
import type { ArgsIn, Channel, EventName, EventPayload, ResultOf } from './index.js';
import type { Result } from './errors.js';

/** The API the renderer sees as `window.flotilla`. */
export interface FlotillaBridge {
  /**
   * Calls a contract channel. Never rejects for a failed call: failures come
   * back as `{ ok: false, error }` with a code and a message for a person.
   */
  invoke<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<Result<ResultOf<C>>>;
  /** Listens to one event; returns the function that stops listening (what a React effect cleanup wants). */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

declare global {
  interface Window {
    /** Defined by the preload (Electron) or by the preview bridge's shim (Chromium). */
    readonly flotilla: FlotillaBridge;
  }
}

/** The single Electron IPC channel for calls: the contract channel travels as data and main validates it. */
export const IPC_INVOKE = 'flotilla:invoke';
/** The single Electron IPC channel main pushes events on: `(eventName, payload)`. */
export const IPC_EVENT = 'flotilla:event';

/** The contract's event names, for the preload (which must not import zod); a unit test keeps it equal to `events`. */
export const EVENT_NAMES = ['fleet:changed', 'lab:changed', 'join:progress', 'mc:progress', 'clipboard:changed'] as const satisfies readonly EventName[];

/** Preview bridge: where the shim talks to the preview server. */
export const BRIDGE_INVOKE_PATH = '/__bridge/invoke';
export const BRIDGE_EVENTS_PATH = '/__bridge/events';
/** Header carrying the per-run secret on every bridge request. */
export const BRIDGE_SECRET_HEADER = 'x-flotilla-bridge';
/** URL fragment key the preview server's URL carries the secret in (`#bridge=<secret>`); fragments never reach a server. */
export const BRIDGE_FRAGMENT_KEY = 'bridge';
