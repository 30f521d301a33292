/**
 * Create or edit a distribution: its name (fixed once created), its targets
 * as any mix of cluster names and label selectors (a builder offering the
 * labels that exist on the primary's Cluster objects, and the raw text in
 * full kubectl syntax, pointing at a syntax error), and its sources among
 * the global profiles and policies.
 *
 * Beside the form, the live preview, computed here on every keystroke from
 * the Cluster objects last read (no call per keystroke): which clusters the
 * targets select now, entry by entry; which clusters that receive it now an
 * edit would drop; and where another distribution would send the same
 * resource to the same cluster. All of it is said before saving.
 */
import { RefreshButton } from '../../components/refresh-button.js';
import { useDeferredValue, useId, useMemo, useState, type FormEvent } from 'react';
import type { AppErrorDto, Distribution, McCluster, Policy, Profile } from '../../../shared/contract/index.js';
import { FieldError } from '../../components/field-error.js';
import { formErrors, type FieldErrors } from '../../components/field-errors.js';
import { KeyIcon, PlusIcon, TrashIcon } from '../../components/icons.js';
import { InlineError, InlineInfo, InlineWarning } from '../../components/inline-error.js';
import { SelectorEditor } from '../../components/selector-editor.js';
import { Spinner } from '../../components/spinner.js';
import { plural } from '../../format.js';
import type { DistributionSaveResult } from '../../store/distributions.slice.js';
import { useAppStore } from '../../store/store.js';
import {
  addTarget,
  clusterLabelChoices,
  currentReceivers,
  DISTRIBUTION_FIELDS,
  distributionRequest,
  draftFromDistribution,
  draftOverlaps,
  emptyDistributionDraft,
  hasSource,
  livePreview,
  removeTarget,
  setSource,
  setTarget,
  targetChange,
  UNNAMED,
  type DistributionDraft,
  type TargetDraft,
} from './distribution-model.js';

export interface DistributionEditorProps {
  primaryId: string;
  /** The distribution to edit; none: a new one. */
  distribution?: Distribution;
  distributions: readonly Distribution[];
  clusters: readonly McCluster[];
  profiles: readonly Profile[];
  policies: readonly Policy[];
  onSaved(result: DistributionSaveResult, created: boolean): void;
  onCancel(): void;
}

