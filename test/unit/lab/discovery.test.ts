import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LAB_KUBERNETES_VERSION,
  aggregatedDiscovery,
  apiResourceList,
  discoveryResponse,
  negotiateDiscovery,
} from '../../../main/lab/discovery.js';
import { RESOURCE_TYPES } from '../../../main/lab/resources.js';
import { KUBECTL, kubectlMinor, recordingServer, runKubectl, serveDiscoveryAndOpenApi } from './kubectl-harness.js';

/** What kubectl 1.32 sends for /api and /apis. */
const KUBECTL_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

describe('negotiateDiscovery', () => {
  it('answers kubectl with aggregated v2 and the content type client-go checks', () => {
    expect(negotiateDiscovery(KUBECTL_ACCEPT)).toEqual({
      kind: 'aggregated',
      version: 'v2',
      contentType: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    });
  });

  it('answers a client that knows only v2beta1 with v2beta1', () => {
    const format = negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json');
    expect(format).toMatchObject({ kind: 'aggregated', version: 'v2beta1' });
    expect(format.contentType).toBe('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
  });

  it('follows quality values over order', () => {
    expect(negotiateDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5, application/json').kind).toBe('legacy');
  });

  it('gives legacy JSON to plain clients and to no Accept header', () => {
    for (const accept of [undefined, '', 'application/json, */*', '*/*', 'application/vnd.kubernetes.protobuf']) {
      expect(negotiateDiscovery(accept)).toEqual({ kind: 'legacy', contentType: 'application/json' });
    }
  });
});

describe('discovery documents', () => {
  it('list every registry type once, with a status entry where it has the subresource', () => {
    const listed = [...new Set(RESOURCE_TYPES.map((rt) => `${rt.group}/${rt.version}`))].flatMap((gv) => {
      const [group, version] = gv.split('/');
      return (apiResourceList(group, version) as { resources: { name: string }[] }).resources.map((r) => `${group}/${r.name}`);
    });
    const expected = RESOURCE_TYPES.flatMap((rt) => [`${rt.group}/${rt.plural}`, ...(rt.statusSubresource ? [`${rt.group}/${rt.plural}/status`] : [])]);
    expect(listed.sort()).toEqual(expected.sort());
    const aggregated = (aggregatedDiscovery('apis', 'v2') as { items: { versions: { resources: unknown[] }[] }[] }).items.flatMap((g) => g.versions[0].resources);
    expect(aggregated).toHaveLength(RESOURCE_TYPES.filter((rt) => rt.group).length);
  });

  it('give the storage version hash kube-apiserver gives', () => {
    const core = apiResourceList('', 'v1') as { resources: { name: string; storageVersionHash?: string }[] };
    expect(core.resources.find((r) => r.name === 'configmaps')?.storageVersionHash).toBe('qFsyl6wFWjQ=');
  });

  it('answer only the discovery paths', () => {
    expect(discoveryResponse('/version', undefined)?.body).toMatchObject({ gitVersion: LAB_KUBERNETES_VERSION, platform: 'linux/amd64' });
    expect(discoveryResponse('/api', undefined, '127.0.0.1:40001')?.body).toMatchObject({
      kind: 'APIVersions',
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:40001' }],
    });
    expect(discoveryResponse('/apis/apps', undefined)?.body).toMatchObject({ kind: 'APIGroup', preferredVersion: { groupVersion: 'apps/v1' } });
    expect(discoveryResponse('/apis/apps/v2', undefined)).toBeUndefined();
    expect(discoveryResponse('/apis/nope', undefined)).toBeUndefined();
    expect(discoveryResponse('/api/v1/configmaps', undefined)).toBeUndefined();
  });
});

describe.skipIf(!KUBECTL)('discovery with kubectl', () => {
  let server: Awaited<ReturnType<typeof recordingServer>>;
  /** Set to make the server answer /api and /apis as an old server would. */
  let legacyOnly = false;

  beforeAll(async () => {
    server = await recordingServer((req, res) => {
      if (!serveDiscoveryAndOpenApi({ ...req, accept: legacyOnly ? 'application/json' : req.accept }, res)) res.writeHead(404).end();
    });
  });
  afterAll(() => server.close());

  async function apiResources(): Promise<string[][]> {
    const { stdout, stderr } = await runKubectl(['api-resources', '--server', server.url]);
    expect(stderr).toBe('');
    return stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  }

  it('lists every served resource in `kubectl api-resources`', async () => {
    const rows = await apiResources();
    expect(rows).toContainEqual(['configmaps', 'cm', 'v1', 'true', 'ConfigMap']);
    expect(rows).toContainEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(rows).toContainEqual(['clusterroles', 'rbac.authorization.k8s.io/v1', 'false', 'ClusterRole']);
    expect(rows).toContainEqual(['profiles', 'config.kio.kasten.io/v1alpha1', 'true', 'Profile']);
    expect(rows).toHaveLength(RESOURCE_TYPES.length);
  });

  it('is taken whole from aggregated discovery by kubectl that asks for it', async () => {
    server.requests.length = 0;
    await apiResources();
    const paths = server.requests.map((r) => r.url.split('?')[0]);
    if ((await kubectlMinor(server.url)) >= 26) {
      expect(paths).toEqual(expect.arrayContaining(['/api', '/apis']));
      expect(paths).not.toContain('/api/v1'); // no per-group-version requests
    } else {
      expect(paths).toContain('/api/v1');
    }
  });

  it('works per group-version from a server without aggregated discovery', async () => {
    legacyOnly = true;
    try {
      server.requests.length = 0;
      expect(await apiResources()).toHaveLength(RESOURCE_TYPES.length);
      expect(server.requests.map((r) => r.url.split('?')[0])).toContain('/apis/config.kio.kasten.io/v1alpha1');
    } finally {
      legacyOnly = false;
    }
  });

  it('gives `kubectl version` the lab version, without a skew warning to kubectl within one minor', async () => {
    const { stdout, stderr } = await runKubectl(['version', '-o', 'json', '--server', server.url]);
    expect(JSON.parse(stdout).serverVersion.gitVersion).toBe(LAB_KUBERNETES_VERSION);
    const labMinor = Number(LAB_KUBERNETES_VERSION.split('.')[1]);
    if (Math.abs((await kubectlMinor(server.url)) - labMinor) <= 1) expect(stderr).toBe('');
  });
});
