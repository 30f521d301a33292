/**
 * The preload (bundled to out/preload/preload.cjs: a sandboxed preload must
 * be one CommonJS file). It exposes `window.flotilla` — two named functions,
 * never ipcRenderer itself — typed by shared/contract/bridge.ts, identical to
 * the preview bridge's shim.
 *
 * The page names a contract channel, which travels as data over one fixed
 * IPC channel; main's router refuses names the contract does not declare
 * and validates the arguments, so the page cannot reach any other ipcMain
 * handler. Listeners never see Electron's event object (it exposes `sender`).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { EVENT_NAMES, IPC_EVENT, IPC_INVOKE, type FlotillaBridge } from '../../shared/contract/bridge.js';

const knownEvents: ReadonlySet<string> = new Set(EVENT_NAMES);

const api = {
  invoke(channel: string, args: unknown): Promise<unknown> {
    if (typeof channel !== 'string') return Promise.resolve({ ok: false, error: { code: 'INVALID_ARGS', message: 'The channel must be a name.' } });
    return ipcRenderer.invoke(IPC_INVOKE, channel, args);
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!knownEvents.has(event) || typeof listener !== 'function') return () => {};
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
};

// The cast only widens the generic signatures to what actually crosses the bridge (strings and plain data).
contextBridge.exposeInMainWorld('flotilla', api as unknown as FlotillaBridge);
