/**
 * Distributions and K10ClusterRoleBindings as the primary plans them and as
 * every target applies them. Both come down to a "bundle": the objects one
 * primary-side object puts in a target's kasten-io, all carrying one label,
 * with a revision that changes whenever a target must re-apply them (a source
 * changed, the distribution changed, or its annotations changed: the "Force
 * Sync"). The same `applyBundle` serves the primary's own copies and the
 * secondaries', so both behave alike.
 */
import { selectTargets } from '../../../shared/kasten/distribution.js';
import { K10_NAMESPACE, LABELS, MC_NAMESPACE } from '../../../shared/kasten/kinds.js';
import { LAB_K10 } from '../../../shared/kasten/lab.js';
import { resourceByKind, type KubeObject, type ResourceType } from '../resources.js';
import type { ObjectStore } from '../store.js';
import { RT, digest, errorMessage, isAlreadyExists, isNotFound } from './context.js';
import { isK10ClusterRole, k10ClusterRoleObject, normalizeSubjects } from './rbac.js';
import type { Bundle } from './wire.js';

/** What one Distribution or K10ClusterRoleBinding asks of the fleet. */
export interface Plan {
  /** The primary-side object: its type and name. */
  rt: ResourceType;
  name: string;
  bundle: Bundle;
  /** Target Clusters that exist (sorted). */
  targets: string[];
  /** The same, for lookups: a primary with 500 secondaries asks often. */
  targetSet: ReadonlySet<string>;
  /** `{name}` entries naming no Cluster. */
  unknown: string[];
  /** Why the targets cannot be chosen at all (a bad selector): every cluster keeps what it has. */
  error?: string;
}

/** Types a bundle may write to, and the labels that mark our copies in them. */
const MANAGED: readonly ResourceType[] = [RT.policy, RT.profile, RT.secret, RT.roleBinding];
const COPY_LABELS = [LABELS.distribution, LAB_K10.bindingLabel];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A label value for an object name; names beyond 63 characters are shortened with a hash. */
export function labelValueFor(name: string): string {
  return name.length <= 63 ? name : `${name.slice(0, 54)}-${digest(name, 8)}`;
}

function bundleKey(label: { key: string; value: string }): string {
  return `${label.key}=${label.value}`;
}

/** References between global resources point into kasten-io-mc; on a target they point at the copies. */
function retarget(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(retarget);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === 'namespace' && v === MC_NAMESPACE ? K10_NAMESPACE : retarget(v);
    return out;
  }
  return value;
}

