/**
 * One distribution: its rolled-up state (the worst of its targets), what it
 * sends and how it picks clusters, and the state of every target as
 * Flotilla read it there: Synced, Syncing, Missing, Modified (with the
 * difference field by field), Failed (with K10's message), Unreachable.
 * Force sync, edit, YAML and delete act on it.
 */
import { useState } from 'react';
import type { ClusterSync, Distribution } from '../../../shared/contract/index.js';
import { CodeIcon, SyncIcon, TrashIcon } from '../../components/icons.js';
import { Spinner } from '../../components/spinner.js';
import { useAppStore } from '../../store/store.js';
import { resourceKey, stateCounts, SYNC_LABELS } from './distribution-model.js';
import { DiffTable, SyncStateChip } from './sync-state.js';

/** Beyond this many targets, the per-cluster table starts folded (the counts stay). */
const UNFOLDED_TARGETS = 12;

export function DistributionCard({ primaryId, distribution: d, onEdit, onDelete, editing }: { primaryId: string; distribution: Distribution; onEdit(): void; onDelete(): void; editing: boolean }) {
  const busy = useAppStore((s) => s.distributionBusy[d.name]);
  const syncDistribution = useAppStore((s) => s.syncDistribution);
  const showResourceYaml = useAppStore((s) => s.showResourceYaml);
  const rowsById = useAppStore((s) => s.rowsById);
  const [open, setOpen] = useState(d.clusters.length <= UNFOLDED_TARGETS);
  const counts = stateCounts(d.clusters);

  return (
    <section className={`panel distribution-card distribution-card--${d.state}`} data-testid="distribution-card" data-name={d.name} data-state={d.state}>
      <div className="distribution-head">
        <div className="distribution-titles">
          <h2 className="panel-title">
            <span className="mono">{d.name}</span>
            <SyncStateChip state={d.state} testId="distribution-state" />
          </h2>
          <div className="distribution-facts">
            <span>
              Sends{' '}
              {d.sources.map((s, i) => (
                <span key={resourceKey(s)}>
                  {i > 0 && ', '}
                  {s.kind === 'Profile' ? 'profile' : 'policy'} <span className="mono">{s.name}</span>
                </span>
              ))}{' '}
              to{' '}
              {d.targets.map((t, i) => (
                <span key={i}>
                  {i > 0 && ' ∪ '}
                  {'name' in t ? <span className="mono">{t.name}</span> : <code title="label selector">{t.selector === '' ? '(every cluster)' : t.selector}</code>}
                </span>
              ))}
            </span>
            {d.reported && <span className="muted" title="What the primary’s K10 writes in status (undocumented)">K10 reports {d.reported}</span>}
          </div>
        </div>
        <div className="row-buttons">
          <button type="button" className="btn btn-small" onClick={() => void syncDistribution(primaryId, d.name)} disabled={busy !== undefined} title="K10 re-applies it to every target, overwriting local edits" data-testid="distribution-sync">
            {busy === 'sync' ? <Spinner label="Syncing" /> : <SyncIcon />}
            Force sync
          </button>
          <button type="button" className="btn btn-small" onClick={onEdit} disabled={editing || busy !== undefined} data-testid="distribution-edit">
            Edit
          </button>
          <button type="button" className="btn btn-small" onClick={() => void showResourceYaml({ primaryId, kind: 'Distribution', name: d.name })} data-testid="distribution-yaml">
            <CodeIcon />
            YAML
          </button>
          <button type="button" className="btn btn-small btn-danger-outline" onClick={onDelete} disabled={busy !== undefined} data-testid="distribution-delete">
            <TrashIcon />
            Delete…
          </button>
        </div>
      </div>

      {d.clusters.length === 0 ? (
        <p className="muted" data-testid="distribution-no-targets">
          Its targets select no cluster now.
        </p>
      ) : (
        <>
          <div className="state-counts" data-testid="distribution-counts">
            {counts.map(([state, n]) => (
              <span key={state} className={`state-count state-count--${state}`}>
                {n} {SYNC_LABELS[state].toLowerCase()}
              </span>
            ))}
            <span className="toolbar-spacer" />
            {d.clusters.length > UNFOLDED_TARGETS && (
              <button type="button" className="btn-link" onClick={() => setOpen(!open)} aria-expanded={open} data-testid="distribution-fold">
                {open ? 'Hide the clusters' : `Show the ${d.clusters.length} clusters`}
              </button>
            )}
          </div>
          {open && (
            <table className="data-table cluster-sync-table" data-testid="distribution-clusters">
              <thead>
                <tr>
                  <th>Cluster</th>
                  <th>State</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {d.clusters.map((c) => (
                  <ClusterSyncRow key={c.name} sync={c} fleetName={c.clusterId ? rowsById[c.clusterId]?.name : undefined} />
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function ClusterSyncRow({ sync: c, fleetName }: { sync: ClusterSync; fleetName?: string }) {
  return (
    <tr data-testid="distribution-cluster" data-name={c.name} data-state={c.state}>
      <td className="nowrap">
        <div className="cell-primary mono">{c.name}</div>
        {fleetName && fleetName !== c.name && <div className="cell-secondary">{fleetName} in the fleet</div>}
      </td>
      <td>
        <SyncStateChip state={c.state} testId="distribution-cluster-state" />
      </td>
      <td>
        <div className="sync-detail">
          {c.message && (
            <p className={c.state === 'failed' || c.state === 'unreachable' ? 'cell-error-text' : 'sync-message'} data-testid="distribution-cluster-message">
              {c.message}
            </p>
          )}
          {c.state === 'modified' && c.diff && c.diff.length > 0 && <DiffTable diff={c.diff} testId="distribution-cluster-diff" />}
          {!c.message && c.state === 'synced' && <span className="muted">Matches the global definition.</span>}
        </div>
      </td>
    </tr>
  );
}
