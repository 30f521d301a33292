/**
 * The window's top bar: the app's name, the lab badge while a lab fleet
 * runs, the screens (Fleet, Multi-cluster, Audit log), the actions that
 * apply to the fleet (import, refresh), and Settings (also Ctrl/⌘+,).
 */
import { useAppStore } from '../store/store.js';
import type { Screen } from '../store/app.slice.js';
import { LabBadge } from '../features/lab/lab-badge.js';
import { GearIcon } from '../features/settings/gear-icon.js';
import { FlotillaMark, ImportIcon, RefreshIcon } from './icons.js';

type NavTarget = 'fleet' | 'multicluster' | 'audit';

/** Which header tab a screen belongs to; none for the first screen and the import wizard. */
function navOf(screen: Screen): NavTarget | null {
  switch (screen) {
    case 'fleet':
      return 'fleet';
    case 'multicluster':
    case 'promote':
    case 'join':
      return 'multicluster';
    case 'audit':
      return 'audit';
    default:
      return null;
  }
}

const NAV: { target: NavTarget; label: string }[] = [
  { target: 'fleet', label: 'Fleet' },
  { target: 'multicluster', label: 'Multi-cluster' },
  { target: 'audit', label: 'Audit log' },
];

export function AppHeader() {
  const screen = useAppStore((s) => s.screen);
  const labRunning = useAppStore((s) => s.labStatus.running);
  const refreshing = useAppStore((s) => s.refreshing);
  const openImport = useAppStore((s) => s.openImport);
  const refreshFleet = useAppStore((s) => s.refreshFleet);
  const showScreen = useAppStore((s) => s.showScreen);
  const openMulticluster = useAppStore((s) => s.openMulticluster);
  const openAudit = useAppStore((s) => s.openAudit);
  const openSettings = useAppStore((s) => s.openSettings);
  const shell = useAppStore((s) => s.appInfo?.shell);
  const current = navOf(screen);

  const go = (target: NavTarget) => {
    if (target === 'fleet') showScreen('fleet');
    else if (target === 'multicluster') openMulticluster();
    else void openAudit();
  };

  return (
    <header className="app-header">
      <div className="app-brand">
        <FlotillaMark />
        <span className="app-name">Flotilla</span>
        {shell === 'preview' && <span className="tag tag--muted" title="Served by the preview bridge (development and tests)">preview</span>}
        {labRunning && <LabBadge />}
      </div>
      {current !== null && (
        <nav className="app-nav" aria-label="Screens">
          {NAV.map(({ target, label }) => (
            <button
              key={target}
              type="button"
              className={target === current ? 'app-nav-item is-current' : 'app-nav-item'}
              aria-current={target === current ? 'page' : undefined}
              onClick={() => go(target)}
              data-testid={`nav-${target}`}
            >
              {label}
            </button>
          ))}
        </nav>
      )}
      <div className="app-actions">
        {screen === 'fleet' && (
          <>
            <button type="button" className="btn" onClick={() => void refreshFleet()} disabled={refreshing} title="Check every cluster now (F5)" aria-keyshortcuts="F5 Control+R" data-testid="refresh-fleet">
              <RefreshIcon />
              Refresh
            </button>
            <button type="button" className="btn btn-primary" onClick={openImport} title="Import kubeconfigs (Ctrl+I)" aria-keyshortcuts="Control+I" data-testid="open-import">
              <ImportIcon />
              Import kubeconfigs
            </button>
          </>
        )}
        {screen !== 'loading' && (
          <button
            type="button"
            className={screen === 'settings' ? 'btn btn-icon is-current' : 'btn btn-icon'}
            onClick={openSettings}
            aria-label="Settings"
            title="Settings (Ctrl+,)"
            aria-keyshortcuts="Control+Comma Meta+Comma"
            aria-current={screen === 'settings' ? 'page' : undefined}
            data-testid="open-settings"
          >
            <GearIcon />
          </button>
        )}
      </div>
    </header>
  );
}
