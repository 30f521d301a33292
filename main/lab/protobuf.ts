/**
 * Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`),
 * read into the JSON objects the rest of the lab API server handles.
 *
 * kubectl 1.32 and later send the requests of their typed clients so:
 * `kubectl create namespace|configmap|secret|deployment|role|rolebinding …`
 * and `kubectl auth can-i`. A real kube-apiserver reads protobuf for every
 * built-in kind (not for custom resources), so the lab must too.
 *
 * The wire format: the bytes `k8s\0`, then a runtime.Unknown message whose
 * typeMeta names the kind and whose raw field holds the kind's message. The
 * field tables come from the descriptors compiled into kubectl
 * (protobuf-types.ts). Go's generated code writes every non-pointer field,
 * empty or not, so a zero value read here is taken as absent (as Go's JSON
 * encoding would omit it), except for the pointer fields listed below, whose
 * presence on the wire means they were set.
 */
import { PROTO_MESSAGES, type ProtoField } from './protobuf-types.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** A body that is not a protobuf message of a kind the server knows; the message is kube-apiserver's. */
export class ProtobufDecodeError extends Error {}

/**
 * Pointer fields (`*int32`, `*bool`, `*string`) of the decoded kinds: set to
 * their zero value, they are still on the wire and still meant.
 */
const POINTER_FIELDS = new Set([
  `${META}.ObjectMeta.deletionGracePeriodSeconds`,
  `${META}.OwnerReference.controller`,
  `${META}.OwnerReference.blockOwnerDeletion`,
  `${META}.DeleteOptions.gracePeriodSeconds`,
  `${META}.DeleteOptions.orphanDependents`,
  `${META}.DeleteOptions.propagationPolicy`,
  `${META}.DeleteOptions.ignoreStoreReadErrorWithClusterBreakingPotential`,
  `${META}.Preconditions.uid`,
  `${META}.Preconditions.resourceVersion`,
  'k8s.io.api.core.v1.ConfigMap.immutable',
  'k8s.io.api.core.v1.Secret.immutable',
  'k8s.io.api.core.v1.ServiceAccount.automountServiceAccountToken',
  'k8s.io.api.apps.v1.DeploymentSpec.replicas',
  'k8s.io.api.apps.v1.DeploymentSpec.revisionHistoryLimit',
  'k8s.io.api.apps.v1.DeploymentSpec.progressDeadlineSeconds',
  'k8s.io.api.core.v1.PodSpec.terminationGracePeriodSeconds',
  'k8s.io.api.core.v1.PodSpec.activeDeadlineSeconds',
  'k8s.io.api.core.v1.PodSpec.automountServiceAccountToken',
  'k8s.io.api.core.v1.PodSpec.shareProcessNamespace',
  'k8s.io.api.core.v1.PodSpec.priority',
  'k8s.io.api.core.v1.PodSpec.enableServiceLinks',
  'k8s.io.api.core.v1.PodSpec.hostUsers',
  'k8s.io.api.core.v1.PodSpec.setHostnameAsFQDN',
  'k8s.io.api.core.v1.Container.restartPolicy',
  'k8s.io.api.core.v1.SecurityContext.privileged',
  'k8s.io.api.core.v1.SecurityContext.runAsUser',
  'k8s.io.api.core.v1.SecurityContext.runAsGroup',
  'k8s.io.api.core.v1.SecurityContext.runAsNonRoot',
  'k8s.io.api.core.v1.SecurityContext.readOnlyRootFilesystem',
  'k8s.io.api.core.v1.SecurityContext.allowPrivilegeEscalation',
  'k8s.io.api.core.v1.PodSecurityContext.runAsUser',
  'k8s.io.api.core.v1.PodSecurityContext.runAsGroup',
  'k8s.io.api.core.v1.PodSecurityContext.runAsNonRoot',
  'k8s.io.api.core.v1.PodSecurityContext.fsGroup',
  'k8s.io.api.core.v1.ConfigMapKeySelector.optional',
  'k8s.io.api.core.v1.SecretKeySelector.optional',
  'k8s.io.api.core.v1.ConfigMapEnvSource.optional',
  'k8s.io.api.core.v1.SecretEnvSource.optional',
  'k8s.io.api.core.v1.ConfigMapVolumeSource.defaultMode',
  'k8s.io.api.core.v1.ConfigMapVolumeSource.optional',
  'k8s.io.api.core.v1.SecretVolumeSource.defaultMode',
  'k8s.io.api.core.v1.SecretVolumeSource.optional',
  'k8s.io.api.core.v1.KeyToPath.mode',
  'k8s.io.api.core.v1.TypedLocalObjectReference.apiGroup',
  'k8s.io.api.networking.v1.IngressSpec.ingressClassName',
  'k8s.io.api.networking.v1.HTTPIngressPath.pathType',
  'k8s.io.api.networking.v1.IngressPortStatus.error',
]);

