/**
 * Promote a cluster to multi-cluster primary (KASTEN-MC.md, "Promote a
 * primary"): create kasten-io-mc and a Bootstrap, then follow it until K10
 * has made the primary's own Cluster, or says why it could not.
 *
 * Refused before anything is written when the cluster is already a primary
 * or a secondary, or has no K10, or the name or URL would be refused.
 */
import { stringify } from 'yaml';
import { AppError, type PromotePlan, type Step } from '../../shared/contract/index.js';
import { K10_RELEASE, LABELS, MC_NAMESPACE } from '../../shared/kasten/kinds.js';
import { LAB_K10 } from '../../shared/kasten/lab.js';
import { bootstrapManifest } from '../../shared/kasten/manifests.js';
import { kastenNameProblem } from '../../shared/kasten/names.js';
import { clusterError, type McContext, type Target } from './context.js';
import { discoverK10IngressUrl } from './k10-ingress.js';
import { createObject, deleteIfPresent, ensureNamespace, PATHS, readMembership, waitFor, type KubeObject, type Membership } from './kasten-objects.js';
import { checkIngressUrl, ingressUrlProblem, normalizeIngressUrl } from './urls.js';

/** A Flotilla display name made into a valid Kasten name, as a suggestion. */
export function suggestKastenName(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 63)
    .replace(/[^a-z0-9]+$/, '');
  return s || 'primary';
}

/** Why a cluster in this state cannot be promoted, or undefined. */
export function promoteRefusal(name: string, m: Membership): string | undefined {
  if (m.primary) return `${name} is already a multi-cluster primary (as "${m.primary.metadata?.name}").`;
  if (m.clusterInfo) return `${name} is a secondary of "${m.clusterInfo.primaryName ?? 'another primary'}"; disconnect it from that primary before promoting it.`;
  if (!m.k10) return `${name} has no K10 (no K10 deployments or multi-cluster API in kasten-io); install K10 on it first.`;
  return undefined;
}

export async function planPromote(ctx: McContext, clusterId: string): Promise<PromotePlan> {
  const t = await ctx.target(clusterId);
  const [membership, ingress] = await Promise.all([readMembership(t.client), discoverK10IngressUrl(t.client, K10_RELEASE).catch(() => ({ url: undefined, source: undefined }))]);
  const refusal = promoteRefusal(t.cluster.name, membership);
  return {
    clusterId,
    suggestedName: suggestKastenName(t.cluster.name),
    ingress: { ...(ingress.url ? { url: ingress.url } : {}), ...(ingress.source ? { source: ingress.source } : {}) },
    ...(refusal ? { refusal } : {}),
  };
}

/** The manifests and Helm flags for a name and URL, with every problem found in them. */
export function renderPromote(name: string, ingressUrl: string): { problems: string[]; yaml: string; helm: string } {
  const problems = [kastenNameProblem(name), ingressUrlProblem(ingressUrl)].filter((p): p is string => !!p).map(capitalize);
  const url = normalizeIngressUrl(ingressUrl);
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: MC_NAMESPACE } };
  const yaml = [namespace, bootstrapManifest({ clusterName: name, ingressUrl: url })].map((m) => stringify(m)).join('---\n');
  // Kasten's Helm values: all three together, and the ingress URL with the release's path. [doc]
  const helm = [
    `helm upgrade k10 kasten/k10 --namespace kasten-io --reuse-values \\`,
    `  --set multicluster.enabled=true \\`,
    `  --set multicluster.primary.create=true \\`,
    `  --set multicluster.primary.name=${name} \\`,
    `  --set multicluster.primary.ingressURL=${url}`,
  ].join('\n');
  return { problems, yaml, helm };
}

export interface PromoteOutcome {
  primaryName: string;
  id?: string;
  ingressUrl: string;
  steps: Step[];
  warning?: string;
}

export async function runPromote(ctx: McContext, clusterId: string, name: string, ingressUrl: string): Promise<PromoteOutcome> {
  const t = await ctx.target(clusterId);
  return ctx.audited(t, 'promote', { target: name }, () => promote(ctx, t, name, ingressUrl));
}

