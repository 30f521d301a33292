/**
 * The primary side of K10's multi-cluster manager: promotion from a
 * Bootstrap, join tokens, admission of secondaries at its ingress, the
 * long-poll channel through which it tells each secondary what to apply or
 * that it is disconnected, distributions and K10ClusterRoleBindings with
 * their status, and demotion. Everything here is idle on a cluster that is
 * not a primary.
 *
 * What lives only in memory (rebuilt after a restart from the secondaries'
 * next polls): each secondary's last contact and what it reports applied.
 * What must survive a restart lives in the store: a digest of each
 * secondary's session credential, on its Cluster's status.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  CLUSTER_INFO_FINALIZER,
  JOIN_OBJECTS,
  JOIN_TOKEN_SECRET_TYPE,
  K10_NAMESPACE,
  K10_RELEASE,
  LABELS,
  MC_NAMESPACE,
} from '../../../shared/kasten/kinds.js';
import { LAB_K10, encodeLabToken } from '../../../shared/kasten/lab.js';
import { kastenNameProblem } from '../../../shared/kasten/names.js';
import type { KubeObject } from '../resources.js';
import { kubeTime } from '../store.js';
import { applyBundle, bundlesFor, planFor, pruneBundles, type Plan } from './bundles.js';
import { RT, alive, errorMessage, isAlreadyExists, secretData, secretValue, type K10Context } from './context.js';
import { k10ClusterRoleDefinitions, mcAdminObjects } from './rbac.js';
import type { WorkQueue } from './queue.js';
import { readJson, sendJson, sendWireError, type AppliedReport, type JoinReply, type SyncReply } from './wire.js';

interface Applied extends AppliedReport {
  /** When the primary learnt of this result: the target's lastSyncTime. */
  time: string;
}

interface Session {
  lastContact: number;
  /** The secondary's poll, held until there is something to say. */
  waiter?: { res: ServerResponse; timer: NodeJS.Timeout };
  applied: Map<string, Applied>;
}

export interface ClusterSyncStatus {
  name: string;
  state: 'Syncing' | 'Synced' | 'Failed';
  message?: string;
  lastSyncTime?: string;
}

const SECONDARY = 'secondary';
const PRIMARY = 'primary';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(sha256(a), 'hex');
  const y = Buffer.from(sha256(b), 'hex');
  return timingSafeEqual(x, y);
}

export class Primary {
  private plans: Plan[] = [];
  /**
   * Copies of deleted Distributions, by bundle key, and the clusters that
   * held them: deleting a Distribution leaves its copies where they are, as
   * Kasten does, so they stay listed as kept (never re-applied, never pruned)
   * until a Distribution of the same name takes them over. [ours]
   */
  private readonly released = new Map<string, Set<string>>();
  private readonly sessions = new Map<string, Session>();
  /** What the primary applied to its own kasten-io; kept across restarts so that local edits survive until the next sync. */
  private readonly localApplied = new Map<string, Applied>();
  /** Last reachability written to each secondary's Cluster status. */
  private readonly reachability = new Map<string, boolean>();
  /** Start of the grace period for secondaries not heard from since the primary (re)started. */
  private since = Date.now();
  /** False while the cluster is down: a request that was still being read then gets no answer. */
  private active = false;

  constructor(
    private readonly ctx: K10Context,
    private readonly queue: WorkQueue,
  ) {}

  private get store() {
    return this.ctx.host.store;
  }

  /** This cluster's own Cluster object when it is a primary. */
  primaryCluster(): KubeObject | undefined {
    return this.store.list(RT.cluster, { namespace: MC_NAMESPACE, filter: (c) => c.metadata.labels?.[LABELS.clusterType] === PRIMARY }).items[0];
  }

  resume(): void {
    this.active = true;
    this.since = Date.now();
  }

