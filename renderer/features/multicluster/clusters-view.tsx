/**
 * A primary's Cluster objects: the primary itself and its secondaries, with
 * their labels (which distributions select clusters by), K10 ingress,
 * connection and the fleet row of the same cluster. Labels are edited in
 * place; a secondary can be disconnected.
 */
import { RefreshButton } from '../../components/refresh-button.js';
import { Fragment, useEffect, useState } from 'react';
import type { McCluster } from '../../../shared/contract/index.js';
import { LockIcon } from '../../components/icons.js';
import { InlineError } from '../../components/inline-error.js';
import { Spinner } from '../../components/spinner.js';
import { useAppStore } from '../../store/store.js';
import { DisconnectDialog } from './disconnect-dialog.js';
import { LabelEditor } from './label-editor.js';
import { formatLabel, isReadOnlyLabel } from './label-model.js';

const EMPTY: McCluster[] = [];

export function ClustersView({ primaryId }: { primaryId: string }) {
  const clusters = useAppStore((s) => s.mcClusters[primaryId] ?? EMPTY);
  const loaded = useAppStore((s) => primaryId in s.mcClusters);
  const loading = useAppStore((s) => s.mcClustersLoading);
  const error = useAppStore((s) => s.mcClustersError);
  const rowsById = useAppStore((s) => s.rowsById);
  const loadMcClusters = useAppStore((s) => s.loadMcClusters);
  const [editing, setEditing] = useState<string | null>(null);
  const [disconnect, setDisconnect] = useState<McCluster | null>(null);

  useEffect(() => {
    void loadMcClusters(primaryId);
  }, [primaryId, loadMcClusters]);

  const secondaries = clusters.filter((c) => c.type === 'secondary').length;

  return (
    <div className="mc-clusters" data-testid="mc-clusters">
      <div className="view-toolbar">
        <p className="muted">
          {loaded ? `${secondaries === 1 ? '1 secondary' : `${secondaries} secondaries`}. Labels on these Cluster objects are what distributions select clusters by.` : ''}
        </p>
        <span className="toolbar-spacer" />
        <RefreshButton onClick={() => void loadMcClusters(primaryId)} loading={loading} testId="mc-clusters-refresh" />
      </div>
      <InlineError error={error} testId="mc-clusters-error" />
      {!loaded && loading && (
        <p className="muted">
          <Spinner /> Reading the Cluster objects…
        </p>
      )}
      {loaded && (
        <div className="data-frame">
          <table className="data-table" data-testid="mc-clusters-table">
            <thead>
              <tr>
                <th>Cluster</th>
                <th>Labels</th>
                <th>K10 ingress</th>
                <th>Connection</th>
                <th>In Flotilla</th>
                <th className="col-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {clusters.map((c) => {
                const row = c.clusterId ? rowsById[c.clusterId] : undefined;
                return (
                  <Fragment key={c.name}>
                    <tr className={c.deleting ? 'is-deleting' : undefined} data-testid="mc-cluster-row" data-name={c.name} data-type={c.type} data-deleting={c.deleting}>
                      <td>
                        <div className="cell-primary">
                          {c.name} {c.type === 'primary' && <span className="role role--primary">Primary</span>}
                        </div>
                        {c.id && <div className="cell-secondary mono" title="status.id">{c.id}</div>}
                      </td>
                      <td>
                        <McLabelChips labels={c.labels} />
                      </td>
                      <td className="mono cell-wrap">{c.ingressUrl ?? <span className="muted">—</span>}</td>
                      <td data-testid="mc-cluster-connection">{c.deleting ? <span className="join--joining">Disconnecting…</span> : (c.connection ?? <span className="muted">—</span>)}</td>
                      <td>{row ? row.name : <span className="muted" title="Flotilla holds no kubeconfig of this cluster">—</span>}</td>
                      <td className="col-actions">
                        <div className="row-buttons">
                          <button
                            type="button"
                            className="btn btn-small"
                            onClick={() => setEditing(editing === c.name ? null : c.name)}
                            aria-expanded={editing === c.name}
                            disabled={c.deleting}
                            data-testid="mc-labels-edit"
                          >
                            Edit labels
                          </button>
                          {c.type === 'secondary' && (
                            <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDisconnect(c)} disabled={c.deleting} data-testid="mc-disconnect">
                              Disconnect…
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                    {editing === c.name && (
                      <tr className="editor-row">
                        <td colSpan={6}>
                          <LabelEditor primaryId={primaryId} cluster={c} onClose={() => setEditing(null)} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <DisconnectDialog primaryId={primaryId} cluster={disconnect} onClose={() => setDisconnect(null)} />
    </div>
  );
}

/** Labels as chips; the cluster-type label (K10's) marked read-only. */
export function McLabelChips({ labels }: { labels: Record<string, string> }) {
  const keys = Object.keys(labels).sort((a, b) => Number(isReadOnlyLabel(b)) - Number(isReadOnlyLabel(a)) || a.localeCompare(b));
  if (keys.length === 0) return <span className="muted">—</span>;
  return (
    <span className="labels labels--wrap" data-testid="mc-labels">
      {keys.map((k) =>
        isReadOnlyLabel(k) ? (
          <span key={k} className="label-chip label-chip--readonly" title="Set by K10; read-only" data-testid="label-readonly" data-key={k}>
            <LockIcon />
            {formatLabel(k, labels[k]!)}
          </span>
        ) : (
          <span key={k} className="label-chip" data-testid="label-chip" data-key={k} data-value={labels[k]}>
            {formatLabel(k, labels[k]!)}
          </span>
        ),
      )}
    </span>
  );
}
