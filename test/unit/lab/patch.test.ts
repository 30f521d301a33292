import { describe, expect, it } from 'vitest';
import {
  type JsonObject,
  type ManagedFieldsEntry,
  PatchError,
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  recordUpdateManager,
  serverSideApply,
} from '../../../main/lab/patch.js';

/** Frozen inputs make any mutation by the code under test throw. */
function frozen<T>(v: T): T {
  if (v && typeof v === 'object') {
    Object.values(v).forEach(frozen);
    Object.freeze(v);
  }
  return v;
}

function patchError(fn: () => unknown): PatchError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PatchError);
    return e as PatchError;
  }
  throw new Error('did not throw');
}

function deployment(containers: JsonObject[], extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'apps', uid: 'u-1', resourceVersion: '7', labels: { app: 'web' } },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers, ...extra } } },
  };
}

const containersOf = (obj: JsonObject) => ((obj.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers;
const podSpecOf = (obj: JsonObject) => ((obj.spec as JsonObject).template as { spec: JsonObject }).spec;

describe('applyMergePatch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, expected) => {
    expect(applyMergePatch(frozen(target), frozen(patch))).toEqual(expected);
  });

  it('replaces arrays whole, even of maps', () => {
    const target = deployment([{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }]);
    const result = applyMergePatch(frozen(target), { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } } });
    expect(containersOf(result)).toEqual([{ name: 'a', image: 'a:2' }]);
  });

  it('returns an object that shares nothing with the target', () => {
    const target = { metadata: { labels: { a: '1' } }, data: { x: 'y' } };
    const result = applyMergePatch(target, { data: { z: 'w' } });
    (result.metadata as { labels: Record<string, string> }).labels.a = 'changed';
    expect(target.metadata.labels.a).toBe('1');
  });

  it('rejects a patch that is not an object', () => {
    expect(patchError(() => applyMergePatch({}, [1])).code).toBe(400);
    expect(patchError(() => applyMergePatch({}, 'x')).code).toBe(400);
  });
});

