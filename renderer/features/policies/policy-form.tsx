/**
 * Create or edit a global policy: how often (a preset or a cron
 * expression), how many backups to keep per period, what it does (back up;
 * export to a global profile), which applications (a label selector, built
 * or typed), and whether it is paused. Problems found here and main's
 * refusal, field by field, show under their fields.
 */
import { useId, useMemo, useState, type FormEvent } from 'react';
import type { AppErrorDto, Policy, Profile } from '../../../shared/contract/index.js';
import { FieldError, hasFieldError } from '../../components/field-error.js';
import { formErrors, type FieldErrors } from '../../components/field-errors.js';
import { InlineError } from '../../components/inline-error.js';
import { SelectorEditor } from '../../components/selector-editor.js';
import { selectorProblem } from '../../components/selector-model.js';
import { Spinner } from '../../components/spinner.js';
import { useAppStore } from '../../store/store.js';
import { CUSTOM, draftFromPolicy, emptyPolicyDraft, FREQUENCY_LABELS, FREQUENCY_PRESETS, PERIOD_LABELS, POLICY_FIELDS, policyInput, RETENTION_PERIODS, type PolicyDraft } from './policy-model.js';

export interface PolicyFormProps {
  primaryId: string;
  policy?: Policy;
  profiles: readonly Profile[];
  onSaved(policy: Policy, created: boolean): void;
  onCancel(): void;
}

