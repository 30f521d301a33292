/**
 * The Multi-cluster screen of one primary: its Cluster objects with their
 * labels (and disconnect), its join tokens, one-click join of fleet
 * clusters, permissions, global profiles and policies, the distributions
 * that send them to clusters, and their status per cluster. With several primaries in the fleet, a picker
 * chooses which; with none, the screen says how to make one.
 */
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ScreenHeader } from '../../components/screen-header.js';
import { MC_VIEWS, type McView } from '../../store/multicluster.slice.js';
import { useAppStore } from '../../store/store.js';
import { JoinManyView } from '../join/join-many-view.js';
import { PermissionsView } from '../permissions/permissions-view.js';
import { TokensView } from '../tokens/tokens-view.js';
import { ProfilesView } from '../profiles/profiles-view.js';
import { PoliciesView } from '../policies/policies-view.js';
import { DistributionsView } from '../distributions/distributions-view.js';
import { StatusView } from '../distributions/status-view.js';
import { ClustersView } from './clusters-view.js';
import { DemoteDialog } from './demote-dialog.js';

const VIEW_LABELS: Record<McView, string> = {
  clusters: 'Clusters and labels',
  tokens: 'Join tokens',
  join: 'Join clusters',
  permissions: 'Permissions',
  profiles: 'Profiles',
  policies: 'Policies',
  distributions: 'Distributions',
  status: 'Status',
};

export function MulticlusterScreen() {
  const primaries = useAppStore(
    useShallow((s) =>
      Object.values(s.rowsById)
        .filter((r) => r.role === 'primary')
        .sort((a, b) => a.name.localeCompare(b.name)),
    ),
  );
  const primaryId = useAppStore((s) => s.mcPrimaryId);
  const view = useAppStore((s) => s.mcView);
  const setMcPrimary = useAppStore((s) => s.setMcPrimary);
  const showScreen = useAppStore((s) => s.showScreen);
  const openAudit = useAppStore((s) => s.openAudit);
  const [demoteId, setDemoteId] = useState<string | null>(null);
  const primary = primaries.find((p) => p.id === primaryId);

  // The primary shown went away (demoted, removed) or none was chosen yet: show the first one.
  useEffect(() => {
    if (!primary && primaries[0] && !demoteId) setMcPrimary(primaries[0].id);
  }, [primary, primaries, setMcPrimary, demoteId]);

  return (
    <div className="screen mc-screen" data-testid="multicluster-screen" data-primary={primary?.name} data-view={view}>
      <ScreenHeader
        title="Multi-cluster"
        subtitle={primary ? <PrimaryPicker primaries={primaries} current={primary.id} onChange={setMcPrimary} kastenName={primary.primaryName} /> : undefined}
        onBack={() => showScreen('fleet')}
      >
        {primary && (
          <>
            <button type="button" className="btn" onClick={() => void openAudit({ cluster: primary.name })} data-testid="mc-audit">
              Audit log
            </button>
            <button type="button" className="btn btn-danger-outline" onClick={() => setDemoteId(primary.id)} data-testid="mc-demote">
              Demote…
            </button>
          </>
        )}
      </ScreenHeader>

      {primary ? (
        <>
          <ViewTabs current={view} />
          <div className="mc-view" role="tabpanel" id={`mc-panel-${view}`} aria-labelledby={`mc-tab-${view}`} data-testid={`mc-view-${view}`}>
            {view === 'clusters' && <ClustersView key={primary.id} primaryId={primary.id} />}
            {view === 'tokens' && <TokensView key={primary.id} primaryId={primary.id} />}
            {view === 'join' && <JoinManyView key={primary.id} primaryId={primary.id} />}
            {view === 'permissions' && <PermissionsView key={primary.id} primaryId={primary.id} />}
            {view === 'profiles' && <ProfilesView key={primary.id} primaryId={primary.id} />}
            {view === 'policies' && <PoliciesView key={primary.id} primaryId={primary.id} />}
            {view === 'distributions' && <DistributionsView key={primary.id} primaryId={primary.id} />}
            {view === 'status' && <StatusView key={primary.id} primaryId={primary.id} />}
          </div>
        </>
      ) : (
        <NoPrimary />
      )}
      <DemoteDialog primaryId={demoteId} onClose={() => setDemoteId(null)} />
    </div>
  );
}

function PrimaryPicker({ primaries, current, onChange, kastenName }: { primaries: { id: string; name: string; primaryName?: string }[]; current: string; onChange(id: string): void; kastenName?: string }) {
  const label = kastenName ? `as “${kastenName}”` : '';
  if (primaries.length === 1)
    return (
      <span data-testid="mc-primary-name">
        Primary <strong>{primaries[0]!.name}</strong> {label}
      </span>
    );
  return (
    <span className="mc-primary-picker">
      <label htmlFor="mc-primary-select">Primary</label>
      <select id="mc-primary-select" className="input select input-compact" value={current} onChange={(e) => onChange(e.target.value)} data-testid="mc-primary-select">
        {primaries.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
            {p.primaryName && p.primaryName !== p.name ? ` (${p.primaryName})` : ''}
          </option>
        ))}
      </select>
      <span className="muted">{label}</span>
    </span>
  );
}

/** Tabs with arrow keys between them (one tab stop), as the ARIA tabs pattern has it. */
function ViewTabs({ current }: { current: McView }) {
  const setMcView = useAppStore((s) => s.setMcView);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = MC_VIEWS.indexOf(current);
    const to = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? MC_VIEWS.length - 1 : null;
    if (to === null) return;
    e.preventDefault();
    const next = MC_VIEWS[(to + MC_VIEWS.length) % MC_VIEWS.length]!;
    setMcView(next);
    requestAnimationFrame(() => document.getElementById(`mc-tab-${next}`)?.focus());
  };
  return (
    <div className="tabs" role="tablist" aria-label="Multi-cluster views" onKeyDown={onKeyDown}>
      {MC_VIEWS.map((v) => (
        <button
          key={v}
          id={`mc-tab-${v}`}
          type="button"
          role="tab"
          className="tab"
          aria-selected={v === current}
          aria-controls={`mc-panel-${v}`}
          tabIndex={v === current ? 0 : -1}
          onClick={() => setMcView(v)}
          data-testid={`mc-tab-${v}`}
        >
          {VIEW_LABELS[v]}
        </button>
      ))}
    </div>
  );
}

/** No primary in the fleet: what to do, and the clusters that could become one. */
function NoPrimary() {
  const rowsById = useAppStore((s) => s.rowsById);
  const openPromote = useAppStore((s) => s.openPromote);
  const candidates = useMemo(
    () =>
      Object.values(rowsById)
        .filter((r) => r.role === 'standalone' && r.k10Version !== undefined)
        .sort((a, b) => a.name.localeCompare(b.name)),
    [rowsById],
  );
  return (
    <div className="empty-state" data-testid="mc-no-primary">
      <h2>No primary in the fleet</h2>
      <p>A Kasten multi-cluster primary lets secondaries join it and distributes global profiles and policies to them. Promote a standalone cluster with K10 to make one.</p>
      {candidates.length > 0 ? (
        <div className="empty-actions empty-actions--wrap">
          {candidates.slice(0, 12).map((r) => (
            <button key={r.id} type="button" className="btn" onClick={() => void openPromote(r.id)} data-testid="mc-promote" data-name={r.name}>
              Promote {r.name}…
            </button>
          ))}
        </div>
      ) : (
        <p className="muted">No cluster in the fleet is a standalone cluster with K10.</p>
      )}
    </div>
  );
}
