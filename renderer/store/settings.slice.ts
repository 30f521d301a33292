/**
 * The settings screen's part of the store: the theme, the probe interval and
 * the clipboard clear delay (saved in the state file through
 * `settings:set`), and the About data (versions, bundled licenses).
 *
 * The fleet view saves its own part of the same settings from a copy it
 * keeps (fleet-prefs.slice.ts). A save here sends the fleet part as the
 * store has it now, then has that slice read the settings again, so neither
 * save can put back the other's old values.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { About, AppErrorDto, FullSettings, OpenPathTarget, Settings, Theme } from '../../shared/contract/index.js';
// Plain values, not the contract's index: that would bring zod, which needs eval, into the renderer.
import { withSettingsDefaults } from '../../shared/contract/settings-values.js';
import type { Api } from '../api.js';
import type { Store } from './store.js';

/** What the settings screen changes (the fleet view's part is saved by its own slice). */
export type AppSettings = Omit<FullSettings, 'fleet'>;

export const DEFAULT_APP_SETTINGS: AppSettings = { theme: 'system', probeIntervalSeconds: 10, clipboardClearSeconds: 30 };

export interface SettingsSlice {
  appSettings: AppSettings;
  /** The last save's error, shown on the settings screen. */
  settingsError: AppErrorDto | null;
  about: About | null;
  /** Why a folder could not be opened (in the preview: the folder to open by hand). */
  openPathError: AppErrorDto | null;
  loadSettings(): Promise<void>;
  /** Saves a change of the theme, the probe interval or the clipboard delay; applied at once by main. */
  saveSettings(change: Partial<AppSettings>): Promise<boolean>;
  setTheme(theme: Theme): Promise<boolean>;
  openSettings(): void;
  loadAbout(): Promise<void>;
  openPath(which: OpenPathTarget): Promise<void>;
}

function appPart(s: Settings): AppSettings {
  const { fleet: _fleet, ...rest } = withSettingsDefaults(s);
  return rest;
}

export const createSettingsSlice =
  (api: Api): StateCreator<Store, [], [], SettingsSlice> =>
  (set, get) => {
    /** Saves in flight answer in any order: only the latest one's answer is shown. */
    let latestSave = 0;
    return {
      appSettings: DEFAULT_APP_SETTINGS,
      settingsError: null,
      about: null,
      openPathError: null,

      async loadSettings() {
        const r = await api.invoke('settings:get', {});
        if (r.ok) set({ appSettings: appPart(r.result) });
        else get().notify(r.error);
      },

      async saveSettings(change) {
        const mine = ++latestSave;
        const before = get().appSettings;
        const next = { ...before, ...change };
        set({ appSettings: next, settingsError: null });
        const { sort, search, roleFilter, stateFilter } = get();
        const settings: Settings = { fleet: { sort, filter: search, roleFilter, stateFilter }, ...next };
        const r = await api.invoke('settings:set', { settings });
        const latest = mine === latestSave;
        if (!r.ok) {
          if (latest) set({ appSettings: before, settingsError: r.error });
          return false;
        }
        if (latest) set({ appSettings: appPart(r.result) });
        // The fleet view's copy of the settings still has the old values of ours: refresh it.
        await get().loadPrefs();
        return true;
      },

      setTheme(theme) {
        return get().saveSettings({ theme });
      },

      openSettings() {
        set({ screen: 'settings', settingsError: null, openPathError: null });
        void get().loadAbout();
      },

      async loadAbout() {
        if (get().about) return;
        const r = await api.invoke('app:about', {});
        if (r.ok) set({ about: r.result });
        else get().notify(r.error);
      },

      async openPath(which) {
        set({ openPathError: null });
        const r = await api.invoke('app:open-path', { which });
        if (!r.ok) set({ openPathError: r.error });
      },
    };
  };
