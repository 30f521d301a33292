/**
 * The HTTP face of one lab cluster: the Kubernetes REST API as kube-apiserver
 * serves it (paths, verbs, content types, status codes and messages), on top
 * of the cluster's ObjectStore. Faults (latency, injected errors, expired
 * credentials, removed permissions) are applied here, before anything else,
 * so that every client sees them the way it would see a sick real cluster.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { parse as parseYaml } from 'yaml';
import {
  ApiError,
  badRequest,
  internalError,
  invalid,
  methodNotAllowed,
  notFoundPath,
  tooLarge,
  unauthorized,
} from './api-error.js';
import { discoveryResponse } from './discovery.js';
import { goJsonSyntaxError, jsonKindOf } from './go-json.js';
import { goTypeError } from './go-types.js';
import { PROTOBUF_MEDIA_TYPE, ProtobufDecodeError, decodeKubernetesProtobuf } from './protobuf.js';
import { openApiV2, openApiV3Document, openApiV3Index } from './openapi.js';
import {
  deleteOptionsFromQuery,
  isPrettyPrint,
  listOptions,
  patchOptions,
  queryBool,
  tableOptions,
  validateDeleteOptions,
  writeOptions,
  type DeleteOptions,
  type FieldValidation,
  type ListOptions,
  type PatchOptions,
} from './query-params.js';
import {
  PatchError,
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  recordUpdateManager,
  serverSideApply,
} from './patch.js';
import { Authorizer, forbidden, type Attributes, type PolicyRule, type UserInfo } from './rbac.js';
import { apiVersionOf, resourceByKind, resourceByPath, type KubeObject, type ResourceType } from './resources.js';
import type { ObjectStore, WatchEvent } from './store.js';
import { asPartialObjectMetadata, responseForm, toTable, type IncludeObject, type ResponseForm } from './table.js';
import {
  SelectorError,
  fieldSelectorPaths,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../shared/selectors.js';

/** kube-apiserver's default --max-request-body-bytes. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The field selectors a real server supports on every kind, plus a few per kind. */
const FIELD_SELECTABLE: Record<string, string[]> = {
  '*': ['metadata.name', 'metadata.namespace'],
  Secret: ['type'],
  Namespace: ['status.phase'],
};

/** What a fault can do to requests; the cluster owns it, the server reads it. */
export interface FaultState {
  latencyMs: number;
  /** Fraction (0..1) of API requests answered with `status` instead. */
  failureRate: number;
  failureStatus: 500 | 503 | 429;
  retryAfterSeconds: number;
  /** Usernames whose credentials are refused with 401. */
  expiredUsers: Set<string>;
  /** Verbs/resources taken away from users on top of RBAC (403). */
  denials: Denial[];
}

export interface Denial {
  username: string;
  verb?: string;
  resource?: string;
  group?: string;
}

export interface LabUserRecord {
  name: string;
  username: string;
  groups: string[];
  token?: string;
}

export interface ApiServerContext {
  readonly store: ObjectStore;
  readonly faults: FaultState;
  /** Looks up a bearer token. */
  userForToken(token: string): UserInfo | undefined;
  /** Requests under `/k10/`, answered by the cluster's K10. */
  k10(req: IncomingMessage, res: ServerResponse, subPath: string): void;
  /** Seconds between watch bookmarks. */
  bookmarkIntervalMs?: number;
  /** Every open watch response, so that a fault can cut them. */
  readonly openWatches: Set<ServerResponse>;
  /** Told of every request as it arrives, with its verb (see `accountingVerb`), for the cluster's stats. */
  onRequest?(req: IncomingMessage, verb: string): void;
}

interface Route {
  rt: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

type Query = URLSearchParams;

export function createApiHandler(ctx: ApiServerContext): (req: IncomingMessage, res: ServerResponse) => void {
  const authorizer = new Authorizer(ctx.store);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'https://lab.invalid');
    const k10 = url.pathname === '/k10' || url.pathname.startsWith('/k10/');
    // kube-openapi writes its documents as they are; everything else honours `pretty`.
    if (!url.pathname.startsWith('/openapi/') && isPrettyPrint(url.searchParams, req.headers['user-agent'])) prettyResponses.add(res);
    ctx.onRequest?.(req, k10 ? 'k10' : accountingVerb(req.method ?? 'GET', url));
    if (k10) {
      ctx.k10(req, res, url.pathname.slice(4) || '/');
      return;
    }
    const run = () =>
      serve(ctx, authorizer, req, res, url).catch((err: unknown) => {
        sendError(res, err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err)));
      });
    if (ctx.faults.latencyMs > 0) {
      // A client that gives up (or a cluster that stops) must not leave the delayed request behind.
      const timer = setTimeout(run, ctx.faults.latencyMs);
      res.once('close', () => clearTimeout(timer));
    } else {
      void run();
    }
  };
}

/**
 * The verb a request is counted under, whether or not it is then served:
 * the Kubernetes verb on an API resource, the lower-case method elsewhere
 * (as RBAC names non-resource verbs).
 */
