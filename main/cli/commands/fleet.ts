/**
 * `flotilla fleet`: the fleet view's rows printed once. It reads the fleet
 * once (fleet/fleet-once.ts: a probe and the lists a row needs, clusters in
 * parallel through the cluster pool) and opens no watch: FleetService, which
 * keeps rows current with watches, is for the app. The rows are built by the
 * same rules, so both show the same thing.
 *
 * A direct read over the cluster list and pool (session.ts `clusters()`),
 * not a channel: the router would add only argument validation the command
 * has already done, and the renderer has no use for a one-shot read (it
 * follows `fleet:changed`); a channel would put a CLI-only entry in the
 * shared contract. Nor does it need the other services, so over
 * --kubeconfig it does not build them.
 *
 * Without --wait it gives the read 10 s; with --wait SECONDS, that long. When
 * the time runs out first, or when some reachable row is not complete (role,
 * K10 version and counts known: a list failed, say), it prints what there
 * is, says so on stderr, and still exits 0: the rows are correct, only
 * incomplete.
 */
import type { FleetRow } from '../../../shared/contract/index.js';
import { flag, seconds } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK } from '../errors.js';
import { json, table } from '../output.js';

/** Without --wait: a cluster's probe gives up after 5 s, so rows settle well within this. */
const FIRST_ANSWER_MS = 10_000;

/** A reachable row whose role, K10 version and counts are all known. */
export function rowComplete(row: FleetRow): boolean {
  return row.role !== 'unknown' && row.k10Version !== undefined && row.counts.applications !== undefined && row.counts.policies !== undefined;
}

function settled(rows: FleetRow[], complete: boolean): boolean {
  return rows.every((r) => r.reachability.state === 'unreachable' || (r.reachability.state === 'reachable' && (!complete || rowComplete(r))));
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
  synopsis: ['fleet [--json] [--wait SECONDS]'],
  help: `Prints the fleet as the app shows it, then exits. It reads every cluster
once (no watches): its version, and the lists a row needs.

Without --wait it gives that 10 seconds; with --wait, SECONDS (0-600).
If the time runs out, or a reachable row is not complete (role known,
K10 version and counts present), it prints the rows it has, notes it on
stderr, and exits 0.

Options:
  --json            the rows as a JSON array (FleetRow objects)
  --wait SECONDS    wait up to SECONDS for every reachable row to be complete`,
  options: { json: { type: 'boolean' }, wait: { type: 'string' } },
  async run({ values, session, io }) {
    const waitFor = values.wait === undefined ? undefined : seconds(values, 'wait', 0);
    const complete = waitFor !== undefined;
    // Loaded here, not at the top: other commands, help and usage errors never load the Kubernetes client (see session.ts).
    const { readFleetOnce } = await import('../../fleet/fleet-once.js');
    const { rows, timedOut } = await session.read((clusters) => readFleetOnce(clusters, { deadlineMs: complete ? waitFor * 1000 : FIRST_ANSWER_MS }));
    if (!settled(rows, complete)) {
      const pending = rows.filter((r) => !settled([r], complete)).map((r) => r.name);
      io.err(`flotilla fleet: ${timedOut ? `after ${complete ? waitFor : FIRST_ANSWER_MS / 1000} s` : 'read once'}, ${pending.length} of ${rows.length} rows are not complete${timedOut ? ' yet' : ''} (${pending.slice(0, 10).join(', ')}${pending.length > 10 ? ', …' : ''}); they are shown as far as they are known`);
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
