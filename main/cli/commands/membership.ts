/** After joining: `disconnect`, `demote`, `grant`, `label`, and the local `audit` log. */
import { AUDIT_ACTION_NAMES, type AuditEntry, type Subject } from '../../../shared/contract/index.js';
import { K10_CLUSTER_ROLES } from '../../../shared/kasten/kinds.js';
import { clusterTargets, flag, integer, kastenName, labelChanges, required, seconds, str, strs } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { json, steps, table } from '../output.js';

export const disconnectCommand: Command = {
  synopsis: ['disconnect --context A --cluster NAME [--force --secondary-context B] [--wait SECONDS] [--json]'],
  help: `Deletes the Cluster NAME on the primary A and waits until the secondary
confirms. With --force (the secondary is down or unreachable for good),
also cleans up what can be cleaned on the secondary B, if it answers.

Options:
  --context A              the primary
  --cluster NAME           the secondary's name on the primary
  --force                  do not wait for the secondary to confirm
  --secondary-context B    with --force: the secondary, to clean up on it
  --wait SECONDS           how long to wait (0-600, default 60)
  --json                   the steps as JSON`,
  options: { context: { type: 'string' }, cluster: { type: 'string' }, force: { type: 'boolean' }, 'secondary-context': { type: 'string' }, wait: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const clusterName = required(values, 'cluster');
    const force = flag(values, 'force');
    const secondary = str(values, 'secondary-context');
    if (secondary && !force) throw new UsageError('--secondary-context is for a forced disconnect: add --force, or leave it out');
    const waitSeconds = seconds(values, 'wait', 60);
    const primaryId = await session.clusterId(context);
    const secondaryId = secondary ? await session.clusterId(secondary, '--secondary-context') : undefined;
    const r = await session.call('disconnect:run', { primaryId, clusterName, force, ...(secondaryId ? { secondaryId } : {}), waitSeconds });
    io.out(flag(values, 'json') ? json(r) : `${steps(r.steps)}\nDisconnected "${clusterName}" from ${context}.`);
    return EXIT_OK;
  },
};

export const demoteCommand: Command = {
  synopsis: ['demote --context A [--wait SECONDS] [--json]'],
  help: `Removes the multi-cluster primary on A; refused while it has secondaries
(disconnect them first).

Options:
  --context A       the primary
  --wait SECONDS    how long to wait for K10 (0-600, default 60)
  --json            the steps as JSON`,
  options: { context: { type: 'string' }, wait: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const waitSeconds = seconds(values, 'wait', 60);
    const r = await session.call('demote:run', { primaryId: await session.clusterId(context), waitSeconds });
    io.out(flag(values, 'json') ? json(r) : `${steps(r.steps)}\n${context} is no longer a multi-cluster primary.`);
    return EXIT_OK;
  },
};

const ROLES: readonly string[] = K10_CLUSTER_ROLES;

