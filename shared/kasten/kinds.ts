/**
 * Kasten K10 multi-cluster names: groups, namespaces, labels and well-known
 * object names. KASTEN-MC.md marks each as documented or our own choice; the
 * undocumented ones live here so that one file changes if a real cluster
 * says otherwise.
 */

export const KASTEN_GROUPS = {
  dist: 'dist.kio.kasten.io',
  config: 'config.kio.kasten.io',
  auth: 'auth.kio.kasten.io',
  apps: 'apps.kio.kasten.io',
  actions: 'actions.kio.kasten.io',
} as const;

export const KASTEN_VERSION = 'v1alpha1';

/** Where K10 runs on every cluster. [doc] */
export const K10_NAMESPACE = 'kasten-io';
/** Where the primary keeps multi-cluster state. [doc] */
export const MC_NAMESPACE = 'kasten-io-mc';
export const K10_RELEASE = 'k10';

export const LABELS = {
  /** On Cluster objects: `primary` or `secondary`. [doc] */
  clusterType: 'dist.kio.kasten.io/cluster-type',
  /** On distributed copies in a target's kasten-io. [ours] */
  distribution: 'dist.kio.kasten.io/distribution',
  /** Display name of a join token. [ours] */
  tokenName: 'flotilla.io/token-name',
  /** On secondaries' service accounts created for the primary. [doc] */
  multiClusterSa: 'k10.kasten.io/k10-multi-cluster-sa',
  /** On RunActions. [doc] */
  policyName: 'k10.kasten.io/policyName',
  /** K10 version, on K10 deployments. [ours] */
  version: 'app.kubernetes.io/version',
} as const;

/** Finalizer K10 puts on a secondary's Cluster on the primary. [doc] */
export const CLUSTER_INFO_FINALIZER = 'dist.kio.kasten.io/cluster-info';

/** Secret type of join tokens. [doc] */
export const JOIN_TOKEN_SECRET_TYPE = 'dist.kio.kasten.io/join-token';
export const JOIN_TOKEN_GENERATE_NAME = 'join-token-secret-';

/** Objects on a secondary, in kasten-io. [doc] */
export const JOIN_OBJECTS = {
  joinSecret: 'mc-join',
  joinConfig: 'mc-join-config',
  joinStatus: 'mc-join-status',
  clusterInfo: 'mc-cluster-info',
} as const;

/** Keys of mc-join-config. [doc] */
export const JOIN_CONFIG_KEYS = {
  clusterName: 'cluster-name',
  clusterIngress: 'cluster-ingress',
  primaryIngress: 'primary-ingress',
  allowInsecure: 'allow-insecure-primary-ingress',
} as const;

/** Values of mc-join-status `status`; `joining` is ours. */
export type JoinStatus = 'joining' | 'joined' | 'rejected';

/** Distribution status as the lab fleet writes it. [ours] */
export type DistributionState = 'Syncing' | 'Synced' | 'Failed';

export const K10_CLUSTER_ROLES = [
  'k10-multi-cluster-admin',
  'k10-multi-cluster-basic',
  'k10-multi-cluster-config-view',
] as const;

/** The ClusterRole and RoleBinding that let admins manage multi-cluster. [doc] */
export const MC_ADMIN_CLUSTER_ROLE = 'k10-mc-admin';
export const MC_ADMIN_ROLE_BINDING = 'k10-k10-mc-admin';
export const MC_ADMIN_GROUP = 'k10:admins';

/**
 * Cluster and token names: lowercase alphanumerics, '-' and '.', starting and
 * ending alphanumeric. [doc]
 */
export const KASTEN_NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
