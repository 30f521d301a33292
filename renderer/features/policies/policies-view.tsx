/**
 * A primary's global policies: the list (frequency, retention, actions,
 * applications, paused, which distributions send it), create, edit,
 * delete, and "Show as YAML". Like global profiles, they run nowhere until
 * a distribution sends them to clusters.
 */
import { RefreshButton } from '../../components/refresh-button.js';
import { useEffect, useState } from 'react';
import type { AppErrorDto, Policy, Profile } from '../../../shared/contract/index.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { CodeIcon, PlusIcon, TrashIcon } from '../../components/icons.js';
import { InlineError, InlineInfo } from '../../components/inline-error.js';
import { ResourceYamlPanel } from '../../components/resource-yaml.js';
import { Spinner } from '../../components/spinner.js';
import { useAppStore } from '../../store/store.js';
import { PolicyForm } from './policy-form.js';
import { describeFrequency, describeRetention } from './policy-model.js';

const EMPTY: Policy[] = [];
const NO_PROFILES: Profile[] = [];

type Editing = { mode: 'create' } | { mode: 'edit'; name: string } | null;

export function PoliciesView({ primaryId }: { primaryId: string }) {
  const policies = useAppStore((s) => s.policiesByPrimary[primaryId] ?? EMPTY);
  const profiles = useAppStore((s) => s.profilesByPrimary[primaryId] ?? NO_PROFILES);
  const loaded = useAppStore((s) => primaryId in s.policiesByPrimary);
  const loading = useAppStore((s) => s.policiesLoading);
  const error = useAppStore((s) => s.policiesError);
  const loadPolicies = useAppStore((s) => s.loadPolicies);
  const loadProfiles = useAppStore((s) => s.loadProfiles);
  const showResourceYaml = useAppStore((s) => s.showResourceYaml);
  const yamlName = useAppStore((s) => (s.shownYaml?.kind === 'Policy' ? s.shownYaml.name : null));
  const [editing, setEditing] = useState<Editing>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Policy | null>(null);

  useEffect(() => {
    void loadPolicies(primaryId);
    void loadProfiles(primaryId);
  }, [primaryId, loadPolicies, loadProfiles]);

  const edited = editing?.mode === 'edit' ? policies.find((p) => p.name === editing.name) : undefined;
  const open = (e: Editing) => {
    setSaved(null);
    setEditing(e);
  };

  return (
    <div className="global-view policies" data-testid="policies-view">
      <div className="view-toolbar">
        <p className="muted">Global policies run nowhere on the primary: a distribution sends them to clusters, where K10 runs them.</p>
        <span className="toolbar-spacer" />
        <RefreshButton onClick={() => void loadPolicies(primaryId)} loading={loading} testId="policies-refresh" />
        <button type="button" className="btn btn-primary" onClick={() => open({ mode: 'create' })} disabled={editing !== null} data-testid="policy-new">
          <PlusIcon />
          New policy
        </button>
      </div>
      <InlineError error={error} testId="policies-error" />
      {editing && (editing.mode === 'create' || edited) && (
        <PolicyForm
          key={editing.mode === 'edit' ? editing.name : '(new)'}
          primaryId={primaryId}
          policy={edited}
          profiles={profiles}
          onCancel={() => setEditing(null)}
          onSaved={(p, created) => {
            setEditing(null);
            setSaved(`${created ? 'Created' : 'Saved'} the global policy “${p.name}”.${p.distributions.length ? ` The distributions that send it (${p.distributions.join(', ')}) pass the change on.` : ' Add it to a distribution to run it on clusters.'}`);
          }}
        />
      )}
      {saved && <InlineInfo testId="policy-saved">{saved}</InlineInfo>}
      {!loaded && loading && (
        <p className="muted">
          <Spinner /> Reading the global policies…
        </p>
      )}
      {loaded && policies.length === 0 && !editing && (
        <p className="empty-note" data-testid="policies-empty">
          No global policy yet. Create one to run the same backups on many clusters.
        </p>
      )}
      {policies.length > 0 && (
        <div className="data-frame">
          <table className="data-table" data-testid="policies-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Frequency</th>
                <th>Keeps</th>
                <th>Actions</th>
                <th>Applications</th>
                <th>Sent by</th>
                <th className="col-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {policies.map((p) => (
                <tr key={p.name} className={yamlName === p.name ? 'is-checked' : undefined} data-testid="policy-row" data-name={p.name} data-paused={p.paused}>
                  <td>
                    <div className="cell-primary mono">{p.name}</div>
                    {p.paused && <span className="tag">Paused</span>}
                  </td>
                  <td className="mono" data-testid="policy-frequency-cell">
                    {describeFrequency(p.frequency)}
                  </td>
                  <td data-testid="policy-retention-cell">{describeRetention(p.retention)}</td>
                  <td data-testid="policy-actions-cell">
                    Backup
                    {p.exportProfile && (
                      <>
                        , export to <span className="mono">{p.exportProfile}</span>
                      </>
                    )}
                  </td>
                  <td className="mono cell-wrap">{p.selector || <span className="muted">Every application</span>}</td>
                  <td data-testid="policy-used-by" data-distributions={p.distributions.join(',')}>
                    {p.distributions.length ? p.distributions.map((d) => <span key={d} className="tag mono">{d}</span>) : <span className="muted">No distribution</span>}
                  </td>
                  <td className="col-actions">
                    <div className="row-buttons">
                      <button type="button" className="btn btn-small" onClick={() => open({ mode: 'edit', name: p.name })} disabled={editing !== null} data-testid="policy-edit">
                        Edit
                      </button>
                      <button type="button" className="btn btn-small" onClick={() => void showResourceYaml({ primaryId, kind: 'Policy', name: p.name })} data-testid="policy-yaml">
                        <CodeIcon />
                        YAML
                      </button>
                      <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDeleting(p)} data-testid="policy-delete">
                        <TrashIcon />
                        Delete…
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ResourceYamlPanel kind="Policy" />
      <DeletePolicyDialog primaryId={primaryId} policy={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}

function DeletePolicyDialog({ primaryId, policy, onClose }: { primaryId: string; policy: Policy | null; onClose(): void }) {
  const deletePolicy = useAppStore((s) => s.deletePolicy);
  const busy = useAppStore((s) => (policy ? s.policyDeleting[policy.name] === true : false));
  const [error, setError] = useState<AppErrorDto | null>(null);
  useEffect(() => setError(null), [policy]);
  return (
    <ConfirmDialog
      open={policy !== null}
      title={`Delete the global policy “${policy?.name ?? ''}”?`}
      confirmLabel={busy ? 'Deleting…' : 'Delete'}
      danger
      busy={busy}
      testId="policy-delete-dialog"
      onCancel={onClose}
      onConfirm={() => policy && void deletePolicy(primaryId, policy.name).then((err) => (err ? setError(err) : onClose()))}
    >
      <p>The policy is deleted from the primary.</p>
      {policy && policy.distributions.length > 0 && (
        <p>
          <strong>It is sent by {policy.distributions.join(', ')}.</strong> Remove it from {policy.distributions.length === 1 ? 'that distribution' : 'those distributions'} first: Flotilla
          refuses to delete a policy in use.
        </p>
      )}
      <InlineError error={error} testId="policy-delete-error" />
    </ConfirmDialog>
  );
}
