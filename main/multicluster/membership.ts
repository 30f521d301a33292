/**
 * After joining (KASTEN-MC.md, "Disconnect and demote", "Permissions"): the
 * Cluster objects on a primary and their labels, permissions
 * (K10ClusterRoleBinding, and the k10-mc-admin RoleBinding), disconnecting a
 * secondary (normal, or forced when it cannot answer), demoting a primary
 * that is alone.
 *
 * Each step is reported as it runs (`mc:progress`) and returned, so that a
 * run that stops half way says what it did.
 */
import { AppError, type ClusterTarget, type McCluster, type Step, type Subject } from '../../shared/contract/index.js';
import { CLUSTER_INFO_FINALIZER, JOIN_OBJECTS, K10_CLUSTER_ROLES, KASTEN_GROUPS, KASTEN_VERSION, LABELS, MC_ADMIN_CLUSTER_ROLE, MC_NAMESPACE } from '../../shared/kasten/kinds.js';
import { kastenNameProblem } from '../../shared/kasten/names.js';
import { labelKeyErrors, labelValueErrors, parseLabelSelector, SelectorError } from '../../shared/selectors.js';
import { clusterError, type McContext, type Target } from './context.js';
import { createObject, deleteIfPresent, getObject, listObjects, mergePatch, PATHS, readMembership, waitFor, type KubeObject } from './kasten-objects.js';

type Operation = 'disconnect' | 'force-disconnect' | 'demote' | 'grant';

/** Records steps and reports each one as it changes. */
class StepLog {
  readonly steps: Step[] = [];
  constructor(
    private readonly ctx: McContext,
    private readonly operation: Operation,
    private readonly clusterId: string,
  ) {}

  set(step: string, state: Step['state'], message?: string): void {
    const s: Step = { step, state, ...(message ? { message } : {}) };
    const i = this.steps.findIndex((x) => x.step === step);
    if (i >= 0) this.steps[i] = s;
    else this.steps.push(s);
    this.ctx.deps.events.emit('mc:progress', { operation: this.operation, clusterId: this.clusterId, step: s });
  }

  /** Runs one step; a failure is recorded, then thrown with what was done before it. */
  async run<T>(step: string, fn: () => Promise<{ value?: T; state?: Step['state']; message?: string } | void>): Promise<T | undefined> {
    this.set(step, 'running');
    try {
      const r = (await fn()) ?? {};
      this.set(step, r.state ?? 'done', r.message);
      return r.value;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.set(step, 'failed', message);
      const done = this.steps.filter((s) => s.state === 'done').map((s) => s.step);
      const code = err instanceof AppError ? err.code : 'INTERNAL';
      throw new AppError(code, `${step} failed: ${message}${done.length ? ` Done before it: ${done.join('; ')}.` : ' Nothing had been changed.'}`, err instanceof AppError ? err.cluster : undefined);
    }
  }
}

async function requirePrimary(t: Target): Promise<KubeObject> {
  const m = await readMembership(t.client);
  if (!m.primary) throw clusterError('CONFLICT', t.cluster, `${t.cluster.name} is not a multi-cluster primary.`);
  return m.primary;
}

function toMcCluster(ctx: McContext, c: KubeObject): McCluster {
  const spec = c.spec as { k10?: { ingress?: { url?: string } } } | undefined;
  const status = c.status as { id?: string; connection?: { state?: string } } | undefined;
  const labels = { ...(c.metadata?.labels ?? {}) };
  const type = labels[LABELS.clusterType] === 'primary' ? 'primary' : 'secondary';
  // A fleet row of the same cluster: matched by ingress URL, the one thing both sides know.
  const ingressUrl = spec?.k10?.ingress?.url;
  const row = ingressUrl ? ctx.deps.registry.list().find((r) => sameOrigin(r.server, ingressUrl)) : undefined;
  return {
    name: c.metadata?.name ?? '',
    type,
    labels,
    ...(ingressUrl ? { ingressUrl } : {}),
    ...(status?.id ? { id: status.id } : {}),
    ...(status?.connection?.state ? { connection: status.connection.state } : {}),
    deleting: !!c.metadata?.deletionTimestamp,
    ...(row ? { clusterId: row.id } : {}),
  };
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

export async function listMcClusters(ctx: McContext, primaryId: string): Promise<McCluster[]> {
  const t = await ctx.target(primaryId);
  await requirePrimary(t);
  const clusters = await listObjects(t.client, PATHS.clusters());
  return clusters.map((c) => toMcCluster(ctx, c)).sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'primary' ? -1 : 1));
}

