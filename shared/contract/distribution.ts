/**
 * Global profiles and policies on a primary, the Distributions that send
 * them to clusters, and the per-cluster status Flotilla computes by reading
 * every target it can reach (KASTEN-MC.md: Kasten shows none at a global
 * level). main/distribution implements it.
 *
 * S3 keys go one way only: from the form into the cluster Secret. No result
 * carries them back; "Show as YAML" redacts them unless the call asks.
 */
import { z } from 'zod';
import { RETENTION_PERIODS } from '../kasten/distribution.js';
import { RevealedSecretSchema } from './secret.js';

const clusterId = z.string().min(1).max(256);
const name = z.string().max(253);

export const S3ProfileSchema = z.object({
  name,
  bucket: z.string().max(255),
  region: z.string().max(64),
  endpoint: z.string().max(2048).optional(),
  skipTlsVerify: z.boolean().default(false),
});

export const ProfileSchema = S3ProfileSchema.extend({
  /** The credentials Secret exists (its keys are never read back). */
  hasCredentials: z.boolean(),
  /** What the cluster reports, when it does. */
  status: z.string().optional(),
  /** Distributions that send it. */
  distributions: z.array(z.string()),
});
export type Profile = z.infer<typeof ProfileSchema>;

export const RetentionSchema = z.partialRecord(z.enum(RETENTION_PERIODS), z.number().int().min(0).max(10_000));

export const PolicyInputSchema = z.object({
  name,
  frequency: z.string().max(64),
  retention: RetentionSchema.default({}),
  exportProfile: z.string().max(253).optional(),
  /** Label selector on applications (`kubectl -l` syntax); empty: every application. */
  selector: z.string().max(4096).default(''),
  paused: z.boolean().default(false),
});

export const PolicySchema = PolicyInputSchema.extend({ distributions: z.array(z.string()) });
export type Policy = z.infer<typeof PolicySchema>;

export const TargetSchema = z.union([z.object({ name: z.string().min(1).max(253) }), z.object({ selector: z.string().max(4096) })]);
export const SourceSchema = z.object({ kind: z.enum(['Policy', 'Profile']), name: z.string().min(1).max(253) });

export const SYNC_STATES = ['synced', 'syncing', 'missing', 'modified', 'failed', 'unreachable'] as const;
export const SyncState = z.enum(SYNC_STATES);
export type SyncState = z.infer<typeof SyncState>;

export const FieldDiffSchema = z.object({
  /** e.g. "Policy daily: spec.retention.daily". */
  path: z.string(),
  /** As the global definition has it (secret values never: "(differs)"). */
  expected: z.string().optional(),
  actual: z.string().optional(),
});
export type FieldDiff = z.infer<typeof FieldDiffSchema>;

export const ClusterSyncSchema = z.object({
  /** The target's name on the primary. */
  name: z.string(),
  state: SyncState,
  message: z.string().optional(),
  diff: z.array(FieldDiffSchema).optional(),
  /** The fleet row Flotilla read it through, when it holds the cluster's kubeconfig. */
  clusterId: z.string().optional(),
});
export type ClusterSync = z.infer<typeof ClusterSyncSchema>;

export const DistributionSchema = z.object({
  name: z.string(),
  targets: z.array(TargetSchema),
  sources: z.array(SourceSchema),
  /** The worst state over its targets. */
  state: SyncState,
  clusters: z.array(ClusterSyncSchema),
  /** What the primary's K10 reports, when it does (undocumented; the lab writes it). */
  reported: z.string().optional(),
});
export type Distribution = z.infer<typeof DistributionSchema>;

export const distributionChannels = {
  'profiles:list': { args: z.object({ primaryId: clusterId }), result: z.array(ProfileSchema) },
  /** Creates or updates a global S3 profile; keys are required to create, optional to update ("unchanged"). */
  'profiles:save': {
    args: z.object({
      primaryId: clusterId,
      profile: S3ProfileSchema,
      credentials: z.object({ accessKeyId: z.string().max(256), secretAccessKey: z.string().max(1024) }).optional(),
      create: z.boolean(),
    }),
    result: ProfileSchema,
  },
  'profiles:delete': { args: z.object({ primaryId: clusterId, name }), result: z.null() },

  'policies:list': { args: z.object({ primaryId: clusterId }), result: z.array(PolicySchema) },
  'policies:save': { args: z.object({ primaryId: clusterId, policy: PolicyInputSchema, create: z.boolean() }), result: PolicySchema },
  'policies:delete': { args: z.object({ primaryId: clusterId, name }), result: z.null() },

  /** Every distribution with the status of each target, read from the targets Flotilla can reach. */
  'distributions:list': { args: z.object({ primaryId: clusterId, name: name.optional() }), result: z.array(DistributionSchema) },
  'distributions:save': {
    args: z.object({ primaryId: clusterId, name, targets: z.array(TargetSchema).min(1).max(1000), sources: z.array(SourceSchema).min(1).max(200), create: z.boolean() }),
    result: z.object({ name: z.string(), dropped: z.array(z.string()), added: z.array(z.string()) }),
  },
  /** Deletes a distribution; the copies stay on its targets (as Kasten does), and the result says where. */
  'distributions:delete': { args: z.object({ primaryId: clusterId, name }), result: z.object({ copiesKeptOn: z.array(z.string()) }) },
  /** "Force sync": K10 re-applies the distribution to every target. */
  'distributions:sync': { args: z.object({ primaryId: clusterId, name }), result: z.null() },

  /** Any of these objects as YAML, secret values redacted. */
  'resources:yaml': {
    args: z.object({ primaryId: clusterId, kind: z.enum(['Profile', 'Policy', 'Distribution']), name }),
    result: z.object({ yaml: z.string() }),
  },
  /** The same with secret values, when the user asked for them: a revealed secret, audited. */
  'resources:reveal-yaml': {
    args: z.object({ primaryId: clusterId, kind: z.enum(['Profile', 'Policy', 'Distribution']), name }),
    result: z.object({ yaml: RevealedSecretSchema }),
  },
} as const;
