/**
 * The Electron shell's Host: native dialogs, the system clipboard, the system
 * browser, the OS's lock-screen signal, and the app's user-data folder.
 */
import { app, powerMonitor, shell, type BrowserWindow } from 'electron';
import type { Host } from '../host/host.js';
import { checkExternalUrl } from '../security/url-policy.js';
import { electronClipboard } from './clipboard.js';
import { electronDialogs } from './dialogs.js';

export function electronHost(window: () => BrowserWindow | undefined): Host {
  return {
    shell: 'electron',
    userDataDir: app.getPath('userData'),
    dialogs: electronDialogs(window),
    clipboard: electronClipboard(),
    // Checked here as well as in app:open-external: whichever service calls, the OS is never handed
    // a file:, custom-scheme or credential-carrying URL (shell.openExternal would run its handler).
    async openExternal(url) {
      const check = checkExternalUrl(url);
      if (!check.ok) throw new Error(`Flotilla did not open that link: ${check.reason}.`);
      await shell.openExternal(check.url);
    },
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
