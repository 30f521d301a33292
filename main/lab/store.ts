/**
 * One cluster's object store: what etcd plus the generic registry are to a
 * real API server. It owns resourceVersions (one counter per cluster, as
 * etcd's revision), uids, creation and deletion timestamps, generation,
 * finalizers and namespace termination, keeps a bounded event history so that
 * watches resume from a resourceVersion (and get 410 Gone once it is
 * compacted), and validates what every write must satisfy whoever makes it.
 *
 * Stored objects are deep-frozen and handed out as they are: readers never
 * pay for a copy, and a caller that wants to change one clones it first.
 */
import { randomUUID, randomInt } from 'node:crypto';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  invalid,
  notFound,
  qualifiedResource,
} from './api-error.js';
import { RESOURCE_TYPES, apiVersionOf, type KubeObject, type ResourceType } from './resources.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject | Record<string, unknown>;
}

/** Which objects a list or watch sees. */
export interface Scope {
  /** Only this namespace; all namespaces when absent. */
  namespace?: string;
  /** Label and field selectors, already parsed by the caller. */
  filter?: (obj: KubeObject) => boolean;
}

export interface ListOptions extends Scope {
  limit?: number;
  continue?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WriteOptions {
  dryRun?: boolean;
}

export interface UpdateOptions extends WriteOptions {
  /** Write only `status` (the /status subresource) or only the rest. */
  subresource?: 'status';
}

export interface DeleteOptions extends WriteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface WatchOptions extends Scope {
  /** Resume after this version; unset or "0" starts with the current objects. */
  resourceVersion?: string;
}

/** A write that reached the store, for persistence and controllers. */
export interface CommitEvent {
  rt: ResourceType;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

export interface StoreSnapshot {
  resourceVersion: number;
  objects: KubeObject[];
}

interface HistoryEntry {
  rv: number;
  rt: ResourceType;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
  previous?: KubeObject;
}

interface Watcher {
  rt: ResourceType;
  scope: Scope;
  send: (event: WatchEvent) => void;
}

const DEFAULT_HISTORY = 20_000;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** generateName suffix alphabet of the real server: no vowels, no look-alikes. */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const NAMESPACES = RESOURCE_TYPES.find((rt) => rt.plural === 'namespaces')!;
const RBAC_GROUP = 'rbac.authorization.k8s.io';

function typeKey(rt: ResourceType): string {
  return `${rt.group}/${rt.plural}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** RFC 3339 with seconds, as metav1.Time serialises. */
export function kubeTime(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function clone<T>(value: T): T {
  return structuredClone(value) as T;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Kinds with a spec count its changes in `metadata.generation`; ConfigMaps, Secrets and Namespaces do not. */
function tracksGeneration(rt: ResourceType): boolean {
  return rt.kind !== 'Namespace' && (rt.topLevelFields ?? []).includes('spec');
}

/** Everything but metadata and status: what bumps `metadata.generation`. */
function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

export class ObjectStore {
  private rv = 0;
  /** The oldest version a watch may resume from; older ones get 410. */
  private compactedRv = 0;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private history: HistoryEntry[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly commitListeners = new Set<(e: CommitEvent) => void>();

  constructor(private readonly historyLimit = DEFAULT_HISTORY) {
    for (const rt of RESOURCE_TYPES) this.objects.set(typeKey(rt), new Map());
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Called after every committed write (not for dry runs). */
  onCommit(listener: (e: CommitEvent) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.table(rt).get(objectKey(rt.namespaced ? namespace : undefined, name));
  }

  /** Like get, but a missing object is a NotFound ApiError. */
  require(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.get(rt, namespace, name);
    if (!obj) throw notFound(rt, name);
    return obj;
  }

  list(rt: ResourceType, opts: ListOptions = {}): ListResult {
    const all = [...this.table(rt).entries()]
      .filter(([, obj]) => this.inScope(rt, obj, opts))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let start = 0;
    if (opts.continue) {
      const after = decodeContinue(opts.continue);
      start = all.findIndex(([key]) => key > after);
      if (start < 0) start = all.length;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const page = all.slice(start, start + limit);
    const rest = all.length - start - page.length;
    return {
      items: page.map(([, obj]) => obj),
      resourceVersion: this.resourceVersion,
      ...(rest > 0 ? { continue: encodeContinue(page[page.length - 1][0]), remainingItemCount: rest } : {}),
    };
  }

  create(rt: ResourceType, input: KubeObject, opts: WriteOptions = {}): KubeObject {
    const obj = clone(input);
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    const meta = (obj.metadata ??= {});
    if (!rt.namespaced) delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    this.validate(rt, obj, undefined);
    if (rt.namespaced) this.checkNamespaceOpen(rt, meta.namespace!, meta.name!);
    if (this.get(rt, meta.namespace, meta.name!)) throw alreadyExists(rt, meta.name!);
    for (const key of ['uid', 'resourceVersion', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) delete meta[key];
    meta.uid = randomUUID();
    meta.creationTimestamp = kubeTime();
    delete meta.generation;
    if (tracksGeneration(rt)) meta.generation = 1;
    normalize(rt, obj, undefined);
    if (opts.dryRun) return deepFreeze(obj);
    return this.commit(rt, 'ADDED', obj);
  }

  /**
   * Replaces an object (PUT). A resourceVersion in the input must match the
   * stored one (409 otherwise); without one the write is unconditional, as on
   * a real server for these kinds.
   */
  update(rt: ResourceType, input: KubeObject, opts: UpdateOptions = {}): KubeObject {
    const name = input.metadata?.name ?? '';
    const namespace = rt.namespaced ? input.metadata?.namespace : undefined;
    const current = this.require(rt, namespace, name);
    const wanted = input.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== current.metadata.resourceVersion) throw conflict(rt, name);
    if (input.metadata.uid && input.metadata.uid !== current.metadata.uid) {
      throw conflict(rt, name, `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    let obj = clone(input);
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    if (opts.subresource === 'status') {
      // The status subresource changes status alone.
      obj = { ...clone(current), status: obj.status } as KubeObject;
    } else if (rt.statusSubresource) {
      // ...and the main resource everything but status.
      obj.status = clone(current.status);
      if (obj.status === undefined) delete obj.status;
    }
    const meta = obj.metadata;
    // Fields the server owns.
    meta.uid = current.metadata.uid;
    meta.creationTimestamp = current.metadata.creationTimestamp;
    meta.namespace = current.metadata.namespace;
    if (!rt.namespaced) delete meta.namespace;
    meta.deletionTimestamp = current.metadata.deletionTimestamp;
    if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
    if (current.metadata.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    delete meta.generation;
    if (tracksGeneration(rt)) meta.generation = (current.metadata.generation ?? 1) + (specOf(obj) !== specOf(current) ? 1 : 0);
    meta.resourceVersion = current.metadata.resourceVersion;
    this.validate(rt, obj, current);
    normalize(rt, obj, current);
    if (current.metadata.deletionTimestamp) {
      const before = new Set(current.metadata.finalizers ?? []);
      const added = (meta.finalizers ?? []).filter((f) => !before.has(f));
      if (added.length) {
        throw invalid(rt, name, [{ field: 'metadata.finalizers', message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}` }]);
      }
    }
    if (sameJson(obj, current)) return current; // a no-op write keeps its version, as on a real server
    if (opts.dryRun) return deepFreeze(obj);
    if (meta.deletionTimestamp && !(meta.finalizers ?? []).length && !this.holdsContent(rt, obj)) {
      return this.remove(rt, obj);
    }
    return this.commit(rt, 'MODIFIED', obj);
  }

  /**
   * Reads, changes and writes an object in one step; `change` gets a mutable
   * copy. For PATCH and for controllers, which have no stale reads to fear.
   */
  mutate(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    change: (draft: KubeObject) => KubeObject | void,
    opts: UpdateOptions = {},
  ): KubeObject {
    const current = this.require(rt, namespace, name);
    const draft = clone(current);
    const next = change(draft) ?? draft;
    next.metadata = { ...next.metadata, resourceVersion: current.metadata.resourceVersion };
    return this.update(rt, next, opts);
  }

  /**
   * Deletes an object, or marks it for deletion while finalizers remain (and,
   * for a namespace, while it still holds objects). Returns the object as it
   * is after the call.
   */
  delete(rt: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): KubeObject {
    const current = this.require(rt, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== current.metadata.uid) {
      throw conflict(rt, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
      throw conflict(rt, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
    }
    const terminating = current.metadata.deletionTimestamp !== undefined;
    const mustWait = (current.metadata.finalizers ?? []).length > 0 || this.holdsContent(rt, current);
    if (!mustWait) {
      if (opts.dryRun) return current;
      return this.remove(rt, current);
    }
    if (terminating) return current;
    const marked = clone(current);
    marked.metadata.deletionTimestamp = kubeTime();
    marked.metadata.deletionGracePeriodSeconds = 0;
    if (rt === NAMESPACES) marked.status = { ...(marked.status as object), phase: 'Terminating' };
    if (opts.dryRun) return deepFreeze(marked);
    const result = this.commit(rt, 'MODIFIED', marked);
    if (rt === NAMESPACES) this.terminateNamespace(name);
    return result;
  }

  /**
   * Streams changes to `send`. Without a resourceVersion (or with "0") the
   * current objects come first as ADDED; with one, every change after it.
   * Throws 410 Expired when that version has been compacted away.
   */
  watch(rt: ResourceType, opts: WatchOptions, send: (e: WatchEvent) => void): () => void {
    const watcher: Watcher = { rt, scope: opts, send };
    const from = opts.resourceVersion;
    if (!from || from === '0') {
      for (const obj of this.table(rt).values()) if (this.inScope(rt, obj, opts)) send({ type: 'ADDED', object: obj });
    } else {
      const since = Number(from);
      if (!Number.isInteger(since) || since < 0) throw badRequest(`invalid resource version "${from}"`);
      if (since < this.compactedRv) throw expired(`too old resource version: ${since} (${this.compactedRv})`);
      for (const entry of this.history) {
        if (entry.rv > since && entry.rt === rt) this.deliver(watcher, entry);
      }
    }
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Drops the event history, as etcd compaction does: older watches get 410. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
  }

  snapshot(): StoreSnapshot {
    const objects: KubeObject[] = [];
    for (const table of this.objects.values()) objects.push(...table.values());
    return { resourceVersion: this.rv, objects };
  }

  /** Loads a snapshot into an empty store; the history starts empty (as after a restart). */
  restore(snapshot: StoreSnapshot): void {
    for (const obj of snapshot.objects) {
      const [group, version] = obj.apiVersion.includes('/') ? obj.apiVersion.split('/') : ['', obj.apiVersion];
      const rt = RESOURCE_TYPES.find((r) => r.group === group && r.version === version && r.kind === obj.kind);
      if (!rt) continue;
      this.table(rt).set(objectKey(rt.namespaced ? obj.metadata.namespace : undefined, obj.metadata.name!), deepFreeze(obj));
    }
    this.rv = snapshot.resourceVersion;
    this.compactedRv = this.rv;
    for (const ns of this.table(NAMESPACES).values()) if (ns.metadata.deletionTimestamp) this.terminateNamespace(ns.metadata.name!);
  }

  /** Ends every open watch (for fault injection and shutdown). */
  closeWatches(): void {
    this.watchers.clear();
  }

  private table(rt: ResourceType): Map<string, KubeObject> {
    const table = this.objects.get(typeKey(rt));
    if (!table) throw badRequest(`the server could not find the requested resource (${qualifiedResource(rt)})`);
    return table;
  }

  private inScope(rt: ResourceType, obj: KubeObject, scope: Scope): boolean {
    if (rt.namespaced && scope.namespace && obj.metadata.namespace !== scope.namespace) return false;
    return !scope.filter || scope.filter(obj);
  }

  private commit(rt: ResourceType, type: 'ADDED' | 'MODIFIED', obj: KubeObject): KubeObject {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name!);
    const previous = this.table(rt).get(key);
    obj.metadata.resourceVersion = String(++this.rv);
    deepFreeze(obj);
    this.table(rt).set(key, obj);
    this.record({ rv: this.rv, rt, type, object: obj, previous });
    return obj;
  }

  private remove(rt: ResourceType, current: KubeObject): KubeObject {
    const key = objectKey(current.metadata.namespace, current.metadata.name!);
    const gone = clone(current);
    gone.metadata.resourceVersion = String(++this.rv);
    deepFreeze(gone);
    this.table(rt).delete(key);
    this.record({ rv: this.rv, rt, type: 'DELETED', object: gone, previous: current });
    if (rt.namespaced) this.afterContentRemoved(current.metadata.namespace!);
    return gone;
  }

  private record(entry: HistoryEntry): void {
    this.history.push(entry);
    if (this.history.length > this.historyLimit) {
      const drop = this.history.length - this.historyLimit;
      this.compactedRv = this.history[drop - 1].rv;
      this.history = this.history.slice(drop);
    }
    for (const w of this.watchers) if (w.rt === entry.rt) this.deliver(w, entry);
    for (const listener of this.commitListeners) listener({ rt: entry.rt, type: entry.type, object: entry.object });
  }

  /**
   * Label-filtered watches see an object that stops matching as DELETED and
   * one that starts matching as ADDED, as the real watch cache does.
   */
  private deliver(w: Watcher, e: HistoryEntry): void {
    const now = this.inScope(e.rt, e.object, w.scope);
    const before = e.previous !== undefined && this.inScope(e.rt, e.previous, w.scope);
    if (e.type === 'DELETED') {
      if (before || now) w.send({ type: 'DELETED', object: e.object });
    } else if (e.type === 'ADDED') {
      if (now) w.send({ type: 'ADDED', object: e.object });
    } else if (now && before) w.send({ type: 'MODIFIED', object: e.object });
    else if (now) w.send({ type: 'ADDED', object: e.object });
    else if (before) w.send({ type: 'DELETED', object: e.object });
  }

  private holdsContent(rt: ResourceType, obj: KubeObject): boolean {
    if (rt !== NAMESPACES) return false;
    const ns = obj.metadata.name!;
    for (const t of RESOURCE_TYPES) {
      if (!t.namespaced) continue;
      for (const o of this.table(t).values()) if (o.metadata.namespace === ns) return true;
    }
    return false;
  }

  private checkNamespaceOpen(rt: ResourceType, namespace: string, name: string): void {
    const ns = this.get(NAMESPACES, undefined, namespace);
    if (!ns) throw notFound(NAMESPACES, namespace);
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${qualifiedResource(rt)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { name, group: rt.group || undefined, kind: rt.plural, causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }] },
      );
    }
  }

  /** The namespace controller: delete everything in it, then the namespace. */
  private terminateNamespace(namespace: string): void {
    setImmediate(() => {
      for (const t of RESOURCE_TYPES) {
        if (!t.namespaced) continue;
        for (const obj of [...this.table(t).values()]) {
          if (obj.metadata.namespace !== namespace) continue;
          try {
            this.delete(t, namespace, obj.metadata.name!);
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 404)) throw err;
          }
        }
      }
      this.afterContentRemoved(namespace);
    });
  }

  private afterContentRemoved(namespace: string): void {
    const ns = this.get(NAMESPACES, undefined, namespace);
    if (!ns?.metadata.deletionTimestamp || this.holdsContent(NAMESPACES, ns)) return;
    // Empty: the "kubernetes" finalizer is done, and the namespace goes.
    const spec = (ns.spec as { finalizers?: string[] } | undefined) ?? {};
    if ((ns.metadata.finalizers ?? []).length) return; // someone else's finalizer still holds it
    if (spec.finalizers?.length) {
      const finished = clone(ns);
      (finished.spec as { finalizers?: string[] }).finalizers = [];
      this.commit(NAMESPACES, 'MODIFIED', finished);
    }
    this.remove(NAMESPACES, this.get(NAMESPACES, undefined, namespace)!);
  }

  private validate(rt: ResourceType, obj: KubeObject, current: KubeObject | undefined): void {
    const meta = obj.metadata;
    const name = meta.name ?? '';
    const causes: { field: string; message: string }[] = [];
    if (!name) {
      causes.push({ field: 'metadata.name', message: 'Required value: name or generateName is required' });
    } else if (rt.group === RBAC_GROUP) {
      if (name === '.' || name === '..') causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": may not be '${name}'` });
      for (const bad of ['/', '%']) if (name.includes(bad)) causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": may not contain '${bad}'` });
    } else {
      // Each rule a name breaks is its own cause, too long first, as apimachinery's IsDNS1123Label/Subdomain list them.
      const [max, pattern, rule] = rt === NAMESPACES ? [63, DNS1123_LABEL, LABEL_MSG] : [253, DNS1123_SUBDOMAIN, SUBDOMAIN_MSG];
      if (name.length > max) causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": must be no more than ${max} characters` });
      if (!pattern.test(name)) causes.push({ field: 'metadata.name', message: `Invalid value: "${name}": ${rule}` });
    }
    if (rt.namespaced && !meta.namespace) causes.push({ field: 'metadata.namespace', message: 'Required value' });
    for (const [key, value] of Object.entries(meta.labels ?? {})) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) causes.push({ field: 'metadata.labels', message: `Invalid value: "${key}": ${keyProblem}` });
      if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
        causes.push({ field: 'metadata.labels', message: `Invalid value: "${value}": ${LABEL_VALUE_MSG}` });
      }
    }
    for (const key of Object.keys(meta.annotations ?? {})) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) causes.push({ field: 'metadata.annotations', message: `Invalid value: "${key}": ${keyProblem}` });
    }
    if (rt.kind === 'Secret' || rt.kind === 'ConfigMap') {
      for (const field of rt.kind === 'Secret' ? ['data'] : ['binaryData']) {
        for (const [key, value] of Object.entries((obj[field] as Record<string, unknown> | undefined) ?? {})) {
          if (typeof value !== 'string' || !BASE64.test(value)) {
            throw badRequest(`${rt.kind} in version "v1" cannot be handled as a ${rt.kind}: illegal base64 data at input byte 0 (${field}.${key})`);
          }
        }
      }
      if (current?.immutable === true) {
        const fields = rt.kind === 'Secret' ? ['data', 'type'] : ['data', 'binaryData'];
        for (const field of fields) {
          if (!sameJson(obj[field], current[field]) && !(field === 'data' && obj.stringData)) {
            causes.push({ field, message: 'Forbidden: field is immutable when `immutable` is set' });
          }
        }
        if (obj.immutable !== true) causes.push({ field: 'immutable', message: 'Forbidden: field is immutable when `immutable` is set' });
      }
    }
    if (rt.kind === 'Secret' && current && (obj.type ?? 'Opaque') !== (current.type ?? 'Opaque')) {
      causes.push({ field: 'type', message: `Invalid value: "${obj.type}": field is immutable` });
    }
    if (rt.group === RBAC_GROUP && rt.kind.endsWith('Binding')) {
      const ref = obj.roleRef as { name?: string; kind?: string } | undefined;
      if (!ref?.name) causes.push({ field: 'roleRef.name', message: 'Required value' });
      if (current && !sameJson(obj.roleRef, current.roleRef)) causes.push({ field: 'roleRef', message: `Invalid value: ${JSON.stringify(obj.roleRef)}: cannot change roleRef` });
    }
    if (causes.length) throw invalid(rt, name, causes);
  }
}