describe('applyJsonPatch (RFC 6902)', () => {
  it.each([
    ['adds an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { foo: 'bar', baz: 'qux' }],
    ['inserts an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['appends with -', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['x'] }], { foo: ['bar', ['x']] }],
    ['adds at the end index', { foo: ['bar'] }, [{ op: 'add', path: '/foo/1', value: 'x' }], { foo: ['bar', 'x'] }],
    ['removes a member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['removes an element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['replaces a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    ['replaces an element', { foo: [1, 2] }, [{ op: 'replace', path: '/foo/0', value: 9 }], { foo: [9, 2] }],
    [
      'moves a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['moves an element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    ['copies a value', { a: { b: [1] } }, [{ op: 'copy', from: '/a', path: '/c' }], { a: { b: [1] }, c: { b: [1] } }],
    ['passes a test', { baz: 'qux', foo: ['a', 2, 'c'] }, [{ op: 'test', path: '/foo', value: ['a', 2, 'c'] }], { baz: 'qux', foo: ['a', 2, 'c'] }],
    ['unescapes ~1 and ~0', { 'a/b': 1, 'm~n': 2 }, [{ op: 'replace', path: '/a~1b', value: 3 }, { op: 'remove', path: '/m~0n' }], { 'a/b': 3 }],
    ['treats a key named like an index as a key', { '0': 'x' }, [{ op: 'replace', path: '/0', value: 'y' }], { '0': 'y' }],
    ['replaces the whole document', { a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }], { b: 2 }],
  ])('%s', (_name, target, ops, expected) => {
    expect(applyJsonPatch(frozen(target), frozen(ops))).toEqual(expected);
  });

  it('edits labels the way kubectl patch --type=json does', () => {
    const target = frozen({ metadata: { name: 'c', labels: { 'app.kubernetes.io/name': 'k10' } } });
    const result = applyJsonPatch(target, [
      { op: 'add', path: '/metadata/labels/dist.kio.kasten.io~1cluster-type', value: 'secondary' },
      { op: 'remove', path: '/metadata/labels/app.kubernetes.io~1name' },
    ]);
    expect(result).toEqual({ metadata: { name: 'c', labels: { 'dist.kio.kasten.io/cluster-type': 'secondary' } } });
  });

  it.each([
    ['a failing test', [{ op: 'test', path: '/a', value: 2 }], 'testing value /a failed: test failed'],
    ['a test of a missing path', [{ op: 'test', path: '/nope', value: null }], 'testing value /nope failed: test failed'],
    ['removing a missing member', [{ op: 'remove', path: '/nope' }], 'remove operation does not apply: doc is missing path: "/nope"'],
    ['replacing a missing member', [{ op: 'replace', path: '/nope', value: 1 }], 'replace operation does not apply: doc is missing path: "/nope"'],
    ['adding under a missing parent', [{ op: 'add', path: '/x/y', value: 1 }], 'add operation does not apply: doc is missing path: "/x/y"'],
    ['an index past the end', [{ op: 'add', path: '/list/3', value: 1 }], 'add operation does not apply: doc is missing path: "/list/3"'],
    ['an index with a leading zero', [{ op: 'replace', path: '/list/01', value: 1 }], 'replace operation does not apply: doc is missing path: "/list/01"'],
    ['removing at -', [{ op: 'remove', path: '/list/-' }], 'remove operation does not apply: doc is missing path: "/list/-"'],
    ['moving from a missing path', [{ op: 'move', from: '/nope', path: '/b' }], 'move operation does not apply: doc is missing from path: "/nope"'],
    ['copying from a missing path', [{ op: 'copy', from: '/nope', path: '/b' }], 'copy operation does not apply: doc is missing from path: "/nope"'],
    ['moving a value into itself', [{ op: 'move', from: '/obj', path: '/obj/inner' }], 'move operation does not apply: "/obj/inner" is inside "/obj"'],
    ['removing the document', [{ op: 'remove', path: '' }], 'remove operation does not apply: doc is missing path: ""'],
    ['replacing the document by a non-object', [{ op: 'replace', path: '', value: [1] }], 'the patched document is not a JSON object'],
  ])('refuses %s with 422, changing nothing', (_name, ops, message) => {
    const target = frozen({ a: 1, list: [1, 2], obj: { k: 'v' } });
    const err = patchError(() => applyJsonPatch(target, [{ op: 'add', path: '/added', value: 1 }, ...ops]));
    expect(err.message).toBe(message);
    expect(err.code).toBe(422);
  });

  it.each([
    ['not an array', { op: 'add' }],
    ['an operation that is not an object', ['add']],
    ['an unknown op', [{ op: 'merge', path: '/a' }]],
    ['a missing path', [{ op: 'remove' }]],
    ['add without a value', [{ op: 'add', path: '/a' }]],
    ['move without from', [{ op: 'move', path: '/a' }]],
    ['a pointer without a leading slash', [{ op: 'remove', path: 'a' }]],
    ['a bad ~ escape', [{ op: 'remove', path: '/a~2' }]],
  ])('rejects %s with 400', (_name, ops) => {
    expect(patchError(() => applyJsonPatch({ a: 1 }, ops)).code).toBe(400);
  });

  it('inserts copies, not the patch values themselves', () => {
    const value = { nested: ['x'] };
    const result = applyJsonPatch({}, [{ op: 'add', path: '/v', value }]);
    (result.v as { nested: string[] }).nested.push('y');
    expect(value.nested).toEqual(['x']);
  });
});

describe('applyStrategicMergePatch', () => {
  it('merges maps and deletes with null, like a merge patch', () => {
    const target = frozen({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { a: '1', b: '2' } }, data: { x: '1', y: '2' } });
    expect(applyStrategicMergePatch(target, { metadata: { labels: { a: null, c: '3' } }, data: { y: null, z: '3' } }, 'ConfigMap')).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', labels: { b: '2', c: '3' } },
      data: { x: '1', z: '3' },
    });
  });

  it('merges containers by name, keeping fields the patch does not mention', () => {
    const target = frozen(deployment([{ name: 'a', image: 'a:1', args: ['--x'] }, { name: 'b', image: 'b:1' }]));
    const result = applyStrategicMergePatch(target, { spec: { template: { spec: { containers: [{ name: 'b', image: 'b:2' }] } } } }, 'Deployment');
    expect(containersOf(result)).toEqual([
      { name: 'a', image: 'a:1', args: ['--x'] },
      { name: 'b', image: 'b:2' },
    ]);
    expect(result.metadata).toEqual((target as { metadata: unknown }).metadata);
  });

  it('puts a container new to the server first when no order is given, as the apiserver does', () => {
    const target = frozen(deployment([{ name: 'a', image: 'a:1' }]));
    const result = applyStrategicMergePatch(target, { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 's:1' }] } } } }, 'Deployment');
    expect(containersOf(result).map((c) => c.name)).toEqual(['sidecar', 'a']);
  });

  it('merges env by name, ports by containerPort, volumeMounts by mountPath and volumes by name', () => {
    const target = frozen(
      deployment(
        [
          {
            name: 'a',
            env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
            ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https' }],
            volumeMounts: [{ mountPath: '/data', name: 'data' }],
          },
        ],
        { volumes: [{ name: 'data', emptyDir: {} }] },
      ),
    );
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'a',
                env: [{ name: 'B', value: '20' }],
                ports: [{ containerPort: 443, protocol: 'TCP' }],
                volumeMounts: [{ mountPath: '/data', readOnly: true }],
              },
            ],
            volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }],
          },
        },
      },
    };
    const result = applyStrategicMergePatch(target, patch, 'Deployment');
    expect(containersOf(result)[0]).toEqual({
      name: 'a',
      env: [{ name: 'A', value: '1' }, { name: 'B', value: '20' }],
      ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443, name: 'https', protocol: 'TCP' }],
      volumeMounts: [{ mountPath: '/data', name: 'data', readOnly: true }],
    });
    expect(podSpecOf(result).volumes).toEqual([{ name: 'data', emptyDir: { medium: 'Memory' } }]);
  });

  it('merges ownerReferences by uid and ServiceAccount secrets by name', () => {
    const sa = frozen({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'k10', ownerReferences: [{ uid: 'o1', kind: 'Cluster', name: 'x' }] },
      secrets: [{ name: 's1' }],
      imagePullSecrets: [{ name: 'p1' }],
    });
    const result = applyStrategicMergePatch(
      sa,
      {
        metadata: { ownerReferences: [{ uid: 'o1', controller: true }] },
        secrets: [{ name: 's2' }],
        imagePullSecrets: [{ name: 'p2' }],
      },
      'ServiceAccount',
    );
    expect(result.metadata).toEqual({ name: 'k10', ownerReferences: [{ uid: 'o1', kind: 'Cluster', name: 'x', controller: true }] });
    expect(result.secrets).toEqual([{ name: 's2' }, { name: 's1' }]);
    // imagePullSecrets has no merge key on a ServiceAccount (unlike on a pod), so it is replaced.
    expect(result.imagePullSecrets).toEqual([{ name: 'p2' }]);
  });

  it('treats finalizers as a set and honours $deleteFromPrimitiveList', () => {
    const ns = frozen({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', finalizers: ['a', 'b'] } });
    expect(applyStrategicMergePatch(ns, { metadata: { finalizers: ['b', 'c'] } }, 'Namespace').metadata).toEqual({ name: 'n', finalizers: ['a', 'b', 'c'] });
    expect(applyStrategicMergePatch(ns, { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }, 'Namespace').metadata).toEqual({
      name: 'n',
      finalizers: ['b'],
    });
  });

  it('replaces lists without a merge key', () => {
    const role = frozen({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ verbs: ['get'], resources: ['pods'] }] });
    const result = applyStrategicMergePatch(role, { rules: [{ verbs: ['list'], resources: ['secrets'], apiGroups: [''] }] }, 'Role');
    expect(result.rules).toEqual([{ verbs: ['list'], resources: ['secrets'], apiGroups: [''] }]);
    const dep = frozen(deployment([{ name: 'a', args: ['1', '2'] }]));
    expect(containersOf(applyStrategicMergePatch(dep, { spec: { template: { spec: { containers: [{ name: 'a', args: ['3'] }] } } } }, 'Deployment'))[0].args).toEqual(['3']);
  });

  it('applies $patch: replace to a map and to a list', () => {
    const target = frozen(deployment([{ name: 'a' }, { name: 'b' }]));
    const mapReplaced = applyStrategicMergePatch(target, { metadata: { labels: { $patch: 'replace', only: 'this' } } }, 'Deployment');
    expect((mapReplaced.metadata as JsonObject).labels).toEqual({ only: 'this' });
    const listReplaced = applyStrategicMergePatch(target, { spec: { template: { spec: { containers: [{ name: 'c' }, { $patch: 'replace' }] } } } }, 'Deployment');
    expect(containersOf(listReplaced)).toEqual([{ name: 'c' }]);
  });

  it('applies $patch: delete to a map and to a list element', () => {
    const target = frozen(deployment([{ name: 'a' }, { name: 'b' }]));
    const result = applyStrategicMergePatch(
      target,
      { metadata: { labels: { $patch: 'delete' } }, spec: { template: { spec: { containers: [{ name: 'a', $patch: 'delete' }] } } } },
      'Deployment',
    );
    expect((result.metadata as JsonObject).labels).toEqual({});
    expect(containersOf(result)).toEqual([{ name: 'b' }]);
  });

  it('accepts $patch: merge as the default', () => {
    const target = frozen(deployment([{ name: 'a', image: 'a:1' }]));
    const result = applyStrategicMergePatch(
      target,
      { metadata: { labels: { $patch: 'merge', x: 'y' } }, spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2', $patch: 'merge' }, { $patch: 'merge' }] } } } },
      'Deployment',
    );
    expect((result.metadata as JsonObject).labels).toEqual({ app: 'web', x: 'y' });
    expect(containersOf(result)).toEqual([{ name: 'a', image: 'a:2' }]);
  });

  it('applies $retainKeys the way kubectl sends it for a deployment strategy', () => {
    const target = frozen({ ...deployment([]), spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } });
    const result = applyStrategicMergePatch(target, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } }, 'Deployment');
    expect(result.spec).toEqual({ strategy: { type: 'Recreate' } });
  });

  it('orders a list by $setElementOrder, keeping server-only items where they were', () => {
    const target = frozen(deployment([{ name: 'a' }, { name: 'injected' }, { name: 'c' }]));
    const result = applyStrategicMergePatch(
      target,
      { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }], containers: [{ name: 'b', image: 'b:1' }] } } } },
      'Deployment',
    );
    expect(containersOf(result)).toEqual([{ name: 'a' }, { name: 'b', image: 'b:1' }, { name: 'injected' }, { name: 'c' }]);
  });

  it('reorders a list from $setElementOrder alone, and orders primitive lists', () => {
    const target = frozen({ ...deployment([{ name: 'a' }, { name: 'b' }]), metadata: { name: 'web', finalizers: ['x', 'y'] } });
    const result = applyStrategicMergePatch(
      target,
      {
        metadata: { '$setElementOrder/finalizers': ['z', 'y'], finalizers: ['z'], '$deleteFromPrimitiveList/finalizers': ['x'] },
        spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }] } } },
      },
      'Deployment',
    );
    expect(result.metadata).toEqual({ name: 'web', finalizers: ['z', 'y'] });
    expect(containersOf(result).map((c) => c.name)).toEqual(['b', 'a']);
  });

  it('applies kubectl client-side apply’s three-way patch: change one container, delete another', () => {
    // `kubectl apply` after removing container "sidecar" from the manifest and bumping "app":
    // this is the patch it computes from last-applied, the new manifest and the live object.
    const live = frozen({
      ...deployment([
        {
          name: 'app',
          image: 'app:1',
          imagePullPolicy: 'IfNotPresent',
          env: [{ name: 'MODE', value: 'a' }, { name: 'LEVEL', value: '1' }],
          terminationMessagePath: '/dev/termination-log',
        },
        { name: 'sidecar', image: 'sidecar:1' },
      ]),
      metadata: {
        name: 'web',
        namespace: 'apps',
        uid: 'u-1',
        resourceVersion: '7',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}', 'deployment.kubernetes.io/revision': '1' },
        labels: { app: 'web' },
      },
    });
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}' } },
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'app' }],
            containers: [
              {
                '$setElementOrder/env': [{ name: 'LEVEL' }, { name: 'MODE' }, { name: 'EXTRA' }],
                env: [{ name: 'LEVEL', value: '2' }, { name: 'EXTRA', value: 'x' }],
                image: 'app:2',
                name: 'app',
              },
              { $patch: 'delete', name: 'sidecar' },
            ],
          },
        },
      },
    };
    const result = applyStrategicMergePatch(live, frozen(patch), 'Deployment');
    expect(containersOf(result)).toEqual([
      {
        name: 'app',
        image: 'app:2',
        imagePullPolicy: 'IfNotPresent',
        env: [{ name: 'LEVEL', value: '2' }, { name: 'MODE', value: 'a' }, { name: 'EXTRA', value: 'x' }],
        terminationMessagePath: '/dev/termination-log',
      },
    ]);
    expect((result.metadata as JsonObject).annotations).toEqual({
      'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}',
      'deployment.kubernetes.io/revision': '1',
    });
    expect(JSON.stringify(result)).not.toContain('$');
  });

  it('adds a list the server does not have yet, dropping directives and nulls', () => {
    const target = frozen(deployment([{ name: 'a' }]));
    const result = applyStrategicMergePatch(
      target,
      { spec: { template: { spec: { '$setElementOrder/initContainers': [{ name: 'init' }], initContainers: [{ name: 'init', image: 'i', args: null }, { name: 'gone', $patch: 'delete' }] } } } },
      'Deployment',
    );
    expect(podSpecOf(result).initContainers).toEqual([{ name: 'init', image: 'i' }]);
  });

  it.each([
    ['an unknown $patch', { metadata: { labels: { $patch: 'explode' } } }, 400, /^unknown patch type: explode in map/],
    ['an element without its merge key', { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 422, /does not contain declared merge key: name/],
    ['a deletion without its merge key', { spec: { template: { spec: { containers: [{ $patch: 'delete' }] } } } }, 422, /does not contain declared merge key: name/],
    [
      'an order list that contradicts the patch',
      { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'a' }], containers: [{ name: 'b' }] } } } },
      400,
      /doesn't match \$setElementOrder list/,
    ],
    ['an order list that is not a list', { spec: { template: { spec: { '$setElementOrder/containers': 'a' } } } }, 400, /setElementOrder list/],
    ['a key outside $retainKeys', { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, 400, /retainKeys/],
    ['a delete list that is not a list', { metadata: { '$deleteFromPrimitiveList/finalizers': 'x' } }, 400, /primitive list/],
    ['a scalar in a list merged by key', { spec: { template: { spec: { containers: ['a'] } } } }, 422, /expected a map/],
    ['a map in a merged set', { metadata: { finalizers: [{ a: 1 }] } }, 422, /cannot merge lists without merge key/],
    ['a list of lists', { metadata: { finalizers: [['a']] } }, 422, /lists of lists are not supported/],
  ])('rejects %s', (_name, patch, code, message) => {
    const err = patchError(() => applyStrategicMergePatch(frozen(deployment([{ name: 'a' }])), patch, 'Deployment'));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('refuses kinds without strategic merge, as for custom resources', () => {
    const err = patchError(() => applyStrategicMergePatch({ kind: 'Cluster' }, {}, 'Cluster'));
    expect(err.code).toBe(415);
    expect(err.message).toContain('application/merge-patch+json');
  });

  it('rejects a patch that is not an object', () => {
    expect(patchError(() => applyStrategicMergePatch({}, [], 'Secret')).code).toBe(400);
  });
});

