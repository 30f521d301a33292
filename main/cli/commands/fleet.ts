/**
 * `flotilla fleet`: the fleet view's rows (FleetService, `fleet:snapshot`)
 * printed once. The rows fill as each cluster answers, so the command waits
 * for that: by default until every cluster has answered its first probe
 * (reachable or not), with --wait until every reachable row is complete
 * (role known, K10 version and counts present) or the time runs out — then
 * it prints what there is, says so on stderr, and still exits 0: the rows
 * are correct, only incomplete.
 */
import type { FleetRow, FleetSnapshot } from '../../../shared/contract/index.js';
import { flag, seconds } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { json, table } from '../output.js';
import type { Session } from '../session.js';

const POLL_MS = 200;
/** Without --wait: a cluster's first probe gives up after 5 s (fleet-service.ts), so rows settle well within this. */
const FIRST_ANSWER_MS = 10_000;

/** A reachable row whose role, K10 version and counts are all known. */
export function rowComplete(row: FleetRow): boolean {
  return row.role !== 'unknown' && row.k10Version !== undefined && row.counts.applications !== undefined && row.counts.policies !== undefined;
}

function settled(rows: FleetRow[], complete: boolean): boolean {
  return rows.every((r) => r.reachability.state === 'unreachable' || (r.reachability.state === 'reachable' && (!complete || rowComplete(r))));
}

async function poll(session: Session, until: (s: FleetSnapshot) => boolean, ms: number): Promise<{ snapshot: FleetSnapshot; done: boolean }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const snapshot = await session.call('fleet:snapshot', {});
    if (until(snapshot)) return { snapshot, done: true };
    if (Date.now() >= deadline) return { snapshot, done: false };
    await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(0, deadline - Date.now()))));
  }
}

const dash = (v: string | number | undefined) => (v === undefined ? '-' : String(v));

function reachable(row: FleetRow): string {
  if (row.reachability.state === 'checking') return 'checking';
  if (row.reachability.state === 'unreachable') return 'no';
  return row.reachability.latencyMs !== undefined ? `yes (${Math.round(row.reachability.latencyMs)} ms)` : 'yes';
}

export function fleetTable(rows: FleetRow[]): string {
  return table(
    ['NAME', 'ROLE', 'JOIN', 'REACHABLE', 'K8S', 'K10', 'APPS', 'POLICIES', 'FAILED24H'],
    rows.map((r) => [
      r.name,
      r.role === 'secondary' && r.primaryName ? `secondary of ${r.primaryName}` : r.role,
      r.joinState === 'none' ? '-' : r.joinState,
      reachable(r),
      dash(r.kubernetesVersion),
      dash(r.k10Version),
      dash(r.counts.applications),
      dash(r.counts.policies),
      dash(r.counts.failedActions24h),
    ]),
  );
}

export const fleetCommand: Command = {
  name: 'fleet',
  summary: 'one row per cluster: role, join state, reachability, versions, counts',
  synopsis: ['fleet [--json] [--wait SECONDS]'],
  help: `Prints the fleet as the app shows it, then exits.

Without --wait it prints once every cluster has answered its first probe
(a few seconds at most); ROLE and counts may still show "unknown" or "-".
With --wait it waits until every reachable row is complete (role known,
K10 version and counts present) or SECONDS pass (0-600). If the time runs
out it prints the rows it has, notes it on stderr, and exits 0.

Options:
  --json            the rows as a JSON array (FleetRow objects)
  --wait SECONDS    wait up to SECONDS for every reachable row to be complete`,
  options: { json: { type: 'boolean' }, wait: { type: 'string' } },
  async run({ values, session, io }) {
    const waitFor = values.wait === undefined ? undefined : seconds(values, 'wait', 0);
    const complete = waitFor !== undefined;
    const { snapshot, done } = await poll(session, (s) => settled(s.rows, complete), complete ? waitFor * 1000 : FIRST_ANSWER_MS);
    const rows = snapshot.rows;
    if (!done) {
      const pending = rows.filter((r) => !settled([r], complete)).map((r) => r.name);
      io.err(`flotilla fleet: ${complete ? `after ${waitFor} s` : 'after waiting'}, ${pending.length} of ${rows.length} rows are not complete yet (${pending.slice(0, 10).join(', ')}${pending.length > 10 ? ', …' : ''}); they are shown as far as they are known`);
    }
    if (flag(values, 'json')) {
      io.out(json(rows));
      return EXIT_OK;
    }
    if (rows.length === 0) {
      io.out('No clusters. Import some in the app, or pass --kubeconfig FILE.');
      return EXIT_OK;
    }
    io.out(fleetTable(rows));
    const problems = rows.filter((r) => r.lastError);
    if (problems.length) io.out(['', ...problems.map((r) => `${r.name}: ${r.lastError!.message}`)].join('\n'));
    return EXIT_OK;
  },
};
