/** Asks before removing clusters from Flotilla, and says what removal does and does not touch. */
import { plural } from '../../format.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { useAppStore } from '../../store/store.js';

const NAMES_LISTED = 8;

export function RemoveClustersDialog({ ids, onClose }: { ids: string[] | null; onClose(): void }) {
  const rowsById = useAppStore((s) => s.rowsById);
  const removing = useAppStore((s) => s.removing);
  const removeClusters = useAppStore((s) => s.removeClusters);
  const names = (ids ?? []).map((id) => rowsById[id]?.name ?? id);
  const labCount = (ids ?? []).filter((id) => rowsById[id]?.source === 'lab').length;

  return (
    <ConfirmDialog
      open={ids !== null && ids.length > 0}
      title={`Remove ${plural(names.length, 'cluster')} from Flotilla?`}
      confirmLabel={removing ? 'Removing…' : 'Remove'}
      danger
      busy={removing}
      testId="remove-dialog"
      onCancel={onClose}
      onConfirm={() => {
        if (!ids) return;
        void removeClusters(ids).then((ok) => ok && onClose());
      }}
    >
      <ul className="dialog-names">
        {names.slice(0, NAMES_LISTED).map((n) => (
          <li key={n}>{n}</li>
        ))}
        {names.length > NAMES_LISTED && <li className="muted">and {names.length - NAMES_LISTED} more</li>}
      </ul>
      <p>
        Flotilla forgets {names.length === 1 ? 'it' : 'them'} and deletes {names.length === 1 ? 'its' : 'their'} credentials
        from the keychain. The clusters themselves, and your kubeconfig files, are not touched.
      </p>
      {labCount > 0 && <p className="muted">Lab clusters come back when a lab fleet is opened again.</p>}
    </ConfirmDialog>
  );
}
