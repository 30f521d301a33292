/**
 * The Kasten multi-cluster workflows: promote a primary, join tokens and
 * their safe hand-over, joins (one by one from the secondary's side, or many
 * in one click), permissions, Cluster labels, disconnect, demote, and the
 * audit log. Everything is written through the Kasten objects
 * (KASTEN-MC.md); main/multicluster implements it.
 *
 * Token values: never in a result except where the user asked for one
 * (`tokens:reveal`, `tokens:qr`), and then as a RevealedSecret. A token that
 * reaches main from the joining side (pasted, a handoff file, a QR image) is
 * held there and named by a `tokenRef`; the join calls take the ref.
 */
import { z } from 'zod';
import { K10_CLUSTER_ROLES } from '../kasten/kinds.js';
import { AppErrorSchema } from './errors.js';
import { RevealedSecretSchema } from './secret.js';
import { AUDIT_ACTION_NAMES } from './audit-actions.js';

const clusterId = z.string().min(1).max(256);
/** A Kasten name (cluster, token): checked in main with the documented rules, so the message can say what is wrong. */
const kastenName = z.string().max(253);
const url = z.string().max(2048);
const path = z.string().min(1).max(4096);

export const IngressGuessSchema = z.object({
  url: z.string().optional(),
  /** Where it was found, e.g. "Ingress kasten-io/k10-ingress". */
  source: z.string().optional(),
});

export const UrlCheckSchema = z.object({
  /** https and well-formed. */
  valid: z.boolean(),
  reachable: z.boolean().optional(),
  /** What is wrong (invalid), or the warning (not reachable from this workstation). */
  message: z.string().optional(),
});
export type UrlCheck = z.infer<typeof UrlCheckSchema>;

export const PromotePlanSchema = z.object({
  clusterId: z.string(),
  /** Suggested primary name (the cluster's name in Flotilla, made valid). */
  suggestedName: z.string(),
  ingress: IngressGuessSchema,
  /** Why this cluster cannot be promoted (already a primary or secondary, no K10); absent when it can. */
  refusal: z.string().optional(),
});
export type PromotePlan = z.infer<typeof PromotePlanSchema>;

export const PromoteRenderSchema = z.object({
  /** Problems with the name or URL (each says what to do); the YAML is still shown. */
  problems: z.array(z.string()),
  yaml: z.string(),
  /** `--set multicluster.…` flags for `helm upgrade k10 kasten/k10 …`. */
  helm: z.string(),
});

export const StepSchema = z.object({
  step: z.string(),
  state: z.enum(['running', 'done', 'skipped', 'failed']),
  message: z.string().optional(),
});
export type Step = z.infer<typeof StepSchema>;

export const PromoteResultSchema = z.object({
  primaryName: z.string(),
  /** The Cluster's status.id when K10 set one. */
  id: z.string().optional(),
  ingressUrl: z.string(),
  steps: z.array(StepSchema),
  /** The ingress URL was not reachable from this workstation (a warning, not a refusal). */
  warning: z.string().optional(),
});

export const TokenSchema = z.object({
  /** The Secret's name in kasten-io-mc: what revoke, reveal and copy take. */
  secretName: z.string(),
  /** The display name (label flotilla.io/token-name), else the Secret's name. */
  name: z.string(),
  createdAt: z.string().optional(),
  /** K10 has filled the token. */
  ready: z.boolean(),
  /** Four groups of four characters of the token's SHA-256 (base32): to confirm by voice. */
  fingerprint: z.string().optional(),
  /** Secondaries whose Cluster appeared after this token was created (an upper bound: any token could have admitted them). */
  joinedSince: z.number().int().optional(),
});
export type Token = z.infer<typeof TokenSchema>;

export const ClipboardCopySchema = z.object({
  expiresAt: z.string(),
  clearAfterMs: z.number().int(),
  /** Marked concealed for clipboard managers and history on this platform. */
  concealed: z.boolean(),
});

export const HeldTokenSchema = z.object({
  /** Names the token held in main, for the join calls. */
  tokenRef: z.string(),
  fingerprint: z.string(),
  /** From a handoff file: the primary's name. */
  primaryName: z.string().optional(),
  /** What the token says the primary's ingress is, when Flotilla can read it (lab tokens). */
  primaryIngress: z.string().optional(),
  /** From a handoff file. */
  expiresAt: z.string().optional(),
});
export type HeldToken = z.infer<typeof HeldTokenSchema>;

export const TokenSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('paste'), token: z.string().min(1).max(16_384) }),
  /** An age handoff file; without a path, the open dialog. */
  z.object({ kind: z.literal('file'), path: path.optional(), passphrase: z.string().min(1).max(1024) }),
  /** A PNG image of a QR code; without a path, the open dialog. */
  z.object({ kind: z.literal('qr'), path: path.optional() }),
]);

export const JoinPlanSchema = z.object({
  clusterId: z.string(),
  suggestedName: z.string(),
  ingress: IngressGuessSchema,
  refusal: z.string().optional(),
  /** A join already under way or finished on this cluster (mc-join-status), for "Start over". */
  current: z.object({ state: z.string(), message: z.string().optional() }).optional(),
});

