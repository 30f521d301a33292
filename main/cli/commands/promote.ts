/** `flotilla promote`: a cluster becomes the multi-cluster primary (`promote:plan`, then `promote:run`). */
import type { PromotePlan } from '../../../shared/contract/index.js';
import { flag, ingressUrl, kastenName, required } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK, Failure } from '../errors.js';
import { json, steps } from '../output.js';

/** The ingress to promote with: the one given, else the one the plan found on the cluster. */
export function promoteIngress(plan: PromotePlan, context: string, given: string | undefined): string {
  if (given) return given;
  if (!plan.ingress.url) throw new Failure(`no K10 ingress was found on ${context}; give the URL its secondaries will use with --ingress https://…`);
  return plan.ingress.url;
}

export const promoteCommand: Command = {
  synopsis: ['promote --context C --name N [--ingress URL] [--json]'],
  help: `Creates kasten-io-mc and a Bootstrap on cluster C and waits until K10 has
made the primary's own Cluster object, named N.

Options:
  --context C      the cluster to promote
  --name N         the primary's name in the multi-cluster system
  --ingress URL    the K10 ingress URL secondaries reach it on (https);
                   default: the one Flotilla finds on the cluster
  --json           the result as JSON

Exit code 1 when the cluster cannot be promoted (already a primary or a
secondary, no K10) or K10 did not finish.`,
  options: { context: { type: 'string' }, name: { type: 'string' }, ingress: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const name = kastenName(values, 'name')!;
    const given = ingressUrl(values, 'ingress');
    const clusterId = await session.clusterId(context);
    const plan = await session.call('promote:plan', { clusterId });
    if (plan.refusal) throw new Failure(plan.refusal);
    const r = await session.call('promote:run', { clusterId, name, ingressUrl: promoteIngress(plan, context, given) });
    if (r.warning) io.err(`flotilla promote: warning: ${r.warning}`);
    if (flag(values, 'json')) {
      io.out(json(r));
      return EXIT_OK;
    }
    io.out(`${steps(r.steps)}\nPromoted ${context}: it is the primary "${r.primaryName}"${r.id ? ` (id ${r.id})` : ''}, ingress ${r.ingressUrl}.`);
    return EXIT_OK;
  },
};
