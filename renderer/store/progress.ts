/**
 * How progress events enter the store: the steps of an operation
 * (`mc:progress`) and the per-cluster states of a join (`join:progress`).
 * Pure, so the merge rules are tested without a store: a step replaces the
 * step of the same name (running → done), and a join that has reached an end
 * state is not moved back by a late event of the same run.
 */
import type { JoinOutcome, JoinProgressState, Step } from '../../shared/contract/index.js';

/** The steps after `step`: the one of the same name replaced in place, or appended. Same array when nothing changes. */
export function mergeStep(steps: readonly Step[], step: Step): Step[] {
  const i = steps.findIndex((s) => s.step === step.step);
  if (i < 0) return [...steps, step];
  const old = steps[i]!;
  if (old.state === step.state && old.message === step.message) return steps as Step[];
  const next = [...steps];
  next[i] = step;
  return next;
}

/** States a join does not leave on its own. */
export const FINAL_JOIN_STATES: ReadonlySet<JoinProgressState> = new Set(['joined', 'rejected', 'failed', 'refused', 'timeout']);

export function isFinalJoinState(state: JoinProgressState): boolean {
  return FINAL_JOIN_STATES.has(state);
}

export type JoinProgressMap = Readonly<Record<string, JoinOutcome>>;

/**
 * The per-cluster states after one `join:progress` event: the cluster's entry
 * replaced, unless it already ended and the event would move it back (an
 * event that arrived late). Only the outcome's own fields are kept (an
 * event's `error` is folded into its message).
 */
export function mergeJoinProgress(map: JoinProgressMap, event: JoinOutcome & { error?: { message: string } }): JoinProgressMap {
  const current = map[event.clusterId];
  if (current && isFinalJoinState(current.state) && !isFinalJoinState(event.state)) return map;
  const message = event.message ?? event.error?.message;
  const outcome: JoinOutcome = {
    clusterId: event.clusterId,
    cluster: event.cluster,
    ...(event.joinName ? { joinName: event.joinName } : {}),
    state: event.state,
    ...(message ? { message } : {}),
  };
  return { ...map, [event.clusterId]: outcome };
}

/** Counts of outcomes by state, for a result's summary line. */
export function countJoinStates(outcomes: Iterable<JoinOutcome>): Partial<Record<JoinProgressState, number>> {
  const counts: Partial<Record<JoinProgressState, number>> = {};
  for (const o of outcomes) counts[o.state] = (counts[o.state] ?? 0) + 1;
  return counts;
}