  /** The cluster went down: every held poll is cut, as the dropped connection would. */
  pause(): void {
    this.active = false;
    for (const s of this.sessions.values()) {
      if (!s.waiter) continue;
      clearTimeout(s.waiter.timer);
      s.waiter.res.destroy();
    }
    this.sessions.clear();
    this.reachability.clear();
  }

  // ---- promotion -------------------------------------------------------

  /**
   * A Bootstrap with one `primary: true` entry makes this cluster the primary
   * of that name. Acts once per Bootstrap generation, so that deleting the
   * Cluster later (demotion) is not undone by the Bootstrap still being there.
   */
  reconcileBootstrap(name: string): void {
    const bootstrap = this.store.get(RT.bootstrap, MC_NAMESPACE, name);
    if (!alive(bootstrap)) return;
    const generation = bootstrap.metadata.generation ?? 1;
    if ((bootstrap.status as { observedGeneration?: number } | undefined)?.observedGeneration === generation) return;
    const result = this.promote(bootstrap);
    this.store.mutate(
      RT.bootstrap,
      MC_NAMESPACE,
      name,
      (draft) => {
        draft.status = {
          state: result.error ? LAB_K10.bootstrapFailed : LAB_K10.bootstrapSucceeded,
          message: result.error ?? `promoted to multi-cluster primary "${result.name}"`,
          ...(result.name ? { clusterName: result.name } : {}),
          observedGeneration: generation,
        };
      },
      { subresource: 'status' },
    );
    if (result.error) this.ctx.log(`bootstrap ${name} failed: ${result.error}`);
  }

  private promote(bootstrap: KubeObject): { name?: string; error?: string } {
    const clusters = (bootstrap.spec as { clusters?: unknown } | undefined)?.clusters;
    if (!clusters || typeof clusters !== 'object' || Array.isArray(clusters)) return { error: 'spec.clusters must map keys to clusters' };
    const primaries = Object.entries(clusters as Record<string, Record<string, unknown> | null>).filter(([, c]) => c?.primary === true);
    if (primaries.length !== 1) return { error: `spec.clusters must have exactly one entry with primary: true (found ${primaries.length})` };
    const [key, entry] = primaries[0];
    const name = typeof entry!.name === 'string' && entry!.name ? entry!.name : key;
    const problem = kastenNameProblem(name);
    if (problem) return { name, error: `invalid cluster name: ${problem}` };
    const info = this.store.get(RT.secret, K10_NAMESPACE, JOIN_OBJECTS.clusterInfo);
    if (info) {
      return { name, error: `this cluster is a secondary of "${secretValue(info, 'primaryName') ?? 'another primary'}"; disconnect it before promoting it` };
    }
    const current = this.primaryCluster();
    if (current && current.metadata.name !== name) return { name, error: `this cluster is already the primary "${current.metadata.name}"` };
    const taken = this.store.get(RT.cluster, MC_NAMESPACE, name);
    if (taken && !current) return { name, error: `cluster name "${name}" is already taken by a secondary` };
    const k10 = (entry!.k10 ?? {}) as { namespace?: string; releaseName?: string; ingress?: { url?: string } };
    try {
      if (!current) {
        this.createCluster(name, PRIMARY, {
          primary: true,
          k10: { namespace: k10.namespace || K10_NAMESPACE, releaseName: k10.releaseName || K10_RELEASE, ingress: { url: k10.ingress?.url || this.ctx.host.k10IngressUrl } },
        });
      }
      this.ensureRbac();
    } catch (err) {
      return { name, error: errorMessage(err) };
    }
    return { name };
  }

  /**
   * Every Cluster carries CLUSTER_INFO_FINALIZER; the primary's own too, so
   * that deleting it while secondaries remain cannot demote the primary
   * under them (there is no admission webhook to refuse the delete): it
   * stays terminating, saying why, and goes once the last secondary has.
   */
  private createCluster(name: string, type: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
    this.store.create(RT.cluster, {
      apiVersion: 'dist.kio.kasten.io/v1alpha1',
      kind: 'Cluster',
      metadata: { name, namespace: MC_NAMESPACE, labels: { [LABELS.clusterType]: type }, finalizers: [CLUSTER_INFO_FINALIZER] },
      spec,
    });
    return this.store.mutate(RT.cluster, MC_NAMESPACE, name, (d) => void (d.status = { id: randomUUID(), ...status }), { subresource: 'status' });
  }

