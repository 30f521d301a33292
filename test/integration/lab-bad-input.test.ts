/**
 * Bad requests sent to a lab cluster over raw HTTPS, as a buggy client or a
 * hand-written curl would send them: malformed JSON and YAML, a body of the
 * wrong kind, bad names, a body over the size limit, unknown fields, a PATCH
 * in a format the resource does not take. Each is answered with the
 * metav1.Status a real kube-apiserver sends (code, reason and message), and
 * leaves the store exactly as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import type { LabCluster } from '../../main/lab/cluster.js';
import { RESOURCE_TYPES } from '../../main/lab/resources.js';
import { request, type HttpResult } from './lab-helpers.js';

const rt = (plural: string) => RESOURCE_TYPES.find((r) => r.plural === plural)!;
const NS = 'input';
const CONFIGMAPS = `/api/v1/namespaces/${NS}/configmaps`;
const PROFILES = `/apis/config.kio.kasten.io/v1alpha1/namespaces/${NS}/profiles`;

let fleet: LabFleet;
let cluster: LabCluster;

beforeAll(async () => {
  fleet = await startLabFleet({ clusters: 1, empty: true });
  cluster = fleet.cluster('cluster-1');
  const created = await Promise.all([
    request(cluster, '/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } }),
  ]);
  expect(created.map((r) => r.status)).toEqual([201]);
  const seeded = await Promise.all([
    request(cluster, CONFIGMAPS, { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'existing' }, data: { a: '1' } } }),
    request(cluster, PROFILES, { method: 'POST', body: { apiVersion: 'config.kio.kasten.io/v1alpha1', kind: 'Profile', metadata: { name: 'existing' }, spec: { type: 'Location' } } }),
  ]);
  expect(seeded.map((r) => r.status)).toEqual([201, 201]);
});

afterAll(async () => {
  await fleet?.stop();
});

/** Everything a bad request could have touched: the store's version and the objects of the test namespace. */
function snapshot(): string {
  const store = cluster.store;
  return JSON.stringify({
    rv: store.resourceVersion,
    configmaps: store.list(rt('configmaps'), { namespace: NS }).items,
    profiles: store.list(rt('profiles'), { namespace: NS }).items,
  });
}

/** Sends a request that must fail; checks the Status it answers with and that nothing changed. */
async function refused(
  path: string,
  opts: Parameters<typeof request>[2],
  expected: { code: number; reason?: string; message?: string | RegExp },
): Promise<HttpResult> {
  const before = snapshot();
  const res = await request(cluster, path, opts);
  expect(res.headers['content-type']).toBe('application/json');
  const status = res.json();
  expect(res.status).toBe(expected.code);
  expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: expected.code });
  if (expected.reason === undefined) expect(status).not.toHaveProperty('reason');
  else expect(status.reason).toBe(expected.reason);
  if (typeof expected.message === 'string') expect(status.message).toBe(expected.message);
  else if (expected.message) expect(status.message).toMatch(expected.message);
  expect(snapshot(), 'the refused request changed the store').toBe(before);
  return res;
}

