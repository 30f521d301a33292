/**
 * The secondary side: joining a primary from `mc-join` + `mc-join-config`,
 * then keeping one long poll open to the primary's ingress, through which it
 * receives the bundles to apply and the order to disconnect. A primary that
 * no longer accepts its session credential means it was disconnected while
 * away (the forced procedure): it forgets the primary too.
 */
import { randomBytes } from 'node:crypto';
import { JOIN_CONFIG_KEYS, JOIN_OBJECTS, K10_NAMESPACE, LABELS, MC_NAMESPACE, type JoinStatus } from '../../../shared/kasten/kinds.js';
import { decodeLabToken } from '../../../shared/kasten/lab.js';
import type { KubeObject } from '../resources.js';
import { kubeTime } from '../store.js';
import { applyBundle, pruneBundles } from './bundles.js';
import { RT, alive, digest, errorMessage, isNotFound, secretData, secretValue, type K10Context } from './context.js';
import type { WorkQueue } from './queue.js';
import { WIRE_PATHS, backoff, sleep, wireMessage, type AppliedReport, type HttpResult, type JoinReply, type SyncReply, type WireClient } from './wire.js';

/** What mc-cluster-info says. */
interface ClusterInfo {
  uid: string;
  clusterName: string;
  primaryName: string;
  primaryIngress: string;
  session: string;
}

/** How a secondary reaches the network: the instance's client and its lifetime. */
export interface Link {
  client(): WireClient;
  /** Aborted when the cluster goes down or K10 stops. */
  signal(): AbortSignal;
}

const HASH_KEY = 'mc-join.hash';

export class Secondary {
  private channel: { abort: AbortController; uid: string } | undefined;
  /** What this cluster applied, per bundle key; reported on every poll. */
  private readonly applied = new Map<string, AppliedReport>();
  /** The join attempt in progress for one version of the join inputs. */
  private attempt: { hash: string; notBefore: number; generatedName?: string } | undefined;

  constructor(
    private readonly ctx: K10Context,
    private readonly queue: WorkQueue,
    private readonly link: Link,
  ) {}

  private get store() {
    return this.ctx.host.store;
  }

  pause(): void {
    this.channel?.abort.abort();
    this.channel = undefined;
    this.attempt = undefined;
  }

  private clusterInfo(): ClusterInfo | undefined {
    const s = this.store.get(RT.secret, K10_NAMESPACE, JOIN_OBJECTS.clusterInfo);
    if (!alive(s)) return undefined;
    const [clusterName, primaryName, primaryIngress, session] = ['clusterName', 'primaryName', 'primaryIngress', 'token'].map((k) => secretValue(s, k));
    if (!clusterName || !primaryName || !primaryIngress || !session) return undefined;
    return { uid: s.metadata.uid!, clusterName, primaryName, primaryIngress, session };
  }

  // ---- joining ------------------------------------------------------------