export function PolicyForm({ primaryId, policy, profiles, onSaved, onCancel }: PolicyFormProps) {
  const savePolicy = useAppStore((s) => s.savePolicy);
  const create = policy === undefined;
  const [draft, setDraft] = useState<PolicyDraft>(() => (policy ? draftFromPolicy(policy) : emptyPolicyDraft()));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<AppErrorDto | null>(null);
  const [local, setLocal] = useState<Record<string, string> | null>(null);
  /** How many saves were refused, here or by main (a test waits for the next one). */
  const [refusals, setRefusals] = useState(0);
  const id = useId();
  const edit = (change: Partial<PolicyDraft>) => setDraft((d) => ({ ...d, ...change }));
  const errors: FieldErrors = useMemo(() => (local ? { byField: local, rest: null } : formErrors(error, POLICY_FIELDS)), [local, error]);
  const liveSelector = draft.selector.trim() ? selectorProblem(draft.selector) : undefined;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const built = policyInput(draft);
    setError(null);
    if ('problems' in built) {
      setLocal(built.problems);
      return setRefusals((n) => n + 1);
    }
    setLocal(null);
    setSaving(true);
    const r = await savePolicy(primaryId, built.input, create);
    setSaving(false);
    if (r.ok) return onSaved(r.result, create);
    setError(r.error);
    setRefusals((n) => n + 1);
  };

  return (
    <form className="panel policy-form" onSubmit={(e) => void submit(e)} data-testid="policy-form" data-mode={create ? 'create' : 'edit'} data-name={policy?.name} data-refusals={refusals} noValidate>
      <h2 className="panel-title">{create ? 'New global policy' : `Edit the global policy “${policy.name}”`}</h2>
      <div className="form-grid">
        <div className="form-field">
          <label htmlFor={`${id}-name`}>Policy name</label>
          <input id={`${id}-name`} className="input input-mono" value={draft.name} onChange={(e) => edit({ name: e.target.value })} spellCheck={false} autoComplete="off" maxLength={253} disabled={!create || saving} aria-invalid={hasFieldError(errors, ['name'])} data-testid="policy-name" />
          <FieldError errors={errors} fields={['name']} testId="policy-field-error" />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-frequency`}>Frequency</label>
          <div className="inline-form">
            <select
              id={`${id}-frequency`}
              className="input select"
              value={draft.frequency}
              onChange={(e) => edit({ frequency: (FREQUENCY_PRESETS as readonly string[]).includes(e.target.value) ? (e.target.value as PolicyDraft['frequency']) : CUSTOM })}
              disabled={saving}
              aria-invalid={hasFieldError(errors, ['frequency'])}
              data-testid="policy-frequency"
            >
              {FREQUENCY_PRESETS.map((f) => (
                <option key={f} value={f}>
                  {FREQUENCY_LABELS[f]} ({f})
                </option>
              ))}
              <option value={CUSTOM}>Custom (cron)</option>
            </select>
            {draft.frequency === CUSTOM && (
              <>
                <label htmlFor={`${id}-cron`} className="visually-hidden">
                  Cron expression
                </label>
                <input id={`${id}-cron`} className="input input-mono policy-cron" value={draft.cron} onChange={(e) => edit({ cron: e.target.value })} placeholder="0 2 * * *" spellCheck={false} autoComplete="off" maxLength={64} disabled={saving} aria-invalid={hasFieldError(errors, ['frequency'])} data-testid="policy-cron" />
              </>
            )}
          </div>
          {draft.frequency === CUSTOM && <p className="field-hint">Minute, hour, day of month, month, day of week (UTC).</p>}
          <FieldError errors={errors} fields={['frequency']} testId="policy-field-error" />
        </div>
      </div>

      <fieldset className="form-fieldset">
        <legend>Backups to keep</legend>
        <div className="retention-grid">
          {RETENTION_PERIODS.map((k) => (
            <div key={k} className="form-field">
              <label htmlFor={`${id}-ret-${k}`}>{PERIOD_LABELS[k]}</label>
              <input
                id={`${id}-ret-${k}`}
                className="input input-number"
                inputMode="numeric"
                value={draft.retention[k]}
                onChange={(e) => edit({ retention: { ...draft.retention, [k]: e.target.value } })}
                placeholder="—"
                disabled={saving}
                aria-invalid={hasFieldError(errors, ['retention'])}
                data-testid={`policy-retention-${k}`}
              />
            </div>
          ))}
        </div>
        <FieldError errors={errors} fields={['retention']} testId="policy-field-error" />
      </fieldset>

      <fieldset className="form-fieldset">
        <legend>Actions</legend>
        <label className="check-line">
          <input type="checkbox" checked disabled data-testid="policy-action-backup" />
          <span>Back up the applications (snapshots on each cluster)</span>
        </label>
        <label className="check-line">
          <input
            type="checkbox"
            checked={draft.exportProfile !== ''}
            onChange={(e) => edit({ exportProfile: e.target.checked ? (profiles[0]?.name ?? '') : '' })}
            disabled={saving || profiles.length === 0}
            data-testid="policy-export"
          />
          <span>
            Export each backup to a global profile
            {profiles.length === 0 && <span className="field-hint">Create a global profile first.</span>}
          </span>
        </label>
        {draft.exportProfile !== '' && (
          <div className="form-field indented">
            <label htmlFor={`${id}-export`} className="visually-hidden">
              Export profile
            </label>
            <select id={`${id}-export`} className="input select export-profile" value={draft.exportProfile} onChange={(e) => edit({ exportProfile: e.target.value })} disabled={saving} aria-invalid={hasFieldError(errors, ['exportProfile'])} data-testid="policy-export-profile">
              {profiles.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
            <p className="field-hint">Distribute the profile with the policy, or the clusters have nowhere to export to.</p>
          </div>
        )}
        <FieldError errors={errors} fields={['exportProfile']} testId="policy-field-error" />
      </fieldset>

      <fieldset className="form-fieldset">
        <legend>Applications</legend>
        <p className="field-hint">A label selector on applications (namespaces); empty: every application on the cluster.</p>
        <SelectorEditor value={draft.selector} onChange={(selector) => edit({ selector })} problem={liveSelector} label="Application selector" placeholder="empty: every application" disabled={saving} testId="policy-selector" />
        <FieldError errors={errors} fields={['selector']} testId="policy-field-error" />
      </fieldset>

      <label className="check-line">
        <input type="checkbox" checked={draft.paused} onChange={(e) => edit({ paused: e.target.checked })} disabled={saving} data-testid="policy-paused" />
        <span>
          Paused
          <span className="field-hint">Distributed, but runs nowhere until unpaused.</span>
        </span>
      </label>

      <InlineError error={errors.rest} testId="policy-form-error" />
      <div className="form-actions">
        <span className="toolbar-spacer" />
        <button type="button" className="btn" onClick={onCancel} disabled={saving} data-testid="policy-cancel">
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving} data-testid="policy-save">
          {saving && <Spinner label="Saving" />}
          {saving ? 'Saving…' : create ? 'Create policy' : 'Save'}
        </button>
      </div>
    </form>
  );
}