function accountingVerb(method: string, url: URL): string {
  try {
    const route = parseRoute(url.pathname.replace(/\/+$/, '') || '/');
    if (route) return verbOf(method, route, url.searchParams);
  } catch {
    // a malformed path or a method the route does not take: counted by its method
  }
  return method.toLowerCase();
}

async function serve(ctx: ApiServerContext, authorizer: Authorizer, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const { faults } = ctx;
  if (faults.failureRate > 0 && Math.random() < faults.failureRate) {
    injectFailure(res, faults);
    return;
  }
  const user = authenticate(ctx, req);
  if (!user) throw unauthorized();
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';

  const nonResource = nonResourceResponse(path, req.headers.accept, `127.0.0.1:${req.socket.localPort}`);
  if (nonResource) {
    if (method !== 'GET') throw methodNotAllowed();
    check(authorizer, faults, user, { verb: 'get', path });
    // One path, several formats (aggregated discovery, protobuf OpenAPI): caches must key on Accept.
    res.setHeader('Vary', 'Accept');
    send(res, 200, nonResource.body, nonResource.contentType);
    return;
  }

  const route = parseRoute(path);
  if (!route) throw notFoundPath();
  const query = url.searchParams;
  const verb = verbOf(method, route, query);
  check(authorizer, faults, user, {
    verb,
    group: route.rt.group,
    resource: route.rt.plural,
    subresource: route.subresource,
    namespace: route.namespace,
    name: route.name,
  });
  if (!route.rt.verbs.includes(verb)) throw methodNotAllowed();
  if (route.subresource && !(route.subresource === 'status' && route.rt.statusSubresource)) throw notFoundPath();

  const { store } = ctx;
  const { rt } = route;

  switch (verb) {
    case 'get': {
      const obj = store.require(rt, route.namespace, route.name!);
      sendObject(res, 200, req, rt, query, obj);
      return;
    }
    case 'list': {
      const options = listOptions(query);
      const form = responseForm(req.headers.accept);
      if (form === 'PartialObjectMetadata') throw notAcceptable('you requested PartialObjectMetadata, but the requested object is a list');
      const includeObject = form === 'Table' ? tableOptions(query) : undefined;
      const result = store.list(rt, {
        namespace: route.namespace,
        filter: selectorFilter(rt, options),
        limit: options.limit,
        continue: options.continue || undefined,
      });
      if (includeObject) {
        const table = toTable(rt, result.items, { includeObject, now: new Date() }) as Record<string, unknown>;
        table.metadata = listMeta(result);
        send(res, 200, table);
        return;
      }
      if (form === 'PartialObjectMetadataList') {
        send(res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta(result), items: result.items.map(asPartialObjectMetadata) });
        return;
      }
      send(res, 200, {
        kind: `${rt.kind}List`,
        apiVersion: apiVersionOf(rt),
        metadata: listMeta(result),
        items: result.items,
      });
      return;
    }
    case 'watch': {
      const form = responseForm(req.headers.accept);
      // A watch sends objects one by one: metadata only is PartialObjectMetadata, never the List.
      if (form === 'PartialObjectMetadataList') throw notAcceptable('you requested PartialObjectMetadataList, but the requested object is not a list');
      watch(ctx, req, res, rt, route, listOptions(query), form === 'Table' ? { table: tableOptions(query) } : form);
      return;
    }
    case 'create': {
      const options = writeOptions(query, 'create');
      if (rt.plural === 'selfsubjectreviews') {
        send(res, 201, selfSubjectReview(user));
        return;
      }
      if (rt.plural === 'selfsubjectrulesreviews') {
        const body = (await readObject(req, rt, options.fieldValidation, res)) as { spec?: { namespace?: string } };
        send(res, 201, selfSubjectRulesReview(authorizer, user, body.spec?.namespace || undefined));
        return;
      }
      if (rt.plural === 'selfsubjectaccessreviews') {
        const body = (await readObject(req, rt, options.fieldValidation, res)) as { spec?: Record<string, Record<string, string>> };
        send(res, 201, selfSubjectAccessReview(authorizer, faults, user, body));
        return;
      }
      const obj = await readObject(req, rt, options.fieldValidation, res);
      placeInNamespace(rt, route, obj);
      const created = store.create(rt, withManager(undefined, obj, fieldManager(req, options.fieldManager)), { dryRun: options.dryRun });
      sendObject(res, 201, req, rt, query, created);
      return;
    }
    case 'update': {
      const options = writeOptions(query, 'update');
      const obj = await readObject(req, rt, options.fieldValidation, res);
      placeInNamespace(rt, route, obj);
      if (obj.metadata.name !== route.name) {
        throw badRequest(`the name of the object (${obj.metadata.name ?? ''}) does not match the name on the URL (${route.name})`);
      }
      const current = store.require(rt, route.namespace, route.name!);
      const updated = store.update(rt, withManager(current, obj, fieldManager(req, options.fieldManager)), { dryRun: options.dryRun, subresource: statusOnly(route) });
      sendObject(res, 200, req, rt, query, updated);
      return;
    }
    case 'patch': {
      const patched = await patch(ctx, req, res, rt, route, query);
      sendObject(res, patched.created ? 201 : 200, req, rt, query, patched.object);
      return;
    }
    case 'delete': {
      const options = await readDeleteOptions(req, query);
      const before = store.require(rt, route.namespace, route.name!);
      const after = store.delete(rt, route.namespace, route.name!, { dryRun: options.dryRun, preconditions: options.preconditions });
      // Still there (finalizers, or a namespace emptying itself): the object; gone: a Success status.
      if (after.metadata.deletionTimestamp) {
        sendObject(res, 200, req, rt, query, after);
      } else {
        send(res, 200, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Success',
          details: { name: route.name, group: rt.group || undefined, kind: rt.plural, uid: before.metadata.uid },
        });
      }
      return;
    }
    case 'deletecollection': {
      const options = await readDeleteOptions(req, query);
      const { items } = store.list(rt, { namespace: route.namespace, filter: selectorFilter(rt, listOptions(query)) });
      const deleted = items.map((o) => store.delete(rt, o.metadata.namespace, o.metadata.name!, { dryRun: options.dryRun }));
      send(res, 200, { kind: `${rt.kind}List`, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: store.resourceVersion }, items: deleted });
      return;
    }
    default:
      throw methodNotAllowed();
  }
}

