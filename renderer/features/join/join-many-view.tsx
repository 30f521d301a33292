/**
 * One-click join, on a primary: choose fleet clusters that can become its
 * secondaries (standalone, reachable from here, not the primary), and main
 * makes or reuses a token and joins them all in parallel; the token never
 * leaves main. Each cluster's progress has its own line, and one failure
 * does not hide the others.
 */
import { useDeferredValue, useId, useMemo, useState } from 'react';
import type { FleetRow } from '../../../shared/contract/index.js';
import { SearchIcon } from '../../components/icons.js';
import { InlineError } from '../../components/inline-error.js';
import { Spinner } from '../../components/spinner.js';
import { plural } from '../../format.js';
import { countJoinStates } from '../../store/progress.js';
import { useAppStore } from '../../store/store.js';
import { JoinStateText, LabelChips } from '../fleet/fleet-cells.js';
import { formatLabels } from '../fleet/fleet-model.js';
import { LABELS } from '../../../shared/kasten/kinds.js';
import { JOIN_PROGRESS_LABELS, joinCandidates, joinTone } from './join-model.js';

export const DEFAULT_TOKEN_NAME = 'flotilla';

function matches(row: FleetRow, needle: string): boolean {
  return !needle || row.name.toLowerCase().includes(needle) || formatLabels(row.labels).toLowerCase().includes(needle);
}

export function JoinManyView({ primaryId }: { primaryId: string }) {
  const rowsById = useAppStore((s) => s.rowsById);
  const primaryName = useAppStore((s) => s.rowsById[primaryId]?.name ?? primaryId);
  const running = useAppStore((s) => s.joinManyRunning);
  const runPrimary = useAppStore((s) => s.joinManyPrimaryId);
  const startJoinMany = useAppStore((s) => s.startJoinMany);
  const clearJoinMany = useAppStore((s) => s.clearJoinMany);
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [filter, setFilter] = useState('');
  const [tokenName, setTokenName] = useState('');
  const needle = useDeferredValue(filter.trim().toLowerCase());
  const id = useId();

  const candidates = useMemo(() => joinCandidates(rowsById, primaryId), [rowsById, primaryId]);
  const shown = useMemo(() => candidates.filter((r) => matches(r, needle)), [candidates, needle]);
  const chosen = candidates.filter((r) => checked.has(r.id));
  const others = Object.keys(rowsById).length - candidates.length - 1;
  const allShownChecked = shown.length > 0 && shown.every((r) => checked.has(r.id));
  const someShownChecked = !allShownChecked && shown.some((r) => checked.has(r.id));
  const showRun = runPrimary === primaryId;

  const toggle = (rowId: string) => {
    const next = new Set(checked);
    if (next.has(rowId)) next.delete(rowId);
    else next.add(rowId);
    setChecked(next);
  };
  const setShown = (on: boolean) => {
    const next = new Set(checked);
    for (const r of shown) {
      if (on) next.add(r.id);
      else next.delete(r.id);
    }
    setChecked(next);
  };

  const start = async () => {
    if (chosen.length === 0) return;
    const ok = await startJoinMany(primaryId, { secondaries: chosen.map((r) => ({ clusterId: r.id })), tokenName: tokenName.trim() || undefined });
    if (ok) setChecked(new Set());
  };

  if (showRun) return <JoinManyRun primaryId={primaryId} onDone={clearJoinMany} />;

  return (
    <div className="join-many" data-testid="join-many-view">
      <p className="muted">
        Flotilla joins the clusters you choose to {primaryName} with one join token, made or reused on {primaryName}: the token goes from the primary to
        each cluster inside Flotilla and is never shown.
      </p>
      <div className="view-toolbar">
        <div className="search-box search-box--small">
          <SearchIcon />
          <label htmlFor={`${id}-filter`} className="visually-hidden">
            Filter clusters
          </label>
          <input id={`${id}-filter`} type="search" className="input search-input" placeholder="Filter by name or label" value={filter} onChange={(e) => setFilter(e.target.value)} spellCheck={false} data-testid="join-many-filter" />
        </div>
        <span className="toolbar-spacer" />
        <span className="muted" data-testid="join-many-count" data-candidates={candidates.length}>
          {plural(candidates.length, 'cluster')} can join{others > 0 ? ` (${plural(others, 'other')}: secondaries, primaries, or unreachable from here)` : ''}
        </span>
      </div>

      {candidates.length === 0 ? (
        <p className="empty-note" data-testid="join-many-none">
          No cluster of the fleet can join: only standalone clusters reachable from this workstation can.
        </p>
      ) : (
        <div className="data-frame">
          <table className="data-table" data-testid="join-many-table">
            <thead>
              <tr>
                <th className="col-check">
                  <input
                    type="checkbox"
                    checked={allShownChecked}
                    ref={(el) => {
                      if (el) el.indeterminate = someShownChecked;
                    }}
                    onChange={(e) => setShown(e.target.checked)}
                    aria-label="Choose every cluster shown"
                    data-testid="join-many-all"
                  />
                </th>
                <th>Cluster</th>
                <th>Join state</th>
                <th>K10</th>
                <th>Labels</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <tr key={r.id} className={checked.has(r.id) ? 'is-checked' : undefined} data-testid="join-many-candidate" data-name={r.name} onClick={() => toggle(r.id)}>
                  <td className="col-check" onClick={(e) => e.stopPropagation()}>
                    <input type="checkbox" checked={checked.has(r.id)} onChange={() => toggle(r.id)} aria-label={`Join ${r.name}`} data-testid="join-many-check" />
                  </td>
                  <td className="cell-primary">{r.name}</td>
                  <td>
                    <JoinStateText row={r} />
                  </td>
                  <td className="mono">{r.k10Version ?? <span className="muted">no K10 seen</span>}</td>
                  <td>
                    <LabelChips labels={r.labels} hide={[LABELS.clusterType]} limit={4} />
                  </td>
                </tr>
              ))}
              {shown.length === 0 && (
                <tr>
                  <td colSpan={5} className="muted">
                    No cluster matches the filter.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}

      <div className="panel join-many-go">
        <div className="form-field">
          <label htmlFor={`${id}-token`}>Join token (optional)</label>
          <input id={`${id}-token`} className="input input-mono" value={tokenName} onChange={(e) => setTokenName(e.target.value)} placeholder={DEFAULT_TOKEN_NAME} spellCheck={false} autoComplete="off" maxLength={253} data-testid="join-many-token" />
          <p className="field-hint">Its name on {primaryName}: reused when it exists, else created. Empty: “{DEFAULT_TOKEN_NAME}”.</p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => void start()} disabled={chosen.length === 0 || running} data-testid="join-many-start">
          {running && <Spinner label="Joining" />}
          {chosen.length === 0 ? 'Join' : `Join ${plural(chosen.length, 'cluster')}`}
        </button>
      </div>
    </div>
  );
}

