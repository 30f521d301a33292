import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../../main/kube/errors.js';
import { discoverK10IngressUrl, k10UrlsFromIngresses, k10UrlsFromRoutes, type IngressLike, type ListClient, type RouteLike } from '../../../main/multicluster/k10-ingress.js';

const gateway = { service: { name: 'gateway', port: { number: 80 } } };
const k10Path = (path = '/k10/') => ({ path, pathType: 'Prefix', backend: gateway });

function ingress(name: string, spec: IngressLike['spec'], status?: IngressLike['status']): IngressLike {
  return { metadata: { name, namespace: 'kasten-io' }, spec, ...(status ? { status } : {}) };
}

describe('k10UrlsFromIngresses', () => {
  it('reads the Helm chart Ingress with a host and TLS for it', () => {
    const found = k10UrlsFromIngresses([
      ingress('k10-ingress', { tls: [{ hosts: ['k10.example.com'] }], rules: [{ host: 'k10.example.com', http: { paths: [k10Path()] } }] }, { loadBalancer: { ingress: [{ ip: '203.0.113.7', ports: [{ port: 443 }] }] } }),
    ]);
    expect(found).toEqual([{ url: 'https://k10.example.com/k10', source: 'Ingress kasten-io/k10-ingress', secure: true, rank: 0 }]);
  });

  it('takes a wildcard TLS host as covering the rule host, and gives no port to a rule host', () => {
    const [c] = k10UrlsFromIngresses([
      ingress('k10-ingress', { tls: [{ hosts: ['*.apps.example.com'] }], rules: [{ host: 'k10.apps.example.com', http: { paths: [k10Path('/k10')] } }] }, { loadBalancer: { ingress: [{ ip: '203.0.113.7', ports: [{ port: 8443 }] }] } }),
    ]);
    expect(c.url).toBe('https://k10.apps.example.com/k10');
  });

  it('uses the load balancer hostname when the rule has no host', () => {
    const found = k10UrlsFromIngresses([
      ingress('k10-ingress', { tls: [{ secretName: 'k10-tls' }], rules: [{ http: { paths: [k10Path()] } }] }, { loadBalancer: { ingress: [{ hostname: 'abc123.elb.amazonaws.com', ip: '198.51.100.4' }] } }),
    ]);
    expect(found.map((c) => c.url)).toEqual(['https://abc123.elb.amazonaws.com/k10']);
  });

  it('gives the lab fleet shape exactly its K10 URL: IP and the listener port from the status, TLS without hosts', () => {
    const found = k10UrlsFromIngresses([
      ingress('k10-ingress', { ingressClassName: 'lab', tls: [{}], rules: [{ http: { paths: [k10Path()] } }] }, { loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: [{ port: 40123 }] }] } }),
    ]);
    expect(found).toEqual([{ url: 'https://127.0.0.1:40123/k10', source: 'Ingress kasten-io/k10-ingress', secure: true, rank: 0 }]);
  });

  it('returns an http-only Ingress, marked insecure, with its non-standard port', () => {
    const found = k10UrlsFromIngresses([
      ingress('k10-ingress', { rules: [{ http: { paths: [k10Path()] } }] }, { loadBalancer: { ingress: [{ ip: '10.0.0.9', ports: [{ port: 8080 }] }] } }),
      ingress('plain', { rules: [{ host: 'k10.internal', http: { paths: [k10Path()] } }] }),
    ]);
    expect(found).toEqual([
      { url: 'http://10.0.0.9:8080/k10', source: 'Ingress kasten-io/k10-ingress', secure: false, rank: 0 },
      { url: 'http://k10.internal/k10', source: 'Ingress kasten-io/plain', secure: false, rank: 1 },
    ]);
  });

  it('omits the standard port of the scheme, and does not take the other scheme’s port', () => {
    const lb = (ports: number[]) => ({ loadBalancer: { ingress: [{ ip: '192.0.2.1', ports: ports.map((port) => ({ port })) }] } });
    const spec = { tls: [{}], rules: [{ http: { paths: [k10Path()] } }] };
    expect(k10UrlsFromIngresses([ingress('a', spec, lb([80, 443]))])[0].url).toBe('https://192.0.2.1/k10');
    expect(k10UrlsFromIngresses([ingress('a', spec, lb([80, 9443]))])[0].url).toBe('https://192.0.2.1:9443/k10');
    expect(k10UrlsFromIngresses([ingress('a', spec, lb([80]))])[0].url).toBe('https://192.0.2.1/k10');
    expect(k10UrlsFromIngresses([ingress('a', { rules: spec.rules }, lb([443, 80]))])[0].url).toBe('http://192.0.2.1/k10');
    expect(k10UrlsFromIngresses([ingress('a', spec, { loadBalancer: { ingress: [{ ip: '2001:db8::1' }] } })])[0].url).toBe('https://[2001:db8::1]/k10');
  });

  it('lists several candidates best first: https, then the chart’s Ingress, then other paths to the gateway', () => {
    const found = k10UrlsFromIngresses([
      ingress('custom', { tls: [{ hosts: ['backup.example.com'] }], rules: [{ host: 'backup.example.com', http: { paths: [{ path: '/dashboard/', pathType: 'Prefix', backend: gateway }] } }] }),
      ingress('http-first', { rules: [{ host: 'k10.lan', http: { paths: [k10Path()] } }] }),
      ingress('k10-ingress', { tls: [{ hosts: ['k10.example.com'] }], rules: [
        { host: 'k10.example.com', http: { paths: [k10Path(), { path: '/other', pathType: 'Prefix', backend: { service: { name: 'grafana' } } }] } },
        { host: 'k10.example.org', http: { paths: [k10Path()] } },
      ] }),
    ]);
    expect(found.map((c) => [c.url, c.source, c.secure])).toEqual([
      ['https://k10.example.com/k10', 'Ingress kasten-io/k10-ingress', true],
      ['https://backup.example.com/dashboard', 'Ingress kasten-io/custom', true],
      ['http://k10.example.org/k10', 'Ingress kasten-io/k10-ingress', false],
      ['http://k10.lan/k10', 'Ingress kasten-io/http-first', false],
    ]);
  });

  it('follows the release name, and matches paths at or under it only', () => {
    const spec = (path: string) => ({ tls: [{}], rules: [{ host: 'k.example.com', http: { paths: [{ path, pathType: 'ImplementationSpecific', backend: { service: { name: 'web' } } }] } }] });
    expect(k10UrlsFromIngresses([ingress('x', spec('/kasten/'))], 'kasten').map((c) => c.url)).toEqual(['https://k.example.com/kasten']);
    expect(k10UrlsFromIngresses([ingress('x', spec('/k10(/|$)(.*)'))]).map((c) => c.url)).toEqual(['https://k.example.com/k10']);
    expect(k10UrlsFromIngresses([ingress('x', spec('/k10ui/'))])).toEqual([]);
    expect(k10UrlsFromIngresses([ingress('x', spec('/k10/'))], 'kasten')).toEqual([]);
  });

  it('finds nothing without a usable host, for a wildcard host or in unrelated Ingresses', () => {
    expect(k10UrlsFromIngresses([ingress('k10-ingress', { rules: [{ http: { paths: [k10Path()] } }] })])).toEqual([]);
    expect(k10UrlsFromIngresses([ingress('k10-ingress', { tls: [{}], rules: [{ host: '*.example.com', http: { paths: [k10Path()] } }] })])).toEqual([]);
    expect(k10UrlsFromIngresses([ingress('grafana', { rules: [{ host: 'g.example.com', http: { paths: [{ path: '/', backend: { service: { name: 'grafana' } } }] } }] })])).toEqual([]);
    expect(k10UrlsFromIngresses([{ metadata: { name: 'odd' } }, ingress('nulls', { tls: null, rules: [{ http: { paths: null } }] }, { loadBalancer: { ingress: null } })])).toEqual([]);
  });

  it('takes a default backend to the gateway', () => {
    const found = k10UrlsFromIngresses([ingress('gw', { defaultBackend: gateway, tls: [{}] }, { loadBalancer: { ingress: [{ hostname: 'lb.example.net' }] } })]);
    expect(found.map((c) => c.url)).toEqual(['https://lb.example.net/k10']);
  });
});

