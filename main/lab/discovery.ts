/**
 * Discovery documents of the lab API server, built from RESOURCE_TYPES in
 * the shapes kube-apiserver 1.31 sends: `/version`, the legacy `/api`,
 * `/apis`, `/api/v1`, `/apis/<group>/<version>`, and aggregated discovery
 * (`apidiscovery.k8s.io` v2 and v2beta1) on `/api` and `/apis`, which
 * kubectl and client-go ask for first and, when they get it, use instead of
 * one request per group-version.
 */
import { createHash } from 'node:crypto';
import { RESOURCE_TYPES, apiVersionOf, servedGroups, type ResourceType } from './resources.js';

/**
 * The Kubernetes version the lab claims: within the supported skew (±1 minor)
 * of kubectl 1.30 to 1.32, so `kubectl version` prints no skew warning. (The
 * gcloud kubectl dispatcher, where installed as kubectl, runs its 1.31.)
 */
export const LAB_KUBERNETES_VERSION = 'v1.31.0-lab';

/** `GET /version`. */
export function versionInfo(): Record<string, string> {
  const [major, minor] = LAB_KUBERNETES_VERSION.slice(1).split('.');
  return {
    major,
    minor,
    gitVersion: LAB_KUBERNETES_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-08-13T07:28:49Z',
    goVersion: 'go1.22.5',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** `GET /api` (legacy): the core versions and where clients reach the server. */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupEntry({ group, version }: { group: string; version: string }): object {
  const gv = { groupVersion: `${group}/${version}`, version };
  return { name: group, versions: [gv], preferredVersion: gv };
}

/** `GET /apis` (legacy): every non-core group with its one, preferred, version. */
export function apiGroupList(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: servedGroups().map(groupEntry),
  };
}

/** `GET /apis/<group>`: the group with its versions; undefined for a group that is not served. */
export function apiGroup(name: string): object | undefined {
  const served = servedGroups().find((g) => g.group === name);
  return served && { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(served) };
}

/** What kube-apiserver puts in `storageVersionHash`: 8 bytes of SHA-256 of group/version/kind. */
function storageVersionHash(rt: ResourceType): string {
  return createHash('sha256').update(`${rt.group}/${rt.version}/${rt.kind}`).digest().subarray(0, 8).toString('base64');
}

const STATUS_VERBS = ['get', 'patch', 'update'];

/** Types with storage; review kinds (create-only) have none and no hash. */
const isStored = (rt: ResourceType) => rt.verbs.includes('get');

function typesOf(group: string, version: string): ResourceType[] {
  return RESOURCE_TYPES.filter((rt) => rt.group === group && rt.version === version).sort((a, b) => a.plural.localeCompare(b.plural));
}

/**
 * `GET /api/v1` or `GET /apis/<group>/<version>`: an APIResourceList with a
 * `<plural>/status` entry for each type with a status subresource; undefined
 * for a group-version that is not served.
 */
export function apiResourceList(group: string, version: string): object | undefined {
  const types = typesOf(group, version);
  if (types.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    // The core list has no apiVersion on kube-apiserver; the group lists have.
    ...(group ? { apiVersion: 'v1' } : {}),
    groupVersion: apiVersionOf({ group, version }),
    resources: types.flatMap((rt) => [
      {
        name: rt.plural,
        singularName: rt.singular,
        namespaced: rt.namespaced,
        kind: rt.kind,
        verbs: rt.verbs,
        ...(rt.shortNames ? { shortNames: rt.shortNames } : {}),
        ...(rt.categories ? { categories: rt.categories } : {}),
        ...(isStored(rt) ? { storageVersionHash: storageVersionHash(rt) } : {}),
      },
      ...(rt.statusSubresource
        ? [{ name: `${rt.plural}/status`, singularName: '', namespaced: rt.namespaced, kind: rt.kind, verbs: STATUS_VERBS }]
        : []),
    ]),
  };
}

export type AggregatedVersion = 'v2' | 'v2beta1';

function discoveryGroup(group: string, version: string): object {
  return {
    metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
    versions: [
      {
        version,
        resources: typesOf(group, version).map((rt) => {
          const responseKind = { group: rt.group, version: rt.version, kind: rt.kind };
          return {
            resource: rt.plural,
            responseKind,
            scope: rt.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: rt.singular,
            verbs: rt.verbs,
            ...(rt.shortNames ? { shortNames: rt.shortNames } : {}),
            ...(rt.categories ? { categories: rt.categories } : {}),
            ...(rt.statusSubresource ? { subresources: [{ subresource: 'status', responseKind, verbs: STATUS_VERBS }] } : {}),
          };
        }),
        freshness: 'Current',
      },
    ],
  };
}

/** Aggregated discovery of `/api` (the core group) or `/apis` (every other group). */
export function aggregatedDiscovery(root: 'api' | 'apis', version: AggregatedVersion): object {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: root === 'api' ? [discoveryGroup('', 'v1')] : servedGroups().map((g) => discoveryGroup(g.group, g.version)),
  };
}

