/**
 * Where each part of a cluster definition is kept: secrets in the keychain
 * (one JSON blob per cluster), everything else in the state file. And back:
 * joining the two rebuilds the definition, and `toKubeConfig` turns it into
 * a client-node KubeConfig.
 *
 * Secret: client keys, tokens (inline or read from a token file), basic-auth
 * passwords, exec env values and auth-provider settings whose names look
 * secret, exec arguments that pass a secret flag's value, and a proxy URL
 * that carries a user name or password.
 *
 * Not secret, kept in the state file: the client certificate. The server
 * receives it in every TLS handshake, so it is public by design; keeping it
 * outside the keychain lets Flotilla warn about its expiry without touching
 * the keychain, and keeps the keychain entry small (Windows Credential
 * Manager caps an entry at 2,560 bytes; for the same reason a PEM key is
 * stored as PEM text rather than base64, a third smaller).
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { Connection, Credentials, SecretField } from '../state/schema.js';
import type { Materialized } from './materialize.js';

/** The keychain entry of one cluster. */
export interface SecretBlob {
  v: 1;
  token?: string;
  password?: string;
  /** The client key as PEM text (most keys). */
  clientKeyPem?: string;
  /** The client key as base64 (keys that are not PEM text). */
  clientKeyData?: string;
  /** A proxy URL with credentials in it. */
  proxyUrl?: string;
  /** Values of the exec env entries named in `exec.secretEnv`, in env order. */
  execEnv?: string[];
  /** Exec arguments at the positions `exec.secretArgs` lists, in that order. */
  execArgs?: string[];
  /** auth-provider config entries named in `authProvider.secretConfig`. */
  authProviderConfig?: Record<string, string>;
}

/** The non-secret half, as the state file keeps it. */
export interface PublicPart {
  connection: Connection;
  credentials: Credentials;
  /** What the keychain entry holds; empty when there is no entry. */
  secretFields: SecretField[];
}

const SECRET_NAME = /token|secret|passw|passphrase|key|credential|cookie|session|private|auth/i;

/** Whether an env variable or auth-provider setting of this name probably holds a secret. */
export function looksSecret(name: string): boolean {
  // Err on the side of the keychain: a non-secret value there costs nothing.
  return SECRET_NAME.test(name);
}

/**
 * Positions of exec arguments that carry a secret: `--token=abc`, or the
 * value after `--client-secret` (flags whose names look secret).
 */
export function secretArgPositions(args: readonly string[]): number[] {
  const positions: number[] = [];
  args.forEach((arg, i) => {
    const flag = /^--?([A-Za-z0-9_.-]+)(=(.*))?$/.exec(arg);
    if (flag && looksSecret(flag[1]) && flag[3]) positions.push(i);
    const previous = i > 0 ? /^--?([A-Za-z0-9_.-]+)$/.exec(args[i - 1]) : null;
    if (previous && looksSecret(previous[1]) && !arg.startsWith('-')) positions.push(i);
  });
  return positions;
}

/** True when a proxy URL carries credentials (user:password@host), or cannot be parsed to tell. */
export function proxyHasCredentials(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== '' || u.password !== '';
  } catch {
    return true;
  }
}

/** A server URL safe to show: any user name or password in it replaced by ***. */
export function redactServerUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '***';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/** A proxy URL safe to show: any password replaced by ***. */
export function redactProxyUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(a proxy URL that is not a valid URL)';
  }
}

/** Splits a definition into what goes to the state file and what goes to the keychain. */
export function splitSecrets(m: Materialized): PublicPart & { secrets?: SecretBlob } {
  const secrets: SecretBlob = { v: 1 };
  const connection: Connection = { ...m.connection };
  if (connection.proxyUrl !== undefined && proxyHasCredentials(connection.proxyUrl)) {
    secrets.proxyUrl = connection.proxyUrl;
    delete connection.proxyUrl;
  }

  const { keyData, token, password, exec, authProvider, ...rest } = m.user;
  const credentials: Credentials = { ...rest };
  if (keyData !== undefined) {
    const pem = Buffer.from(keyData, 'base64').toString('utf8');
    // Keep PEM as text only if it round-trips to the same base64 (it then rebuilds byte for byte).
    if (pem.startsWith('-----BEGIN') && Buffer.from(pem, 'utf8').toString('base64') === keyData) secrets.clientKeyPem = pem;
    else secrets.clientKeyData = keyData;
  }
  if (token !== undefined) secrets.token = token;
  if (password !== undefined) secrets.password = password;
  if (exec) {
    const secretEnv = [...new Set(exec.env.filter((e) => looksSecret(e.name)).map((e) => e.name))];
    const values = exec.env.filter((e) => secretEnv.includes(e.name)).map((e) => e.value);
    const secretArgs = secretArgPositions(exec.args);
    credentials.exec = {
      ...exec,
      // Secret values are blanked here; `secretEnv` and `secretArgs` say which are in the keychain.
      env: exec.env.map((e) => (secretEnv.includes(e.name) ? { name: e.name, value: '' } : { ...e })),
      args: exec.args.map((a, i) => (secretArgs.includes(i) ? '' : a)),
      secretEnv,
      ...(secretArgs.length > 0 ? { secretArgs } : {}),
    };
    if (values.length > 0) secrets.execEnv = values;
    if (secretArgs.length > 0) secrets.execArgs = secretArgs.map((i) => exec.args[i]);
  }
  if (authProvider) {
    const config: Record<string, string> = {};
    const secretConfig: Record<string, string> = {};
    for (const [k, v] of Object.entries(authProvider.config)) (looksSecret(k) ? secretConfig : config)[k] = v;
    credentials.authProvider = { name: authProvider.name, config, secretConfig: Object.keys(secretConfig) };
    if (Object.keys(secretConfig).length > 0) secrets.authProviderConfig = secretConfig;
  }

  const secretFields = secretFieldsOf(secrets);
  return { connection, credentials, secretFields, ...(secretFields.length > 0 ? { secrets } : {}) };
}