function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`;
  const name = parts[parts.length - 1];
  if (parts.length === 2 && (!DNS1123_SUBDOMAIN.test(parts[0]) || parts[0].length > 253)) return `prefix part ${SUBDOMAIN_MSG}`;
  if (!name || name.length > 63 || !QUALIFIED_NAME.test(name)) return QUALIFIED_NAME_MSG;
  return undefined;
}

/** Defaults and conversions the real server applies on write. */
function normalize(rt: ResourceType, obj: KubeObject, current: KubeObject | undefined): void {
  if (rt.kind === 'Secret') {
    const stringData = obj.stringData as Record<string, string> | undefined;
    if (stringData) {
      const data = { ...((obj.data as Record<string, string> | undefined) ?? {}) };
      for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString('base64');
      obj.data = data;
      delete obj.stringData;
    }
    obj.type ??= 'Opaque';
  }
  if (rt === NAMESPACES) {
    obj.spec = { finalizers: ['kubernetes'], ...((obj.spec as object | undefined) ?? {}) };
    obj.status = current?.status ?? { phase: 'Active' };
    obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name! };
  }
  if (rt.kind === 'ServiceAccount' && obj.metadata.labels === undefined) delete obj.metadata.labels;
}

function randomSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return s;
}

function encodeContinue(key: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', start: key })).toString('base64');
}

function decodeContinue(token: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { start?: unknown };
    if (typeof parsed.start === 'string') return parsed.start;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
}
