/**
 * The fleet as a virtualized grid: a sticky header with sort buttons, and
 * only the rows in view (plus a few) in the DOM, so a thousand clusters
 * scroll as smoothly as ten. The body keeps the full height so the
 * scrollbar is honest; the rendered slice is moved into place with a
 * transform.
 *
 * Keyboard: the rows are one tab stop (the grid); ↑ ↓ Home End PageUp
 * PageDown move the current row (shown in the detail panel), Space ticks
 * it, Delete asks to remove the ticked rows (or the current one), Enter,
 * the context-menu key or Shift+F10 open the current row's action menu,
 * Escape closes the panel. The header row is one more tab stop (the ARIA
 * grid pattern's roving tabindex): ← → Home End move between its headers,
 * Enter or Space sorts by the focused one, ↓ goes down to the rows.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { FleetRow } from '../../../shared/contract/index.js';
import { SortIcon } from '../../components/icons.js';
import { useAppStore } from '../../store/store.js';
import { FleetTableRow, rowMenuButtonId } from './fleet-row.js';
import { primaryNames, type ClusterActionId } from './cluster-actions.js';
import { HEADER_HEIGHT, ROW_HEIGHT } from './fleet-geometry.js';
import { COLUMN_LABELS, FLEET_COLUMNS, type FleetColumnId } from './fleet-model.js';
import { useVirtualRows } from './use-virtual-rows.js';
import { scrollTopToReveal } from './virtual-range.js';

/**
 * Rows rendered beyond each edge of the viewport. The range follows every
 * scroll event, so a few rows hide the next frame's edge; every one more is
 * a row mounted on each keystroke or sort that changes the rows in view.
 */
const OVERSCAN_ROWS = 5;

const NUMERIC_COLUMNS: ReadonlySet<FleetColumnId> = new Set(['applications', 'policies', 'actions']);