/**
 * Embedded Go structs (`json:",inline"`): a message field on the wire, but
 * their fields sit in the parent's JSON. An Ingress rule's `http` is inside
 * `ingressRuleValue` on the wire, a probe's `httpGet` inside `handler`.
 */
const INLINE_FIELDS = new Set([
  'k8s.io.api.networking.v1.IngressRule.ingressRuleValue',
  'k8s.io.api.core.v1.Probe.handler',
  'k8s.io.api.core.v1.Volume.volumeSource',
  'k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon',
  'k8s.io.api.core.v1.ConfigMapEnvSource.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapKeySelector.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapProjection.localObjectReference',
  'k8s.io.api.core.v1.ConfigMapVolumeSource.localObjectReference',
  'k8s.io.api.core.v1.SecretEnvSource.localObjectReference',
  'k8s.io.api.core.v1.SecretKeySelector.localObjectReference',
  'k8s.io.api.core.v1.SecretProjection.localObjectReference',
]);

/** The protobuf message of a kind: `k8s.io.api.apps.v1.Deployment`. */
function messageOf(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const name = kind === 'DeleteOptions' ? `${META}.DeleteOptions` : `k8s.io.api.${group.split('.')[0] || 'core'}.${version}.${kind}`;
  return PROTO_MESSAGES[name] ? name : undefined;
}

/**
 * Reads a protobuf request body: its apiVersion and kind (from the envelope,
 * falling back to `defaults` as the real decoder does) and the object.
 */