  private ensureRbac(): void {
    const { clusterRole, roleBinding } = mcAdminObjects();
    for (const [rt, obj] of [
      ...k10ClusterRoleDefinitions().map((o) => [RT.k10ClusterRole, o] as const),
      [RT.clusterRole, clusterRole] as const,
      [RT.roleBinding, roleBinding] as const,
    ]) {
      if (this.store.get(rt, obj.metadata.namespace, obj.metadata.name!)) continue;
      try {
        this.store.create(rt, obj);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
  }

  // ---- join tokens -----------------------------------------------------

  /** Fills `data.token` of every join-token Secret that has none. */
  reconcileTokens(): void {
    const primary = this.primaryCluster();
    if (!alive(primary)) return;
    const ingress = (primary.spec as { k10?: { ingress?: { url?: string } } }).k10?.ingress?.url || this.ctx.host.k10IngressUrl;
    const empty = (s: KubeObject) => s.type === JOIN_TOKEN_SECRET_TYPE && !secretValue(s, 'token') && !s.metadata.deletionTimestamp;
    for (const secret of this.store.list(RT.secret, { namespace: MC_NAMESPACE, filter: empty }).items) {
      const token = encodeLabToken({ ingress, secret: randomBytes(32).toString('base64url') });
      this.store.mutate(RT.secret, MC_NAMESPACE, secret.metadata.name!, (d) => {
        d.data = { ...(d.data as Record<string, string> | undefined), ...secretData({ token }) };
      });
    }
  }

  private tokenIsValid(token: string): boolean {
    if (!token) return false; // never equal to a Secret not filled yet
    const tokens = this.store.list(RT.secret, { namespace: MC_NAMESPACE, filter: (s) => s.type === JOIN_TOKEN_SECRET_TYPE && alive(s) }).items;
    // Compare every one, so that timing says nothing about which matched.
    let found = false;
    for (const s of tokens) {
      const value = secretValue(s, 'token')?.trim();
      if (value && sameSecret(value, token)) found = true;
    }
    return found;
  }

  // ---- admission of secondaries -----------------------------------------

  async handleJoin(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readJson(req)) as Partial<Record<'token' | 'clusterName' | 'clusterIngress', unknown>> | undefined;
    if (this.gone(res)) return;
    if (!body || typeof body.token !== 'string' || typeof body.clusterName !== 'string') {
      sendWireError(res, 400, 'BadRequest', 'a join request needs a token and a clusterName');
      return;
    }
    const primary = this.primaryCluster();
    if (!alive(primary)) {
      sendWireError(res, 409, 'NotPrimary', `cluster "${this.ctx.host.name}" is not a multi-cluster primary`);
      return;
    }
    if (!this.tokenIsValid(body.token.trim())) {
      sendWireError(res, 401, 'InvalidToken', 'invalid or expired join token: no join token of this primary matches it (it may have been deleted)');
      return;
    }
    const name = body.clusterName;
    const problem = kastenNameProblem(name);
    if (problem) {
      sendWireError(res, 422, 'InvalidName', `invalid cluster name: ${problem}`);
      return;
    }
    if (this.store.get(RT.cluster, MC_NAMESPACE, name)) {
      sendWireError(res, 409, 'NameTaken', `cluster name "${name}" is already taken in the multi-cluster system of primary "${primary.metadata.name}"`);
      return;
    }
    const ingress = typeof body.clusterIngress === 'string' ? body.clusterIngress.trim() : '';
    if (ingress && !/^https?:\/\/[^\s]+$/.test(ingress)) {
      sendWireError(res, 422, 'InvalidIngress', `cluster-ingress "${ingress}" is not an http(s) URL`);
      return;
    }
    const session = randomBytes(32).toString('base64url');
    let cluster: KubeObject;
    try {
      cluster = this.createCluster(
        name,
        SECONDARY,
        { primary: false, k10: { namespace: K10_NAMESPACE, releaseName: K10_RELEASE, ...(ingress ? { ingress: { url: ingress } } : {}) } },
        { sessionDigest: sha256(session) },
      );
    } catch (err) {
      sendWireError(res, isAlreadyExists(err) ? 409 : 503, isAlreadyExists(err) ? 'NameTaken' : 'Unavailable', errorMessage(err));
      return;
    }
    this.sessions.set(name, { lastContact: Date.now(), applied: new Map() });
    const reply: JoinReply = {
      clusterName: name,
      clusterId: (cluster.status as { id: string }).id,
      primaryName: primary.metadata.name!,
      session,
    };
    sendJson(res, 200, reply);
  }

  /** K10 went down while the request was being read, or the caller left: drop it. */
  private gone(res: ServerResponse): boolean {
    if (this.active && !res.destroyed) return false;
    res.destroy();
    return true;
  }

  /** The secondary's Cluster when `session` is the credential issued to it. */
  private authenticate(name: unknown, session: string | undefined): KubeObject | undefined {
    if (typeof name !== 'string' || !session) return undefined;
    const cluster = this.store.get(RT.cluster, MC_NAMESPACE, name);
    if (!cluster || cluster.metadata.labels?.[LABELS.clusterType] !== SECONDARY) return undefined;
    const digest = (cluster.status as { sessionDigest?: string } | undefined)?.sessionDigest;
    if (!digest) return undefined;
    const presented = Buffer.from(sha256(session));
    const stored = Buffer.from(digest);
    return presented.length === stored.length && timingSafeEqual(presented, stored) ? cluster : undefined;
  }

  private session(name: string): Session {
    let s = this.sessions.get(name);
    if (!s) this.sessions.set(name, (s = { lastContact: Date.now(), applied: new Map() }));
    return s;
  }

  // ---- the channel ------------------------------------------------------

  /** A secondary's long poll: it reports what it applied and waits for orders. */
  async handleSync(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readJson(req)) as { clusterName?: unknown; applied?: unknown } | undefined;
    if (this.gone(res)) return;
    const cluster = this.authenticate(body?.clusterName, bearer(req));
    if (!cluster) {
      sendWireError(res, 401, 'Unauthorized', 'this cluster is not a member of the multi-cluster system (it was disconnected)');
      return;
    }
    const name = cluster.metadata.name!;
    const s = this.session(name);
    s.lastContact = Date.now();
    this.record(s, body?.applied);
    if (s.waiter) this.answer(s, {}); // a new poll replaces an old one
    const reply = this.replyFor(name, s);
    if (reply) {
      sendJson(res, 200, reply);
      return;
    }
    const timer = setTimeout(() => this.answer(s, {}), this.ctx.opts.pollHoldMs);
    s.waiter = { res, timer };
    res.on('close', () => {
      if (s.waiter?.res !== res) return;
      clearTimeout(timer);
      s.waiter = undefined;
      s.lastContact = Date.now();
    });
    if (this.reachability.get(name) === false) this.sweep();
  }

