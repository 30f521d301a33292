/**
 * The shape of Flotilla's state file, version 1, as zod schemas: the file is
 * validated on load, and every update is validated before it is written, so
 * a bug cannot persist a state the next start would refuse.
 *
 * A cluster record holds everything needed to rebuild a kubeconfig for that
 * cluster except its secrets, which live in the keychain (entry
 * `cluster:<id>`); `secretFields` lists what that entry holds, so a missing
 * entry is detected rather than guessed.
 */
import { z } from 'zod';
import { SettingsSchema, type Settings } from '../../shared/contract/app.js';
import { AuthKind } from '../../shared/contract/kubeconfig.js';

/**
 * Bumped only by a change an older Flotilla could not read back, or that
 * changes what a field means. A new field that is optional (or has a
 * default) keeps the version: older files load without it, as the
 * settings screen's theme, probe interval and clipboard delay do.
 */
export const STATE_VERSION = 1;

/** How to reach the API server. No secrets: a proxy URL with credentials is kept in the keychain instead. */
export const ConnectionSchema = z.object({
  server: z.string(),
  /** Base64 CA bundle (from certificate-authority-data, or the file it named, read at import). */
  caData: z.string().optional(),
  insecureSkipTlsVerify: z.boolean().optional(),
  tlsServerName: z.string().optional(),
  proxyUrl: z.string().optional(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

export const EnvVarSchema = z.object({ name: z.string(), value: z.string() });

/**
 * An exec credential plugin; env values whose names look secret are in the
 * keychain (`secretEnv` names them), and so are arguments that carry a
 * secret (`secretArgs` lists their positions; blank here).
 */
export const ExecSchema = z.object({
  apiVersion: z.string().optional(),
  command: z.string(),
  args: z.array(z.string()),
  env: z.array(EnvVarSchema),
  secretEnv: z.array(z.string()),
  secretArgs: z.array(z.number().int().min(0)).optional(),
  installHint: z.string().optional(),
  provideClusterInfo: z.boolean().optional(),
  interactiveMode: z.string().optional(),
});
export type Exec = z.infer<typeof ExecSchema>;

/** Who to sign in as, minus the secrets. */
export const CredentialsSchema = z.object({
  /** Base64 client certificate: public (the server sees it in every handshake), so kept here; its key is in the keychain. */
  certData: z.string().optional(),
  username: z.string().optional(),
  /** Impersonate this user (kubeconfig `as`). */
  impersonate: z.string().optional(),
  /** The token file the token was read from at import (shown to the user; not read again). */
  tokenFile: z.string().optional(),
  exec: ExecSchema.optional(),
  authProvider: z
    .object({ name: z.string(), config: z.record(z.string(), z.string()), secretConfig: z.array(z.string()) })
    .optional(),
});
export type Credentials = z.infer<typeof CredentialsSchema>;

export const SECRET_FIELDS = ['token', 'password', 'clientKey', 'proxyUrl', 'execEnv', 'execArgs', 'authProviderConfig'] as const;
export const SecretField = z.enum(SECRET_FIELDS);
export type SecretField = z.infer<typeof SecretField>;

export const ClusterRecordSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  server: z.string(),
  authKind: AuthKind,
  source: z.literal('imported'),
  contextName: z.string(),
  clusterName: z.string(),
  userName: z.string(),
  namespace: z.string().optional(),
  sourceFile: z.string().optional(),
  addedAt: z.string(),
  updatedAt: z.string(),
  connection: ConnectionSchema,
  credentials: CredentialsSchema,
  secretFields: z.array(SecretField),
});
/** One imported cluster as persisted (a StoredCluster plus what rebuilds its kubeconfig). */
export type ClusterRecord = z.infer<typeof ClusterRecordSchema>;

export const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

export const AppStateSchema = z.object({
  version: z.literal(STATE_VERSION),
  clusters: z.array(ClusterRecordSchema),
  settings: SettingsSchema,
  window: WindowStateSchema.optional(),
});
export type AppState = z.infer<typeof AppStateSchema>;

/** Settings of a first start: fleet sorted by name, no filter. */
export function defaultSettings(): Settings {
  return { fleet: { sort: { column: 'name', direction: 'asc' }, filter: '', roleFilter: [], stateFilter: 'all' } };
}

/** The state of a first start. */
export function emptyState(): AppState {
  return { version: STATE_VERSION, clusters: [], settings: defaultSettings() };
}
