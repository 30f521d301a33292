/**
 * `window.flotilla` for a page the preview server opened (`npm run preview`,
 * the Playwright tests): the same API as the Electron preload, carried over
 * HTTP to main's router instead of IPC. Import it first thing in the
 * renderer's entry; in Electron the preload has already defined
 * `window.flotilla` and this module does nothing.
 *
 * The bridge secret arrives in the URL fragment (`#bridge=…`, never sent to
 * any server). It is moved to sessionStorage, so a reload keeps working, and
 * removed from the address bar, so it is neither copied with the URL nor in
 * the way of fragment routing. Every request carries it in a header.
 *
 * Events use fetch with a streamed body rather than EventSource, because
 * EventSource cannot send the secret header. The stream reconnects by
 * itself (the renderer pulls fresh state on the next event).
 */
import {
  BRIDGE_EVENTS_PATH,
  BRIDGE_FRAGMENT_KEY,
  BRIDGE_INVOKE_PATH,
  BRIDGE_SECRET_HEADER,
  type FlotillaBridge,
} from '../shared/contract/bridge.js';
import type { AppErrorDto, ErrorCode, EventName, Result } from '../shared/contract/index.js';

const STORAGE_KEY = 'flotilla.previewBridgeSecret';

type Listener = (payload: unknown) => void;

/**
 * Defines `window.flotilla` over the preview bridge unless a preload already
 * did. Returns whether it installed the shim.
 */
export function installPreviewBridge(win: Window = window): boolean {
  // Reflect.has, not `in`: the global type declares flotilla as always present, which is what the rest of the renderer may assume.
  if (Reflect.has(win, 'flotilla')) return false;
  const secret = takeSecret(win);
  const api = secret ? bridgeApi(win, secret) : missingSecretApi();
  Object.defineProperty(win, 'flotilla', { value: Object.freeze(api), enumerable: true, configurable: false, writable: false });
  return true;
}

function takeSecret(win: Window): string | undefined {
  const params = new URLSearchParams(win.location.hash.replace(/^#/, ''));
  const fromUrl = params.get(BRIDGE_FRAGMENT_KEY);
  if (fromUrl) {
    try {
      win.sessionStorage.setItem(STORAGE_KEY, fromUrl);
    } catch {
      // Storage disabled: the secret still works until the page reloads.
    }
    params.delete(BRIDGE_FRAGMENT_KEY);
    const rest = params.toString();
    win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}${rest ? `#${rest}` : ''}`);
    return fromUrl;
  }
  try {
    return win.sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function failure(code: ErrorCode, message: string): { ok: false; error: AppErrorDto } {
  return { ok: false, error: { code, message } };
}

function isResult(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null) return false;
  const b = body as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (b.ok === true) return 'result' in b;
  return b.ok === false && typeof b.error?.code === 'string' && typeof b.error.message === 'string';
}

function bridgeApi(win: Window, secret: string): FlotillaBridge {
  const listeners = new Map<string, Set<Listener>>();
  let streaming = false;

  async function invoke(channel: string, args: unknown): Promise<Result<unknown>> {
    let response: Response;
    try {
      response = await win.fetch(BRIDGE_INVOKE_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [BRIDGE_SECRET_HEADER]: secret },
        body: JSON.stringify({ channel, args }),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      return failure('UNREACHABLE', 'The preview server is not answering. Is `npm run preview` still running? Restart it and open the URL it prints.');
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (isResult(body)) return body;
    return failure('INTERNAL', `The preview server answered ${response.status} ${response.statusText} without a result.`);
  }

  function dispatch(event: string, data: string): void {
    const set = listeners.get(event);
    if (!set || set.size === 0) return;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      console.error(`flotilla preview bridge: event ${event} carried data that is not JSON`);
      return;
    }
    for (const listener of [...set]) {
      try {
        listener(payload);
      } catch (err) {
        // One failing listener must not stop the others or the stream.
        console.error(`flotilla preview bridge: a listener for ${event} failed`, err);
      }
    }
  }

  async function streamEvents(): Promise<void> {
    let delay = 250;
    for (;;) {
      try {
        const response = await win.fetch(BRIDGE_EVENTS_PATH, { headers: { [BRIDGE_SECRET_HEADER]: secret }, cache: 'no-store', credentials: 'omit' });
        if (response.status === 401 || response.status === 403) {
          console.error(`flotilla preview bridge: events refused (${response.status}); open the URL \`npm run preview\` printed.`);
          return;
        }
        if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
        delay = 250;
        await readEventStream(response.body, dispatch);
      } catch {
        // Dropped or refused: try again, backing off up to 5 s.
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }

  const api = {
    invoke: (channel: string, args: unknown) => invoke(channel, args),
    on(event: EventName, listener: Listener): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      // Wrap so the same function registered twice gets two independent subscriptions, like the preload.
      const entry: Listener = (payload) => listener(payload);
      set.add(entry);
      if (!streaming) {
        streaming = true;
        void streamEvents();
      }
      return () => {
        set.delete(entry);
      };
    },
  };
  return api as unknown as FlotillaBridge;
}

/** Opened without `#bridge=…` (or after storage was cleared): every call explains how to get in. */
function missingSecretApi(): FlotillaBridge {
  const message =
    'This page has no preview-bridge secret. Open the exact URL that `npm run preview` printed (it ends in #bridge=…).';
  const api = {
    invoke: async () => failure('UNAUTHORIZED', message),
    on: () => () => {},
  };
  return api as unknown as FlotillaBridge;
}

/** Parses a Server-Sent Events body and calls `dispatch(event, data)` per message (until the stream ends). */
export async function readEventStream(body: ReadableStream<Uint8Array>, dispatch: (event: string, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }); // the preview server ends lines with \n only
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) dispatch(event, data.join('\n'));
    }
  }
}

installPreviewBridge();