  private answer(s: Session, reply: SyncReply): void {
    const w = s.waiter;
    if (!w) return;
    s.waiter = undefined;
    clearTimeout(w.timer);
    s.lastContact = Date.now();
    sendJson(w.res, 200, reply);
  }

  /** Takes in a secondary's report; the time of a result is when it first arrived. */
  private record(s: Session, report: unknown): void {
    if (!report || typeof report !== 'object') return;
    const next = new Map<string, Applied>();
    let changed = false;
    for (const [key, value] of Object.entries(report as Record<string, AppliedReport>)) {
      if (!value || typeof value.rev !== 'string') continue;
      const prev = s.applied.get(key);
      const error = typeof value.error === 'string' ? value.error : undefined;
      if (prev && prev.rev === value.rev && prev.error === error) next.set(key, prev);
      else {
        next.set(key, { rev: value.rev, ...(error ? { error } : {}), time: kubeTime() });
        changed = true;
      }
    }
    if (changed || next.size !== s.applied.size) {
      s.applied = next;
      this.queue.add('status', this.ctx.opts.statusDebounceMs);
    }
  }

  /** Keys of deleted Distributions whose copies `cluster` keeps. */
  private releasedFor(cluster: string): string[] {
    return [...this.released].filter(([, clusters]) => clusters.has(cluster)).map(([key]) => key);
  }