/** One media range of an Accept header: `type/subtype` in lower case, its parameters and quality. */
export interface MediaRange {
  type: string;
  params: Record<string, string>;
  q: number;
}

/**
 * The media ranges of an Accept header that the client accepts at all
 * (q > 0), best first: by quality, then in the order the client gave them.
 * Shared by every endpoint that negotiates (discovery, tables, OpenAPI v2).
 */
export function acceptedMediaTypes(accept: string | undefined): MediaRange[] {
  return (accept ?? '')
    .split(',')
    .map((range) => {
      const [type = '', ...rest] = range.split(';').map((s) => s.trim());
      const params = Object.fromEntries(rest.map((p) => p.split('=').map((s) => s.trim())));
      const q = params.q === undefined ? 1 : Number(params.q);
      return { type: type.toLowerCase(), params, q: Number.isNaN(q) ? 0 : q };
    })
    .filter((r) => r.type && r.q > 0)
    .map((r, index) => ({ r, index }))
    .sort((a, b) => b.r.q - a.r.q || a.index - b.index)
    .map(({ r }) => r);
}

export type DiscoveryFormat =
  | { kind: 'aggregated'; version: AggregatedVersion; contentType: string }
  | { kind: 'legacy'; contentType: 'application/json' };

const LEGACY: DiscoveryFormat = { kind: 'legacy', contentType: 'application/json' };

/**
 * Which discovery document answers `/api` or `/apis` for this Accept header,
 * and the Content-Type to send: client-go takes the body as aggregated only
 * when the Content-Type carries `g=apidiscovery.k8s.io;v=…;as=APIGroupDiscoveryList`.
 * Anything unrecognised (or no header at all) gets the legacy JSON, as curl expects.
 */
export function negotiateDiscovery(accept: string | undefined): DiscoveryFormat {
  for (const { type, params } of acceptedMediaTypes(accept)) {
    if (type === 'application/json' && params.g === 'apidiscovery.k8s.io' && params.as === 'APIGroupDiscoveryList') {
      if (params.v === 'v2' || params.v === 'v2beta1') {
        return { kind: 'aggregated', version: params.v, contentType: `application/json;g=apidiscovery.k8s.io;v=${params.v};as=APIGroupDiscoveryList` };
      }
    } else if (!params.as && ['application/json', 'application/*', '*/*'].includes(type)) {
      return LEGACY;
    }
  }
  return LEGACY;
}

/**
 * The answer to a discovery path (`/version`, `/api`, `/apis`, `/api/v1`,
 * `/apis/<group>`, `/apis/<group>/<version>`), negotiated on `accept`;
 * undefined for any other path. `serverAddress` is what `/api` reports in
 * `serverAddressByClientCIDRs` (`127.0.0.1:<port>`); clients do not use it.
 */
export function discoveryResponse(
  path: string,
  accept: string | undefined,
  serverAddress = '127.0.0.1:6443',
): { body: object; contentType?: string } | undefined {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 1 && parts[0] === 'version') return { body: versionInfo() };
  if (parts.length === 1 && (parts[0] === 'api' || parts[0] === 'apis')) {
    const format = negotiateDiscovery(accept);
    if (format.kind === 'aggregated') return { body: aggregatedDiscovery(parts[0], format.version), contentType: format.contentType };
    return { body: parts[0] === 'api' ? apiVersions(serverAddress) : apiGroupList() };
  }
  if (parts[0] === 'api' && parts.length === 2) {
    const list = apiResourceList('', parts[1]);
    return list && { body: list };
  }
  if (parts[0] === 'apis' && parts.length === 2) {
    const group = apiGroup(parts[1]);
    return group && { body: group };
  }
  if (parts[0] === 'apis' && parts.length === 3) {
    const list = apiResourceList(parts[1], parts[2]);
    return list && { body: list };
  }
  return undefined;
}