function check(authorizer: Authorizer, faults: FaultState, user: UserInfo, a: Attributes): void {
  if ('resource' in a) {
    const denied = faults.denials.some(
      (d) =>
        d.username === user.username &&
        (d.verb === undefined || d.verb === a.verb) &&
        (d.resource === undefined || d.resource === a.resource) &&
        (d.group === undefined || d.group === a.group),
    );
    if (denied) throw forbidden(user, a);
  }
  authorizer.check(user, a);
}

function authenticate(ctx: ApiServerContext, req: IncomingMessage): UserInfo | undefined {
  const header = req.headers.authorization;
  let user: UserInfo | undefined;
  if (header) {
    const m = /^Bearer\s+(.+)$/i.exec(header);
    user = m ? ctx.userForToken(m[1].trim()) : undefined;
    if (!user) return undefined; // a credential that is wrong is refused even if a certificate is also sent
  } else {
    const socket = req.socket as TLSSocket;
    if (socket.authorized && typeof socket.getPeerCertificate === 'function') {
      const cert = socket.getPeerCertificate();
      const cn = cert?.subject?.CN;
      const org = cert?.subject?.O;
      if (typeof cn === 'string' && cn) {
        user = { username: cn, groups: [...(Array.isArray(org) ? org : org ? [org] : [])] };
      }
    }
  }
  if (!user || ctx.faults.expiredUsers.has(user.username)) return undefined;
  return { ...user, groups: [...new Set([...user.groups, 'system:authenticated'])] };
}

function injectFailure(res: ServerResponse, faults: FaultState): void {
  const code = faults.failureStatus;
  const reason = code === 429 ? 'TooManyRequests' : code === 503 ? 'ServiceUnavailable' : 'InternalError';
  const message =
    code === 429
      ? 'Too many requests, please try again later.'
      : code === 503
        ? 'the server is currently unable to handle the request'
        : 'Internal error occurred: injected by the lab fleet';
  if (code !== 500) res.setHeader('Retry-After', String(faults.retryAfterSeconds));
  sendError(res, new ApiError(code, reason, message, code === 500 ? undefined : { retryAfterSeconds: faults.retryAfterSeconds }));
}

function nonResourceResponse(path: string, accept: string | undefined, serverAddress: string): { body: unknown; contentType?: string } | undefined {
  if (path === '/healthz' || path === '/livez' || path === '/readyz') return { body: 'ok', contentType: 'text/plain; charset=utf-8' };
  if (path === '/openapi/v3') return { body: openApiV3Index() };
  if (path.startsWith('/openapi/v3/')) {
    const doc = openApiV3Document(path.slice('/openapi/v3/'.length));
    if (!doc) throw notFoundPath();
    return { body: doc };
  }
  if (path === '/openapi/v2') {
    const v2 = openApiV2(accept);
    return { body: v2.body, contentType: v2.contentType };
  }
  const discovery = discoveryResponse(path, accept, serverAddress);
  if (discovery) return discovery;
  return undefined;
}

/**
 * `/api/v1/[namespaces/<ns>/]<plural>[/<name>[/<sub>]]` and the same under
 * `/apis/<group>/<version>`. `namespaces/<name>/status` is the namespace's
 * own subresource, not a resource called "status".
 */
export function parseRoute(path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && resourceByPath(group, version, rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const rt = resourceByPath(group, version, rest[0]);
  if (!rt || rest.length > 3) return undefined;
  if (namespace && !rt.namespaced) return undefined;
  return { rt, namespace, name: rest[1], subresource: rest[2] };
}

function verbOf(method: string, route: Route, query: Query): string {
  const watching = queryBool(query, 'watch') ?? false;
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (route.name) return watching ? 'watch' : 'get';
      return watching ? 'watch' : 'list';
    case 'POST':
      if (route.name) throw methodNotAllowed();
      return 'create';
    case 'PUT':
      if (!route.name) throw methodNotAllowed();
      return 'update';
    case 'PATCH':
      if (!route.name) throw methodNotAllowed();
      return 'patch';
    case 'DELETE':
      return route.name ? 'delete' : 'deletecollection';
    default:
      throw methodNotAllowed();
  }
}

