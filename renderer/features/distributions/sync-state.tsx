/** A sync state as a chip, and a Modified target's differences field by field (global definition against the copy on the cluster). */
import type { FieldDiff, SyncState } from '../../../shared/contract/index.js';
import { Spinner } from '../../components/spinner.js';
import { SYNC_LABELS, SYNC_TONES } from './distribution-model.js';

export function SyncStateChip({ state, testId }: { state: SyncState; testId?: string }) {
  const tone = SYNC_TONES[state];
  return (
    <span className={`outcome-chip outcome-chip--${tone} sync-chip`} data-testid={testId} data-state={state}>
      {state === 'syncing' && <Spinner label="Syncing" />}
      {SYNC_LABELS[state]}
    </span>
  );
}

export function DiffTable({ diff, testId = 'sync-diff' }: { diff: readonly FieldDiff[]; testId?: string }) {
  return (
    <table className="diff-table" data-testid={testId}>
      <thead>
        <tr>
          <th>Field</th>
          <th>Global definition</th>
          <th>On the cluster</th>
        </tr>
      </thead>
      <tbody>
        {diff.map((d) => (
          <tr key={d.path} data-testid="sync-diff-line" data-path={d.path} data-expected={d.expected ?? ''} data-actual={d.actual ?? ''}>
            <td className="mono cell-wrap">{d.path}</td>
            <td className="mono cell-wrap diff-expected">{d.expected ?? <span className="muted">(absent)</span>}</td>
            <td className="mono cell-wrap diff-actual">{d.actual ?? <span className="muted">(absent)</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