  /** What to tell a secondary now, or undefined when it is up to date. */
  private replyFor(name: string, s: Session): SyncReply | undefined {
    const cluster = this.store.get(RT.cluster, MC_NAMESPACE, name);
    if (cluster?.metadata.deletionTimestamp) return { disconnect: true };
    const desired = bundlesFor(this.plans, name);
    const keys = [...desired.map((b) => b.key), ...this.releasedFor(name)];
    const bundles = desired.filter((b) => !b.hold && s.applied.get(b.key)?.rev !== b.rev);
    const wanted = new Set(keys);
    const stale = [...s.applied.keys()].some((k) => !wanted.has(k));
    return bundles.length || stale ? { bundles, keys } : undefined;
  }

  /** Answers a held poll if there is now something to say (or the cluster is gone). */
  private kick(name: string): void {
    const s = this.sessions.get(name);
    if (!s?.waiter) return;
    if (!this.store.get(RT.cluster, MC_NAMESPACE, name)) {
      const { res, timer } = s.waiter;
      clearTimeout(timer);
      this.sessions.delete(name);
      sendWireError(res, 401, 'Unauthorized', 'this cluster is not a member of the multi-cluster system (it was disconnected)');
      return;
    }
    const reply = this.replyFor(name, s);
    if (reply) this.answer(s, reply);
  }

  /** The secondary has forgotten its primary: let go of its Cluster. */
  async handleDisconnected(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = (await readJson(req)) as { clusterName?: unknown } | undefined;
    if (this.gone(res)) return;
    const name = body?.clusterName;
    if (typeof name === 'string' && !this.store.get(RT.cluster, MC_NAMESPACE, name)) {
      sendJson(res, 200, {}); // already gone (a forced disconnect got there first)
      return;
    }
    const cluster = this.authenticate(name, bearer(req));
    if (!cluster) {
      sendWireError(res, 401, 'Unauthorized', 'this cluster is not a member of the multi-cluster system');
      return;
    }
    if (!cluster.metadata.deletionTimestamp) {
      sendWireError(res, 409, 'NotDisconnecting', `cluster "${cluster.metadata.name}" is not being disconnected`);
      return;
    }
    this.releaseCluster(cluster.metadata.name!);
    this.sessions.delete(cluster.metadata.name!);
    sendJson(res, 200, {});
  }

  private releaseCluster(name: string): void {
    this.store.mutate(RT.cluster, MC_NAMESPACE, name, (d) => {
      d.metadata.finalizers = (d.metadata.finalizers ?? []).filter((f) => f !== CLUSTER_INFO_FINALIZER);
    });
  }

  // ---- clusters: disconnects, demotion, reachability -----------------------