export const JoinStateSchema = z.enum(['writing', 'joining', 'joined', 'rejected', 'failed', 'refused', 'timeout']);
export type JoinProgressState = z.infer<typeof JoinStateSchema>;

export const JoinOutcomeSchema = z.object({
  clusterId: z.string(),
  /** The cluster's name in Flotilla. */
  cluster: z.string(),
  /** The name it joins under (its Cluster's name on the primary). */
  joinName: z.string().optional(),
  state: JoinStateSchema,
  /** Kasten's message (rejected), or what went wrong and what to do. */
  message: z.string().optional(),
});
export type JoinOutcome = z.infer<typeof JoinOutcomeSchema>;

export const ClusterTargetSchema = z.union([z.object({ name: z.string().min(1).max(253) }), z.object({ selector: z.string().max(4096) })]);
export type ClusterTarget = z.infer<typeof ClusterTargetSchema>;

export const SubjectSchema = z.object({
  kind: z.enum(['User', 'Group', 'ServiceAccount']),
  name: z.string().min(1).max(512),
  /** ServiceAccount only. */
  namespace: z.string().max(253).optional(),
});
export type Subject = z.infer<typeof SubjectSchema>;

export const GrantPlanSchema = z.object({
  /** Who the primary says we are (SelfSubjectReview). */
  identity: z.object({ username: z.string(), groups: z.array(z.string()) }),
  /** The user may already manage multi-cluster objects (k10-mc-admin through a group or a binding). */
  hasMcAdmin: z.boolean(),
  suggested: z.object({
    name: z.string(),
    role: z.enum(K10_CLUSTER_ROLES),
    subjects: z.array(SubjectSchema),
    clusters: z.array(ClusterTargetSchema),
  }),
  existing: z.array(
    z.object({ name: z.string(), role: z.string(), subjects: z.array(SubjectSchema), clusters: z.array(ClusterTargetSchema) }),
  ),
});

export const McClusterSchema = z.object({
  name: z.string(),
  type: z.enum(['primary', 'secondary']),
  labels: z.record(z.string(), z.string()),
  ingressUrl: z.string().optional(),
  id: z.string().optional(),
  connection: z.string().optional(),
  /** Being deleted (a disconnect under way). */
  deleting: z.boolean(),
  /** The fleet row of the same cluster, when Flotilla holds its kubeconfig. */
  clusterId: z.string().optional(),
});
export type McCluster = z.infer<typeof McClusterSchema>;

export const labelMap = z.record(z.string().max(317), z.string().max(63));

export { AUDIT_ACTION_NAMES } from './audit-actions.js';

