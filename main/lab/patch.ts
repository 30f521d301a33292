/**
 * The write semantics of the lab API server: JSON merge patch (RFC 7386),
 * JSON patch (RFC 6902), Kubernetes strategic merge patch, and a simplified
 * server-side apply with managedFields. They follow k8s.io/apimachinery
 * (`strategicpatch`, `evanphx/json-patch`) and structured-merge-diff closely
 * enough that kubectl's client-side apply, `kubectl patch`, `kubectl apply
 * --server-side` and client-node see what a real cluster would do.
 *
 * Every function is pure: inputs are never mutated (each works on a deep
 * copy) and results share no objects with them, so the server may mutate a
 * result freely. A bad patch throws PatchError with the status the apiserver
 * would answer.
 */

export type JsonObject = Record<string, unknown>;

/** A patch the apiserver would refuse: `code` 400 for a malformed patch, 422 when it cannot apply, 415 when the kind has no strategic merge. */
export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: 400 | 415 | 422 = 422,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Assigns without triggering the `__proto__` setter, since keys come from clients. */
function put(obj: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
}

function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

/** A copy without null map values: the apiserver decodes `null` into "absent" before storing. */
function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) put(out, k, stripNulls(x));
  return out;
}

function requireObject(v: unknown, what: string): JsonObject {
  if (!isObject(v)) throw new PatchError(`${what} must be a JSON object`, 400);
  return v;
}

// ---------------------------------------------------------------------------
// JSON merge patch (RFC 7386)

function mergePatchInto(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result = isObject(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else put(result, k, mergePatchInto(result[k], v));
  }
  return result;
}

/**
 * RFC 7386: maps merge recursively, `null` deletes, anything else (arrays
 * included) replaces. The patch must be an object, as the apiserver requires.
 */
export function applyMergePatch(target: JsonObject, patch: unknown): JsonObject {
  return mergePatchInto(clone(target), requireObject(patch, 'a merge patch')) as JsonObject;
}

// ---------------------------------------------------------------------------
// JSON patch (RFC 6902)

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError(`JSON pointer must be empty or start with a "/": ${JSON.stringify(pointer)}`, 400);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~([^01]|$)/.test(token)) throw new PatchError(`invalid JSON pointer escape in ${JSON.stringify(pointer)}`, 400);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function validOperation(raw: unknown, index: number): JsonPatchOperation {
  const bad = (why: string) => new PatchError(`invalid JSON patch operation ${index}: ${why}`, 400);
  if (!isObject(raw)) throw bad('not an object');
  if (typeof raw.op !== 'string' || !OPS.has(raw.op)) throw bad(`unexpected kind: ${JSON.stringify(raw.op)}`);
  if (typeof raw.path !== 'string') throw bad('missing "path"');
  if ((raw.op === 'move' || raw.op === 'copy') && typeof raw.from !== 'string') throw bad(`${raw.op} without "from"`);
  if ((raw.op === 'add' || raw.op === 'replace' || raw.op === 'test') && !Object.hasOwn(raw, 'value')) throw bad(`${raw.op} without "value"`);
  return raw as unknown as JsonPatchOperation;
}

/** An array index token: `-` (one past the end) only where `allowEnd`, no leading zeros. */
function arrayIndex(arr: unknown[], token: string, allowEnd: boolean): number | undefined {
  if (token === '-') return allowEnd ? arr.length : undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const i = Number(token);
  return i < arr.length || (allowEnd && i === arr.length) ? i : undefined;
}

const MISSING = Symbol('missing');

function getAt(doc: unknown, tokens: string[]): unknown {
  let cur = doc;
  for (const token of tokens) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(cur, token, false);
      if (i === undefined) return MISSING;
      cur = cur[i];
    } else if (isObject(cur) && Object.hasOwn(cur, token)) {
      cur = cur[token];
    } else {
      return MISSING;
    }
  }
  return cur;
}

/**
 * Runs one operation on `doc`, which is a private copy and mutated in place;
 * returns the (possibly new) root because a path of `""` replaces it.
 */