  reconcileClusters(): void {
    const clusters = this.store.list(RT.cluster, { namespace: MC_NAMESPACE }).items;
    const secondaries = clusters.filter((c) => c.metadata.labels?.[LABELS.clusterType] === SECONDARY);
    const live = new Map(secondaries.map((c) => [c.metadata.name!, c]));
    // Disconnect orders (and refusals of clusters removed by hand) go out at once.
    for (const name of this.sessions.keys()) if (!live.get(name) || live.get(name)!.metadata.deletionTimestamp) this.kick(name);
    for (const name of this.reachability.keys()) if (!live.has(name)) this.reachability.delete(name);
    const primary = clusters.find((c) => c.metadata.labels?.[LABELS.clusterType] === PRIMARY);
    if (!primary?.metadata.deletionTimestamp) return;
    if (secondaries.length === 0) {
      // Demotion: nothing depends on this primary any more.
      if ((primary.metadata.finalizers ?? []).includes(CLUSTER_INFO_FINALIZER)) this.releaseCluster(primary.metadata.name!);
      this.sessions.clear();
      return;
    }
    const names = secondaries.map((c) => c.metadata.name).slice(0, 5).join(', ');
    const message = `cannot demote while ${secondaries.length} secondary cluster(s) remain joined (${names}${secondaries.length > 5 ? ', …' : ''}); disconnect them first`;
    if ((primary.status as { message?: string } | undefined)?.message !== message) {
      this.store.mutate(RT.cluster, MC_NAMESPACE, primary.metadata.name!, (d) => void (d.status = { ...(d.status as object), message }), { subresource: 'status' });
    }
  }

  private reachable(name: string, now = Date.now()): boolean {
    const s = this.sessions.get(name);
    if (s?.waiter) return true;
    return now - (s?.lastContact ?? this.since) < this.ctx.opts.unreachableAfterMs;
  }

  /** Notices secondaries that went quiet or came back; records it on their Cluster and in distribution status. */
  sweep(): void {
    const primary = this.primaryCluster();
    if (!primary) return;
    const now = Date.now();
    const secondaries = this.store.list(RT.cluster, { namespace: MC_NAMESPACE, filter: (c) => c.metadata.labels?.[LABELS.clusterType] === SECONDARY }).items;
    for (const c of secondaries) {
      const name = c.metadata.name!;
      const up = this.reachable(name, now);
      if (this.reachability.get(name) === up) continue;
      this.reachability.set(name, up);
      this.queue.add('status', this.ctx.opts.statusDebounceMs);
      const last = this.sessions.get(name)?.lastContact;
      const connection = { state: up ? 'Connected' : 'Unreachable', ...(last ? { lastContactTime: kubeTime(new Date(last)) } : {}) };
      try {
        this.store.mutate(RT.cluster, MC_NAMESPACE, name, (d) => void (d.status = { ...(d.status as object), connection }), { subresource: 'status' });
      } catch (err) {
        this.ctx.log(`cannot record reachability of ${name}: ${errorMessage(err)}`);
      }
      if (!up) this.ctx.log(`secondary ${name} is unreachable`);
    }
  }

  // ---- distributions and K10ClusterRoleBindings -------------------------------

  /** Recomputes what every cluster should hold, applies the primary's share, and wakes secondaries with news. */
  reconcilePlans(): void {
    const primary = this.primaryCluster();
    if (!primary) {
      this.plans = [];
      return;
    }
    const clusters = this.store.list(RT.cluster, { namespace: MC_NAMESPACE, filter: (c) => alive(c) }).items;
    const owners = [RT.distribution, RT.k10ClusterRoleBinding].flatMap((rt) =>
      this.store.list(rt, { namespace: MC_NAMESPACE, filter: (o) => alive(o) }).items.map((obj) => ({ rt, obj })),
    );
    const previous = this.plans;
    this.plans = owners.map(({ rt, obj }) => planFor(this.store, rt, obj, clusters));
    const current = new Set(this.plans.map((p) => p.bundle.key));
    for (const p of previous) {
      if (p.rt !== RT.distribution || current.has(p.bundle.key) || this.store.get(RT.distribution, MC_NAMESPACE, p.name)) continue;
      const held = this.released.get(p.bundle.key) ?? new Set<string>();
      for (const t of p.targets) held.add(t);
      this.released.set(p.bundle.key, held);
    }
    for (const key of current) this.released.delete(key);
    // A primary being demoted keeps the copies it has: they stay enforced, as on a disconnected secondary.
    if (alive(primary)) this.applyLocal(primary.metadata.name!);
    for (const name of this.sessions.keys()) this.kick(name);
    this.queue.add('status', this.ctx.opts.statusDebounceMs);
  }

