/**
 * The strip under the header while a lab fleet runs: says plainly that
 * these clusters are emulated and their credentials live in memory only,
 * and offers to stop the lab.
 */
import { useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { FlaskIcon } from '../../components/icons.js';
import { plural } from '../../format.js';
import { useAppStore } from '../../store/store.js';
import { LAB_NOTICE } from './lab-badge.js';

export function LabBanner() {
  const running = useAppStore((s) => s.labStatus.running);
  const count = useAppStore((s) => s.labStatus.clusters.length);
  const busy = useAppStore((s) => s.labBusy);
  const stopLab = useAppStore((s) => s.stopLab);
  const [confirming, setConfirming] = useState(false);
  if (!running) return null;

  return (
    // A named section is a region landmark: the banner is on every screen, outside <main>.
    <section className="lab-banner" aria-label="Lab fleet" data-testid="lab-banner">
      <FlaskIcon />
      <strong>{LAB_NOTICE}</strong>
      <span className="lab-banner-detail">{plural(count, 'cluster')} on 127.0.0.1 · gone when the lab stops or Flotilla quits</span>
      <button type="button" className="btn btn-small" onClick={() => setConfirming(true)} disabled={busy !== null} data-testid="stop-lab">
        {busy === 'stopping' ? 'Stopping…' : 'Stop lab'}
      </button>
      <ConfirmDialog
        open={confirming}
        title="Stop the lab fleet?"
        confirmLabel="Stop lab"
        danger
        busy={busy !== null}
        testId="stop-lab-dialog"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          void stopLab();
        }}
      >
        <p>
          The {plural(count, 'emulated cluster')} and everything in them go away, with their in-memory credentials.
          Clusters you imported stay.
        </p>
      </ConfirmDialog>
    </section>
  );
}