export const grantCommand: Command = {
  synopsis: ['grant --context A --user U [--group G] [--role ROLE] [--clusters all|NAME,…|selector=SEL] [--name BINDING] [--mc-admin] [--json]'],
  help: `Creates a K10ClusterRoleBinding on the primary A.

Options:
  --context A          the primary
  --user U             a user to grant (repeatable)
  --group G            a group to grant (repeatable); --user or --group is required
  --role ROLE          ${K10_CLUSTER_ROLES.join(' | ')}
                       (default k10-multi-cluster-admin)
  --clusters WHICH     all (default), NAME,NAME… or selector=SELECTOR
  --name BINDING       the binding's name (default: from the first subject and the role)
  --mc-admin           also bind k10-mc-admin in kasten-io-mc (manage multi-cluster objects)
  --json               the steps as JSON`,
  options: {
    context: { type: 'string' },
    user: { type: 'string', multiple: true },
    group: { type: 'string', multiple: true },
    role: { type: 'string' },
    clusters: { type: 'string' },
    name: { type: 'string' },
    'mc-admin': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const subjects: Subject[] = [...strs(values, 'user').map((name) => ({ kind: 'User' as const, name })), ...strs(values, 'group').map((name) => ({ kind: 'Group' as const, name }))];
    if (subjects.length === 0) throw new UsageError('--user or --group is required');
    if (subjects.some((s) => !s.name.trim())) throw new UsageError('--user and --group need a name');
    const role = str(values, 'role') ?? 'k10-multi-cluster-admin';
    if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${K10_CLUSTER_ROLES.join(', ')} (got "${role}")`);
    const clusters = clusterTargets(str(values, 'clusters'));
    // Loaded when used: the multi-cluster modules bring the Kubernetes client, which `--help` should not wait for.
    const { suggestKastenName } = await import('../../multicluster/promote.js');
    const name = kastenName(values, 'name', { optional: true }) ?? suggestKastenName(`${subjects[0]!.name}-${role}`);
    const r = await session.call('grant:apply', {
      primaryId: await session.clusterId(context),
      name,
      role: role as (typeof K10_CLUSTER_ROLES)[number],
      subjects,
      clusters,
      mcAdmin: flag(values, 'mc-admin'),
    });
    const who = subjects.map((s) => `${s.kind} ${s.name}`).join(', ');
    const where = clusters.map((c) => ('name' in c ? c.name : c.selector ? `selector "${c.selector}"` : 'all clusters')).join(', ');
    io.out(flag(values, 'json') ? json({ name, ...r }) : `${steps(r.steps)}\nGranted ${role} to ${who} on ${where} (K10ClusterRoleBinding ${name} on ${context}).`);
    return EXIT_OK;
  },
};

export const labelCommand: Command = {
  synopsis: ['label --context A --cluster NAME key=value… key-… [--json]'],
  help: `Changes the labels of the Cluster NAME on the primary A (what distributions
select clusters by): key=value sets a label, key- removes it.

Options:
  --context A       the primary
  --cluster NAME    the Cluster (a secondary's name on the primary, or the primary's)
  --json            the Cluster after the change, as JSON`,
  options: { context: { type: 'string' }, cluster: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 0, max: 200 },
  async run({ values, positionals, session, io }) {
    const context = required(values, 'context');
    const clusterName = required(values, 'cluster');
    const { set, remove } = labelChanges(positionals);
    const { labelChangeProblems } = await import('../../multicluster/membership.js');
    const problems = labelChangeProblems(set, remove);
    if (problems.length) throw new UsageError(problems.join('; '));
    const c = await session.call('labels:set', { primaryId: await session.clusterId(context), clusterName, set, remove });
    const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${v}`);
    io.out(flag(values, 'json') ? json(c) : `Labels of "${c.name}" on ${context}:\n${labels.map((l) => `  ${l}`).join('\n') || '  (none)'}`);
    return EXIT_OK;
  },
};

const ACTIONS: readonly string[] = AUDIT_ACTION_NAMES;

export function auditTable(entries: AuditEntry[]): string {
  return table(
    ['TIME', 'ACTION', 'OUTCOME', 'CLUSTER', 'TARGET', 'IDENTITY', 'DETAIL'],
    entries.map((e) => [e.time.replace(/\.\d+Z$/, 'Z'), e.action, e.outcome, e.cluster ?? '-', e.target ?? '-', e.identity ?? '-', e.error ?? e.detail ?? '']),
  );
}

export const auditCommand: Command = {
  synopsis: ['audit [--cluster C] [--action ACTION] [--limit N] [--json]'],
  help: `Lists the audit log Flotilla keeps on this workstation (the app's and the
CLI's actions), newest first. It never holds a token's value.

Options:
  --cluster C       only actions on the cluster C (its name)
  --action ACTION   only this action: ${AUDIT_ACTION_NAMES.join(', ')}
  --limit N         at most N entries (1-5000, default 500)
  --json            the entries as a JSON array`,
  options: { cluster: { type: 'string' }, action: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const action = str(values, 'action');
    if (action !== undefined && !ACTIONS.includes(action)) throw new UsageError(`--action must be one of ${AUDIT_ACTION_NAMES.join(', ')} (got "${action}")`);
    const cluster = str(values, 'cluster');
    const limit = integer(values, 'limit', 500, 1, 5000);
    const entries = await session.call('audit:list', { ...(cluster ? { cluster } : {}), ...(action ? { action: action as (typeof AUDIT_ACTION_NAMES)[number] } : {}), limit });
    if (flag(values, 'json')) io.out(json(entries));
    else io.out(entries.length ? auditTable(entries) : 'The audit log has no matching entries.');
    return EXIT_OK;
  },
};