/** A source object as it lands on a target: same name, in kasten-io, labelled, without status. */
function copyOf(src: KubeObject, label: Bundle['label']): KubeObject {
  const { metadata, status: _status, apiVersion, kind, ...rest } = src;
  const annotations = { ...metadata.annotations };
  delete annotations[LAST_APPLIED];
  return {
    apiVersion,
    kind,
    metadata: {
      name: metadata.name,
      namespace: K10_NAMESPACE,
      labels: { ...metadata.labels, [label.key]: label.value },
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    ...(retarget(rest) as Record<string, unknown>),
  };
}

/** What re-applies a bundle besides its content: any change of the object or of its annotations. */
function revision(owner: KubeObject, content: unknown): string {
  return digest(JSON.stringify([content, owner.metadata.generation ?? 0, owner.metadata.annotations ?? {}]));
}

function held(label: Bundle['label'], why: string): Bundle {
  return { key: bundleKey(label), rev: 'hold', label, objects: [], hold: why };
}

/** The copies a Distribution puts on each target; held with a reason when a source is missing or unusable. */
export function distributionBundle(store: ObjectStore, dist: KubeObject): Bundle {
  const label = { key: LABELS.distribution, value: labelValueFor(dist.metadata.name!) };
  const sources = (dist.spec as { sources?: unknown } | undefined)?.sources ?? [];
  if (!Array.isArray(sources)) return held(label, 'spec.sources must be a list');
  const objects: KubeObject[] = [];
  const missing: string[] = [];
  for (const [i, source] of sources.entries()) {
    const ref = ((source as { ref?: unknown } | null)?.ref ?? {}) as { kind?: string; name?: string; namespace?: string };
    const namespace = ref.namespace || MC_NAMESPACE;
    const rt = ref.kind === 'Policy' ? RT.policy : ref.kind === 'Profile' ? RT.profile : undefined;
    if (!rt || !ref.name) return held(label, `spec.sources[${i}].ref must name a Policy or a Profile`);
    const obj = store.get(rt, namespace, ref.name);
    if (!obj) {
      missing.push(`${ref.kind} ${namespace}/${ref.name}`);
      continue;
    }
    objects.push(copyOf(obj, label));
    if (rt === RT.profile) {
      // A Profile's credential Secret travels with it.
      const secretRef = (obj.spec as { locationSpec?: { credential?: { secret?: { name?: string; namespace?: string } } } } | undefined)
        ?.locationSpec?.credential?.secret;
      if (secretRef?.name) {
        const secretNs = secretRef.namespace || namespace;
        const secret = store.get(RT.secret, secretNs, secretRef.name);
        if (secret) objects.push(copyOf(secret, label));
        else missing.push(`Secret ${secretNs}/${secretRef.name} (credential of Profile ${ref.name})`);
      }
    }
  }
  if (missing.length) return held(label, `source ${missing.join(', ')} not found`);
  return { key: bundleKey(label), rev: revision(dist, objects), label, objects };
}

/**
 * What a K10ClusterRoleBinding puts on each target: a RoleBinding in kasten-io
 * to the ClusterRole named by `spec.k10ClusterRole`, which is created on the
 * target when missing (for the three K10 roles we know the rules of).
 */
export function bindingBundle(binding: KubeObject): Bundle {
  const name = binding.metadata.name!;
  const label = { key: LAB_K10.bindingLabel, value: labelValueFor(name) };
  const spec = (binding.spec ?? {}) as { k10ClusterRole?: unknown; subjects?: unknown };
  if (typeof spec.k10ClusterRole !== 'string' || !spec.k10ClusterRole) return held(label, 'spec.k10ClusterRole is required');
  const { subjects, error } = normalizeSubjects(spec.subjects);
  if (error) return held(label, error);
  const roleBinding: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `${LAB_K10.bindingPrefix}${name}`, namespace: K10_NAMESPACE, labels: { [label.key]: label.value } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: spec.k10ClusterRole },
    subjects,
  };
  const ensure = isK10ClusterRole(spec.k10ClusterRole) ? [k10ClusterRoleObject(spec.k10ClusterRole)] : [];
  return { key: bundleKey(label), rev: revision(binding, [roleBinding, ensure]), label, objects: [roleBinding], ensure };
}

/** The plan of one Distribution or K10ClusterRoleBinding against the fleet's live Clusters. */
export function planFor(store: ObjectStore, rt: ResourceType, obj: KubeObject, clusters: readonly KubeObject[]): Plan {
  const bundle = rt === RT.distribution ? distributionBundle(store, obj) : bindingBundle(obj);
  const chosen = selectTargets((obj.spec as { clusters?: unknown } | undefined)?.clusters, clusters);
  const plan: Plan = { rt, name: obj.metadata.name!, bundle, targets: chosen.targets, targetSet: new Set(chosen.targets), unknown: chosen.unknown };
  if (chosen.error) {
    plan.error = chosen.error;
    plan.bundle = held(bundle.label, chosen.error);
  }
  return plan;
}

/** The bundles one cluster should hold: its targeted ones, plus held ones (which freeze whatever it has). */
export function bundlesFor(plans: readonly Plan[], cluster: string): Bundle[] {
  return plans.filter((p) => p.error || p.targetSet.has(cluster)).map((p) => p.bundle);
}

