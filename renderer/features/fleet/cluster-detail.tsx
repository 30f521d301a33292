/** The panel beside the table: everything Flotilla knows about one cluster, and what can be done to it. */
import { useMemo, type ReactNode } from 'react';
import { CloseIcon, RefreshIcon, TrashIcon } from '../../components/icons.js';
import { formatAgo, formatCount, formatLatency } from '../../format.js';
import { useAppStore } from '../../store/store.js';
import { LabBadge, LAB_NOTICE } from '../lab/lab-badge.js';
import { ACTION_LABELS, clusterActions, DANGEROUS_ACTIONS, membershipText, primaryRowOf, type ClusterActionId } from './cluster-actions.js';
import { ActionsCount, JoinStateText, LabelChips, Reachability, RoleBadge } from './fleet-cells.js';

export interface ClusterDetailProps {
  onRequestRemove(ids: string[]): void;
  onAction(action: ClusterActionId, id: string): void;
}

export function ClusterDetail({ onRequestRemove, onAction }: ClusterDetailProps) {
  const row = useAppStore((s) => (s.selectedId === null ? undefined : s.rowsById[s.selectedId]));
  const rowsById = useAppStore((s) => s.rowsById);
  const selectCluster = useAppStore((s) => s.selectCluster);
  const refreshFleet = useAppStore((s) => s.refreshFleet);
  const refreshing = useAppStore((s) => s.refreshing);
  const primaryRow = useMemo(() => (row ? primaryRowOf(row, rowsById) : undefined), [row, rowsById]);
  if (!row) return null;
  const actions = clusterActions(row, primaryRow !== undefined).filter((a) => a !== 'audit');

  return (
    <aside className="detail" aria-labelledby="detail-title" data-testid="cluster-detail" data-id={row.id}>
      <header className="detail-header">
        <div>
          <h2 id="detail-title" className="detail-title">
            {row.name}
          </h2>
          <div className="detail-server mono">{row.server}</div>
        </div>
        <button type="button" className="btn-icon" aria-label="Close details" onClick={() => selectCluster(null)} data-testid="detail-close">
          <CloseIcon />
        </button>
      </header>

      {row.source === 'lab' && (
        <div className="detail-lab">
          <LabBadge compact /> {LAB_NOTICE}
        </div>
      )}

      <DetailSection title="Kasten multi-cluster">
        <Field label="Role" testId="detail-role">
          <RoleBadge role={row.role} />
        </Field>
        <Field label="Member of" testId="detail-member-of">
          {row.role === 'secondary' ? (
            <span className="detail-member">
              {row.primaryName ?? 'a primary'}
              {primaryRow && (
                <button type="button" className="btn btn-small btn-ghost" onClick={() => onAction('open-primary', row.id)} data-testid="detail-open-primary">
                  Open
                </button>
              )}
            </span>
          ) : (
            <span className={row.role === 'primary' ? undefined : 'muted'}>{membershipText(row)}</span>
          )}
        </Field>
        <Field label="Join state" testId="detail-join-state">
          <JoinStateText row={row} />
        </Field>
        {row.joinMessage && (
          <Field label="Detail" testId="detail-join-message">
            {row.joinMessage}
          </Field>
        )}
      </DetailSection>

      {actions.length > 0 && (
        <section className="detail-section" aria-label="Multi-cluster actions">
          <div className="detail-mc-actions" data-testid="detail-mc-actions">
            {actions.map((a, i) => (
              <button
                key={a}
                type="button"
                className={i === 0 && !DANGEROUS_ACTIONS.has(a) ? 'btn btn-small btn-primary' : DANGEROUS_ACTIONS.has(a) ? 'btn btn-small btn-danger-outline' : 'btn btn-small'}
                onClick={() => onAction(a, row.id)}
                data-testid={`action-${a}`}
              >
                {ACTION_LABELS[a]}
              </button>
            ))}
          </div>
        </section>
      )}

      <DetailSection title="From this workstation">
        <Field label="Reachable" testId="detail-reachability">
          <Reachability reachability={row.reachability} />
        </Field>
        {row.reachability.latencyMs !== undefined && <Field label="Latency">{formatLatency(row.reachability.latencyMs)}</Field>}
        {row.reachability.checkedAt && <Field label="Checked">{formatAgo(row.reachability.checkedAt)}</Field>}
        <Field label="Kubernetes">{row.kubernetesVersion ?? 'unknown'}</Field>
        <Field label="K10">{row.k10Version ?? 'unknown'}</Field>
      </DetailSection>

      <DetailSection title="K10">
        <Field label="Applications">{formatCount(row.counts.applications)}</Field>
        <Field label="Policies">{formatCount(row.counts.policies)}</Field>
        <Field label="Actions (24 h)">
          <ActionsCount counts={row.counts} />
        </Field>
      </DetailSection>

      <DetailSection title="Labels" fields={false}>
        <div className="detail-labels">
          <LabelChips labels={row.labels} />
        </div>
      </DetailSection>

      {row.lastError && (
        <DetailSection title="Last error" fields={false}>
          <div className="detail-error" data-testid="detail-error">
            <div className="detail-error-code">
              {row.lastError.code} · {formatAgo(row.lastError.at)}
            </div>
            <div>{row.lastError.message}</div>
          </div>
        </DetailSection>
      )}

      <div className="detail-actions">
        <button type="button" className="btn" onClick={() => void refreshFleet(row.id)} disabled={refreshing} data-testid="detail-refresh">
          <RefreshIcon />
          Check now
        </button>
        <button type="button" className="btn btn-ghost" onClick={() => onAction('audit', row.id)} data-testid="action-audit">
          Audit log
        </button>
        <button type="button" className="btn btn-danger-outline" onClick={() => onRequestRemove([row.id])} data-testid="detail-remove">
          <TrashIcon />
          Remove
        </button>
      </div>
    </aside>
  );
}

/** A titled part of the panel; `fields` (the default) when its children are Field pairs, which only a <dl> may hold. */
function DetailSection({ title, children, fields = true }: { title: string; children: ReactNode; fields?: boolean }) {
  return (
    <section className="detail-section">
      <h3>{title}</h3>
      {fields ? <dl className="detail-fields">{children}</dl> : <div className="detail-fields">{children}</div>}
    </section>
  );
}

function Field({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="detail-field" data-testid={testId}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
