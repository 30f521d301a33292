/** One cluster in the fleet table; memoized so scrolling and events re-render only rows that changed. */
import { memo } from 'react';
import type { FleetRow as FleetRowDto } from '../../../shared/contract/index.js';
import { formatCount } from '../../format.js';
import { LabBadge } from '../lab/lab-badge.js';
import { ActionsCount, JoinStateText, LabelChips, MemberOf, Reachability, RoleBadge } from './fleet-cells.js';
import { ActionMenu } from '../../components/action-menu.js';
import { ACTION_LABELS, clusterActions, DANGEROUS_ACTIONS, type ClusterActionId } from './cluster-actions.js';
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
  const className = [
    'fleet-row',
    selected && 'is-selected',
    checked && 'is-checked',
    row.reachability.state === 'unreachable' && 'is-unreachable',
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div
      id={domId}
      role="row"
      aria-rowindex={ariaRowIndex}
      aria-selected={selected}
      className={className}
      onClick={() => onSelect(row.id)}
      data-testid="fleet-row"
      data-id={row.id}
      data-name={row.name}
      data-role={row.role}
      data-reachability={row.reachability.state}
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
            items={clusterActions(row, primaryInFleet).map((a) => ({ id: a, label: ACTION_LABELS[a], danger: DANGEROUS_ACTIONS.has(a), testId: `row-action-${a}` }))}
            onSelect={(a) => onAction(a as ClusterActionId, row.id)}
            label={`Actions for ${row.name}`}
            buttonId={rowMenuButtonId(domId)}
            testId="row-actions"
          />
        </span>
      </div>
      <div role="gridcell" className="cell" data-testid="cell-role">
        <RoleBadge role={row.role} primaryName={row.primaryName} />
      </div>
      <div role="gridcell" className="cell" data-testid="cell-join">
        <JoinStateText row={row} />
      </div>
      <div role="gridcell" className="cell" title={row.role === 'secondary' ? row.primaryName : undefined} data-testid="cell-primary">
        <MemberOf row={row} />
      </div>
      <div role="gridcell" className="cell" data-testid="cell-reachability">
        <Reachability reachability={row.reachability} />
      </div>
      <div role="gridcell" className="cell mono" title={row.kubernetesVersion} data-testid="cell-k8s">
        {row.kubernetesVersion ?? '–'}
      </div>
      <div role="gridcell" className="cell mono" title={row.k10Version} data-testid="cell-k10">
        {row.k10Version ?? '–'}
      </div>
      <div role="gridcell" className="cell cell-number" data-testid="cell-apps">
        {formatCount(row.counts.applications)}
      </div>
      <div role="gridcell" className="cell cell-number" data-testid="cell-policies">
        {formatCount(row.counts.policies)}
      </div>
      <div role="gridcell" className={failedActions ? 'cell cell-number has-failed' : 'cell cell-number'} data-testid="cell-actions">
        <ActionsCount counts={row.counts} />
      </div>
      <div role="gridcell" className="cell cell-labels" title={formatLabels(row.labels)} data-testid="cell-labels">
        <LabelChips labels={row.labels} hide={ROW_HIDDEN_LABELS} />
      </div>
      <div role="gridcell" className="cell cell-error" title={row.lastError?.message} data-testid="cell-error">
        {row.lastError ? row.lastError.message : ''}
      </div>
    </div>
  );
});