function upsert(store: ObjectStore, rt: ResourceType, obj: KubeObject): void {
  const { namespace, name } = obj.metadata;
  const current = store.get(rt, namespace, name!);
  if (!current) {
    store.create(rt, obj);
    return;
  }
  // Fields the server will not change in place: replace the object.
  const replace =
    current.immutable === true ||
    (rt === RT.secret && (current.type ?? 'Opaque') !== (obj.type ?? 'Opaque')) ||
    (rt === RT.roleBinding && JSON.stringify(current.roleRef) !== JSON.stringify(obj.roleRef));
  if (replace) {
    store.delete(rt, namespace, name!);
    store.create(rt, obj);
    return;
  }
  store.mutate(rt, namespace, name!, (draft) => {
    const next: KubeObject = { ...obj, metadata: { ...draft.metadata, labels: obj.metadata.labels } };
    if (obj.metadata.annotations) next.metadata.annotations = obj.metadata.annotations;
    else delete next.metadata.annotations;
    if (draft.status !== undefined) next.status = draft.status;
    return next;
  });
}

/**
 * Makes a target's kasten-io hold exactly a bundle's objects: creates or
 * overwrites them, deletes the copies it put there before that it no longer
 * lists. Returns what went wrong, if anything; never throws.
 */
export function applyBundle(store: ObjectStore, bundle: Bundle): string | undefined {
  if (bundle.hold) return undefined;
  const problems: string[] = [];
  for (const obj of bundle.ensure ?? []) {
    const rt = resourceByKind(obj.apiVersion, obj.kind);
    if (!rt || store.get(rt, obj.metadata.namespace, obj.metadata.name!)) continue;
    try {
      store.create(rt, obj);
    } catch (err) {
      if (!isAlreadyExists(err)) problems.push(`${obj.kind} ${obj.metadata.name}: ${errorMessage(err)}`);
    }
  }
  const wanted = new Set<string>();
  for (const obj of bundle.objects) {
    const rt = resourceByKind(obj.apiVersion, obj.kind);
    if (!rt || !MANAGED.includes(rt)) {
      problems.push(`${obj.kind} ${obj.metadata.name}: not a kind K10 distributes`);
      continue;
    }
    wanted.add(`${obj.kind}/${obj.metadata.name}`);
    try {
      upsert(store, rt, { ...obj, metadata: { ...obj.metadata, namespace: K10_NAMESPACE } });
    } catch (err) {
      problems.push(`${obj.kind} ${obj.metadata.name}: ${errorMessage(err)}`);
    }
  }
  const mine = (o: KubeObject) => o.metadata.labels?.[bundle.label.key] === bundle.label.value;
  for (const rt of MANAGED) {
    for (const obj of store.list(rt, { namespace: K10_NAMESPACE, filter: mine }).items) {
      if (!wanted.has(`${obj.kind}/${obj.metadata.name}`)) removeCopy(store, rt, obj, problems);
    }
  }
  return problems.length ? problems.join('; ') : undefined;
}

/** Deletes every copy in kasten-io whose bundle is not in `keep` (a target no longer targeted, a source removed). */
export function pruneBundles(store: ObjectStore, keep: ReadonlySet<string>): string | undefined {
  const problems: string[] = [];
  const stale = (o: KubeObject) =>
    COPY_LABELS.some((key) => {
      const value = o.metadata.labels?.[key];
      return value !== undefined && !keep.has(`${key}=${value}`);
    });
  for (const rt of MANAGED) {
    for (const obj of store.list(rt, { namespace: K10_NAMESPACE, filter: stale }).items) removeCopy(store, rt, obj, problems);
  }
  return problems.length ? problems.join('; ') : undefined;
}

function removeCopy(store: ObjectStore, rt: ResourceType, obj: KubeObject, problems: string[]): void {
  try {
    store.delete(rt, K10_NAMESPACE, obj.metadata.name!);
  } catch (err) {
    if (!isNotFound(err)) problems.push(`${obj.kind} ${obj.metadata.name}: ${errorMessage(err)}`);
  }
}
