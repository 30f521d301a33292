import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openApiV2, openApiV3Document, openApiV3Index } from '../../../main/lab/openapi.js';
import { RESOURCE_TYPES, resourceByPath, type KubeObject, type ResourceType } from '../../../main/lab/resources.js';
import { notFound, badRequest } from '../../../main/lab/api-error.js';
import { KUBECTL, kubectlMinor, recordingServer, runKubectl, sendJson, serveDiscoveryAndOpenApi } from './kubectl-harness.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking JSON documents
type Json = Record<string, any>;

const gvPath = (rt: ResourceType) => (rt.group ? `apis/${rt.group}/${rt.version}` : `api/${rt.version}`);
const doc = (rt: ResourceType) => JSON.parse(openApiV3Document(gvPath(rt))!) as Json;
const kindSchema = (d: Json, rt: ResourceType) =>
  Object.values(d.components.schemas as Record<string, Json>).find((s) =>
    (s['x-kubernetes-group-version-kind'] as Json[] | undefined)?.some((g) => g.group === rt.group && g.kind === rt.kind),
  );
const deref = (d: Json, s: Json): Json => (s.$ref ? d.components.schemas[(s.$ref as string).split('/').pop()!] : s);

describe('OpenAPI v3', () => {
  it('indexes one document per group-version, each at a URL with its hash', () => {
    const index = JSON.parse(openApiV3Index()) as { paths: Record<string, { serverRelativeURL: string }> };
    expect(Object.keys(index.paths).sort()).toEqual([...new Set(RESOURCE_TYPES.map(gvPath))].sort());
    for (const [gv, { serverRelativeURL }] of Object.entries(index.paths)) {
      expect(serverRelativeURL).toMatch(new RegExp(`^/openapi/v3/${gv}\\?hash=[0-9A-F]{128}$`));
      expect(openApiV3Document(gv)).toBeDefined();
    }
    expect(openApiV3Document('apis/apps/v2')).toBeUndefined();
  });

  it('describes every kind with its GVK and exactly the registry’s top-level fields', () => {
    for (const rt of RESOURCE_TYPES) {
      const schema = kindSchema(doc(rt), rt);
      expect(schema, rt.kind).toBeDefined();
      expect(Object.keys(schema!.properties).sort(), rt.kind).toEqual(['apiVersion', 'kind', 'metadata', ...(rt.topLevelFields ?? [])].sort());
    }
  });

  it('lists fieldValidation on the PATCH of every patchable kind, so kubectl lets the server validate', () => {
    for (const rt of RESOURCE_TYPES.filter((t) => t.verbs.includes('patch'))) {
      const patches = Object.values(doc(rt).paths as Record<string, Json>)
        .map((p) => p.patch as Json | undefined)
        .filter((op) => op?.['x-kubernetes-group-version-kind']?.kind === rt.kind);
      expect(patches.length, rt.kind).toBe(rt.statusSubresource ? 2 : 1);
      for (const op of patches) expect(op!.parameters.map((p: Json) => `${p.in}:${p.name}`)).toContain('query:fieldValidation');
    }
  });

  it('resolves every $ref inside its own document', () => {
    for (const gv of new Set(RESOURCE_TYPES.map(gvPath))) {
      const text = openApiV3Document(gv)!;
      const d = JSON.parse(text) as Json;
      for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(d.components.schemas[name], `${gv}: ${name}`).toBeDefined();
    }
  });

  it('merges a Deployment’s containers by name and their ports by containerPort', () => {
    const deploy = RESOURCE_TYPES.find((t) => t.kind === 'Deployment')!;
    const d = doc(deploy);
    const podSpec = deref(d, deref(d, deref(d, kindSchema(d, deploy)!.properties.spec).properties.template).properties.spec);
    expect(podSpec.properties.containers).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-list-type': 'map' });
    const container = deref(d, podSpec.properties.containers.items);
    expect(container.properties.ports).toMatchObject({ 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] });
  });
});

