/**
 * The kubeconfig import wizard: scan sources, review contexts and their
 * problems, test connections, import. Scanned kubeconfigs (with their
 * secrets) stay in main; the renderer sees candidates by id only.
 */
import { z } from 'zod';
import { ConnectionTestSchema } from './fleet.js';

export const AuthKind = z.enum(['client-certificate', 'token', 'token-file', 'basic', 'exec', 'auth-provider', 'none']);
export type AuthKind = z.infer<typeof AuthKind>;

export const ImportSourceSchema = z.discriminatedUnion('kind', [
  /** ~/.kube/config */
  z.object({ kind: z.literal('default') }),
  /** Every file in $KUBECONFIG, merged with kubectl's rules (first file wins per name). */
  z.object({ kind: z.literal('env') }),
  z.object({ kind: z.literal('files'), paths: z.array(z.string().min(1).max(4096)).min(1).max(200) }),
  z.object({ kind: z.literal('folder'), path: z.string().min(1).max(4096) }),
  /** Text pasted into the wizard. */
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(5 * 1024 * 1024) }),
]);
export type ImportSource = z.infer<typeof ImportSourceSchema>;

export const PROBLEM_CODES = [
  'duplicate-name',
  'already-imported',
  'missing-file',
  'missing-cluster',
  'missing-user',
  'cert-expired',
  'cert-expiring',
  'cert-invalid',
  'insecure-skip-tls-verify',
  'exec-not-found',
  'proxy-url',
  'no-server',
  'credentials-in-url',
] as const;

export const ProblemSchema = z.object({
  code: z.enum(PROBLEM_CODES),
  /** An error blocks the import of that context; a warning does not. */
  severity: z.enum(['error', 'warning']),
  message: z.string(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const CandidateSchema = z.object({
  /** Stable within one scan. */
  id: z.string(),
  contextName: z.string(),
  clusterName: z.string(),
  userName: z.string(),
  server: z.string(),
  namespace: z.string().optional(),
  authKind: AuthKind,
  /** The file the context came from (absent for pasted text). */
  sourceFile: z.string().optional(),
  problems: z.array(ProblemSchema),
  /** The name it would be imported under (unique in the fleet and the scan). */
  suggestedName: z.string(),
  /** An imported cluster of this name exists: update or skip. */
  existingClusterId: z.string().optional(),
});
export type Candidate = z.infer<typeof CandidateSchema>;

export const FileReportSchema = z.object({
  path: z.string(),
  ok: z.boolean(),
  /** Why the file was not read: names the file and the problem. */
  error: z.string().optional(),
  contexts: z.number().int(),
});
export type FileReport = z.infer<typeof FileReportSchema>;

export const ScanResultSchema = z.object({
  scanId: z.string(),
  candidates: z.array(CandidateSchema),
  files: z.array(FileReportSchema),
  /** The PATH searched for exec plugins (the login shell's), to explain exec-not-found. */
  execSearchPath: z.string().optional(),
});
export type ScanResult = z.infer<typeof ScanResultSchema>;

export const ImportSelectionSchema = z.object({
  candidateId: z.string(),
  /** Display name in Flotilla; a cluster name (lowercase, digits, '-', '.'). */
  name: z.string().min(1).max(63).regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'lowercase letters, digits, - and . only, starting and ending with a letter or digit'),
  onExisting: z.enum(['update', 'skip']).default('skip'),
});
export type ImportSelection = z.infer<typeof ImportSelectionSchema>;

export const ImportReportSchema = z.object({
  imported: z.array(z.string()),
  updated: z.array(z.string()),
  skipped: z.array(z.string()),
  failed: z.array(z.object({ name: z.string(), message: z.string() })),
});
export type ImportReport = z.infer<typeof ImportReportSchema>;

export const kubeconfigChannels = {
  /** Reads a source and lists its contexts with their problems. */
  'kubeconfig:scan': { args: z.object({ source: ImportSourceSchema }), result: ScanResultSchema },
  /** Tests candidates' connections in parallel (bounded, with a timeout each). */
  'kubeconfig:test': {
    args: z.object({ scanId: z.string(), candidateIds: z.array(z.string()).min(1).max(1000) }),
    result: z.array(ConnectionTestSchema.extend({ candidateId: z.string() })),
  },
  /** Imports the chosen candidates: secrets into the keychain, the rest into the state file. */
  'kubeconfig:import': {
    args: z.object({ scanId: z.string(), selections: z.array(ImportSelectionSchema).min(1).max(5000) }),
    result: ImportReportSchema,
  },
  /** Forgets a scan (and the secrets it held in memory). */
  'kubeconfig:discard': { args: z.object({ scanId: z.string() }), result: z.null() },
  /** Native pickers; UNSUPPORTED in preview mode, where paths are typed. */
  'kubeconfig:pick-files': { args: z.object({}), result: z.array(z.string()) },
  'kubeconfig:pick-folder': { args: z.object({}), result: z.string().nullable() },
} as const;