export function DistributionEditor({ primaryId, distribution, distributions, clusters, profiles, policies, onSaved, onCancel }: DistributionEditorProps) {
  const saveDistribution = useAppStore((s) => s.saveDistribution);
  const loadMcClusters = useAppStore((s) => s.loadMcClusters);
  const clustersLoading = useAppStore((s) => s.mcClustersLoading);
  const create = distribution === undefined;
  const [draft, setDraft] = useState<DistributionDraft>(() => (distribution ? draftFromDistribution(distribution) : emptyDistributionDraft()));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<AppErrorDto | null>(null);
  const [local, setLocal] = useState<Record<string, string> | null>(null);
  /** How many saves were refused, here or by main (a test waits for the next one). */
  const [refusals, setRefusals] = useState(0);
  const id = useId();

  const preview = useMemo(() => livePreview(draft, clusters), [draft, clusters]);
  // The warnings lag a keystroke behind when the fleet is large; the per-entry preview does not.
  const deferredDraft = useDeferredValue(draft);
  const deferredSelected = useDeferredValue(preview.selected);
  const current = useMemo(() => currentReceivers(distribution), [distribution]);
  const change = useMemo(() => targetChange(current, deferredSelected), [current, deferredSelected]);
  const overlaps = useMemo(() => draftOverlaps(deferredDraft, deferredSelected, distributions, distribution?.name), [deferredDraft, deferredSelected, distributions, distribution?.name]);
  const choices = useMemo(() => clusterLabelChoices(clusters), [clusters]);
  const errors: FieldErrors = useMemo(() => (local ? { byField: local, rest: null } : formErrors(error, DISTRIBUTION_FIELDS)), [local, error]);
  const selfName = draft.name.trim() || UNNAMED;

  const update = (next: DistributionDraft) => {
    setDraft(next);
    if (local) setLocal(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const built = distributionRequest(draft, preview, create);
    setError(null);
    if ('problems' in built) {
      setLocal(built.problems);
      return setRefusals((n) => n + 1);
    }
    setLocal(null);
    setSaving(true);
    const r = await saveDistribution(primaryId, built.request);
    setSaving(false);
    if (r.ok) return onSaved(r.result, create);
    setError(r.error);
    setRefusals((n) => n + 1);
  };

  const saveLabel = saving ? 'Saving…' : create ? 'Create distribution' : change.dropped.length ? `Save and stop sending to ${plural(change.dropped.length, 'cluster')}` : 'Save';

  return (
    <form className="panel distribution-editor" onSubmit={(e) => void submit(e)} data-testid="distribution-editor" data-mode={create ? 'create' : 'edit'} data-name={distribution?.name} data-refusals={refusals} noValidate>
      <h2 className="panel-title">{create ? 'New distribution' : `Edit the distribution “${distribution.name}”`}</h2>
      <div className="editor-layout">
        <div className="editor-form">
          <div className="form-field">
            <label htmlFor={`${id}-name`}>Name</label>
            <input
              id={`${id}-name`}
              className="input input-mono"
              value={draft.name}
              onChange={(e) => update({ ...draft, name: e.target.value })}
              spellCheck={false}
              autoComplete="off"
              maxLength={253}
              disabled={!create || saving}
              aria-invalid={!!errors.byField.name}
              data-testid="distribution-name"
            />
            <FieldError errors={errors} fields={['name']} testId="distribution-field-error" />
            <p className="field-hint">{create ? 'A distribution’s name cannot change once it is created.' : 'A distribution’s name cannot change.'}</p>
          </div>

          <fieldset className="form-fieldset">
            <legend>Clusters</legend>
            <p className="field-hint">The distribution goes to every cluster any entry selects (their union), including clusters that join later and match.</p>
            {draft.targets.length === 0 && <p className="muted">No target yet.</p>}
            {draft.targets.map((t, i) => (
              <TargetRow
                key={t.id}
                target={t}
                index={i}
                entry={preview.entries[i]}
                clusters={clusters}
                suggestions={choices.values}
                problem={errors.byField[`targets[${i}]`]}
                disabled={saving}
                onChange={(value) => update(setTarget(draft, t.id, value))}
                onRemove={() => update(removeTarget(draft, t.id))}
              />
            ))}
            <FieldError errors={errors} fields={['targets']} testId="distribution-field-error" />
            <div className="inline-form">
              <button type="button" className="btn btn-small" onClick={() => update(addTarget(draft, 'name'))} disabled={saving} data-testid="distribution-add-name">
                <PlusIcon />
                Cluster by name
              </button>
              <button type="button" className="btn btn-small" onClick={() => update(addTarget(draft, 'selector'))} disabled={saving} data-testid="distribution-add-selector">
                <PlusIcon />
                Label selector
              </button>
            </div>
            {choices.pairs.length > 0 && (
              <div className="label-picks">
                <span className="field-hint">Labels on the clusters (adds a selector):</span>
                {choices.pairs.map((pair) => (
                  <button key={pair} type="button" className="label-chip label-pick" onClick={() => update(addTarget(draft, 'selector', pair))} disabled={saving} data-testid="distribution-label-pick" data-selector={pair}>
                    <PlusIcon />
                    {pair}
                  </button>
                ))}
              </div>
            )}
          </fieldset>

          <fieldset className="form-fieldset">
            <legend>Resources to send</legend>
            <SourceChoices title="Global profiles" kind="Profile" names={profiles.map((p) => p.name)} draft={draft} disabled={saving} onChange={update} />
            <p className={draft.sources.some((s) => s.kind === 'Profile') ? 'secret-note secret-note--on' : 'secret-note'} data-testid="distribution-secret-note">
              <KeyIcon /> A profile’s credentials Secret travels with it: every cluster the distribution reaches receives the profile’s S3 keys.
            </p>
            <SourceChoices title="Global policies" kind="Policy" names={policies.map((p) => p.name)} draft={draft} disabled={saving} onChange={update} />
            {profiles.length === 0 && policies.length === 0 && <p className="muted">No global profile or policy yet: create one in the Profiles or Policies tab.</p>}
            <FieldError errors={errors} fields={['sources']} testId="distribution-field-error" />
          </fieldset>
        </div>

        <aside className="editor-preview" aria-label="Live preview" aria-live="polite" data-testid="distribution-preview" data-selected={preview.selected.join(',')}>
          <div className="view-toolbar">
            <h3 className="preview-title">Clusters it selects now</h3>
            <span className="toolbar-spacer" />
            <RefreshButton onClick={() => void loadMcClusters(primaryId)} loading={clustersLoading} testId="distribution-preview-refresh" label="Clusters" title="Read the Cluster objects and their labels again" />
          </div>
          {preview.selected.length === 0 ? (
            <p className="muted" data-testid="distribution-preview-none">
              {draft.targets.length === 0 ? 'Add a cluster or a label selector.' : 'No cluster now.'}
            </p>
          ) : (
            <ul className="preview-clusters">
              {preview.selected.map((c) => (
                <li key={c} className="preview-cluster" data-testid="distribution-preview-cluster" data-name={c} data-new={!create && !current.includes(c)}>
                  <span className="mono">{c}</span>
                  {!create && !current.includes(c) && <span className="tag tag--new">new</span>}
                </li>
              ))}
            </ul>
          )}
          <p className="field-hint">
            {plural(preview.selected.length, 'cluster')} of {clusters.length}, from the labels of the primary’s Cluster objects as last read.
          </p>
          {preview.unknown.length > 0 && (
            <InlineWarning testId="distribution-preview-unknown">
              No Cluster named <span className="mono">{preview.unknown.join(', ')}</span> on the primary yet: K10 reports it failed until one joins under that name.
            </InlineWarning>
          )}
          {change.dropped.length > 0 && (
            <InlineWarning testId="distribution-dropped-warning">
              <span data-clusters={change.dropped.join(',')}>
                <strong>Saving stops sending it to {change.dropped.join(', ')}</strong>, {change.dropped.length === 1 ? 'which receives' : 'which receive'} it now.
              </span>
            </InlineWarning>
          )}
          {overlaps.length > 0 && (
            <InlineWarning testId="distribution-overlap-warning">
              <div className="callout-body">
                <strong>Sent twice: Kasten does not say which distribution wins.</strong>
                <ul className="overlap-list">
                  {overlaps.map((o) => (
                    <li key={`${o.resource}|${o.distributions.join(',')}`} data-testid="distribution-overlap" data-resource={o.resource} data-distributions={o.distributions.join(',')} data-clusters={o.clusters.join(',')}>
                      <span className="mono">{o.resource}</span> goes to <span className="mono">{o.clusters.join(', ')}</span> from{' '}
                      {o.distributions.map((d, i) => (
                        <span key={d}>
                          {i > 0 && (i === o.distributions.length - 1 ? ' and ' : ', ')}
                          <span className="mono">{d === selfName ? `${d} (this one)` : d}</span>
                        </span>
                      ))}
                      .
                    </li>
                  ))}
                </ul>
              </div>
            </InlineWarning>
          )}
          {!create && change.added.length > 0 && (
            <InlineInfo testId="distribution-added-info">
              Saving starts sending it to <span className="mono">{change.added.join(', ')}</span>.
            </InlineInfo>
          )}
        </aside>
      </div>

      <InlineError error={errors.rest} testId="distribution-editor-error" />
      <div className="form-actions">
        <span className="toolbar-spacer" />
        <button type="button" className="btn" onClick={onCancel} disabled={saving} data-testid="distribution-cancel">
          Cancel
        </button>
        <button type="submit" className={change.dropped.length ? 'btn btn-danger' : 'btn btn-primary'} disabled={saving} data-testid="distribution-save">
          {saving && <Spinner label="Saving" />}
          {saveLabel}
        </button>
      </div>
    </form>
  );
}

function TargetRow(props: {
  target: TargetDraft;
  index: number;
  entry: { selected: string[]; error?: string; position?: number } | undefined;
  clusters: readonly McCluster[];
  suggestions: Readonly<Record<string, readonly string[]>>;
  problem?: string;
  disabled: boolean;
  onChange(value: string): void;
  onRemove(): void;
}) {
  const { target, index, entry, clusters, suggestions, problem, disabled, onChange, onRemove } = props;
  const id = useId();
  const names = clusters.map((c) => c.name);
  const selectorProblem = entry?.error !== undefined ? { message: entry.error, ...(entry.position !== undefined ? { position: entry.position } : {}) } : undefined;
  return (
    <div className="target-row" data-testid="distribution-target" data-kind={target.kind} data-index={index} data-selected={entry?.selected.join(',') ?? ''}>
      <div className="target-head">
        <span className="target-kind">{target.kind === 'name' ? 'Cluster' : 'Selector'}</span>
        {target.kind === 'name' ? (
          <>
            <label htmlFor={`${id}-name`} className="visually-hidden">
              Cluster name
            </label>
            <select id={`${id}-name`} className="input select input-compact target-name" value={target.value} onChange={(e) => onChange(e.target.value)} disabled={disabled} data-testid="distribution-target-name">
              <option value="">Choose a cluster…</option>
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
              {target.value && !names.includes(target.value) && <option value={target.value}>{target.value} (not on the primary)</option>}
            </select>
          </>
        ) : (
          <span className="target-selects" data-testid="distribution-target-selects">
            {entry?.error ? null : target.value.trim() === '' ? (
              <span className="outcome--warn">Empty: selects every cluster, now and later ({entry?.selected.length ?? 0} now)</span>
            ) : entry && entry.selected.length > 0 ? (
              <>
                selects <span className="mono">{entry.selected.join(', ')}</span>
              </>
            ) : (
              <span className="muted">selects no cluster now</span>
            )}
          </span>
        )}
        <span className="toolbar-spacer" />
        <button type="button" className="btn-icon" aria-label={`Remove this ${target.kind === 'name' ? 'cluster' : 'selector'}`} onClick={onRemove} disabled={disabled} data-testid="distribution-target-remove">
          <TrashIcon />
        </button>
      </div>
      {target.kind === 'selector' && (
        <SelectorEditor value={target.value} onChange={onChange} problem={selectorProblem} suggestions={suggestions} label={`Label selector ${index + 1}`} placeholder="dist.kio.kasten.io/cluster-type=secondary, env in (prod,staging)" disabled={disabled} testId="distribution-target-selector" />
      )}
      {problem && !selectorProblem && (
        <p className="field-hint field-hint--error" data-testid="distribution-field-error" data-field={`targets[${index}]`}>
          {problem}
        </p>
      )}
    </div>
  );
}

function SourceChoices({ title, kind, names, draft, disabled, onChange }: { title: string; kind: 'Profile' | 'Policy'; names: readonly string[]; draft: DistributionDraft; disabled: boolean; onChange(d: DistributionDraft): void }) {
  // A source that is no longer on the primary stays listed, so it can be unticked.
  const missing = draft.sources.filter((s) => s.kind === kind && !names.includes(s.name)).map((s) => s.name);
  const all = [...names, ...missing];
  return (
    <div className="source-group">
      <span className="source-title">{title}</span>
      {all.length === 0 ? (
        <span className="muted">None on this primary.</span>
      ) : (
        <div className="cluster-choices">
          {all.map((n) => (
            <label key={n} className="check-chip">
              <input type="checkbox" checked={hasSource(draft, { kind, name: n })} onChange={(e) => onChange(setSource(draft, { kind, name: n }, e.target.checked))} disabled={disabled} data-testid="distribution-source" data-kind={kind} data-name={n} />
              <span className="mono">{n}</span>
              {missing.includes(n) && <span className="outcome--bad">(not on the primary)</span>}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}