/** Problems with a label change, one per bad key or value, in Kubernetes' words. */
export function labelChangeProblems(set: Record<string, string>, remove: string[]): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(set)) {
    for (const e of labelKeyErrors(k)) out.push(`label key "${k}": ${e}`);
    for (const e of labelValueErrors(v)) out.push(`value of "${k}" ("${v}"): ${e}`);
  }
  for (const k of [...Object.keys(set), ...remove]) {
    if (k === LABELS.clusterType) out.push(`"${k}" is set by K10 and says whether a cluster is the primary; Flotilla does not change it.`);
  }
  for (const k of remove) if (k in set) out.push(`"${k}" is both set and removed.`);
  return out;
}

export async function setLabels(ctx: McContext, primaryId: string, clusterName: string, set: Record<string, string>, remove: string[]): Promise<McCluster> {
  const t = await ctx.target(primaryId);
  const change = [...Object.entries(set).map(([k, v]) => `${k}=${v}`), ...remove.map((k) => `${k}-`)].join(' ');
  return ctx.audited(t, 'label', { target: clusterName, detail: () => change }, async () => {
    const problems = labelChangeProblems(set, remove);
    if (problems.length) throw clusterError('INVALID_ARGS', t.cluster, `The labels cannot be saved: ${problems.join('; ')}.`);
    await requirePrimary(t);
    const existing = await getObject(t.client, PATHS.clusters(clusterName));
    if (!existing) throw clusterError('NOT_FOUND', t.cluster, `${t.cluster.name} has no Cluster "${clusterName}"; it may have been disconnected.`);
    const labels: Record<string, string | null> = { ...set };
    for (const k of remove) labels[k] = null;
    // resourceVersion in a merge patch: a concurrent change makes this a 409 instead of losing it.
    const updated = await mergePatch(t.client, PATHS.clusters(clusterName), { metadata: { labels, resourceVersion: existing.metadata?.resourceVersion } });
    return toMcCluster(ctx, updated);
  });
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function rbacSubject(s: Subject): Record<string, string> {
  if (s.kind === 'ServiceAccount') return { kind: 'ServiceAccount', name: s.name, namespace: s.namespace ?? 'default' };
  return { kind: s.kind, name: s.name, apiGroup: RBAC_GROUP };
}

function fromRbacSubject(s: Record<string, string>): Subject {
  return s.kind === 'ServiceAccount' ? { kind: 'ServiceAccount', name: s.name ?? '', ...(s.namespace ? { namespace: s.namespace } : {}) } : { kind: s.kind === 'Group' ? 'Group' : 'User', name: s.name ?? '' };
}

export async function planGrant(ctx: McContext, primaryId: string) {
  const t = await ctx.target(primaryId);
  await requirePrimary(t);
  const identity = await ctx.identity(t.client);
  if (!identity) throw clusterError('SERVER', t.cluster, `${t.cluster.name} did not say who you are (SelfSubjectReview); fill in the subject yourself.`);
  const [review, bindings] = await Promise.all([
    t.client.request<{ status?: { allowed?: boolean } }>({
      method: 'POST',
      path: PATHS.selfSubjectAccessReview,
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { namespace: MC_NAMESPACE, verb: 'create', group: KASTEN_GROUPS.dist, resource: 'distributions' } },
      },
    }),
    listObjects(t.client, PATHS.k10ClusterRoleBindings()),
  ]);
  const base = identity.username.replace(/^system:serviceaccount:/, '').replace(/[^a-z0-9.-]+/gi, '-').toLowerCase().replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(identity.username);
  const subject: Subject = sa ? { kind: 'ServiceAccount', namespace: sa[1]!, name: sa[2]! } : { kind: 'User', name: identity.username };
  return {
    identity,
    hasMcAdmin: review?.status?.allowed === true,
    suggested: { name: `${base || 'admin'}-k10-admin`.slice(0, 63).replace(/[^a-z0-9]+$/, ''), role: 'k10-multi-cluster-admin' as const, subjects: [subject], clusters: [{ selector: '' }] },
    existing: bindings.map((b) => {
      const spec = (b.spec ?? {}) as { k10ClusterRole?: string; subjects?: Record<string, string>[]; clusters?: ClusterTarget[] };
      return { name: b.metadata?.name ?? '', role: spec.k10ClusterRole ?? '', subjects: (spec.subjects ?? []).map(fromRbacSubject), clusters: spec.clusters ?? [] };
    }),
  };
}

