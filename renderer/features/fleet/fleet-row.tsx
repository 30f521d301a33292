/**
 * One cluster in the fleet table; memoized so scrolling and events re-render
 * only rows that changed. The table keys its rows by position, so a row's
 * DOM is kept when another cluster takes its place (a filter, a sort, a live
 * update) and only its content changes: what belongs to the cluster shown
 * (its open action menu, focus on its checkbox or menu button) must not stay
 * with the place, and is let go when the cluster changes.
 */
import { memo, useLayoutEffect, useRef } from 'react';
import type { FleetRow as FleetRowDto } from '../../../shared/contract/index.js';
import { formatCount } from '../../format.js';
import { LabBadge } from '../lab/lab-badge.js';
import { ActionsCount, JoinStateText, LabelChips, LastKnown, MemberOf, Reachability, RoleBadge } from './fleet-cells.js';
import { ActionMenu, type ActionMenuControls } from '../../components/action-menu.js';
import { ACTION_LABELS, DANGEROUS_ACTIONS, rowMenuActions, type ClusterActionId } from './cluster-actions.js';
import { formatLabels } from './fleet-model.js';
import { LABELS } from '../../../shared/kasten/kinds.js';

const ROW_HIDDEN_LABELS = [LABELS.clusterType];

export interface FleetRowProps {
  row: FleetRowDto;
  /** 1-based position among all rows, header included (aria-rowindex). */
  ariaRowIndex: number;
  domId: string;
  selected: boolean;
  checked: boolean;
  /** For a secondary: its primary is a fleet row too (the menu then leads there). */
  primaryInFleet: boolean;
  onSelect(id: string): void;
  onToggleChecked(id: string): void;
  onAction(action: ClusterActionId, id: string): void;
}

/** The id of a row's action-menu button, so the grid's Enter key can open it. */
export function rowMenuButtonId(domId: string): string {
  return `${domId}-actions`;
}

export const FleetTableRow = memo(function FleetTableRow({ row, ariaRowIndex, domId, selected, checked, primaryInFleet, onSelect, onToggleChecked, onAction }: FleetRowProps) {
  const failedActions = (row.counts.failedActions24h ?? 0) > 0;
  const stale = row.reachability.state === 'unreachable';
  const menu = useRef<ActionMenuControls>(null);
  const rowRef = useRef<HTMLDivElement>(null);
  const shownId = useRef(row.id);
  useLayoutEffect(() => {
    if (shownId.current === row.id) return;
    shownId.current = row.id;
    // Before the paint: the menu of one cluster never shows, or acts, for another.
    menu.current?.close();
    const el = rowRef.current;
    if (el?.contains(document.activeElement)) el.closest<HTMLElement>('[role="grid"]')?.focus({ preventScroll: true });
  }, [row.id]);
  const className = [
    'fleet-row',
    selected && 'is-selected',
    checked && 'is-checked',
    row.reachability.state === 'unreachable' && 'is-unreachable is-stale',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      ref={rowRef}
      id={domId}
      role="row"
      aria-rowindex={ariaRowIndex}
      aria-selected={selected}
      className={className}
      onClick={() => onSelect(row.id)}
      onContextMenu={(e) => {
        // A right-click opens the row's own menu where the pointer is (the context-menu key: see FleetTable).
        if (e.button !== 2) return;
        e.preventDefault();
        e.stopPropagation();
        onSelect(row.id);
        menu.current?.open({ x: e.clientX, y: e.clientY });
      }}
      data-testid="fleet-row"
      data-id={row.id}
      data-name={row.name}
      data-role={row.role}
      data-reachability={row.reachability.state}
      data-last-seen={row.reachability.lastSeenAt}
      data-join-state={row.joinState}
      data-primary={row.role === 'secondary' ? (row.primaryName ?? '') : undefined}
    >
      <div role="gridcell" className="cell cell-check" onClick={(e) => e.stopPropagation()}>
        <input type="checkbox" checked={checked} onChange={() => onToggleChecked(row.id)} aria-label={`Select ${row.name}`} tabIndex={-1} data-testid="row-check" />
      </div>
      <div role="gridcell" className="cell cell-name" title={row.server} data-testid="cell-name">
        <span className="cluster-name">{row.name}</span>
        {row.source === 'lab' && <LabBadge compact />}
        <span className="row-actions">
          <ActionMenu
            items={rowMenuActions(row, primaryInFleet).map((a) => ({ id: a, label: ACTION_LABELS[a], danger: DANGEROUS_ACTIONS.has(a), testId: `row-action-${a}` }))}
            onSelect={(a) => onAction(a as ClusterActionId, row.id)}
            label={`Actions for ${row.name}`}
            buttonId={rowMenuButtonId(domId)}
            testId="row-actions"
            controls={menu}
          />
        </span>
      </div>
      <div role="gridcell" className="cell" data-testid="cell-role">
        <LastKnown row={row} present={row.role !== 'unknown'}>
          <RoleBadge role={row.role} primaryName={row.primaryName} />
        </LastKnown>
      </div>
      <div role="gridcell" className="cell" data-testid="cell-join">
        <LastKnown row={row} present={row.joinState !== 'unknown' && row.joinState !== 'none'}>
          <JoinStateText row={row} />
        </LastKnown>
      </div>
      <div role="gridcell" className="cell" title={row.role === 'secondary' ? row.primaryName : undefined} data-testid="cell-primary">
        <LastKnown row={row} present={row.role === 'primary' || row.role === 'secondary'}>
          <MemberOf row={row} />
        </LastKnown>
      </div>
      <div role="gridcell" className="cell" data-testid="cell-reachability">
        <Reachability reachability={row.reachability} />
      </div>
      <div role="gridcell" className="cell mono" title={stale ? undefined : row.kubernetesVersion} data-testid="cell-k8s">
        <LastKnown row={row} present={row.kubernetesVersion !== undefined}>
          {row.kubernetesVersion ?? '–'}
        </LastKnown>
      </div>
      <div role="gridcell" className="cell mono" title={stale ? undefined : row.k10Version} data-testid="cell-k10">
        <LastKnown row={row} present={row.k10Version !== undefined}>
          {row.k10Version ?? '–'}
        </LastKnown>
      </div>
      <div role="gridcell" className="cell cell-number" data-testid="cell-apps">
        <LastKnown row={row} present={row.counts.applications !== undefined}>
          {formatCount(row.counts.applications)}
        </LastKnown>
      </div>
      <div role="gridcell" className="cell cell-number" data-testid="cell-policies">
        <LastKnown row={row} present={row.counts.policies !== undefined}>
          {formatCount(row.counts.policies)}
        </LastKnown>
      </div>
      <div role="gridcell" className={failedActions ? 'cell cell-number has-failed' : 'cell cell-number'} data-testid="cell-actions">
        <LastKnown row={row} present={row.counts.actions !== undefined}>
          <ActionsCount counts={row.counts} />
        </LastKnown>
      </div>
      <div role="gridcell" className="cell cell-labels" title={stale ? undefined : formatLabels(row.labels)} data-testid="cell-labels">
        <LastKnown row={row} present={Object.keys(row.labels).length > 0}>
          <LabelChips labels={row.labels} hide={ROW_HIDDEN_LABELS} />
        </LastKnown>
      </div>
      <div role="gridcell" className="cell cell-error" title={row.lastError?.message} data-testid="cell-error">
        {row.lastError ? row.lastError.message : ''}
      </div>
    </div>
  );
});