describe('malformed bodies', () => {
  it('JSON that ends too soon, or has a stray character, is refused with Go’s JSON error and the start of the body', async () => {
    await refused(CONFIGMAPS, { method: 'POST', body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"' }, {
      code: 400,
      reason: 'BadRequest',
      message:
        'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: unexpected end of JSON input ({"apiVersion":"v1","kind":"Con ...)',
    });
    await refused(CONFIGMAPS, { method: 'POST', body: '{"kind":"ConfigMap",}' }, {
      code: 400,
      reason: 'BadRequest',
      message:
        'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: invalid character \'}\' looking for beginning of object key string ({"kind":"ConfigMap",})',
    });
    await refused(CONFIGMAPS, { method: 'POST', body: "{'kind': 'ConfigMap'}" }, {
      code: 400,
      reason: 'BadRequest',
      message: /json parse error: invalid character '\\'' looking for beginning of object key string \(\{'kind': 'ConfigMap'\}\)$/,
    });
    await refused(CONFIGMAPS, { method: 'POST', body: '{"metadata":{"name":"x"} "data":{}}' }, {
      code: 400,
      reason: 'BadRequest',
      message: /json parse error: invalid character '"' after object key:value pair /,
    });
  });

  it('a body that is JSON but not an object is refused before its kind is looked for', async () => {
    await refused(CONFIGMAPS, { method: 'POST', body: '["apiVersion", "v1"]' }, {
      code: 400,
      reason: 'BadRequest',
      message:
        'the object provided is unrecognized (must be of type ConfigMap): couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" } (5b2261706956657273696f6e222c20227631225d)',
    });
    await refused(CONFIGMAPS, { method: 'POST', body: { apiVersion: 'v1', kind: 7, metadata: { name: 'x' } } }, {
      code: 400,
      reason: 'BadRequest',
      message: /^the object provided is unrecognized \(must be of type ConfigMap\): couldn't get version\/kind; json parse error: json: cannot unmarshal number into Go struct field \.kind of type string/,
    });
  });

  it('YAML that does not parse is refused, its start shown in hex', async () => {
    const yaml = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n';
    await refused(CONFIGMAPS, { method: 'POST', body: yaml, contentType: 'application/yaml' }, {
      code: 400,
      reason: 'BadRequest',
      message: new RegExp(
        `^the object provided is unrecognized \\(must be of type ConfigMap\\): error converting YAML to JSON: yaml: line \\d+: .+ \\(${Buffer.from(yaml).subarray(0, 30).toString('hex')} \\.\\.\\.\\)$`,
      ),
    });
    // Well-formed YAML is as good as JSON.
    const ok = await request(cluster, CONFIGMAPS, { method: 'POST', body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: "1"\n', contentType: 'application/yaml' });
    expect([ok.status, ok.json<{ data: object }>().data]).toEqual([201, { a: '1' }]);
  });

  it('a body in a format the server does not read is 415 Unsupported Media Type', async () => {
    await refused(CONFIGMAPS, { method: 'POST', body: 'name=x', contentType: 'application/x-www-form-urlencoded' }, {
      code: 415,
      reason: 'UnsupportedMediaType',
      message: /^the body of the request was in an unknown format - accepted media types include: application\/json, application\/yaml/,
    });
  });
});

describe('bodies that are not what the URL is for', () => {
  it('a Secret posted to configmaps cannot be handled as a ConfigMap', async () => {
    await refused(CONFIGMAPS, { method: 'POST', body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } } }, {
      code: 400,
      reason: 'BadRequest',
      message: 'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion',
    });
    await refused(CONFIGMAPS, { method: 'POST', body: { apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'x' } } }, {
      code: 400,
      reason: 'BadRequest',
      message: 'Gadget in version "v1" cannot be handled as a ConfigMap: no kind "Gadget" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    });
  });

  it('a Kasten resource checks the apiVersion, then the kind, of what it is sent', async () => {
    await refused(PROFILES, { method: 'POST', body: { apiVersion: 'v1', kind: 'Profile', metadata: { name: 'x' }, spec: {} } }, {
      code: 400,
      reason: 'BadRequest',
      message: 'the API version in the data (v1) does not match the expected API version (config.kio.kasten.io/v1alpha1)',
    });
    const res = await refused(PROFILES, { method: 'POST', body: { apiVersion: 'config.kio.kasten.io/v1alpha1', kind: 'Policy', metadata: { name: 'x' }, spec: {} } }, {
      code: 422,
      reason: 'Invalid',
      message: 'Profile.config.kio.kasten.io "x" is invalid: kind: Invalid value: "Policy": must be Profile',
    });
    expect(res.json().details).toEqual({
      name: 'x',
      group: 'config.kio.kasten.io',
      kind: 'Profile',
      causes: [{ reason: 'FieldValueInvalid', message: 'Invalid value: "Policy": must be Profile', field: 'kind' }],
    });
  });

  it('a body whose name or namespace disagrees with the URL is refused', async () => {
    await refused(`${CONFIGMAPS}/existing`, { method: 'PUT', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: { a: '2' } } }, {
      code: 400,
      reason: 'BadRequest',
      message: 'the name of the object (other) does not match the name on the URL (existing)',
    });
    await refused(CONFIGMAPS, { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } } }, {
      code: 400,
      reason: 'BadRequest',
      message: 'the namespace of the provided object does not match the namespace sent on the request',
    });
  });
});

