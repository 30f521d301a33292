/**
 * The OpenAPI documents of the lab API server, built from RESOURCE_TYPES.
 *
 * kubectl apply/create will not start without them (see
 * notes/kubectl-and-the-lab.md). What kubectl reads in them:
 * - the PATCH operation of each kind, tagged with its
 *   `x-kubernetes-group-version-kind` and listing a `fieldValidation` query
 *   parameter: kubectl then leaves field validation to the server
 *   (`fieldValidation=Strict`) instead of validating client-side;
 * - the kind's schema (found by `x-kubernetes-group-version-kind`), whose
 *   `x-kubernetes-patch-merge-key`/`-strategy` drive the strategic merge patch
 *   that client-side apply computes: they must agree with the server's own
 *   merge (containers by name, ports by containerPort, …), or a removed list
 *   item would survive the patch. `kubectl explain` shows the same schemas.
 *
 * Built-in kinds get the structure of kube-apiserver's schemas where it
 * matters (every top-level field, the merge metadata, the list and map
 * types); nested objects described only in part keep the fields they do not
 * describe with `x-kubernetes-preserve-unknown-fields`, so that no validator
 * reading these schemas rejects a valid object. Kasten kinds look as their
 * CRDs do: `spec` and `status` are objects that preserve unknown fields.
 *
 * `/openapi/v2` is what kubectl 1.20 uses instead (as protobuf, encoded here
 * by hand): the same schemas as Swagger 2.0 definitions, for client-side
 * validation and patches. Every document is the same for every cluster, so
 * each is built once and kept as the bytes to send.
 */
import { createHash } from 'node:crypto';
import { LAB_KUBERNETES_VERSION, acceptedMediaTypes } from './discovery.js';
import { RESOURCE_TYPES, type ResourceType } from './resources.js';

type Schema = Record<string, unknown>;

