/**
 * Reading and writing the Kasten multi-cluster objects on one cluster
 * (KASTEN-MC.md) over a ClusterClient: their paths, get-or-nothing,
 * create-or-replace, delete-if-there, and `waitFor`, which lists a
 * collection and watches it until a condition holds (never a polling loop).
 */
import { AppError } from '../../shared/contract/index.js';
import { JOIN_OBJECTS, K10_NAMESPACE, KASTEN_GROUPS, KASTEN_VERSION, LABELS, MC_NAMESPACE } from '../../shared/kasten/kinds.js';
import type { ClusterClient } from '../kube/cluster-client.js';
import { httpStatusOf } from '../kube/errors.js';
import { Informer, type KubeObject } from '../kube/informer.js';

export type { KubeObject };

const distPath = (plural: string, name?: string) => `/apis/${KASTEN_GROUPS.dist}/${KASTEN_VERSION}/namespaces/${MC_NAMESPACE}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
const authPath = (plural: string, name?: string) => `/apis/${KASTEN_GROUPS.auth}/${KASTEN_VERSION}/namespaces/${MC_NAMESPACE}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
const core = (ns: string, plural: string, name?: string) => `/api/v1/namespaces/${ns}/${plural}${name ? `/${encodeURIComponent(name)}` : ''}`;

