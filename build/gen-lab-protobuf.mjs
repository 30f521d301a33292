#!/usr/bin/env node
/**
 * Writes main/lab/protobuf-types.ts: the protobuf field tables of the kinds
 * the lab API server decodes from `application/vnd.kubernetes.protobuf`
 * bodies (kubectl 1.32 and later send its typed requests so).
 *
 * The tables come from the real thing: every Go client embeds the gzipped
 * FileDescriptorProto of k8s.io/api and apimachinery's generated.proto, so
 * this script reads them out of a kubectl binary and keeps the messages
 * reachable from the decoded kinds.
 *
 *   node build/gen-lab-protobuf.mjs /path/to/kubectl   (1.32 or later)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOTS = [
  'k8s.io.api.core.v1.Namespace',
  'k8s.io.api.core.v1.Secret',
  'k8s.io.api.core.v1.ConfigMap',
  'k8s.io.api.core.v1.ServiceAccount',
  'k8s.io.api.apps.v1.Deployment',
  'k8s.io.api.rbac.v1.Role',
  'k8s.io.api.rbac.v1.ClusterRole',
  'k8s.io.api.rbac.v1.RoleBinding',
  'k8s.io.api.rbac.v1.ClusterRoleBinding',
  'k8s.io.api.authentication.v1.SelfSubjectReview',
  'k8s.io.api.authorization.v1.SelfSubjectAccessReview',
  'k8s.io.api.authorization.v1.SelfSubjectRulesReview',
  'k8s.io.api.networking.v1.Ingress',
  'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  'k8s.io.apimachinery.pkg.runtime.Unknown',
];

// ---- a protobuf reader just big enough for descriptor.proto ----
function* fields(buf) {
  let pos = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const no = key >> 3;
    const wire = key & 7;
    if (wire === 0) yield [no, Number(varint())];
    else if (wire === 2) {
      const len = Number(varint());
      yield [no, buf.subarray(pos, pos + len)];
      pos += len;
    } else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`wire type ${wire}`);
  }
}

const str = (b) => Buffer.from(b).toString('utf8');

function readField(buf) {
  const f = {};
  for (const [no, v] of fields(buf)) {
    if (no === 1) f.name = str(v);
    else if (no === 3) f.number = v;
    else if (no === 4) f.label = v;
    else if (no === 5) f.type = v;
    else if (no === 6) f.typeName = str(v).replace(/^\./, '');
  }
  return f;
}

function readMessage(buf, prefix, out) {
  const m = { fields: [], mapEntry: false };
  const nested = [];
  for (const [no, v] of fields(buf)) {
    if (no === 1) m.name = str(v);
    else if (no === 2) m.fields.push(readField(v));
    else if (no === 3) nested.push(v);
    else if (no === 7) for (const [ono, ov] of fields(v)) if (ono === 7) m.mapEntry = !!ov;
  }
  const full = `${prefix}.${m.name}`;
  out.set(full, m);
  for (const n of nested) readMessage(n, full, out);
}

const kubectl = process.argv[2];
if (!kubectl) {
  console.error('usage: node build/gen-lab-protobuf.mjs /path/to/kubectl');
  process.exit(2);
}
const binary = readFileSync(kubectl);
const messages = new Map();
const magic = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0]);
for (let i = binary.indexOf(magic); i >= 0; i = binary.indexOf(magic, i + 1)) {
  let file;
  try {
    file = gunzipSync(binary.subarray(i, i + 4_000_000), { finishFlush: 2 });
  } catch {
    continue;
  }
  let name = '';
  let pkg = '';
  const bodies = [];
  try {
    for (const [no, v] of fields(file)) {
      if (no === 1) name = str(v);
      else if (no === 2) pkg = str(v);
      else if (no === 4) bodies.push(v);
    }
  } catch {
    continue;
  }
  if (!/^k8s\.io\/(api|apimachinery)\/.*generated\.proto$/.test(name)) continue;
  for (const b of bodies) readMessage(b, pkg, messages);
}

// Scalar kinds: s string, b bytes, i integer, f float, o bool; m message; a map (key kind, value kind or message).
const KIND = { 1: 'f', 2: 'f', 3: 'i', 4: 'i', 5: 'i', 6: 'i', 7: 'i', 8: 'o', 9: 's', 11: 'm', 12: 'b', 13: 'i', 15: 'i', 16: 'i', 17: 'i', 18: 'i' };
const tables = {};
const queue = [...ROOTS];
while (queue.length) {
  const name = queue.shift();
  if (tables[name]) continue;
  const m = messages.get(name);
  if (!m) throw new Error(`no message ${name} in ${kubectl}`);
  tables[name] = m.fields.map((f) => {
    const kind = KIND[f.type];
    if (!kind) throw new Error(`${name}.${f.name}: unsupported type ${f.type}`);
    const entry = kind === 'm' ? messages.get(f.typeName) : undefined;
    if (entry?.mapEntry) {
      const [key, value] = entry.fields;
      if (value.type === 11) queue.push(value.typeName);
      return [f.name, f.number, 'a', KIND[key.type], value.type === 11 ? value.typeName : KIND[value.type]];
    }
    if (kind === 'm') queue.push(f.typeName);
    return [f.name, f.number, kind, f.label === 3 ? 1 : 0, ...(kind === 'm' ? [f.typeName] : [])];
  });
}

const sorted = Object.fromEntries(Object.keys(tables).sort().map((k) => [k, tables[k]]));
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'main', 'lab', 'protobuf-types.ts');
writeFileSync(
  out,
  `/**
 * Protobuf field tables of the kinds the lab API server decodes, and of every
 * message they contain, keyed by full message name. Each field is
 * [jsonName, number, kind, repeated, messageType?], kind being s (string),
 * b (bytes), i (integer), f (float), o (bool) or m (message); a map field is
 * [jsonName, number, 'a', keyKind, valueKind or valueMessageType].
 *
 * Generated by build/gen-lab-protobuf.mjs from the descriptors compiled into
 * kubectl ${process.env.KUBECTL_VERSION ?? ''}; do not edit.
 */
export type ProtoField = [name: string, number: number, kind: string, repeatedOrKey: number | string, type?: string];

export const PROTO_MESSAGES: Record<string, ProtoField[]> = ${JSON.stringify(sorted, null, 0).replace(/\],"/g, '],\n  "').replace(/^\{/, '{\n  ').replace(/\}$/, ',\n}')};
`,
);
console.log(`${Object.keys(sorted).length} messages written to ${out}`);
