/**
 * The fleet view: summary, toolbar, the virtualized table and the detail
 * panel of the current cluster. Filtering and sorting run here, over the
 * store's rows (sorting only when the rows or the sort change). The search
 * applies in the keystroke's own render: filtering a thousand rows over
 * their cached search keys takes a millisecond or two, and a deferred value
 * would paint the table a frame or two after the box.
 */
import { useCallback, useMemo, useState } from 'react';
import { ImportIcon } from '../../components/icons.js';
import { useAppStore } from '../../store/store.js';
import { LabStartForm } from '../lab/lab-start-form.js';
import { ClusterDetail } from './cluster-detail.js';
import { FleetSummary } from './fleet-summary.js';
import { FleetTable } from './fleet-table.js';
import { FleetToolbar } from './fleet-toolbar.js';
import { filterRows, sortRows } from './fleet-model.js';
import { RemoveClustersDialog } from './remove-clusters-dialog.js';
import { useClusterAction, type FleetDialog } from './use-cluster-action.js';
import { StartOverDialog } from '../join/start-over-dialog.js';
import { DemoteDialog } from '../multicluster/demote-dialog.js';

export function FleetScreen() {
  const rowsById = useAppStore((s) => s.rowsById);
  const search = useAppStore((s) => s.search);
  const roleFilter = useAppStore((s) => s.roleFilter);
  const stateFilter = useAppStore((s) => s.stateFilter);
  const sort = useAppStore((s) => s.sort);
  const hasSelection = useAppStore((s) => s.selectedId !== null && s.selectedId in s.rowsById);
  const [removeIds, setRemoveIds] = useState<string[] | null>(null);
  const [dialog, setDialog] = useState<FleetDialog | null>(null);
  const onAction = useClusterAction(useCallback((d: FleetDialog) => (d.kind === 'remove' ? setRemoveIds([d.id]) : setDialog(d)), []));

  const total = Object.keys(rowsById).length;
  // Sorted once per change of the rows or the sort; a keystroke only filters the sorted rows.
  const sorted = useMemo(() => sortRows(Object.values(rowsById), sort), [rowsById, sort]);
  const { rows, searchProblem } = useMemo(() => filterRows(sorted, { search, roles: roleFilter, state: stateFilter }), [sorted, search, roleFilter, stateFilter]);

  return (
    <div className="fleet" data-testid="fleet-screen">
      {/* The screen's title for assistive technology; the header's current tab says it to the eye. */}
      <h1 className="visually-hidden">Fleet</h1>
      <FleetSummary />
      {total === 0 ? (
        <EmptyFleet />
      ) : (
        <>
          <FleetToolbar shown={rows.length} total={total} searchProblem={searchProblem} onRequestRemove={setRemoveIds} />
          <div className={hasSelection ? 'fleet-content has-detail' : 'fleet-content'} data-testid="fleet-content" data-search={search}>
            <FleetTable rows={rows} onRequestRemove={setRemoveIds} onAction={onAction} />
            {rows.length === 0 && <NoMatches />}
            {hasSelection && <ClusterDetail onRequestRemove={setRemoveIds} onAction={onAction} />}
          </div>
        </>
      )}
      <RemoveClustersDialog ids={removeIds} onClose={() => setRemoveIds(null)} />
      <StartOverDialog clusterId={dialog?.kind === 'start-over' ? dialog.id : null} onClose={() => setDialog(null)} />
      <DemoteDialog primaryId={dialog?.kind === 'demote' ? dialog.id : null} onClose={() => setDialog(null)} />
    </div>
  );
}

function NoMatches() {
  const setSearch = useAppStore((s) => s.setSearch);
  const clearRoleFilter = useAppStore((s) => s.clearRoleFilter);
  const setStateFilter = useAppStore((s) => s.setStateFilter);
  return (
    <div className="no-matches" data-testid="no-matches">
      <p>No cluster matches the search and filters.</p>
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          setSearch('');
          clearRoleFilter();
          setStateFilter('all');
        }}
      >
        Clear search and filters
      </button>
    </div>
  );
}

function EmptyFleet() {
  const openImport = useAppStore((s) => s.openImport);
  return (
    <div className="empty-state" data-testid="empty-fleet">
      <h2>No clusters</h2>
      <p>Import kubeconfigs, or open a lab fleet to try Flotilla on emulated clusters.</p>
      <div className="empty-actions">
        <button type="button" className="btn btn-primary" onClick={openImport}>
          <ImportIcon />
          Import kubeconfigs
        </button>
        <LabStartForm />
      </div>
    </div>
  );
}