function applyOperation(doc: unknown, op: JsonPatchOperation): unknown {
  const missing = (path: string, what = 'path') => new PatchError(`${op.op} operation does not apply: doc is missing ${what}: ${JSON.stringify(path)}`);
  const parentOf = (tokens: string[], path: string) => {
    const parent = getAt(doc, tokens.slice(0, -1));
    if (!isObject(parent) && !Array.isArray(parent)) throw missing(path);
    return { parent, last: tokens[tokens.length - 1] };
  };
  const add = (tokens: string[], path: string, value: unknown, replace = false): unknown => {
    if (tokens.length === 0) return value;
    const { parent, last } = parentOf(tokens, path);
    if (Array.isArray(parent)) {
      const i = arrayIndex(parent, last, !replace);
      if (i === undefined) throw missing(path);
      parent.splice(i, replace ? 1 : 0, value);
    } else {
      if (replace && !Object.hasOwn(parent, last)) throw missing(path);
      put(parent, last, value);
    }
    return doc;
  };
  const remove = (tokens: string[], path: string, what = 'path'): unknown => {
    if (tokens.length === 0) throw missing(path, what);
    const { parent, last } = parentOf(tokens, path);
    if (Array.isArray(parent)) {
      const i = arrayIndex(parent, last, false);
      if (i === undefined) throw missing(path, what);
      return parent.splice(i, 1)[0];
    }
    if (!Object.hasOwn(parent, last)) throw missing(path, what);
    const value = parent[last];
    delete parent[last];
    return value;
  };

  const tokens = parsePointer(op.path);
  switch (op.op) {
    case 'add':
      return add(tokens, op.path, clone(op.value));
    case 'remove':
      remove(tokens, op.path);
      return doc;
    case 'replace':
      return add(tokens, op.path, clone(op.value), true);
    case 'move': {
      const from = parsePointer(op.from!);
      if (op.from === op.path) {
        if (getAt(doc, from) === MISSING) throw missing(op.from!, 'from path');
        return doc;
      }
      if (tokens.length > from.length && from.every((t, i) => t === tokens[i])) {
        throw new PatchError(`move operation does not apply: ${JSON.stringify(op.path)} is inside ${JSON.stringify(op.from)}`);
      }
      return add(tokens, op.path, remove(from, op.from!, 'from path'));
    }
    case 'copy': {
      const value = getAt(doc, parsePointer(op.from!));
      if (value === MISSING) throw missing(op.from!, 'from path');
      return add(tokens, op.path, clone(value));
    }
    case 'test':
      if (!deepEqual(getAt(doc, tokens), op.value)) throw new PatchError(`testing value ${op.path} failed: test failed`);
      return doc;
  }
}

/**
 * RFC 6902: the operations run in order on a copy; the first that cannot
 * apply (missing path, out-of-range index, failed `test`) throws and nothing
 * is changed.
 */
export function applyJsonPatch(target: JsonObject, ops: unknown): JsonObject {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations', 400);
  const valid = ops.map(validOperation);
  let doc: unknown = clone(target);
  for (const op of valid) doc = applyOperation(doc, op);
  if (!isObject(doc)) throw new PatchError('the patched document is not a JSON object');
  return doc;
}

// ---------------------------------------------------------------------------
// Strategic merge patch

/** How a field merges, from the Go struct tags `patchStrategy` / `patchMergeKey`. */
interface FieldStrategy {
  /**
   * Lists: `merge` merges them, by `mergeKey` for lists of maps or as a set
   * for lists of scalars; any other list is replaced whole. Maps always merge
   * unless `replace`.
   */
  strategy?: 'merge' | 'replace';
  mergeKey?: string;
  /** Strategies of this map's fields, or of each element's fields for a list of maps. */
  fields?: PatchSchema;
}

type PatchSchema = { readonly [field: string]: FieldStrategy };

const mergeBy = (mergeKey: string, fields?: PatchSchema): FieldStrategy => ({ strategy: 'merge', mergeKey, fields });

const OBJECT_META: FieldStrategy = {
  fields: { finalizers: { strategy: 'merge' }, ownerReferences: mergeBy('uid') },
};
const CONTAINER: PatchSchema = {
  env: mergeBy('name'),
  ports: mergeBy('containerPort'),
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
};
const POD_SPEC: PatchSchema = {
  containers: mergeBy('name', CONTAINER),
  initContainers: mergeBy('name', CONTAINER),
  ephemeralContainers: mergeBy('name', CONTAINER),
  volumes: mergeBy('name'),
  imagePullSecrets: mergeBy('name'),
  hostAliases: mergeBy('ip'),
  topologySpreadConstraints: mergeBy('topologyKey'),
  schedulingGates: mergeBy('name'),
  resourceClaims: mergeBy('name'),
};
const CONDITIONS = mergeBy('type');

