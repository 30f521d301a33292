/**
 * Runs of the multi-cluster operations that report steps as they go
 * (promote, disconnect, forced disconnect, demote, grant, join reset): one
 * run per operation and cluster, its steps merged live from `mc:progress`,
 * then replaced by the steps the call returns (main's final word). An event
 * for a run the user did not start here (the CLI, another window) is ignored.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, McProgressEvent, Result, Step } from '../../shared/contract/index.js';
import { mergeStep } from './progress.js';
import type { Store } from './store.js';

export type OperationName = McProgressEvent['operation'];

export interface OperationRun {
  operation: OperationName;
  clusterId: string;
  state: 'running' | 'done' | 'failed';
  steps: Step[];
  error?: AppErrorDto;
}

export function operationKey(operation: OperationName, clusterId: string): string {
  return `${operation}:${clusterId}`;
}

export interface OperationsSlice {
  operations: Readonly<Record<string, OperationRun>>;
  /** Starts a run (replacing a finished one of the same key); returns its key. */
  beginOperation(operation: OperationName, clusterId: string): string;
  applyMcProgress(event: McProgressEvent): void;
  /** Ends a run with the call's result: its steps when it succeeded, its error when not. */
  finishOperation(key: string, result: Result<{ steps?: Step[] }>): void;
  clearOperation(key: string): void;
}

export const createOperationsSlice: StateCreator<Store, [], [], OperationsSlice> = (set, get) => {
  const update = (key: string, change: (run: OperationRun) => OperationRun) => {
    const run = get().operations[key];
    if (!run) return;
    const next = change(run);
    if (next !== run) set({ operations: { ...get().operations, [key]: next } });
  };

  return {
    operations: {},

    beginOperation(operation, clusterId) {
      const key = operationKey(operation, clusterId);
      set({ operations: { ...get().operations, [key]: { operation, clusterId, state: 'running', steps: [] } } });
      return key;
    },

    applyMcProgress(event) {
      update(operationKey(event.operation, event.clusterId), (run) => {
        if (run.state !== 'running') return run;
        const steps = mergeStep(run.steps, event.step);
        return steps === run.steps ? run : { ...run, steps };
      });
    },

    finishOperation(key, result) {
      update(key, (run) =>
        result.ok
          ? { ...run, state: 'done', steps: result.result.steps ?? run.steps }
          : { ...run, state: 'failed', error: result.error },
      );
    },

    clearOperation(key) {
      if (!(key in get().operations)) return;
      const next = { ...get().operations };
      delete next[key];
      set({ operations: next });
    },
  };
};
