/**
 * `flotilla distribution create|status|sync|delete|yaml`: the Distributions
 * on a primary that send global profiles and policies to clusters
 * (`distributions:*`, `resources:yaml`).
 *
 * `status` is a report: it reads every target Flotilla can reach and prints
 * each one's state (synced, syncing, missing, modified with the fields that
 * differ, failed, unreachable); it exits 0 whatever those states are, unless
 * --fail-unless-synced asks it to exit 1 when any target is not synced.
 */
import { SYNC_STATES, type ClusterSync, type Distribution, type FieldDiff } from '../../../shared/contract/index.js';
import type { SourceRef, TargetEntry } from '../../../shared/kasten/distribution.js';
import { kastenNameProblem } from '../../../shared/kasten/names.js';
import { parseLabelSelector } from '../../../shared/selectors.js';
import { flag, kastenName, required, str, type Occurrence } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_FAILED, EXIT_OK, UsageError } from '../errors.js';
import { json, table } from '../output.js';

/** The contract's limits (shared/contract/distribution.ts), said as usage errors rather than refused by the router. */
const MAX_TARGETS = 1000;
const MAX_SOURCES = 200;

/** --cluster and --selector, in the order given: the Distribution's spec.clusters. */
export function targetsFrom(order: readonly Occurrence[]): TargetEntry[] {
  const out: TargetEntry[] = [];
  const seen = new Set<string>();
  for (const o of order) {
    if (o.name !== 'cluster' && o.name !== 'selector') continue;
    const value = (o.value ?? '').trim();
    const key = `${o.name}\u0000${value}`;
    if (seen.has(key)) throw new UsageError(`--${o.name} ${value === '' ? '""' : value} is given twice`);
    seen.add(key);
    if (o.name === 'cluster') {
      const problem = kastenNameProblem(value);
      if (problem) throw new UsageError(`--cluster: ${problem}`);
      out.push({ name: value });
    } else {
      try {
        parseLabelSelector(value);
      } catch (err) {
        throw new UsageError(`--selector "${value}" is not a valid label selector: ${(err as Error).message}`);
      }
      out.push({ selector: value });
    }
  }
  if (out.length === 0) throw new UsageError('give at least one target: --cluster NAME or --selector SEL (repeatable)');
  if (out.length > MAX_TARGETS) throw new UsageError(`at most ${MAX_TARGETS} targets (--cluster and --selector) in one distribution`);
  return out;
}

/** --profile and --policy, in the order given: the Distribution's spec.sources. */
export function sourcesFrom(order: readonly Occurrence[]): SourceRef[] {
  const out: SourceRef[] = [];
  for (const o of order) {
    if (o.name !== 'profile' && o.name !== 'policy') continue;
    const value = (o.value ?? '').trim();
    const problem = kastenNameProblem(value);
    if (problem) throw new UsageError(`--${o.name}: ${problem}`);
    const kind = o.name === 'profile' ? 'Profile' : 'Policy';
    if (out.some((s) => s.kind === kind && s.name === value)) throw new UsageError(`--${o.name} ${value} is given twice`);
    out.push({ kind, name: value });
  }
  if (out.length === 0) throw new UsageError('give at least one source: --profile P or --policy Q (repeatable)');
  if (out.length > MAX_SOURCES) throw new UsageError(`at most ${MAX_SOURCES} sources (--profile and --policy) in one distribution`);
  return out;
}

const sourcesText = (sources: readonly SourceRef[]) => sources.map((s) => `${s.kind} ${s.name}`).join(', ') || 'nothing';