/**
 * Patch metadata of the built-in kinds the lab serves, from k8s.io/api.
 * Fields not listed merge as maps or are replaced as lists. ServiceAccount
 * `imagePullSecrets` is atomic there (unlike a pod's), so it is not listed.
 * Server-side apply reads the same table to tell keyed lists and sets from
 * atomic lists.
 */
const STRATEGIC_MERGE_SCHEMAS: Readonly<Record<string, PatchSchema>> = {
  Namespace: { metadata: OBJECT_META, status: { fields: { conditions: CONDITIONS } } },
  Secret: { metadata: OBJECT_META },
  ConfigMap: { metadata: OBJECT_META },
  ServiceAccount: { metadata: OBJECT_META, secrets: mergeBy('name') },
  Deployment: {
    metadata: OBJECT_META,
    spec: { fields: { template: { fields: { metadata: OBJECT_META, spec: { fields: POD_SPEC } } } } },
    status: { fields: { conditions: CONDITIONS } },
  },
  // Every list of an Ingress (rules, paths, tls, load-balancer entries) is atomic: replaced whole.
  Ingress: { metadata: OBJECT_META },
  Role: { metadata: OBJECT_META },
  ClusterRole: { metadata: OBJECT_META },
  RoleBinding: { metadata: OBJECT_META },
  ClusterRoleBinding: { metadata: OBJECT_META },
};

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PREFIX = '$deleteFromPrimitiveList/';
const ORDER_PREFIX = '$setElementOrder/';

function omit(obj: JsonObject, key: string): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) if (k !== key) put(out, k, v);
  return out;
}

/**
 * Merges `patch` into `original` (a private copy, mutated) following the
 * apiserver's `mergeMap` with `IgnoreUnmatchedNulls`: directives first
 * (`$patch`, `$retainKeys`, `$setElementOrder`, `$deleteFromPrimitiveList`),
 * then every other key.
 */
