/**
 * Handlers for the app itself: what it runs on (`app:info`), the user's
 * settings, and opening a link in the system browser.
 *
 * The shell-specific parts (the browser launcher; whether this is Electron
 * or the preview) come in as plain functions and values, so these run the
 * same under Electron, the preview bridge and unit tests.
 */
import { AppError, type KeychainStatus, type Settings } from '../../../shared/contract/index.js';
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
}

export type AppChannel = 'app:info' | 'settings:get' | 'settings:set' | 'app:open-external';

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
    }),

    'settings:get': () => deps.state.get().settings,

    'settings:set': async ({ settings }) => {
      await deps.state.update((draft) => {
        draft.settings = settings;
      });
      return deps.state.get().settings;
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
