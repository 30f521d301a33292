/**
 * Permissions on a primary: who may do what, on which clusters, through
 * the primary's K10 (a K10ClusterRoleBinding), and, for managing
 * multi-cluster objects themselves, k10-mc-admin in kasten-io-mc. The form
 * starts from main's suggestion for the current user; the bindings that
 * exist are listed under it.
 */
import { RefreshButton } from '../../components/refresh-button.js';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import type { McCluster } from '../../../shared/contract/index.js';
import { PlusIcon, ShieldIcon, TrashIcon } from '../../components/icons.js';
import { InlineError, InlineInfo } from '../../components/inline-error.js';
import { Spinner } from '../../components/spinner.js';
import { StepList } from '../../components/step-list.js';
import { operationKey } from '../../store/operations.slice.js';
import { useAppStore } from '../../store/store.js';
import { describeSubject, describeTarget, draftFromPlan, emptySubject, grantRequest, K10_CLUSTER_ROLES, ROLE_HELP, selectorProblem, type ClustersMode, type GrantDraft, type SubjectDraft } from './grant-model.js';

const EMPTY: McCluster[] = [];
const SUBJECT_KINDS: SubjectDraft['kind'][] = ['User', 'Group', 'ServiceAccount'];

export function PermissionsView({ primaryId }: { primaryId: string }) {
  const plan = useAppStore((s) => s.grantPlans[primaryId]);
  const loading = useAppStore((s) => s.grantPlanLoading);
  const error = useAppStore((s) => s.grantPlanError);
  const clusters = useAppStore((s) => s.mcClusters[primaryId] ?? EMPTY);
  const loadGrantPlan = useAppStore((s) => s.loadGrantPlan);
  const loadMcClusters = useAppStore((s) => s.loadMcClusters);

  useEffect(() => {
    void loadGrantPlan(primaryId);
    void loadMcClusters(primaryId);
  }, [primaryId, loadGrantPlan, loadMcClusters]);

  return (
    <div className="permissions" data-testid="permissions-view">
      <InlineError error={error} testId="grant-plan-error" />
      {!plan && loading && (
        <p className="muted">
          <Spinner /> Reading who you are and the bindings on this primary…
        </p>
      )}
      {plan && (
        <>
          <div className="identity-line" data-testid="grant-identity">
            <ShieldIcon />
            <span>
              The primary says you are <strong className="mono">{plan.identity.username}</strong>
              {plan.identity.groups.length > 0 && (
                <>
                  {' '}
                  (groups <span className="mono">{plan.identity.groups.join(', ')}</span>)
                </>
              )}
              .{' '}
              {plan.hasMcAdmin ? 'You can already manage multi-cluster objects here.' : 'You cannot manage multi-cluster objects here yet.'}
            </span>
          </div>
          <GrantForm key={planKey(plan)} primaryId={primaryId} initial={draftFromPlan(plan)} clusters={clusters} hasMcAdmin={plan.hasMcAdmin} />
          <ExistingBindings primaryId={primaryId} />
        </>
      )}
    </div>
  );
}

/** A new plan (after applying) starts a fresh form. */
function planKey(plan: { existing: { name: string }[] }): string {
  return plan.existing.map((b) => b.name).join(',');
}

