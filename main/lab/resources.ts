/**
 * The resource types the lab API server serves: the core kinds a fleet tool
 * touches plus every Kasten kind in KASTEN-MC.md. Discovery, OpenAPI, tables,
 * RBAC and the store are all driven from this one list.
 */
import { KASTEN_GROUPS } from '../../shared/kasten/kinds.js';

/** A `kubectl get` column beyond NAME (first) and AGE (last). */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  /** Dotted path into the object, e.g. `status.phase`; or a function. */
  value: string | ((obj: KubeObject) => unknown);
  /** Shown only with `-o wide`. */
  priority?: 0 | 1;
}

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** Has a `/status` subresource: the main resource ignores status changes. */
  statusSubresource?: boolean;
  /** Served by the real server with strategic-merge-patch support. */
  strategicMerge?: boolean;
  /** Create/get/list/… only; e.g. selfsubjectreviews accept create alone. */
  verbs: string[];
  columns?: TableColumn[];
  /** Top-level fields a strict decoder accepts besides apiVersion/kind/metadata. */
  topLevelFields?: string[];
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: unknown[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function kasten(group: string, kind: string, plural: string, extra: Partial<ResourceType> = {}): ResourceType {
  return {
    group,
    version: 'v1alpha1',
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced: true,
    verbs: RW,
    categories: ['k10'],
    topLevelFields: ['spec', 'status'],
    statusSubresource: true,
    ...extra,
  };
}

const actionColumns: TableColumn[] = [
  { name: 'State', type: 'string', value: 'status.state' },
];

export const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', singular: 'namespace', namespaced: false,
    shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], statusSubresource: true,
    strategicMerge: true, topLevelFields: ['spec', 'status'],
    columns: [{ name: 'Status', type: 'string', value: 'status.phase' }],
  },
  {
    group: '', version: 'v1', kind: 'Secret', plural: 'secrets', singular: 'secret', namespaced: true,
    verbs: RW, strategicMerge: true, topLevelFields: ['data', 'stringData', 'type', 'immutable'],
    columns: [
      { name: 'Type', type: 'string', value: 'type' },
      { name: 'Data', type: 'integer', value: (o) => Object.keys((o.data as object | undefined) ?? {}).length },
    ],
  },
  {
    group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', singular: 'configmap', namespaced: true,
    shortNames: ['cm'], verbs: RW, strategicMerge: true, topLevelFields: ['data', 'binaryData', 'immutable'],
    columns: [
      { name: 'Data', type: 'integer', value: (o) => Object.keys((o.data as object | undefined) ?? {}).length + Object.keys((o.binaryData as object | undefined) ?? {}).length },
    ],
  },
  {
    group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', singular: 'serviceaccount', namespaced: true,
    shortNames: ['sa'], verbs: RW, strategicMerge: true, topLevelFields: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
    columns: [{ name: 'Secrets', type: 'integer', value: (o) => ((o.secrets as unknown[] | undefined) ?? []).length }],
  },
  {
    group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', singular: 'deployment', namespaced: true,
    shortNames: ['deploy'], categories: ['all'], verbs: RW, statusSubresource: true, strategicMerge: true, topLevelFields: ['spec', 'status'],
    columns: [
      { name: 'Ready', type: 'string', value: (o) => `${num(o, 'status.readyReplicas')}/${num(o, 'spec.replicas', 1)}` },
      { name: 'Up-to-date', type: 'integer', value: (o) => num(o, 'status.updatedReplicas') },
      { name: 'Available', type: 'integer', value: (o) => num(o, 'status.availableReplicas') },
    ],
  },
  {
    group: 'networking.k8s.io', version: 'v1', kind: 'Ingress', plural: 'ingresses', singular: 'ingress', namespaced: true,
    shortNames: ['ing'], verbs: RW, statusSubresource: true, strategicMerge: true, topLevelFields: ['spec', 'status'],
    // As kube-apiserver prints them (pkg/printers/internalversion, printIngress), server-side so `wide`: no address cut short.
    columns: [
      { name: 'Class', type: 'string', value: (o) => (o.spec as IngressLike['spec'])?.ingressClassName ?? '<none>' },
      { name: 'Hosts', type: 'string', value: (o) => ingressHosts((o.spec as IngressLike['spec'])?.rules ?? []) },
      { name: 'Address', type: 'string', value: (o) => ingressAddresses(o as IngressLike) },
      { name: 'Ports', type: 'string', value: (o) => (((o.spec as IngressLike['spec'])?.tls ?? []).length ? '80, 443' : '80') },
    ],
  },
  {
    group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', singular: 'role', namespaced: true,
    verbs: RW, strategicMerge: true, topLevelFields: ['rules'],
    columns: [{ name: 'Created At', type: 'date', value: 'metadata.creationTimestamp' }],
  },
  {
    group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false,
    verbs: RW, strategicMerge: true, topLevelFields: ['rules', 'aggregationRule'],
    columns: [{ name: 'Created At', type: 'date', value: 'metadata.creationTimestamp' }],
  },
  {
    group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', singular: 'rolebinding', namespaced: true,
    verbs: RW, strategicMerge: true, topLevelFields: ['subjects', 'roleRef'],
    columns: [{ name: 'Role', type: 'string', value: (o) => `${(o.roleRef as { kind?: string })?.kind}/${(o.roleRef as { name?: string })?.name}` }],
  },
  {
    group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', singular: 'clusterrolebinding', namespaced: false,
    verbs: RW, strategicMerge: true, topLevelFields: ['subjects', 'roleRef'],
    columns: [{ name: 'Role', type: 'string', value: (o) => `${(o.roleRef as { kind?: string })?.kind}/${(o.roleRef as { name?: string })?.name}` }],
  },
  {
    group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', singular: 'selfsubjectreview', namespaced: false,
    verbs: ['create'], topLevelFields: ['status'],
  },
  {
    group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', singular: 'selfsubjectaccessreview', namespaced: false,
    verbs: ['create'], topLevelFields: ['spec', 'status'],
  },
  {
    group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', singular: 'selfsubjectrulesreview', namespaced: false,
    verbs: ['create'], topLevelFields: ['spec', 'status'],
  },
  kasten(KASTEN_GROUPS.dist, 'Bootstrap', 'bootstraps'),
  kasten(KASTEN_GROUPS.dist, 'Cluster', 'clusters', {
    columns: [
      { name: 'Type', type: 'string', value: (o) => o.metadata.labels?.['dist.kio.kasten.io/cluster-type'] ?? '' },
      { name: 'Ingress', type: 'string', value: 'spec.k10.ingress.url', priority: 1 },
    ],
  }),
  kasten(KASTEN_GROUPS.dist, 'Distribution', 'distributions', {
    columns: [{ name: 'State', type: 'string', value: 'status.state' }],
  }),
  kasten(KASTEN_GROUPS.config, 'Profile', 'profiles'),
  kasten(KASTEN_GROUPS.config, 'Policy', 'policies', {
    columns: [
      { name: 'Frequency', type: 'string', value: 'spec.frequency' },
      { name: 'Paused', type: 'string', value: (o) => String(Boolean((o.spec as { paused?: boolean } | undefined)?.paused)) },
    ],
  }),
  kasten(KASTEN_GROUPS.auth, 'K10ClusterRoleBinding', 'k10clusterrolebindings', {
    columns: [{ name: 'Role', type: 'string', value: 'spec.k10ClusterRole' }],
  }),
  kasten(KASTEN_GROUPS.auth, 'K10ClusterRole', 'k10clusterroles'),
  kasten(KASTEN_GROUPS.apps, 'Application', 'applications'),
  kasten(KASTEN_GROUPS.apps, 'RestorePoint', 'restorepoints'),
  kasten(KASTEN_GROUPS.actions, 'RunAction', 'runactions', { columns: actionColumns }),
  kasten(KASTEN_GROUPS.actions, 'BackupAction', 'backupactions', { columns: actionColumns }),
  kasten(KASTEN_GROUPS.actions, 'ExportAction', 'exportactions', { columns: actionColumns }),
  kasten(KASTEN_GROUPS.actions, 'RestoreAction', 'restoreactions', { columns: actionColumns }),
];

