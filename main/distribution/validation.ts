/**
 * What a global profile or policy must be before Flotilla writes it, field
 * by field, so the form can say exactly which field is wrong and why.
 */
import { kastenNameProblem } from '../../shared/kasten/names.js';
import { parseLabelSelector } from '../../shared/selectors.js';

export interface FieldProblem {
  field: string;
  message: string;
}

/** S3 bucket naming rules (AWS): 3–63 characters, lowercase, digits, '.', '-', alphanumeric ends, not an IP address. */
export function bucketProblem(bucket: string): string | undefined {
  if (!bucket) return 'a bucket name is required';
  if (bucket.length < 3 || bucket.length > 63) return 'a bucket name has 3 to 63 characters';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket)) return "a bucket name has only lowercase letters, digits, '.' and '-', and starts and ends with a letter or digit";
  if (bucket.includes('..')) return 'a bucket name has no two dots in a row';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return 'a bucket name is not an IP address';
  return undefined;
}

export function profileProblems(p: { name: string; bucket: string; region: string; endpoint?: string }, credentials: { accessKeyId: string; secretAccessKey: string } | undefined, create: boolean): FieldProblem[] {
  const out: FieldProblem[] = [];
  const n = kastenNameProblem(p.name);
  if (n) out.push({ field: 'name', message: n });
  const b = bucketProblem(p.bucket);
  if (b) out.push({ field: 'bucket', message: b });
  if (!p.region) out.push({ field: 'region', message: 'a region is required (for example us-east-1; most S3-compatible stores accept any)' });
  else if (!/^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(p.region)) out.push({ field: 'region', message: `"${p.region}" is not a region name (lowercase letters, digits and '-', like us-east-1)` });
  if (p.endpoint) {
    try {
      const u = new URL(p.endpoint);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') out.push({ field: 'endpoint', message: 'the endpoint must be an http or https URL' });
      if (u.username || u.password) out.push({ field: 'endpoint', message: 'the endpoint must not carry a user name or password; use the access key fields' });
    } catch {
      out.push({ field: 'endpoint', message: `"${p.endpoint}" is not a URL (for example https://s3.example.com)` });
    }
  }
  if (create && !credentials) out.push({ field: 'credentials', message: 'an access key and a secret key are required to create a profile' });
  if (credentials) {
    if (!credentials.accessKeyId.trim() || /\s/.test(credentials.accessKeyId.trim())) out.push({ field: 'accessKeyId', message: 'the access key ID is required and has no spaces' });
    if (!credentials.secretAccessKey) out.push({ field: 'secretAccessKey', message: 'the secret access key is required' });
  }
  return out;
}

const PRESETS = ['@hourly', '@daily', '@weekly', '@monthly', '@yearly'];

/** A K10 frequency: a preset, or a five-field cron expression. */
export function frequencyProblem(frequency: string): string | undefined {
  if (PRESETS.includes(frequency)) return undefined;
  const fields = frequency.trim().split(/\s+/);
  if (fields.length === 5 && fields.every((f) => /^[\d*/,-]+$/.test(f))) return undefined;
  return `"${frequency}" is neither a preset (${PRESETS.join(', ')}) nor a cron expression of five fields (for example "0 2 * * *")`;
}

export function policyProblems(p: { name: string; frequency: string; retention: Record<string, number | undefined>; selector: string; exportProfile?: string }, profiles: readonly string[]): FieldProblem[] {
  const out: FieldProblem[] = [];
  const n = kastenNameProblem(p.name);
  if (n) out.push({ field: 'name', message: n });
  const f = frequencyProblem(p.frequency);
  if (f) out.push({ field: 'frequency', message: f });
  if (!Object.values(p.retention).some((v) => (v ?? 0) > 0)) out.push({ field: 'retention', message: 'keep at least one backup in some period (for example daily=7)' });
  if (p.selector.trim()) {
    try {
      const reqs = parseLabelSelector(p.selector);
      if (reqs.some((r) => r.operator === 'GreaterThan' || r.operator === 'LessThan')) out.push({ field: 'selector', message: "'>' and '<' are not allowed in a policy's application selector" });
    } catch (err) {
      out.push({ field: 'selector', message: (err as Error).message });
    }
  }
  if (p.exportProfile && !profiles.includes(p.exportProfile)) out.push({ field: 'exportProfile', message: `there is no global profile "${p.exportProfile}" on this primary` });
  return out;
}

export function formatProblems(what: string, problems: readonly FieldProblem[]): string {
  return `${what}: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}.`;
}