export interface GrantRequest {
  name: string;
  role: (typeof K10_CLUSTER_ROLES)[number];
  subjects: Subject[];
  clusters: ClusterTarget[];
  mcAdmin: boolean;
}

export function grantProblems(req: GrantRequest): string[] {
  const out: string[] = [];
  const n = kastenNameProblem(req.name);
  if (n) out.push(`The binding's name is not valid: ${n}.`);
  for (const c of req.clusters) {
    if ('selector' in c) {
      try {
        parseLabelSelector(c.selector);
      } catch (err) {
        out.push(`The cluster selector "${c.selector}" is not valid: ${err instanceof SelectorError ? err.message : String(err)}.`);
      }
    }
  }
  for (const s of req.subjects) if (s.kind === 'ServiceAccount' && !s.namespace) out.push(`The service account "${s.name}" needs a namespace.`);
  return out;
}

export async function applyGrant(ctx: McContext, primaryId: string, req: GrantRequest): Promise<{ steps: Step[] }> {
  const t = await ctx.target(primaryId);
  const who = req.subjects.map((s) => `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`).join(', ');
  return ctx.audited(t, 'grant', { target: req.name, detail: () => `${req.role} for ${who} on ${req.clusters.map((c) => ('name' in c ? c.name : `selector "${c.selector}"`)).join(', ')}` }, async () => {
    const problems = grantProblems(req);
    if (problems.length) throw clusterError('INVALID_ARGS', t.cluster, problems.join(' '));
    await requirePrimary(t);
    const log = new StepLog(ctx, 'grant', primaryId);
    const subjects = req.subjects.map(rbacSubject);
    await log.run(`Create K10ClusterRoleBinding ${req.name}`, async () => {
      await createObject(t.client, PATHS.k10ClusterRoleBindings(), {
        apiVersion: `${KASTEN_GROUPS.auth}/${KASTEN_VERSION}`,
        kind: 'K10ClusterRoleBinding',
        metadata: { name: req.name, namespace: MC_NAMESPACE },
        spec: { k10ClusterRole: req.role, clusters: req.clusters, subjects },
      });
    });
    if (req.mcAdmin) {
      const rb = `${req.name}-mc-admin`.slice(0, 253);
      await log.run(`Create RoleBinding ${rb} (${MC_ADMIN_CLUSTER_ROLE} in ${MC_NAMESPACE})`, async () => {
        await createObject(t.client, PATHS.mcRoleBindings(), {
          apiVersion: `${RBAC_GROUP}/v1`,
          kind: 'RoleBinding',
          metadata: { name: rb, namespace: MC_NAMESPACE },
          roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: MC_ADMIN_CLUSTER_ROLE },
          subjects,
        });
      });
    }
    return { steps: log.steps };
  });
}

export interface DisconnectRequest {
  clusterName: string;
  force: boolean;
  secondaryId?: string;
  waitSeconds: number;
}

