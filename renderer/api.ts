/**
 * The renderer's only way to main: typed calls and events over
 * `window.flotilla`, which the preload (Electron) or the preview bridge
 * client (Chromium in tests and `npm run preview`) defines. Everything is
 * typed from shared/contract, and only types are imported from it, so zod
 * never ships in the renderer bundle.
 *
 * A call never throws: a missing bridge or a broken transport becomes an
 * `{ ok: false }` result like any other error, so the store has one path.
 */
import type { FlotillaBridge } from '../shared/contract/bridge.js';

/** What the store needs from main: exactly `window.flotilla`'s shape, so tests can pass a fake. */
export type Api = FlotillaBridge;

/** The global, or undefined when neither the preload nor the preview client defined it (or outside a browser). */
function bridge(): FlotillaBridge | undefined {
  return typeof window === 'undefined' ? undefined : (window.flotilla as FlotillaBridge | undefined);
}

const NO_BRIDGE = 'The connection to Flotilla’s main process is missing (window.flotilla is not defined). Restart the app.';

/** The API over `window.flotilla`, looked up at each call so it may be defined late. */
export const windowApi: Api = {
  async invoke(channel, args) {
    const b = bridge();
    if (!b) return { ok: false, error: { code: 'INTERNAL', message: NO_BRIDGE } };
    try {
      return await b.invoke(channel, args);
    } catch (err) {
      // The bridges return errors as values; a throw means the transport itself broke.
      return { ok: false, error: { code: 'INTERNAL', message: `${channel} failed: ${err instanceof Error ? err.message : String(err)}` } };
    }
  },
  on(event, listener) {
    const b = bridge();
    if (!b) return () => {};
    return b.on(event, listener);
  },
};
