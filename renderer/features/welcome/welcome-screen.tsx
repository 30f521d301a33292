/**
 * The first screen, when Flotilla knows no cluster: import kubeconfigs, or
 * open a lab fleet to try things without touching a real cluster. Also says
 * up front if the OS keychain is missing (imports would fail) or the state
 * file had to be set aside.
 */
import { ClustersIcon, FlaskIcon, ImportIcon } from '../../components/icons.js';
import { useAppStore } from '../../store/store.js';
import { LabStartForm } from '../lab/lab-start-form.js';
import { LAB_NOTICE } from '../lab/lab-badge.js';

export function WelcomeScreen() {
  const openImport = useAppStore((s) => s.openImport);

  return (
    <div className="welcome" data-testid="welcome-screen">
      <div className="welcome-intro">
        <div className="welcome-mark">
          <ClustersIcon size={28} />
        </div>
        <h1>Your Kasten K10 fleet, at a glance</h1>
        <p className="lead">
          Flotilla talks to each of your clusters directly from this workstation. Bring in the clusters you already
          reach with kubectl, or start with a lab fleet.
        </p>
      </div>


      <div className="welcome-choices">
        <section className="choice-card" aria-labelledby="welcome-import-title">
          <div className="choice-icon">
            <ImportIcon />
          </div>
          <h2 id="welcome-import-title">Import kubeconfigs</h2>
          <p>
            From <code>~/.kube/config</code>, <code>$KUBECONFIG</code>, files or a folder, or pasted text. You review
            every context and test its connection before anything is saved; credentials go to the OS keychain.
          </p>
          <div className="choice-actions">
            <button type="button" className="btn btn-primary" onClick={openImport} data-testid="welcome-import">
              <ImportIcon />
              Import kubeconfigs
            </button>
          </div>
        </section>

        <section className="choice-card choice-card--lab" aria-labelledby="welcome-lab-title">
          <div className="choice-icon choice-icon--lab">
            <FlaskIcon />
          </div>
          <h2 id="welcome-lab-title">Open a lab fleet</h2>
          <p>
            Emulated Kubernetes clusters with Kasten K10 and its multi-cluster manager, served on this machine. A safe
            place to learn and to try things.
          </p>
          <p className="lab-note">{LAB_NOTICE}.</p>
          <div className="choice-actions">
            <LabStartForm />
          </div>
        </section>
      </div>
    </div>
  );
}
