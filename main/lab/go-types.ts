/**
 * The Go types of the built-in kinds' top-level fields and metadata, enough
 * to refuse a body as kube-apiserver's JSON decoder does when a value has
 * the wrong JSON type: a ConfigMap with `port: 3306` in its data, a label
 * value `true`, `replicas: "2"`. Go's encoding/json reports the first such
 * value as `json: cannot unmarshal number into Go struct field
 * ConfigMap.data of type string` (the innermost struct, then the JSON path
 * from the top without list indexes or map keys), and the server refuses
 * the body with it; nothing wrongly typed is ever stored.
 *
 * Custom resources (the Kasten kinds) are not Go types: their schemas are
 * checked elsewhere, and loosely, as their CRDs preserve unknown fields.
 */
import { jsonKindOf } from './go-json.js';

export type GoType =
  | { kind: 'string' | 'bool' | 'int' | 'bytes'; go: string }
  | { kind: 'map'; go: string; value: GoType }
  | { kind: 'slice'; go: string; elem: GoType }
  | { kind: 'struct'; go: string; name: string; fields: Record<string, GoType> };

const string: GoType = { kind: 'string', go: 'string' };
const named = (go: string): GoType => ({ kind: 'string', go });
const bool: GoType = { kind: 'bool', go: 'bool' };
const int32: GoType = { kind: 'int', go: 'int32' };
const int64: GoType = { kind: 'int', go: 'int64' };
const bytes: GoType = { kind: 'bytes', go: '[]uint8' };
const map = (value: GoType): GoType => ({ kind: 'map', go: `map[string]${value.go}`, value });
const slice = (elem: GoType): GoType => ({ kind: 'slice', go: `[]${elem.go}`, elem });
/** A struct whose fields are not all described: the ones described are checked. */
const struct = (go: string, fields: Record<string, GoType> = {}): GoType => ({ kind: 'struct', go, name: go.replace(/^.*\./, ''), fields });

const objectMeta = struct('v1.ObjectMeta', {
  name: string,
  generateName: string,
  namespace: string,
  uid: named('types.UID'),
  resourceVersion: string,
  generation: int64,
  deletionGracePeriodSeconds: int64,
  labels: map(string),
  annotations: map(string),
  finalizers: slice(string),
});
const objectReference = struct('v1.ObjectReference', { kind: string, namespace: string, name: string, uid: named('types.UID'), apiVersion: string });
const policyRule = struct('v1.PolicyRule', {
  verbs: slice(string),
  apiGroups: slice(string),
  resources: slice(string),
  resourceNames: slice(string),
  nonResourceURLs: slice(string),
});
const subject = struct('v1.Subject', { kind: string, apiGroup: string, name: string, namespace: string });
const roleRef = struct('v1.RoleRef', { apiGroup: string, kind: string, name: string });

const ingressBackend = struct('v1.IngressBackend', {
  service: struct('v1.IngressServiceBackend', { name: string, port: struct('v1.ServiceBackendPort', { name: string, number: int32 }) }),
  resource: struct('v1.TypedLocalObjectReference', { apiGroup: string, kind: string, name: string }),
});

/** Top-level fields (metadata included) of each built-in kind. */
const KINDS: Record<string, Record<string, GoType>> = {
  Namespace: { spec: struct('v1.NamespaceSpec', { finalizers: slice(named('v1.FinalizerName')) }), status: struct('v1.NamespaceStatus', { phase: named('v1.NamespacePhase') }) },
  ConfigMap: { data: map(string), binaryData: map(bytes), immutable: bool },
  Secret: { data: map(bytes), stringData: map(string), type: named('v1.SecretType'), immutable: bool },
  ServiceAccount: {
    secrets: slice(objectReference),
    imagePullSecrets: slice(struct('v1.LocalObjectReference', { name: string })),
    automountServiceAccountToken: bool,
  },
  Deployment: {
    spec: struct('v1.DeploymentSpec', {
      replicas: int32,
      minReadySeconds: int32,
      revisionHistoryLimit: int32,
      paused: bool,
      progressDeadlineSeconds: int32,
      selector: struct('v1.LabelSelector', { matchLabels: map(string) }),
      template: struct('v1.PodTemplateSpec', { metadata: objectMeta, spec: struct('v1.PodSpec') }),
      strategy: struct('v1.DeploymentStrategy', { type: named('v1.DeploymentStrategyType') }),
    }),
    status: struct('v1.DeploymentStatus'),
  },
  Ingress: {
    spec: struct('v1.IngressSpec', {
      ingressClassName: string,
      defaultBackend: ingressBackend,
      tls: slice(struct('v1.IngressTLS', { hosts: slice(string), secretName: string })),
      rules: slice(
        struct('v1.IngressRule', {
          host: string,
          http: struct('v1.HTTPIngressRuleValue', {
            paths: slice(struct('v1.HTTPIngressPath', { path: string, pathType: named('v1.PathType'), backend: ingressBackend })),
          }),
        }),
      ),
    }),
    status: struct('v1.IngressStatus', {
      loadBalancer: struct('v1.IngressLoadBalancerStatus', {
        ingress: slice(
          struct('v1.IngressLoadBalancerIngress', {
            ip: string,
            hostname: string,
            ports: slice(struct('v1.IngressPortStatus', { port: int32, protocol: named('v1.Protocol'), error: string })),
          }),
        ),
      }),
    }),
  },
  Role: { rules: slice(policyRule) },
  ClusterRole: { rules: slice(policyRule) },
  RoleBinding: { subjects: slice(subject), roleRef },
  ClusterRoleBinding: { subjects: slice(subject), roleRef },
};

/**
 * Go's message for the first value of `obj` (a built-in kind's body) whose
 * JSON type its Go field cannot take; undefined when every value fits or
 * the kind is not a Go type here.
 */
export function goTypeError(kind: string, obj: Record<string, unknown>): string | undefined {
  const fields = KINDS[kind];
  if (!fields) return undefined;
  const top = struct(kind, { metadata: objectMeta, ...fields });
  return check(obj, top, kind, '');
}

function check(value: unknown, type: GoType, struct: string, path: string): string | undefined {
  if (value === null || value === undefined) return undefined; // null leaves a Go value as it is
  const got = jsonKindOf(value);
  const wrong = () => {
    const what = got === 'number' && type.kind === 'int' ? `number ${String(value)}` : got;
    const into = path ? `Go struct field ${struct}.${path}` : `Go value`;
    return `json: cannot unmarshal ${what} into ${into} of type ${type.go}`;
  };
  switch (type.kind) {
    case 'string':
    case 'bytes':
      return got === 'string' ? undefined : wrong();
    case 'bool':
      return got === 'bool' ? undefined : wrong();
    case 'int':
      if (got !== 'number') return wrong();
      return Number.isInteger(value) ? undefined : wrong();
    case 'map':
      if (got !== 'object') return wrong();
      for (const v of Object.values(value as object)) {
        const problem = check(v, type.value, struct, path);
        if (problem) return problem;
      }
      return undefined;
    case 'slice':
      if (got !== 'array') return wrong();
      for (const v of value as unknown[]) {
        const problem = check(v, type.elem, struct, path);
        if (problem) return problem;
      }
      return undefined;
    case 'struct':
      if (got !== 'object') return wrong();
      for (const [k, v] of Object.entries(value as object)) {
        const field = type.fields[k];
        if (!field) continue;
        const problem = check(v, field, type.name, path ? `${path}.${k}` : k);
        if (problem) return problem;
      }
      return undefined;
  }
}
