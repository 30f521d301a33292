/**
 * `flotilla policy create|list|delete`: global backup policies on a primary
 * (`policies:*`), which distributions send to clusters. The fields are
 * checked with the service's own rules before anything is sent, each problem
 * named by its option (exit code 2); what only the primary can tell (an
 * export profile that is not there) is the service's refusal (exit code 1).
 */
import type { Policy } from '../../../shared/contract/index.js';
import { RETENTION_PERIODS, type RetentionPeriod } from '../../../shared/kasten/distribution.js';
import { policyProblems } from '../../distribution/validation.js';
import { flag, kastenName, required, str, type Values } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { json, table } from '../output.js';

type Retention = Partial<Record<RetentionPeriod, number>>;

/** What K10's dashboard proposes for a new policy, from the frequency's own period up. */
const K10_DEFAULT_RETENTION: Record<RetentionPeriod, number> = { hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 7 };
const PRESET_PERIOD: Record<string, RetentionPeriod> = { '@hourly': 'hourly', '@daily': 'daily', '@weekly': 'weekly', '@monthly': 'monthly', '@yearly': 'yearly' };
const MAX_KEEP = 10_000;

/** The default retention for `frequency`: K10's proposal from its period up (from daily for a cron expression). */
export function defaultRetention(frequency: string): Retention {
  const from = RETENTION_PERIODS.indexOf(PRESET_PERIOD[frequency] ?? 'daily');
  return Object.fromEntries(RETENTION_PERIODS.slice(from).map((p) => [p, K10_DEFAULT_RETENTION[p]]));
}

/** `daily=7,weekly=4` → { daily: 7, weekly: 4 }. */
export function parseRetention(text: string): Retention {
  const out: Retention = {};
  const expects = `PERIOD=COUNT,… with PERIOD one of ${RETENTION_PERIODS.join(', ')} and COUNT a whole number from 0 to ${MAX_KEEP}, like daily=7,weekly=4`;
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !p)) throw new UsageError(`--retention must be ${expects} (got "${text}")`);
  for (const part of parts) {
    const m = /^([a-z]+)\s*=\s*(\d+)$/i.exec(part);
    const period = m?.[1]!.toLowerCase() as RetentionPeriod | undefined;
    if (!m || !period || !RETENTION_PERIODS.includes(period)) throw new UsageError(`--retention: "${part}" is not PERIOD=COUNT; it must be ${expects}`);
    const count = Number(m[2]);
    if (count > MAX_KEEP) throw new UsageError(`--retention: ${period} keeps at most ${MAX_KEEP} (got ${m[2]})`);
    if (period in out) throw new UsageError(`--retention: ${period} is given twice`);
    out[period] = count;
  }
  return out;
}

export function retentionText(r: Retention): string {
  return RETENTION_PERIODS.filter((p) => r[p] !== undefined).map((p) => `${p}=${r[p]}`).join(',') || '-';
}

function policyInput(values: Values) {
  const name = kastenName(values, 'name')!;
  const frequency = required(values, 'frequency').trim();
  const exportProfile = kastenName(values, 'export-profile', { optional: true });
  const given = str(values, 'retention');
  const retention = given === undefined ? defaultRetention(frequency) : parseRetention(given);
  const selector = str(values, 'selector') ?? '';
  const policy = { name, frequency, retention, ...(exportProfile ? { exportProfile } : {}), selector, paused: flag(values, 'paused') };
  // The service's rules; whether the export profile exists only the primary can say.
  const problems = policyProblems(policy, exportProfile ? [exportProfile] : []);
  if (problems.length) throw new UsageError(problems.map((p) => `--${p.field === 'exportProfile' ? 'export-profile' : p.field}: ${p.message}`).join('; '));
  return policy;
}

function describePolicy(p: Policy): string {
  const parts = [
    p.frequency,
    `keeps ${retentionText(p.retention).replaceAll(',', ' ')}`,
    p.exportProfile ? `exports to profile ${p.exportProfile}` : 'no export',
    p.selector ? `applications matching ${p.selector}` : 'every application',
  ];
  return `${parts.join(', ')}${p.paused ? ' (paused)' : ''}`;
}