function mergeMap(original: JsonObject | undefined, patch: JsonObject, schema: PatchSchema | undefined): JsonObject {
  const directive = patch[DIRECTIVE];
  if (directive === 'delete') return {};
  if (directive === 'replace') return mergeMap(undefined, omit(patch, DIRECTIVE), schema);
  if (directive !== undefined && directive !== 'merge') {
    throw new PatchError(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`, 400);
  }

  let result = original ?? {};
  if (Object.hasOwn(patch, RETAIN_KEYS)) result = retainKeys(result, patch);
  const done = new Set([DIRECTIVE, RETAIN_KEYS]);
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(ORDER_PREFIX)) continue;
    const field = key.slice(ORDER_PREFIX.length);
    const list = orderedList(result[field], patch[field], order, schema?.[field]);
    if (list !== undefined) put(result, field, list);
    done.add(key).add(field);
  }
  for (const [key, toDelete] of Object.entries(patch)) {
    if (!key.startsWith(DELETE_PREFIX)) continue;
    if (!Array.isArray(toDelete)) throw new PatchError('invalid patch format of primitive list', 400);
    const field = key.slice(DELETE_PREFIX.length);
    const current = result[field];
    if (Array.isArray(current)) put(result, field, current.filter((v) => !toDelete.some((d) => deepEqual(d, v))));
    done.add(key);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (done.has(key)) continue;
    if (value === null) delete result[key];
    else put(result, key, mergeValue(result[key], value, schema?.[key]));
  }
  return result;
}

/** `$retainKeys`: keep only the listed keys of the original; the patch itself may only set listed keys. */
function retainKeys(original: JsonObject, patch: JsonObject): JsonObject {
  const keep = patch[RETAIN_KEYS];
  const format = new PatchError('invalid patch format of retainKeys', 400);
  if (!Array.isArray(keep) || !keep.every((k) => typeof k === 'string')) throw format;
  for (const [k, v] of Object.entries(patch)) {
    if (v !== null && !k.startsWith('$') && !keep.includes(k)) throw format;
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(original)) if (keep.includes(k)) put(out, k, v);
  return out;
}

function mergeValue(original: unknown, patch: unknown, field: FieldStrategy | undefined): unknown {
  if (isObject(patch)) {
    const base = isObject(original) && field?.strategy !== 'replace' ? original : undefined;
    return mergeMap(base, patch, field?.fields);
  }
  if (Array.isArray(patch)) {
    if (field?.strategy === 'merge') return mergeList(Array.isArray(original) ? original : [], patch, field);
    return stripNulls(patch);
  }
  return patch;
}

/** How list elements are told apart: by merge key for lists of maps, by value for scalars. */
function identity(mergeKey: string | undefined): (v: unknown) => unknown {
  return mergeKey ? (v) => (isObject(v) ? v[mergeKey] : undefined) : (v) => v;
}

function mergeList(original: unknown[], patch: unknown[], field: FieldStrategy): unknown[] {
  if ([...original, ...patch].some(Array.isArray)) throw new PatchError('lists of lists are not supported');
  const key = field.mergeKey;
  if (!key) {
    if (patch.some(isObject)) throw new PatchError(`cannot merge lists without merge key: ${JSON.stringify(patch)}`);
    const merged = [...original];
    for (const v of patch) if (!merged.some((m) => deepEqual(m, v))) merged.push(v);
    return normalizeOrder(merged, patch, original, identity(undefined));
  }

  let base = original;
  let replace = false;
  const items: JsonObject[] = [];
  for (const el of patch) {
    if (!isObject(el)) throw new PatchError(`expected a map in a list merged by "${key}", got ${JSON.stringify(el)}`);
    const directive = el[DIRECTIVE];
    if (directive === undefined || (directive === 'merge' && Object.hasOwn(el, key))) items.push(el);
    else if (directive === 'delete') {
      if (!Object.hasOwn(el, key)) throw noMergeKey(el, key);
      base = base.filter((o) => !(isObject(o) && deepEqual(o[key], el[key])));
    } else if (directive === 'replace') replace = true;
    // A bare `{$patch: merge}` element only confirms the default.
    else if (directive !== 'merge') throw new PatchError(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(el)}`, 400);
  }
  if (replace) base = [];

  const merged = [...base];
  for (const el of items) {
    if (!Object.hasOwn(el, key)) throw noMergeKey(el, key);
    const i = merged.findIndex((o) => isObject(o) && deepEqual(o[key], el[key]));
    if (i >= 0) merged[i] = mergeMap(merged[i] as JsonObject, el, field.fields);
    else merged.push(mergeMap(undefined, el, field.fields));
  }
  return normalizeOrder(merged, items, base, identity(key));
}

function noMergeKey(el: JsonObject, key: string): PatchError {
  return new PatchError(`map: ${JSON.stringify(el)} does not contain declared merge key: ${key}`);
}

/**
 * The apiserver's `normalizeElementOrder`: items named in `patchOrder` take
 * that order, the others keep the server's order, and the two are interleaved
 * by the server's order where both are known. So an item new to the server
 * lands before the server's own items unless `$setElementOrder` says where.
 */
function normalizeOrder(merged: unknown[], patchOrder: unknown[], serverOrder: unknown[], id: (v: unknown) => unknown): unknown[] {
  const indexIn = (list: unknown[], v: unknown) => list.findIndex((o) => deepEqual(id(o), id(v)));
  const fromPatch = merged.filter((v) => indexIn(patchOrder, v) >= 0).sort((a, b) => indexIn(patchOrder, a) - indexIn(patchOrder, b));
  const serverOnly = merged.filter((v) => indexIn(patchOrder, v) < 0);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < fromPatch.length) {
    if (j >= fromPatch.length) out.push(serverOnly[i++]);
    else if (i >= serverOnly.length) out.push(fromPatch[j++]);
    // An item new to the server has index -1 there, so it goes before the server's own.
    else out.push(indexIn(serverOrder, serverOnly[i]) < indexIn(serverOrder, fromPatch[j]) ? serverOnly[i++] : fromPatch[j++]);
  }
  return out;
}

