/**
 * What every part of one cluster's K10 emulation shares: its options with
 * their defaults, the resource types it touches, and helpers for Secret data
 * and error messages.
 */
import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.js';
import type { FleetNetwork, K10Host } from '../k10-host.js';
import { resourceByKind, type KubeObject, type ResourceType } from '../resources.js';

/** Timings of one cluster's K10. Defaults suit a fleet of 500 clusters. */
export interface K10Options {
  /** How long the primary holds a secondary's long poll when it has nothing to say. */
  pollHoldMs?: number;
  /** A secondary with no open poll and no contact for this long is unreachable. */
  unreachableAfterMs?: number;
  /** How often the primary looks for secondaries that went quiet. */
  healthSweepMs?: number;
  /** Timeout of a join or acknowledgement request (a poll gets pollHoldMs on top). */
  requestTimeoutMs?: number;
  /** First retry delay after a failed request; doubles up to retryMaxMs. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Quick attempts of one join before it waits retryMaxMs and starts over. */
  joinAttempts?: number;
  /** Coalesces status writes after bursts of acknowledgements from secondaries. */
  statusDebounceMs?: number;
  /** Full resync (and re-watch) period, as controllers' informers have. */
  resyncMs?: number;
  /** One line per problem; never given token values or secret data. */
  log?: (line: string) => void;
}

export type ResolvedOptions = Required<K10Options>;

export const DEFAULT_OPTIONS: ResolvedOptions = {
  // 500 secondaries re-polling every 20 s cost the primary 25 requests/s.
  pollHoldMs: 20_000,
  unreachableAfterMs: 6_000,
  healthSweepMs: 1_000,
  requestTimeoutMs: 5_000,
  retryBaseMs: 500,
  // 500 secondaries of a stopped primary retry at most 100 times/s together.
  retryMaxMs: 5_000,
  joinAttempts: 4,
  statusDebounceMs: 50,
  resyncMs: 60_000,
  log: (line) => console.warn(line),
};

export interface K10Context {
  readonly host: K10Host;
  readonly network: FleetNetwork;
  readonly opts: ResolvedOptions;
  /** Logs one line prefixed with the cluster's name. */
  log(line: string): void;
}

function need(apiVersion: string, kind: string): ResourceType {
  const rt = resourceByKind(apiVersion, kind);
  if (!rt) throw new Error(`lab resource type ${apiVersion} ${kind} is missing`);
  return rt;
}

/** The resource types K10 reads and writes. */
export const RT = {
  namespace: need('v1', 'Namespace'),
  secret: need('v1', 'Secret'),
  configMap: need('v1', 'ConfigMap'),
  serviceAccount: need('v1', 'ServiceAccount'),
  deployment: need('apps/v1', 'Deployment'),
  ingress: need('networking.k8s.io/v1', 'Ingress'),
  clusterRole: need('rbac.authorization.k8s.io/v1', 'ClusterRole'),
  roleBinding: need('rbac.authorization.k8s.io/v1', 'RoleBinding'),
  bootstrap: need('dist.kio.kasten.io/v1alpha1', 'Bootstrap'),
  cluster: need('dist.kio.kasten.io/v1alpha1', 'Cluster'),
  distribution: need('dist.kio.kasten.io/v1alpha1', 'Distribution'),
  profile: need('config.kio.kasten.io/v1alpha1', 'Profile'),
  policy: need('config.kio.kasten.io/v1alpha1', 'Policy'),
  k10ClusterRoleBinding: need('auth.kio.kasten.io/v1alpha1', 'K10ClusterRoleBinding'),
  k10ClusterRole: need('auth.kio.kasten.io/v1alpha1', 'K10ClusterRole'),
  application: need('apps.kio.kasten.io/v1alpha1', 'Application'),
  restorePoint: need('apps.kio.kasten.io/v1alpha1', 'RestorePoint'),
  runAction: need('actions.kio.kasten.io/v1alpha1', 'RunAction'),
  backupAction: need('actions.kio.kasten.io/v1alpha1', 'BackupAction'),
  exportAction: need('actions.kio.kasten.io/v1alpha1', 'ExportAction'),
} as const;

/** A Secret's `data[key]` decoded, or undefined. */
export function secretValue(secret: KubeObject | undefined, key: string): string | undefined {
  const v = (secret?.data as Record<string, string> | undefined)?.[key];
  return typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : undefined;
}

/** `data` of a Secret from plain strings. */
export function secretData(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) out[k] = Buffer.from(v, 'utf8').toString('base64');
  return out;
}

/** A message for a caught value, safe to log: ApiErrors and Errors carry no secrets here. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.code === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.code === 409 && err.reason === 'AlreadyExists';
}

/** Short content hash: revisions of bundles, digests of session credentials. */
export function digest(text: string, length = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Non-terminating object? Terminating ones are on their way out and take no new work. */
export function alive(obj: KubeObject | undefined): obj is KubeObject {
  return obj !== undefined && !obj.metadata.deletionTimestamp;
}
