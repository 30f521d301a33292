/**
 * The window's content: header, lab banner, messages, and one screen at a
 * time. Starts the store (subscribe to events first, then load, so no
 * change between the two is missed), and applies the theme setting.
 */
import { useEffect } from 'react';
import { AppHeader } from './components/app-header.js';
import { AppInfoWarnings } from './components/app-info-warnings.js';
import { Notices } from './components/notices.js';
import { Spinner } from './components/spinner.js';
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

  useEffect(() => {
    const unsubscribe = subscribe();
    void boot();
    return unsubscribe;
  }, [boot, subscribe]);

  // base.css picks the palette from this attribute ('system' follows the OS).
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // Ctrl+, (⌘, on macOS): the usual shortcut for a desktop app's settings; not before start-up has picked the first screen.
  const booted = screen !== 'loading';
  useEffect(() => {
    if (!booted) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === ',' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
        e.preventDefault();
        openSettings();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [booted, openSettings]);

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
    </div>
  );
}
