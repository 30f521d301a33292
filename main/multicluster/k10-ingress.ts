/**
 * Finds the K10 ingress URL a cluster exposes, to pre-fill it when the
 * cluster is promoted to primary (or joins as a secondary). Only a
 * suggestion: the person confirms or corrects it, and nothing here is
 * required of a cluster.
 *
 * Where K10 is usually exposed:
 * - an Ingress in kasten-io: Kasten's Helm chart, with `ingress.create=true`,
 *   makes `<release>-ingress` with a path `/<release>/` (or `ingress.urlPath`)
 *   to the `gateway` service, the host from `ingress.host` and TLS from
 *   `ingress.tls.enabled`;
 * - on OpenShift, a Route in kasten-io (`route.enabled=true`), with a path
 *   `/<release>/` to `gateway`.
 *
 * How a URL is built from an Ingress path that leads to K10 (a path that
 * is `/<release>` or under it, or any path to the `gateway` service):
 * - host: the rule's host; without one (a rule for every host), each
 *   load-balancer entry of the status, by hostname, else IP. A wildcard
 *   host names no one host and gives nothing.
 * - scheme: https when `spec.tls` covers the host: an entry listing it (or
 *   a wildcard matching it), or an entry listing no hosts, which is TLS for
 *   the controller's default host; http otherwise. An http URL is still
 *   returned, with `secure: false`, so the caller can say that Kasten wants
 *   https between clusters.
 * - port: only for a host taken from a load-balancer entry that lists its
 *   ports (Kubernetes 1.26+): none when the scheme's own port (443, 80) is
 *   among them, else the first other one (not the other scheme's port). A
 *   rule's host is a DNS name for the standard ports.
 * - path: `/<release>`, or the gateway path without its trailing slash.
 *
 * So the lab fleet's `k10-ingress` (no host, `tls: [{}]`, status
 * `{ ip: 127.0.0.1, ports: [{ port: <api port> }] }`, see main/lab/ingress.ts)
 * gives exactly `https://127.0.0.1:<api port>/k10`, the lab's K10 URL.
 *
 * Best first: https before http; the chart's `<release>-ingress` (or
 * `<release>-route`) before other objects; a `/<release>` path before a
 * gateway path under another name.
 */
import { K10_NAMESPACE, K10_RELEASE } from '../../shared/kasten/kinds.js';
import { httpStatusOf } from '../kube/errors.js';

/** What this needs of a client: ClusterClient.list, structurally. */
export interface ListClient {
  list<T = Record<string, unknown>>(path: string, opts?: { signal?: AbortSignal; timeoutMs?: number }): Promise<{ items: T[] }>;
}

interface ServiceBackend {
  service?: { name?: string };
}

/** The parts of a networking.k8s.io/v1 Ingress read here. */
export interface IngressLike {
  metadata?: { name?: string; namespace?: string };
  spec?: {
    ingressClassName?: string;
    defaultBackend?: ServiceBackend;
    tls?: { hosts?: string[] | null; secretName?: string }[] | null;
    rules?: { host?: string; http?: { paths?: { path?: string; pathType?: string; backend?: ServiceBackend }[] | null } }[] | null;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string; ports?: { port?: number }[] | null }[] | null } };
}

/** The parts of an OpenShift route.openshift.io/v1 Route read here. */
export interface RouteLike {
  metadata?: { name?: string; namespace?: string };
  spec?: { host?: string; path?: string; to?: { kind?: string; name?: string }; tls?: { termination?: string } | null };
  status?: { ingress?: { host?: string }[] | null };
}

export interface K10UrlCandidate {
  /** `https://host[:port]/<release>`, no trailing slash. */
  url: string;
  /** Where it was found: `Ingress kasten-io/k10-ingress`. */
  source: string;
  /** https: false for an http URL, which Kasten refuses between clusters. */
  secure: boolean;
  /** Lower is better: 0 the chart's object and path, 1 the release's path elsewhere, 2 a path to the gateway service. */
  rank: number;
}

export interface K10IngressGuess {
  /** The best candidate, if any. */
  url?: string;
  source?: string;
  /** Set with `url`: false when the best found is plain http. */
  secure?: boolean;
  /** Every URL found, best first. */
  candidates: string[];
}

/** K10's API gateway, which every K10 ingress path leads to. [doc: Helm chart] */
const GATEWAY = 'gateway';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/k10`, `/k10/`, `/k10/*`, `/k10(/|$)(.*)`: a path at or under `/<release>`. */
function underRelease(path: string, release: string): boolean {
  return new RegExp(`^/${escapeRegExp(release)}(?:$|[/(])`).test(path);
}

/** A plain path (no regular expression) without trailing `/` or `/*`; undefined when it is a pattern. */
function plainPath(path: string): string | undefined {
  const p = path.replace(/\/\*$/, '').replace(/\/+$/, '');
  return /[()[\]{}|^$?*+\\]/.test(p) ? undefined : p;
}

function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (!pattern.startsWith('*.')) return false;
  const rest = host.indexOf('.');
  return rest > 0 && host.slice(rest + 1) === pattern.slice(2);
}

function tlsCovers(tls: { hosts?: string[] | null }[], host: string): boolean {
  return tls.some((t) => !t.hosts?.length || t.hosts.some((h) => hostMatches(h, host)));
}

function portFor(secure: boolean, ports: number[]): number | undefined {
  const own = secure ? 443 : 80;
  const other = secure ? 80 : 443;
  if (!ports.length || ports.includes(own)) return undefined;
  return ports.find((p) => p !== other);
}

function urlOf(secure: boolean, host: string, port: number | undefined, path: string): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host; // an IPv6 address
  return `${secure ? 'https' : 'http'}://${h}${port ? `:${port}` : ''}${path}`;
}