describe('k10UrlsFromRoutes', () => {
  const route = (name: string, spec: RouteLike['spec'], status?: RouteLike['status']): RouteLike => ({ metadata: { name, namespace: 'kasten-io' }, spec, ...(status ? { status } : {}) });

  it('reads the chart’s Route with edge TLS, and the admitted host of one without a spec host', () => {
    const found = k10UrlsFromRoutes([
      route('other', { path: '/k10/', to: { kind: 'Service', name: 'gateway' } }, { ingress: [{ host: 'k10-kasten-io.apps.ocp.example.com' }] }),
      route('k10-route', { host: 'k10.apps.ocp.example.com', path: '/k10/', to: { kind: 'Service', name: 'gateway' }, tls: { termination: 'edge' } }),
    ]);
    expect(found.map((c) => [c.url, c.source, c.secure])).toEqual([
      ['https://k10.apps.ocp.example.com/k10', 'Route kasten-io/k10-route', true],
      ['http://k10-kasten-io.apps.ocp.example.com/k10', 'Route kasten-io/other', false],
    ]);
  });
});

describe('discoverK10IngressUrl', () => {
  const status = (code: number) => new ClusterError(code === 403 ? 'FORBIDDEN' : 'NOT_FOUND', `answered ${code}`, 'c1', code);
  const client = (answers: Record<string, unknown[] | Error>): ListClient & { paths: string[] } => {
    const paths: string[] = [];
    return {
      paths,
      async list<T>(path: string) {
        paths.push(path);
        const key = Object.keys(answers).find((k) => path.includes(k));
        const a = key ? answers[key] : [];
        if (a instanceof Error) throw a;
        return { items: a as T[] };
      },
    };
  };
  const labIngress = ingress('k10-ingress', { ingressClassName: 'lab', tls: [{}], rules: [{ http: { paths: [k10Path()] } }] }, { loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: [{ port: 40123 }] }] } });

  it('lists Ingresses and Routes in kasten-io and picks the best', async () => {
    const c = client({ '/ingresses': [labIngress], '/routes': status(404) });
    expect(await discoverK10IngressUrl(c)).toEqual({
      url: 'https://127.0.0.1:40123/k10',
      source: 'Ingress kasten-io/k10-ingress',
      secure: true,
      candidates: ['https://127.0.0.1:40123/k10'],
    });
    expect(c.paths.sort()).toEqual(['/apis/networking.k8s.io/v1/namespaces/kasten-io/ingresses', '/apis/route.openshift.io/v1/namespaces/kasten-io/routes']);
  });

  it('gives no URL, and does not throw, when listing is refused or the API is not there', async () => {
    expect(await discoverK10IngressUrl(client({ '/ingresses': status(403), '/routes': status(404) }))).toEqual({ candidates: [] });
    expect(await discoverK10IngressUrl(client({ '/ingresses': status(404), '/routes': status(403) }))).toEqual({ candidates: [] });
  });

  it('marks an http-only best guess as not secure', async () => {
    const plain = ingress('k10-ingress', { rules: [{ host: 'k10.lan', http: { paths: [k10Path()] } }] });
    expect(await discoverK10IngressUrl(client({ '/ingresses': [plain] }))).toMatchObject({ url: 'http://k10.lan/k10', secure: false });
  });

  it('passes on other failures: an unreachable cluster is not "no ingress"', async () => {
    const down = new ClusterError('UNREACHABLE', 'c1: nothing is listening', 'c1', 0);
    await expect(discoverK10IngressUrl(client({ '/ingresses': down }))).rejects.toBe(down);
  });
});
