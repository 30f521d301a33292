/**
 * The window's content: header, lab banner, messages, and one screen at a
 * time. Starts the store (subscribe to events first, then load, so no
 * change between the two is missed), and applies the theme setting.
 */
import { useEffect, useState } from 'react';
import { AppHeader } from './components/app-header.js';
import { AppInfoWarnings } from './components/app-info-warnings.js';
import { Notices } from './components/notices.js';
import { Spinner } from './components/spinner.js';
import { isTyping, shortcutOf } from './components/shortcuts.js';
import { ShortcutsDialog } from './components/shortcuts-dialog.js';
import { FLEET_SEARCH_ID } from './features/fleet/fleet-toolbar.js';
import { FleetScreen } from './features/fleet/fleet-screen.js';
import { ImportWizard } from './features/import/import-wizard.js';
import { LabBanner } from './features/lab/lab-banner.js';
import { WelcomeScreen } from './features/welcome/welcome-screen.js';
import { MulticlusterScreen } from './features/multicluster/multicluster-screen.js';
import { PromoteScreen } from './features/multicluster/promote-screen.js';
import { JoinScreen } from './features/join/join-screen.js';
import { AuditScreen } from './features/audit/audit-screen.js';
import { SettingsScreen } from './features/settings/settings-screen.js';
import { useAppStore } from './store/store.js';

export function App() {
  const screen = useAppStore((s) => s.screen);
  const boot = useAppStore((s) => s.boot);
  const subscribe = useAppStore((s) => s.subscribe);
  const theme = useAppStore((s) => s.appSettings.theme);
  const openSettings = useAppStore((s) => s.openSettings);
  const openImport = useAppStore((s) => s.openImport);
  const refreshFleet = useAppStore((s) => s.refreshFleet);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);

  useEffect(() => {
    const unsubscribe = subscribe();
    void boot();
    return unsubscribe;
  }, [boot, subscribe]);

  // base.css picks the palette from this attribute ('system' follows the OS).
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Keyboard shortcuts (components/shortcuts.tsx lists them; `?` shows the list): not before start-up has
  // picked the first screen, not while typing in a field (but Ctrl+,), not behind a modal dialog.
  const booted = screen !== 'loading';
  useEffect(() => {
    if (!booted) return;
    const onKey = (e: KeyboardEvent) => {
      const id = shortcutOf(e);
      if (!id || e.defaultPrevented || document.querySelector('dialog:modal')) return;
      // Ctrl+, edits nothing, so it works from a field too (as it always has).
      if (id !== 'settings' && isTyping(e.target)) return;
      switch (id) {
        case 'settings':
          e.preventDefault();
          return openSettings();
        case 'help':
          e.preventDefault();
          return setShortcutsOpen(true);
        case 'import':
          if (screen !== 'fleet' && screen !== 'welcome') return;
          e.preventDefault();
          return openImport();
        case 'search': {
          const search = screen === 'fleet' ? document.getElementById(FLEET_SEARCH_ID) : null;
          if (!search) return;
          e.preventDefault();
          search.focus();
          return;
        }
        case 'refresh':
          // A reload would throw away the app's state: never; on the fleet it checks every cluster now.
          e.preventDefault();
          if (screen === 'fleet') void refreshFleet();
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [booted, screen, openSettings, openImport, refreshFleet]);

  return (
    <div className="app" data-screen={screen}>
      <AppHeader />
      <LabBanner />
      <AppInfoWarnings />
      <Notices />
      <main className="app-main">
        {screen === 'loading' && (
          <div className="loading" data-testid="loading">
            <Spinner label="Loading" />
          </div>
        )}
        {screen === 'welcome' && <WelcomeScreen />}
        {screen === 'fleet' && <FleetScreen />}
        {screen === 'import' && <ImportWizard />}
        {screen === 'multicluster' && <MulticlusterScreen />}
        {screen === 'promote' && <PromoteScreen />}
        {screen === 'join' && <JoinScreen />}
        {screen === 'audit' && <AuditScreen />}
        {screen === 'settings' && <SettingsScreen />}
      </main>
      <ShortcutsDialog open={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />
    </div>
  );
}
