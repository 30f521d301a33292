/**
 * The window's top bar: the app's name, the lab badge while a lab fleet
 * runs, and the actions that apply everywhere (import, refresh).
 */
import { useAppStore } from '../store/store.js';
import { LabBadge } from '../features/lab/lab-badge.js';
import { FlotillaMark, ImportIcon, RefreshIcon } from './icons.js';

export function AppHeader() {
  const screen = useAppStore((s) => s.screen);
  const labRunning = useAppStore((s) => s.labStatus.running);
  const refreshing = useAppStore((s) => s.refreshing);
  const openImport = useAppStore((s) => s.openImport);
  const refreshFleet = useAppStore((s) => s.refreshFleet);
  const shell = useAppStore((s) => s.appInfo?.shell);

  return (
    <header className="app-header">
      <div className="app-brand">
        <FlotillaMark />
        <span className="app-name">Flotilla</span>
        {shell === 'preview' && <span className="tag tag--muted" title="Served by the preview bridge (development and tests)">preview</span>}
        {labRunning && <LabBadge />}
      </div>
      {screen === 'fleet' && (
        <div className="app-actions">
          <button type="button" className="btn" onClick={() => void refreshFleet()} disabled={refreshing} data-testid="refresh-fleet">
            <RefreshIcon />
            Refresh
          </button>
          <button type="button" className="btn btn-primary" onClick={openImport} data-testid="open-import">
            <ImportIcon />
            Import kubeconfigs
          </button>
        </div>
      )}
    </header>
  );
}
