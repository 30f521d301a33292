/**
 * A resolved context → one self-contained cluster definition: every file it
 * references (CA, client certificate, client key, token file) is read and
 * inlined, so what Flotilla keeps no longer depends on files that may move.
 * The `*-data` field wins over the file when both are set, and `token` over
 * `tokenFile`, as in client-go; a token file's content is trimmed, as
 * client-go trims it.
 *
 * The result holds secrets: it lives in main memory only, until
 * credentials.ts splits it between the keychain and the state file.
 */
import type { ExecConfig, AuthProviderConfig, Named } from './model.js';
import type { ResolvedContext } from './merge.js';
import { readFileLimited, type FileRead } from './files.js';

/** Everything needed to talk to one cluster as one user. Secrets included. */
export interface Materialized {
  connection: {
    server: string;
    /** Base64, as kubeconfig's certificate-authority-data. */
    caData?: string;
    insecureSkipTlsVerify?: boolean;
    tlsServerName?: string;
    proxyUrl?: string;
  };
  user: {
    /** Base64 client certificate. */
    certData?: string;
    /** Base64 client key. */
    keyData?: string;
    token?: string;
    /** Where `token` was read from, when it came from a token file. */
    tokenFile?: string;
    username?: string;
    password?: string;
    impersonate?: string;
    exec?: ExecConfig;
    authProvider?: AuthProviderConfig;
  };
}

export type FileField = 'certificate-authority' | 'client-certificate' | 'client-key' | 'tokenFile';

/** A file a context needs that could not be read. */
export interface MissingFile {
  field: FileField;
  path: string;
  /** Completes "<path> …": "does not exist", … */
  reason: string;
  /** The cluster or user entry that names the file. */
  owner: { kind: 'cluster' | 'user'; entry: Named<unknown> };
}

interface Reference {
  field: FileField;
  path: string;
  owner: MissingFile['owner'];
}

/** The files `rc` needs read (a file shadowed by inline data is not needed). */
export function referencedFiles(rc: ResolvedContext): Reference[] {
  const refs: Reference[] = [];
  const c = rc.cluster;
  if (c?.value.certificateAuthority && !c.value.certificateAuthorityData) {
    refs.push({ field: 'certificate-authority', path: c.value.certificateAuthority, owner: { kind: 'cluster', entry: c } });
  }
  const u = rc.user;
  if (u) {
    const v = u.value;
    const owner = { kind: 'user' as const, entry: u };
    if (v.clientCertificate && !v.clientCertificateData) refs.push({ field: 'client-certificate', path: v.clientCertificate, owner });
    if (v.clientKey && !v.clientKeyData) refs.push({ field: 'client-key', path: v.clientKey, owner });
    if (v.tokenFile && !v.token) refs.push({ field: 'tokenFile', path: v.tokenFile, owner });
  }
  return refs;
}

/** Reads every file `rc` references (each once). */
export async function readReferences(rc: ResolvedContext, read: (path: string) => Promise<FileRead> = readFileLimited): Promise<Map<string, FileRead>> {
  const out = new Map<string, FileRead>();
  for (const r of referencedFiles(rc)) if (!out.has(r.path)) out.set(r.path, await read(r.path));
  return out;
}

/**
 * Inlines the files in `files` (from readReferences) into one definition;
 * files that could not be read are listed in `missing` and left out.
 */
export function materialize(rc: ResolvedContext, files: ReadonlyMap<string, FileRead>): { value: Materialized; missing: MissingFile[] } {
  const missing: MissingFile[] = [];
  const content = (ref: Reference): Buffer | undefined => {
    const read = files.get(ref.path);
    if (read?.ok) return read.bytes;
    const pasted = !ref.owner.entry.origin.path;
    const reason = pasted && !/^([a-zA-Z]:)?[\\/]/.test(ref.path)
      ? 'is a relative path in pasted text, which Flotilla cannot resolve; use an absolute path, or paste the file\'s content as the -data field'
      : (read?.reason ?? 'was not read');
    missing.push({ ...ref, reason });
    return undefined;
  };
  const refs = new Map(referencedFiles(rc).map((r) => [r.field, r]));
  const b64 = (buf: Buffer | undefined) => buf?.toString('base64');

  const c = rc.cluster?.value;
  const connection: Materialized['connection'] = { server: (c?.server ?? '').replace(/\/+$/, '') };
  const caData = c?.certificateAuthorityData ?? (refs.has('certificate-authority') ? b64(content(refs.get('certificate-authority')!)) : undefined);
  if (caData) connection.caData = caData;
  if (c?.insecureSkipTlsVerify) connection.insecureSkipTlsVerify = true;
  if (c?.tlsServerName) connection.tlsServerName = c.tlsServerName;
  if (c?.proxyUrl) connection.proxyUrl = c.proxyUrl;

  const u = rc.user?.value;
  const user: Materialized['user'] = {};
  if (u) {
    const certData = u.clientCertificateData ?? (refs.has('client-certificate') ? b64(content(refs.get('client-certificate')!)) : undefined);
    if (certData) user.certData = certData;
    const keyData = u.clientKeyData ?? (refs.has('client-key') ? b64(content(refs.get('client-key')!)) : undefined);
    if (keyData) user.keyData = keyData;
    if (u.token) user.token = u.token;
    else if (u.tokenFile) {
      const bytes = content(refs.get('tokenFile')!);
      if (bytes) {
        user.token = bytes.toString('utf8').trim();
        user.tokenFile = u.tokenFile;
      }
    }
    if (u.username) user.username = u.username;
    if (u.password) user.password = u.password;
    if (u.as) user.impersonate = u.as;
    if (u.exec) user.exec = structuredClone(u.exec);
    if (u.authProvider) user.authProvider = structuredClone(u.authProvider);
  }
  return { value: { connection, user }, missing };
}
