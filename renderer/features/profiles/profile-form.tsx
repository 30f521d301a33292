/**
 * Create or edit a global S3-compatible location profile. The access key
 * and secret key fields are uncontrolled password inputs: their values sit
 * in the inputs only, are read once on submit, handed to main with the
 * call, and the inputs are emptied straight away, whatever main answers;
 * this component keeps only whether something was typed. Editing shows the
 * keys as "unchanged" until the user types new ones. Main's refusal names
 * its fields; each part is shown under its field.
 */
import { useId, useMemo, useRef, useState, type FormEvent } from 'react';
import type { AppErrorDto, Profile } from '../../../shared/contract/index.js';
import { FieldError, hasFieldError } from '../../components/field-error.js';
import { formErrors } from '../../components/field-errors.js';
import { InlineError, InlineWarning } from '../../components/inline-error.js';
import { Spinner } from '../../components/spinner.js';
import { useAppStore } from '../../store/store.js';
import { draftFromProfile, emptyProfileDraft, PROFILE_FIELDS, profileRequest, sendsKeys, type ProfileDraft } from './profile-model.js';

export interface ProfileFormProps {
  primaryId: string;
  /** The profile to edit; none: a new one. */
  profile?: Profile;
  onSaved(profile: Profile, created: boolean): void;
  onCancel(): void;
}

