/**
 * The fleet view: one row per imported cluster with its three kinds of
 * status (Kasten role and join state, reachability from this workstation,
 * and what K10 reports), plus cluster management.
 */
import { z } from 'zod';
import { AppErrorSchema } from './errors.js';

export const ClusterRole = z.enum(['primary', 'secondary', 'standalone', 'unknown']);
export type ClusterRole = z.infer<typeof ClusterRole>;

/** `disconnected`: mc-join-status still says joined, but the cluster is no longer a member (its Cluster was deleted on the primary). */
export const JoinState = z.enum(['none', 'joining', 'joined', 'rejected', 'disconnected', 'unknown']);
export type JoinState = z.infer<typeof JoinState>;

export const ReachabilitySchema = z.object({
  state: z.enum(['reachable', 'unreachable', 'checking']),
  latencyMs: z.number().optional(),
  /** ISO time of the last answer or failure. */
  checkedAt: z.string().optional(),
  /**
   * While unreachable: when the cluster last answered (ISO time). Every
   * value on the row was read by then at the latest: it is the last known
   * one. Absent when it never answered since Flotilla started watching.
   */
  lastSeenAt: z.string().optional(),
});

export const ConnectionTestSchema = z.object({
  reachable: z.boolean(),
  latencyMs: z.number().optional(),
  kubernetesVersion: z.string().optional(),
  k10: z.object({ installed: z.boolean(), version: z.string().optional() }).optional(),
  /** Who the cluster says we are (SelfSubjectReview). */
  identity: z.object({ username: z.string(), groups: z.array(z.string()) }).optional(),
  error: AppErrorSchema.optional(),
});
export type ConnectionTest = z.infer<typeof ConnectionTestSchema>;

export const FleetRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  server: z.string(),
  source: z.enum(['imported', 'lab']),
  labels: z.record(z.string(), z.string()),
  role: ClusterRole,
  joinState: JoinState,
  /** Why a join was rejected, or other Kasten detail. */
  joinMessage: z.string().optional(),
  /** For a secondary: its primary's name. */
  primaryName: z.string().optional(),
  reachability: ReachabilitySchema,
  kubernetesVersion: z.string().optional(),
  k10Version: z.string().optional(),
  counts: z.object({
    applications: z.number().int().optional(),
    policies: z.number().int().optional(),
    actions: z.number().int().optional(),
    failedActions24h: z.number().int().optional(),
  }),
  lastError: AppErrorSchema.extend({ at: z.string() }).optional(),
  /**
   * Distributions that target this cluster, as its primary's K10 reports
   * them (when it does), worst first. Flotilla's own reading of each target
   * (distributions:list) also tells missing, modified and unreachable.
   */
  sync: z.object({ state: z.enum(['synced', 'syncing', 'failed']), distributions: z.number().int() }).optional(),
});
export type FleetRow = z.infer<typeof FleetRowSchema>;

/** Clusters counted by what is wrong with them; each count is one of the fleet view's filters (isAuthProblem and friends in main/fleet/fleet-row.ts). */
export const FleetSummarySchema = z.object({
  clusters: z.number().int(),
  reachable: z.number().int(),
  /** No answer from this workstation (or no credentials to ask with). */
  unreachable: z.number().int(),
  /** Answered, but refused the credentials (401) or a permission the view needs (403) on the probe or a watch. */
  authProblems: z.number().int(),
  /** With at least one failed K10 action in the last 24 hours. */
  failedActions: z.number().int(),
  primaries: z.number().int(),
  secondaries: z.number().int(),
});
export type FleetSummary = z.infer<typeof FleetSummarySchema>;

export const FleetSnapshotSchema = z.object({
  rows: z.array(FleetRowSchema),
  summary: FleetSummarySchema,
  /** Increases with every change; events carry it too. */
  version: z.number().int(),
});
export type FleetSnapshot = z.infer<typeof FleetSnapshotSchema>;

/** One failed K10 action, as the detail panel lists it (what Kasten says of it; never the whole object). */
export const FailedActionSchema = z.object({
  /** RunAction, BackupAction, ExportAction or RestoreAction. */
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  /** The policy that ran it (label k10.kasten.io/policyName), if any. */
  policy: z.string().optional(),
  /** The application it acted on (label k10.kasten.io/appName, or its subject). */
  application: z.string().optional(),
  /** ISO time it failed (its end, else its start, else its creation). */
  at: z.string(),
  /** Kasten's error message (status.error.message), shortened when very long. */
  message: z.string().optional(),
});
export type FailedAction = z.infer<typeof FailedActionSchema>;

export const FailedActionsSchema = z.object({
  /** Newest first, at most `limit`. */
  actions: z.array(FailedActionSchema),
  /** Failed in the last 24 hours, of which `actions` are the newest. */
  total: z.number().int(),
  /** False while the cluster's action watches have not listed yet: the list may be incomplete. */
  complete: z.boolean(),
});
export type FailedActions = z.infer<typeof FailedActionsSchema>;

export const K10DashboardSchema = z.object({
  /** The K10 dashboard's address, when Flotilla found one. */
  url: z.string().optional(),
  /** Where it was found: "Cluster hq/cluster-2 on the primary", "Ingress kasten-io/k10-ingress". */
  source: z.string().optional(),
});
export type K10Dashboard = z.infer<typeof K10DashboardSchema>;

export const fleetChannels = {
  'fleet:snapshot': { args: z.object({}), result: FleetSnapshotSchema },
  /** Probes again now (one cluster, or all). */
  'fleet:refresh': { args: z.object({ id: z.string().optional() }), result: z.null() },
  /** Removes clusters from Flotilla (and their keychain entries); the clusters are not touched. */
  /** The newest failed K10 actions of one cluster (last 24 h), from its watches; asked for when its detail panel opens. */
  'fleet:failed-actions': { args: z.object({ clusterId: z.string().min(1).max(256), limit: z.number().int().min(1).max(100).default(20) }), result: FailedActionsSchema },
  /** Where the cluster's K10 dashboard is: its Cluster object's ingress URL (primary and members), else its K10 Ingress or Route. */
  'fleet:k10-dashboard': { args: z.object({ clusterId: z.string().min(1).max(256) }), result: K10DashboardSchema },
  'clusters:remove': { args: z.object({ ids: z.array(z.string()).min(1).max(5000) }), result: z.object({ removed: z.array(z.string()) }) },
} as const;

/** Pushed when rows change: the renderer merges upserts and removals; throttled in main. */
export const FleetChangedEventSchema = z.object({
  version: z.number().int(),
  upserts: z.array(FleetRowSchema),
  removed: z.array(z.string()),
  summary: FleetSummarySchema,
});
export type FleetChangedEvent = z.infer<typeof FleetChangedEventSchema>;
