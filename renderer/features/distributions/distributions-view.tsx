/**
 * A primary's distributions and the state of each of their targets, read
 * again every 5 s while the view shows (not while the window is hidden);
 * create and edit with the live preview (distribution-editor.tsx), the
 * clusters a save dropped or added, Force sync, "Show as YAML", and delete,
 * whose copies stay on the clusters, as Kasten leaves them.
 */
import { RefreshButton } from '../../components/refresh-button.js';
import { useEffect, useState } from 'react';
import type { Distribution, McCluster, Policy, Profile } from '../../../shared/contract/index.js';
import { useAutoRefresh } from '../../components/auto-refresh.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { CheckIcon, PlusIcon } from '../../components/icons.js';
import { InlineError, InlineInfo } from '../../components/inline-error.js';
import { ResourceYamlPanel } from '../../components/resource-yaml.js';
import { Spinner } from '../../components/spinner.js';
import { useNow } from '../../components/use-now.js';
import { plural } from '../../format.js';
import type { DistributionDeleteResult, DistributionSaveResult } from '../../store/distributions.slice.js';
import { useAppStore } from '../../store/store.js';
import { DistributionCard } from './distribution-card.js';
import { DistributionEditor } from './distribution-editor.js';

/** How often the states are read again while the view shows. */
export const REFRESH_MS = 5_000;

const NO_DISTRIBUTIONS: Distribution[] = [];
const NO_CLUSTERS: McCluster[] = [];
const NO_PROFILES: Profile[] = [];
const NO_POLICIES: Policy[] = [];

type Editing = { mode: 'create' } | { mode: 'edit'; name: string } | null;
type Outcome = { kind: 'saved'; created: boolean; result: DistributionSaveResult } | { kind: 'deleted'; name: string; result: DistributionDeleteResult } | null;

/** Loads what the distribution views need once, then their states every REFRESH_MS while shown. */
export function useDistributionData(primaryId: string): void {
  const loadDistributions = useAppStore((s) => s.loadDistributions);
  const loadMcClusters = useAppStore((s) => s.loadMcClusters);
  const loadProfiles = useAppStore((s) => s.loadProfiles);
  const loadPolicies = useAppStore((s) => s.loadPolicies);
  useEffect(() => {
    void loadDistributions(primaryId);
    void loadMcClusters(primaryId);
    void loadProfiles(primaryId);
    void loadPolicies(primaryId);
  }, [primaryId, loadDistributions, loadMcClusters, loadProfiles, loadPolicies]);
  useAutoRefresh(() => loadDistributions(primaryId), REFRESH_MS);
}

/** "Read 3 s ago · every 5 s", and a Refresh button. */
export function ReadAt({ primaryId, testId }: { primaryId: string; testId: string }) {
  const readAt = useAppStore((s) => s.distributionsReadAt[primaryId]);
  const loading = useAppStore((s) => s.distributionsLoading);
  const loadDistributions = useAppStore((s) => s.loadDistributions);
  const now = useNow(readAt !== undefined);
  const ago = readAt === undefined ? undefined : Math.max(0, Math.round((now - readAt) / 1000));
  return (
    <>
      <span className="muted read-at" data-testid={`${testId}-read-at`} title="Flotilla reads every target it can reach and compares the copies with the global definitions">
        {ago === undefined ? 'Reading the targets…' : `Read ${ago < 2 ? 'just now' : `${ago} s ago`} · every ${REFRESH_MS / 1000} s`}
      </span>
      <RefreshButton onClick={() => void loadDistributions(primaryId, { fresh: true })} loading={loading} testId={`${testId}-refresh`} />
    </>
  );
}

