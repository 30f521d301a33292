/**
 * A primary's global location profiles (S3 compatible): the list with what
 * the cluster reports of each and which distributions send it; create,
 * edit (keys "unchanged" unless new ones are typed), delete, and "Show as
 * YAML" (keys redacted, revealed on request). A global profile does nothing
 * on the primary: a distribution sends it, with its Secret, to clusters.
 */
import { RefreshButton } from '../../components/refresh-button.js';
import { useEffect, useState } from 'react';
import type { AppErrorDto, Profile } from '../../../shared/contract/index.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { CodeIcon, KeyIcon, PlusIcon, TrashIcon } from '../../components/icons.js';
import { InlineError, InlineInfo } from '../../components/inline-error.js';
import { ResourceYamlPanel } from '../../components/resource-yaml.js';
import { Spinner } from '../../components/spinner.js';
import { profileSecretName } from '../../../shared/kasten/distribution.js';
import { useAppStore } from '../../store/store.js';
import { ProfileForm } from './profile-form.js';

const EMPTY: Profile[] = [];

type Editing = { mode: 'create' } | { mode: 'edit'; name: string } | null;

export function ProfilesView({ primaryId }: { primaryId: string }) {
  const profiles = useAppStore((s) => s.profilesByPrimary[primaryId] ?? EMPTY);
  const loaded = useAppStore((s) => primaryId in s.profilesByPrimary);
  const loading = useAppStore((s) => s.profilesLoading);
  const error = useAppStore((s) => s.profilesError);
  const loadProfiles = useAppStore((s) => s.loadProfiles);
  const showResourceYaml = useAppStore((s) => s.showResourceYaml);
  const yamlName = useAppStore((s) => (s.shownYaml?.kind === 'Profile' ? s.shownYaml.name : null));
  const [editing, setEditing] = useState<Editing>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Profile | null>(null);

  useEffect(() => {
    void loadProfiles(primaryId);
  }, [primaryId, loadProfiles]);

  const editedProfile = editing?.mode === 'edit' ? profiles.find((p) => p.name === editing.name) : undefined;

  return (
    <div className="global-view profiles" data-testid="profiles-view">
      <div className="view-toolbar">
        <p className="muted">Global profiles live on the primary and do nothing there: a distribution sends them, with their credentials Secret, to clusters.</p>
        <span className="toolbar-spacer" />
        <RefreshButton onClick={() => void loadProfiles(primaryId)} loading={loading} testId="profiles-refresh" />
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => {
            setSaved(null);
            setEditing({ mode: 'create' });
          }}
          disabled={editing !== null}
          data-testid="profile-new"
        >
          <PlusIcon />
          New profile
        </button>
      </div>
      <InlineError error={error} testId="profiles-error" />
      {editing && (editing.mode === 'create' || editedProfile) && (
        <ProfileForm
          key={editing.mode === 'edit' ? editing.name : '(new)'}
          primaryId={primaryId}
          profile={editedProfile}
          onCancel={() => setEditing(null)}
          onSaved={(p, created) => {
            setEditing(null);
            setSaved(`${created ? 'Created' : 'Saved'} the global profile “${p.name}”.${p.distributions.length ? ` The distributions that send it (${p.distributions.join(', ')}) pass the change on.` : ' Add it to a distribution to send it to clusters.'}`);
          }}
        />
      )}
      {saved && <InlineInfo testId="profile-saved">{saved}</InlineInfo>}
      {!loaded && loading && (
        <p className="muted">
          <Spinner /> Reading the global profiles…
        </p>
      )}
      {loaded && profiles.length === 0 && !editing && (
        <p className="empty-note" data-testid="profiles-empty">
          No global profile yet. Create one to send a backup location to many clusters at once.
        </p>
      )}
      {profiles.length > 0 && (
        <div className="data-frame">
          <table className="data-table" data-testid="profiles-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Bucket</th>
                <th>Region</th>
                <th>Endpoint</th>
                <th>Credentials</th>
                <th>Status</th>
                <th>Sent by</th>
                <th className="col-actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {profiles.map((p) => (
                <tr key={p.name} className={yamlName === p.name ? 'is-checked' : undefined} data-testid="profile-row" data-name={p.name}>
                  <td>
                    <div className="cell-primary mono">{p.name}</div>
                    <div className="cell-secondary">S3 compatible{p.skipTlsVerify && <span className="tls-off"> · TLS not verified</span>}</div>
                  </td>
                  <td className="mono" data-testid="profile-bucket-cell">
                    {p.bucket}
                  </td>
                  <td className="mono" data-testid="profile-region-cell">
                    {p.region}
                  </td>
                  <td className="mono cell-wrap" data-testid="profile-endpoint-cell">
                    {p.endpoint ?? <span className="muted">AWS S3</span>}
                  </td>
                  <td data-testid="profile-keys" data-present={p.hasCredentials}>
                    {p.hasCredentials ? (
                      <span className="with-icon" title={`Secret kasten-io-mc/${profileSecretName(p.name)}`}>
                        <KeyIcon /> In its Secret
                      </span>
                    ) : (
                      <span className="outcome outcome--bad">Secret missing</span>
                    )}
                  </td>
                  <td data-testid="profile-status">{p.status ? <ProfileStatus status={p.status} /> : <span className="muted" title="The primary reports no status for global profiles">—</span>}</td>
                  <td data-testid="profile-used-by" data-distributions={p.distributions.join(',')}>
                    {p.distributions.length ? p.distributions.map((d) => <span key={d} className="tag mono">{d}</span>) : <span className="muted">No distribution</span>}
                  </td>
                  <td className="col-actions">
                    <div className="row-buttons">
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => {
                          setSaved(null);
                          setEditing({ mode: 'edit', name: p.name });
                        }}
                        disabled={editing !== null}
                        data-testid="profile-edit"
                      >
                        Edit
                      </button>
                      <button type="button" className="btn btn-small" onClick={() => void showResourceYaml({ primaryId, kind: 'Profile', name: p.name })} data-testid="profile-yaml">
                        <CodeIcon />
                        YAML
                      </button>
                      <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setDeleting(p)} data-testid="profile-delete">
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
      <ResourceYamlPanel kind="Profile" />
      <DeleteProfileDialog primaryId={primaryId} profile={deleting} onClose={() => setDeleting(null)} />
    </div>
  );
}

