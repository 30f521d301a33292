/**
 * The kubeconfig import wizard: choose a source → review its contexts
 * (rename, test, choose) → report. Nothing is saved before "Import".
 */
import { CloseIcon } from '../../components/icons.js';
import { useAppStore } from '../../store/store.js';
import type { ImportStep } from '../../store/import.slice.js';
import { SourceStep } from './source-step.js';
import { ReviewStep } from './review-step.js';
import { ReportStep } from './report-step.js';

const STEPS: { step: ImportStep; label: string }[] = [
  { step: 'source', label: 'Source' },
  { step: 'review', label: 'Review contexts' },
  { step: 'report', label: 'Done' },
];

export function ImportWizard() {
  const step = useAppStore((s) => s.importStep);
  const closeImport = useAppStore((s) => s.closeImport);
  const current = STEPS.findIndex((s) => s.step === step);

  return (
    <div className="wizard" data-testid="import-wizard" data-step={step}>
      <div className="wizard-header">
        <h1>Import kubeconfigs</h1>
        <ol className="stepper" aria-label="Import steps">
          {STEPS.map((s, i) => (
            <li
              key={s.step}
              className={i < current ? 'is-done' : i === current ? 'is-current' : undefined}
              aria-current={i === current ? 'step' : undefined}
            >
              <span className="stepper-number">{i + 1}</span>
              {s.label}
            </li>
          ))}
        </ol>
        <button type="button" className="btn btn-ghost" onClick={closeImport} data-testid="import-close">
          <CloseIcon />
          {step === 'report' ? 'Close' : 'Cancel'}
        </button>
      </div>
      <div className="wizard-body">
        {step === 'source' && <SourceStep />}
        {step === 'review' && <ReviewStep />}
        {step === 'report' && <ReportStep />}
      </div>
    </div>
  );
}