export function DistributionsView({ primaryId }: { primaryId: string }) {
  const distributions = useAppStore((s) => s.distributionsByPrimary[primaryId] ?? NO_DISTRIBUTIONS);
  const loaded = useAppStore((s) => primaryId in s.distributionsByPrimary);
  const error = useAppStore((s) => s.distributionsError);
  const clusters = useAppStore((s) => s.mcClusters[primaryId] ?? NO_CLUSTERS);
  const profiles = useAppStore((s) => s.profilesByPrimary[primaryId] ?? NO_PROFILES);
  const policies = useAppStore((s) => s.policiesByPrimary[primaryId] ?? NO_POLICIES);
  const [editing, setEditing] = useState<Editing>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [deleting, setDeleting] = useState<Distribution | null>(null);
  useDistributionData(primaryId);

  const edited = editing?.mode === 'edit' ? distributions.find((d) => d.name === editing.name) : undefined;
  const open = (e: Editing) => {
    setOutcome(null);
    setEditing(e);
  };

  return (
    <div className="global-view distributions" data-testid="distributions-view">
      <div className="view-toolbar">
        <p className="muted">A distribution sends global profiles and policies to the clusters its names and label selectors pick. Each target’s state is read on the target itself.</p>
        <span className="toolbar-spacer" />
        <ReadAt primaryId={primaryId} testId="distributions" />
        <button type="button" className="btn btn-primary" onClick={() => open({ mode: 'create' })} disabled={editing !== null} data-testid="distribution-new">
          <PlusIcon />
          New distribution
        </button>
      </div>
      <InlineError error={error} testId="distributions-error" />
      {editing && (editing.mode === 'create' || edited) && (
        <DistributionEditor
          key={editing.mode === 'edit' ? editing.name : '(new)'}
          primaryId={primaryId}
          distribution={edited}
          distributions={distributions}
          clusters={clusters}
          profiles={profiles}
          policies={policies}
          onCancel={() => setEditing(null)}
          onSaved={(result, created) => {
            setEditing(null);
            setOutcome({ kind: 'saved', created, result });
          }}
        />
      )}
      {outcome?.kind === 'saved' && <SaveOutcome created={outcome.created} result={outcome.result} onClose={() => setOutcome(null)} />}
      {outcome?.kind === 'deleted' && (
        <InlineInfo testId="distribution-deleted">
          <span data-copies={outcome.result.copiesKeptOn.join(',')}>
            Deleted the distribution “{outcome.name}”.{' '}
            {outcome.result.copiesKeptOn.length ? (
              <>
                Its copies stay on <strong className="mono">{outcome.result.copiesKeptOn.join(', ')}</strong>, as Kasten leaves them: delete them there if they should go.
              </>
            ) : (
              'It had reached no cluster.'
            )}
          </span>
        </InlineInfo>
      )}
      {!loaded && !error && (
        <p className="muted">
          <Spinner /> Reading the distributions and their targets…
        </p>
      )}
      {loaded && distributions.length === 0 && !editing && (
        <p className="empty-note" data-testid="distributions-empty">
          No distribution yet. Create one to send global profiles and policies to clusters chosen by name or by label.
        </p>
      )}
      <div className="distribution-list">
        {distributions.map((d) => (
          <DistributionCard key={d.name} primaryId={primaryId} distribution={d} editing={editing !== null} onEdit={() => open({ mode: 'edit', name: d.name })} onDelete={() => setDeleting(d)} />
        ))}
      </div>
      <ResourceYamlPanel kind="Distribution" />
      <DeleteDistributionDialog
        primaryId={primaryId}
        distribution={deleting}
        onClose={() => setDeleting(null)}
        onDeleted={(name, result) => {
          setDeleting(null);
          if (editing?.mode === 'edit' && editing.name === name) setEditing(null);
          setOutcome({ kind: 'deleted', name, result });
        }}
      />
    </div>
  );
}

function SaveOutcome({ created, result, onClose }: { created: boolean; result: DistributionSaveResult; onClose(): void }) {
  return (
    <div className="result-box" role="status" data-testid="distribution-save-result" data-name={result.name} data-added={result.added.join(',')} data-dropped={result.dropped.join(',')}>
      <div className="result-title">
        <CheckIcon /> {created ? 'Created' : 'Saved'} the distribution “{result.name}”
        <span className="toolbar-spacer" />
        <button type="button" className="btn btn-small" onClick={onClose} data-testid="distribution-save-result-close">
          Close
        </button>
      </div>
      <dl className="result-fields">
        <dt>Now sent to</dt>
        <dd data-testid="distribution-added">{result.added.length ? <span className="mono">{result.added.join(', ')}</span> : <span className="muted">no cluster more than before</span>}</dd>
        <dt>No longer sent to</dt>
        <dd data-testid="distribution-dropped">{result.dropped.length ? <span className="mono">{result.dropped.join(', ')}</span> : <span className="muted">none</span>}</dd>
      </dl>
      <p className="field-hint">K10 applies it to {plural(result.added.length, 'new target')} within seconds; the states below follow.</p>
    </div>
  );
}

function DeleteDistributionDialog({ primaryId, distribution, onClose, onDeleted }: { primaryId: string; distribution: Distribution | null; onClose(): void; onDeleted(name: string, result: DistributionDeleteResult): void }) {
  const deleteDistribution = useAppStore((s) => s.deleteDistribution);
  const busy = useAppStore((s) => (distribution ? s.distributionBusy[distribution.name] === 'delete' : false));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setError(null), [distribution]);
  const targets = distribution?.clusters.map((c) => c.name) ?? [];
  return (
    <ConfirmDialog
      open={distribution !== null}
      title={`Delete the distribution “${distribution?.name ?? ''}”?`}
      confirmLabel={busy ? 'Deleting…' : 'Delete'}
      danger
      busy={busy}
      testId="distribution-delete-dialog"
      onCancel={onClose}
      onConfirm={() =>
        distribution &&
        void deleteDistribution(primaryId, distribution.name).then((r) => (r.ok ? onDeleted(distribution.name, r.result) : setError(r.error.cluster ? `${r.error.cluster}: ${r.error.message}` : r.error.message)))
      }
    >
      <p>The distribution is deleted from the primary; the global profiles and policies it sends stay there.</p>
      <p>
        <strong>The copies stay on the clusters</strong>
        {targets.length ? (
          <>
            {' '}
            (<span className="mono">{targets.join(', ')}</span>)
          </>
        ) : null}
        , as Kasten leaves them: K10 stops keeping them in line, and they are yours to delete there.
      </p>
      <InlineError error={error} testId="distribution-delete-error" />
    </ConfirmDialog>
  );
}