function secretFieldsOf(s: SecretBlob): SecretField[] {
  const fields: SecretField[] = [];
  if (s.token !== undefined) fields.push('token');
  if (s.password !== undefined) fields.push('password');
  if (s.clientKeyPem !== undefined || s.clientKeyData !== undefined) fields.push('clientKey');
  if (s.proxyUrl !== undefined) fields.push('proxyUrl');
  if (s.execEnv !== undefined) fields.push('execEnv');
  if (s.execArgs !== undefined) fields.push('execArgs');
  if (s.authProviderConfig !== undefined) fields.push('authProviderConfig');
  return fields;
}

/**
 * Joins the two halves back into a definition. Throws a plain Error naming
 * the missing fields when the blob lacks what `secretFields` promises (the
 * caller turns it into an AppError naming the cluster).
 */
export function joinSecrets(pub: PublicPart, secrets: SecretBlob | undefined): Materialized {
  const missing = pub.secretFields.filter((f) => !secrets || !secretFieldsOf(secrets).includes(f));
  if (missing.length > 0) throw new Error(`the keychain entry lacks ${missing.join(', ')}`);
  const s = secrets ?? { v: 1 };
  const connection: Materialized['connection'] = { ...pub.connection };
  if (s.proxyUrl !== undefined) connection.proxyUrl = s.proxyUrl;

  const { exec, authProvider, ...rest } = pub.credentials;
  const user: Materialized['user'] = { ...rest };
  if (s.clientKeyPem !== undefined) user.keyData = Buffer.from(s.clientKeyPem, 'utf8').toString('base64');
  if (s.clientKeyData !== undefined) user.keyData = s.clientKeyData;
  if (s.token !== undefined) user.token = s.token;
  if (s.password !== undefined) user.password = s.password;
  if (exec) {
    const values = [...(s.execEnv ?? [])];
    const { secretEnv, secretArgs = [], ...execRest } = exec;
    const argValues = [...(s.execArgs ?? [])];
    user.exec = {
      ...execRest,
      args: exec.args.map((a, i) => (secretArgs.includes(i) ? (argValues.shift() ?? '') : a)),
      env: exec.env.map((e) => (secretEnv.includes(e.name) ? { name: e.name, value: values.shift() ?? '' } : { ...e })),
    };
  }
  if (authProvider) user.authProvider = { name: authProvider.name, config: { ...authProvider.config, ...(s.authProviderConfig ?? {}) } };
  return { connection, user };
}

export interface KubeConfigOptions {
  /** Name of the context, cluster and user in the KubeConfig (the Flotilla cluster name). */
  name: string;
  namespace?: string;
  /**
   * PATH for exec plugins, when their env does not set one (the login
   * shell's: a desktop launcher keeps Flotilla's own minimal). It goes into
   * the exec env, where kube/exec-credential.ts looks the command up and
   * runs it with that PATH.
   */
  execPath?: string;
}

/** A client-node KubeConfig whose current context is this one cluster. */
export function toKubeConfig(m: Materialized, opts: KubeConfigOptions): KubeConfig {
  const { name } = opts;
  const c = m.connection;
  const u = m.user;
  let exec = u.exec;
  if (exec && opts.execPath && !exec.env.some((e) => e.name === 'PATH')) {
    exec = { ...exec, env: [...exec.env, { name: 'PATH', value: opts.execPath }] };
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server: c.server,
        caData: c.caData,
        skipTLSVerify: c.insecureSkipTlsVerify === true,
        tlsServerName: c.tlsServerName,
        proxyUrl: c.proxyUrl,
      },
    ],
    users: [
      {
        name,
        certData: u.certData,
        keyData: u.keyData,
        token: u.token,
        username: u.username,
        password: u.password,
        impersonateUser: u.impersonate,
        exec,
        authProvider: u.authProvider,
      },
    ],
    contexts: [{ name, cluster: name, user: name, namespace: opts.namespace }],
    currentContext: name,
  });
  return kc;
}
