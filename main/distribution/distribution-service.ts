/**
 * Global profiles and policies on a primary, the Distributions that send
 * them to clusters, and each target's sync state as Flotilla reads it
 * (KASTEN-MC.md, "Global resources and distributions").
 *
 * Status does not depend on the primary reporting any: each target that
 * Flotilla can reach is read (bounded concurrency, one GET per copy) and
 * compared with the global definitions (sync-status.ts). What the lab's K10
 * reports (`status.clusters`) only tells a copy that is not there yet
 * (syncing) from one that could not be applied (failed).
 */
import { stringify } from 'yaml';
import { AppError, type ClusterSync, type Distribution, type Policy, type Profile } from '../../shared/contract/index.js';
import { distributionManifest, policyManifest, profileSecretName, s3ProfileManifest, selectTargets, type SourceRef, type TargetEntry } from '../../shared/kasten/distribution.js';
import { JOIN_OBJECTS, KASTEN_GROUPS, KASTEN_VERSION, K10_NAMESPACE, MC_NAMESPACE } from '../../shared/kasten/kinds.js';
import { kastenNameProblem } from '../../shared/kasten/names.js';
import { parseLabelSelector } from '../../shared/selectors.js';
import type { ClusterClient } from '../kube/cluster-client.js';
import { clusterError, type McContext, type Target } from '../multicluster/context.js';
import { b64, createObject, deleteIfPresent, getObject, listObjects, mergePatch, PATHS, readMembership, secretString, type KubeObject } from '../multicluster/kasten-objects.js';
import { retarget, targetState, worst, type ActualCopy, type ExpectedCopy } from './sync-status.js';
import { formatProblems, policyProblems, profileProblems } from './validation.js';

