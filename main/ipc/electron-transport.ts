/**
 * The Electron IPC transport: one invoke channel for calls, one channel for
 * events, over the router. It lives here, beside the preview bridge, and
 * takes Electron's objects as plain interfaces, so it is tested without
 * Electron; main/app only hands them in.
 *
 * Who may call is decided before anything else: only the app's own page in
 * the window's main frame (`isAppFrame`, main/app's check); anything else
 * gets FORBIDDEN and a log line, never a handler.
 */
import { IPC_EVENT, IPC_INVOKE } from '../../shared/contract/bridge.js';
import type { Result } from '../../shared/contract/index.js';
import type { Logger } from '../log.js';
import type { Router } from './router.js';

/** What the transport needs of ipcMain. */
export interface IpcMainLike<E> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** The window's contents, where events go. */
export interface EventTarget {
  send(channel: string, ...args: unknown[]): void;
}

export interface ElectronTransportOptions<E> {
  ipcMain: IpcMainLike<E>;
  router: Router;
  log: Logger;
  /** True only for the app page in the app window's main frame. */
  isAppFrame(event: E): boolean;
  /** Where to push events now (the app window showing the app page), or undefined. */
  eventTarget(): EventTarget | undefined;
}

/** Starts answering IPC; returns the function that stops it. */
export function startElectronTransport<E>(opts: ElectronTransportOptions<E>): () => void {
  const { ipcMain, router, log } = opts;
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, args: unknown): Promise<Result<unknown>> => {
    if (!opts.isAppFrame(event)) {
      log.warn('refused IPC from a frame that is not the app page', { channel: typeof channel === 'string' ? channel.slice(0, 64) : typeof channel });
      return { ok: false, error: { code: 'FORBIDDEN', message: "Only Flotilla's own page may call Flotilla." } };
    }
    return router.call(channel, args, { transport: 'electron' });
  });
  const unsubscribe = router.subscribe(({ event, payload }) => opts.eventTarget()?.send(IPC_EVENT, event, payload));
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_INVOKE);
  };
}