export async function disconnect(ctx: McContext, primaryId: string, req: DisconnectRequest): Promise<{ steps: Step[] }> {
  const t = await ctx.target(primaryId);
  return ctx.audited(t, req.force ? 'force-disconnect' : 'disconnect', { target: req.clusterName }, async () => {
    const primary = await requirePrimary(t);
    const primaryName = primary.metadata?.name ?? '';
    if (req.clusterName === primaryName) throw clusterError('INVALID_ARGS', t.cluster, `"${req.clusterName}" is the primary itself; to leave multi-cluster, demote it once it has no secondaries.`);
    const cluster = await getObject(t.client, PATHS.clusters(req.clusterName));
    if (!cluster) throw clusterError('NOT_FOUND', t.cluster, `${t.cluster.name} has no secondary "${req.clusterName}"; it may have been disconnected already.`);
    const log = new StepLog(ctx, req.force ? 'force-disconnect' : 'disconnect', primaryId);
    return req.force ? forceDisconnect(ctx, t, log, primaryName, req) : normalDisconnect(t, log, req);
  });
}

/** Delete the Cluster; K10 tells the secondary, which removes mc-cluster-info; then the finalizer goes. [doc] */
async function normalDisconnect(t: Target, log: StepLog, req: DisconnectRequest): Promise<{ steps: Step[] }> {
  await log.run(`Delete Cluster ${req.clusterName} on ${t.cluster.name}`, async () => {
    await deleteIfPresent(t.client, PATHS.clusters(req.clusterName));
  });
  await log.run(`Wait for ${req.clusterName} to confirm`, async () => {
    const gone = await waitFor(t.client, PATHS.clusters(), (items) => (items.some((c) => c.metadata?.name === req.clusterName) ? undefined : true), {
      timeoutMs: req.waitSeconds * 1000,
    });
    if (!gone) {
      throw clusterError(
        'TIMEOUT',
        t.cluster,
        `${req.clusterName} has not confirmed within ${req.waitSeconds} s; its Cluster stays marked for deletion until it does. If ${req.clusterName} is down or unreachable for good, use a forced disconnect.`,
      );
    }
  });
  return { steps: log.steps };
}

/** The documented forced procedure, for a secondary that cannot answer. [doc] */
async function forceDisconnect(ctx: McContext, t: Target, log: StepLog, primaryName: string, req: DisconnectRequest): Promise<{ steps: Step[] }> {
  let secondary: Target | undefined;
  if (req.secondaryId) {
    try {
      secondary = await ctx.target(req.secondaryId);
    } catch {
      secondary = undefined;
    }
  }
  const onSecondary = async (step: string, fn: (s: Target) => Promise<{ state?: Step['state']; message?: string } | void>) => {
    if (!secondary) {
      log.set(step, 'skipped', req.secondaryId ? 'the secondary cannot be reached from here' : 'no kubeconfig of the secondary was given');
      return;
    }
    const s = secondary;
    log.set(step, 'running');
    try {
      const r = (await fn(s)) ?? {};
      log.set(step, r.state ?? 'done', r.message);
    } catch (err) {
      // The secondary being down is why this is forced: go on, and say it.
      log.set(step, 'skipped', `${(err as Error).message} (go on: the primary forgets it anyway)`);
    }
  };
  await onSecondary(`Delete ${JOIN_OBJECTS.clusterInfo} on the secondary`, async (s) => {
    const gone = await deleteIfPresent(s.client, PATHS.k10Secrets(JOIN_OBJECTS.clusterInfo));
    return gone ? {} : { state: 'skipped', message: 'not there' };
  });
  await onSecondary(`Delete the primary's service accounts on the secondary`, async (s) => {
    const sas = await listObjects(s.client, PATHS.k10ServiceAccounts(), { labelSelector: `${LABELS.multiClusterSa}=${primaryName}` });
    for (const sa of sas) await deleteIfPresent(s.client, PATHS.k10ServiceAccounts(sa.metadata!.name!));
    return sas.length ? { message: sas.map((x) => x.metadata?.name).join(', ') } : { state: 'skipped', message: 'none' };
  });
  await log.run(`Delete Cluster ${req.clusterName} on ${t.cluster.name}`, async () => {
    await deleteIfPresent(t.client, PATHS.clusters(req.clusterName));
  });
  await log.run(`Remove the finalizer ${CLUSTER_INFO_FINALIZER}`, async () => {
    const c = await getObject(t.client, PATHS.clusters(req.clusterName));
    if (!c) return { state: 'skipped', message: 'the Cluster is already gone' };
    const finalizers = ((c.metadata?.finalizers as string[] | undefined) ?? []).filter((f) => f !== CLUSTER_INFO_FINALIZER);
    await mergePatch(t.client, PATHS.clusters(req.clusterName), { metadata: { finalizers: finalizers.length ? finalizers : null, resourceVersion: c.metadata?.resourceVersion } });
  });
  await log.run(`Wait for Cluster ${req.clusterName} to go`, async () => {
    const gone = await waitFor(t.client, PATHS.clusters(), (items) => (items.some((c) => c.metadata?.name === req.clusterName) ? undefined : true), { timeoutMs: req.waitSeconds * 1000 });
    if (!gone) throw clusterError('TIMEOUT', t.cluster, `Cluster ${req.clusterName} is still there after ${req.waitSeconds} s (another finalizer?); kubectl get cluster ${req.clusterName} -n ${MC_NAMESPACE} -o yaml shows what holds it.`);
  });
  return { steps: log.steps };
}