  /**
   * Joins when both join objects exist and this cluster is not joined. One
   * version of the inputs (identified by the objects' uids and
   * resourceVersions, so that editing or recreating `mc-join` retries) is
   * tried until it is joined or rejected; unreachable primaries are retried
   * with backoff, then every retryMaxMs.
   */
  async reconcileJoin(): Promise<void> {
    if (this.store.get(RT.secret, K10_NAMESPACE, JOIN_OBJECTS.clusterInfo)) return;
    const join = this.store.get(RT.secret, K10_NAMESPACE, JOIN_OBJECTS.joinSecret);
    const config = this.store.get(RT.configMap, K10_NAMESPACE, JOIN_OBJECTS.joinConfig);
    if (!alive(join) || !alive(config)) return;
    const hash = inputsHash(join, config);
    const status = this.store.get(RT.secret, K10_NAMESPACE, JOIN_OBJECTS.joinStatus);
    const state = secretValue(status, 'status');
    if (secretValue(status, HASH_KEY) === hash && (state === 'joined' || state === 'rejected')) return;
    if (this.attempt?.hash !== hash) this.attempt = { hash, notBefore: 0 };
    const wait = this.attempt.notBefore - Date.now();
    if (wait > 0) {
      this.queue.add('join', wait);
      return;
    }
    const attempt = this.attempt;
    const reject = (msg: string) => {
      this.writeStatus('rejected', msg, hash);
      this.ctx.log(`join rejected: ${msg}`);
    };

    if (this.store.list(RT.cluster, { namespace: MC_NAMESPACE, filter: (c) => c.metadata.labels?.[LABELS.clusterType] === 'primary' }).items.length) {
      return reject('this cluster is a multi-cluster primary; a primary cannot join another one');
    }
    const token = secretValue(join, 'token')?.trim();
    if (!token) return reject(`secret ${JOIN_OBJECTS.joinSecret} has no data.token`);
    const cfg = (config.data ?? {}) as Record<string, string | undefined>;
    const decoded = decodeLabToken(token);
    const ingress = cfg[JOIN_CONFIG_KEYS.primaryIngress]?.trim() || (decoded.ok ? decoded.token.ingress : undefined);
    if (!ingress) {
      return reject(`invalid join token (${decoded.ok ? 'no ingress' : decoded.reason}), and ${JOIN_OBJECTS.joinConfig} sets no ${JOIN_CONFIG_KEYS.primaryIngress}`);
    }
    const insecure = cfg[JOIN_CONFIG_KEYS.allowInsecure]?.trim() === 'true';
    const problem = ingressProblem(ingress, insecure);
    if (problem) return reject(problem);
    const clusterName = cfg[JOIN_CONFIG_KEYS.clusterName]?.trim() || (attempt.generatedName ??= `cluster-${randomBytes(4).toString('hex')}`);
    const clusterIngress = cfg[JOIN_CONFIG_KEYS.clusterIngress]?.trim() || undefined;

    this.writeStatus('joining', `joining the primary at ${ingress} as "${clusterName}"`, hash);
    const { opts } = this.ctx;
    const signal = this.link.signal();
    let last = '';
    for (let n = 1; n <= opts.joinAttempts; n++) {
      const r = await this.link.client().post(ingress + WIRE_PATHS.join, { token, clusterName, clusterIngress }, { timeoutMs: opts.requestTimeoutMs, signal });
      if (signal.aborted || !this.stillCurrent(hash)) return; // stopped, or the inputs changed: the queue runs us again
      if (r.kind === 'reply' && r.status === 200) return this.completeJoin(r.body as Partial<JoinReply>, ingress, hash);
      if (r.kind === 'reply' && r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429) return reject(wireMessage(r));
      last = describe(r, ingress);
      this.writeStatus('joining', `${last} (attempt ${n} of ${opts.joinAttempts})`, hash);
      if (n < opts.joinAttempts && !(await sleep(backoff(n, opts.retryBaseMs, opts.retryMaxMs), signal))) return;
    }
    attempt.notBefore = Date.now() + opts.retryMaxMs;
    this.writeStatus('joining', `${last}; retrying in ${Math.round(opts.retryMaxMs / 1000)} s`, hash);
    this.ctx.log(`join: ${last}; retrying`);
    this.queue.add('join', opts.retryMaxMs);
  }

  /** Still not joined, and the join inputs are still the version being tried. */
  private stillCurrent(hash: string): boolean {
    if (this.store.get(RT.secret, K10_NAMESPACE, JOIN_OBJECTS.clusterInfo)) return false;
    const join = this.store.get(RT.secret, K10_NAMESPACE, JOIN_OBJECTS.joinSecret);
    const config = this.store.get(RT.configMap, K10_NAMESPACE, JOIN_OBJECTS.joinConfig);
    return alive(join) && alive(config) && inputsHash(join, config) === hash;
  }