describe('names', () => {
  const SUBDOMAIN_RULE =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

  it('a name that breaks the naming rule is 422 Invalid, with the rule as the cause', async () => {
    const res = await refused(CONFIGMAPS, { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_Valid' } } }, {
      code: 422,
      reason: 'Invalid',
      message: `ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": ${SUBDOMAIN_RULE}`,
    });
    expect(res.json().details).toEqual({
      name: 'Not_Valid',
      kind: 'ConfigMap',
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "Not_Valid": ${SUBDOMAIN_RULE}`, field: 'metadata.name' }],
    });
    await refused(PROFILES, { method: 'POST', body: { apiVersion: 'config.kio.kasten.io/v1alpha1', kind: 'Profile', metadata: { name: 'UPPER' }, spec: {} } }, {
      code: 422,
      reason: 'Invalid',
      message: `Profile.config.kio.kasten.io "UPPER" is invalid: metadata.name: Invalid value: "UPPER": ${SUBDOMAIN_RULE}`,
    });
  });

  it('a name too long is refused for its length, and for its characters too when both are wrong', async () => {
    const long = 'a'.repeat(254);
    await refused(CONFIGMAPS, { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: long } } }, {
      code: 422,
      reason: 'Invalid',
      message: `ConfigMap "${long}" is invalid: metadata.name: Invalid value: "${long}": must be no more than 253 characters`,
    });
    const longAndBad = `${'B'.repeat(64)}`;
    await refused('/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: longAndBad } } }, {
      code: 422,
      reason: 'Invalid',
      message: `Namespace "${longAndBad}" is invalid: [metadata.name: Invalid value: "${longAndBad}": must be no more than 63 characters, metadata.name: Invalid value: "${longAndBad}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')]`,
    });
  });

  it('an object with no name at all is refused', async () => {
    await refused(CONFIGMAPS, { method: 'POST', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} } }, {
      code: 422,
      reason: 'Invalid',
      message: 'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
    });
  });
});