/**
 * `$setElementOrder/<field>`: merges the field's patch list (if any) and
 * orders the result as listed. kubectl sends it with every list it patches.
 */
function orderedList(original: unknown, patchList: unknown, order: unknown, field: FieldStrategy | undefined): unknown[] | undefined {
  const format = new PatchError('invalid patch format of setElementOrder list', 400);
  const key = field?.mergeKey;
  if (!Array.isArray(order) || (key && !order.every((o) => isObject(o) && Object.hasOwn(o, key)))) throw format;
  if (patchList !== undefined && !Array.isArray(patchList)) throw format;
  const current = Array.isArray(original) ? original : undefined;
  if (current === undefined && patchList === undefined) return undefined;

  const id = identity(key);
  let j = 0;
  for (const item of patchList ?? []) {
    if (isObject(item) && Object.hasOwn(item, DIRECTIVE)) continue;
    while (j < order.length && !deepEqual(id(order[j]), id(item))) j++;
    if (j === order.length) {
      throw new PatchError(`The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}\n`, 400);
    }
    j++;
  }
  const merged = patchList === undefined ? current! : (mergeValue(current, patchList, field) as unknown[]);
  return normalizeOrder(merged, order, current ?? [], id);
}

/**
 * Kubernetes strategic merge patch for the built-in kinds in the table above:
 * maps merge, lists with a merge key merge by it, `metadata.finalizers`
 * merges as a set, other lists are replaced; `null` deletes; and the
 * directives kubectl sends (`$patch: replace|delete|merge`, `$retainKeys`,
 * `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>`) are applied and do
 * not appear in the result.
 * @throws PatchError 415 for a kind without strategic merge (as for custom resources).
 */
export function applyStrategicMergePatch(target: JsonObject, patch: unknown, kind: string): JsonObject {
  const schema = STRATEGIC_MERGE_SCHEMAS[kind];
  if (!schema) {
    throw new PatchError(
      'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      415,
    );
  }
  return mergeMap(clone(target), requireObject(patch, 'a strategic merge patch'), schema);
}

// ---------------------------------------------------------------------------
// Server-side apply and managedFields

export interface FieldsV1 {
  [element: string]: FieldsV1;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
}

export interface ApplyConflict {
  manager: string;
  /** The contested field, as the apiserver prints it: `.spec.template.spec.containers[name="app"].image`. */
  field: string;
}

export interface ApplyResult {
  /** The applied object, or when refused a copy of `existing`. */
  object: JsonObject;
  /** Non-empty exactly when the apply was refused (conflicts and no force). */
  conflicts: ApplyConflict[];
}

/** A field path in FieldsV1 elements: `f:name`, `k:{"name":"app"}` (keyed element), `v:"x"` (set element). */
type FieldPath = readonly string[];
/** A set of field paths keyed by their joined form. */
type FieldSet = Map<string, FieldPath>;

interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fields: FieldSet;
}

/** Set by the server, never owned and never removed by apply (the apiserver strips them from managedFields too). */
const SYSTEM_METADATA = [
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'managedFields',
];

const pathKey = (p: FieldPath) => JSON.stringify(p);
const isUnder = (ancestor: FieldPath, p: FieldPath) => p.length > ancestor.length && ancestor.every((e, i) => e === p[i]);

/** Custom resources get ObjectMeta's strategies only, so their lists are atomic, as with a CRD lacking list-type markers. */
function applySchema(obj: JsonObject): PatchSchema {
  return STRATEGIC_MERGE_SCHEMAS[String(obj.kind)] ?? { metadata: OBJECT_META };
}

/** The object without apiVersion, kind and server-owned metadata: what field ownership is about. */
function trackedPart(obj: JsonObject): JsonObject {
  const out = omit(omit(obj, 'apiVersion'), 'kind');
  if (isObject(obj.metadata)) {
    const meta: JsonObject = {};
    for (const [k, v] of Object.entries(obj.metadata)) if (!SYSTEM_METADATA.includes(k)) put(meta, k, v);
    if (Object.keys(meta).length > 0) put(out, 'metadata', meta);
    else delete out.metadata;
  }
  return out;
}

/**
 * The fields an object sets: every scalar, empty map and atomic list as a
 * leaf; keyed list elements as members themselves plus their fields; set
 * elements as leaves.
 */
