/**
 * Text → KubeconfigFile, or a message saying exactly why not (naming the
 * file): binary junk, not YAML, YAML that is not a kubeconfig, entries of
 * the wrong shape. Pure: no file access; the caller reads the bytes.
 *
 * Dangling references (a context naming a missing cluster) are not parse
 * errors: with several files, kubectl resolves them across files, so they
 * are judged after merging (problems.ts).
 */
import { isAbsolute, join, dirname } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { AuthProviderConfig, ClusterEntry, ContextEntry, ExecConfig, KubeconfigFile, Named, Origin, UserEntry } from './model.js';

export type ParseResult = { ok: true; file: KubeconfigFile } | { ok: false; error: string };

/**
 * Decodes file bytes as UTF-8 text, or explains why they are not a text
 * kubeconfig (binary, UTF-16, invalid UTF-8). A UTF-8 byte-order mark is dropped.
 */
export function decodeText(bytes: Uint8Array, label: string): { ok: true; text: string } | { ok: false; error: string } {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, error: `${label} is saved as UTF-16 text (as PowerShell's ">" writes it); save it as UTF-8 and scan it again.` };
  }
  if (bytes.includes(0)) return { ok: false, error: `${label} is a binary file (it contains NUL bytes), not a kubeconfig.` };
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return { ok: false, error: `${label} is not UTF-8 text, so it is not a kubeconfig.` };
  }
}

class Invalid extends Error {}

/**
 * Parses kubeconfig YAML from `origin`. Relative file paths (certificates,
 * keys, token files, an exec command containing a path separator) are
 * resolved against the folder of the file that names them, as kubectl does;
 * in pasted text they stay relative (and are reported as missing later).
 */
export function parseKubeconfig(text: string, origin: Origin): ParseResult {
  const label = origin.label;
  if (text.includes('\u0000')) return { ok: false, error: `${label} is binary data (it contains NUL characters), not a kubeconfig.` };

  let docs;
  try {
    // The default alias limit stays on: it stops "billion laughs" expansion bombs.
    docs = parseAllDocuments(text, { prettyErrors: false });
  } catch (err) {
    return { ok: false, error: `${label} is not valid YAML: ${(err as Error).message}` };
  }
  if (!Array.isArray(docs)) return { ok: false, error: `${label} is not valid YAML.` };
  const bad = docs.find((d) => d.errors.length > 0);
  if (bad) return { ok: false, error: `${label} is not valid YAML: ${describeYamlError(bad.errors[0]!)}` };
  const nonEmpty = docs.filter((d) => d.contents !== null);
  if (nonEmpty.length > 1) return { ok: false, error: `${label} holds ${nonEmpty.length} YAML documents; a kubeconfig is a single document.` };

  let root: unknown;
  try {
    root = nonEmpty[0]?.toJS({ maxAliasCount: 100 }) ?? null;
  } catch (err) {
    return { ok: false, error: `${label} is not valid YAML: ${(err as Error).message}` };
  }
  if (root === null || root === undefined) {
    return { ok: false, error: `${label} is empty.` };
  }
  if (typeof root !== 'object' || Array.isArray(root)) {
    return { ok: false, error: `${label} is YAML but not a kubeconfig: it is a ${Array.isArray(root) ? 'list' : 'single value'}, where a kubeconfig is a mapping with clusters, users and contexts.` };
  }
  const doc = root as Record<string, unknown>;
  if (typeof doc.kind === 'string' && doc.kind !== 'Config') {
    return { ok: false, error: `${label} is a Kubernetes ${doc.kind} manifest, not a kubeconfig (kind: Config).` };
  }
  if (!['clusters', 'users', 'contexts', 'current-context'].some((k) => k in doc)) {
    return { ok: false, error: `${label} is YAML but not a kubeconfig: it has none of clusters, users, contexts or current-context.` };
  }

  try {
    const base = origin.path ? dirname(origin.path) : undefined;
    const file: KubeconfigFile = {
      origin,
      clusters: namedList(doc.clusters, 'clusters', 'cluster', origin, (v, at) => clusterEntry(v, at, base)),
      users: namedList(doc.users, 'users', 'user', origin, (v, at) => userEntry(v, at, base)),
      contexts: namedList(doc.contexts, 'contexts', 'context', origin, contextEntry),
    };
    const current = doc['current-context'];
    if (current !== undefined && current !== null && current !== '') file.currentContext = str(current, 'current-context');
    return { ok: true, file };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: `${label} is not a valid kubeconfig: ${err.message}.` };
    throw err;
  }
}

function describeYamlError(err: { message: string; linePos?: Array<{ line: number; col: number }> }): string {
  const pos = err.linePos?.[0];
  const first = err.message.split('\n')[0] ?? err.message;
  return pos && !/line \d+/.test(first) ? `${first} (line ${pos.line}, column ${pos.col})` : first;
}

function namedList<T>(
  value: unknown,
  key: string,
  inner: string,
  origin: Origin,
  build: (v: Record<string, unknown>, at: string) => T,
): Named<T>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Invalid(`"${key}" must be a list`);
  const seen = new Set<string>();
  const out: Named<T>[] = [];
  value.forEach((item, i) => {
    const at = `${key}[${i}]`;
    const obj = record(item, at);
    const name = obj.name;
    if (typeof name !== 'string' || name === '') throw new Invalid(`${at} has no name`);
    // Within one file kubectl refuses duplicates too (its loader builds a map and errors).
    if (seen.has(name)) throw new Invalid(`two ${key} are named "${name}"`);
    seen.add(name);
    const body = obj[inner];
    out.push({ name, value: build(body === undefined || body === null ? {} : record(body, `${at}.${inner}`), `${key} "${name}"`), origin });
  });
  return out;
}