/** K10's word for a profile ("Success", "Failed: …"), toned. */
function ProfileStatus({ status }: { status: string }) {
  const tone = /^(success|valid|ready|ok)/i.test(status) ? 'ok' : /fail|error|invalid/i.test(status) ? 'bad' : 'warn';
  return <span className={`outcome-chip outcome-chip--${tone}`}>{status}</span>;
}

function DeleteProfileDialog({ primaryId, profile, onClose }: { primaryId: string; profile: Profile | null; onClose(): void }) {
  const deleteProfile = useAppStore((s) => s.deleteProfile);
  const busy = useAppStore((s) => (profile ? s.profileDeleting[profile.name] === true : false));
  const [error, setError] = useState<AppErrorDto | null>(null);
  useEffect(() => setError(null), [profile]);
  return (
    <ConfirmDialog
      open={profile !== null}
      title={`Delete the global profile “${profile?.name ?? ''}”?`}
      confirmLabel={busy ? 'Deleting…' : 'Delete'}
      danger
      busy={busy}
      testId="profile-delete-dialog"
      onCancel={onClose}
      onConfirm={() => profile && void deleteProfile(primaryId, profile.name).then((err) => (err ? setError(err) : onClose()))}
    >
      <p>
        The profile and its credentials Secret <code>{profile ? profileSecretName(profile.name) : ''}</code> are deleted from the primary.
      </p>
      {profile && profile.distributions.length > 0 && (
        <p>
          <strong>It is sent by {profile.distributions.join(', ')}.</strong> Remove it from {profile.distributions.length === 1 ? 'that distribution' : 'those distributions'} first: Flotilla
          refuses to delete a profile in use.
        </p>
      )}
      <InlineError error={error} testId="profile-delete-error" />
    </ConfirmDialog>
  );
}
