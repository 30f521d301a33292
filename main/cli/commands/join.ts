/**
 * `flotilla join` (one secondary, with a token from a file) and `flotilla
 * bootstrap` (the `k10multicluster bootstrap` equivalent: promote when
 * needed, a token, the join, wait for joined — the token never leaves
 * Flotilla). Both exit 1 with Kasten's message when the join does not end
 * joined; a join still under way when the wait ends (timeout) exits 1 too,
 * saying that K10 keeps trying.
 */
import { resolve } from 'node:path';
import type { JoinOutcome, ResultOf } from '../../../shared/contract/index.js';
import { flag, ingressUrl, kastenName, required, seconds, str } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_FAILED, EXIT_OK, Failure, UsageError } from '../errors.js';
import { json, steps, type Output } from '../output.js';
import { readTokenFile } from '../secret-files.js';
import type { Session } from '../session.js';
import { promoteIngress } from './promote.js';

const DEFAULT_WAIT_S = 60;

/** A timeout's message, which must say that the join goes on without us. */
function keepsTrying(message: string | undefined): string {
  if (message && /keeps trying/.test(message)) return message;
  return `${message ? `${message}; ` : ''}K10 keeps trying, and flotilla fleet shows the outcome.`;
}

/** Prints a join's outcome; its exit code. */
function reportOutcome(io: Output, command: string, outcome: JoinOutcome): number {
  const as = outcome.joinName ? ` as "${outcome.joinName}"` : '';
  switch (outcome.state) {
    case 'joined':
      return EXIT_OK;
    case 'rejected':
      io.err(`flotilla ${command}: the primary rejected ${outcome.cluster}${as}: ${outcome.message ?? 'no reason given'}`);
      break;
    case 'timeout':
      io.err(`flotilla ${command}: ${outcome.cluster}${as} has not joined yet: ${keepsTrying(outcome.message)}`);
      break;
    default:
      io.err(`flotilla ${command}: ${outcome.cluster}${as} did not join (${outcome.state}): ${outcome.message ?? 'no reason given'}`);
  }
  return EXIT_FAILED;
}

/** Shows join:progress on stderr while a person watches (not when stderr is a file or a pipe). */
async function withProgress<T>(session: Session, io: Output, fn: () => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return fn();
  const services = await session.services();
  const off = services.router.subscribe((e) => {
    if (e.event === 'join:progress' && e.payload.state !== 'joined') io.err(`  ${e.payload.cluster}: ${e.payload.state}${e.payload.message ? ` (${e.payload.message})` : ''}`);
  });
  try {
    return await fn();
  } finally {
    off();
  }
}

export const joinCommand: Command = {
  synopsis: ['join --context C --token-file F [--name N] [--ingress URL] [--primary-ingress URL] [--wait SECONDS] [--json]', 'join --reset --context C'],
  help: `Writes mc-join and mc-join-config on the cluster C and follows mc-join-status
until K10 says joined or rejected, or SECONDS pass (default ${DEFAULT_WAIT_S}).

Options:
  --context C              the cluster that joins (the secondary)
  --token-file F           the join token, as written by token create --out
                           or handoff open --out
  --name N                 its name on the primary (default: from its name here)
  --ingress URL            its own K10 ingress (default: the one found on it)
  --primary-ingress URL    the primary's K10 ingress, when the token does not
                           carry the one the secondary must use
  --wait SECONDS           how long to follow the join (0-600)
  --reset                  start over: delete this cluster's join objects
                           (never mc-cluster-info)
  --json                   the outcome as JSON

Exit code 1 when the join is refused, rejected (Kasten's message is shown),
failed, or still under way when the wait ends (K10 keeps trying).`,
  options: {
    context: { type: 'string' },
    'token-file': { type: 'string' },
    name: { type: 'string' },
    ingress: { type: 'string' },
    'primary-ingress': { type: 'string' },
    wait: { type: 'string' },
    reset: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    if (flag(values, 'reset')) {
      for (const o of ['token-file', 'name', 'ingress', 'primary-ingress', 'wait']) if (values[o] !== undefined) throw new UsageError(`--reset takes no --${o}`);
      const r = await session.call('join:reset', { clusterId: await session.clusterId(context) });
      io.out(flag(values, 'json') ? json(r) : `${steps(r.steps)}\nStarted over on ${context}: its join objects are gone.`);
      return EXIT_OK;
    }
    const tokenFile = resolve(required(values, 'token-file'));
    const given = kastenName(values, 'name', { optional: true });
    const ingress = ingressUrl(values, 'ingress');
    const primaryIngress = ingressUrl(values, 'primary-ingress');
    const waitSeconds = seconds(values, 'wait', DEFAULT_WAIT_S);
    const token = await readTokenFile(tokenFile);
    const clusterId = await session.clusterId(context);
    let name = given;
    let ingressUrlValue = ingress;
    if (!name || !ingressUrlValue) {
      const plan = await session.call('join:plan', { clusterId });
      name ??= plan.suggestedName;
      ingressUrlValue ??= plan.ingress.url;
    }
    const outcome = await withProgress(session, io, () =>
      session.direct((s) =>
        s.multicluster.joinWithToken(clusterId, token, {
          name: name!,
          ...(ingressUrlValue ? { ingressUrl: ingressUrlValue } : {}),
          ...(primaryIngress ? { primaryIngress } : {}),
          waitSeconds,
        }),
      ),
    );
    if (flag(values, 'json')) io.out(json(outcome));
    else if (outcome.state === 'joined') io.out(`${context} joined as "${outcome.joinName ?? name}".`);
    return reportOutcome(io, 'join', outcome);
  },
};