const T0 = '2024-01-01T00:00:00Z';
const T1 = '2024-01-01T00:01:00Z';
const T2 = '2024-01-01T00:02:00Z';

function managed(obj: JsonObject): ManagedFieldsEntry[] {
  return ((obj.metadata as JsonObject).managedFields ?? []) as ManagedFieldsEntry[];
}

function entry(obj: JsonObject, manager: string, operation = 'Apply'): ManagedFieldsEntry | undefined {
  return managed(obj).find((e) => e.manager === manager && e.operation === operation);
}

function configMap(data: Record<string, string>, metadata: JsonObject = {}): JsonObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'ns', ...metadata }, data };
}

/** As the store would return it after create: server-set metadata filled in. */
function stored(obj: JsonObject): JsonObject {
  const meta = obj.metadata as JsonObject;
  return frozen({ ...obj, metadata: { ...meta, uid: 'uid-1', resourceVersion: '1', creationTimestamp: T0 } });
}

describe('serverSideApply', () => {
  it('creates the object and records the applier’s fields in FieldsV1', () => {
    const { object, conflicts } = serverSideApply(undefined, frozen(configMap({ a: '1' }, { labels: { team: 'ops' } })), 'flotilla', { force: false, time: T0 });
    expect(conflicts).toEqual([]);
    expect(object).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'cfg',
        namespace: 'ns',
        labels: { team: 'ops' },
        managedFields: [
          {
            manager: 'flotilla',
            operation: 'Apply',
            apiVersion: 'v1',
            time: T0,
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:team': {} } } },
          },
        ],
      },
      data: { a: '1' },
    });
  });

  it('uses k: for keyed list elements and v: for set elements, and owns other lists whole', () => {
    const applied = deployment([{ name: 'app', image: 'app:1', args: ['--a'], env: [{ name: 'E', value: '1' }] }]);
    (applied.metadata as JsonObject).finalizers = ['example.com/keep'];
    const { object } = serverSideApply(undefined, frozen(applied), 'kubectl', { force: false, time: T0 });
    expect(entry(object, 'kubectl')!.fieldsV1).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"example.com/keep"': {} }, 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': { 'f:matchLabels': { 'f:app': {} } },
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"app"}': {
                '.': {},
                'f:args': {},
                'f:env': { 'k:{"name":"E"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
                'f:image': {},
                'f:name': {},
              },
            },
          },
        },
      },
    });
  });

  it('never owns or removes server-set metadata', () => {
    const first = serverSideApply(undefined, configMap({ a: '1' }), 'm', { force: false, time: T0 }).object;
    const live = stored(first);
    const again = serverSideApply(live, frozen(configMap({})), 'm', { force: false, time: T1 }).object;
    expect(again.metadata).toMatchObject({ name: 'cfg', namespace: 'ns', uid: 'uid-1', resourceVersion: '1', creationTimestamp: T0 });
    expect(again.data).toEqual({});
    expect(entry(again, 'm')!.fieldsV1).toEqual({ 'f:data': {} });
  });

  it('leaves the object exactly as it is, time included, when re-applied unchanged', () => {
    const live = stored(serverSideApply(undefined, configMap({ a: '1' }), 'm', { force: false, time: T0 }).object);
    const { object, conflicts } = serverSideApply(live, frozen(configMap({ a: '1' })), 'm', { force: false, time: T1 });
    expect(conflicts).toEqual([]);
    expect(object).toEqual(live);
  });

  it('removes fields the manager applied before and no longer applies', () => {
    const live = stored(serverSideApply(undefined, configMap({ a: '1', b: '2' }, { labels: { x: '1' } }), 'm', { force: false, time: T0 }).object);
    const { object } = serverSideApply(live, frozen(configMap({ a: '1' })), 'm', { force: false, time: T1 });
    expect(object.data).toEqual({ a: '1' });
    expect((object.metadata as JsonObject).labels).toBeUndefined();
    expect(entry(object, 'm')).toMatchObject({ time: T1, fieldsV1: { 'f:data': { 'f:a': {} } } });
  });

  it('keeps a dropped field that another manager also owns', () => {
    const first = stored(serverSideApply(undefined, configMap({ a: '1', shared: 's' }), 'one', { force: false, time: T0 }).object);
    const second = serverSideApply(first, frozen(configMap({ shared: 's' })), 'two', { force: false, time: T1 });
    expect(second.conflicts).toEqual([]);
    const third = serverSideApply(second.object, frozen(configMap({ a: '1' })), 'one', { force: false, time: T2 }).object;
    expect(third.data).toEqual({ a: '1', shared: 's' });
    expect(entry(third, 'one')!.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
    expect(entry(third, 'two')!.fieldsV1).toEqual({ 'f:data': { 'f:shared': {} } });
  });

  it('reports a conflict with another applier that set a different value, and changes nothing', () => {
    const first = stored(serverSideApply(undefined, configMap({ a: '1' }), 'one', { force: false, time: T0 }).object);
    const { object, conflicts } = serverSideApply(first, frozen(configMap({ a: '2', b: '3' })), 'two', { force: false, time: T1 });
    expect(conflicts).toEqual([{ manager: 'one', field: '.data.a' }]);
    expect(object).toEqual(first);
  });

  it('with force, takes the contested fields over', () => {
    const first = stored(serverSideApply(undefined, configMap({ a: '1', keep: 'k' }), 'one', { force: false, time: T0 }).object);
    const { object, conflicts } = serverSideApply(first, frozen(configMap({ a: '2' })), 'two', { force: true, time: T1 });
    expect(conflicts).toEqual([]);
    expect(object.data).toEqual({ a: '2', keep: 'k' });
    expect(entry(object, 'one')!.fieldsV1).toEqual({ 'f:data': { 'f:keep': {} } });
    expect(entry(object, 'two')!.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
  });

  it('drops a manager whose last field was taken over', () => {
    const first = stored(serverSideApply(undefined, configMap({ a: '1' }), 'one', { force: false, time: T0 }).object);
    const { object } = serverSideApply(first, frozen(configMap({ a: '2' })), 'two', { force: true, time: T1 });
    expect(managed(object).map((e) => e.manager)).toEqual(['two']);
  });

  it('lets managers own different containers of one list', () => {
    const base = stored(serverSideApply(undefined, deployment([{ name: 'app', image: 'app:1' }]), 'team', { force: false, time: T0 }).object);
    const withSidecar = serverSideApply(
      base,
      frozen({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' }, spec: { template: { spec: { containers: [{ name: 'mesh', image: 'mesh:1' }] } } } }),
      'injector',
      { force: false, time: T1 },
    );
    expect(withSidecar.conflicts).toEqual([]);
    expect(containersOf(withSidecar.object).map((c) => c.name)).toEqual(['app', 'mesh']);

    // The team changes its image; the injector's container is not theirs to remove.
    const bumped = serverSideApply(withSidecar.object, frozen(deployment([{ name: 'app', image: 'app:2' }])), 'team', { force: false, time: T2 });
    expect(bumped.conflicts).toEqual([]);
    expect(containersOf(bumped.object)).toEqual([{ name: 'app', image: 'app:2' }, { name: 'mesh', image: 'mesh:1' }]);

    // The injector stops applying its container: it goes, the team's stays.
    const withdrawn = serverSideApply(
      bumped.object,
      frozen({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps' }, spec: { replicas: 2 } }),
      'injector',
      { force: false, time: T2 },
    );
    expect(containersOf(withdrawn.object)).toEqual([{ name: 'app', image: 'app:2' }]);
  });

  it('names a contested list element field the way the apiserver prints it', () => {
    const base = stored(serverSideApply(undefined, deployment([{ name: 'app', image: 'app:1' }]), 'team', { force: false, time: T0 }).object);
    const { conflicts } = serverSideApply(base, frozen(deployment([{ name: 'app', image: 'app:9' }])), 'other', { force: false, time: T1 });
    expect(conflicts).toEqual([{ manager: 'team', field: '.spec.template.spec.containers[name="app"].image' }]);
  });

  it('treats null in the configuration as not specified', () => {
    const { object } = serverSideApply(undefined, frozen(configMap({ a: '1' }, { labels: null })), 'm', { force: false, time: T0 });
    expect((object.metadata as JsonObject).labels).toBeUndefined();
    expect(entry(object, 'm')!.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
  });

  it('requires a manager', () => {
    expect(patchError(() => serverSideApply(undefined, configMap({}), '', { force: false })).code).toBe(400);
  });

  it('stamps the time to the second when none is given', () => {
    const { object } = serverSideApply(undefined, configMap({ a: '1' }), 'm', { force: false });
    expect(entry(object, 'm')!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

describe('recordUpdateManager', () => {
  it('gives the creator every field it wrote', () => {
    const created = recordUpdateManager(undefined, frozen(configMap({ a: '1' }, { labels: { x: 'y' } })), 'kubectl-create', 'Update', { time: T0 });
    expect(managed(created)).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:a': {} }, 'f:metadata': { 'f:labels': { 'f:x': {} } } },
      },
    ]);
  });

  it('moves a changed field from its applier to the updater, who then conflicts with the next apply', () => {
    const applied = stored(serverSideApply(undefined, configMap({ a: '1', b: '2' }), 'flotilla', { force: false, time: T0 }).object);
    const edited = recordUpdateManager(applied, frozen({ ...applied, data: { a: 'edited', b: '2' } }), 'kubectl-edit', 'Update', { time: T1 });
    expect(entry(edited, 'flotilla')!.fieldsV1).toEqual({ 'f:data': { 'f:b': {} } });
    expect(entry(edited, 'kubectl-edit', 'Update')).toMatchObject({ time: T1, fieldsV1: { 'f:data': { 'f:a': {} } } });

    const reapplied = serverSideApply(edited, frozen(configMap({ a: '1', b: '2' })), 'flotilla', { force: false, time: T2 });
    expect(reapplied.conflicts).toEqual([{ manager: 'kubectl-edit', field: '.data.a' }]);
    expect(reapplied.object).toEqual(edited);
  });

  it('takes removed fields away from every manager', () => {
    const applied = stored(serverSideApply(undefined, configMap({ a: '1', b: '2' }), 'flotilla', { force: false, time: T0 }).object);
    const patched = recordUpdateManager(applied, frozen({ ...applied, data: { a: '1' } }), 'kubectl-patch', 'Update', { time: T1 });
    expect(entry(patched, 'flotilla')!.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
    expect(entry(patched, 'kubectl-patch', 'Update')).toBeUndefined();
  });

  it('adds no entry for a write that changes nothing', () => {
    const applied = stored(serverSideApply(undefined, configMap({ a: '1' }), 'flotilla', { force: false, time: T0 }).object);
    const same = recordUpdateManager(applied, frozen({ ...applied }), 'someone', 'Update', { time: T1 });
    expect(managed(same)).toEqual(managed(applied));
  });

  it('resets managedFields when the write replaces them with [{}], and keeps them when it sends []', () => {
    const applied = stored(serverSideApply(undefined, configMap({ a: '1' }), 'flotilla', { force: false, time: T0 }).object);
    const meta = applied.metadata as JsonObject;
    const reset = recordUpdateManager(applied, frozen({ ...applied, metadata: { ...meta, managedFields: [{}] } }), 'x', 'Update', { time: T1 });
    expect(managed(reset)).toEqual([]);
    const kept = recordUpdateManager(applied, frozen({ ...applied, metadata: { ...meta, managedFields: [] } }), 'x', 'Update', { time: T1 });
    expect(managed(kept)).toEqual(managed(applied));
  });
});
