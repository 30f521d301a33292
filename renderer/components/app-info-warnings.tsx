/**
 * What main found at start that the user must know on every screen: no
 * keychain (with how to fix it), a state file that was set aside (where it
 * is now). The keychain warning stays while it is true; the state notice
 * until the user dismisses it.
 */
import { useState } from 'react';
import { AlertIcon } from './icons.js';
import { useAppStore } from '../store/store.js';

export function AppInfoWarnings() {
  const keychain = useAppStore((s) => s.appInfo?.keychain);
  const stateProblem = useAppStore((s) => s.appInfo?.stateProblem);
  const openPath = useAppStore((s) => s.openPath);
  const openPathError = useAppStore((s) => s.openPathError);
  const [stateDismissed, setStateDismissed] = useState(false);
  const showState = !!stateProblem && !stateDismissed;
  if ((!keychain || keychain.available) && !showState) return null;
  return (
    <div className="warnings" role="region" aria-label="Problems found at start">
      {keychain && !keychain.available && (
        <div className="callout callout--warning" role="alert" data-testid="keychain-warning">
          <AlertIcon />
          <div>
            <strong>No OS keychain available ({keychain.backend}).</strong> Imported credentials are kept only in the
            keychain, so importing will fail until it is. {keychain.problem}
          </div>
        </div>
      )}
      {showState && (
        <div className="callout callout--warning" role="alert" data-testid="state-warning">
          <AlertIcon />
          <div>
            <strong>Flotilla’s saved state could not be read.</strong> {stateProblem}
            {openPathError && (
              <p className="muted" data-testid="state-warning-open-error">
                {openPathError.message}
              </p>
            )}
          </div>
          <button type="button" className="btn" data-testid="state-warning-open" onClick={() => void openPath('state')}>
            Open folder
          </button>
          <button type="button" className="btn" data-testid="state-warning-dismiss" onClick={() => setStateDismissed(true)}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
