/** The panel beside the table: everything Flotilla knows about one cluster, and what can be done to it. */
import type { ReactNode } from 'react';
import { CloseIcon, RefreshIcon, TrashIcon } from '../../components/icons.js';
import { formatAgo, formatCount, formatLatency } from '../../format.js';
import { useAppStore } from '../../store/store.js';
import { LabBadge, LAB_NOTICE } from '../lab/lab-badge.js';
import { ActionsCount, JoinStateText, LabelChips, Reachability, RoleBadge } from './fleet-cells.js';

export function ClusterDetail({ onRequestRemove }: { onRequestRemove(ids: string[]): void }) {
  const row = useAppStore((s) => (s.selectedId === null ? undefined : s.rowsById[s.selectedId]));
  const selectCluster = useAppStore((s) => s.selectCluster);
  const refreshFleet = useAppStore((s) => s.refreshFleet);
  const refreshing = useAppStore((s) => s.refreshing);
  if (!row) return null;

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
        <Field label="Role">
          <RoleBadge role={row.role} />
        </Field>
        <Field label="Join state">
          <JoinStateText row={row} />
        </Field>
        {row.primaryName && <Field label="Primary">{row.primaryName}</Field>}
        {row.joinMessage && <Field label="Detail">{row.joinMessage}</Field>}
      </DetailSection>

      <DetailSection title="From this workstation">
        <Field label="Reachability">
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

      <DetailSection title="Labels">
        <div className="detail-labels">
          <LabelChips labels={row.labels} />
        </div>
      </DetailSection>

      {row.lastError && (
        <DetailSection title="Last error">
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
        <button type="button" className="btn btn-danger-outline" onClick={() => onRequestRemove([row.id])} data-testid="detail-remove">
          <TrashIcon />
          Remove
        </button>
      </div>
    </aside>
  );
}

function DetailSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="detail-section">
      <h3>{title}</h3>
      <dl className="detail-fields">{children}</dl>
    </section>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="detail-field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