/** The parts of an Ingress the table reads. */
interface IngressLike {
  spec?: { ingressClassName?: string; rules?: { host?: string }[]; tls?: unknown[] };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** HOSTS: the rules' hosts, three at most, `*` when none names one. */
function ingressHosts(rules: { host?: string }[]): string {
  const max = 3;
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === max) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (!list.length) return '*';
  return more ? `${list.join(',')} + ${rules.length - max} more...` : list.join(',');
}

/** ADDRESS: each load-balancer entry's IP, else its hostname; sorted, no repeats. */
function ingressAddresses(o: IngressLike): string {
  const set = new Set<string>();
  for (const e of o.status?.loadBalancer?.ingress ?? []) {
    if (e.ip) set.add(e.ip);
    else if (e.hostname) set.add(e.hostname);
  }
  return [...set].sort().join(',');
}

function num(obj: KubeObject, path: string, fallback = 0): number {
  const v = getPath(obj, path);
  return typeof v === 'number' ? v : fallback;
}

/** Reads a dotted path (`status.phase`) from an object; undefined when absent. */
export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function apiVersionOf(rt: Pick<ResourceType, 'group' | 'version'>): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

const byPath = new Map<string, ResourceType>();
const byKind = new Map<string, ResourceType>();
for (const rt of RESOURCE_TYPES) {
  byPath.set(`${rt.group}/${rt.version}/${rt.plural}`, rt);
  byKind.set(`${apiVersionOf(rt)}/${rt.kind}`, rt);
}

/** The type served at `/api/v1/<plural>` or `/apis/<group>/<version>/<plural>`. */
export function resourceByPath(group: string, version: string, plural: string): ResourceType | undefined {
  return byPath.get(`${group}/${version}/${plural}`);
}

/** The type of an object from its apiVersion and kind. */
export function resourceByKind(apiVersion: string, kind: string): ResourceType | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}

/** Every served group with its versions (one each here), core group excluded. */
export function servedGroups(): { group: string; version: string }[] {
  const seen = new Map<string, string>();
  for (const rt of RESOURCE_TYPES) if (rt.group && !seen.has(rt.group)) seen.set(rt.group, rt.version);
  return [...seen].map(([group, version]) => ({ group, version }));
}