export function decodeKubernetesProtobuf(raw: Buffer, defaults: { apiVersion: string; kind: string }): Record<string, unknown> {
  if (raw.length < MAGIC.length || !raw.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ProtobufDecodeError(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  const envelope = decodeMessage(raw.subarray(MAGIC.length), 'k8s.io.apimachinery.pkg.runtime.Unknown');
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const kind = typeMeta.kind || defaults.kind;
  const apiVersion = typeMeta.apiVersion || defaults.apiVersion;
  const message = messageOf(apiVersion, kind);
  if (!message) {
    throw new ProtobufDecodeError(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
  }
  const bytes = typeof envelope.raw === 'string' ? Buffer.from(envelope.raw, 'base64') : Buffer.alloc(0);
  return { apiVersion, kind, ...decodeMessage(bytes, message) };
}

/** Reads one message into its JSON form. */
function decodeMessage(buf: Buffer, message: string): Record<string, unknown> {
  const table = PROTO_MESSAGES[message];
  const byNumber = new Map<number, ProtoField>(table.map((f) => [f.at(1) as number, f]));
  const out: Record<string, unknown> = {};
  const reader = new Reader(buf);
  while (!reader.done()) {
    const key = reader.varint();
    const number = Number(key >> 3n);
    const wire = Number(key & 7n);
    const field = byNumber.get(number);
    if (!field) {
      reader.skip(wire); // a field this table does not know (a newer client's): Go skips it too
      continue;
    }
    const [name, , kind, repeatedOrKey, type] = field;
    if (kind === 'a') {
      const entry = reader.bytes(wire);
      const [k, v] = decodeMapEntry(entry, repeatedOrKey as string, type!);
      const map = (out[name] ??= {}) as Record<string, unknown>;
      map[String(k)] = v;
      continue;
    }
    const values = wire === 2 && kind !== 's' && kind !== 'b' && kind !== 'm' ? reader.packed(kind) : [readValue(reader, wire, kind, type)];
    if (repeatedOrKey === 1) {
      ((out[name] ??= []) as unknown[]).push(...values);
    } else {
      out[name] = values[values.length - 1];
    }
  }
  for (const [name, , kind, repeated] of table) {
    if (repeated === 1 || kind === 'm' || kind === 'a' || !(name in out)) continue;
    if (isZero(out[name]) && !POINTER_FIELDS.has(`${message}.${name}`)) delete out[name];
  }
  for (const [name, , kind] of table) {
    if (kind !== 'm' || !INLINE_FIELDS.has(`${message}.${name}`) || !(name in out)) continue;
    const inner = out[name] as Record<string, unknown>;
    delete out[name];
    for (const [k, v] of Object.entries(inner)) if (!(k in out)) out[k] = v;
  }
  return special(message, out);
}

function decodeMapEntry(buf: Buffer, keyKind: string, valueKindOrType: string): [unknown, unknown] {
  const reader = new Reader(buf);
  let key: unknown = keyKind === 's' ? '' : 0;
  let value: unknown;
  const isMessage = valueKindOrType.includes('.');
  while (!reader.done()) {
    const tag = reader.varint();
    const number = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (number === 1) key = readValue(reader, wire, keyKind);
    else if (number === 2) value = readValue(reader, wire, isMessage ? 'm' : valueKindOrType, isMessage ? valueKindOrType : undefined);
    else reader.skip(wire);
  }
  if (value === undefined) value = isMessage ? special(valueKindOrType, {}) : valueKindOrType === 'b' ? '' : valueKindOrType === 's' ? '' : valueKindOrType === 'o' ? false : 0;
  return [key, value];
}

function readValue(reader: Reader, wire: number, kind: string, type?: string): unknown {
  switch (kind) {
    case 's':
      return reader.bytes(wire).toString('utf8');
    case 'b':
      return reader.bytes(wire).toString('base64');
    case 'm':
      return decodeMessage(reader.bytes(wire), type!);
    case 'o':
      return reader.varint() !== 0n;
    case 'f':
      return wire === 1 ? reader.fixed(8).readDoubleLE(0) : reader.fixed(4).readFloatLE(0);
    default:
      return Number(BigInt.asIntN(64, reader.varint()));
  }
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

/** Messages whose JSON form is not an object of their fields. */
function special(message: string, m: Record<string, unknown>): Record<string, unknown> {
  const value = ((): unknown => {
    switch (message) {
      case `${META}.Time`:
      case `${META}.MicroTime`: {
        const seconds = Number(m.seconds ?? 0);
        const nanos = Number(m.nanos ?? 0);
        if (!seconds && !nanos) return null;
        const iso = new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
        return message.endsWith('MicroTime') ? iso.replace(/\.(\d{3})Z$/, `.$1${String(Math.floor(nanos / 1000) % 1000).padStart(3, '0')}Z`) : iso.replace(/\.\d{3}Z$/, 'Z');
      }
      case 'k8s.io.apimachinery.pkg.api.resource.Quantity':
        return m.string ?? '0';
      case 'k8s.io.apimachinery.pkg.util.intstr.IntOrString':
        return m.type === 1 ? (m.strVal ?? '') : (m.intVal ?? 0);
      case `${META}.FieldsV1`:
      case 'k8s.io.apimachinery.pkg.runtime.RawExtension': {
        const raw = typeof m.Raw === 'string' ? m.Raw : typeof m.raw === 'string' ? m.raw : '';
        return raw ? JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) : {};
      }
      case `${META}.Duration`:
        return goDuration(Number(m.duration ?? 0));
      case 'k8s.io.api.authentication.v1.ExtraValue':
      case 'k8s.io.api.authorization.v1.ExtraValue':
        return m.items ?? [];
      default:
        return m;
    }
  })();
  return value as Record<string, unknown>;
}

/** A time.Duration as Go prints it: `1h0m0s`, `30s`, `1.5s`, `0s`. */
function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let s = Math.abs(ns) / 1e9;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const secs = `${Number(s.toFixed(9))}s`;
  return sign + (h ? `${h}h${m}m${secs}` : m ? `${m}m${secs}` : secs);
}

class Reader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new ProtobufDecodeError('unexpected EOF');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
      if (shift > 63n) throw new ProtobufDecodeError('proto: integer overflow');
    }
  }

  bytes(wire: number): Buffer {
    if (wire !== 2) throw new ProtobufDecodeError(`proto: wrong wireType = ${wire}`);
    const len = Number(this.varint());
    if (len < 0 || this.pos + len > this.buf.length) throw new ProtobufDecodeError('unexpected EOF');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  fixed(size: number): Buffer {
    if (this.pos + size > this.buf.length) throw new ProtobufDecodeError('unexpected EOF');
    const out = this.buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    return out;
  }

  /** A packed repeated scalar field. */
  packed(kind: string): unknown[] {
    const inner = new Reader(this.bytes(2));
    const out: unknown[] = [];
    while (!inner.done()) out.push(readValue(inner, kind === 'f' ? 1 : 0, kind));
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.fixed(8);
    else if (wire === 2) this.bytes(2);
    else if (wire === 5) this.fixed(4);
    else throw new ProtobufDecodeError(`proto: illegal wireType ${wire}`);
  }
}
