/** The panel beside the table: everything Flotilla knows about one cluster, and what can be done to it. */
import { useEffect, useMemo, type ReactNode } from 'react';
import type { FleetRow } from '../../../shared/contract/index.js';
import { CloseIcon, RefreshIcon, TrashIcon } from '../../components/icons.js';
import { Spinner } from '../../components/spinner.js';
import { errorText } from '../../store/app.slice.js';
import { formatAgo, formatCount, formatLatency } from '../../format.js';
import { useAppStore } from '../../store/store.js';
import { LabBadge, LAB_NOTICE } from '../lab/lab-badge.js';
import { ACTION_LABELS, clusterActions, DANGEROUS_ACTIONS, membershipText, primaryRowOf, type ClusterActionId } from './cluster-actions.js';
import { ActionsCount, JoinStateText, LabelChips, LastKnown, lastKnownNote, Reachability, RoleBadge } from './fleet-cells.js';

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
  const openK10Dashboard = useAppStore((s) => s.openK10Dashboard);
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

      {row.reachability.state === 'unreachable' && <StaleNotice row={row} />}

      <DetailSection title="Kasten multi-cluster">
        <Field label="Role" testId="detail-role">
          <LastKnown row={row} present={row.role !== 'unknown'}>
            <RoleBadge role={row.role} />
          </LastKnown>
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
          <LastKnown row={row} present={row.joinState !== 'unknown'}>
            <JoinStateText row={row} />
          </LastKnown>
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
        <Field label="Kubernetes" testId="detail-k8s">
          <LastKnown row={row} present={row.kubernetesVersion !== undefined}>
            {row.kubernetesVersion ?? 'unknown'}
          </LastKnown>
        </Field>
        <Field label="K10" testId="detail-k10">
          <LastKnown row={row} present={row.k10Version !== undefined}>
            {row.k10Version ?? 'unknown'}
          </LastKnown>
        </Field>
      </DetailSection>

      <DetailSection title="K10">
        <Field label="Applications" testId="detail-apps">
          <LastKnown row={row} present={row.counts.applications !== undefined}>
            {formatCount(row.counts.applications)}
          </LastKnown>
        </Field>
        <Field label="Policies" testId="detail-policies">
          <LastKnown row={row} present={row.counts.policies !== undefined}>
            {formatCount(row.counts.policies)}
          </LastKnown>
        </Field>
        <Field label="Actions (24 h)" testId="detail-actions">
          <LastKnown row={row} present={row.counts.actions !== undefined}>
            <ActionsCount counts={row.counts} />
          </LastKnown>
        </Field>
        <Field label="Dashboard">
          <button type="button" className="btn btn-small" onClick={() => void openK10Dashboard(row.id)} data-testid="detail-open-k10">
            Open K10 dashboard
          </button>
        </Field>
      </DetailSection>

      <FailedActionsSection row={row} />

      <DetailSection title="Labels" fields={false}>
        <div className="detail-labels">
          <LastKnown row={row} present={Object.keys(row.labels).length > 0}>
            <LabelChips labels={row.labels} />
          </LastKnown>
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

/** Said once at the top of an unreachable cluster's panel: what follows was read before it went away. */
function StaleNotice({ row }: { row: FleetRow }) {
  const note = lastKnownNote(row)!;
  const seen = row.reachability.lastSeenAt;
  return (
    <p className="detail-stale" role="note" data-testid="detail-stale">
      {seen
        ? `Not reachable now. Everything below is as it was when ${row.name} last answered (${note.replace(/^last known, /, '')}, at ${new Date(seen).toLocaleTimeString()}).`
        : `Not reachable now, and it has not answered since Flotilla started: anything below is last known.`}
    </p>
  );
}

/**
 * The newest failed K10 actions of the last 24 hours (what Kasten said of
 * each), fetched when the panel opens and again when the row's count of
 * failures moves; the watches keep them, so it costs the cluster nothing.
 */
function FailedActionsSection({ row }: { row: FleetRow }) {
  const state = useAppStore((s) => (s.failedActions?.clusterId === row.id ? s.failedActions : null));
  const load = useAppStore((s) => s.loadFailedActions);
  const failed = row.counts.failedActions24h;
  useEffect(() => {
    void load(row.id);
  }, [load, row.id, failed]);

  const result = state && state.state !== 'error' ? state.result : undefined;
  return (
    <section className="detail-section" aria-labelledby="detail-failed-title" data-testid="detail-failed-actions" data-state={state?.state ?? 'loading'}>
      <h3 id="detail-failed-title">Failed actions (24 h)</h3>
      {state?.state === 'error' ? (
        <p className="detail-failed-empty" role="alert">
          {errorText(state.error)}
        </p>
      ) : !result ? (
        <Spinner label="Loading failed actions" />
      ) : result.actions.length === 0 ? (
        <p className="detail-failed-empty muted" data-testid="failed-actions-none">
          {result.complete ? 'None in the last 24 hours.' : 'None known yet: its action watches have not listed everything.'}
        </p>
      ) : (
        <>
          <ul className="failed-list" aria-label={`Failed actions of ${row.name}, newest first`} data-testid="failed-actions-list">
            {result.actions.map((a) => (
              <li key={`${a.kind}/${a.namespace ?? ''}/${a.name}`} className="failed-item" data-testid="failed-action" data-kind={a.kind} data-name={a.name}>
                <div className="failed-item-head">
                  <span className="failed-kind">{a.kind}</span>
                  <time dateTime={a.at} title={new Date(a.at).toLocaleString()}>
                    {formatAgo(a.at)}
                  </time>
                </div>
                <div className="failed-item-what">
                  {a.policy && <span data-testid="failed-action-policy">policy {a.policy}</span>}
                  {a.application && <span data-testid="failed-action-app">app {a.application}</span>}
                  {!a.policy && !a.application && <span className="mono">{a.namespace ? `${a.namespace}/${a.name}` : a.name}</span>}
                </div>
                <div className="failed-item-message" data-testid="failed-action-message">
                  {a.message ?? 'Kasten gave no error message.'}
                </div>
              </li>
            ))}
          </ul>
          {result.total > result.actions.length && (
            <p className="muted detail-failed-more" data-testid="failed-actions-more">
              The newest {result.actions.length} of {result.total}.
            </p>
          )}
        </>
      )}
    </section>
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
