/** The steps of an operation as they run: what Flotilla is doing, what it did, what failed and why. */
import type { Step } from '../../shared/contract/index.js';
import { AlertIcon, CheckIcon, MinusIcon } from './icons.js';
import { Spinner } from './spinner.js';

const STATE_LABELS: Record<Step['state'], string> = {
  running: 'Running',
  done: 'Done',
  skipped: 'Skipped',
  failed: 'Failed',
};

export function StepList({ steps, testId, label = 'Steps' }: { steps: readonly Step[]; testId?: string; label?: string }) {
  if (steps.length === 0) return null;
  return (
    <ol className="steps" aria-label={label} aria-live="polite" data-testid={testId}>
      {steps.map((s) => (
        <li key={s.step} className={`step step--${s.state}`} data-testid="step" data-state={s.state}>
          <span className="step-icon" title={STATE_LABELS[s.state]}>
            {s.state === 'running' ? <Spinner label={STATE_LABELS[s.state]} /> : s.state === 'done' ? <CheckIcon /> : s.state === 'failed' ? <AlertIcon /> : <MinusIcon />}
          </span>
          <span className="step-text">
            <span className="step-name">{s.step}</span>
            <span className="visually-hidden">: {STATE_LABELS[s.state]}</span>
            {s.message && <span className="step-message">{s.message}</span>}
          </span>
        </li>
      ))}
    </ol>
  );
}
