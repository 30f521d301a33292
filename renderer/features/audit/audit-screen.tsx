/**
 * The audit log: every administrative action Flotilla took (promote,
 * tokens, joins, grants, labels, disconnects, demotes), who the cluster
 * said did it, and how it went; newest first, filtered by cluster and
 * action, and exported as JSON lines. Token values never appear in it.
 */
import { RefreshButton } from '../../components/refresh-button.js';
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { InlineError, InlineInfo } from '../../components/inline-error.js';
import { ScreenHeader } from '../../components/screen-header.js';
import { Spinner } from '../../components/spinner.js';
import { formatAgo, plural } from '../../format.js';
import { AUDIT_ACTIONS, type AuditAction, type AuditExportOutcome } from '../../store/audit.slice.js';
import { useAppStore } from '../../store/store.js';

export const ACTION_LABELS: Record<AuditAction, string> = {
  promote: 'Promote',
  'token-create': 'Token created',
  'token-reveal': 'Token revealed',
  'token-copy': 'Token copied',
  'token-revoke': 'Token revoked',
  'token-seal': 'Token sealed',
  'token-qr': 'Token QR code',
  join: 'Join',
  grant: 'Grant',
  label: 'Labels',
  disconnect: 'Disconnect',
  'force-disconnect': 'Forced disconnect',
  demote: 'Demote',
  'profile-save': 'Profile saved',
  'profile-delete': 'Profile deleted',
  'policy-save': 'Policy saved',
  'policy-delete': 'Policy deleted',
  'distribution-save': 'Distribution saved',
  'distribution-delete': 'Distribution deleted',
  'distribution-sync': 'Distribution synced',
  'secret-reveal': 'Secret shown',
};