export const bootstrapCommand: Command = {
  synopsis: ['bootstrap --primary-context A --primary-name N --secondary-context B --secondary-name M [--ingress URL] [--token-name T] [--wait SECONDS] [--json]'],
  help: `The k10multicluster bootstrap equivalent, in one command:
  1. promote A to the primary N, unless it is a primary already;
  2. a join token on A (the one named T if it exists, else a new one);
  3. join B to A as M, and wait until K10 says joined.
The token goes from A to B inside Flotilla: it is never printed or written.

Options:
  --primary-context A     the primary (promoted if it is not one)
  --primary-name N        its name, when it is promoted
  --secondary-context B   the cluster that joins
  --secondary-name M      its name on the primary
  --ingress URL           A's K10 ingress, when it is promoted (default: found on A)
  --token-name T          the token to use or create (default: flotilla)
  --wait SECONDS          how long to wait for the join (0-600, default 120)
  --json                  what was done, as JSON

Exit code 1 when A cannot be promoted, or the join is not joined in time
(rejected with Kasten's message, failed, or still under way).`,
  options: {
    'primary-context': { type: 'string' },
    'primary-name': { type: 'string' },
    'secondary-context': { type: 'string' },
    'secondary-name': { type: 'string' },
    ingress: { type: 'string' },
    'token-name': { type: 'string' },
    wait: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, session, io }) {
    const primaryContext = required(values, 'primary-context');
    const secondaryContext = required(values, 'secondary-context');
    const primaryName = kastenName(values, 'primary-name')!;
    const secondaryName = kastenName(values, 'secondary-name')!;
    const tokenName = kastenName(values, 'token-name', { optional: true });
    const given = ingressUrl(values, 'ingress');
    const waitSeconds = seconds(values, 'wait', 120);
    if (primaryContext === secondaryContext) throw new UsageError('--primary-context and --secondary-context name the same cluster; a primary cannot join itself');
    const primaryId = await session.clusterId(primaryContext, '--primary-context');
    const secondaryId = await session.clusterId(secondaryContext, '--secondary-context');
    const lines: string[] = [];

    // 1. The primary: promote it, unless it refuses because it is a primary already (then its Cluster objects list).
    let promoted: ResultOf<'promote:run'> | undefined;
    let actualPrimary = primaryName;
    const plan = await session.call('promote:plan', { clusterId: primaryId });
    if (plan.refusal) {
      const members = await session.call('mc:clusters', { primaryId }).catch(() => undefined);
      if (!members) throw new Failure(plan.refusal);
      actualPrimary = members.find((c) => c.type === 'primary')?.name ?? primaryName;
      if (actualPrimary !== primaryName) io.err(`flotilla bootstrap: warning: ${primaryContext} is already the primary "${actualPrimary}"; --primary-name ${primaryName} is not used`);
      lines.push(`${primaryContext} is already the primary "${actualPrimary}".`);
      // Only when Flotilla can tell that member is B (its row matched by ingress); otherwise the join says what stands in the way.
      if (members.some((c) => c.type === 'secondary' && c.name === secondaryName && c.clusterId === secondaryId)) {
        lines.push(`"${secondaryName}" is already a secondary of "${actualPrimary}"; nothing to do.`);
        io.out(flag(values, 'json') ? json({ primary: { name: actualPrimary, promoted: false }, alreadyJoined: true }) : lines.join('\n'));
        return EXIT_OK;
      }
    } else {
      promoted = await session.call('promote:run', { clusterId: primaryId, name: primaryName, ingressUrl: promoteIngress(plan, primaryContext, given) });
      if (promoted.warning) io.err(`flotilla bootstrap: warning: ${promoted.warning}`);
      actualPrimary = promoted.primaryName;
      lines.push(steps(promoted.steps), `Promoted ${primaryContext}: it is the primary "${promoted.primaryName}", ingress ${promoted.ingressUrl}.`);
    }

    // 2 and 3. The token and the join, in main (join:many).
    let r: ResultOf<'join:many'>;
    try {
      r = await withProgress(session, io, () =>
        session.call('join:many', { primaryId, secondaries: [{ clusterId: secondaryId, name: secondaryName }], ...(tokenName ? { tokenName } : {}), waitSeconds }),
      );
    } catch (err) {
      // Say what was done before the failure (a promotion stays).
      if (promoted && !flag(values, 'json')) io.out(lines.join('\n'));
      throw err;
    }
    const outcome = r.results[0]!;
    lines.push(`Join token "${r.token.name}" (${r.token.created ? 'created' : 'reused'}).`);
    if (flag(values, 'json')) {
      io.out(json({ primary: { name: actualPrimary, promoted: !!promoted, ...(promoted ? { result: promoted } : {}) }, token: r.token, join: outcome }));
    } else {
      if (outcome.state === 'joined') lines.push(`${secondaryContext} joined "${actualPrimary}" as "${secondaryName}".`);
      io.out(lines.join('\n'));
    }
    return reportOutcome(io, 'bootstrap', outcome);
  },
};