const cfg = (plural: string, ns = MC_NAMESPACE, name?: string) => `/apis/${KASTEN_GROUPS.config}/${KASTEN_VERSION}/namespaces/${ns}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
const distributions = (name?: string) => `/apis/${KASTEN_GROUPS.dist}/${KASTEN_VERSION}/namespaces/${MC_NAMESPACE}/distributions${name ? `/${encodeURIComponent(name)}` : ''}`;
const secrets = (ns: string, name?: string) => `/api/v1/namespaces/${ns}/secrets${name ? `/${encodeURIComponent(name)}` : ''}`;

/** Annotation whose change makes K10 re-apply a distribution ("Force sync"). [ours] */
export const FORCE_SYNC_ANNOTATION = 'flotilla.io/force-sync';
const S3_SECRET_TYPE = 'secrets.kanister.io/aws';
const READ_CONCURRENCY = 16;

/** Finds, for the primary named `primaryName`, which Flotilla cluster is which target (by its name there). */
export type MemberIndex = (primaryName: string) => Promise<Map<string, string>>;

interface Spec {
  clusters?: TargetEntry[];
  sources?: { ref?: { kind?: string; name?: string } }[];
}

function sourcesOf(d: KubeObject): SourceRef[] {
  return ((d.spec as Spec | undefined)?.sources ?? []).flatMap((s) => (s.ref?.name && (s.ref.kind === 'Policy' || s.ref.kind === 'Profile') ? [{ kind: s.ref.kind, name: s.ref.name }] : []));
}

export class DistributionService {
  private readonly lastMembers = new Map<string, Map<string, string>>();

  constructor(
    private readonly ctx: McContext,
    /** Maps target names to Flotilla clusters; the default reads mc-cluster-info on every cluster in the list. */
    private readonly members: MemberIndex = (p) => this.readMembers(p),
  ) {}

  private async primary(primaryId: string): Promise<Target & { primaryName: string }> {
    const t = await this.ctx.target(primaryId);
    const m = await readMembership(t.client);
    if (!m.primary) throw clusterError('CONFLICT', t.cluster, `${t.cluster.name} is not a multi-cluster primary: global profiles, policies and distributions live on a primary. Promote it first.`);
    return { ...t, primaryName: m.primary.metadata?.name ?? '' };
  }

  // ---- profiles

  async listProfiles(primaryId: string): Promise<Profile[]> {
    const t = await this.primary(primaryId);
    const [profiles, secretList, dists] = await Promise.all([listObjects(t.client, cfg('profiles')), listObjects(t.client, secrets(MC_NAMESPACE)), listObjects(t.client, distributions())]);
    const secretNames = new Set(secretList.map((s) => s.metadata?.name));
    return profiles.map((p) => toProfile(p, secretNames, dists));
  }

  async saveProfile(primaryId: string, profile: { name: string; bucket: string; region: string; endpoint?: string; skipTlsVerify: boolean }, credentials: { accessKeyId: string; secretAccessKey: string } | undefined, create: boolean): Promise<Profile> {
    const t = await this.primary(primaryId);
    const keys = credentials ? [credentials.accessKeyId, credentials.secretAccessKey] : [];
    return this.ctx.audited(t, 'profile-save', { target: profile.name, detail: () => `${create ? 'created' : 'updated'}${credentials ? ', new keys' : ', keys unchanged'}`, secrets: keys }, async () => {
      const problems = profileProblems(profile, credentials, create);
      if (problems.length) throw clusterError('INVALID_ARGS', t.cluster, formatProblems(`The profile "${profile.name}" cannot be saved`, problems));
      const path = cfg('profiles', MC_NAMESPACE, profile.name);
      const existing = await getObject(t.client, path);
      if (create && existing) throw clusterError('CONFLICT', t.cluster, `${t.cluster.name} already has a global profile "${profile.name}"; edit it, or choose another name.`);
      if (!create && !existing) throw clusterError('NOT_FOUND', t.cluster, `${t.cluster.name} has no global profile "${profile.name}" (it may have been deleted).`);
      const secretName = profileSecretName(profile.name);
      let wroteSecret: 'created' | 'replaced' | undefined;
      if (credentials) {
        const body = {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: secretName, namespace: MC_NAMESPACE },
          type: S3_SECRET_TYPE,
          data: { aws_access_key_id: b64(credentials.accessKeyId.trim()), aws_secret_access_key: b64(credentials.secretAccessKey) },
        };
        const old = await getObject(t.client, secrets(MC_NAMESPACE, secretName));
        if (old) await t.client.request({ method: 'PUT', path: secrets(MC_NAMESPACE, secretName), body: { ...body, metadata: { ...body.metadata, resourceVersion: old.metadata?.resourceVersion } } });
        else await createObject(t.client, secrets(MC_NAMESPACE), body);
        wroteSecret = old ? 'replaced' : 'created';
      }
      const manifest = s3ProfileManifest(profile);
      try {
        if (existing) await t.client.request({ method: 'PUT', path, body: { ...manifest, metadata: { ...manifest.metadata, resourceVersion: existing.metadata?.resourceVersion } } });
        else await createObject(t.client, cfg('profiles'), manifest as KubeObject);
      } catch (err) {
        // Nothing half-done is left behind silently: a new Secret goes again; a replaced one is said.
        if (wroteSecret === 'created') await deleteIfPresent(t.client, secrets(MC_NAMESPACE, secretName)).catch(() => undefined);
        const note = wroteSecret === 'replaced' ? ` The new keys were already written to Secret ${MC_NAMESPACE}/${secretName}; save the profile again to finish.` : ' Nothing was changed.';
        throw err instanceof AppError ? new AppError(err.code, `${err.message}${note}`, err.cluster) : err;
      }
      return (await this.listProfiles(primaryId)).find((p) => p.name === profile.name)!;
    });
  }

  async deleteProfile(primaryId: string, name: string): Promise<void> {
    const t = await this.primary(primaryId);
    await this.ctx.audited(t, 'profile-delete', { target: name }, async () => {
      const [dists, policies] = await Promise.all([listObjects(t.client, distributions()), listObjects(t.client, cfg('policies'))]);
      const users = [
        ...dists.filter((d) => sourcesOf(d).some((s) => s.kind === 'Profile' && s.name === name)).map((d) => `distribution ${d.metadata?.name}`),
        ...policies.filter((p) => exportProfileOf(p) === name).map((p) => `policy ${p.metadata?.name}`),
      ];
      if (users.length) throw clusterError('CONFLICT', t.cluster, `The profile "${name}" is used by ${users.join(', ')}; change or delete ${users.length === 1 ? 'it' : 'them'} first.`);
      if (!(await deleteIfPresent(t.client, cfg('profiles', MC_NAMESPACE, name)))) throw clusterError('NOT_FOUND', t.cluster, `${t.cluster.name} has no global profile "${name}".`);
      await deleteIfPresent(t.client, secrets(MC_NAMESPACE, profileSecretName(name)));
    });
  }

  // ---- policies

  async listPolicies(primaryId: string): Promise<Policy[]> {
    const t = await this.primary(primaryId);
    const [policies, dists] = await Promise.all([listObjects(t.client, cfg('policies')), listObjects(t.client, distributions())]);
    return policies.map((p) => toPolicy(p, dists));
  }

  async savePolicy(primaryId: string, policy: { name: string; frequency: string; retention: Record<string, number | undefined>; exportProfile?: string; selector: string; paused: boolean }, create: boolean): Promise<Policy> {
    const t = await this.primary(primaryId);
    return this.ctx.audited(t, 'policy-save', { target: policy.name, detail: () => (create ? 'created' : 'updated') }, async () => {
      const profiles = (await listObjects(t.client, cfg('profiles'))).map((p) => p.metadata?.name ?? '');
      const problems = policyProblems(policy, profiles);
      if (problems.length) throw clusterError('INVALID_ARGS', t.cluster, formatProblems(`The policy "${policy.name}" cannot be saved`, problems));
      const path = cfg('policies', MC_NAMESPACE, policy.name);
      const existing = await getObject(t.client, path);
      if (create && existing) throw clusterError('CONFLICT', t.cluster, `${t.cluster.name} already has a global policy "${policy.name}"; edit it, or choose another name.`);
      if (!create && !existing) throw clusterError('NOT_FOUND', t.cluster, `${t.cluster.name} has no global policy "${policy.name}".`);
      const manifest = policyManifest(policy);
      if (existing) await t.client.request({ method: 'PUT', path, body: { ...manifest, metadata: { ...manifest.metadata, resourceVersion: existing.metadata?.resourceVersion } } });
      else await createObject(t.client, cfg('policies'), manifest as KubeObject);
      return (await this.listPolicies(primaryId)).find((p) => p.name === policy.name)!;
    });
  }

  async deletePolicy(primaryId: string, name: string): Promise<void> {
    const t = await this.primary(primaryId);
    await this.ctx.audited(t, 'policy-delete', { target: name }, async () => {
      const users = (await listObjects(t.client, distributions())).filter((d) => sourcesOf(d).some((s) => s.kind === 'Policy' && s.name === name)).map((d) => d.metadata?.name);
      if (users.length) throw clusterError('CONFLICT', t.cluster, `The policy "${name}" is sent by distribution ${users.join(', ')}; change or delete ${users.length === 1 ? 'it' : 'them'} first.`);
      if (!(await deleteIfPresent(t.client, cfg('policies', MC_NAMESPACE, name)))) throw clusterError('NOT_FOUND', t.cluster, `${t.cluster.name} has no global policy "${name}".`);
    });
  }

  // ---- distributions

  async saveDistribution(primaryId: string, name: string, targets: TargetEntry[], sources: SourceRef[], create: boolean): Promise<{ name: string; dropped: string[]; added: string[] }> {
    const t = await this.primary(primaryId);
    return this.ctx.audited(t, 'distribution-save', { target: name, detail: (r) => `${create ? 'created' : 'updated'}; ${r.added.length} clusters added, ${r.dropped.length} dropped` }, async () => {
      const problems: string[] = [];
      const n = kastenNameProblem(name);
      if (n) problems.push(`name: ${n}`);
      targets.forEach((e, i) => {
        if ('selector' in e) {
          try {
            parseLabelSelector(e.selector);
          } catch (err) {
            problems.push(`targets[${i}]: the selector "${e.selector}" is not valid: ${(err as Error).message}`);
          }
        }
      });
      const [clusters, profiles, policies, existing] = await Promise.all([
        listObjects(t.client, PATHS.clusters()),
        listObjects(t.client, cfg('profiles')),
        listObjects(t.client, cfg('policies')),
        getObject(t.client, distributions(name)),
      ]);
      for (const s of sources) {
        const pool = s.kind === 'Profile' ? profiles : policies;
        if (!pool.some((o) => o.metadata?.name === s.name)) problems.push(`sources: there is no global ${s.kind.toLowerCase()} "${s.name}"`);
      }
      if (problems.length) throw clusterError('INVALID_ARGS', t.cluster, `The distribution cannot be saved: ${problems.join('; ')}.`);
      if (create && existing) throw clusterError('CONFLICT', t.cluster, `A distribution "${name}" exists already; a distribution's name cannot change, so choose another, or edit that one.`);
      if (!create && !existing) throw clusterError('NOT_FOUND', t.cluster, `There is no distribution "${name}" to edit.`);
      const before = existing ? selectTargets((existing.spec as Spec | undefined)?.clusters, clusters as never).targets : [];
      const after = selectTargets(targets, clusters as never).targets;
      const manifest = distributionManifest({ name, targets, sources });
      if (existing) await t.client.request({ method: 'PUT', path: distributions(name), body: { ...manifest, metadata: { ...manifest.metadata, resourceVersion: existing.metadata?.resourceVersion, annotations: existing.metadata?.annotations } } });
      else await createObject(t.client, distributions(), manifest as KubeObject);
      return { name, dropped: before.filter((c) => !after.includes(c)), added: after.filter((c) => !before.includes(c)) };
    });
  }

  async deleteDistribution(primaryId: string, name: string): Promise<{ copiesKeptOn: string[] }> {
    const t = await this.primary(primaryId);
    return this.ctx.audited(t, 'distribution-delete', { target: name, detail: (r) => `copies kept on ${r.copiesKeptOn.join(', ') || 'no cluster'}` }, async () => {
      const existing = await getObject(t.client, distributions(name));
      if (!existing) throw clusterError('NOT_FOUND', t.cluster, `There is no distribution "${name}".`);
      const clusters = await listObjects(t.client, PATHS.clusters());
      const targets = selectTargets((existing.spec as Spec | undefined)?.clusters, clusters as never).targets;
      await deleteIfPresent(t.client, distributions(name));
      return { copiesKeptOn: targets };
    });
  }

  async forceSync(primaryId: string, name: string): Promise<void> {
    const t = await this.primary(primaryId);
    await this.ctx.audited(t, 'distribution-sync', { target: name }, async () => {
      if (!(await getObject(t.client, distributions(name)))) throw clusterError('NOT_FOUND', t.cluster, `There is no distribution "${name}".`);
      await mergePatch(t.client, distributions(name), { metadata: { annotations: { [FORCE_SYNC_ANNOTATION]: new Date().toISOString() } } });
    });
  }

  /** Every distribution (or one) with each target's state, read from the targets. */
  async list(primaryId: string, only?: string): Promise<Distribution[]> {
    const t = await this.primary(primaryId);
    const [dists, clusters, profiles, policies, mcSecrets, members] = await Promise.all([
      listObjects(t.client, distributions()),
      listObjects(t.client, PATHS.clusters()),
      listObjects(t.client, cfg('profiles')),
      listObjects(t.client, cfg('policies')),
      listObjects(t.client, secrets(MC_NAMESPACE)),
      this.members(t.primaryName),
    ]);
    members.set(t.primaryName, primaryId);
    const chosen = dists.filter((d) => !only || d.metadata?.name === only);
    if (only && chosen.length === 0) throw clusterError('NOT_FOUND', t.cluster, `There is no distribution "${only}".`);
    const find = (list: KubeObject[], n: string) => list.find((o) => o.metadata?.name === n);

    // Reads are shared between distributions: one GET per (cluster, copy).
    const reads = new Map<string, Promise<ActualCopy | 'unreachable' | Error>>();
    const queue = limit(READ_CONCURRENCY);
    const read = (clusterId: string, kind: ExpectedCopy['kind'], name: string) => {
      const key = `${clusterId}\u0000${kind}\u0000${name}`;
      let r = reads.get(key);
      if (!r) {
        const path = kind === 'Secret' ? secrets(K10_NAMESPACE, name) : cfg(kind === 'Policy' ? 'policies' : 'profiles', K10_NAMESPACE, name);
        r = queue(async () => {
          try {
            const client = await this.ctx.deps.pool.client(clusterId);
            const obj = await getObject(client, path);
            return obj ? { content: kind === 'Secret' ? obj.data : obj.spec } : undefined;
          } catch (err) {
            return err instanceof Error ? err : new Error(String(err));
          }
        });
        reads.set(key, r);
      }
      return r;
    };

    return Promise.all(
      chosen.map(async (d): Promise<Distribution> => {
        const spec = (d.spec ?? {}) as Spec;
        const sources = sourcesOf(d);
        const { targets, error } = selectTargets(spec.clusters, clusters as never);
        const reported = (d.status as { state?: string; clusters?: { name: string; state?: string; message?: string }[] } | undefined) ?? {};
        const expected: ExpectedCopy[] = [];
        const absent: string[] = [];
        for (const s of sources) {
          const obj = find(s.kind === 'Policy' ? policies : profiles, s.name);
          if (!obj) {
            absent.push(`${s.kind} ${s.name}`);
            continue;
          }
          expected.push({ kind: s.kind, name: s.name, content: retarget(obj.spec) });
          if (s.kind === 'Profile') {
            const ref = (obj.spec as { locationSpec?: { credential?: { secret?: { name?: string } } } } | undefined)?.locationSpec?.credential?.secret?.name;
            const secret = ref ? find(mcSecrets, ref) : undefined;
            if (ref && secret) expected.push({ kind: 'Secret', name: ref, content: secret.data ?? {} });
          }
        }
        const states: ClusterSync[] = await Promise.all(
          targets.map(async (target): Promise<ClusterSync> => {
            const report = reported.clusters?.find((c) => c.name === target);
            if (error || absent.length) return { name: target, state: 'failed', message: error ?? `its source ${absent.join(', ')} is not on the primary` };
            const id = members.get(target);
            if (!id) {
              const state = report?.state === 'Synced' ? 'synced' : report?.state === 'Failed' ? 'failed' : report?.state === 'Syncing' ? 'syncing' : 'unreachable';
              const how = report?.state ? `as the primary reports it; Flotilla holds no kubeconfig of ${target} to check` : `Flotilla holds no kubeconfig of ${target}, and the primary reports nothing`;
              return { name: target, state, message: report?.message ? `${report.message} (${how})` : how };
            }
            const actual = await Promise.all(expected.map((e) => read(id, e.kind, e.name)));
            const failure = actual.find((a): a is Error => a instanceof Error);
            if (failure) return { name: target, state: 'unreachable', message: failure.message, clusterId: id };
            return { ...targetState(target, expected, actual as ActualCopy[], report), clusterId: id };
          }),
        );
        return {
          name: d.metadata?.name ?? '',
          targets: spec.clusters ?? [],
          sources,
          state: states.length ? worst(states.map((s) => s.state)) : 'synced',
          clusters: states,
          ...(reported.state ? { reported: reported.state } : {}),
        };
      }),
    );
  }

  /** An object as YAML, secret values redacted unless asked for. */
  async yaml(primaryId: string, kind: 'Profile' | 'Policy' | 'Distribution', name: string, revealSecrets: boolean): Promise<string> {
    const t = await this.primary(primaryId);
    const path = kind === 'Distribution' ? distributions(name) : cfg(kind === 'Policy' ? 'policies' : 'profiles', MC_NAMESPACE, name);
    const obj = await getObject(t.client, path);
    if (!obj) throw clusterError('NOT_FOUND', t.cluster, `${t.cluster.name} has no global ${kind.toLowerCase()} "${name}".`);
    const docs: KubeObject[] = [clean(obj)];
    if (kind === 'Profile') {
      const secret = await getObject(t.client, secrets(MC_NAMESPACE, profileSecretName(name)));
      if (secret) {
        const data = Object.fromEntries(Object.entries((secret.data ?? {}) as Record<string, string>).map(([k, v]) => [k, revealSecrets ? v : '[redacted]']));
        docs.push({ ...clean(secret), data });
      }
    }
    if (revealSecrets && kind === 'Profile') await this.ctx.audit(t, { action: 'secret-reveal', outcome: 'succeeded', target: name, detail: 'profile YAML with its keys' });
    return docs.map((d) => stringify(d)).join('---\n');
  }

  /**
   * Which cluster in Flotilla's list is which member of `primaryName`, read
   * from each one's mc-cluster-info. A cluster that cannot be read now keeps
   * what was last known of it, so a target that goes down reads Unreachable
   * rather than vanishing from Flotilla's view.
   */
  async readMembers(primaryName: string): Promise<Map<string, string>> {
    const known = this.lastMembers.get(primaryName) ?? new Map<string, string>();
    const out = new Map<string, string>();
    const queue = limit(READ_CONCURRENCY);
    await Promise.all(
      this.ctx.deps.registry.list().map((c) =>
        queue(async () => {
          try {
            const client: ClusterClient = await this.ctx.deps.pool.client(c.id);
            const info = await getObject(client, PATHS.k10Secrets(JOIN_OBJECTS.clusterInfo));
            const member = secretString(info, 'clusterName');
            if (info && member && secretString(info, 'primaryName') === primaryName) out.set(member, c.id);
          } catch {
            for (const [member, id] of known) if (id === c.id) out.set(member, id);
          }
        }),
      ),
    );
    this.lastMembers.set(primaryName, out);
    return new Map(out);
  }
}

