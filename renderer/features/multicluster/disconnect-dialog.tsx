/**
 * Disconnect a secondary from its primary: what happens (its Cluster on the
 * primary goes; copies K10 distributed to it stay there), and a forced
 * disconnect for a secondary that cannot answer, which cleans up on the
 * secondary too when Flotilla holds its kubeconfig. Steps shown live.
 */
import { useEffect, useId, useMemo, useState } from 'react';
import type { McCluster } from '../../../shared/contract/index.js';
import { OperationDialog } from '../../components/operation-dialog.js';
import { operationKey } from '../../store/operations.slice.js';
import { useAppStore } from '../../store/store.js';

export function DisconnectDialog({ primaryId, cluster, onClose }: { primaryId: string; cluster: McCluster | null; onClose(): void }) {
  const rowsById = useAppStore((s) => s.rowsById);
  const primaryName = useAppStore((s) => s.rowsById[primaryId]?.name ?? primaryId);
  const disconnectCluster = useAppStore((s) => s.disconnectCluster);
  const [force, setForce] = useState(false);
  const [secondaryId, setSecondaryId] = useState('');
  const id = useId();

  useEffect(() => {
    setForce(false);
    setSecondaryId(cluster?.clusterId ?? '');
  }, [cluster]);

  const autoRow = cluster?.clusterId ? rowsById[cluster.clusterId] : undefined;
  const choices = useMemo(
    () =>
      Object.values(rowsById)
        .filter((r) => r.id !== primaryId)
        .sort((a, b) => a.name.localeCompare(b.name)),
    [rowsById, primaryId],
  );
  const name = cluster?.name ?? '';

  return (
    <OperationDialog
      open={cluster !== null}
      title={`Disconnect ${name} from ${primaryName}?`}
      confirmLabel={force ? 'Force disconnect' : 'Disconnect'}
      runningLabel="Disconnecting…"
      danger
      operationKeys={[operationKey('disconnect', primaryId), operationKey('force-disconnect', primaryId)]}
      onConfirm={() => cluster && void disconnectCluster(primaryId, { clusterName: cluster.name, force, ...(force && secondaryId ? { secondaryId } : {}) })}
      onClose={onClose}
      doneMessage={`${name} is no longer a secondary of ${primaryName}.`}
      testId="disconnect-dialog"
    >
      <p>
        Flotilla deletes the Cluster <code>{name}</code> on {primaryName}. K10 tells {name}, which leaves multi-cluster: it stops receiving distributions
        and its K10 no longer answers to the primary.
      </p>
      <p>
        Copies of global profiles and policies already distributed to {name} <strong>stay on it</strong>, as its own objects. It can join a primary again
        later.
      </p>
      <label className="check-line">
        <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} data-testid="disconnect-force" />
        <span>
          Forced (the secondary is unreachable)
          <span className="field-hint">
            The primary forgets {name} without its answer (K10’s finalizer is removed); Flotilla also removes the membership on {name} itself if it can
            reach it.
          </span>
        </span>
      </label>
      {force &&
        (autoRow ? (
          <p className="field-hint" data-testid="disconnect-secondary-auto">
            {name} is the fleet’s <strong>{autoRow.name}</strong>: Flotilla cleans up there too.
          </p>
        ) : (
          <div className="form-field">
            <label htmlFor={`${id}-secondary`}>The secondary in the fleet (optional)</label>
            <select id={`${id}-secondary`} className="input select" value={secondaryId} onChange={(e) => setSecondaryId(e.target.value)} data-testid="disconnect-secondary">
              <option value="">None: only the primary forgets it</option>
              {choices.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                  {r.role === 'secondary' && r.primaryName ? ` (secondary of ${r.primaryName})` : ''}
                </option>
              ))}
            </select>
          </div>
        ))}
    </OperationDialog>
  );
}