// ---- Schema builders ----

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const int32: Schema = { type: 'integer', format: 'int32' };
const int64: Schema = { type: 'integer', format: 'int64' };
const strings: Schema = { type: 'array', items: str, 'x-kubernetes-list-type': 'atomic' };
const stringMap: Schema = { type: 'object', additionalProperties: str };
const byteMap: Schema = { type: 'object', additionalProperties: { type: 'string', format: 'byte' } };
const atomicList = (items: Schema): Schema => ({ type: 'array', items, 'x-kubernetes-list-type': 'atomic' });
/** An object some of whose fields are described; the others are kept as they come. */
const partial = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  'x-kubernetes-preserve-unknown-fields': true,
  ...extra,
});
const object = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });
/** A list merged item by item on `key`, both by strategic merge patch and by server-side apply. */
function keyedList(items: Schema, key: string, mapKeys: string[] = [key], strategy = 'merge'): Schema {
  return {
    type: 'array',
    items,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': mapKeys,
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-patch-strategy': strategy,
  };
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const CORE = 'io.k8s.api.core.v1';
const NET = 'io.k8s.api.networking.v1';
const objectMeta = ref(`${META}.ObjectMeta`);

/** The schemas every document may refer to, by name; each document carries those it reaches. */
const SHARED: Record<string, Schema> = {
  [`${META}.Time`]: { type: 'string', format: 'date-time' },
  [`${META}.ObjectMeta`]: object({
    annotations: stringMap,
    creationTimestamp: ref(`${META}.Time`),
    deletionGracePeriodSeconds: int64,
    deletionTimestamp: ref(`${META}.Time`),
    finalizers: { type: 'array', items: str, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    generateName: str,
    generation: int64,
    labels: stringMap,
    managedFields: atomicList(ref(`${META}.ManagedFieldsEntry`)),
    name: str,
    namespace: str,
    ownerReferences: keyedList(ref(`${META}.OwnerReference`), 'uid'),
    resourceVersion: str,
    selfLink: str,
    uid: str,
  }),
  [`${META}.OwnerReference`]: object(
    { apiVersion: str, blockOwnerDeletion: bool, controller: bool, kind: str, name: str, uid: str },
    { required: ['apiVersion', 'kind', 'name', 'uid'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${META}.ManagedFieldsEntry`]: object({
    apiVersion: str,
    fieldsType: str,
    fieldsV1: { type: 'object' },
    manager: str,
    operation: str,
    subresource: str,
    time: ref(`${META}.Time`),
  }),
  [`${META}.ListMeta`]: object({ continue: str, remainingItemCount: int64, resourceVersion: str, selfLink: str }),
  [`${META}.LabelSelector`]: object(
    { matchExpressions: atomicList(ref(`${META}.LabelSelectorRequirement`)), matchLabels: stringMap },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${META}.LabelSelectorRequirement`]: object({ key: str, operator: str, values: strings }, { required: ['key', 'operator'] }),
  [`${META}.Condition`]: object(
    { lastTransitionTime: ref(`${META}.Time`), message: str, observedGeneration: int64, reason: str, status: str, type: str },
    { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
  ),
  [`${META}.Patch`]: { type: 'object', description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' },
  [`${META}.DeleteOptions`]: object({
    apiVersion: str,
    dryRun: strings,
    gracePeriodSeconds: int64,
    kind: str,
    orphanDependents: bool,
    preconditions: object({ resourceVersion: str, uid: str }),
    propagationPolicy: str,
  }),
  [`${META}.Status`]: object({
    apiVersion: str,
    code: int32,
    details: partial({ group: str, kind: str, name: str, retryAfterSeconds: int32, uid: str }),
    kind: str,
    message: str,
    metadata: ref(`${META}.ListMeta`),
    reason: str,
    status: str,
  }),
  [`${CORE}.LocalObjectReference`]: object({ name: str }, { 'x-kubernetes-map-type': 'atomic' }),
  [`${CORE}.ObjectReference`]: object(
    { apiVersion: str, fieldPath: str, kind: str, name: str, namespace: str, resourceVersion: str, uid: str },
    { 'x-kubernetes-map-type': 'atomic' },
  ),
  [`${CORE}.PodTemplateSpec`]: object({ metadata: objectMeta, spec: ref(`${CORE}.PodSpec`) }),
  [`${CORE}.PodSpec`]: partial(
    {
      containers: keyedList(ref(`${CORE}.Container`), 'name'),
      imagePullSecrets: keyedList(ref(`${CORE}.LocalObjectReference`), 'name'),
      initContainers: keyedList(ref(`${CORE}.Container`), 'name'),
      nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
      restartPolicy: str,
      serviceAccountName: str,
      tolerations: atomicList(partial({ effect: str, key: str, operator: str, value: str })),
      volumes: keyedList(ref(`${CORE}.Volume`), 'name', ['name'], 'merge,retainKeys'),
    },
    { required: ['containers'] },
  ),
  [`${CORE}.Container`]: partial(
    {
      args: strings,
      command: strings,
      env: keyedList(ref(`${CORE}.EnvVar`), 'name'),
      envFrom: atomicList(partial({ prefix: str })),
      image: str,
      imagePullPolicy: str,
      name: str,
      ports: keyedList(ref(`${CORE}.ContainerPort`), 'containerPort', ['containerPort', 'protocol']),
      resources: partial({ limits: stringMap, requests: stringMap }),
      volumeMounts: keyedList(ref(`${CORE}.VolumeMount`), 'mountPath'),
      workingDir: str,
    },
    { required: ['name'] },
  ),
  [`${CORE}.ContainerPort`]: object(
    { containerPort: int32, hostIP: str, hostPort: int32, name: str, protocol: { type: 'string', default: 'TCP' } },
    { required: ['containerPort'] },
  ),
  [`${CORE}.EnvVar`]: object({ name: str, value: str, valueFrom: partial({}) }, { required: ['name'] }),
  [`${CORE}.VolumeMount`]: object(
    { mountPath: str, mountPropagation: str, name: str, readOnly: bool, subPath: str, subPathExpr: str },
    { required: ['name', 'mountPath'] },
  ),
  [`${CORE}.Volume`]: partial({ name: str }, { required: ['name'] }),
  'io.k8s.api.apps.v1.DeploymentSpec': object(
    {
      minReadySeconds: int32,
      paused: bool,
      progressDeadlineSeconds: int32,
      replicas: int32,
      revisionHistoryLimit: int32,
      selector: ref(`${META}.LabelSelector`),
      strategy: {
        ...partial({ rollingUpdate: partial({}), type: str }),
        'x-kubernetes-patch-strategy': 'retainKeys',
      },
      template: ref(`${CORE}.PodTemplateSpec`),
    },
    { required: ['selector', 'template'] },
  ),
  'io.k8s.api.apps.v1.DeploymentStatus': object({
    availableReplicas: int32,
    collisionCount: int32,
    conditions: keyedList(partial({ message: str, reason: str, status: str, type: str }), 'type'),
    observedGeneration: int64,
    readyReplicas: int32,
    replicas: int32,
    unavailableReplicas: int32,
    updatedReplicas: int32,
  }),
  [`${CORE}.TypedLocalObjectReference`]: object({ apiGroup: str, kind: str, name: str }, { required: ['kind', 'name'], 'x-kubernetes-map-type': 'atomic' }),
  // Ingress: described whole (every list atomic, as in k8s.io/api), so kubectl 1.20 can validate it too.
  [`${NET}.IngressSpec`]: object({
    defaultBackend: ref(`${NET}.IngressBackend`),
    ingressClassName: str,
    rules: atomicList(ref(`${NET}.IngressRule`)),
    tls: atomicList(ref(`${NET}.IngressTLS`)),
  }),
  [`${NET}.IngressBackend`]: object({ resource: ref(`${CORE}.TypedLocalObjectReference`), service: ref(`${NET}.IngressServiceBackend`) }),
  [`${NET}.IngressServiceBackend`]: object({ name: str, port: ref(`${NET}.ServiceBackendPort`) }, { required: ['name'] }),
  [`${NET}.ServiceBackendPort`]: object({ name: str, number: int32 }, { 'x-kubernetes-map-type': 'atomic' }),
  [`${NET}.IngressRule`]: object({ host: str, http: ref(`${NET}.HTTPIngressRuleValue`) }),
  [`${NET}.HTTPIngressRuleValue`]: object({ paths: atomicList(ref(`${NET}.HTTPIngressPath`)) }, { required: ['paths'] }),
  [`${NET}.HTTPIngressPath`]: object({ backend: ref(`${NET}.IngressBackend`), path: str, pathType: str }, { required: ['pathType', 'backend'] }),
  [`${NET}.IngressTLS`]: object({ hosts: strings, secretName: str }),
  [`${NET}.IngressStatus`]: object({ loadBalancer: ref(`${NET}.IngressLoadBalancerStatus`) }),
  [`${NET}.IngressLoadBalancerStatus`]: object({ ingress: atomicList(ref(`${NET}.IngressLoadBalancerIngress`)) }),
  [`${NET}.IngressLoadBalancerIngress`]: object({ hostname: str, ip: str, ports: atomicList(ref(`${NET}.IngressPortStatus`)) }),
  [`${NET}.IngressPortStatus`]: object({ error: str, port: int32, protocol: str }, { required: ['port', 'protocol'] }),
  'io.k8s.api.rbac.v1.PolicyRule': object(
    { apiGroups: strings, nonResourceURLs: strings, resourceNames: strings, resources: strings, verbs: strings },
    { required: ['verbs'] },
  ),
  'io.k8s.api.rbac.v1.Subject': object({ apiGroup: str, kind: str, name: str, namespace: str }, { required: ['kind', 'name'], 'x-kubernetes-map-type': 'atomic' }),
  'io.k8s.api.rbac.v1.RoleRef': object({ apiGroup: str, kind: str, name: str }, { required: ['apiGroup', 'kind', 'name'], 'x-kubernetes-map-type': 'atomic' }),
};

const rules = atomicList(ref('io.k8s.api.rbac.v1.PolicyRule'));
const subjects = atomicList(ref('io.k8s.api.rbac.v1.Subject'));
const roleRef = ref('io.k8s.api.rbac.v1.RoleRef');

/**
 * The schema of each top-level field (beyond apiVersion/kind/metadata) of the
 * built-in kinds; which fields a kind has comes from the registry's
 * `topLevelFields`, and a field missing here is an object kept as it comes.
 */
const FIELDS: Record<string, Record<string, Schema>> = {
  Namespace: {
    spec: object({ finalizers: strings }),
    status: object({
      conditions: keyedList(object({ lastTransitionTime: ref(`${META}.Time`), message: str, reason: str, status: str, type: str }, { required: ['type', 'status'] }), 'type'),
      phase: str,
    }),
  },
  Secret: { data: byteMap, immutable: bool, stringData: stringMap, type: str },
  ConfigMap: { binaryData: byteMap, data: stringMap, immutable: bool },
  ServiceAccount: {
    automountServiceAccountToken: bool,
    imagePullSecrets: atomicList(ref(`${CORE}.LocalObjectReference`)),
    secrets: keyedList(ref(`${CORE}.ObjectReference`), 'name', ['name']),
  },
  Deployment: { spec: ref('io.k8s.api.apps.v1.DeploymentSpec'), status: ref('io.k8s.api.apps.v1.DeploymentStatus') },
  Ingress: { spec: ref(`${NET}.IngressSpec`), status: ref(`${NET}.IngressStatus`) },
  Role: { rules },
  ClusterRole: { rules, aggregationRule: object({ clusterRoleSelectors: atomicList(ref(`${META}.LabelSelector`)) }) },
  RoleBinding: { roleRef, subjects },
  ClusterRoleBinding: { roleRef, subjects },
  SelfSubjectReview: {
    status: object({ userInfo: object({ extra: { type: 'object', additionalProperties: strings }, groups: strings, uid: str, username: str }) }),
  },
  SelfSubjectAccessReview: {
    spec: object({
      nonResourceAttributes: object({ path: str, verb: str }),
      resourceAttributes: partial({ group: str, name: str, namespace: str, resource: str, subresource: str, verb: str, version: str }),
    }),
    status: object({ allowed: bool, denied: bool, evaluationError: str, reason: str }, { required: ['allowed'] }),
  },
  SelfSubjectRulesReview: {
    spec: object({ namespace: str }),
    status: object(
      {
        evaluationError: str,
        incomplete: bool,
        nonResourceRules: atomicList(object({ nonResourceURLs: strings, verbs: strings }, { required: ['verbs'] })),
        resourceRules: atomicList(object({ apiGroups: strings, resourceNames: strings, resources: strings, verbs: strings }, { required: ['verbs'] })),
      },
      { required: ['resourceRules', 'nonResourceRules', 'incomplete'] },
    ),
  },
};

/** Fields the real schemas require, which `kubectl explain` marks. */
const REQUIRED: Record<string, string[]> = { RoleBinding: ['roleRef'], ClusterRoleBinding: ['roleRef'], SelfSubjectAccessReview: ['spec'], SelfSubjectRulesReview: ['spec'] };

const preserved: Schema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

// ---- Naming, as kube-apiserver and the CRD machinery name things ----

const isBuiltIn = (rt: ResourceType) => !rt.group.includes('.') || rt.group.endsWith('.k8s.io');

/** `io.k8s.api.apps.v1.Deployment`, or `io.kasten.kio.config.v1alpha1.Profile` for a CRD. */
function schemaName(rt: ResourceType, kind = rt.kind): string {
  if (!isBuiltIn(rt)) return `${rt.group.split('.').reverse().join('.')}.${rt.version}.${kind}`;
  return `io.k8s.api.${rt.group ? rt.group.split('.')[0] : 'core'}.${rt.version}.${kind}`;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `Core`, `Apps`, `RbacAuthorization`, `ConfigKioKastenIo`: how operation ids and tags name a group. */
function groupWord(rt: ResourceType): string {
  return rt.group ? rt.group.replace(/\.k8s\.io$/, '').split('.').map(cap).join('') : 'Core';
}

/** `listCoreV1…`, `patchAppsV1…`: the operationId prefix. */
const opPrefix = (rt: ResourceType) => `${groupWord(rt)}${cap(rt.version)}`;
/** `core_v1`, `rbacAuthorization_v1`: the operation tag. */
const tag = (rt: ResourceType) => `${groupWord(rt).charAt(0).toLowerCase()}${groupWord(rt).slice(1)}_${rt.version}`;

const gvk = (rt: ResourceType) => ({ group: rt.group, version: rt.version, kind: rt.kind });
const groupVersionPath = (rt: ResourceType) => (rt.group ? `apis/${rt.group}/${rt.version}` : `api/${rt.version}`);

function kindSchema(rt: ResourceType): Schema {
  const fields = FIELDS[rt.kind] ?? {};
  const properties: Record<string, Schema> = { apiVersion: str, kind: str, metadata: objectMeta };
  for (const f of rt.topLevelFields ?? []) properties[f] = fields[f] ?? preserved;
  return {
    type: 'object',
    properties,
    ...(REQUIRED[rt.kind] ? { required: REQUIRED[rt.kind] } : {}),
    'x-kubernetes-group-version-kind': [gvk(rt)],
  };
}

function listSchema(rt: ResourceType): Schema {
  return object(
    { apiVersion: str, items: { type: 'array', items: ref(schemaName(rt)) }, kind: str, metadata: ref(`${META}.ListMeta`) },
    { required: ['items'], 'x-kubernetes-group-version-kind': [{ ...gvk(rt), kind: `${rt.kind}List` }] },
  );
}

// ---- Paths ----

type Param = { name: string; in: 'query' | 'path'; description: string; schema: Schema; required?: boolean };
const query = (name: string, description: string, schema: Schema = { type: 'string', uniqueItems: true }): Param => ({ name, in: 'query', description, schema });
const pathParam = (name: string, description: string): Param => ({ name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } });

const P = {
  name: (kind: string) => pathParam('name', `name of the ${kind}`),
  namespace: pathParam('namespace', 'object name and auth scope, such as for teams and projects'),
  pretty: query('pretty', "If 'true', then the output is pretty printed."),
  dryRun: query('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed'),
  fieldManager: query('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.'),
  fieldValidation: query(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn (the default) - Strict',
  ),
  force: query('force', 'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people.', { type: 'boolean', uniqueItems: true }),
  gracePeriodSeconds: query('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.', { type: 'integer', uniqueItems: true }),
  propagationPolicy: query('propagationPolicy', "Whether and how garbage collection will be performed: 'Orphan', 'Background' or 'Foreground'."),
  list: [
    query('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', { type: 'boolean', uniqueItems: true }),
    query('continue', 'The continue option should be set when retrieving more results from the server.'),
    query('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
    query('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
    query('limit', 'limit is a maximum number of responses to return for a list call.', { type: 'integer', uniqueItems: true }),
    query('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
    query('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
    query('timeoutSeconds', 'Timeout for the list/watch call.', { type: 'integer', uniqueItems: true }),
    query('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', { type: 'boolean', uniqueItems: true }),
  ],
};

const PATCH_TYPES = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json'];

function mediaTypes(rt: ResourceType): string[] {
  return isBuiltIn(rt) ? ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'] : ['application/json', 'application/yaml'];
}

function content(rt: ResourceType, schema: Schema, types = mediaTypes(rt)): Schema {
  return Object.fromEntries(types.map((t) => [t, { schema }]));
}

interface OperationParts {
  parameters?: Param[];
  body?: Schema;
  response: Schema;
  /** Answers 201 as well as 200. */
  created?: boolean;
}

/** One operation, tagged with its kind as kubectl's query-parameter verifier looks it up. */
function operation(rt: ResourceType, id: string, action: string, description: string, o: OperationParts): Schema {
  return {
    tags: [tag(rt)],
    description,
    operationId: id,
    ...(o.parameters ? { parameters: o.parameters } : {}),
    ...(o.body ? { requestBody: { content: o.body, required: true } } : {}),
    responses: {
      '200': { description: 'OK', content: content(rt, o.response) },
      ...(o.created ? { '201': { description: 'Created', content: content(rt, o.response) } } : {}),
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(rt),
  };
}

/** The paths of one resource type, with the operations its verbs allow, as kube-apiserver lays them out. */
function pathsOf(rt: ResourceType): Record<string, Schema> {
  const has = (verb: string) => rt.verbs.includes(verb);
  const kind = ref(schemaName(rt));
  const list = ref(schemaName(rt, `${rt.kind}List`));
  const status = ref(`${META}.Status`);
  const write = [P.dryRun, P.fieldManager, P.fieldValidation];
  const replace: OperationParts = { parameters: write, body: content(rt, kind), response: kind, created: true };
  const patchTypes = rt.strategicMerge ? [...PATCH_TYPES, 'application/strategic-merge-patch+json'] : PATCH_TYPES;
  const patch: OperationParts = { parameters: [...write, P.force], body: content(rt, ref(`${META}.Patch`), patchTypes), response: kind, created: true };
  const remove: OperationParts = { parameters: [P.dryRun, P.gracePeriodSeconds, P.propagationPolicy], body: content(rt, ref(`${META}.DeleteOptions`), ['application/json']), response: status };
  /** `readCoreV1NamespacedConfigMap`, `patchAppsV1NamespacedDeploymentStatus`, `listCoreV1ConfigMapForAllNamespaces` */
  const id = (verb: string, suffix = '', scoped = rt.namespaced) => `${verb}${opPrefix(rt)}${scoped ? 'Namespaced' : ''}${rt.kind}${suffix}`;

  const base = `/${groupVersionPath(rt)}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.plural}`;
  const scope = rt.namespaced ? [P.namespace, P.pretty] : [P.pretty];
  const paths: Record<string, Schema> = {};
  const add = (path: string, parameters: Param[], operations: Record<string, Schema | false>) => {
    const allowed = Object.entries(operations).filter(([, op]) => op);
    if (allowed.length) paths[path] = { ...Object.fromEntries(allowed), parameters };
  };
  add(base, scope, {
    get: has('list') && operation(rt, id('list'), 'list', `list or watch objects of kind ${rt.kind}`, { parameters: P.list, response: list }),
    post: has('create') && operation(rt, id('create'), 'post', `create a ${rt.kind}`, replace),
    delete: has('deletecollection') && operation(rt, id('deletecollection'), 'deletecollection', `delete collection of ${rt.kind}`, { ...remove, parameters: [...remove.parameters!, ...P.list] }),
  });
  add(`${base}/{name}`, [P.name(rt.kind), ...scope], {
    get: has('get') && operation(rt, id('read'), 'get', `read the specified ${rt.kind}`, { response: kind }),
    put: has('update') && operation(rt, id('replace'), 'put', `replace the specified ${rt.kind}`, replace),
    patch: has('patch') && operation(rt, id('patch'), 'patch', `partially update the specified ${rt.kind}`, patch),
    delete: has('delete') && operation(rt, id('delete'), 'delete', `delete a ${rt.kind}`, remove),
  });
  add(`${base}/{name}/status`, [P.name(rt.kind), ...scope], {
    get: !!rt.statusSubresource && operation(rt, id('read', 'Status'), 'get', `read status of the specified ${rt.kind}`, { response: kind }),
    put: !!rt.statusSubresource && operation(rt, id('replace', 'Status'), 'put', `replace status of the specified ${rt.kind}`, replace),
    patch: !!rt.statusSubresource && operation(rt, id('patch', 'Status'), 'patch', `partially update status of the specified ${rt.kind}`, patch),
  });
  add(`/${groupVersionPath(rt)}/${rt.plural}`, [...P.list, P.pretty], {
    get: rt.namespaced && has('list') && operation(rt, id('list', 'ForAllNamespaces', false), 'list', `list or watch objects of kind ${rt.kind}`, { response: list }),
  });
  return paths;
}

// ---- Documents ----

const SCHEMA_REF = '#/components/schemas/';

/** The schema names `value` refers to with `$ref`, at any depth. */
function refsIn(value: unknown): string[] {
  const names: string[] = [];
  JSON.stringify(value, (key, v: unknown) => {
    if (key === '$ref' && typeof v === 'string') names.push(v.slice(SCHEMA_REF.length));
    return v;
  });
  return names;
}

/** The named schemas and every schema they refer to, transitively. */
function reachable(names: string[], all: Record<string, Schema>, into: Record<string, Schema> = {}): Record<string, Schema> {
  for (const name of names) {
    if (into[name]) continue;
    into[name] = all[name];
    reachable(refsIn(all[name]), all, into);
  }
  return into;
}

let allSchemas: Record<string, Schema> | undefined;

/** Every schema by name: the shared ones, each kind and each kind's list. */
function schemas(): Record<string, Schema> {
  if (!allSchemas) {
    allSchemas = { ...SHARED };
    for (const rt of RESOURCE_TYPES) {
      allSchemas[schemaName(rt)] = kindSchema(rt);
      if (rt.verbs.includes('list')) allSchemas[schemaName(rt, `${rt.kind}List`)] = listSchema(rt);
    }
  }
  return allSchemas;
}

const sorted = (named: Record<string, Schema>) => Object.fromEntries(Object.entries(named).sort(([a], [b]) => a.localeCompare(b)));

interface Served {
  body: string;
  hash: string;
}

function buildV3(): Map<string, Served> {
  const byGv = new Map<string, ResourceType[]>();
  for (const rt of RESOURCE_TYPES) byGv.set(groupVersionPath(rt), [...(byGv.get(groupVersionPath(rt)) ?? []), rt]);
  const docs = new Map<string, Served>();
  for (const [gvPath, types] of byGv) {
    const paths: Record<string, Schema> = Object.assign({}, ...types.map(pathsOf));
    const body = JSON.stringify({
      openapi: '3.0.0',
      info: { title: 'Kubernetes', version: LAB_KUBERNETES_VERSION },
      paths,
      components: { schemas: sorted(reachable(refsIn(paths), schemas())) },
    });
    // kube-apiserver's hash: SHA-512 of the document, so a cached copy is valid exactly while it is current.
    docs.set(gvPath, { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() });
  }
  return docs;
}

let v3: Map<string, Served> | undefined;
const v3Docs = () => (v3 ??= buildV3());

let v3Index: string | undefined;

/** `GET /openapi/v3`: one entry per group-version (`api/v1`, `apis/apps/v1`), as JSON text. */
export function openApiV3Index(): string {
  v3Index ??= JSON.stringify({
    paths: Object.fromEntries([...v3Docs()].map(([gv, doc]) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=${doc.hash}` }])),
  });
  return v3Index;
}

/**
 * `GET /openapi/v3/<group-version path>` (`api/v1`, `apis/apps/v1`, query
 * string not included), as JSON text; undefined for one that is not served.
 */
export function openApiV3Document(groupVersionPath: string): string | undefined {
  return v3Docs().get(groupVersionPath.replace(/^\/+|\/+$/g, ''))?.body;
}

// ---- /openapi/v2 ----

const isPartial = (s: Schema) => s['x-kubernetes-preserve-unknown-fields'] === true;

/**
 * The Swagger 2.0 definitions: those of every kind kubectl 1.20 can use
 * whole, with what they refer to. kubectl 1.20 validates against these
 * (rejecting unknown fields, as against a real server) and computes strategic
 * merge patches from their merge keys. A partly described object must read as
 * free-form there (no properties), and a kind under a strategic merge patch
 * with such a part (Deployment) is left out: its merge keys would be lost
 * inside the free-form part, whereas without a definition kubectl skips
 * validation and patches from its compiled-in types.
 */
function v2Definitions(): Record<string, Schema> {
  const all = schemas();
  const kinds = RESOURCE_TYPES.filter((rt) => !rt.strategicMerge || !Object.values(reachable([schemaName(rt)], all)).some(isPartial));
  const names = kinds.flatMap((rt) => [schemaName(rt), ...(rt.verbs.includes('list') ? [schemaName(rt, `${rt.kind}List`)] : [])]);
  const v2 = JSON.parse(JSON.stringify(sorted(reachable(names, all))).replaceAll(`"${SCHEMA_REF}`, '"#/definitions/')) as Record<string, Schema>;
  const freeForm = (s: Schema): void => {
    if (isPartial(s)) {
      delete s.properties;
      delete s['x-kubernetes-preserve-unknown-fields'];
    }
    for (const v of Object.values(s)) if (v && typeof v === 'object') freeForm(v as Schema);
  };
  for (const s of Object.values(v2)) freeForm(s);
  return v2;
}

/**
 * kubectl asks for the `@v1.0` form, which is not a valid media type; the
 * real server answers with the dotted form, the only one that Go's
 * mime.ParseMediaType lets through.
 */
const V2_PROTOBUF_ASKED = ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'];
const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

function varint(n: number): number[] {
  const out: number[] = [];
  for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return out;
}

/** A protobuf length-delimited field (wire type 2): a string or an embedded message. */
function field(no: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([Buffer.from([...varint((no << 3) | 2), ...varint(bytes.length)]), bytes]);
}

/** gnostic's `openapi_v2.NamedSchema { name = 1; value = 2 }` of each entry. */
const namedSchemas = (named: Record<string, unknown>) => Object.entries(named).map(([name, s]) => field(1, Buffer.concat([field(1, name), field(2, v2Schema(s as Schema))])));

/**
 * gnostic's `openapi_v2.Schema`, the fields our schemas use: `_ref` 1,
 * `format` 2, `description` 4, `required` 19, `additional_properties` 21,
 * `type` 22, `items` 23, `properties` 25, `vendor_extension` 31 (each value
 * as YAML text, which JSON is).
 */
function v2Schema(s: Schema): Buffer {
  const out: Buffer[] = [];
  if (typeof s.$ref === 'string') out.push(field(1, s.$ref));
  if (typeof s.format === 'string') out.push(field(2, s.format));
  if (typeof s.description === 'string') out.push(field(4, s.description));
  for (const r of (s.required as string[] | undefined) ?? []) out.push(field(19, r));
  if (s.additionalProperties) out.push(field(21, field(1, v2Schema(s.additionalProperties as Schema))));
  if (typeof s.type === 'string') out.push(field(22, field(1, s.type)));
  if (s.items) out.push(field(23, field(1, v2Schema(s.items as Schema))));
  if (s.properties) out.push(field(25, Buffer.concat(namedSchemas(s.properties as Record<string, unknown>))));
  for (const [name, value] of Object.entries(s)) {
    if (name.startsWith('x-')) out.push(field(31, Buffer.concat([field(1, name), field(2, field(2, JSON.stringify(value)))])));
  }
  return Buffer.concat(out);
}

let v2Json: string | undefined;
let v2Proto: Buffer | undefined;

/**
 * `GET /openapi/v2`: gnostic's `openapi_v2.Document` in protobuf when asked
 * for it (kubectl), JSON otherwise. It has no paths: kubectl reads only the
 * definitions (and the paths only when OpenAPI v3 is missing).
 */
export function openApiV2(accept: string | undefined): { contentType: string; body: Buffer | string } {
  const first = acceptedMediaTypes(accept).find((m) => V2_PROTOBUF_ASKED.includes(m.type) || m.type === 'application/json' || m.type === '*/*');
  if (first && V2_PROTOBUF_ASKED.includes(first.type)) {
    // Document { swagger = 1; info = 2 (Info { title = 1; version = 2 }); paths = 8; definitions = 9 }
    v2Proto ??= Buffer.concat([
      field(1, '2.0'),
      field(2, Buffer.concat([field(1, 'Kubernetes'), field(2, LAB_KUBERNETES_VERSION)])),
      field(8, Buffer.alloc(0)),
      field(9, Buffer.concat(namedSchemas(v2Definitions()))),
    ]);
    return { contentType: V2_PROTOBUF, body: v2Proto };
  }
  v2Json ??= JSON.stringify({ swagger: '2.0', info: { title: 'Kubernetes', version: LAB_KUBERNETES_VERSION }, paths: {}, definitions: v2Definitions() });
  return { contentType: 'application/json', body: v2Json };
}
