/**
 * What a Kubernetes API request asks for, in RBAC's terms (verb, group,
 * resource, namespace, name), read from its method and path. Error messages
 * use it to say exactly what a 403 refused or what a 404 did not find,
 * without every caller having to describe its own requests.
 */

export interface RequestAttributes {
  /** RBAC verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  /** '' for the core group; undefined for non-resource paths such as /version. */
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** The path itself, for non-resource requests (`/version`, `/apis`). */
  nonResourcePath?: string;
}

const VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

/**
 * Parses `/api/v1/namespaces/ns/secrets/name` or
 * `/apis/group/version/[namespaces/ns/]plural[/name[/sub]]` into RBAC terms.
 * Discovery and other paths are non-resource requests (verb `get`).
 */
export function requestAttributes(method: string, path: string, query?: URLSearchParams | Record<string, unknown>): RequestAttributes {
  const upper = method.toUpperCase();
  const clean = path.split('?')[0].replace(/\/+$/, '') || '/';
  const parts = clean.split('/').filter(Boolean);
  let rest: string[];
  let group: string;
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1];
    rest = parts.slice(3);
  } else {
    return { verb: upper === 'GET' || upper === 'HEAD' ? 'get' : upper.toLowerCase(), nonResourcePath: clean };
  }
  if (rest.length === 0) return { verb: 'get', nonResourcePath: clean };
  let namespace: string | undefined;
  // `namespaces/<ns>/<plural>…` is namespaced; `namespaces` or `namespaces/<ns>` alone is the Namespace resource.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  const watching = isWatch(query);
  let verb: string;
  if (upper === 'GET' || upper === 'HEAD') verb = watching ? 'watch' : name ? 'get' : 'list';
  else if (upper === 'DELETE') verb = name ? 'delete' : 'deletecollection';
  else verb = VERBS[upper] ?? upper.toLowerCase();
  return { verb, group, resource, ...(subresource ? { subresource } : {}), ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) };
}

function isWatch(query: URLSearchParams | Record<string, unknown> | undefined): boolean {
  if (!query) return false;
  const v = query instanceof URLSearchParams ? query.get('watch') : query.watch;
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** "list secrets in namespace kasten-io", "get version", "create selfsubjectreviews.authentication.k8s.io". */
export function describeAttributes(a: RequestAttributes): string {
  if (a.nonResourcePath) return `${a.verb} ${a.nonResourcePath}`;
  const what = a.group ? `${a.resource}.${a.group}` : (a.resource ?? 'resources');
  const sub = a.subresource ? `/${a.subresource}` : '';
  const target = a.name ? `${what}${sub} "${a.name}"` : `${what}${sub}`;
  return `${a.verb} ${target}${a.namespace ? ` in namespace ${a.namespace}` : ''}`;
}
