/**
 * The app around the features: what main says about itself, which screen is
 * showing, messages for the user, and the start-up sequence that decides
 * between the first screen and the fleet.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, AppInfo } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import type { Store } from './store.js';

/**
 * The screens. The fleet is home; the multi-cluster workflows have their
 * own: the Multi-cluster screen of a primary, promote and join for one
 * cluster, and the audit log.
 */
export type Screen = 'loading' | 'welcome' | 'fleet' | 'import' | 'multicluster' | 'promote' | 'join' | 'audit' | 'settings';

export interface Notice {
  id: number;
  tone: 'error' | 'info';
  message: string;
}

export interface AppSlice {
  appInfo: AppInfo | null;
  screen: Screen;
  notices: Notice[];
  /** Loads the app info, settings, lab status and fleet, then shows the first screen. */
  boot(): Promise<void>;
  /** Subscribes to main's events; returns the unsubscribe function. */
  subscribe(): () => void;
  showScreen(screen: Screen): void;
  openImport(): void;
  closeImport(): void;
  notify(message: AppErrorDto | string, tone?: Notice['tone']): void;
  dismissNotice(id: number): void;
}

/** "cluster-2: connection refused" — the cluster an error concerns comes first. */
export function errorText(error: AppErrorDto): string {
  return error.cluster ? `${error.cluster}: ${error.message}` : error.message;
}

/** The most notices kept on screen; older ones make way. */
const MAX_NOTICES = 4;

export const createAppSlice =
  (api: Api): StateCreator<Store, [], [], AppSlice> =>
  (set, get) => {
    let nextNoticeId = 1;
    const hasClusters = () => Object.keys(get().rowsById).length > 0 || get().labStatus.running;
    return {
      appInfo: null,
      screen: 'loading',
      notices: [],

      async boot() {
        const [info] = await Promise.all([
          api.invoke('app:info', {}),
          get().loadPrefs(),
          get().loadSettings(),
          get().loadLabStatus(),
          get().loadSnapshot(),
        ]);
        if (info.ok) set({ appInfo: info.result });
        else get().notify(info.error);
        set({ screen: hasClusters() ? 'fleet' : 'welcome' });
      },

      subscribe() {
        const offs = [
          api.on('fleet:changed', (event) => get().applyFleetChange(event)),
          api.on('lab:changed', (status) => get().applyLabStatus(status)),
          api.on('join:progress', (event) => {
            get().applyJoinProgress(event);
            get().applyJoinManyProgress(event);
          }),
          api.on('mc:progress', (event) => get().applyMcProgress(event)),
          api.on('clipboard:changed', (event) => get().applyClipboardEvent(event)),
        ];
        return () => offs.forEach((off) => off());
      },

      showScreen(screen) {
        set({ screen });
      },

      openImport() {
        void get().resetImport();
        set({ screen: 'import' });
      },

      closeImport() {
        void get().resetImport();
        set({ screen: hasClusters() ? 'fleet' : 'welcome' });
      },

      notify(message, tone = 'error') {
        const text = typeof message === 'string' ? message : errorText(message);
        set((s) => ({ notices: [...s.notices, { id: nextNoticeId++, tone, message: text }].slice(-MAX_NOTICES) }));
      },

      dismissNotice(id) {
        set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
      },
    };
  };
