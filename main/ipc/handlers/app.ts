/**
 * Handlers for the app itself: what it runs on (`app:info`, `app:about`),
 * the user's settings, opening one of Flotilla's folders in the file
 * manager, and opening a link in the system browser.
 *
 * The shell-specific parts (the browser launcher; whether this is Electron
 * or the preview) come in as plain functions and values, so these run the
 * same under Electron, the preview bridge and unit tests.
 */
import {
  AppError,
  withSettingsDefaults,
  type About,
  type FullSettings,
  type KeychainStatus,
  type OpenPathTarget,
  type Settings,
} from '../../../shared/contract/index.js';
// Pure URL rules: shared with main/app's navigation guards so both refuse the same links.
import { checkExternalUrl } from '../../security/url-policy.js';
import type { HandlerMap } from '../types.js';

/** What the settings handlers need from the state file (AppStateStore satisfies it). */
export interface SettingsState {
  get(): { settings: Settings };
  update(fn: (draft: { settings: Settings }) => void): Promise<void>;
  /** Set when the state file found at start could not be used. */
  readonly problem?: string;
}

export interface AppHandlerDeps {
  shell: 'electron' | 'preview' | 'cli';
  version: string;
  state: SettingsState;
  /** Probes the keychain (writes, reads back and deletes an entry). */
  keychainStatus: () => Promise<KeychainStatus>;
  /** Opens a checked http(s) URL in the system browser; absent in preview. */
  openExternal?: (url: string) => Promise<void>;
  platform?: NodeJS.Platform;
  /** Where the state file, the logs folder and the audit log are (shown in app:info). */
  paths: { state: string; logs: string; audit: string };
  /** The folder each `app:open-path` target opens. */
  folders: Record<OpenPathTarget, string>;
  /** Opens a folder in the system's file manager; absent in the preview and the CLI. */
  openFolder?: (dir: string) => Promise<void>;
  /** Versions and bundled licenses for the About section. */
  about: () => About;
  /** Called after settings were saved, with the new and the previous ones (defaults filled in), to apply them. */
  onSettingsChanged?: (settings: FullSettings, previous: FullSettings) => void;
}

export type AppChannel = 'app:info' | 'app:about' | 'settings:get' | 'settings:set' | 'app:open-path' | 'app:open-external';

const FOLDER_NAMES: Record<OpenPathTarget, string> = { state: 'state file', logs: 'logs', audit: 'audit log' };

/** The `app:*` and `settings:*` handlers. */
export function appHandlers(deps: AppHandlerDeps): HandlerMap<AppChannel> {
  // A keychain that works keeps working; probing it on every app:info would
  // cost a keychain round trip (and maybe an unlock prompt) each time. One
  // that failed is probed again, so the fix the message suggests shows up
  // after the user applies it.
  let keychain: Promise<KeychainStatus> | undefined;
  const keychainStatus = async (): Promise<KeychainStatus> => {
    keychain ??= deps.keychainStatus();
    const status = await keychain;
    if (!status.available) keychain = undefined;
    return status;
  };

  return {
    'app:info': async () => ({
      version: deps.version,
      platform: deps.platform ?? process.platform,
      shell: deps.shell,
      keychain: await keychainStatus(),
      ...(deps.state.problem ? { stateProblem: deps.state.problem } : {}),
      paths: deps.paths,
    }),

    'app:about': () => deps.about(),

    'settings:get': () => withSettingsDefaults(deps.state.get().settings),

    'settings:set': async ({ settings }) => {
      const previous = withSettingsDefaults(deps.state.get().settings);
      // A caller that knows only some fields (the fleet view saves `fleet`) must not reset the others.
      const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Settings;
      await deps.state.update((draft) => {
        draft.settings = { ...draft.settings, ...given };
      });
      const saved = withSettingsDefaults(deps.state.get().settings);
      deps.onSettingsChanged?.(saved, previous);
      return saved;
    },

    'app:open-path': async ({ which }) => {
      const dir = deps.folders[which];
      if (!deps.openFolder) {
        throw new AppError('UNSUPPORTED', `This ${deps.shell === 'cli' ? 'command line' : 'preview'} cannot open a file manager; the ${FOLDER_NAMES[which]} folder is ${dir} — open it yourself.`);
      }
      try {
        await deps.openFolder(dir);
      } catch (err) {
        throw new AppError('UNSUPPORTED', `The system could not open ${dir} (${err instanceof Error ? err.message : String(err)}). Open the folder yourself.`);
      }
      return null;
    },

    'app:open-external': async ({ url }) => {
      const check = checkExternalUrl(url);
      if (!check.ok) throw new AppError('INVALID_ARGS', `Flotilla did not open that link: ${check.reason}.`);
      if (!deps.openExternal) {
        throw new AppError('UNSUPPORTED', `This preview cannot open your system browser; open ${check.url} yourself.`);
      }
      try {
        await deps.openExternal(check.url);
      } catch (err) {
        // E.g. no default browser registered (a bare Linux desktop): the user can still copy the link.
        throw new AppError('UNSUPPORTED', `The system could not open ${check.url} (${err instanceof Error ? err.message : String(err)}). Copy the link into a browser instead.`);
      }
      return null;
    },
  };
}
