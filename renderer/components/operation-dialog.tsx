/**
 * A confirmation that then shows its operation running: what will happen
 * and the options first, then the steps live (from `mc:progress`), then the
 * outcome with a Close button. A finished run left from an earlier opening
 * is cleared when the dialog opens.
 */
import { useEffect, type ReactNode } from 'react';
import type { OperationRun } from '../store/operations.slice.js';
import { appStore, useAppStore } from '../store/store.js';
import { InlineError } from './inline-error.js';
import { Modal } from './modal.js';
import { Spinner } from './spinner.js';
import { StepList } from './step-list.js';

export interface OperationDialogProps {
  open: boolean;
  title: string;
  /** What will happen, and the options; shown until the run starts. */
  children: ReactNode;
  /** Shown once the run has succeeded. */
  doneMessage?: ReactNode;
  confirmLabel: string;
  runningLabel?: string;
  danger?: boolean;
  /** The operation runs under these keys (operations.slice.ts); the first that exists is shown. */
  operationKeys: readonly string[];
  confirmDisabled?: boolean;
  onConfirm(): void;
  onClose(): void;
  testId: string;
}

export function OperationDialog(props: OperationDialogProps) {
  const { open, title, children, doneMessage, confirmLabel, runningLabel = 'Working…', danger, operationKeys, confirmDisabled, onConfirm, onClose, testId } = props;
  const run: OperationRun | undefined = useAppStore((s) => operationKeys.map((k) => s.operations[k]).find((r) => r !== undefined));
  const clearOperation = useAppStore((s) => s.clearOperation);
  const keysText = operationKeys.join('|');

  useEffect(() => {
    if (!open) return;
    for (const k of keysText.split('|')) {
      const r = appStore.getState().operations[k];
      if (r && r.state !== 'running') clearOperation(k);
    }
  }, [open, keysText, clearOperation]);

  const running = run?.state === 'running';
  const finished = run !== undefined && run.state !== 'running';

  return (
    <Modal
      open={open}
      title={title}
      onClose={onClose}
      busy={running}
      testId={testId}
      actions={
        finished ? (
          <button type="button" className="btn btn-primary" onClick={onClose} data-testid={`${testId}-close`}>
            Close
          </button>
        ) : (
          <>
            <button type="button" className="btn" onClick={onClose} disabled={running} data-testid={`${testId}-cancel`}>
              Cancel
            </button>
            <button type="button" className={danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={onConfirm} disabled={running || confirmDisabled} data-testid={`${testId}-confirm`}>
              {running && <Spinner label={runningLabel} />}
              {running ? runningLabel : confirmLabel}
            </button>
          </>
        )
      }
    >
      {!run && children}
      {run && <StepList steps={run.steps} testId={`${testId}-steps`} />}
      {run?.state === 'running' && run.steps.length === 0 && (
        <p className="muted">
          <Spinner /> Starting…
        </p>
      )}
      {run?.state === 'failed' && <InlineError error={run.error} testId={`${testId}-error`} />}
      {run?.state === 'done' && doneMessage && (
        <p className="dialog-done" data-testid={`${testId}-done`}>
          {doneMessage}
        </p>
      )}
    </Modal>
  );
}