function GrantForm({ primaryId, initial, clusters, hasMcAdmin }: { primaryId: string; initial: GrantDraft; clusters: readonly McCluster[]; hasMcAdmin: boolean }) {
  const applyGrant = useAppStore((s) => s.applyGrant);
  const granting = useAppStore((s) => s.granting);
  const run = useAppStore((s) => s.operations[operationKey('grant', primaryId)]);
  const [draft, setDraft] = useState<GrantDraft>(initial);
  const [tried, setTried] = useState(false);
  const id = useId();
  const built = useMemo(() => grantRequest(draft), [draft]);
  const problems = tried && 'problems' in built ? built.problems : [];
  const edit = (change: Partial<GrantDraft>) => setDraft((d) => ({ ...d, ...change }));
  const editSubject = (i: number, change: Partial<SubjectDraft>) => setDraft((d) => ({ ...d, subjects: d.subjects.map((s, j) => (j === i ? { ...s, ...change } : s)) }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if ('request' in built) void applyGrant(primaryId, built.request);
  };

  const names = clusters.map((c) => c.name);
  const liveSelectorProblem = draft.clustersMode === 'selector' && draft.selector.trim() ? selectorProblem(draft.selector.trim()) : undefined;

  return (
    <form className="panel grant-form" onSubmit={submit} data-testid="grant-form">
      <h2 className="panel-title">Grant access</h2>
      <div className="form-grid">
        <div className="form-field">
          <label htmlFor={`${id}-name`}>Binding name</label>
          <input id={`${id}-name`} className="input input-mono" value={draft.name} onChange={(e) => edit({ name: e.target.value })} spellCheck={false} autoComplete="off" maxLength={253} disabled={granting} data-testid="grant-name" />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-role`}>K10 cluster role</label>
          <select id={`${id}-role`} className="input select" value={draft.role} onChange={(e) => edit({ role: K10_CLUSTER_ROLES.find((r) => r === e.target.value) ?? draft.role })} disabled={granting} data-testid="grant-role">
            {K10_CLUSTER_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <p className="field-hint">{ROLE_HELP[draft.role]}</p>
        </div>
      </div>

      <fieldset className="form-fieldset">
        <legend>Who</legend>
        {draft.subjects.map((s, i) => (
          <div key={i} className="subject-row" data-testid="grant-subject">
            <label className="visually-hidden" htmlFor={`${id}-kind-${i}`}>
              Kind
            </label>
            <select id={`${id}-kind-${i}`} className="input select input-compact" value={s.kind} onChange={(e) => editSubject(i, { kind: SUBJECT_KINDS.find((k) => k === e.target.value) ?? 'User' })} disabled={granting} data-testid="grant-subject-kind">
              {SUBJECT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
            {s.kind === 'ServiceAccount' && (
              <>
                <label className="visually-hidden" htmlFor={`${id}-ns-${i}`}>
                  Namespace
                </label>
                <input id={`${id}-ns-${i}`} className="input input-mono input-compact subject-ns" placeholder="namespace" value={s.namespace} onChange={(e) => editSubject(i, { namespace: e.target.value })} spellCheck={false} disabled={granting} data-testid="grant-subject-namespace" />
              </>
            )}
            <label className="visually-hidden" htmlFor={`${id}-sname-${i}`}>
              Name
            </label>
            <input id={`${id}-sname-${i}`} className="input input-mono input-compact subject-name" placeholder={s.kind === 'Group' ? 'group, e.g. k10:admins' : s.kind === 'ServiceAccount' ? 'service account' : 'user name'} value={s.name} onChange={(e) => editSubject(i, { name: e.target.value })} spellCheck={false} disabled={granting} data-testid="grant-subject-name" />
            <button type="button" className="btn-icon" aria-label="Remove this subject" onClick={() => edit({ subjects: draft.subjects.filter((_, j) => j !== i) })} disabled={granting || draft.subjects.length === 1} data-testid="grant-subject-remove">
              <TrashIcon />
            </button>
          </div>
        ))}
        <div>
          <button type="button" className="btn btn-small" onClick={() => edit({ subjects: [...draft.subjects, emptySubject()] })} disabled={granting} data-testid="grant-subject-add">
            <PlusIcon />
            Add a subject
          </button>
        </div>
      </fieldset>

      <fieldset className="form-fieldset">
        <legend>On which clusters</legend>
        {(
          [
            ['all', 'All clusters, current and future', 'grant-clusters-all'],
            ['names', 'These clusters', 'grant-clusters-names'],
            ['selector', 'Clusters whose labels match', 'grant-clusters-selector'],
          ] as [ClustersMode, string, string][]
        ).map(([mode, label, testId]) => (
          <label key={mode} className="check-line">
            <input type="radio" name={`${id}-clusters`} checked={draft.clustersMode === mode} onChange={() => edit({ clustersMode: mode })} disabled={granting} data-testid={testId} />
            <span>{label}</span>
          </label>
        ))}
        {draft.clustersMode === 'names' && (
          <div className="cluster-choices">
            {names.length === 0 && <span className="muted">No Cluster objects read yet.</span>}
            {names.map((n) => (
              <label key={n} className="check-chip">
                <input
                  type="checkbox"
                  checked={draft.clusterNames.includes(n)}
                  onChange={(e) => edit({ clusterNames: e.target.checked ? [...draft.clusterNames, n] : draft.clusterNames.filter((x) => x !== n) })}
                  disabled={granting}
                  data-testid="grant-cluster-name"
                  data-name={n}
                />
                <span className="mono">{n}</span>
              </label>
            ))}
          </div>
        )}
        {draft.clustersMode === 'selector' && (
          <div className="form-field">
            <label htmlFor={`${id}-selector`} className="visually-hidden">
              Label selector
            </label>
            <input id={`${id}-selector`} className="input input-mono" placeholder="env=prod, region in (eu, us)" value={draft.selector} onChange={(e) => edit({ selector: e.target.value })} spellCheck={false} aria-invalid={liveSelectorProblem !== undefined} disabled={granting} data-testid="grant-selector" />
            {liveSelectorProblem && (
              <p className="field-hint field-hint--error" data-testid="grant-selector-problem">
                Not a label selector: {liveSelectorProblem}
              </p>
            )}
          </div>
        )}
      </fieldset>

      <label className="check-line">
        <input type="checkbox" checked={draft.mcAdmin} onChange={(e) => edit({ mcAdmin: e.target.checked })} disabled={granting} data-testid="grant-mc-admin" />
        <span>
          Also grant <code>k10-mc-admin</code> in <code>kasten-io-mc</code>
          <span className="field-hint">Lets them manage multi-cluster objects themselves: distributions, global profiles and policies, join tokens.{hasMcAdmin ? '' : ' You do not have it yet.'}</span>
        </span>
      </label>

      {problems.length > 0 && (
        <ul className="problems-list" data-testid="grant-problems">
          {problems.map((p) => (
            <li key={p} className="problem problem--error" data-testid="grant-problem">
              {p}
            </li>
          ))}
        </ul>
      )}
      <div className="form-actions">
        <span className="toolbar-spacer" />
        <button type="submit" className="btn btn-primary" disabled={granting} data-testid="grant-apply">
          {granting && <Spinner label="Applying" />}
          {granting ? 'Applying…' : 'Apply'}
        </button>
      </div>
      {run && <StepList steps={run.steps} testId="grant-steps" />}
      {run?.state === 'failed' && <InlineError error={run.error} testId="grant-error" />}
      {run?.state === 'done' && <InlineInfo testId="grant-done">Applied.</InlineInfo>}
    </form>
  );
}

function ExistingBindings({ primaryId }: { primaryId: string }) {
  const plan = useAppStore((s) => s.grantPlans[primaryId]);
  const loading = useAppStore((s) => s.grantPlanLoading);
  const loadGrantPlan = useAppStore((s) => s.loadGrantPlan);
  if (!plan) return null;
  return (
    <section className="existing-bindings">
      <div className="view-toolbar">
        <h2 className="panel-title">Bindings on this primary</h2>
        <span className="toolbar-spacer" />
        <RefreshButton onClick={() => void loadGrantPlan(primaryId)} loading={loading} testId="grant-refresh" />
      </div>
      {plan.existing.length === 0 ? (
        <p className="muted" data-testid="grant-existing-empty">
          No K10ClusterRoleBinding yet.
        </p>
      ) : (
        <div className="data-frame">
          <table className="data-table" data-testid="grant-existing">
            <thead>
              <tr>
                <th>Name</th>
                <th>Role</th>
                <th>Who</th>
                <th>Clusters</th>
              </tr>
            </thead>
            <tbody>
              {plan.existing.map((b) => (
                <tr key={b.name} data-testid="grant-binding" data-name={b.name} data-role={b.role}>
                  <td className="mono">{b.name}</td>
                  <td className="mono">{b.role}</td>
                  <td>{b.subjects.map(describeSubject).join(', ')}</td>
                  <td>{b.clusters.map(describeTarget).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