/** The run: one line per cluster, live, then the result's summary. */
function JoinManyRun({ primaryId, onDone }: { primaryId: string; onDone(): void }) {
  const running = useAppStore((s) => s.joinManyRunning);
  const ids = useAppStore((s) => s.joinManyIds);
  const progress = useAppStore((s) => s.joinManyProgress);
  const result = useAppStore((s) => s.joinManyResult);
  const error = useAppStore((s) => s.joinManyError);
  const primaryName = useAppStore((s) => s.rowsById[primaryId]?.name ?? primaryId);
  const outcomes = ids.map((id) => progress[id]).filter((o) => o !== undefined);
  const counts = countJoinStates(outcomes);

  return (
    <div className="join-many" data-testid="join-many-view" data-running={running}>
      {result && (
        <div className="join-many-summary" role="status" data-testid="join-many-result">
          <div>
            Token “{result.token.name}” {result.token.created ? 'created' : 'reused'} on {primaryName}.
          </div>
          <div className="summary-chips">
            {Object.entries(counts).map(([state, n]) => (
              <span key={state} className={`outcome-chip outcome-chip--${joinTone(state as keyof typeof JOIN_PROGRESS_LABELS)}`} data-testid="join-many-count-chip" data-state={state} data-count={n}>
                {n} {JOIN_PROGRESS_LABELS[state as keyof typeof JOIN_PROGRESS_LABELS].toLowerCase()}
              </span>
            ))}
          </div>
        </div>
      )}
      <InlineError error={error} testId="join-many-error" />
      <div className="data-frame">
        <table className="data-table" data-testid="join-many-progress">
          <thead>
            <tr>
              <th>Cluster</th>
              <th>Name on the primary</th>
              <th>State</th>
              <th>Detail</th>
            </tr>
          </thead>
          <tbody>
            {outcomes.map((o) => (
              <tr key={o.clusterId} data-testid="join-many-row" data-name={o.cluster} data-state={o.state}>
                <td className="cell-primary">{o.cluster}</td>
                <td className="mono">{o.joinName ?? '—'}</td>
                <td>
                  <span className={`outcome outcome--${joinTone(o.state)}`}>
                    {joinTone(o.state) === 'busy' && running && <Spinner label={JOIN_PROGRESS_LABELS[o.state]} />}
                    {JOIN_PROGRESS_LABELS[o.state]}
                  </span>
                </td>
                <td className="cell-wrap" data-testid="join-many-message">
                  {o.message ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="form-actions">
        {running && (
          <span className="muted">
            <Spinner /> Joining; this can take a minute per cluster.
          </span>
        )}
        <span className="toolbar-spacer" />
        <button type="button" className="btn" onClick={onDone} disabled={running} data-testid="join-many-done">
          {error ? 'Back' : 'Join more clusters'}
        </button>
      </div>
    </div>
  );
}
