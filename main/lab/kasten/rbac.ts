/**
 * The RBAC objects K10's multi-cluster manager relies on: the K10ClusterRoles
 * a primary defines, the `k10-mc-admin` ClusterRole and its RoleBinding, and
 * the ClusterRoles a K10ClusterRoleBinding refers to on each target. Kasten
 * documents the names, not the rules; these rules are our judgement of what
 * each role is for.
 */
import {
  K10_CLUSTER_ROLES,
  K10_NAMESPACE,
  KASTEN_GROUPS,
  MC_ADMIN_CLUSTER_ROLE,
  MC_ADMIN_GROUP,
  MC_ADMIN_ROLE_BINDING,
  MC_NAMESPACE,
} from '../../../shared/kasten/kinds.js';
import type { KubeObject } from '../resources.js';

const READ = ['get', 'list', 'watch'];
const RBAC = 'rbac.authorization.k8s.io';

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export type K10ClusterRoleName = (typeof K10_CLUSTER_ROLES)[number];

/** What each K10 cluster role allows on a cluster's K10 (in kasten-io and application namespaces). */
export const K10_ROLE_RULES: Record<K10ClusterRoleName, PolicyRule[]> = {
  // Everything K10 serves: run, restore, configure.
  'k10-multi-cluster-admin': [
    { apiGroups: [KASTEN_GROUPS.actions, KASTEN_GROUPS.apps, KASTEN_GROUPS.config, 'reporting.kio.kasten.io', 'repositories.kio.kasten.io'], resources: ['*'], verbs: ['*'] },
    { apiGroups: [''], resources: ['namespaces'], verbs: READ },
  ],
  // See everything and start backups and exports, but change no configuration.
  'k10-multi-cluster-basic': [
    { apiGroups: [KASTEN_GROUPS.actions], resources: ['backupactions', 'exportactions', 'runactions'], verbs: ['create', ...READ] },
    { apiGroups: [KASTEN_GROUPS.actions], resources: ['*'], verbs: READ },
    { apiGroups: [KASTEN_GROUPS.apps], resources: ['*'], verbs: READ },
    { apiGroups: [KASTEN_GROUPS.config], resources: ['policies'], verbs: READ },
  ],
  // Read configuration only: profiles, policies and the like.
  'k10-multi-cluster-config-view': [{ apiGroups: [KASTEN_GROUPS.config], resources: ['*'], verbs: READ }],
};

export function isK10ClusterRole(name: string): name is K10ClusterRoleName {
  return (K10_CLUSTER_ROLES as readonly string[]).includes(name);
}

/** The ClusterRole that backs a K10 cluster role on a target. */
export function k10ClusterRoleObject(name: K10ClusterRoleName): KubeObject {
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRole',
    metadata: { name, labels: { 'app.kubernetes.io/name': 'k10', 'app.kubernetes.io/component': 'multicluster' } },
    rules: K10_ROLE_RULES[name],
  };
}

/** The K10ClusterRoles a primary holds in kasten-io-mc: the same rules, as K10 objects. */
export function k10ClusterRoleDefinitions(): KubeObject[] {
  return K10_CLUSTER_ROLES.map((name) => ({
    apiVersion: `${KASTEN_GROUPS.auth}/v1alpha1`,
    kind: 'K10ClusterRole',
    metadata: { name, namespace: MC_NAMESPACE },
    spec: { rules: K10_ROLE_RULES[name] },
  }));
}

/** `k10-mc-admin` (everything on config/dist/auth.kio.kasten.io and secrets) and its binding to `k10:admins`. [doc] */
export function mcAdminObjects(): { clusterRole: KubeObject; roleBinding: KubeObject } {
  return {
    clusterRole: {
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRole',
      metadata: { name: MC_ADMIN_CLUSTER_ROLE },
      rules: [
        { apiGroups: [KASTEN_GROUPS.config, KASTEN_GROUPS.dist, KASTEN_GROUPS.auth], resources: ['*'], verbs: ['*'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['*'] },
      ],
    },
    roleBinding: {
      apiVersion: `${RBAC}/v1`,
      kind: 'RoleBinding',
      metadata: { name: MC_ADMIN_ROLE_BINDING, namespace: MC_NAMESPACE },
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: MC_ADMIN_CLUSTER_ROLE },
      subjects: [{ apiGroup: RBAC, kind: 'Group', name: MC_ADMIN_GROUP }],
    },
  };
}

/** RBAC subjects as a RoleBinding wants them: apiGroup filled in for users and groups. */
export function normalizeSubjects(subjects: unknown): { subjects: Record<string, string>[]; error?: string } {
  if (subjects === undefined) return { subjects: [] };
  if (!Array.isArray(subjects)) return { subjects: [], error: 'spec.subjects must be a list' };
  const out: Record<string, string>[] = [];
  for (const [i, s] of subjects.entries()) {
    const subj = s as Record<string, unknown> | null;
    if (!subj || typeof subj.kind !== 'string' || typeof subj.name !== 'string' || !subj.name) {
      return { subjects: [], error: `spec.subjects[${i}] needs a kind and a name` };
    }
    if (subj.kind === 'ServiceAccount') {
      out.push({ kind: 'ServiceAccount', name: subj.name, namespace: typeof subj.namespace === 'string' ? subj.namespace : K10_NAMESPACE });
    } else {
      out.push({ apiGroup: RBAC, kind: subj.kind, name: subj.name });
    }
  }
  return { subjects: out };
}