function fieldSet(obj: JsonObject, schema: PatchSchema): FieldSet {
  const out: FieldSet = new Map();
  const add = (p: FieldPath) => out.set(pathKey(p), p);
  const walk = (value: unknown, field: FieldStrategy | undefined, path: FieldPath) => {
    if (isObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, field?.fields?.[k], [...path, `f:${k}`]);
      return;
    }
    if (Array.isArray(value) && value.length > 0 && field?.strategy === 'merge') {
      const key = field.mergeKey;
      if (!key) {
        for (const v of value) add([...path, `v:${JSON.stringify(v)}`]);
        return;
      }
      if (value.every((el) => isObject(el) && Object.hasOwn(el, key))) {
        for (const el of value as JsonObject[]) {
          const elPath = [...path, `k:${JSON.stringify({ [key]: el[key] })}`];
          add(elPath);
          walk(el, { fields: field.fields }, elPath);
        }
        return;
      }
    }
    add(path);
  };
  walk(trackedPart(obj), { fields: schema }, []);
  return out;
}

/** Whether a list item is the one a `k:` (keyed) or `v:` (set) path element names. */
function isElement(item: unknown, el: string): boolean {
  const spec: unknown = JSON.parse(el.slice(2));
  if (el.startsWith('v:')) return deepEqual(item, spec);
  return isObject(item) && isObject(spec) && Object.entries(spec).every(([k, v]) => deepEqual(item[k], v));
}

/** `q` is `p` or lies under it. */
const covers = (p: FieldPath, q: FieldPath) => pathKey(p) === pathKey(q) || isUnder(p, q);

interface Lookup {
  found: boolean;
  value?: unknown;
}

function lookup(obj: unknown, path: FieldPath): Lookup {
  let cur = obj;
  for (const el of path) {
    if (el.startsWith('f:')) {
      const name = el.slice(2);
      if (!isObject(cur) || !Object.hasOwn(cur, name)) return { found: false };
      cur = cur[name];
    } else {
      const i = Array.isArray(cur) ? cur.findIndex((o) => isElement(o, el)) : -1;
      if (i < 0) return { found: false };
      cur = (cur as unknown[])[i];
    }
  }
  return { found: true, value: cur };
}

/** Whether a field differs between two versions; a list element's own fields are compared separately, so only its presence counts. */
function changedAt(before: unknown, after: unknown, path: FieldPath): boolean {
  const a = lookup(before, path);
  const b = lookup(after, path);
  if (a.found !== b.found) return true;
  return path[path.length - 1]?.startsWith('f:') === true && !deepEqual(a.value, b.value);
}

/** Removes one field (or list element) and any map or list that removal leaves empty, short of top-level fields. */
function removeAt(obj: JsonObject, path: FieldPath): void {
  const parent = lookup(obj, path.slice(0, -1));
  const el = path[path.length - 1];
  if (!parent.found) return;
  const container = parent.value;
  if (el.startsWith('f:') && isObject(container)) delete container[el.slice(2)];
  else if (Array.isArray(container)) {
    const at = container.findIndex((o) => isElement(o, el));
    if (at >= 0) container.splice(at, 1);
  }
  const emptied = Array.isArray(container) ? container.length === 0 : isObject(container) && Object.keys(container).length === 0;
  if (emptied && path.length > 2 && path[path.length - 2].startsWith('f:')) removeAt(obj, path.slice(0, -1));
}

function toFieldsV1(fields: FieldSet): FieldsV1 {
  const root: FieldsV1 = {};
  const members: FieldsV1[] = [];
  for (const path of fields.values()) {
    let node = root;
    for (const el of path) {
      if (!Object.hasOwn(node, el)) put(node, el, {});
      node = node[el];
    }
    members.push(node);
  }
  for (const node of members) if (Object.keys(node).length > 0 && !Object.hasOwn(node, '.')) node['.'] = {};
  const sorted = (node: FieldsV1): FieldsV1 => {
    const out: FieldsV1 = {};
    for (const k of Object.keys(node).sort()) put(out, k, sorted(node[k]));
    return out;
  };
  return sorted(root);
}