export const distributionCreateCommand: Command = {
  synopsis: ['distribution create --context A --name N (--cluster NAME | --selector SEL)… (--profile P | --policy Q)… [--json]'],
  help: `Creates the Distribution N on the primary A: K10 copies the global
profiles and policies given (its sources) into kasten-io on every cluster
its targets select, and keeps them there. A cluster that comes to match a
selector later receives them too.

Options:
  --context A        the primary
  --name N           the distribution's name (it cannot change later)
  --cluster NAME     a target: the cluster NAME (its name on the primary;
                     the primary's own name sends to the primary)
  --selector SEL     a target: every cluster whose labels match SEL
                     (kubectl -l syntax; "" selects every cluster)
  --profile P        a source: the global profile P
  --policy Q         a source: the global policy Q
  --json             {name, added, dropped} as JSON

--cluster and --selector repeat, and so do --profile and --policy; the
distribution keeps them in the order given. At least one target and one
source are required.

Exit code 1 when the primary refuses it (a distribution N exists already,
a source is not on the primary).`,
  options: {
    context: { type: 'string' },
    name: { type: 'string' },
    cluster: { type: 'string', multiple: true },
    selector: { type: 'string', multiple: true },
    profile: { type: 'string', multiple: true },
    policy: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  async run({ values, order, session, io }) {
    const context = required(values, 'context');
    const name = kastenName(values, 'name')!;
    const targets = targetsFrom(order);
    const sources = sourcesFrom(order);
    const r = await session.call('distributions:save', { primaryId: await session.clusterId(context), name, targets, sources, create: true });
    // A name that is not (yet) a Cluster on the primary selects nothing now; K10 sends to it once it joins.
    const unknown = targets.flatMap((t) => ('name' in t && !r.added.includes(t.name) ? [t.name] : []));
    if (unknown.length) io.err(`flotilla distribution create: warning: ${context} has no cluster named ${unknown.map((u) => `"${u}"`).join(', ')} (yet); nothing is sent there until one joins under that name`);
    if (flag(values, 'json')) {
      io.out(json(r));
      return EXIT_OK;
    }
    io.out(
      [
        r.added.length
          ? `Created distribution "${r.name}" on ${context}: it sends ${sourcesText(sources)} to ${r.added.join(', ')} (the clusters its targets select now).`
          : `Created distribution "${r.name}" on ${context}: it sends ${sourcesText(sources)}, but its targets select no cluster now (a cluster that comes to match receives them).`,
        `Follow it with: flotilla distribution status --context ${context} --name ${r.name}`,
      ].join('\n'),
    );
    return EXIT_OK;
  },
};

/** A distribution's status as JSON: the contract's fields first (name, state, clusters[name, state, message?, diff?]), then the rest. */
export function statusJson(d: Distribution): Record<string, unknown> {
  const { name, state, clusters, ...rest } = d;
  return {
    name,
    state,
    clusters: clusters.map(({ name: cluster, state: s, message, diff, ...more }) => ({ name: cluster, state: s, ...(message !== undefined ? { message } : {}), ...(diff !== undefined ? { diff } : {}), ...more })),
    ...rest,
  };
}

const shown = (v: string | undefined) => (v === undefined ? '(none)' : v);

/** `Policy daily-backup: spec.retention.daily: 7 → 3`. */
export function diffLine(d: FieldDiff): string {
  return `${d.path}: ${shown(d.expected)} → ${shown(d.actual)}`;
}

/** One distribution for people: a header line with its rolled-up state, a line per cluster, and under a modified cluster the fields that differ. */
export function statusText(d: Distribution): string {
  const header = `${d.name}: ${d.state} (sends ${sourcesText(d.sources)})`;
  if (d.clusters.length === 0) return `${header}\n  its targets select no cluster`;
  const lines = table(
    ['NAME', 'STATE', 'MESSAGE'],
    d.clusters.map((c: ClusterSync) => [c.name, c.state, c.message ?? '']),
  ).split('\n');
  const out = [header, `  ${lines[0]}`];
  d.clusters.forEach((c, i) => {
    out.push(`  ${lines[i + 1]}`);
    if (c.state === 'modified') for (const f of c.diff ?? []) out.push(`      ${diffLine(f)}`);
  });
  return out.join('\n');
}

export const distributionStatusCommand: Command = {
  synopsis: ['distribution status --context A [--name N] [--json] [--fail-unless-synced]'],
  help: `Reads every target of the distributions on the primary A (or of N alone)
that Flotilla can reach, compares its copies with the global definitions,
and prints per distribution its state (the worst of its clusters), then one
line per cluster: NAME STATE MESSAGE, where STATE is
  ${SYNC_STATES.join(' | ')}
and, under a modified cluster, each field that differs as
  path: expected → actual
(a secret's value is never shown, only that it differs).

Options:
  --context A              the primary
  --name N                 only the distribution N
  --json                   the distributions as a JSON array, each
                           {name, state, clusters: [{name, state, message?, diff?}], …}
  --fail-unless-synced     exit 1 unless every cluster shown is synced (for scripts)

Exit code 0 whatever the clusters' states (it is a report; a cluster that
cannot be read shows unreachable), 1 when the primary cannot be read or
there is no distribution N; with --fail-unless-synced, 1 also when any
cluster is not synced (the report is printed all the same, the reason on
stderr).`,
  options: { context: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' }, 'fail-unless-synced': { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const name = str(values, 'name');
    if (name === '') throw new UsageError('--name needs a distribution name (leave it out for every distribution)');
    const list = await session.call('distributions:list', { primaryId: await session.clusterId(context), ...(name ? { name } : {}) });
    if (flag(values, 'json')) io.out(json(list.map(statusJson)));
    else io.out(list.length ? list.map(statusText).join('\n\n') : `${context} has no distributions; create one with flotilla distribution create --context ${context} --name NAME --selector SEL --policy POLICY.`);
    if (!flag(values, 'fail-unless-synced')) return EXIT_OK;
    const notSynced = list.flatMap((d) => d.clusters.filter((c) => c.state !== 'synced').map((c) => `${d.name} is ${c.state} on ${c.name}`));
    if (notSynced.length === 0) return EXIT_OK;
    io.err(`flotilla distribution status: not synced: ${notSynced.slice(0, 10).join('; ')}${notSynced.length > 10 ? `; and ${notSynced.length - 10} more` : ''}`);
    return EXIT_FAILED;
  },
};

export const distributionSyncCommand: Command = {
  synopsis: ['distribution sync --context A --name N [--json]'],
  help: `Asks K10 on the primary A to re-apply the distribution N to every target
now, overwriting local edits of the copies (what distribution status shows
as modified). It does not wait: follow it with distribution status.

Options:
  --context A     the primary
  --name N        the distribution
  --json          print {"synced": N} as JSON`,
  options: { context: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const name = required(values, 'name');
    await session.call('distributions:sync', { primaryId: await session.clusterId(context), name });
    io.out(
      flag(values, 'json')
        ? json({ synced: name })
        : `Asked K10 on ${context} to re-apply distribution "${name}" to its targets.\nFollow it with: flotilla distribution status --context ${context} --name ${name}`,
    );
    return EXIT_OK;
  },
};

export const distributionDeleteCommand: Command = {
  synopsis: ['distribution delete --context A --name N [--json]'],
  help: `Deletes the distribution N on the primary A. As Kasten does, the copies it
sent stay on its clusters (no longer kept in step); the output says which
clusters hold them, to remove them there if they should go.

Options:
  --context A     the primary
  --name N        the distribution
  --json          {"copiesKeptOn": [CLUSTER…]} as JSON`,
  options: { context: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const name = required(values, 'name');
    const r = await session.call('distributions:delete', { primaryId: await session.clusterId(context), name });
    if (flag(values, 'json')) io.out(json({ deleted: name, ...r }));
    else {
      io.out(
        r.copiesKeptOn.length
          ? `Deleted distribution "${name}" on ${context}. Its copies stay on ${r.copiesKeptOn.join(', ')} (Kasten leaves them; they are no longer kept in step).`
          : `Deleted distribution "${name}" on ${context}. It had no clusters, so no copies were left anywhere.`,
      );
    }
    return EXIT_OK;
  },
};

const KINDS = ['Profile', 'Policy', 'Distribution'] as const;

export const distributionYamlCommand: Command = {
  synopsis: ['distribution yaml --context A --kind Profile|Policy|Distribution --name N [--reveal-secrets]'],
  help: `Prints the global profile, policy or distribution N on the primary A as
YAML (what Flotilla wrote, without the server's bookkeeping). A profile
comes with its keys' Secret, whose values read [redacted] unless
--reveal-secrets; a reveal is recorded in the audit log (secret-reveal).

Options:
  --context A         the primary
  --kind KIND         Profile, Policy or Distribution
  --name N            its name
  --reveal-secrets    show the Secret's values (base64, as stored)`,
  options: { context: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' }, 'reveal-secrets': { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const given = required(values, 'kind');
    const kind = KINDS.find((k) => k.toLowerCase() === given.toLowerCase());
    if (!kind) throw new UsageError(`--kind must be one of ${KINDS.join(', ')} (got "${given}")`);
    const name = required(values, 'name');
    const revealSecrets = flag(values, 'reveal-secrets');
    const primaryId = await session.clusterId(context);
    const yaml = revealSecrets ? (await session.call('resources:reveal-yaml', { primaryId, kind, name })).yaml.value : (await session.call('resources:yaml', { primaryId, kind, name })).yaml;
    io.out(yaml);
    if (revealSecrets && kind === 'Profile') io.err('flotilla distribution yaml: the Secret\'s values are shown (this reveal is recorded in the audit log)');
    return EXIT_OK;
  },
};