/** Demote: only a primary with no secondaries; its Cluster goes, then its Bootstrap and its join tokens. */
export async function demote(ctx: McContext, primaryId: string, waitSeconds: number): Promise<{ steps: Step[] }> {
  const t = await ctx.target(primaryId);
  return ctx.audited(t, 'demote', {}, async () => {
    const primary = await requirePrimary(t);
    const name = primary.metadata?.name ?? '';
    const secondaries = await listObjects(t.client, PATHS.clusters(), { labelSelector: `${LABELS.clusterType}=secondary` });
    if (secondaries.length > 0) {
      const names = secondaries.map((s) => s.metadata?.name).join(', ');
      throw clusterError('CONFLICT', t.cluster, `${t.cluster.name} still has ${secondaries.length === 1 ? 'a secondary' : `${secondaries.length} secondaries`} (${names}); disconnect ${secondaries.length === 1 ? 'it' : 'them'} first.`);
    }
    const log = new StepLog(ctx, 'demote', primaryId);
    await log.run(`Delete the primary's Cluster ${name}`, async () => {
      await deleteIfPresent(t.client, PATHS.clusters(name));
      const gone = await waitFor(t.client, PATHS.clusters(), (items) => (items.some((c) => c.metadata?.name === name) ? undefined : true), { timeoutMs: waitSeconds * 1000 });
      if (!gone) throw clusterError('TIMEOUT', t.cluster, `K10 has not released the primary's Cluster within ${waitSeconds} s.`);
    });
    await log.run('Delete the Bootstrap', async () => {
      const bootstraps = await listObjects(t.client, PATHS.bootstraps());
      for (const b of bootstraps) await deleteIfPresent(t.client, PATHS.bootstraps(b.metadata!.name!));
      return bootstraps.length ? {} : { state: 'skipped', message: 'none' };
    });
    await log.run('Delete the join tokens', async () => {
      const tokens = (await listObjects(t.client, PATHS.mcSecrets())).filter((s) => s.type === 'dist.kio.kasten.io/join-token');
      for (const s of tokens) await deleteIfPresent(t.client, PATHS.mcSecrets(s.metadata!.name!));
      return { state: tokens.length ? 'done' : 'skipped', message: tokens.length ? `${tokens.length} deleted` : 'none' };
    });
    // kasten-io-mc may hold global profiles and policies the user wrote: kept, and said so.
    log.set(`Keep namespace ${MC_NAMESPACE}`, 'skipped', `it may hold global profiles and policies; delete it yourself when nothing in it is needed (kubectl delete namespace ${MC_NAMESPACE})`);
    return { steps: log.steps };
  });
}
