/**
 * One context in the review table: tick it, rename it, see its problems
 * (errors block the row, warnings do not), choose update or skip when a
 * cluster of that name exists, and test its connection.
 */
import { memo, useId } from 'react';
import type { Candidate, ConnectionTest, Problem } from '../../../shared/contract/index.js';
import { PlugIcon } from '../../components/icons.js';
import { Spinner } from '../../components/spinner.js';
import { useAppStore } from '../../store/store.js';
import { describeConnectionTest, isBlocked, blockingProblems } from './import-model.js';

const AUTH_LABELS: Record<Candidate['authKind'], string> = {
  'client-certificate': 'Client certificate',
  token: 'Token',
  'token-file': 'Token file',
  basic: 'Basic',
  exec: 'Exec plugin',
  'auth-provider': 'Auth provider',
  none: 'None',
};

export const CandidateRow = memo(function CandidateRow({ candidate: c, nameProblem }: { candidate: Candidate; nameProblem?: string }) {
  const choice = useAppStore((s) => s.choices[c.id]);
  const test = useAppStore((s) => s.testResults[c.id]);
  const testing = useAppStore((s) => s.testingIds[c.id] === true);
  const setSelected = useAppStore((s) => s.setCandidateSelected);
  const setName = useAppStore((s) => s.setCandidateName);
  const setOnExisting = useAppStore((s) => s.setOnExisting);
  const testCandidates = useAppStore((s) => s.testCandidates);
  const id = useId();
  if (!choice) return null;
  const blocked = isBlocked(c);

  return (
    <tr className={blocked ? 'is-blocked' : undefined} data-testid="candidate-row" data-context={c.contextName} data-blocked={blocked}>
      <td className="col-check">
        <input
          type="checkbox"
          checked={choice.selected && !blocked}
          disabled={blocked}
          onChange={(e) => setSelected(c.id, e.target.checked)}
          aria-label={`Import ${c.contextName}`}
          title={blocked ? blockingProblems(c).map((p) => p.message).join('\n') : undefined}
          data-testid="candidate-select"
        />
      </td>
      <td className="col-name">
        <input
          className="input input-compact"
          value={choice.name}
          onChange={(e) => setName(c.id, e.target.value)}
          disabled={blocked || !choice.selected}
          aria-label={`Name in Flotilla for ${c.contextName}`}
          aria-invalid={nameProblem !== undefined}
          aria-describedby={nameProblem ? `${id}-name-problem` : undefined}
          spellCheck={false}
          data-testid="candidate-name"
        />
        {nameProblem && (
          <div id={`${id}-name-problem`} className="field-hint field-hint--error" data-testid="candidate-name-problem">
            {nameProblem}
          </div>
        )}
      </td>
      <td className="col-context">
        <div className="cell-primary">{c.contextName}</div>
        <div className="cell-secondary mono" title={c.sourceFile ? `from ${c.sourceFile}` : undefined}>
          {c.server || '—'}
        </div>
      </td>
      <td>
        <div className="cell-primary">{c.userName}</div>
        <div className="cell-secondary">{c.namespace ?? 'default namespace'}</div>
      </td>
      <td>
        <span className="tag" data-testid="candidate-auth">
          {AUTH_LABELS[c.authKind]}
        </span>
      </td>
      <td className="col-problems">
        <ProblemList problems={c.problems} />
      </td>
      <td>
        {c.existingClusterId ? (
          <select
            className="input input-compact"
            value={choice.onExisting}
            onChange={(e) => setOnExisting(c.id, e.target.value === 'update' ? 'update' : 'skip')}
            aria-label={`When ${choice.name} already exists`}
            disabled={blocked}
            data-testid="candidate-on-existing"
          >
            <option value="skip">Skip</option>
            <option value="update">Update</option>
          </select>
        ) : (
          <span className="muted">No</span>
        )}
      </td>
      <td className="col-connection">
        <div className="connection-cell">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => void testCandidates([c.id])}
            disabled={testing}
            aria-label={`Test connection to ${c.contextName}`}
            data-testid="test-connection"
          >
            {testing ? <Spinner label={`Testing ${c.contextName}`} /> : <PlugIcon />}
            Test
          </button>
          <ConnectionResult test={test} testing={testing} />
        </div>
      </td>
    </tr>
  );
});

function ProblemList({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return <span className="muted">None</span>;
  return (
    <ul className="problems">
      {problems.map((p, i) => (
        <li key={i} className={`problem problem--${p.severity}`} data-testid="problem" data-code={p.code} data-severity={p.severity}>
          <span className="problem-code">{p.severity === 'error' ? 'Error' : 'Warning'}</span> {p.message}
        </li>
      ))}
    </ul>
  );
}

function ConnectionResult({ test, testing }: { test?: ConnectionTest; testing: boolean }) {
  if (testing) return <span className="muted" data-testid="connection-result" data-state="testing">Testing…</span>;
  if (!test) return <span className="muted" data-testid="connection-result" data-state="untested">Not tested</span>;
  const ok = test.reachable && !test.error;
  return (
    <span
      className={ok ? 'connection-result connection-result--ok' : 'connection-result connection-result--failed'}
      data-testid="connection-result"
      data-state={ok ? 'ok' : 'failed'}
      title={test.identity ? `Groups: ${test.identity.groups.join(', ') || 'none'}` : undefined}
    >
      {describeConnectionTest(test)}
    </span>
  );
}