export const policyCreateCommand: Command = {
  synopsis: ['policy create --context A --name N --frequency @daily [--retention daily=7,weekly=4] [--export-profile P] [--selector SEL] [--paused] [--json]'],
  help: `Creates the global policy N on the primary A: a backup at --frequency of
the applications --selector picks, kept as --retention says, and exported
to the global profile P when --export-profile is given. Send it to
clusters with flotilla distribution create … --policy N.

Options:
  --context A           the primary
  --name N              the policy's name
  --frequency F         @hourly, @daily, @weekly, @monthly, @yearly, or a cron
                        expression of five fields ("0 2 * * *")
  --retention R         how many backups to keep per period, like
                        daily=7,weekly=4 (periods: ${RETENTION_PERIODS.join(', ')});
                        default: K10's proposal from the frequency's period up
                        (hourly=24 daily=7 weekly=4 monthly=12 yearly=7; from
                        daily for a cron expression)
  --export-profile P    export each backup to the global profile P
  --selector SEL        the applications (namespaces) it backs up, as a label
                        selector (kubectl -l syntax); default: every application
  --paused              create it paused
  --json                the policy as JSON

Exit code 2 when a field is not valid (the option is named; nothing is
sent), 1 when the primary refuses it (a policy N exists already, no global
profile P on it).`,
  options: {
    context: { type: 'string' },
    name: { type: 'string' },
    frequency: { type: 'string' },
    retention: { type: 'string' },
    'export-profile': { type: 'string' },
    selector: { type: 'string' },
    paused: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const policy = policyInput(values);
    const saved = await session.call('policies:save', { primaryId: await session.clusterId(context), policy, create: true });
    if (flag(values, 'json')) {
      io.out(json(saved));
      return EXIT_OK;
    }
    io.out(
      [
        `Created global policy "${saved.name}" on ${context}: ${describePolicy(saved)}.`,
        `Send it to clusters with: flotilla distribution create --context ${context} --name NAME --selector SEL --policy ${saved.name}`,
      ].join('\n'),
    );
    return EXIT_OK;
  },
};

export function policiesTable(policies: Policy[]): string {
  return table(
    ['NAME', 'FREQUENCY', 'RETENTION', 'EXPORT', 'APPLICATIONS', 'PAUSED', 'DISTRIBUTIONS'],
    policies.map((p) => [p.name, p.frequency, retentionText(p.retention), p.exportProfile ?? '-', p.selector || 'all', p.paused ? 'yes' : 'no', p.distributions.join(',') || '-']),
  );
}

export const policyListCommand: Command = {
  synopsis: ['policy list --context A [--json]'],
  help: `Lists the global policies on the primary A, with the distributions that
send them.

Options:
  --context A     the primary
  --json          the policies as a JSON array`,
  options: { context: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const policies = await session.call('policies:list', { primaryId: await session.clusterId(context) });
    if (flag(values, 'json')) io.out(json(policies));
    else io.out(policies.length ? policiesTable(policies) : `${context} has no global policies; create one with flotilla policy create --context ${context} --name NAME --frequency @daily.`);
    return EXIT_OK;
  },
};

export const policyDeleteCommand: Command = {
  synopsis: ['policy delete --context A --name N [--json]'],
  help: `Deletes the global policy N on the primary A. Refused (exit code 1) while
a distribution sends it: the message names them. Copies already on
clusters stay there.

Options:
  --context A     the primary
  --name N        the policy
  --json          print {"deleted": N} as JSON`,
  options: { context: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const name = required(values, 'name');
    await session.call('policies:delete', { primaryId: await session.clusterId(context), name });
    io.out(flag(values, 'json') ? json({ deleted: name }) : `Deleted global policy "${name}" on ${context}.`);
    return EXIT_OK;
  },
};
