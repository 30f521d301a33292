/**
 * RBAC as the real authorizer evaluates it, over the Roles, ClusterRoles and
 * bindings stored in the cluster: a request is allowed when any binding that
 * names the user (directly, through a group, or as a service account) refers
 * to a role with a matching rule. Nothing is denied by RBAC itself; the
 * forbidden message copies the real server's wording.
 */
import { ApiError } from './api-error.js';
import { RESOURCE_TYPES, type KubeObject } from './resources.js';
import type { ObjectStore } from './store.js';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
}

export interface ResourceAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface NonResourceAttributes {
  verb: string;
  path: string;
}

export type Attributes = ResourceAttributes | NonResourceAttributes;

export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind?: string;
  name?: string;
  namespace?: string;
}

const type = (plural: string) => RESOURCE_TYPES.find((rt) => rt.plural === plural)!;
const CLUSTER_ROLES = type('clusterroles');
const CLUSTER_ROLE_BINDINGS = type('clusterrolebindings');
const ROLES = type('roles');
const ROLE_BINDINGS = type('rolebindings');

/** Every authenticated user may read discovery, version and health, as with system:discovery. */
const PUBLIC_PATHS = [/^\/version\/?$/, /^\/api\/?$/, /^\/api\/v1\/?$/, /^\/apis(\/[^/]+){0,2}\/?$/, /^\/openapi\//, /^\/openapi$/, /^\/(healthz|livez|readyz)/];
/** Reviews of oneself are open to everyone authenticated. */
const SELF_REVIEWS = new Set(['selfsubjectreviews', 'selfsubjectaccessreviews', 'selfsubjectrulesreviews']);

function isResource(a: Attributes): a is ResourceAttributes {
  return 'resource' in a;
}

function subjectMatches(s: Subject, user: UserInfo, bindingNamespace?: string): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.username;
    case 'Group':
      return user.groups.includes(s.name ?? '');
    case 'ServiceAccount':
      return user.username === `system:serviceaccount:${s.namespace ?? bindingNamespace}:${s.name}`;
    default:
      return false;
  }
}

function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));
  if (!has(rule.verbs, a.verb)) return false;
  if (!isResource(a)) {
    return (rule.nonResourceURLs ?? []).some((u) => u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))));
  }
  if (!has(rule.apiGroups, a.group)) return false;
  const resources = rule.resources ?? [];
  const wanted = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk =
    resources.includes('*') ||
    resources.includes(wanted) ||
    (a.subresource !== undefined && resources.includes(`*/${a.subresource}`));
  if (!resourceOk) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (a.name !== undefined && names.includes(a.name));
}

export class Authorizer {
  constructor(private readonly store: ObjectStore) {}

  allowed(user: UserInfo, a: Attributes): boolean {
    if (user.groups.includes('system:masters')) return true;
    if (!isResource(a) && PUBLIC_PATHS.some((p) => p.test(a.path))) return true;
    if (isResource(a) && a.group.endsWith('.k8s.io') && SELF_REVIEWS.has(a.resource) && a.verb === 'create') return true;
    for (const rules of this.rulesFor(user, isResource(a) ? a.namespace : undefined)) {
      if (rules.some((r) => ruleAllows(r, a))) return true;
    }
    return false;
  }

  /**
   * Every rule that grants the user something in `namespace` (cluster-wide
   * grants included), with what every authenticated user may do, as a
   * SelfSubjectRulesReview lists them.
   */
  rules(user: UserInfo, namespace: string | undefined): PolicyRule[] {
    const everyone: PolicyRule[] = [
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      { verbs: ['get'], nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'] },
    ];
    const granted = user.groups.includes('system:masters')
      ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }]
      : [...this.rulesFor(user, namespace)].flat();
    return [...granted, ...everyone];
  }

  /** Throws the real server's 403 when `allowed` says no. */
  check(user: UserInfo, a: Attributes): void {
    if (!this.allowed(user, a)) throw forbidden(user, a);
  }

  /** Rule lists that apply to the user: cluster-wide ones, then the namespace's. */
  private *rulesFor(user: UserInfo, namespace: string | undefined): Generator<PolicyRule[]> {
    for (const b of this.store.list(CLUSTER_ROLE_BINDINGS).items) {
      if (!this.bindingNames(b, user)) continue;
      const role = this.store.get(CLUSTER_ROLES, undefined, roleRef(b).name);
      if (role) yield rulesOf(role);
    }
    if (!namespace) return;
    for (const b of this.store.list(ROLE_BINDINGS, { namespace }).items) {
      if (!this.bindingNames(b, user)) continue;
      const ref = roleRef(b);
      const role = ref.kind === 'ClusterRole' ? this.store.get(CLUSTER_ROLES, undefined, ref.name) : this.store.get(ROLES, namespace, ref.name);
      if (role) yield rulesOf(role);
    }
  }

  private bindingNames(binding: KubeObject, user: UserInfo): boolean {
    const subjects = (binding.subjects as Subject[] | undefined) ?? [];
    return subjects.some((s) => subjectMatches(s, user, binding.metadata.namespace));
  }
}

function roleRef(binding: KubeObject): { kind: string; name: string } {
  const ref = (binding.roleRef as { kind?: string; name?: string } | undefined) ?? {};
  return { kind: ref.kind ?? 'ClusterRole', name: ref.name ?? '' };
}

function rulesOf(role: KubeObject): PolicyRule[] {
  return (role.rules as PolicyRule[] | undefined) ?? [];
}

/** `secrets "x" is forbidden: User "viewer" cannot create resource "secrets" in API group "" in the namespace "default"` */
export function forbidden(user: UserInfo, a: Attributes): ApiError {
  if (!isResource(a)) {
    return new ApiError(403, 'Forbidden', `forbidden: User "${user.username}" cannot ${a.verb} path "${a.path}"`);
  }
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const subject = a.name ? `${qualified} "${a.name}"` : qualified;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return new ApiError(
    403,
    'Forbidden',
    `${subject} is forbidden: User "${user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.group}" ${scope}`,
    { name: a.name, group: a.group || undefined, kind: a.resource },
  );
}