function clusterEntry(v: Record<string, unknown>, at: string, base?: string): ClusterEntry {
  const e: ClusterEntry = {};
  if (v.server !== undefined && v.server !== null && v.server !== '') e.server = str(v.server, `${at}: server`);
  if (v['certificate-authority']) e.certificateAuthority = resolvePath(str(v['certificate-authority'], `${at}: certificate-authority`), base);
  if (v['certificate-authority-data']) e.certificateAuthorityData = str(v['certificate-authority-data'], `${at}: certificate-authority-data`);
  if (v['insecure-skip-tls-verify'] !== undefined && v['insecure-skip-tls-verify'] !== null) e.insecureSkipTlsVerify = bool(v['insecure-skip-tls-verify'], `${at}: insecure-skip-tls-verify`);
  if (v['tls-server-name']) e.tlsServerName = str(v['tls-server-name'], `${at}: tls-server-name`);
  if (v['proxy-url']) e.proxyUrl = str(v['proxy-url'], `${at}: proxy-url`);
  return e;
}

function userEntry(v: Record<string, unknown>, at: string, base?: string): UserEntry {
  const e: UserEntry = {};
  const opt = (key: string) => (v[key] === undefined || v[key] === null || v[key] === '' ? undefined : scalar(v[key], `${at}: ${key}`));
  const cert = opt('client-certificate');
  if (cert) e.clientCertificate = resolvePath(cert, base);
  e.clientCertificateData = opt('client-certificate-data');
  const key = opt('client-key');
  if (key) e.clientKey = resolvePath(key, base);
  e.clientKeyData = opt('client-key-data');
  e.token = opt('token');
  const tokenFile = opt('tokenFile');
  if (tokenFile) e.tokenFile = resolvePath(tokenFile, base);
  e.username = opt('username');
  e.password = opt('password');
  e.as = opt('as');
  if (v.exec !== undefined && v.exec !== null) e.exec = execConfig(record(v.exec, `${at}: exec`), `${at}: exec`, base);
  if (v['auth-provider'] !== undefined && v['auth-provider'] !== null) e.authProvider = authProvider(record(v['auth-provider'], `${at}: auth-provider`), `${at}: auth-provider`);
  for (const k of Object.keys(e) as Array<keyof UserEntry>) if (e[k] === undefined) delete e[k];
  return e;
}

function execConfig(v: Record<string, unknown>, at: string, base?: string): ExecConfig {
  const command = v.command;
  if (typeof command !== 'string' || command === '') throw new Invalid(`${at} has no command`);
  // kubectl resolves the command only when it contains a path separator; a bare name is looked up on PATH.
  const resolved = /[\\/]/.test(command) ? resolvePath(command, base) : command;
  const args = v.args === undefined || v.args === null ? [] : list(v.args, `${at}.args`).map((a, i) => scalar(a, `${at}.args[${i}]`));
  const env = (v.env === undefined || v.env === null ? [] : list(v.env, `${at}.env`)).map((item, i) => {
    const o = record(item, `${at}.env[${i}]`);
    if (typeof o.name !== 'string' || o.name === '') throw new Invalid(`${at}.env[${i}] has no name`);
    return { name: o.name, value: o.value === undefined || o.value === null ? '' : scalar(o.value, `${at}.env[${i}].value`) };
  });
  const e: ExecConfig = { command: resolved, args, env };
  if (typeof v.apiVersion === 'string') e.apiVersion = v.apiVersion;
  if (typeof v.installHint === 'string') e.installHint = v.installHint;
  if (typeof v.provideClusterInfo === 'boolean') e.provideClusterInfo = v.provideClusterInfo;
  if (typeof v.interactiveMode === 'string') e.interactiveMode = v.interactiveMode;
  return e;
}

function authProvider(v: Record<string, unknown>, at: string): AuthProviderConfig {
  if (typeof v.name !== 'string' || v.name === '') throw new Invalid(`${at} has no name`);
  const config: Record<string, string> = {};
  if (v.config !== undefined && v.config !== null) {
    for (const [k, val] of Object.entries(record(v.config, `${at}.config`))) {
      if (val !== undefined && val !== null) config[k] = scalar(val, `${at}.config.${k}`);
    }
  }
  return { name: v.name, config };
}

function contextEntry(v: Record<string, unknown>, at: string): ContextEntry {
  const cluster = v.cluster === undefined || v.cluster === null ? '' : str(v.cluster, `${at}: cluster`);
  const user = v.user === undefined || v.user === null ? '' : str(v.user, `${at}: user`);
  const e: ContextEntry = { cluster, user };
  if (v.namespace) e.namespace = str(v.namespace, `${at}: namespace`);
  return e;
}

/** kubectl's rule: a relative path is relative to the folder of the file that names it. */
function resolvePath(p: string, base?: string): string {
  return base && !isAbsolute(p) ? join(base, p) : p;
}

function record(v: unknown, at: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(`${at} must be a mapping`);
  return v as Record<string, unknown>;
}

function list(v: unknown, at: string): unknown[] {
  if (!Array.isArray(v)) throw new Invalid(`${at} must be a list`);
  return v;
}

function str(v: unknown, at: string): string {
  if (typeof v !== 'string') throw new Invalid(`${at} must be text`);
  return v;
}

/** Text, or a number/boolean YAML typed for us (e.g. `value: 8080`), as kubectl's string fields accept. */
function scalar(v: unknown, at: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new Invalid(`${at} must be text`);
}

function bool(v: unknown, at: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new Invalid(`${at} must be true or false`);
}