export const AuditEntrySchema = z.object({
  id: z.string(),
  time: z.string(),
  action: z.enum(AUDIT_ACTION_NAMES),
  cluster: z.string().optional(),
  identity: z.string().optional(),
  outcome: z.enum(['succeeded', 'failed', 'started']),
  target: z.string().optional(),
  detail: z.string().optional(),
  error: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

const operationResult = z.object({ steps: z.array(StepSchema) });

export const multiclusterChannels = {
  /** What promoting this cluster would take: a name, the ingress found on it, or why it cannot be. */
  'promote:plan': { args: z.object({ clusterId }), result: PromotePlanSchema },
  /** The manifests and Helm flags for a name and URL, with what is wrong with them. */
  'promote:render': { args: z.object({ name: kastenName, ingressUrl: url }), result: PromoteRenderSchema },
  /** https, well-formed, and reachable from this workstation (a warning when not). */
  'promote:check-url': { args: z.object({ url }), result: UrlCheckSchema },
  /** Creates kasten-io-mc and the Bootstrap, then waits for the primary's Cluster (`mc:progress` events). */
  'promote:run': { args: z.object({ clusterId, name: kastenName, ingressUrl: url }), result: PromoteResultSchema },

  'tokens:list': { args: z.object({ clusterId }), result: z.array(TokenSchema) },
  /** Creates a join-token Secret and waits for K10 to fill it. */
  'tokens:create': { args: z.object({ clusterId, name: kastenName }), result: TokenSchema },
  /** Deletes the token's Secret: no new joins with it; joined clusters stay joined. */
  'tokens:revoke': { args: z.object({ clusterId, secretName: z.string().max(253) }), result: z.null() },
  'tokens:reveal': { args: z.object({ clusterId, secretName: z.string().max(253) }), result: z.object({ token: RevealedSecretSchema, fingerprint: z.string() }) },
  /** Writes the token to the system clipboard (concealed where possible) and clears it after a delay. */
  'tokens:copy': { args: z.object({ clusterId, secretName: z.string().max(253), clearAfterMs: z.number().int().min(5_000).max(600_000).optional() }), result: ClipboardCopySchema },
  /** Clears the clipboard now if it still holds a token Flotilla put there. */
  'tokens:clear-clipboard': { args: z.object({}), result: z.object({ cleared: z.boolean() }) },
  /** The token as a QR code (SVG), for a camera or a screenshot across an air gap. */
  'tokens:qr': { args: z.object({ clusterId, secretName: z.string().max(253) }), result: z.object({ svg: RevealedSecretSchema, fingerprint: z.string() }) },
  /** Seals the token in an age file (passphrase; owner-only); without a path, the save dialog. */
  'tokens:seal': {
    args: z.object({
      clusterId,
      secretName: z.string().max(253),
      passphrase: z.string().min(1).max(1024),
      expiresInHours: z.number().min(1).max(24 * 30).default(24),
      path: path.optional(),
    }),
    result: z.object({ path: z.string(), fingerprint: z.string(), expiresAt: z.string() }).nullable(),
  },

  /** Takes a token on the joining side (pasted, a handoff file, a QR image) and holds it in main. */
  'join:load-token': { args: z.object({ source: TokenSourceSchema }), result: HeldTokenSchema.nullable() },
  'join:plan': { args: z.object({ clusterId }), result: JoinPlanSchema },
  /** Writes mc-join and mc-join-config, then follows mc-join-status (`join:progress`) to joined or rejected. */
  'join:start': {
    args: z.object({
      clusterId,
      tokenRef: z.string().max(128),
      name: kastenName,
      ingressUrl: url.optional(),
      primaryIngress: url.optional(),
      waitSeconds: z.number().int().min(0).max(600).default(60),
    }),
    result: JoinOutcomeSchema,
  },
  /** "Start over": deletes this cluster's join objects (never mc-cluster-info). */
  'join:reset': { args: z.object({ clusterId }), result: operationResult },
  /** One click: a token on the primary (made or reused), join objects on each secondary, in parallel. */
  'join:many': {
    args: z.object({
      primaryId: clusterId,
      secondaries: z.array(z.object({ clusterId, name: kastenName.optional() })).min(1).max(1000),
      tokenName: kastenName.optional(),
      waitSeconds: z.number().int().min(0).max(600).default(120),
    }),
    result: z.object({ token: z.object({ secretName: z.string(), name: z.string(), created: z.boolean() }), results: z.array(JoinOutcomeSchema) }),
  },

  'grant:plan': { args: z.object({ primaryId: clusterId }), result: GrantPlanSchema },
  /** A K10ClusterRoleBinding (and, if asked, the RoleBinding for k10-mc-admin). */
  'grant:apply': {
    args: z.object({
      primaryId: clusterId,
      name: kastenName,
      role: z.enum(K10_CLUSTER_ROLES),
      subjects: z.array(SubjectSchema).min(1).max(100),
      clusters: z.array(ClusterTargetSchema).min(1).max(1000),
      mcAdmin: z.boolean().default(false),
    }),
    result: operationResult,
  },

  /** The Cluster objects on a primary, with labels. */
  'mc:clusters': { args: z.object({ primaryId: clusterId }), result: z.array(McClusterSchema) },
  /** Sets the labels of one Cluster object on the primary (a merge: null removes a key). */
  'labels:set': {
    args: z.object({ primaryId: clusterId, clusterName: z.string().max(253), set: labelMap.default({}), remove: z.array(z.string().max(317)).max(200).default([]) }),
    result: McClusterSchema,
  },
  /** Disconnects a secondary: deletes its Cluster on the primary; `force` when the secondary cannot answer. */
  'disconnect:run': {
    args: z.object({ primaryId: clusterId, clusterName: z.string().max(253), force: z.boolean().default(false), secondaryId: clusterId.optional(), waitSeconds: z.number().int().min(0).max(600).default(60) }),
    result: operationResult,
  },
  /** Demotes a primary with no secondaries left. */
  'demote:run': { args: z.object({ primaryId: clusterId, waitSeconds: z.number().int().min(0).max(600).default(60) }), result: operationResult },

  'audit:list': {
    args: z.object({ cluster: z.string().max(253).optional(), action: z.enum(AUDIT_ACTION_NAMES).optional(), limit: z.number().int().min(1).max(5000).default(500) }),
    result: z.array(AuditEntrySchema),
  },
  /** Writes the (filtered) audit log as JSON lines; without a path, the save dialog. */
  'audit:export': {
    args: z.object({ cluster: z.string().max(253).optional(), action: z.enum(AUDIT_ACTION_NAMES).optional(), path: path.optional() }),
    result: z.object({ path: z.string(), count: z.number().int() }).nullable(),
  },
} as const;

/** Steps of a promotion, disconnect or demotion as they run. */
export const McProgressEventSchema = z.object({
  operation: z.enum(['promote', 'disconnect', 'force-disconnect', 'demote', 'grant', 'join-reset']),
  clusterId: z.string(),
  step: StepSchema,
});
export type McProgressEvent = z.infer<typeof McProgressEventSchema>;

/** A join's state as it moves (one event per change, per cluster). */
export const JoinProgressEventSchema = JoinOutcomeSchema.extend({ error: AppErrorSchema.optional() });
export type JoinProgressEvent = z.infer<typeof JoinProgressEventSchema>;

/** The clipboard's countdown: a token was copied (until expiresAt), or the clipboard was cleared or left alone. */
export const ClipboardEventSchema = z.object({
  state: z.enum(['holding', 'cleared', 'left-alone']),
  expiresAt: z.string().optional(),
});
