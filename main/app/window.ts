/**
 * The app's window and the guards on every web contents. Security settings
 * live here and nowhere else (STYLE.md §5): sandboxed renderer, context
 * isolation, no Node, no <webview>, no navigation away from the app page, no
 * new windows; http(s) links go to the system browser after the URL check.
 */
import { BrowserWindow, screen, shell, type Session, type WebContents } from 'electron';
import type { Logger } from '../log.js';
import { decideNavigation, decideWindowOpen } from '../security/url-policy.js';
import { placeWindow, type SavedWindow } from './window-bounds.js';

export interface AppPaths {
  /** The built renderer's index.html (a file path). */
  indexHtml: string;
  /** Its file:// URL: the only page the window may show and the only sender IPC accepts. */
  indexUrl: string;
  /** The bundled preload (CommonJS: sandboxed preloads cannot be ES modules). */
  preload: string;
}

/** Creates the window where it was last time (if that is still on a screen) and loads the app page. */
export function createMainWindow(paths: AppPaths, saved: SavedWindow | undefined, log: Logger): BrowserWindow {
  const placement = placeWindow(saved, screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({
    ...(placement.x !== undefined && placement.y !== undefined ? { x: placement.x, y: placement.y } : {}),
    width: placement.width,
    height: placement.height,
    minWidth: 800,
    minHeight: 500,
    title: 'Flotilla',
    // Shown once the first paint is ready, so the user never sees a white flash.
    show: false,
    webPreferences: {
      preload: paths.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // Dropping a file on the window would otherwise navigate to it.
      navigateOnDragDrop: false,
      // The spellchecker downloads dictionaries from Google's CDN: not offline, not wanted.
      spellcheck: false,
      safeDialogs: true,
    },
  });
  win.once('ready-to-show', () => {
    if (placement.maximized) win.maximize();
    win.show();
  });
  win.loadFile(paths.indexHtml).catch((err: unknown) => {
    log.error(`the window could not load ${paths.indexHtml} (${(err as Error).message}); is the renderer built? \`npm run build\` builds it.`);
  });
  return win;
}

/** The window's placement as the state file keeps it (its normal bounds even while maximised). */
export function windowPlacement(win: BrowserWindow): SavedWindow {
  const b = win.getNormalBounds();
  return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
}

/** Guards any web contents the app creates (the window, and anything a bug might open). */
export function lockDownContents(contents: WebContents, paths: AppPaths, log: Logger): void {
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('refused to attach a <webview>');
  });

  // will-frame-navigate covers the main frame and subframes (will-navigate only the main one).
  // Only a main-frame link (a click) is opened in the browser: a subframe navigating by itself is refused.
  const guard = (event: { preventDefault(): void; url: string; isMainFrame: boolean }) => {
    const decision = decideNavigation(event.url, paths.indexUrl);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external' && event.isMainFrame) void openInBrowser(event.url, log);
    else log.warn('refused a navigation', { scheme: schemeOf(event.url), mainFrame: event.isMainFrame });
  };
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);

  contents.setWindowOpenHandler(({ url }) => {
    if (decideWindowOpen(url) === 'open-external') void openInBrowser(url, log);
    else log.warn('refused to open a window', { scheme: schemeOf(url) });
    return { action: 'deny' };
  });
}

/** Denies every permission a page could ask for (camera, notifications, geolocation, …): the app needs none. */
export function denyAllPermissions(session: Session, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log.warn('denied a permission request', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

async function openInBrowser(url: string, log: Logger): Promise<void> {
  try {
    // decideNavigation/decideWindowOpen only say 'open-external' for a URL that passed checkExternalUrl.
    await shell.openExternal(new URL(url).href);
  } catch (err) {
    log.warn(`could not open a link in the system browser: ${(err as Error).message}`);
  }
}

/** Only the scheme goes to the log: a refused URL may carry a token in its query. */
function schemeOf(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '(not a URL)';
  }
}