  private applyLocal(self: string): void {
    const desired = bundlesFor(this.plans, self);
    for (const b of desired) {
      if (b.hold || this.localApplied.get(b.key)?.rev === b.rev) continue;
      const error = applyBundle(this.store, b);
      if (error) this.ctx.log(`applying ${b.key} failed: ${error}`);
      this.localApplied.set(b.key, { rev: b.rev, ...(error ? { error } : {}), time: kubeTime() });
    }
    const keys = new Set([...desired.map((b) => b.key), ...this.releasedFor(self)]);
    const error = pruneBundles(this.store, keys);
    if (error) this.ctx.log(`removing stale copies failed: ${error}`);
    for (const key of this.localApplied.keys()) if (!keys.has(key)) this.localApplied.delete(key);
  }

  /** Writes `status` of every Distribution and K10ClusterRoleBinding whose status changed. */
  writeStatuses(): void {
    const primary = this.primaryCluster();
    if (!primary) return;
    for (const plan of this.plans) {
      const obj = this.store.get(plan.rt, MC_NAMESPACE, plan.name);
      if (!alive(obj)) continue;
      const status = this.statusOf(plan, primary.metadata.name!, obj.status as { clusters?: ClusterSyncStatus[] } | undefined);
      if (JSON.stringify(status) === JSON.stringify(obj.status)) continue;
      try {
        this.store.mutate(plan.rt, MC_NAMESPACE, plan.name, (d) => void (d.status = status), { subresource: 'status' });
      } catch (err) {
        this.ctx.log(`cannot write status of ${plan.rt.kind} ${plan.name}: ${errorMessage(err)}`);
      }
    }
  }

  private statusOf(plan: Plan, self: string, previous: { clusters?: ClusterSyncStatus[] } | undefined): Record<string, unknown> {
    if (plan.error) return { state: 'Failed', message: plan.error, clusters: [] };
    const before = new Map((previous?.clusters ?? []).map((c) => [c.name, c.lastSyncTime]));
    const { bundle } = plan;
    const entry = (name: string): ClusterSyncStatus => {
      const applied = name === self ? this.localApplied.get(bundle.key) : this.sessions.get(name)?.applied.get(bundle.key);
      const lastSyncTime = applied && applied.rev === bundle.rev && !applied.error ? applied.time : before.get(name);
      const base = { name, ...(lastSyncTime ? { lastSyncTime } : {}) };
      if (bundle.hold) return { ...base, state: 'Failed', message: bundle.hold };
      if (name !== self && !this.reachable(name)) {
        const last = this.sessions.get(name)?.lastContact;
        return { ...base, state: 'Failed', message: `cluster "${name}" is unreachable: no contact from its K10${last ? ` since ${kubeTime(new Date(last))}` : ''}` };
      }
      if (applied?.rev !== bundle.rev) return { ...base, state: 'Syncing' };
      if (applied.error) return { ...base, state: 'Failed', message: applied.error };
      return { ...base, state: 'Synced' };
    };
    const clusters = [
      ...plan.targets.map(entry),
      ...plan.unknown.map((name): ClusterSyncStatus => ({ name, state: 'Failed', message: `no cluster named "${name}" has joined this multi-cluster system` })),
    ];
    const failed = clusters.filter((c) => c.state === 'Failed');
    const state = failed.length ? 'Failed' : clusters.some((c) => c.state === 'Syncing') ? 'Syncing' : 'Synced';
    const message = failed.length
      ? `${failed.length} of ${clusters.length} cluster(s) failed: ${failed[0].name}: ${failed[0].message}`
      : clusters.length === 0
        ? 'no cluster matches spec.clusters'
        : undefined;
    return { state, ...(message ? { message } : {}), clusters };
  }
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}
