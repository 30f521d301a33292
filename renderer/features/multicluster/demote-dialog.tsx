/** Demote a primary that has no secondaries left: its Cluster, Bootstrap and join tokens go; kasten-io-mc stays. */
import { useEffect } from 'react';
import { OperationDialog } from '../../components/operation-dialog.js';
import { operationKey } from '../../store/operations.slice.js';
import { useAppStore } from '../../store/store.js';

export function DemoteDialog({ primaryId, onClose }: { primaryId: string | null; onClose(): void }) {
  const row = useAppStore((s) => (primaryId ? s.rowsById[primaryId] : undefined));
  const demotePrimary = useAppStore((s) => s.demotePrimary);
  const secondaries = useAppStore((s) => (primaryId ? s.mcClusters[primaryId]?.filter((c) => c.type === 'secondary').length : undefined));
  const loadMcClusters = useAppStore((s) => s.loadMcClusters);
  const name = row?.name ?? primaryId ?? '';

  // Whether it still has secondaries, as the primary says now.
  useEffect(() => {
    if (primaryId) void loadMcClusters(primaryId);
  }, [primaryId, loadMcClusters]);

  return (
    <OperationDialog
      open={primaryId !== null}
      title={`Demote ${name}?`}
      confirmLabel="Demote"
      runningLabel="Demoting…"
      danger
      confirmDisabled={secondaries !== undefined && secondaries > 0}
      operationKeys={primaryId ? [operationKey('demote', primaryId)] : []}
      onConfirm={() => primaryId && void demotePrimary(primaryId)}
      onClose={onClose}
      doneMessage={`${name} is no longer a multi-cluster primary.`}
      testId="demote-dialog"
    >
      <p>
        {name} stops being a multi-cluster primary{row?.primaryName ? ` (“${row.primaryName}”)` : ''}: Flotilla deletes its own Cluster, its Bootstrap
        and its join tokens in <code>kasten-io-mc</code>. The namespace stays, with any global profiles and policies in it.
      </p>
      <p>Only a primary with no secondaries can be demoted; disconnect them first.</p>
      {secondaries !== undefined && secondaries > 0 && (
        <p className="field-hint field-hint--error" data-testid="demote-has-secondaries">
          {name} still has {secondaries === 1 ? 'a secondary' : `${secondaries} secondaries`}: disconnect {secondaries === 1 ? 'it' : 'them'} first.
        </p>
      )}
    </OperationDialog>
  );
}