export function AuditScreen() {
  const entries = useAppStore((s) => s.auditEntries);
  const loading = useAppStore((s) => s.auditLoading);
  const loaded = useAppStore((s) => s.auditLoaded);
  const error = useAppStore((s) => s.auditError);
  const filter = useAppStore((s) => s.auditFilter);
  const rowsById = useAppStore((s) => s.rowsById);
  const setAuditFilter = useAppStore((s) => s.setAuditFilter);
  const loadAudit = useAppStore((s) => s.loadAudit);
  const showScreen = useAppStore((s) => s.showScreen);
  const id = useId();

  const clusterNames = useMemo(() => {
    const names = new Set(Object.values(rowsById).map((r) => r.name));
    for (const e of entries) if (e.cluster) names.add(e.cluster);
    if (filter.cluster) names.add(filter.cluster);
    return [...names].sort((a, b) => a.localeCompare(b));
  }, [rowsById, entries, filter.cluster]);

  return (
    <div className="screen audit-screen" data-testid="audit-screen">
      <ScreenHeader title="Audit log" subtitle="What Flotilla did on your clusters, from this workstation, newest first. Token values are never recorded." onBack={() => showScreen('fleet')} />

      <div className="view-toolbar audit-toolbar">
        <label htmlFor={`${id}-cluster`}>Cluster</label>
        <select id={`${id}-cluster`} className="input select" value={filter.cluster ?? ''} onChange={(e) => void setAuditFilter({ ...filter, cluster: e.target.value || undefined })} data-testid="audit-filter-cluster">
          <option value="">Every cluster</option>
          {clusterNames.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-action`}>Action</label>
        <select
          id={`${id}-action`}
          className="input select"
          value={filter.action ?? ''}
          onChange={(e) => void setAuditFilter({ ...filter, action: AUDIT_ACTIONS.find((a) => a === e.target.value) })}
          data-testid="audit-filter-action"
        >
          <option value="">Every action</option>
          {AUDIT_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {ACTION_LABELS[a]}
            </option>
          ))}
        </select>
        <RefreshButton onClick={() => void loadAudit()} loading={loading} testId="audit-refresh" />
        <span className="toolbar-spacer" />
        <span className="muted" data-testid="audit-count" data-count={entries.length}>
          {loaded ? plural(entries.length, 'entry', 'entries') : ''}
        </span>
      </div>

      <InlineError error={error} testId="audit-error" />

      {loaded && entries.length === 0 && (
        <p className="empty-note" data-testid="audit-empty">
          {filter.cluster || filter.action ? 'No entry matches the filters.' : 'Nothing recorded yet: actions such as promote, token reveals and joins appear here.'}
        </p>
      )}
      {/* The entries scroll: the frame is focusable, and named, so the keyboard can scroll it too. */}
      {entries.length > 0 && (
        <div className="data-frame audit-frame" tabIndex={0} role="region" aria-label="Audit log entries">
          <table className="data-table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Action</th>
                <th>Cluster</th>
                <th>Who</th>
                <th>Outcome</th>
                <th>Target and detail</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-testid="audit-row" data-action={e.action} data-outcome={e.outcome} data-cluster={e.cluster ?? ''}>
                  <td title={e.time} className="nowrap">
                    <div>{new Date(e.time).toLocaleString()}</div>
                    <div className="cell-secondary">{formatAgo(e.time)}</div>
                  </td>
                  <td className="nowrap">{ACTION_LABELS[e.action] ?? e.action}</td>
                  <td>{e.cluster ?? <span className="muted">—</span>}</td>
                  <td className="mono">{e.identity ?? <span className="muted">—</span>}</td>
                  <td>
                    <span className={`outcome outcome--${e.outcome === 'succeeded' ? 'ok' : e.outcome === 'failed' ? 'bad' : 'warn'}`} data-testid="audit-outcome">
                      {e.outcome}
                    </span>
                  </td>
                  <td className="cell-wrap">
                    {e.target && <div className="mono">{e.target}</div>}
                    {e.detail && <div className="cell-secondary">{e.detail}</div>}
                    {e.error && (
                      <div className="cell-error-text" data-testid="audit-error-text">
                        {e.error}
                      </div>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <ExportForm />
    </div>
  );
}

function ExportForm() {
  const exporting = useAppStore((s) => s.exportingAudit);
  const exportAudit = useAppStore((s) => s.exportAudit);
  const filter = useAppStore((s) => s.auditFilter);
  const [path, setPath] = useState('');
  const [outcome, setOutcome] = useState<AuditExportOutcome | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const pathRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const run = async (withPath: boolean) => {
    setNote(null);
    if (withPath && !path.trim()) {
      setNote('Type the path of the file to write, or choose it.');
      return pathRef.current?.focus();
    }
    const result = await exportAudit(withPath ? path.trim() : undefined);
    setOutcome(result);
    if (result.kind === 'unsupported') {
      setNote(`${result.message} Type the path here.`);
      pathRef.current?.focus();
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(true);
  };

  return (
    <form className="panel audit-export" onSubmit={submit} data-testid="audit-export-form">
      <label htmlFor={`${id}-path`} className="panel-title">
        Export {filter.cluster || filter.action ? 'these entries' : 'the log'} (JSON lines)
      </label>
      <div className="inline-form">
        <input ref={pathRef} id={`${id}-path`} className="input input-mono export-path" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/flotilla-audit.jsonl" spellCheck={false} autoComplete="off" disabled={exporting} data-testid="audit-export-path" />
        <button type="button" className="btn" onClick={() => void run(false)} disabled={exporting} data-testid="audit-export-choose">
          Choose…
        </button>
        <button type="submit" className="btn btn-primary" disabled={exporting} data-testid="audit-export">
          {exporting && <Spinner label="Exporting" />}
          Export
        </button>
      </div>
      {note && (
        <p className="field-hint" role="status" data-testid="audit-export-note">
          {note}
        </p>
      )}
      {outcome?.kind === 'exported' && (
        <InlineInfo testId="audit-export-result">
          Wrote {plural(outcome.result.count, 'entry', 'entries')} to <span className="mono">{outcome.result.path}</span>.
        </InlineInfo>
      )}
      {outcome?.kind === 'failed' && <InlineError error={outcome.error} testId="audit-export-error" />}
    </form>
  );
}