function statusOnly(route: Route): 'status' | undefined {
  return route.subresource === 'status' ? 'status' : undefined;
}

function selectorFilter(rt: ResourceType, options: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>): ((o: KubeObject) => boolean) | undefined {
  const labelText = options.labelSelector;
  const fieldText = options.fieldSelector;
  if (!labelText && !fieldText) return undefined;
  try {
    const labels = labelText ? parseLabelSelector(labelText) : undefined;
    const fields = fieldText ? parseFieldSelector(fieldText) : undefined;
    if (fields) {
      const allowed = [...FIELD_SELECTABLE['*'], ...(FIELD_SELECTABLE[rt.kind] ?? [])];
      for (const p of fieldSelectorPaths(fields)) {
        if (!allowed.includes(p)) throw badRequest(`field label not supported: ${p}`);
      }
    }
    return (o) => (!labels || matchesLabels(labels, o.metadata.labels)) && (!fields || matchesFields(fields, o));
  } catch (err) {
    if (err instanceof SelectorError) throw badRequest(err.message);
    throw err;
  }
}

function listMeta(result: { resourceVersion: string; continue?: string; remainingItemCount?: number }): Record<string, unknown> {
  return {
    resourceVersion: result.resourceVersion,
    ...(result.continue ? { continue: result.continue, remainingItemCount: result.remainingItemCount } : {}),
  };
}

function fieldManager(req: IncomingMessage, explicit: string): string {
  if (explicit) return explicit;
  // The real server names an unnamed manager after the client's user agent.
  const agent = req.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0] || 'unknown';
}

function withManager(before: KubeObject | undefined, after: KubeObject, manager: string): KubeObject {
  return recordUpdateManager(before, after, manager, 'Update') as KubeObject;
}