function fromFieldsV1(tree: unknown, prefix: FieldPath = [], out: FieldSet = new Map()): FieldSet {
  if (!isObject(tree)) return out;
  for (const [el, child] of Object.entries(tree)) {
    if (el === '.') out.set(pathKey(prefix), prefix);
    else if (isObject(child) && Object.keys(child).length > 0) fromFieldsV1(child, [...prefix, el], out);
    else out.set(pathKey([...prefix, el]), [...prefix, el]);
  }
  return out;
}

/** Reads `metadata.managedFields`, dropping entries it cannot understand. */
function readManagers(obj: JsonObject | undefined): Manager[] {
  const meta = obj?.metadata;
  const entries = isObject(meta) && Array.isArray(meta.managedFields) ? meta.managedFields : [];
  return entries.flatMap((e): Manager[] =>
    isObject(e) && typeof e.manager === 'string' && (e.operation === 'Apply' || e.operation === 'Update') && e.fieldsType === 'FieldsV1'
      ? [{ manager: e.manager, operation: e.operation, apiVersion: String(e.apiVersion ?? ''), time: String(e.time ?? ''), fields: fromFieldsV1(e.fieldsV1) }]
      : [],
  );
}

function withManagers(obj: JsonObject, managers: Manager[]): JsonObject {
  const entries: ManagedFieldsEntry[] = managers
    .filter((m) => m.fields.size > 0)
    .map((m) => ({ manager: m.manager, operation: m.operation, apiVersion: m.apiVersion, time: m.time, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(m.fields) }));
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  if (entries.length > 0) put(meta, 'managedFields', entries);
  else delete meta.managedFields;
  put(obj, 'metadata', meta);
  return obj;
}