function toProfile(p: KubeObject, secretNames: Set<string | undefined>, dists: KubeObject[]): Profile {
  const os = ((p.spec as { locationSpec?: { objectStore?: Record<string, unknown>; credential?: { secret?: { name?: string } } } } | undefined)?.locationSpec ?? {}) as {
    objectStore?: { name?: string; region?: string; endpoint?: string; skipSSLVerify?: boolean };
    credential?: { secret?: { name?: string } };
  };
  const status = (p.status as { validation?: string; state?: string } | undefined) ?? {};
  const name = p.metadata?.name ?? '';
  return {
    name,
    bucket: os.objectStore?.name ?? '',
    region: os.objectStore?.region ?? '',
    ...(os.objectStore?.endpoint ? { endpoint: os.objectStore.endpoint } : {}),
    skipTlsVerify: os.objectStore?.skipSSLVerify === true,
    hasCredentials: secretNames.has(os.credential?.secret?.name),
    ...(status.validation || status.state ? { status: status.validation ?? status.state } : {}),
    distributions: dists.filter((d) => sourcesOf(d).some((s) => s.kind === 'Profile' && s.name === name)).map((d) => d.metadata?.name ?? ''),
  };
}

function toPolicy(p: KubeObject, dists: KubeObject[]): Policy {
  const spec = (p.spec ?? {}) as {
    frequency?: string;
    retention?: Record<string, number>;
    actions?: { action?: string; exportParameters?: { profile?: { name?: string } } }[];
    selector?: { matchExpressions?: { key: string; operator: string; values?: string[] }[]; matchLabels?: Record<string, string> };
    paused?: boolean;
  };
  const name = p.metadata?.name ?? '';
  const terms = [
    ...Object.entries(spec.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(spec.selector?.matchExpressions ?? []).map((e) =>
      e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${e.operator === 'NotIn' ? 'notin' : 'in'} (${(e.values ?? []).join(',')})`,
    ),
  ];
  const exportProfile = exportProfileOf(p);
  return {
    name,
    frequency: spec.frequency ?? '',
    retention: spec.retention ?? {},
    ...(exportProfile ? { exportProfile } : {}),
    selector: terms.join(','),
    paused: spec.paused === true,
    distributions: dists.filter((d) => sourcesOf(d).some((s) => s.kind === 'Policy' && s.name === name)).map((d) => d.metadata?.name ?? ''),
  };
}

/** The global profile a policy exports to, if it does. */
function exportProfileOf(p: KubeObject): string | undefined {
  const actions = (p.spec as { actions?: { action?: string; exportParameters?: { profile?: { name?: string } } }[] } | undefined)?.actions;
  return actions?.find((a) => a.action === 'export')?.exportParameters?.profile?.name;
}

/** An object as a person wants to read it: no managedFields, no server bookkeeping. */
function clean(obj: KubeObject): KubeObject {
  const { managedFields: _m, resourceVersion: _r, uid: _u, generation: _g, creationTimestamp: _c, ...metadata } = (obj.metadata ?? {}) as Record<string, unknown>;
  const { status: _s, ...rest } = obj;
  return { ...rest, metadata } as KubeObject;
}

/** Runs at most `n` of the functions given at once. */
function limit(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    while (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