describe('size', () => {
  const big = () => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: 'x'.repeat(3 * 1024 * 1024) } });

  it('a body over 3 MiB is 413 Request Entity Too Large, whether its length is declared or not', async () => {
    const expected = { code: 413, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 3145728' };
    await refused(CONFIGMAPS, { method: 'POST', body: big() }, expected);
    await refused(`${CONFIGMAPS}/existing`, { method: 'PUT', body: big() }, expected);
    await refused(`${CONFIGMAPS}/existing`, { method: 'PATCH', body: big(), contentType: 'application/merge-patch+json' }, expected);
    // The same body streamed without a Content-Length: the server counts as it reads.
    const chunked = await postChunked(big());
    expect([chunked.status, chunked.json().reason]).toEqual([413, 'RequestEntityTooLarge']);
    expect(cluster.store.get(rt('configmaps'), NS, 'big')).toBeUndefined();
  });

  it('a body of exactly 3 MiB is read (a dry run, as a real cluster would not store that much)', async () => {
    const body = JSON.stringify({ apiVersion: 'config.kio.kasten.io/v1alpha1', kind: 'Profile', metadata: { name: 'almost' }, spec: { blob: '' } });
    const padded = body.replace('"blob":""', `"blob":"${'y'.repeat(3 * 1024 * 1024 - body.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(3 * 1024 * 1024);
    const before = snapshot();
    const res = await request(cluster, `${PROFILES}?dryRun=All`, { method: 'POST', body: padded });
    expect(res.status).toBe(201);
    expect(snapshot()).toBe(before);
  });
});

describe('unknown fields', () => {
  const withUnknown = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unknown', extra: 1 }, data: { a: '1' }, bogus: true };

  it('fieldValidation=Strict refuses every unknown field, named in the order they come', async () => {
    await refused(`${CONFIGMAPS}?fieldValidation=Strict`, { method: 'POST', body: withUnknown }, {
      code: 400,
      reason: 'BadRequest',
      message: 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.extra", unknown field "bogus"',
    });
    await refused(`${CONFIGMAPS}/existing?fieldValidation=Strict`, { method: 'PATCH', body: { spec: { replicas: 1 } }, contentType: 'application/merge-patch+json' }, {
      code: 400,
      reason: 'BadRequest',
      message: 'strict decoding error: unknown field "spec"',
    });
  });

  it('fieldValidation=Warn (the default) drops them with a Warning, and Ignore drops them silently', async () => {
    const warned = await request(cluster, CONFIGMAPS, { method: 'POST', body: withUnknown });
    expect(warned.status).toBe(201);
    expect(warned.headers.warning).toBe('299 - "unknown field \\"metadata.extra\\"", 299 - "unknown field \\"bogus\\""');
    const stored = cluster.store.get(rt('configmaps'), NS, 'unknown')!;
    expect(stored).not.toHaveProperty('bogus');
    expect(stored.metadata).not.toHaveProperty('extra');

    const ignored = await request(cluster, `${CONFIGMAPS}?fieldValidation=Ignore`, { method: 'POST', body: { ...withUnknown, metadata: { name: 'ignored' } } });
    expect(ignored.status).toBe(201);
    expect(ignored.headers.warning).toBeUndefined();
  });

  it('server-side apply refuses a field the schema does not declare, whatever fieldValidation says', async () => {
    await refused(`${CONFIGMAPS}/applied?fieldManager=me&fieldValidation=Ignore`, {
      method: 'PATCH',
      body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, bogus: 1 }),
      contentType: 'application/apply-patch+yaml',
    }, {
      code: 500,
      message: `failed to create typed patch object (${NS}/applied; /v1, Kind=ConfigMap): .bogus: field not declared in schema`,
    });
  });
});

describe('PATCH formats', () => {
  it('a PATCH in a format no resource takes is 415, listing the formats this one takes', async () => {
    await refused(`${CONFIGMAPS}/existing`, { method: 'PATCH', body: '{"data":{"a":"2"}}', contentType: 'application/json' }, {
      code: 415,
      reason: 'UnsupportedMediaType',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    });
    await refused(`${CONFIGMAPS}/existing`, { method: 'PATCH', body: 'a: 2', contentType: 'text/plain' }, { code: 415, reason: 'UnsupportedMediaType' });
  });

  it('a Kasten resource takes no strategic merge patch, as no custom resource does', async () => {
    await refused(`${PROFILES}/existing`, { method: 'PATCH', body: { spec: { type: 'Infra' } }, contentType: 'application/strategic-merge-patch+json' }, {
      code: 415,
      reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    });
  });

  it('a JSON patch that is not a list of operations, or a patch that is not JSON, is 400', async () => {
    await refused(`${CONFIGMAPS}/existing`, { method: 'PATCH', body: { op: 'add', path: '/data/b', value: '2' }, contentType: 'application/json-patch+json' }, {
      code: 400,
      reason: 'BadRequest',
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    });
    await refused(`${CONFIGMAPS}/existing`, { method: 'PATCH', body: '{"data":', contentType: 'application/merge-patch+json' }, { code: 400, reason: 'BadRequest' });
  });
});

/** POSTs a body with chunked transfer encoding (no Content-Length), as a streaming client would. */
async function postChunked(body: string): Promise<HttpResult> {
  const { request: httpsRequest } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${cluster.apiUrl}${CONFIGMAPS}`,
      {
        method: 'POST',
        ca: cluster.state.ca.certPem,
        agent: false,
        headers: { authorization: `Bearer ${cluster.user('admin').token}`, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: <T>() => JSON.parse(text) as T });
        });
      },
    );
    // The server may answer and close before the whole body is sent.
    req.on('error', reject);
    for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.slice(i, i + 64 * 1024));
    req.end();
  });
}

describe('bodies without a Content-Type', () => {
  it('reads them as JSON, as kube-apiserver does (kubectl 1.20 sends none on create)', async () => {
    const res = await request(cluster, CONFIGMAPS, {
      method: 'POST',
      contentType: null,
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'no-content-type' }, data: { a: '1' } },
    });
    expect(res.status).toBe(201);
    expect(cluster.store.get(rt('configmaps'), NS, 'no-content-type')?.data).toEqual({ a: '1' });
  });
});
