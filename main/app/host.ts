/**
 * The Electron shell's Host: native dialogs, the system clipboard, the system
 * browser, the OS's lock-screen signal, and the app's user-data folder.
 */
import { app, powerMonitor, shell, type BrowserWindow } from 'electron';
import type { Host } from '../host/host.js';
import { electronClipboard } from './clipboard.js';
import { electronDialogs } from './dialogs.js';

export function electronHost(window: () => BrowserWindow | undefined): Host {
  return {
    shell: 'electron',
    userDataDir: app.getPath('userData'),
    dialogs: electronDialogs(window),
    clipboard: electronClipboard(),
    openExternal: (url) => shell.openExternal(url),
    // shell.openPath answers with an error message, '' on success.
    async openPath(dir) {
      const problem = await shell.openPath(dir);
      if (problem) throw new Error(problem);
    },
    onLock(listener) {
      powerMonitor.on('lock-screen', listener);
      return () => powerMonitor.off('lock-screen', listener);
    },
  };
}
