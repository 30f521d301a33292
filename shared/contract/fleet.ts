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

export const FleetSummarySchema = z.object({
  clusters: z.number().int(),
  reachable: z.number().int(),
  primaries: z.number().int(),
  secondaries: z.number().int(),
  failing: z.number().int(),
});
export type FleetSummary = z.infer<typeof FleetSummarySchema>;

export const FleetSnapshotSchema = z.object({
  rows: z.array(FleetRowSchema),
  summary: FleetSummarySchema,
  /** Increases with every change; events carry it too. */
  version: z.number().int(),
});
export type FleetSnapshot = z.infer<typeof FleetSnapshotSchema>;

export const fleetChannels = {
  'fleet:snapshot': { args: z.object({}), result: FleetSnapshotSchema },
  /** Probes again now (one cluster, or all). */
  'fleet:refresh': { args: z.object({ id: z.string().optional() }), result: z.null() },
  /** Removes clusters from Flotilla (and their keychain entries); the clusters are not touched. */
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