  private completeJoin(reply: Partial<JoinReply>, ingress: string, hash: string): void {
    const { clusterName, primaryName, session } = reply;
    if (typeof clusterName !== 'string' || typeof primaryName !== 'string' || typeof session !== 'string' || !session) {
      this.writeStatus('rejected', 'the primary accepted the join but its answer was incomplete', hash);
      return;
    }
    try {
      this.upsertSecret(JOIN_OBJECTS.clusterInfo, { clusterName, primaryName, primaryIngress: ingress, token: session });
      this.ensureServiceAccount(primaryName);
    } catch (err) {
      this.writeStatus('rejected', `joined, but could not record it: ${errorMessage(err)}`, hash);
      return;
    }
    this.attempt = undefined;
    this.writeStatus('joined', `joined the multi-cluster primary "${primaryName}" as "${clusterName}"`, hash);
    this.queue.add('channel');
  }

  /** The service account the primary's K10 acts through, labelled with its name. [doc] */
  private ensureServiceAccount(primaryName: string): void {
    const name = `k10-mc-${primaryName}`.slice(0, 253).replace(/[-.]+$/, '');
    if (this.store.get(RT.serviceAccount, K10_NAMESPACE, name)) return;
    this.store.create(RT.serviceAccount, {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: K10_NAMESPACE, labels: { [LABELS.multiClusterSa]: primaryName } },
    });
  }

  private writeStatus(status: JoinStatus, msg: string, hash: string): void {
    try {
      this.upsertSecret(JOIN_OBJECTS.joinStatus, { status, msg, timestamp: kubeTime(), [HASH_KEY]: hash });
    } catch (err) {
      this.ctx.log(`cannot write ${JOIN_OBJECTS.joinStatus}: ${errorMessage(err)}`);
    }
  }

  private upsertSecret(name: string, values: Record<string, string>): void {
    const data = secretData(values);
    if (this.store.get(RT.secret, K10_NAMESPACE, name)) {
      this.store.mutate(RT.secret, K10_NAMESPACE, name, (d) => void (d.data = data));
    } else {
      this.store.create(RT.secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: K10_NAMESPACE }, type: 'Opaque', data });
    }
  }

  // ---- the channel ---------------------------------------------------------

  /** Keeps exactly one poll loop running while mc-cluster-info exists. */
  reconcileChannel(): void {
    const info = this.clusterInfo();
    if (this.channel && this.channel.uid === info?.uid && !this.channel.abort.signal.aborted) return;
    this.channel?.abort.abort();
    this.channel = undefined;
    if (!info) return;
    const abort = new AbortController();
    const outer = this.link.signal();
    if (outer.aborted) return;
    outer.addEventListener('abort', () => abort.abort(), { once: true });
    this.channel = { abort, uid: info.uid };
    void this.poll(info, abort.signal).catch((err: unknown) => this.ctx.log(`channel to ${info.primaryName} failed: ${errorMessage(err)}`));
  }

  private async poll(info: ClusterInfo, signal: AbortSignal): Promise<void> {
    const { opts } = this.ctx;
    let failures = 0;
    while (!signal.aborted) {
      const r = await this.link
        .client()
        .post(
          info.primaryIngress + WIRE_PATHS.sync,
          { clusterName: info.clusterName, applied: Object.fromEntries(this.applied) },
          { session: info.session, timeoutMs: opts.pollHoldMs + opts.requestTimeoutMs, signal },
        );
      if (signal.aborted) return;
      if (r.kind === 'reply' && r.status === 401) {
        this.forget(info, 'the primary no longer knows this cluster');
        return;
      }
      if (r.kind === 'reply' && r.status === 200) {
        failures = 0;
        const reply = r.body as SyncReply;
        if (reply.disconnect) {
          this.forget(info, 'disconnected by the primary');
          await this.acknowledge(info);
          return;
        }
        if (Array.isArray(reply.keys)) this.apply(reply);
        continue;
      }
      if (++failures === 1) this.ctx.log(`cannot reach primary ${info.primaryName}: ${describe(r, info.primaryIngress)}; retrying`);
      if (!(await sleep(backoff(failures, opts.retryBaseMs, opts.retryMaxMs), signal))) return;
    }
  }

  /** Applies the bundles the primary sent and removes copies of bundles it no longer lists. */
  private apply(reply: SyncReply): void {
    const keys = new Set(reply.keys);
    for (const bundle of reply.bundles ?? []) {
      if (!bundle || typeof bundle.key !== 'string' || !Array.isArray(bundle.objects) || bundle.hold) continue;
      const error = applyBundle(this.store, bundle);
      if (error) this.ctx.log(`applying ${bundle.key} failed: ${error}`);
      this.applied.set(bundle.key, { rev: bundle.rev, ...(error ? { error } : {}) });
    }
    const error = pruneBundles(this.store, keys);
    if (error) this.ctx.log(`removing stale copies failed: ${error}`);
    for (const key of this.applied.keys()) if (!keys.has(key)) this.applied.delete(key);
  }

  /**
   * Leaves the multi-cluster system: mc-cluster-info and the primary's
   * service accounts go; distributed copies stay and keep being enforced.
   * mc-join-status stays `joined`, as Kasten documents.
   */
  private forget(info: ClusterInfo, why: string): void {
    this.ctx.log(`leaving primary ${info.primaryName}: ${why}`);
    try {
      this.store.delete(RT.secret, K10_NAMESPACE, JOIN_OBJECTS.clusterInfo, { preconditions: { uid: info.uid } });
    } catch (err) {
      if (!isNotFound(err)) this.ctx.log(`cannot delete ${JOIN_OBJECTS.clusterInfo}: ${errorMessage(err)}`);
    }
    const mine = (sa: KubeObject) => sa.metadata.labels?.[LABELS.multiClusterSa] === info.primaryName;
    for (const sa of this.store.list(RT.serviceAccount, { namespace: K10_NAMESPACE, filter: mine }).items) {
      try {
        this.store.delete(RT.serviceAccount, K10_NAMESPACE, sa.metadata.name!);
      } catch (err) {
        if (!isNotFound(err)) this.ctx.log(`cannot delete service account ${sa.metadata.name}: ${errorMessage(err)}`);
      }
    }
  }

  /** Tells the primary it may let go of this cluster's Cluster object. */
  private async acknowledge(info: ClusterInfo): Promise<void> {
    const { opts } = this.ctx;
    const signal = this.link.signal();
    for (let n = 1; n <= opts.joinAttempts; n++) {
      const r = await this.link
        .client()
        .post(info.primaryIngress + WIRE_PATHS.disconnected, { clusterName: info.clusterName }, { session: info.session, timeoutMs: opts.requestTimeoutMs, signal });
      if (signal.aborted) return;
      if (r.kind === 'reply' && r.status < 500) return;
      if (n < opts.joinAttempts && !(await sleep(backoff(n, opts.retryBaseMs, opts.retryMaxMs), signal))) return;
    }
    this.ctx.log(`could not tell primary ${info.primaryName} that this cluster disconnected; its Cluster needs the forced procedure`);
  }
}

/** Identifies one version of the join inputs without touching their content (the token is secret). */
function inputsHash(join: KubeObject, config: KubeObject): string {
  return digest([join.metadata.uid, join.metadata.resourceVersion, config.metadata.uid, config.metadata.resourceVersion].join('/'));
}

function ingressProblem(ingress: string, insecureAllowed: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(ingress);
  } catch {
    return `the primary ingress "${ingress}" is not a URL`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return insecureAllowed
      ? undefined
      : `the primary ingress ${ingress} is plain http; set ${JOIN_CONFIG_KEYS.allowInsecure}: "true" in ${JOIN_OBJECTS.joinConfig} to allow an insecure primary`;
  }
  return `the primary ingress "${ingress}" is neither https nor http`;
}

function describe(r: HttpResult, ingress: string): string {
  return r.kind === 'unreachable' ? `cannot reach the primary at ${ingress}: ${r.message}` : wireMessage(r);
}
