/**
 * The Electron entry (bundled to out/main/main.mjs). It wires Electron to the
 * services and holds no logic of its own: the router, handlers and URL rules
 * are Node modules tested without Electron.
 *
 *   single instance → services (state, keychain, fleet, lab) → one window
 *   IPC: main/ipc/electron-transport.ts, given ipcMain and the check that a
 *   call comes from the app's own main frame.
 */
import { app, BrowserWindow, ipcMain, Menu, session, type IpcMainInvokeEvent } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runCli } from '../cli/main.js';
import { startElectronTransport } from '../ipc/electron-transport.js';
import { labStarter } from '../lab/cluster-source.js';
import { createLogger } from '../log.js';
import { createServices, type Services } from '../services.js';
import { electronHost } from './host.js';
import { buildAppMenu } from './menu.js';
import { isAppPageUrl } from '../security/url-policy.js';
import { createMainWindow, denyAllPermissions, lockDownContents, windowPlacement, type AppPaths } from './window.js';

const here = dirname(fileURLToPath(import.meta.url)); // out/main
const indexHtml = join(here, '..', 'renderer', 'index.html');
const paths: AppPaths = { indexHtml, indexUrl: pathToFileURL(indexHtml).href, preload: join(here, '..', 'preload', 'preload.cjs') };

// Every renderer sandboxed, whatever a BrowserWindow asks for.
app.enableSandbox();
// One user-data folder ("Flotilla" in the OS's app-data folder) for `npm start` and the packaged app alike;
// Electron would otherwise name it after package.json's lowercase name. Set before the lock, which lives in it.
app.setPath('userData', join(app.getPath('appData'), 'Flotilla'));

// `Flotilla --cli COMMAND …` is the installed `flotilla` command: the packaged app has the RunAsNode
// fuse off (electron-builder.yml), so the CLI runs in this main process, opens no window, takes no
// single-instance lock (the app may be open meanwhile) and exits with the command's status.
const cliAt = process.argv.indexOf('--cli');
if (cliAt >= 0) {
  app.dock?.hide();
  void runCli(process.argv.slice(cliAt + 1)).then(
    (code) => app.exit(code),
    () => app.exit(1),
  );
} else if (!app.requestSingleInstanceLock()) {
  // Another Flotilla is running: it gets focus (second-instance below), this one leaves.
  app.quit();
} else {
  run();
}

function run(): void {
  const log = createLogger({ file: join(app.getPath('userData'), 'logs', 'main.log') });
  let services: Services | undefined;
  let win: BrowserWindow | undefined;
  let stopped = false;
  /** The last write of the window's placement; will-quit waits for it. */
  let placementSaved: Promise<void> = Promise.resolve();

  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, paths, log));

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  /** Only the app page in our own window's main frame may call main. */
  const fromAppFrame = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return !!win && event.sender === win.webContents && !!frame && frame.parent === null && isAppPageUrl(frame.url, paths.indexUrl);
  };

  const openWindow = (s: Services) => {
    const w = createMainWindow(paths, s.state.get().window, log);
    w.on('close', () => {
      const placement = windowPlacement(w);
      placementSaved = s.state
        .update((draft) => void (draft.window = placement))
        .catch((err: unknown) => log.warn(`could not save the window's placement: ${(err as Error).message}`));
    });
    w.on('closed', () => {
      if (win === w) win = undefined;
    });
    win = w;
  };

  app
    .whenReady()
    .then(async () => {
      denyAllPermissions(session.defaultSession, log);
      Menu.setApplicationMenu(buildAppMenu());
      const s = await createServices({
        host: electronHost(() => win),
        version: app.getVersion(),
        startLab: labStarter(),
        log,
      });
      services = s;

      s.lifecycle.add(
        'IPC',
        startElectronTransport<IpcMainInvokeEvent>({
          ipcMain,
          router: s.router,
          log,
          isAppFrame: fromAppFrame,
          eventTarget: () => {
            const contents = win?.webContents;
            return contents && !contents.isDestroyed() && isAppPageUrl(contents.getURL(), paths.indexUrl) ? contents : undefined;
          },
        }),
      );

      openWindow(s);
      app.on('activate', () => {
        // macOS: clicking the dock icon with no window open reopens it.
        if (!win) openWindow(s);
      });
    })
    .catch((err: unknown) => {
      log.error(`Flotilla could not start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      // dialog.showErrorBox is safe before and after 'ready' and needs no window.
      void import('electron').then(({ dialog }) => {
        dialog.showErrorBox('Flotilla could not start', err instanceof Error ? err.message : String(err));
        app.exit(1);
      });
    });

  app.on('window-all-closed', () => {
    // macOS apps stay alive without windows; elsewhere closing the window quits.
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('will-quit', (event) => {
    if (stopped || !services) return;
    // Stop watches and the lab fleet, and let the window's placement reach the disk, before exiting.
    event.preventDefault();
    const s = services;
    Promise.all([s.stop(), placementSaved])
      .catch((err: unknown) => log.error(`stopping: ${(err as Error).message}`))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
}
