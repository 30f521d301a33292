/**
 * What is wrong with a fleet row, as the summary tiles count it and the
 * fleet view's filters pick it: one rule for both sides, so a tile's count
 * is always the number of rows its filter shows. Zod-free (types only), so
 * the renderer can import it at run time.
 */
import type { FleetRow, FleetSummary } from './fleet.js';

/** Error codes that mean "this workstation's credentials are refused (401) or lack a permission (403)". */
const AUTH_CODES: ReadonlySet<string> = new Set(['UNAUTHORIZED', 'FORBIDDEN']);

/**
 * A cluster that answers but refuses us: its standing error (the probe's,
 * else a watch's) is a 401 or a 403. An unreachable cluster is counted as
 * unreachable only, whatever it said before.
 */
export function isAuthProblem(row: FleetRow): boolean {
  return row.reachability.state !== 'unreachable' && row.lastError !== undefined && AUTH_CODES.has(row.lastError.code);
}

/** At least one K10 action failed in the last 24 hours. */
export function hasFailedActions(row: FleetRow): boolean {
  return (row.counts.failedActions24h ?? 0) > 0;
}

export const EMPTY_SUMMARY: Readonly<FleetSummary> = { clusters: 0, reachable: 0, unreachable: 0, authProblems: 0, failedActions: 0, primaries: 0, secondaries: 0 };

/** The fleet view's tiles (the same for the watched view and `flotilla fleet`): each count is one of its filters. */
export function summarize(rows: Iterable<FleetRow>): FleetSummary {
  const s: FleetSummary = { ...EMPTY_SUMMARY };
  for (const row of rows) {
    s.clusters++;
    if (row.reachability.state === 'reachable') s.reachable++;
    if (row.reachability.state === 'unreachable') s.unreachable++;
    if (isAuthProblem(row)) s.authProblems++;
    if (hasFailedActions(row)) s.failedActions++;
    if (row.role === 'primary') s.primaries++;
    if (row.role === 'secondary') s.secondaries++;
  }
  return s;
}