export function rowDomId(id: string): string {
  return `fleet-row-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export interface FleetTableProps {
  rows: readonly FleetRow[];
  onRequestRemove(ids: string[]): void;
  onAction(action: ClusterActionId, id: string): void;
}

export function FleetTable({ rows, onRequestRemove, onAction }: FleetTableProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const selectedId = useAppStore((s) => s.selectedId);
  const checkedIds = useAppStore((s) => s.checkedIds);
  const selectCluster = useAppStore((s) => s.selectCluster);
  const toggleChecked = useAppStore((s) => s.toggleChecked);
  const rowsById = useAppStore((s) => s.rowsById);
  const primaries = useMemo(() => primaryNames(rowsById), [rowsById]);
  const { start, end, viewportHeight } = useVirtualRows(containerRef, rows.length, ROW_HEIGHT, HEADER_HEIGHT, OVERSCAN_ROWS);
  const selectedIndex = selectedId === null ? -1 : rows.findIndex((r) => r.id === selectedId);

  /**
   * Scrolls just enough to show row `index`. Only keyboard moves call it: a
   * live update that re-sorts the current row elsewhere must not yank the
   * table away from where the user is looking.
   */
  const reveal = (index: number) => {
    const el = containerRef.current;
    if (!el) return;
    const top = scrollTopToReveal(index, el.scrollTop, el.clientHeight - HEADER_HEIGHT, ROW_HEIGHT);
    if (top !== undefined) el.scrollTop = top;
  };

  /**
   * Opens the current row's menu under its ⋯ button, and leaves it open if
   * it is: the context-menu key may send both a keydown and a contextmenu
   * event, and the second must not close what the first opened (so this
   * asks the popover itself, not aria-expanded, which follows a moment later).
   */
  const openCurrentMenu = () => {
    if (!selectedId) return;
    const controls = document.getElementById(rowMenuButtonId(rowDomId(selectedId)))?.getAttribute('aria-controls');
    const menu = controls ? document.getElementById(controls) : null;
    if (menu && !menu.matches(':popover-open')) menu.showPopover();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return; // keys typed in a checkbox or header button are theirs
    if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      e.preventDefault();
      openCurrentMenu();
      return;
    }
    const page = Math.max(1, Math.floor(viewportHeight / ROW_HEIGHT) - 1);
    const move = (to: number) => {
      if (rows.length === 0) return;
      const index = Math.min(rows.length - 1, Math.max(0, to));
      selectCluster(rows[index]!.id);
      reveal(index);
    };
    const current = selectedIndex;
    switch (e.key) {
      case 'ArrowDown':
        move(current + 1);
        break;
      case 'ArrowUp':
        move(current < 0 ? 0 : current - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(rows.length - 1);
        break;
      case 'PageDown':
        move(current + page);
        break;
      case 'PageUp':
        move(current - page);
        break;
      case ' ':
        if (selectedId) toggleChecked(selectedId);
        break;
      case 'Delete': {
        const ticked = Object.keys(checkedIds);
        if (ticked.length > 0) onRequestRemove(ticked);
        else if (selectedId) onRequestRemove([selectedId]);
        break;
      }
      case 'Enter':
        if (selectedId) document.getElementById(rowMenuButtonId(rowDomId(selectedId)))?.click();
        break;
      case 'Escape':
        selectCluster(null);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div
      ref={containerRef}
      className="fleet-table"
      role="grid"
      aria-label="Clusters"
      aria-rowcount={rows.length + 1}
      aria-colcount={FLEET_COLUMNS.length + 1}
      aria-activedescendant={selectedIndex >= start && selectedIndex < end && selectedId ? rowDomId(selectedId) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onContextMenu={(e) => {
        // The context-menu key on the focused grid (a right-click on a row is the row's own).
        if (e.target !== e.currentTarget) return;
        e.preventDefault();
        openCurrentMenu();
      }}
      data-testid="fleet-table"
      data-row-count={rows.length}
    >
      <FleetTableHeader rows={rows} onDown={() => containerRef.current?.focus()} />
      {/* React applies `style` through the CSSOM (element.style), which CSP style-src permits; only style attributes in markup would need 'unsafe-inline'. */}
      <div role="rowgroup" className="fleet-body" style={{ height: rows.length * ROW_HEIGHT }}>
        <div className="fleet-window" style={{ transform: `translateY(${start * ROW_HEIGHT}px)` }}>
          {rows.slice(start, end).map((row, i) => (
            <FleetTableRow
              // By position, not by cluster: a filter or a sort then updates the rows in place rather than
              // unmounting and mounting every row in view (see FleetTableRow for what follows the cluster).
              key={start + i}
              row={row}
              ariaRowIndex={start + i + 2}
              domId={rowDomId(row.id)}
              selected={row.id === selectedId}
              checked={checkedIds[row.id] === true}
              primaryInFleet={row.role === 'secondary' && row.primaryName !== undefined && primaries.has(row.primaryName)}
              onSelect={selectCluster}
              onToggleChecked={toggleChecked}
              onAction={onAction}
            />
          ))}
        </div>
      </div>
    </div>
  );
}

/** The header's cells in order, for the roving focus: the tick-all box, then one sort button per column. */
const HEADER_CELLS = ['check-all', ...FLEET_COLUMNS] as const;
type HeaderCell = (typeof HEADER_CELLS)[number];

function FleetTableHeader({ rows, onDown }: { rows: readonly FleetRow[]; onDown(): void }) {
  const sort = useAppStore((s) => s.sort);
  const sortBy = useAppStore((s) => s.sortBy);
  const checkedIds = useAppStore((s) => s.checkedIds);
  const setChecked = useAppStore((s) => s.setChecked);
  const allChecked = rows.length > 0 && rows.every((r) => checkedIds[r.id]);
  const someChecked = !allChecked && rows.some((r) => checkedIds[r.id]);
  /** The header that holds the row's one tab stop: the last one focused, at first the sorted column. */
  const [current, setCurrent] = useState<HeaderCell | null>(null);
  const active: HeaderCell = current ?? sort.column;
  const headRef = useRef<HTMLDivElement>(null);

  const focusCell = (cell: HeaderCell) => {
    setCurrent(cell);
    headRef.current?.querySelector<HTMLElement>(`[data-header="${cell}"]`)?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const cell = (e.target as HTMLElement).dataset.header as HeaderCell | undefined;
    if (!cell) return;
    const i = HEADER_CELLS.indexOf(cell);
    switch (e.key) {
      case 'ArrowRight':
        focusCell(HEADER_CELLS[Math.min(HEADER_CELLS.length - 1, i + 1)]!);
        break;
      case 'ArrowLeft':
        focusCell(HEADER_CELLS[Math.max(0, i - 1)]!);
        break;
      case 'Home':
        focusCell(HEADER_CELLS[0]);
        break;
      case 'End':
        focusCell(HEADER_CELLS[HEADER_CELLS.length - 1]!);
        break;
      case 'ArrowDown':
        onDown();
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div role="rowgroup" className="fleet-head">
      <div ref={headRef} role="row" aria-rowindex={1} className="fleet-row fleet-row--head" onKeyDown={onKeyDown} data-testid="fleet-header-row">
        <div role="columnheader" className="cell cell-check">
          <input
            type="checkbox"
            checked={allChecked}
            ref={(el) => {
              if (el) el.indeterminate = someChecked;
            }}
            onChange={(e) => setChecked(rows.map((r) => r.id), e.target.checked)}
            onFocus={() => setCurrent('check-all')}
            tabIndex={active === 'check-all' ? 0 : -1}
            aria-label="Select every cluster shown"
            data-header="check-all"
            data-testid="check-all"
          />
        </div>
        {FLEET_COLUMNS.map((column) => {
          const sorted = sort.column === column;
          return (
            <div
              key={column}
              role="columnheader"
              aria-sort={sorted ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
              className={NUMERIC_COLUMNS.has(column) ? 'cell cell-number' : 'cell'}
            >
              <button
                type="button"
                className={sorted ? 'sort-button is-active' : 'sort-button'}
                onClick={() => sortBy(column)}
                onFocus={() => setCurrent(column)}
                tabIndex={active === column ? 0 : -1}
                data-header={column}
                data-testid={`sort-${column}`}
              >
                {COLUMN_LABELS[column]}
                <SortIcon direction={sorted ? sort.direction : null} />
              </button>
            </div>
          );
        })}
      </div>
    </div>
  );
}