/** Where each object lives. */
export const PATHS = {
  namespaces: '/api/v1/namespaces',
  namespace: (name: string) => `/api/v1/namespaces/${encodeURIComponent(name)}`,
  bootstraps: (name?: string) => distPath('bootstraps', name),
  clusters: (name?: string) => distPath('clusters', name),
  k10ClusterRoleBindings: (name?: string) => authPath('k10clusterrolebindings', name),
  mcSecrets: (name?: string) => core(MC_NAMESPACE, 'secrets', name),
  k10Secrets: (name?: string) => core(K10_NAMESPACE, 'secrets', name),
  k10ConfigMaps: (name?: string) => core(K10_NAMESPACE, 'configmaps', name),
  k10ServiceAccounts: (name?: string) => core(K10_NAMESPACE, 'serviceaccounts', name),
  k10Deployments: `/apis/apps/v1/namespaces/${K10_NAMESPACE}/deployments`,
  mcRoleBindings: (name?: string) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${MC_NAMESPACE}/rolebindings${name ? `/${encodeURIComponent(name)}` : ''}`,
  distGroup: `/apis/${KASTEN_GROUPS.dist}/${KASTEN_VERSION}`,
  selfSubjectReview: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
  selfSubjectAccessReview: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
} as const;

/** The object at `path`, or undefined when there is none (404). */
export async function getObject<T extends KubeObject = KubeObject>(client: ClusterClient, path: string): Promise<T | undefined> {
  try {
    return await client.request<T>({ path });
  } catch (err) {
    if (httpStatusOf(err) === 404) return undefined;
    throw err;
  }
}

export async function listObjects<T extends KubeObject = KubeObject>(client: ClusterClient, path: string, query?: { labelSelector?: string; fieldSelector?: string }): Promise<T[]> {
  try {
    return (await client.list<T>(path, { query })).items;
  } catch (err) {
    // A namespace or a kind that is not there holds nothing.
    if (httpStatusOf(err) === 404) return [];
    throw err;
  }
}

export function createObject<T extends KubeObject = KubeObject>(client: ClusterClient, collection: string, body: KubeObject): Promise<T> {
  return client.request<T>({ method: 'POST', path: collection, body });
}

/**
 * Creates the object, or replaces the one of the same name (keeping its
 * resourceVersion, so a concurrent change is a 409, not a silent overwrite).
 * Returns whether it was created.
 */
export async function createOrReplace(client: ClusterClient, collection: string, body: KubeObject & { metadata: { name: string } }): Promise<'created' | 'replaced'> {
  const itemPath = `${collection}/${encodeURIComponent(body.metadata.name)}`;
  const existing = await getObject(client, itemPath);
  if (!existing) {
    await createObject(client, collection, body);
    return 'created';
  }
  await client.request({ method: 'PUT', path: itemPath, body: { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion } } });
  return 'replaced';
}

/** Deletes the object if it is there; returns whether there was one. */
export async function deleteIfPresent(client: ClusterClient, path: string): Promise<boolean> {
  try {
    await client.request({ method: 'DELETE', path });
    return true;
  } catch (err) {
    if (httpStatusOf(err) === 404) return false;
    throw err;
  }
}

export function mergePatch<T extends KubeObject = KubeObject>(client: ClusterClient, path: string, patch: unknown): Promise<T> {
  return client.request<T>({ method: 'PATCH', path, body: patch, contentType: 'application/merge-patch+json' });
}

/** Creates a namespace unless it exists. */
export async function ensureNamespace(client: ClusterClient, name: string): Promise<'created' | 'existed'> {
  try {
    await createObject(client, PATHS.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return 'created';
  } catch (err) {
    if (httpStatusOf(err) === 409) return 'existed';
    throw err;
  }
}

/** A Secret's string data (base64 decoded). */
export function secretString(obj: KubeObject | undefined, key: string): string | undefined {
  const v = (obj?.data as Record<string, string> | undefined)?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined;
}

export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/**
 * Lists `path` and follows it with a watch until `check` over the objects
 * answers something (returned) or `timeoutMs` passes (undefined). The
 * watch resumes across dropped connections (Informer); errors that will
 * not fix themselves (403, 401) end the wait with that error.
 */
export async function waitFor<T>(
  client: ClusterClient,
  path: string,
  check: (objects: KubeObject[]) => T | undefined,
  opts: { timeoutMs: number; fieldSelector?: string; labelSelector?: string; signal?: AbortSignal },
): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    let done = false;
    const informer: Informer<KubeObject> = new Informer<KubeObject>({
      client,
      path,
      fieldSelector: opts.fieldSelector,
      labelSelector: opts.labelSelector,
      project: (o) => o,
      backoff: { initialMs: 250, maxMs: 2_000 },
      onChange: () => evaluate(),
      onStatus: (s) => {
        if (s.state === 'absent') evaluate();
        if (s.state === 'error' && (s.error.code === 'FORBIDDEN' || s.error.code === 'UNAUTHORIZED')) finish(undefined, s.error);
      },
    });
    const finish = (value: T | undefined, error?: AppError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      void informer.stop();
      if (error) reject(error);
      else resolve(value);
    };
    const evaluate = () => {
      if (done) return;
      let value: T | undefined;
      try {
        value = check([...informer.values()]);
      } catch (err) {
        finish(undefined, err instanceof AppError ? err : new AppError('INTERNAL', String(err)));
        return;
      }
      if (value !== undefined) finish(value);
    };
    const onAbort = () => finish(undefined);
    const timer = setTimeout(() => finish(undefined), opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort);
    informer.start();
  });
}

/** What a cluster's Kasten objects say about its place in a multi-cluster system. */
export interface Membership {
  /** The primary's own Cluster object, when this cluster is a primary. */
  primary?: KubeObject;
  /** mc-cluster-info, when this cluster is a secondary. */
  clusterInfo?: { clusterName?: string; primaryName?: string; primaryIngress?: string };
  /** K10 is installed (its deployments or its multi-cluster API are there). */
  k10: boolean;
}

/** Reads whether a cluster is a primary, a secondary, or neither, and whether K10 is there. */
export async function readMembership(client: ClusterClient): Promise<Membership> {
  const [clusters, info, deployments, group] = await Promise.all([
    listObjects(client, PATHS.clusters(), { labelSelector: `${LABELS.clusterType}=primary` }),
    getObject(client, PATHS.k10Secrets(JOIN_OBJECTS.clusterInfo)),
    listObjects(client, PATHS.k10Deployments),
    getObject(client, PATHS.distGroup),
  ]);
  return {
    primary: clusters[0],
    ...(info
      ? { clusterInfo: { clusterName: secretString(info, 'clusterName'), primaryName: secretString(info, 'primaryName'), primaryIngress: secretString(info, 'primaryIngress') } }
      : {}),
    k10: deployments.length > 0 && group !== undefined,
  };
}
