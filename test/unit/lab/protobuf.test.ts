import { describe, expect, it } from 'vitest';
import { ProtobufDecodeError, decodeKubernetesProtobuf } from '../../../main/lab/protobuf.js';

// A protobuf writer as small as these tests need: fields are [number, value], a value is a string,
// a number (varint), a boolean, a Buffer, or a nested list of fields (a message).
type Field = [number, string | number | boolean | Buffer | Field[]];

function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return Buffer.from(out);
}

function encode(fields: Field[]): Buffer {
  return Buffer.concat(
    fields.map(([no, value]) => {
      if (typeof value === 'number' || typeof value === 'boolean') return Buffer.concat([varint(no << 3), varint(Number(value))]);
      const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.isBuffer(value) ? value : encode(value);
      return Buffer.concat([varint((no << 3) | 2), varint(bytes.length), bytes]);
    }),
  );
}

/** `k8s\0` + runtime.Unknown{typeMeta, raw}, as client-go's protobuf serializer writes it. */
function envelope(apiVersion: string, kind: string, message: Field[]): Buffer {
  return Buffer.concat([Buffer.from('k8s\0'), encode([[1, [[1, apiVersion], [2, kind]]], [2, encode(message)]])]);
}

/** ObjectMeta as Go writes it: every non-pointer field, empty or not. */
const meta = (name: string, extra: Field[] = []): Field[] => [
  [1, name], [2, ''], [3, ''], [4, ''], [5, ''], [6, ''], [7, 0], [8, [[1, 0], [2, 0]]], ...extra,
];
const entry = (key: string, value: string | Buffer | Field[]): Field[] => [[1, key], [2, value]];

const defaults = { apiVersion: 'v1', kind: 'ConfigMap' };

describe('Kubernetes protobuf bodies', () => {
  it('reads a ConfigMap as the JSON kubectl would have sent, empty fields left out', () => {
    const body = envelope('v1', 'ConfigMap', [
      [1, meta('settings', [[11, entry('app', 'web')]])],
      [2, entry('color', 'blue')],
      [2, entry('size', '')],
      [3, entry('blob', Buffer.from([0, 1, 2]))],
    ]);
    expect(decodeKubernetesProtobuf(body, defaults)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', creationTimestamp: null, labels: { app: 'web' } },
      data: { color: 'blue', size: '' },
      binaryData: { blob: 'AAEC' },
    });
  });

  it('keeps a pointer field set to zero (replicas: 0), and reads quantities, ports and times', () => {
    const container: Field[] = [
      [1, 'web'], [2, 'nginx'], [3, 'sh'], [3, '-c'],
      [6, [[1, ''], [2, 0], [3, 8080], [4, 'TCP'], [5, '']]],
      [8, [[1, entry('cpu', [[1, '500m']])]]],
    ];
    const body = envelope('apps/v1', 'Deployment', [
      [1, meta('web', [[8, [[1, 1700000000], [2, 0]]]])],
      [2, [[1, 0], [2, [[1, entry('app', 'web')]]], [3, [[1, meta('')], [2, [[2, container]]]]], [4, []]]],
      [3, []],
    ]);
    expect(decodeKubernetesProtobuf(body, defaults)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', creationTimestamp: '2023-11-14T22:13:20Z' },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null },
          spec: { containers: [{ name: 'web', image: 'nginx', command: ['sh', '-c'], ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { limits: { cpu: '500m' } } }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('reads RBAC objects and access reviews', () => {
    const binding = envelope('rbac.authorization.k8s.io/v1', 'RoleBinding', [
      [1, meta('readers')],
      [2, [[1, 'ServiceAccount'], [2, ''], [3, 'builder'], [4, 'shop']]],
      [3, [[1, 'rbac.authorization.k8s.io'], [2, 'Role'], [3, 'reader']]],
    ]);
    expect(decodeKubernetesProtobuf(binding, defaults)).toMatchObject({
      subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'shop' }],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
    });
    const review = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', [
      [1, meta('')],
      [2, [[1, [[1, 'shop'], [2, 'list'], [3, ''], [4, ''], [5, 'secrets'], [6, ''], [7, '']]]]],
      [3, [[1, false], [2, ''], [3, ''], [4, false]]],
    ]);
    expect(decodeKubernetesProtobuf(review, defaults)).toMatchObject({
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace: 'shop', verb: 'list', resource: 'secrets' } },
      status: {},
    });
  });

  it('reads an Ingress: embedded structs inlined (a rule’s http), pointer strings kept even when empty', () => {
    const backend: Field[] = [[4, [[1, 'web'], [2, [[1, ''], [2, 8080]]]]]];
    const path: Field[] = [[1, '/'], [3, 'Prefix'], [2, backend]];
    const httpValue: Field[] = [[1, path]];
    const rule: Field[] = [[1, 'shop.example.com'], [2, [[1, httpValue]]]]; // host; ingressRuleValue { http }
    const port: Field[] = [[1, 40123], [2, 'TCP']];
    const balancer: Field[] = [[1, '127.0.0.1'], [2, ''], [4, port]];
    const body = envelope('networking.k8s.io/v1', 'Ingress', [
      [1, meta('shop')],
      [2, [[4, ''], [2, [[1, 'shop.example.com'], [2, '']]], [3, rule]]], // ingressClassName "" is a *string: set
      [3, [[1, [[1, balancer]]]]],
    ]);
    expect(decodeKubernetesProtobuf(body, { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' })).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop', creationTimestamp: null },
      spec: {
        ingressClassName: '',
        tls: [{ hosts: ['shop.example.com'] }],
        rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }] } }],
      },
      status: { loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: [{ port: 40123, protocol: 'TCP' }] }] } },
    });
  });

  it('inlines the embedded LocalObjectReference of an envFrom source', () => {
    const envFrom: Field[] = [[2, [[1, [[1, 'settings']]]]], [3, [[1, [[1, 'db']]]]]]; // configMapRef, secretRef
    const container: Field[] = [[1, 'web'], [2, 'nginx'], [19, envFrom]];
    const podSpec: Field[] = [[2, container]];
    const body = envelope('apps/v1', 'Deployment', [[1, meta('web')], [2, [[3, [[2, podSpec]]]]]]);
    const spec = decodeKubernetesProtobuf(body, { apiVersion: 'apps/v1', kind: 'Deployment' }).spec as { template: { spec: { containers: { envFrom: unknown }[] } } };
    expect(spec.template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'settings' }, secretRef: { name: 'db' } }]);
  });

  it('skips fields it does not know, as Go does for a newer client', () => {
    const body = envelope('v1', 'ConfigMap', [[1, meta('x')], [99, 'from the future'], [98, 7]]);
    expect(decodeKubernetesProtobuf(body, defaults)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', creationTimestamp: null } });
  });

  it('refuses what is not a Kubernetes protobuf message, with the real decoder’s words', () => {
    expect(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"ConfigMap"}'), defaults)).toThrow(
      new ProtobufDecodeError('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]'),
    );
    expect(() => decodeKubernetesProtobuf(envelope('v1', 'Gadget', []), defaults)).toThrow(
      'no kind "Gadget" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
    );
    expect(() => decodeKubernetesProtobuf(Buffer.concat([Buffer.from('k8s\0'), Buffer.from([0x12, 0x40, 0x01])]), defaults)).toThrow(ProtobufDecodeError);
  });
});