function describeField(path: FieldPath): string {
  return path
    .map((el) => {
      const rest = el.slice(2);
      if (el.startsWith('f:')) return `.${rest}`;
      if (el.startsWith('k:')) {
        return `[${Object.entries(JSON.parse(rest) as JsonObject)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      return `[=${rest}]`;
    })
    .join('');
}

/** RFC 3339 to the second, as the apiserver writes managedFields times. */
function nowSeconds(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Merges an apply configuration into the live object: maps and keyed lists field by field, sets by union, the rest replaced. */
function applyInto(live: unknown, config: unknown, field: FieldStrategy | undefined): unknown {
  if (isObject(config)) {
    const base = isObject(live) ? live : {};
    for (const [k, v] of Object.entries(config)) put(base, k, applyInto(base[k], v, field?.fields?.[k]));
    return base;
  }
  if (!Array.isArray(config) || !Array.isArray(live) || field?.strategy !== 'merge') return clone(config);
  const key = field.mergeKey;
  const result = [...live];
  for (const el of config) {
    const i = result.findIndex((o) => (key ? isObject(o) && isObject(el) && Object.hasOwn(el, key) && deepEqual(o[key], el[key]) : deepEqual(o, el)));
    if (i < 0) result.push(clone(el));
    else if (key) result[i] = applyInto(result[i], el, { fields: field.fields });
  }
  return result;
}

/**
 * Server-side apply, simplified but honest: the result holds every field of
 * `applied`; fields `manager` applied before and no longer does are removed
 * unless another manager owns them; a field another manager owns and this
 * apply would change is a conflict. With conflicts and no `force`, nothing
 * changes; with `force`, the applier takes those fields over. The result's
 * `metadata.managedFields` records each manager's fields in FieldsV1
 * notation (`f:` fields, `k:` keyed list elements, `v:` set elements;
 * other lists are owned whole). `null` in `applied` means "not specified".
 */
export function serverSideApply(
  existing: JsonObject | undefined,
  applied: JsonObject,
  manager: string,
  opts: { force: boolean; time?: string },
): ApplyResult {
  const config = stripNulls(requireObject(applied, 'an apply configuration')) as JsonObject;
  if (!manager) throw new PatchError('PATCH requests with apply content type must specify a fieldManager', 400);
  const schema = applySchema(config);
  const applierSet = fieldSet(config, schema);
  const managers = readManagers(existing);
  const previous = managers.find((m) => m.manager === manager && m.operation === 'Apply');
  const others = managers.filter((m) => m !== previous);

  const live: JsonObject = existing ? clone(existing) : {};
  for (const k of ['apiVersion', 'kind']) if (typeof config[k] === 'string') put(live, k, config[k]);
  if (!existing) put(live, 'metadata', pickSystemMetadata(config.metadata));
  const merged = applyInto(live, trackedPart(config), { fields: schema }) as JsonObject;

  const changed = [...applierSet.values()].filter((p) => changedAt(existing, merged, p));
  const conflicts: ApplyConflict[] = [];
  const conflicting = new Map<Manager, FieldPath[]>();
  for (const other of others) {
    const contested = [...other.fields.values()].filter((q) => changed.some((p) => covers(p, q)));
    if (contested.length === 0) continue;
    conflicting.set(other, contested);
    for (const q of contested) conflicts.push({ manager: other.manager, field: describeField(q) });
  }
  if (conflicts.length > 0 && !opts.force && existing) return { object: clone(existing), conflicts };
  for (const [other, contested] of conflicting) for (const q of contested) other.fields.delete(pathKey(q));

  const ownedByOthers = (p: FieldPath) => others.some((m) => [...m.fields.values()].some((q) => covers(p, q)));
  const stillApplied = (p: FieldPath) => applierSet.has(pathKey(p)) || [...applierSet.values()].some((q) => isUnder(p, q));
  for (const p of previous?.fields.values() ?? []) if (!stillApplied(p) && !ownedByOthers(p)) removeAt(merged, p);

  // A no-op apply keeps its old time, so the object is unchanged and the server need not write it.
  const noop = previous !== undefined && changed.length === 0 && previous.fields.size === applierSet.size && [...applierSet.keys()].every((k) => previous.fields.has(k));
  const time = noop ? previous.time : (opts.time ?? nowSeconds());
  const mine: Manager = { manager, operation: 'Apply', apiVersion: String(config.apiVersion ?? ''), time, fields: applierSet };
  const updated = previous ? managers.map((m) => (m === previous ? mine : m)) : [...managers, mine];
  return { object: withManagers(merged, updated), conflicts: [] };
}

/** What a new object keeps of the applied metadata that ownership ignores: name, namespace and the like. */
function pickSystemMetadata(meta: unknown): JsonObject {
  const out: JsonObject = {};
  if (!isObject(meta)) return out;
  for (const k of SYSTEM_METADATA) if (k !== 'managedFields' && Object.hasOwn(meta, k)) out[k] = clone(meta[k]);
  return out;
}

/**
 * Records a non-apply write (create, update, patch) in managedFields the way
 * the apiserver does: `manager` gains the fields the write added or changed,
 * other managers lose those, and every manager loses fields the write removed.
 * Managers come from `after` when the write set `metadata.managedFields` to a
 * non-empty list, otherwise from `before`.
 */
export function recordUpdateManager(
  before: JsonObject | undefined,
  after: JsonObject,
  manager: string,
  operation: 'Update' = 'Update',
  opts: { time?: string } = {},
): JsonObject {
  const schema = applySchema(after);
  const afterMeta = after.metadata;
  const setByWrite = isObject(afterMeta) && Array.isArray(afterMeta.managedFields) && afterMeta.managedFields.length > 0;
  const managers = readManagers(setByWrite ? after : before);

  const afterSet = fieldSet(after, schema);
  const changed = [...afterSet.values()].filter((p) => changedAt(before, after, p));
  const removed = before ? [...fieldSet(before, schema).values()].filter((p) => !lookup(after, p).found) : [];
  for (const m of managers) {
    const isMine = m.manager === manager && m.operation === operation;
    for (const q of [...m.fields.values()]) {
      if (removed.some((p) => covers(p, q)) || (!isMine && changed.some((p) => covers(p, q)))) m.fields.delete(pathKey(q));
    }
  }

  let mine = managers.find((m) => m.manager === manager && m.operation === operation);
  if (!mine && changed.length > 0) {
    mine = { manager, operation, apiVersion: String(after.apiVersion ?? ''), time: '', fields: new Map() };
    managers.push(mine);
  }
  if (mine && changed.length > 0) {
    for (const p of changed) mine.fields.set(pathKey(p), p);
    mine.time = opts.time ?? nowSeconds();
    mine.apiVersion = String(after.apiVersion ?? '');
  }
  return withManagers(clone(after), managers);
}