const isGateway = (b: ServiceBackend | undefined) => b?.service?.name === GATEWAY;

/**
 * Every K10 URL the Ingresses describe, best first (see the top of this
 * file for the rules). Pure.
 */
export function k10UrlsFromIngresses(items: readonly IngressLike[], release: string = K10_RELEASE): K10UrlCandidate[] {
  const out: K10UrlCandidate[] = [];
  for (const ing of items) {
    const name = ing.metadata?.name ?? '';
    const source = `Ingress ${ing.metadata?.namespace ?? K10_NAMESPACE}/${name}`;
    const chart = name === `${release}-ingress`;
    const tls = ing.spec?.tls ?? [];
    const balancers = ing.status?.loadBalancer?.ingress ?? [];

    const add = (ruleHost: string | undefined, path: string, rank: number) => {
      if (ruleHost) {
        if (ruleHost.includes('*')) return;
        out.push({ url: urlOf(tlsCovers(tls, ruleHost), ruleHost, undefined, path), source, secure: tlsCovers(tls, ruleHost), rank });
        return;
      }
      for (const lb of balancers) {
        const host = lb.hostname || lb.ip;
        if (!host) continue;
        // An IP is never listed in spec.tls (hosts are DNS names): only an entry without hosts covers it.
        const secure = tlsCovers(tls, host);
        const ports = (lb.ports ?? []).map((p) => p.port).filter((p): p is number => Number.isInteger(p) && p! > 0);
        out.push({ url: urlOf(secure, host, portFor(secure, ports), path), source, secure, rank });
      }
    };

    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const path = p.path || '/';
        if (underRelease(path, release)) add(rule.host, `/${release}`, chart ? 0 : 1);
        else if (isGateway(p.backend)) {
          const plain = plainPath(path);
          if (plain !== undefined) add(rule.host, plain, 2);
        }
      }
    }
    // Everything that no rule matches goes to the default backend: K10's gateway answers /<release>/.
    if (isGateway(ing.spec?.defaultBackend)) add(undefined, `/${release}`, 2);
  }
  return best(out);
}

/**
 * Every K10 URL the OpenShift Routes describe, best first: host from the
 * spec or the router's admitted host, https when the route terminates TLS,
 * path `/<release>` (or the gateway route's own). Pure.
 */
export function k10UrlsFromRoutes(items: readonly RouteLike[], release: string = K10_RELEASE): K10UrlCandidate[] {
  const out: K10UrlCandidate[] = [];
  for (const route of items) {
    const name = route.metadata?.name ?? '';
    const source = `Route ${route.metadata?.namespace ?? K10_NAMESPACE}/${name}`;
    const path = route.spec?.path || '/';
    const toGateway = (route.spec?.to?.kind ?? 'Service') === 'Service' && route.spec?.to?.name === GATEWAY;
    let urlPath: string | undefined;
    let rank = 2;
    if (underRelease(path, release)) {
      urlPath = `/${release}`;
      rank = name === `${release}-route` ? 0 : 1;
    } else if (toGateway) urlPath = plainPath(path);
    if (urlPath === undefined) continue;
    const hosts = route.spec?.host ? [route.spec.host] : (route.status?.ingress ?? []).map((i) => i.host).filter((h): h is string => !!h);
    const secure = !!route.spec?.tls?.termination;
    for (const host of hosts) if (!host.includes('*')) out.push({ url: urlOf(secure, host, undefined, urlPath), source, secure, rank });
  }
  return best(out);
}

/** Best first (https, then rank, then as found), each URL once. */
function best(candidates: K10UrlCandidate[]): K10UrlCandidate[] {
  const sorted = candidates
    .map((c, i) => ({ c, i }))
    .sort((a, b) => Number(b.c.secure) - Number(a.c.secure) || a.c.rank - b.c.rank || a.i - b.i)
    .map(({ c }) => c);
  const seen = new Set<string>();
  return sorted.filter((c) => !seen.has(c.url) && !!seen.add(c.url));
}

/** A list that may be refused (403) or not be there (404: no such API, e.g. Routes off OpenShift): nothing, then. */
async function listOrNothing<T>(client: ListClient, path: string, opts: { signal?: AbortSignal; timeoutMs?: number }): Promise<T[]> {
  try {
    return (await client.list<T>(path, opts)).items;
  } catch (err) {
    const status = httpStatusOf(err);
    if (status === 403 || status === 404) return [];
    throw err;
  }
}

/**
 * The K10 ingress URL a cluster exposes, from its Ingresses (and OpenShift
 * Routes) in kasten-io. Not allowed to list them, or none there: no URL,
 * not an error, since K10 may be exposed some other way (a LoadBalancer
 * service, a gateway API route, a proxy outside the cluster). Other
 * failures (the cluster unreachable) are thrown.
 */
export async function discoverK10IngressUrl(
  client: ListClient,
  releaseName: string = K10_RELEASE,
  opts: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<K10IngressGuess> {
  const ns = encodeURIComponent(K10_NAMESPACE);
  const [ingresses, routes] = await Promise.all([
    listOrNothing<IngressLike>(client, `/apis/networking.k8s.io/v1/namespaces/${ns}/ingresses`, opts),
    listOrNothing<RouteLike>(client, `/apis/route.openshift.io/v1/namespaces/${ns}/routes`, opts),
  ]);
  const found = best([...k10UrlsFromIngresses(ingresses, releaseName), ...k10UrlsFromRoutes(routes, releaseName)]);
  const top = found[0];
  return {
    ...(top ? { url: top.url, source: top.source, secure: top.secure } : {}),
    candidates: found.map((c) => c.url),
  };
}