export function ProfileForm({ primaryId, profile, onSaved, onCancel }: ProfileFormProps) {
  const saveProfile = useAppStore((s) => s.saveProfile);
  const create = profile === undefined;
  const [draft, setDraft] = useState<ProfileDraft>(() => (profile ? draftFromProfile(profile) : emptyProfileDraft()));
  const [keysTyped, setKeysTyped] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<AppErrorDto | null>(null);
  const [keysCleared, setKeysCleared] = useState(false);
  /** How many saves were refused (a test waits for the next one). */
  const [refusals, setRefusals] = useState(0);
  const accessRef = useRef<HTMLInputElement>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const errors = useMemo(() => formErrors(error, PROFILE_FIELDS), [error]);
  const edit = (change: Partial<ProfileDraft>) => setDraft((d) => ({ ...d, ...change }));

  const onKeyInput = () => {
    setKeysTyped((accessRef.current?.value ?? '') !== '' || (secretRef.current?.value ?? '') !== '');
    setKeysCleared(false);
  };

  const clearKeys = () => {
    if (accessRef.current) accessRef.current.value = '';
    if (secretRef.current) secretRef.current.value = '';
    setKeysTyped(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const keys = { accessKeyId: accessRef.current?.value ?? '', secretAccessKey: secretRef.current?.value ?? '' };
    const withKeys = sendsKeys(keys, create);
    const req = profileRequest(draft, keys, create);
    // The inputs are emptied before main answers: the keys are in the call only.
    clearKeys();
    setSaving(true);
    setError(null);
    const r = await saveProfile(primaryId, req);
    setSaving(false);
    if (r.ok) return onSaved(r.result, create);
    setError(r.error);
    setKeysCleared(withKeys);
    setRefusals((n) => n + 1);
  };

  const keyHint = create ? 'Both are written to a Secret on the primary (and travel with the profile); Flotilla does not keep them.' : 'Unchanged unless you type new ones: then type both.';

  return (
    <form className="panel profile-form" onSubmit={(e) => void submit(e)} data-testid="profile-form" data-mode={create ? 'create' : 'edit'} data-name={profile?.name} data-refusals={refusals} noValidate>
      <h2 className="panel-title">{create ? 'New global location profile' : `Edit the global profile “${profile.name}”`}</h2>
      <div className="form-grid form-grid--2">
        <div className="form-field">
          <label htmlFor={`${id}-name`}>Profile name</label>
          <input id={`${id}-name`} className="input input-mono" value={draft.name} onChange={(e) => edit({ name: e.target.value })} spellCheck={false} autoComplete="off" maxLength={253} disabled={!create || saving} aria-invalid={hasFieldError(errors, ['name'])} data-testid="profile-name" />
          <FieldError errors={errors} fields={['name']} testId="profile-field-error" />
          {!create && <p className="field-hint">A profile’s name cannot change.</p>}
        </div>
        <div className="form-field">
          <span className="form-label">Storage provider</span>
          <span className="static-field" data-testid="profile-provider">
            S3 compatible
          </span>
        </div>
      </div>
      <fieldset className="form-fieldset">
        <legend>Credentials</legend>
        <div className="form-grid form-grid--2">
          <div className="form-field">
            <label htmlFor={`${id}-access`}>S3 access key</label>
            <input
              ref={accessRef}
              id={`${id}-access`}
              type="password"
              className="input input-mono"
              autoComplete="off"
              spellCheck={false}
              placeholder={create ? '' : 'unchanged'}
              onInput={onKeyInput}
              disabled={saving}
              aria-invalid={hasFieldError(errors, ['accessKeyId', 'credentials'])}
              data-testid="profile-access-key"
            />
            <FieldError errors={errors} fields={['accessKeyId', 'credentials']} testId="profile-field-error" />
          </div>
          <div className="form-field">
            <label htmlFor={`${id}-secret`}>S3 secret key</label>
            <input
              ref={secretRef}
              id={`${id}-secret`}
              type="password"
              className="input input-mono"
              autoComplete="new-password"
              spellCheck={false}
              placeholder={create ? '' : 'unchanged'}
              onInput={onKeyInput}
              disabled={saving}
              aria-invalid={hasFieldError(errors, ['secretAccessKey'])}
              data-testid="profile-secret-key"
            />
            <FieldError errors={errors} fields={['secretAccessKey']} testId="profile-field-error" />
          </div>
        </div>
        <p className="field-hint" data-testid="profile-keys-hint" data-unchanged={!create && !keysTyped}>
          {keysCleared ? (
            <span className="field-hint--error" data-testid="profile-keys-cleared">
              The key fields were emptied when you pressed Save: type the keys again.
            </span>
          ) : (
            keyHint
          )}
        </p>
      </fieldset>
      <div className="form-grid form-grid--2">
        <div className="form-field form-grid-wide">
          <label htmlFor={`${id}-endpoint`}>Endpoint</label>
          <input id={`${id}-endpoint`} className="input input-mono" value={draft.endpoint} onChange={(e) => edit({ endpoint: e.target.value })} placeholder="https://s3.example.com (empty: AWS S3)" spellCheck={false} autoComplete="off" maxLength={2048} disabled={saving} aria-invalid={hasFieldError(errors, ['endpoint'])} data-testid="profile-endpoint" />
          <FieldError errors={errors} fields={['endpoint']} testId="profile-field-error" />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-region`}>Region</label>
          <input id={`${id}-region`} className="input input-mono" value={draft.region} onChange={(e) => edit({ region: e.target.value })} placeholder="us-east-1" spellCheck={false} autoComplete="off" maxLength={64} disabled={saving} aria-invalid={hasFieldError(errors, ['region'])} data-testid="profile-region" />
          <FieldError errors={errors} fields={['region']} testId="profile-field-error" />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-bucket`}>Bucket</label>
          <input id={`${id}-bucket`} className="input input-mono" value={draft.bucket} onChange={(e) => edit({ bucket: e.target.value })} placeholder="kasten" spellCheck={false} autoComplete="off" maxLength={255} disabled={saving} aria-invalid={hasFieldError(errors, ['bucket'])} data-testid="profile-bucket" />
          <FieldError errors={errors} fields={['bucket']} testId="profile-field-error" />
        </div>
      </div>
      <label className="check-line">
        <input type="checkbox" checked={draft.skipTlsVerify} onChange={(e) => edit({ skipTlsVerify: e.target.checked })} disabled={saving} data-testid="profile-skip-tls" />
        <span>
          Skip TLS verification
          <span className="field-hint">For a test store with a self-signed certificate only.</span>
        </span>
      </label>
      {draft.skipTlsVerify && (
        <InlineWarning testId="profile-skip-tls-warning">
          Every cluster this profile is distributed to will send backups and the keys to the endpoint without checking its certificate: anyone on the path can
          read or change them. Use a certificate the clusters trust instead.
        </InlineWarning>
      )}
      <InlineError error={errors.rest} testId="profile-form-error" />
      <div className="form-actions">
        <span className="toolbar-spacer" />
        <button type="button" className="btn" onClick={onCancel} disabled={saving} data-testid="profile-cancel">
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving} data-testid="profile-save">
          {saving && <Spinner label="Saving" />}
          {saving ? 'Saving…' : create ? 'Create profile' : 'Save'}
        </button>
      </div>
    </form>
  );
}
