/**
 * The global policy form's rules: frequency (a preset or a cron
 * expression), retention per period as typed, the export profile, the
 * application selector; the `policies:save` input a draft makes, or what is
 * wrong with it before main is asked (main checks the rest, field by
 * field). Pure.
 */
import type { Policy } from '../../../shared/contract/index.js';
import { RETENTION_PERIODS, type RetentionPeriod } from '../../../shared/kasten/distribution.js';
import type { PolicyInput } from '../../store/policies.slice.js';

export { RETENTION_PERIODS, type RetentionPeriod };

export const FREQUENCY_PRESETS = ['@hourly', '@daily', '@weekly', '@monthly', '@yearly'] as const;
export type FrequencyPreset = (typeof FREQUENCY_PRESETS)[number];
export const CUSTOM = 'custom';

export const FREQUENCY_LABELS: Record<FrequencyPreset, string> = {
  '@hourly': 'Hourly',
  '@daily': 'Daily',
  '@weekly': 'Weekly',
  '@monthly': 'Monthly',
  '@yearly': 'Yearly',
};

export const PERIOD_LABELS: Record<RetentionPeriod, string> = {
  hourly: 'Hourly',
  daily: 'Daily',
  weekly: 'Weekly',
  monthly: 'Monthly',
  yearly: 'Yearly',
};

/** The fields main names in its refusals (main/distribution/validation.ts). */
export const POLICY_FIELDS = ['name', 'frequency', 'retention', 'selector', 'exportProfile'] as const;

export interface PolicyDraft {
  name: string;
  /** A preset, or CUSTOM (then `cron`). */
  frequency: FrequencyPreset | typeof CUSTOM;
  cron: string;
  /** As typed; '' keeps none for that period. */
  retention: Record<RetentionPeriod, string>;
  /** '' for no export. */
  exportProfile: string;
  selector: string;
  paused: boolean;
}

function isPreset(f: string): f is FrequencyPreset {
  return (FREQUENCY_PRESETS as readonly string[]).includes(f);
}

/** Daily backups kept a week, weekly a month, monthly a year: K10's usual start. */
export function emptyPolicyDraft(): PolicyDraft {
  return { name: '', frequency: '@daily', cron: '', retention: { hourly: '', daily: '7', weekly: '4', monthly: '12', yearly: '' }, exportProfile: '', selector: '', paused: false };
}

export function draftFromPolicy(p: Policy): PolicyDraft {
  const retention = Object.fromEntries(RETENTION_PERIODS.map((k) => [k, p.retention[k] === undefined ? '' : String(p.retention[k])])) as Record<RetentionPeriod, string>;
  return {
    name: p.name,
    frequency: isPreset(p.frequency) ? p.frequency : CUSTOM,
    cron: isPreset(p.frequency) ? '' : p.frequency,
    retention,
    exportProfile: p.exportProfile ?? '',
    selector: p.selector,
    paused: p.paused,
  };
}

/** The input of `policies:save`, or the problems (by field) found before asking main. */
export function policyInput(draft: PolicyDraft): { input: PolicyInput } | { problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const frequency = draft.frequency === CUSTOM ? draft.cron.trim().replace(/\s+/g, ' ') : draft.frequency;
  if (!frequency) problems.frequency = 'type a cron expression of five fields, for example "0 2 * * *" (every day at 02:00)';
  const retention: Partial<Record<RetentionPeriod, number>> = {};
  const wrong: string[] = [];
  for (const k of RETENTION_PERIODS) {
    const v = draft.retention[k].trim();
    if (v === '') continue;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n > 10_000) wrong.push(`${PERIOD_LABELS[k].toLowerCase()} "${v}"`);
    else retention[k] = n;
  }
  if (wrong.length) problems.retention = `a count of backups to keep is a whole number from 0 to 10000 (${wrong.join(', ')})`;
  if (Object.keys(problems).length) return { problems };
  return {
    input: {
      name: draft.name.trim(),
      frequency,
      retention,
      ...(draft.exportProfile ? { exportProfile: draft.exportProfile } : {}),
      selector: draft.selector.trim(),
      paused: draft.paused,
    },
  };
}

export function describeFrequency(frequency: string): string {
  return isPreset(frequency) ? FREQUENCY_LABELS[frequency] : frequency;
}

/** "7 daily · 4 weekly", in period order; "—" when none. */
export function describeRetention(retention: Policy['retention']): string {
  const parts = RETENTION_PERIODS.filter((k) => retention[k] !== undefined).map((k) => `${retention[k]} ${k}`);
  return parts.length ? parts.join(' · ') : '—';
}