function placeInNamespace(rt: ResourceType, route: Route, obj: KubeObject): void {
  if (!rt.namespaced) return;
  const inBody = obj.metadata.namespace;
  if (inBody && inBody !== route.namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (!route.namespace) throw notFoundPath();
  obj.metadata.namespace = route.namespace;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    throw tooLarge(MAX_BODY_BYTES);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      throw tooLarge(MAX_BODY_BYTES);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(text: string, contentType: string): unknown {
  if (/yaml/i.test(contentType)) {
    try {
      return parseYaml(text);
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const syntax = goJsonSyntaxError(Buffer.from(text, 'utf8'));
  if (syntax) throw badRequest(`couldn't get version/kind; json parse error: ${syntax}`);
  return JSON.parse(text);
}

/**
 * The media type of a create, update or delete body. Without a Content-Type
 * the real server assumes its first serializer, JSON (kubectl 1.20 sends none).
 */
function bodyMediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() || 'application/json';
}

/**
 * Reads a create/update body: a JSON (or YAML) object of this resource's
 * kind. Unknown fields follow `fieldValidation`: Strict rejects them, Warn
 * (the default) drops them with a Warning header, Ignore drops them silently.
 */
async function readObject(req: IncomingMessage, rt: ResourceType, fieldValidation: FieldValidation, res: ServerResponse): Promise<KubeObject> {
  const contentType = bodyMediaType(req);
  // Built-in kinds are also read as protobuf (kubectl 1.32+ sends its typed requests so); custom resources never are.
  const accepted = isCustomResource(rt) ? ['application/json', 'application/yaml'] : ['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE];
  if (!accepted.includes(contentType)) {
    req.resume();
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
  }
  const raw = await readBody(req);
  return checkObject(decodeObject(raw, contentType, rt), rt, fieldValidation, res, 'body');
}

/**
 * Parses a create/update body as kube-apiserver's decoder does, failing
 * with its messages: Go's JSON errors, and the frame its transformDecodeError
 * puts around a body whose kind could not be found.
 */
function decodeObject(raw: Buffer, contentType: string, rt: ResourceType): unknown {
  let body: unknown;
  if (contentType === PROTOBUF_MEDIA_TYPE) {
    try {
      return decodeKubernetesProtobuf(raw, { apiVersion: apiVersionOf(rt), kind: rt.kind });
    } catch (err) {
      if (err instanceof ProtobufDecodeError) throw unrecognized(rt, err.message, raw);
      throw err;
    }
  }
  if (contentType === 'application/yaml') {
    try {
      body = parseYaml(raw.toString('utf8'));
    } catch (err) {
      throw unrecognized(rt, `error converting YAML to JSON: ${yamlErrorText(err as Error)}`, raw);
    }
  } else {
    const syntax = goJsonSyntaxError(raw);
    if (syntax) throw unrecognized(rt, `couldn't get version/kind; json parse error: ${syntax}`, raw);
    body = JSON.parse(raw.toString('utf8'));
  }
  if (body === null || body === undefined) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw unrecognized(rt, `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKindOf(body)} into Go value of type ${FIND_KIND}`, raw);
  }
  for (const field of ['apiVersion', 'kind'] as const) {
    const value = (body as Record<string, unknown>)[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      throw unrecognized(rt, `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKindOf(value)} into Go struct field .${field} of type string`, raw);
    }
  }
  return body;
}

/** The Go type kube-apiserver first reads a body into, to find its apiVersion and kind. */
const FIND_KIND = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** A body whose kind could not be read: `the object provided is unrecognized (must be of type Secret): … ({"apiVersion":"v1","kind":"Se ...)`. */
function unrecognized(rt: ResourceType, why: string, raw: Buffer): ApiError {
  return badRequest(`the object provided is unrecognized (must be of type ${rt.kind}): ${why} (${summarizeData(raw)})`);
}

/** The first 30 bytes of a body, as text when it looks like JSON and in hex otherwise (apimachinery's summarizeData). */
function summarizeData(raw: Buffer): string {
  if (!raw.length) return '<empty>';
  const head = raw.subarray(0, 30);
  const more = raw.length > 30 ? ' ...' : '';
  return (raw[0] === 0x7b ? head.toString('utf8') : head.toString('hex')) + more;
}

/** `yaml: line 3: <what is wrong>`, the shape of go-yaml's messages (the wording is the yaml library's). */
function yamlErrorText(err: Error & { linePos?: { line: number }[] }): string {
  const what = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const line = err.linePos?.[0]?.line;
  return line ? `yaml: line ${line}: ${what}` : `yaml: ${what}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/** Where a kind's Go types live inside kube-apiserver: `core.ConfigMap`, `apps.Deployment`, `rbac.Role`. */
function internalType(rt: ResourceType): string {
  return `${rt.group ? rt.group.split('.')[0] : 'core'}.${rt.kind}`;
}

/** Kasten kinds are served by CRDs, which check apiVersion and kind after decoding, not while. */
const isCustomResource = (rt: ResourceType) => rt.group.includes('.') && !rt.group.endsWith('.k8s.io');

/**
 * Checks a decoded body (or the result of a patch) against the resource it
 * is for: an object, of this kind and version, with a metadata object and
 * no unknown fields (see readObject).
 */
function checkObject(body: unknown, rt: ResourceType, mode: FieldValidation, res: ServerResponse, source: 'body' | 'patch'): KubeObject {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: json: cannot unmarshal ${jsonKindOf(body)} into Go value of type ${internalType(rt)}`);
  }
  const obj = body as KubeObject;
  const want = apiVersionOf(rt);
  const apiVersion = obj.apiVersion || want;
  const kind = obj.kind || rt.kind;
  if (isCustomResource(rt)) {
    if (apiVersion !== want) throw badRequest(`the API version in the data (${apiVersion}) does not match the expected API version (${want})`);
    if (kind !== rt.kind) {
      const name = typeof obj.metadata?.name === 'string' ? obj.metadata.name : '';
      throw invalid(rt, name, [{ field: 'kind', message: `Invalid value: "${kind}": must be ${rt.kind}` }]);
    }
  } else if (apiVersion !== want || kind !== rt.kind) {
    const version = apiVersion.split('/').pop()!;
    const why = resourceByKind(apiVersion, kind)
      ? `converting (${version}.${kind}) to (${internalType(rt)}): unknown conversion`
      : `no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`;
    throw badRequest(`${kind} in version "${version}" cannot be handled as a ${rt.kind}: ${why}`);
  }
  // A value of the wrong JSON type (a number in a ConfigMap's data) is refused as Go's decoder refuses it.
  const typeProblem = isCustomResource(rt) ? undefined : goTypeError(rt.kind, obj);
  if (typeProblem) throw badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: ${typeProblem}`);
  if (obj.metadata !== undefined && obj.metadata !== null && (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata))) {
    throw badRequest(`${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: json: cannot unmarshal ${jsonKindOf(obj.metadata)} into Go struct field ${rt.kind}.metadata of type v1.ObjectMeta`);
  }
  obj.metadata ??= {};
  const unknown = unknownFields(rt, obj);
  if (unknown.length) {
    if (mode === 'Strict') {
      const list = `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`;
      // A patched object is decoded on its own, without the frame of a request body.
      throw badRequest(source === 'patch' ? list : `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: ${list}`);
    }
    for (const path of unknown) deletePath(obj, path);
    if (mode !== 'Ignore') res.setHeader('Warning', unknown.map((f) => `299 - "unknown field \\"${f}\\""`));
  }
  return obj;
}

const META_FIELDS = new Set([
  'name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields', 'selfLink',
]);

/** Fields the kind does not have, in the order they come in the object (as a strict decoder meets them). */
function unknownFields(rt: ResourceType, obj: KubeObject): string[] {
  const known = new Set(['apiVersion', 'kind', ...(rt.topLevelFields ?? [])]);
  return Object.keys(obj).flatMap((k) => {
    if (k === 'metadata') return Object.keys(obj.metadata).filter((m) => !META_FIELDS.has(m)).map((m) => `metadata.${m}`);
    return known.has(k) ? [] : [k];
  });
}

function deletePath(obj: Record<string, unknown>, path: string): void {
  const parts = path.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) cur = cur[p] as Record<string, unknown>;
  delete cur[parts[parts.length - 1]];
}

interface DeleteOptionsBody {
  dryRun?: unknown;
  gracePeriodSeconds?: unknown;
  orphanDependents?: unknown;
  propagationPolicy?: unknown;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/**
 * The DeleteOptions of a DELETE: from its body when it has one (as kubectl
 * sends them, `dryRun` included), from the query otherwise; never a mix of
 * the two, as on a real server.
 */
async function readDeleteOptions(req: IncomingMessage, query: Query): Promise<DeleteOptions> {
  const raw = await readBody(req);
  if (!raw.length) return deleteOptionsFromQuery(query);
  const contentType = bodyMediaType(req);
  let parsed: unknown;
  if (contentType === PROTOBUF_MEDIA_TYPE) {
    try {
      parsed = decodeKubernetesProtobuf(raw, { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions' });
    } catch (err) {
      if (err instanceof ProtobufDecodeError) throw badRequest(err.message);
      throw err;
    }
  } else {
    parsed = parseBody(raw.toString('utf8'), contentType || 'application/json');
  }
  const body = (parsed && typeof parsed === 'object' ? parsed : {}) as DeleteOptionsBody;
  return validateDeleteOptions({
    dryRun: Array.isArray(body.dryRun) ? body.dryRun.map(String) : undefined,
    gracePeriodSeconds: typeof body.gracePeriodSeconds === 'number' ? body.gracePeriodSeconds : undefined,
    orphanDependents: typeof body.orphanDependents === 'boolean' ? body.orphanDependents : undefined,
    propagationPolicy: typeof body.propagationPolicy === 'string' ? body.propagationPolicy : undefined,
    preconditions: body.preconditions,
  });
}

const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

async function patch(
  ctx: ApiServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  rt: ResourceType,
  route: Route,
  query: Query,
): Promise<{ object: KubeObject; created: boolean }> {
  const { store } = ctx;
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const accepted = rt.strategicMerge ? Object.values(PATCH_TYPES) : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];
  if (!(accepted as string[]).includes(contentType)) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
  }
  const options: PatchOptions = patchOptions(query, contentType === PATCH_TYPES.apply);
  const { dryRun, fieldValidation } = options;
  const manager = fieldManager(req, options.fieldManager);
  const raw = (await readBody(req)).toString('utf8');
  const body = parseBody(raw, contentType);
  const stored = store.get(rt, route.namespace, route.name!);

  if (contentType === PATCH_TYPES.apply) {
    const undeclared = isPlainObject(body) && (body.metadata === undefined || isPlainObject(body.metadata)) ? unknownFields(rt, { ...body, metadata: body.metadata ?? {} } as KubeObject) : [];
    if (undeclared.length) throw notInSchema(rt, route, body as KubeObject, undeclared);
    const wronglyTyped = !isCustomResource(rt) && isPlainObject(body) ? goTypeError(rt.kind, body) : undefined;
    if (wronglyTyped) throw typedPatchError(rt, route, body as KubeObject, wronglyTyped);
    const applied = checkObject(body, rt, fieldValidation, res, 'patch');
    placeInNamespace(rt, route, applied);
    if (applied.metadata.name !== route.name) {
      throw badRequest(`the name of the object (${applied.metadata.name ?? ''}) does not match the name on the URL (${route.name})`);
    }
    // Applying to the main resource does not touch status, and the reverse on /status.
    if (rt.statusSubresource && route.subresource !== 'status') delete applied.status;
    const { force } = options;
    const { object, conflicts } = serverSideApply(stored, applied, manager, { force });
    if (conflicts.length && !force) throw applyConflict(conflicts, apiVersionOf(rt));
    if (!stored) return { object: store.create(rt, object as KubeObject, { dryRun }), created: true };
    return { object: store.update(rt, withVersion(object as KubeObject, stored), { dryRun, subresource: statusOnly(route) }), created: false };
  }

  const current = stored ?? store.require(rt, route.namespace, route.name!);
  let next: unknown;
  try {
    if (contentType === PATCH_TYPES.json) {
      if (!Array.isArray(body)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      next = applyJsonPatch(current, body);
    } else if (contentType === PATCH_TYPES.merge) {
      next = applyMergePatch(current, body);
    } else {
      next = applyStrategicMergePatch(current, body, rt.kind);
    }
  } catch (err) {
    if (err instanceof PatchError) {
      throw new ApiError(err.code, err.code === 400 ? 'BadRequest' : err.code === 415 ? 'UnsupportedMediaType' : 'Invalid', err.message);
    }
    throw err;
  }
  // The patched object is decoded into the kind's Go type; a value of the wrong type makes the patch invalid.
  const wronglyTyped = !isCustomResource(rt) && isPlainObject(next) ? goTypeError(rt.kind, next) : undefined;
  if (wronglyTyped) {
    // What the server shows of the patch: the patched object (JSON and merge patches) or the patch itself, printed by Go.
    const shown = contentType === PATCH_TYPES.strategic ? goPrint(body) : JSON.stringify(sortKeys(next));
    throw new ApiError(422, 'Invalid', ` "" is invalid: patch: Invalid value: ${JSON.stringify(shown)}: ${wronglyTyped}`, {
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(shown)}: ${wronglyTyped}`, field: 'patch' }],
    });
  }
  const obj = checkObject(next, rt, fieldValidation, res, 'patch');
  // A resourceVersion set by the patch itself is a precondition; otherwise the patch applies to what is stored.
  const explicitRv = (body as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion;
  const toWrite = explicitRv ? obj : withVersion(obj, current);
  if (toWrite.metadata.name !== current.metadata.name) throw badRequest('metadata.name: Invalid value: the name of an object cannot be changed by a patch');
  return { object: store.update(rt, withManager(current, toWrite, manager), { dryRun, subresource: statusOnly(route) }), created: false };
}

