/** "Start over" after a rejected join: removes the join objects on the cluster, so a new join can be made. */
import { OperationDialog } from '../../components/operation-dialog.js';
import { operationKey } from '../../store/operations.slice.js';
import { useAppStore } from '../../store/store.js';

export function StartOverDialog({ clusterId, onClose }: { clusterId: string | null; onClose(): void }) {
  const row = useAppStore((s) => (clusterId ? s.rowsById[clusterId] : undefined));
  const resetJoin = useAppStore((s) => s.resetJoin);
  const name = row?.name ?? clusterId ?? '';
  return (
    <OperationDialog
      open={clusterId !== null}
      title={`Start over on ${name}?`}
      confirmLabel="Start over"
      runningLabel="Removing…"
      operationKeys={clusterId ? [operationKey('join-reset', clusterId)] : []}
      onConfirm={() => clusterId && void resetJoin(clusterId)}
      onClose={onClose}
      doneMessage={`${name} has no join objects left; it can join a primary again.`}
      testId="start-over-dialog"
    >
      {row?.joinMessage && (
        <p>
          The last join was rejected: <q>{row.joinMessage}</q>
        </p>
      )}
      <p>
        Flotilla deletes the join objects on {name} (Secret <code>mc-join</code>, ConfigMap <code>mc-join-config</code> and Secret{' '}
        <code>mc-join-status</code> in <code>kasten-io</code>). Nothing changes on the primary.
      </p>
    </OperationDialog>
  );
}
