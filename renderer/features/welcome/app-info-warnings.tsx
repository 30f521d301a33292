/** What main reported at start that the user must know before importing: no keychain, a state file set aside. */
import { AlertIcon } from '../../components/icons.js';
import { useAppStore } from '../../store/store.js';

export function AppInfoWarnings() {
  const keychain = useAppStore((s) => s.appInfo?.keychain);
  const stateProblem = useAppStore((s) => s.appInfo?.stateProblem);
  if ((!keychain || keychain.available) && !stateProblem) return null;
  return (
    <div className="warnings">
      {keychain && !keychain.available && (
        <div className="callout callout--warning" role="alert" data-testid="keychain-warning">
          <AlertIcon />
          <div>
            <strong>No OS keychain available ({keychain.backend}).</strong> Imported credentials are kept only in the
            keychain, so importing will fail until it is. {keychain.problem}
          </div>
        </div>
      )}
      {stateProblem && (
        <div className="callout callout--warning" role="alert" data-testid="state-warning">
          <AlertIcon />
          <div>
            <strong>Flotilla’s saved state could not be read.</strong> {stateProblem}
          </div>
        </div>
      )}
    </div>
  );
}