/** The names of `openapi_v2.Document.definitions`, read back from the protobuf. */
function protoDefinitionNames(buf: Buffer): { swagger: string; names: string[] } {
  const fields = (b: Buffer) => {
    const out: [number, Buffer][] = [];
    const varint = (at: number): [number, number] => {
      let n = 0;
      let shift = 0;
      while (b[at] & 0x80) (n += (b[at++] & 0x7f) * 2 ** shift), (shift += 7);
      return [n + b[at] * 2 ** shift, at + 1];
    };
    for (let i = 0; i < b.length; ) {
      const [tag, afterTag] = varint(i);
      const [len, start] = varint(afterTag);
      out.push([tag >> 3, b.subarray(start, start + len)]);
      i = start + len;
    }
    return out;
  };
  const top = fields(buf);
  const definitions = top.find(([n]) => n === 9)![1];
  return {
    swagger: top.find(([n]) => n === 1)![1].toString(),
    names: fields(definitions).map(([, named]) => fields(named).find(([n]) => n === 1)![1].toString()),
  };
}

describe('OpenAPI v2', () => {
  it('is protobuf for kubectl, with the dotted content type Go can parse', () => {
    const v2 = openApiV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf');
    expect(v2.contentType).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const { swagger, names } = protoDefinitionNames(v2.body as Buffer);
    expect(swagger).toBe('2.0');
    expect(names).toContain('io.k8s.api.core.v1.ConfigMap');
    expect(names).toContain('io.kasten.kio.config.v1alpha1.Profile');
    // Partly described, so left to kubectl's compiled-in type for validation and patches.
    expect(names).not.toContain('io.k8s.api.apps.v1.Deployment');
  });

  it('is JSON with the same definitions for everyone else', () => {
    const v2 = openApiV2('application/json');
    expect(v2.contentType).toBe('application/json');
    const json = JSON.parse(v2.body as string) as Json;
    expect(json.swagger).toBe('2.0');
    expect(Object.keys(json.definitions)).toEqual(protoDefinitionNames(openApiV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf').body as Buffer).names);
    expect(JSON.stringify(json.definitions)).not.toContain('#/components/');
  });
});

describe.skipIf(!KUBECTL)('kubectl apply against the lab OpenAPI', () => {
  let server: Awaited<ReturnType<typeof recordingServer>>;
  let dir: string;
  let minor: number;
  /** Objects the server holds, by URL path; the rest are 404. */
  const existing = new Map<string, KubeObject>();

  /** The strict decoding a real server does on `fieldValidation=Strict`, as the lab API server does. */
  function strictError(url: URL, body: Json) {
    const [, group, version, plural] = url.pathname.match(/^\/apis?\/(?:([^/]+)\/)?([^/]+)\/(?:namespaces\/[^/]+\/)?([^/]+)$/) ?? [];
    const rt = resourceByPath(group ?? '', version, plural)!;
    const unknown = Object.keys(body).filter((k) => !['apiVersion', 'kind', 'metadata', ...(rt.topLevelFields ?? [])].includes(k));
    if (!unknown.length || url.searchParams.get('fieldValidation') !== 'Strict') return undefined;
    return badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lab-openapi-'));
    server = await recordingServer((req, res) => {
      if (serveDiscoveryAndOpenApi(req, res)) return;
      const url = new URL(req.url, 'http://x');
      if (req.method === 'GET') {
        const obj = existing.get(url.pathname);
        if (obj) return sendJson(res, 200, obj);
        const rt = RESOURCE_TYPES.find((t) => url.pathname.includes(`/${t.plural}/`))!;
        return sendJson(res, 404, notFound(rt, url.pathname.split('/').pop()!).toStatus());
      }
      const body = JSON.parse(req.body) as Json;
      const err = req.method === 'POST' ? strictError(url, body) : undefined;
      if (err) return sendJson(res, err.code, err.toStatus());
      sendJson(res, req.method === 'POST' ? 201 : 200, req.method === 'POST' ? body : existing.get(url.pathname));
    });
    minor = await kubectlMinor(server.url);
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.requests.length = 0;
    existing.clear();
  });

  async function apply(manifest: object) {
    const file = join(dir, 'manifest.yaml');
    writeFileSync(file, JSON.stringify(manifest));
    return { file, ...(await runKubectl(['apply', '-f', file, '--server', server.url])) };
  }
  const writes = () => server.requests.filter((r) => r.method !== 'GET');

  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { mode: 'fast' } };
  const deployment = (containers: string[]) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          securityContext: { runAsNonRoot: true },
          containers: containers.map((name) => ({
            name,
            image: 'nginx:1.27',
            ports: [{ containerPort: 80, name: 'http' }],
            env: [{ name: 'MODE', value: name }],
            resources: { limits: { cpu: '100m' } },
            readinessProbe: { httpGet: { path: '/', port: 80 } },
          })),
        },
      },
    },
  });

  it('creates a ConfigMap, past validation', async () => {
    const { code, stdout, stderr } = await apply(configMap);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'configmap/settings created\n', stderr: '' });
    expect(writes()).toHaveLength(1);
    expect(writes()[0].url).toMatch(/^\/api\/v1\/namespaces\/default\/configmaps\?fieldManager=kubectl-client-side-apply/);
  });

  it('creates a Deployment using fields the schemas describe only in part', async () => {
    const { code, stdout, stderr } = await apply(deployment(['web']));
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'deployment.apps/web created\n', stderr: '' });
    expect(JSON.parse(writes()[0].body).spec.template.spec.securityContext).toEqual({ runAsNonRoot: true });
  });

  it('patches a Deployment’s containers by name when one is removed', async () => {
    const path = '/apis/apps/v1/namespaces/default/deployments/web';
    const before = deployment(['web', 'sidecar']) as unknown as KubeObject;
    existing.set(path, {
      ...before,
      metadata: { ...before.metadata, uid: 'u1', resourceVersion: '7', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(before) } },
    });
    const { code, stderr } = await apply(deployment(['web']));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const [patch] = writes();
    expect(patch.contentType).toBe('application/strategic-merge-patch+json');
    expect(JSON.parse(patch.body).spec.template.spec).toEqual({
      '$setElementOrder/containers': [{ name: 'web' }],
      containers: [{ $patch: 'delete', name: 'sidecar' }],
    });
    // kubectl 1.29+ computed the patch from OpenAPI v3, without falling back to v2.
    if (minor >= 29) expect(server.requests.map((r) => r.url.split('?')[0])).not.toContain('/openapi/v2');
  });

  it('creates a Kasten Profile, whose spec is free-form', async () => {
    const profile = {
      apiVersion: 'config.kio.kasten.io/v1alpha1',
      kind: 'Profile',
      metadata: { name: 's3', namespace: 'kasten-io' },
      spec: { type: 'Location', locationSpec: { type: 'ObjectStore', objectStore: { name: 'bucket', objectStoreType: 'S3', region: 'eu-west-1' } } },
    };
    const { code, stdout, stderr } = await apply(profile);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'profile.config.kio.kasten.io/s3 created\n', stderr: '' });
    expect(JSON.parse(writes()[0].body).spec).toEqual(profile.spec);
  });

  it('rejects a ConfigMap with an unknown top-level field with kubectl’s usual message', async () => {
    const { file, code, stderr } = await apply({ ...configMap, colour: 'blue' });
    expect(code).toBe(1);
    if (minor >= 25) {
      // kubectl leaves validation to the server, which the PATCH operation says it does.
      expect(writes()[0].url).toContain('fieldValidation=Strict');
      expect(stderr).toBe(
        `Error from server (BadRequest): error when creating "${file}": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "colour"\n`,
      );
    } else {
      // Older kubectl validates against the OpenAPI v2 definitions before sending anything.
      expect(writes()).toHaveLength(0);
      expect(stderr).toBe(
        `error: error validating "${file}": error validating data: ValidationError(ConfigMap): unknown field "colour" in io.k8s.api.core.v1.ConfigMap; if you choose to ignore these errors, turn validation off with --validate=false\n`,
      );
    }
  });
});
