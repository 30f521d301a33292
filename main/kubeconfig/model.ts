/**
 * The kubeconfig as Flotilla reads it: kubectl's v1 Config with camelCase
 * field names, each named entry remembering the file it came from (paths in
 * it are resolved against that file, and messages name it).
 */

/** Where a kubeconfig came from: a file, or text pasted into the wizard. */
export interface Origin {
  /** Absolute path of the file; absent for pasted text. */
  path?: string;
  /** How to name it in messages: the path, or "pasted text". */
  label: string;
}

export const PASTED_LABEL = 'pasted text';

export interface ClusterEntry {
  server?: string;
  certificateAuthority?: string;
  certificateAuthorityData?: string;
  insecureSkipTlsVerify?: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
}

export interface ExecConfig {
  apiVersion?: string;
  command: string;
  args: string[];
  env: Array<{ name: string; value: string }>;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

export interface AuthProviderConfig {
  name: string;
  config: Record<string, string>;
}

export interface UserEntry {
  clientCertificate?: string;
  clientCertificateData?: string;
  clientKey?: string;
  clientKeyData?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  /** Impersonation (`as`). */
  as?: string;
  exec?: ExecConfig;
  authProvider?: AuthProviderConfig;
}

export interface ContextEntry {
  cluster: string;
  /** Empty when the context names no user (anonymous access). */
  user: string;
  namespace?: string;
}

/** One entry of `clusters`, `users` or `contexts`, with where it came from. */
export interface Named<T> {
  name: string;
  value: T;
  origin: Origin;
}

/** One kubeconfig file (or pasted text), parsed; relative paths already resolved against its folder. */
export interface KubeconfigFile {
  origin: Origin;
  clusters: Named<ClusterEntry>[];
  users: Named<UserEntry>[];
  contexts: Named<ContextEntry>[];
  currentContext?: string;
}
