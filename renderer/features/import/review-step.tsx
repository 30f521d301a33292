/**
 * Step 2: what the scan found. Files that could not be read, then every
 * context with its problems; the user picks, renames, tests and imports.
 */
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { AlertIcon, CheckIcon, PlugIcon } from '../../components/icons.js';
import { Spinner } from '../../components/spinner.js';
import { plural } from '../../format.js';
import { useAppStore } from '../../store/store.js';
import { CandidateRow } from './candidate-row.js';
import { buildSelections, isBlocked, nameProblems } from './import-model.js';

export function ReviewStep() {
  const scan = useAppStore((s) => s.scan);
  const choices = useAppStore((s) => s.choices);
  const testing = useAppStore((s) => Object.keys(s.testingIds).length > 0);
  const importing = useAppStore((s) => s.importing);
  const importError = useAppStore((s) => s.importError);
  const { backToSource, importSelected, testCandidates, setCandidatesSelected } = useAppStore(
    useShallow((s) => ({
      backToSource: s.backToSource,
      importSelected: s.importSelected,
      testCandidates: s.testCandidates,
      setCandidatesSelected: s.setCandidatesSelected,
    })),
  );

  const candidates = scan?.candidates ?? [];
  const problems = useMemo(() => nameProblems(candidates, choices), [candidates, choices]);
  const selections = useMemo(() => buildSelections(candidates, choices), [candidates, choices]);
  const selectable = candidates.filter((c) => !isBlocked(c));
  const allSelected = selectable.length > 0 && selectable.every((c) => choices[c.id]?.selected);
  const someSelected = selections.length > 0;
  const canImport = someSelected && Object.keys(problems).length === 0 && !importing;

  if (!scan) return null;
  const showExecPath = candidates.some((c) => c.problems.some((p) => p.code === 'exec-not-found'));

  return (
    <div className="review-step" data-testid="review-step">
      <FileReport />
      {showExecPath && scan.execSearchPath && (
        <p className="field-hint" data-testid="exec-search-path">
          Exec plugins were looked for on your login shell’s PATH: <code>{scan.execSearchPath}</code>
        </p>
      )}

      {candidates.length === 0 ? (
        <div className="empty-state" data-testid="no-candidates">
          <p>No contexts were found in this source.</p>
        </div>
      ) : (
        <>
          <div className="review-toolbar">
            <span className="muted" data-testid="selection-count">
              {selections.length} of {plural(candidates.length, 'context')} selected
            </span>
            <button
              type="button"
              className="btn"
              disabled={!someSelected || testing}
              onClick={() => void testCandidates(selections.map((s) => s.candidateId))}
              data-testid="test-selected"
            >
              {testing ? <Spinner label="Testing connections" /> : <PlugIcon />}
              Test selected
            </button>
          </div>
          <div className="table-frame">
            <table className="candidates" data-testid="candidates">
              <thead>
                <tr>
                  <th className="col-check">
                    <input
                      type="checkbox"
                      aria-label="Select every importable context"
                      checked={allSelected}
                      disabled={selectable.length === 0}
                      onChange={(e) => setCandidatesSelected(selectable.map((c) => c.id), e.target.checked)}
                      data-testid="select-all-candidates"
                    />
                  </th>
                  <th>Name in Flotilla</th>
                  <th>Context · server</th>
                  <th>User · namespace</th>
                  <th>Auth</th>
                  <th>Problems</th>
                  <th>Already imported</th>
                  <th>Connection</th>
                </tr>
              </thead>
              <tbody>
                {candidates.map((c) => (
                  <CandidateRow key={c.id} candidate={c} nameProblem={problems[c.id]} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {importError && (
        <div className="callout callout--error" role="alert" data-testid="import-error">
          <AlertIcon />
          <div>{importError.message}</div>
        </div>
      )}

      <div className="wizard-footer">
        <button type="button" className="btn" onClick={() => void backToSource()} data-testid="import-back">
          Back
        </button>
        <button type="button" className="btn btn-primary" disabled={!canImport} onClick={() => void importSelected()} data-testid="import-submit">
          {importing ? <Spinner label="Importing" /> : <CheckIcon />}
          {importing ? 'Importing…' : `Import ${plural(selections.length, 'cluster')}`}
        </button>
      </div>
    </div>
  );
}

/** One line per file read: how many contexts it gave, or why it could not be read. */
function FileReport() {
  const files = useAppStore((s) => s.scan?.files);
  if (!files || files.length === 0) return null;
  return (
    <ul className="file-report" aria-label="Files read" data-testid="file-report">
      {files.map((f) => (
        <li key={f.path} className={f.ok ? 'file-ok' : 'file-failed'} data-testid="file-report-item" data-ok={f.ok}>
          <span className="file-status" aria-hidden="true">
            {f.ok ? <CheckIcon /> : <AlertIcon />}
          </span>
          <code className="file-path">{f.path}</code>
          <span className="file-detail">{f.ok ? plural(f.contexts, 'context') : f.error}</span>
        </li>
      ))}
    </ul>
  );
}