async function promote(ctx: McContext, t: Target, name: string, ingressUrl: string): Promise<PromoteOutcome> {
  const { problems } = renderPromote(name, ingressUrl);
  if (problems.length > 0) throw clusterError('INVALID_ARGS', t.cluster, problems.join(' '));
  const url = normalizeIngressUrl(ingressUrl);
  const refusal = promoteRefusal(t.cluster.name, await readMembership(t.client));
  if (refusal) throw clusterError('CONFLICT', t.cluster, refusal);

  const steps: Step[] = [];
  const report = (step: Step) => {
    const i = steps.findIndex((s) => s.step === step.step);
    if (i >= 0) steps[i] = step;
    else steps.push(step);
    ctx.deps.events.emit('mc:progress', { operation: 'promote', clusterId: t.cluster.id, step });
  };
  const check = checkIngressUrl(url);

  report({ step: `Create namespace ${MC_NAMESPACE}`, state: 'running' });
  const ns = await ensureNamespace(t.client, MC_NAMESPACE);
  report({ step: `Create namespace ${MC_NAMESPACE}`, state: ns === 'created' ? 'done' : 'skipped', ...(ns === 'existed' ? { message: 'it already exists' } : {}) });

  const manifest = bootstrapManifest({ clusterName: name, ingressUrl: url }) as KubeObject & { metadata: { name: string } };
  report({ step: 'Create the Bootstrap', state: 'running' });
  try {
    // A Bootstrap left from an earlier primary (demoted by hand) has been acted on already: K10 acts on a new one.
    const stale = await deleteIfPresent(t.client, PATHS.bootstraps(manifest.metadata.name));
    if (stale) await waitFor(t.client, PATHS.bootstraps(), (items) => (items.some((b) => b.metadata?.name === manifest.metadata.name) ? undefined : true), { timeoutMs: ctx.k10TimeoutMs });
    await createObject(t.client, PATHS.bootstraps(), manifest);
  } catch (err) {
    const message = `${(err as Error).message}${ns === 'created' ? ` Nothing else was written; namespace ${MC_NAMESPACE} was created and can stay (or: kubectl delete namespace ${MC_NAMESPACE}).` : ''}`;
    report({ step: 'Create the Bootstrap', state: 'failed', message });
    throw err instanceof AppError ? new AppError(err.code, message, t.cluster.name) : err;
  }
  report({ step: 'Create the Bootstrap', state: 'done' });

  report({ step: 'Wait for K10 to make the primary', state: 'running' });
  const bootstrapName = manifest.metadata.name;
  const outcome = await waitFor<{ cluster?: KubeObject; failed?: string }>(
    t.client,
    PATHS.clusters(),
    (clusters) => {
      const made = clusters.find((c) => c.metadata?.name === name && c.metadata?.labels?.[LABELS.clusterType] === 'primary');
      return made ? { cluster: made } : undefined;
    },
    { timeoutMs: ctx.k10TimeoutMs },
  );
  let failed = outcome?.failed;
  if (!outcome?.cluster && !failed) {
    // No primary: did K10 say why on the Bootstrap? (status is the lab's reading [ours]; real K10 may say nothing.)
    const bootstrap = await t.client.request<KubeObject>({ path: PATHS.bootstraps(bootstrapName) }).catch(() => undefined);
    const status = bootstrap?.status as { state?: string; message?: string } | undefined;
    failed =
      status?.state === LAB_K10.bootstrapFailed
        ? `K10 could not promote ${t.cluster.name}: ${status.message ?? 'no reason given'}.`
        : `K10 did not make the primary's Cluster within ${Math.round(ctx.k10TimeoutMs / 1000)} s. Check that K10 is running on ${t.cluster.name} (kubectl get pods -n kasten-io); the Bootstrap stays, and K10 acts on it when it comes back.`;
  }
  if (failed) {
    report({ step: 'Wait for K10 to make the primary', state: 'failed', message: failed });
    throw clusterError('SERVER', t.cluster, `${failed} To undo: kubectl delete bootstrap ${bootstrapName} -n ${MC_NAMESPACE}.`);
  }
  const id = (outcome!.cluster!.status as { id?: string } | undefined)?.id;
  report({ step: 'Wait for K10 to make the primary', state: 'done', message: `primary "${name}"${id ? ` (id ${id})` : ''}` });
  const reach = await check;
  return { primaryName: name, ...(id ? { id } : {}), ingressUrl: url, steps, ...(reach.reachable === false && reach.message ? { warning: reach.message } : {}) };
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
