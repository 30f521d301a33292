/**
 * The labels of one Cluster object, edited as a draft: add a key and value
 * (an existing key takes the new value), remove one; the change is shown as
 * a diff ("+ env=prod", "- region=eu") before Save sends it to main, whose
 * refusal is shown here. The cluster-type label is K10's and stays as it is.
 */
import { useId, useMemo, useState, type FormEvent } from 'react';
import type { AppErrorDto, McCluster } from '../../../shared/contract/index.js';
import { CloseIcon, LockIcon, PlusIcon } from '../../components/icons.js';
import { InlineError } from '../../components/inline-error.js';
import { Spinner } from '../../components/spinner.js';
import { useAppStore } from '../../store/store.js';
import { formatLabel, hasChange, isReadOnlyLabel, labelChange, newLabelProblems } from './label-model.js';

export function LabelEditor({ primaryId, cluster, onClose }: { primaryId: string; cluster: McCluster; onClose(): void }) {
  const saveLabels = useAppStore((s) => s.saveLabels);
  const [draft, setDraft] = useState<Record<string, string>>(() => ({ ...cluster.labels }));
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<AppErrorDto | null>(null);
  const id = useId();

  const change = useMemo(() => labelChange(cluster.labels, draft), [cluster.labels, draft]);
  const problems = key || value || tried ? newLabelProblems(key, value) : [];
  const keys = Object.keys(draft).sort((a, b) => Number(isReadOnlyLabel(b)) - Number(isReadOnlyLabel(a)) || a.localeCompare(b));

  const add = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (newLabelProblems(key, value).length > 0) return;
    setDraft({ ...draft, [key.trim()]: value.trim() });
    setKey('');
    setValue('');
    setTried(false);
    document.getElementById(`${id}-key`)?.focus();
  };

  const remove = (k: string) => {
    const next = { ...draft };
    delete next[k];
    setDraft(next);
  };

  const save = async () => {
    setSaving(true);
    setError(null);
    const err = await saveLabels(primaryId, cluster.name, { set: change.set, remove: change.remove });
    setSaving(false);
    if (err) setError(err);
    else onClose();
  };

  return (
    <div className="label-editor" data-testid="label-editor" data-cluster={cluster.name}>
      <div className="label-editor-current">
        {keys.length === 0 && <span className="muted">No labels.</span>}
        {keys.map((k) =>
          isReadOnlyLabel(k) ? (
            <span key={k} className="label-chip label-chip--readonly" title="Set by K10; read-only" data-testid="label-readonly" data-key={k}>
              <LockIcon />
              {formatLabel(k, draft[k]!)}
            </span>
          ) : (
            <span key={k} className="label-chip label-chip--editable" data-testid="label-chip" data-key={k} data-value={draft[k]}>
              {formatLabel(k, draft[k]!)}
              <button type="button" className="chip-remove" aria-label={`Remove ${k}`} onClick={() => remove(k)} disabled={saving} data-testid="label-remove" data-key={k}>
                <CloseIcon />
              </button>
            </span>
          ),
        )}
      </div>

      <form className="label-add" onSubmit={add}>
        <label htmlFor={`${id}-key`} className="visually-hidden">
          Label key
        </label>
        <input id={`${id}-key`} className="input input-mono input-compact" placeholder="key, e.g. env" value={key} onChange={(e) => setKey(e.target.value)} spellCheck={false} autoComplete="off" maxLength={317} aria-invalid={problems.length > 0} disabled={saving} data-testid="label-key" />
        <span className="label-eq">=</span>
        <label htmlFor={`${id}-value`} className="visually-hidden">
          Label value
        </label>
        <input id={`${id}-value`} className="input input-mono input-compact" placeholder="value, e.g. prod" value={value} onChange={(e) => setValue(e.target.value)} spellCheck={false} autoComplete="off" maxLength={63} disabled={saving} data-testid="label-value" />
        <button type="submit" className="btn btn-small" disabled={saving} data-testid="label-add">
          <PlusIcon />
          {key.trim() in draft ? 'Change' : 'Add'}
        </button>
      </form>
      {problems.length > 0 && (
        <ul className="problems-list" data-testid="label-problems">
          {problems.map((p) => (
            <li key={p} className="problem problem--error" data-testid="label-problem">
              {p}
            </li>
          ))}
        </ul>
      )}

      {hasChange(change) ? (
        <pre className="label-diff" aria-label="Changes to save" data-testid="label-diff">
          {change.lines.map((l) => (
            <span key={l.text} className={l.kind === '+' ? 'diff-line diff-line--add' : 'diff-line diff-line--remove'} data-testid="label-diff-line" data-kind={l.kind}>
              {l.text}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : (
        <p className="muted" data-testid="label-no-change">
          No change yet.
        </p>
      )}

      <InlineError error={error} testId="label-error" />

      <div className="form-actions">
        <span className="toolbar-spacer" />
        <button type="button" className="btn btn-small" onClick={onClose} disabled={saving} data-testid="label-cancel">
          Cancel
        </button>
        <button type="button" className="btn btn-small btn-primary" onClick={() => void save()} disabled={saving || !hasChange(change)} data-testid="label-save">
          {saving && <Spinner label="Saving" />}
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </div>
  );
}