/** Patched objects carry the stored version so the update is not rejected as stale. */
function withVersion(obj: KubeObject, current: KubeObject): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } };
}

/**
 * A value of the wrong type met by server-side apply's typed conversion:
 * refused in the same frame as an undeclared field, with Go's JSON wording
 * of the problem (the real conversion words it its own way).
 */
function typedPatchError(rt: ResourceType, route: Route, body: KubeObject, problem: string): ApiError {
  const meta = (isPlainObject(body.metadata) ? body.metadata : {}) as { name?: unknown; namespace?: unknown };
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : (route.namespace ?? '');
  const name = typeof meta.name === 'string' ? meta.name : '';
  return new ApiError(500, '', `failed to create typed patch object (${namespace}/${name}; ${rt.group}/${rt.version}, Kind=${rt.kind}): ${problem}`);
}

/** JSON with every object's keys sorted, as Go marshals a map. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  return value;
}

/** A decoded JSON value as Go's fmt prints it with %+v: `map[data:map[port:3306]]`. */
function goPrint(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goPrint).join(' ')}]`;
  if (isPlainObject(value)) return `map[${Object.keys(value).sort().map((k) => `${k}:${goPrint(value[k])}`).join(' ')}]`;
  return String(value);
}

/**
 * Server-side apply reads the applied object against the kind's schema
 * first, and a field the schema does not declare fails the request there,
 * whatever fieldValidation says: a 500 with no reason on kube-apiserver 1.31
 * (kubernetes/kubernetes#122480), which kubectl prints as `Error from server: …`.
 */
function notInSchema(rt: ResourceType, route: Route, body: KubeObject, fields: string[]): ApiError {
  const meta = (body.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : (route.namespace ?? '');
  const name = typeof meta.name === 'string' ? meta.name : '';
  const problems = fields.map((f) => `.${f}: field not declared in schema`);
  const text = problems.length === 1 ? problems[0] : ['errors:', ...problems.map((p) => `  ${p}`)].join('\n');
  return new ApiError(500, '', `failed to create typed patch object (${namespace}/${name}; ${rt.group}/${rt.version}, Kind=${rt.kind}): ${text}`);
}

function applyConflict(conflicts: { manager: string; field: string }[], apiVersion: string): ApiError {
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.field]);
  const n = conflicts.length;
  let message: string;
  if (n === 1) {
    message = `Apply failed with 1 conflict: conflict with "${conflicts[0].manager}" using ${apiVersion}: ${conflicts[0].field}`;
  } else {
    const lines = [...byManager].map(([m, fields]) => `conflicts with "${m}" using ${apiVersion}:\n${fields.map((f) => `- ${f}`).join('\n')}`);
    message = `Apply failed with ${n} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${apiVersion}`, field: c.field })),
  });
}

function selfSubjectReview(user: UserInfo): Record<string, unknown> {
  return {
    kind: 'SelfSubjectReview',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { creationTimestamp: null },
    status: { userInfo: { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups } },
  };
}

function selfSubjectRulesReview(authorizer: Authorizer, user: UserInfo, namespace: string | undefined): Record<string, unknown> {
  const rules = authorizer.rules(user, namespace);
  const pick = (r: PolicyRule, keys: (keyof PolicyRule)[]) => Object.fromEntries(keys.filter((k) => r[k]?.length).map((k) => [k, r[k]]));
  return {
    kind: 'SelfSubjectRulesReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec: namespace ? { namespace } : {},
    status: {
      resourceRules: rules.filter((r) => !r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs ?? [], ...pick(r, ['apiGroups', 'resources', 'resourceNames']) })),
      nonResourceRules: rules.filter((r) => r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs ?? [], nonResourceURLs: r.nonResourceURLs })),
      incomplete: false,
    },
  };
}

function selfSubjectAccessReview(
  authorizer: Authorizer,
  faults: FaultState,
  user: UserInfo,
  body: { spec?: Record<string, Record<string, string>> },
): Record<string, unknown> {
  const spec = body.spec ?? {};
  let attrs: Attributes;
  if (spec.nonResourceAttributes) {
    attrs = { verb: spec.nonResourceAttributes.verb ?? '', path: spec.nonResourceAttributes.path ?? '' };
  } else {
    const r = spec.resourceAttributes ?? {};
    attrs = {
      verb: r.verb ?? '',
      group: r.group ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource || undefined,
      namespace: r.namespace || undefined,
      name: r.name || undefined,
    };
  }
  let allowed = true;
  try {
    check(authorizer, faults, user, attrs);
  } catch {
    allowed = false;
  }
  return {
    kind: 'SelfSubjectAccessReview',
    apiVersion: 'authorization.k8s.io/v1',
    metadata: { creationTimestamp: null },
    spec,
    status: { allowed, ...(allowed ? { reason: 'RBAC: allowed by the lab fleet' } : {}) },
  };
}

/** Node's timers hold at most 2^31-1 ms; a longer watch timeout is as good as that. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A watch; `form` is set when the client asked for Table rows or metadata only instead of the objects. */
function watch(
  ctx: ApiServerContext,
  req: IncomingMessage,
  res: ServerResponse,
  rt: ResourceType,
  route: Route,
  options: ListOptions,
  form: { table: IncludeObject } | 'PartialObjectMetadata' | undefined,
): void {
  const filter = selectorFilter(rt, options);
  const nameFilter = route.name ? (o: KubeObject) => o.metadata.name === route.name : undefined;
  const combined = filter && nameFilter ? (o: KubeObject) => filter(o) && nameFilter(o) : (filter ?? nameFilter);
  // No timeout (or 0): the server's own, as kube-apiserver's --min-request-timeout (1800 s) gives.
  const timeoutMs = Math.min((options.timeoutSeconds || 1800) * 1000, MAX_TIMER_MS);

  // No Content-Length: HTTP/1.1 sends the stream chunked, HTTP/2 as DATA frames
  // (a Transfer-Encoding header is forbidden there).
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const write = (e: WatchEvent) => {
    const isObject = e.type === 'ADDED' || e.type === 'MODIFIED' || e.type === 'DELETED';
    const object = !form || !isObject
      ? e.object
      : form === 'PartialObjectMetadata'
        ? asPartialObjectMetadata(e.object as KubeObject)
        : toTable(rt, [e.object as KubeObject], { includeObject: form.table, now: new Date() });
    res.write(`${JSON.stringify({ type: e.type, object })}\n`);
  };
  let unsubscribe: () => void = () => undefined;
  const timers: NodeJS.Timeout[] = [];
  const finish = () => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    ctx.openWatches.delete(res);
    if (!res.writableEnded) res.end();
  };
  try {
    unsubscribe = ctx.store.watch(rt, { namespace: route.namespace, filter: combined, resourceVersion: options.resourceVersion || undefined }, write);
  } catch (err) {
    if (err instanceof ApiError) {
      // A real server reports an expired resourceVersion inside the stream, then ends it.
      res.write(`${JSON.stringify({ type: 'ERROR', object: err.toStatus() })}\n`);
      res.end();
      return;
    }
    throw err;
  }
  ctx.openWatches.add(res);
  timers.push(setTimeout(finish, timeoutMs));
  if (options.allowWatchBookmarks) {
    const every = ctx.bookmarkIntervalMs ?? 10_000;
    const tick = () => {
      write({ type: 'BOOKMARK', object: { kind: rt.kind, apiVersion: apiVersionOf(rt), metadata: { resourceVersion: ctx.store.resourceVersion } } });
      timers.push(setTimeout(tick, every));
    };
    timers.push(setTimeout(tick, every));
  }
  req.on('close', finish);
  res.on('close', finish);
}

function sendObject(res: ServerResponse, code: number, req: IncomingMessage, rt: ResourceType, query: Query, obj: KubeObject): void {
  const form: ResponseForm | undefined = responseForm(req.headers.accept);
  if (form === 'Table') send(res, code, toTable(rt, [obj], { includeObject: tableOptions(query), now: new Date() }));
  else if (form === 'PartialObjectMetadata') send(res, code, asPartialObjectMetadata(obj));
  else if (form === 'PartialObjectMetadataList') throw notAcceptable('you requested PartialObjectMetadataList, but the requested object is not a list');
  else send(res, code, obj);
}

/** 406, as kube-apiserver answers a metadata-only form that does not fit what was asked for (a list, or one object). */
function notAcceptable(message: string): ApiError {
  return new ApiError(406, 'NotAcceptable', message);
}

/** Responses whose JSON is indented (see isPrettyPrint). */
const prettyResponses = new WeakSet<ServerResponse>();

function send(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload =
    typeof body === 'string' || Buffer.isBuffer(body) ? body : prettyResponses.has(res) ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload), 'Cache-Control': 'no-cache, private' });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: ApiError): void {
  send(res, err.code, err.toStatus());
}
