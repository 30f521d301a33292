/** The fleet view: summary tiles, search and filters, the virtualized table, row menus, the detail panel, removal. */
import type { Locator, Page } from 'playwright-core';

export type SummaryKey = 'clusters' | 'reachable' | 'unreachable' | 'authProblems' | 'failedActions' | 'primaries' | 'secondaries';
export type CellId = 'name' | 'role' | 'join' | 'reachability' | 'k8s' | 'k10' | 'apps' | 'policies' | 'actions' | 'labels' | 'error';

export interface ShownRow {
  name: string;
  role: string;
  reachability: string;
  kubernetes: string;
  k10: string;
  applications: string;
  policies: string;
  actions: string;
}

export class FleetPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('fleet-screen');
  }

  get table(): Locator {
    return this.page.getByTestId('fleet-table');
  }

  /** Rows rendered in the DOM (the virtualized table renders only those in view). */
  get renderedRows(): Locator {
    return this.page.getByTestId('fleet-row');
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="fleet-row"][data-name="${name}"]`);
  }

  cell(name: string, cell: CellId): Locator {
    return this.row(name).getByTestId(`cell-${cell}`);
  }

  /** How many rows the table holds after search and filters (rendered or not). */
  async rowCount(): Promise<number> {
    return Number(await this.table.getAttribute('data-row-count'));
  }

  async waitForRowCount(n: number, timeout = 30_000): Promise<void> {
    await this.page.locator(`[data-testid="fleet-table"][data-row-count="${n}"]`).waitFor({ timeout });
  }

  async renderedNames(): Promise<string[]> {
    return this.renderedRows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
  }

  async readRow(name: string): Promise<ShownRow> {
    const text = async (cell: CellId) => (await this.cell(name, cell).innerText()).trim();
    return {
      name,
      role: (await this.row(name).getAttribute('data-role')) ?? '',
      reachability: (await this.row(name).getAttribute('data-reachability')) ?? '',
      kubernetes: await text('k8s'),
      k10: await text('k10'),
      applications: await text('apps'),
      policies: await text('policies'),
      actions: await text('actions'),
    };
  }

  async reachability(name: string): Promise<string | null> {
    return this.row(name).getAttribute('data-reachability');
  }

  async summary(key: SummaryKey): Promise<number> {
    return Number(await this.page.getByTestId(`summary-${key}`).getAttribute('data-value'));
  }

  /** A summary tile: a filter button. */
  tile(key: SummaryKey): Locator {
    return this.page.getByTestId(`summary-${key}`);
  }

  async tilePressed(key: SummaryKey): Promise<boolean> {
    return (await this.tile(key).getAttribute('aria-pressed')) === 'true';
  }

  async stateFilter(): Promise<string> {
    return this.page.getByTestId('state-filter').inputValue();
  }

  get searchBox(): Locator {
    return this.page.getByTestId('fleet-search');
  }

  /** A row's menu, open (from its ⋯ button, a right-click or the keyboard). */
  get openRowMenu(): Locator {
    return this.page.locator('[data-testid="row-actions-menu"]:popover-open');
  }

  /** Right-clicks a row and waits for its menu. */
  async rightClick(name: string): Promise<void> {
    await this.cell(name, 'k8s').click({ button: 'right' });
    await this.openRowMenu.waitFor();
  }

  async openMenuItems(): Promise<string[]> {
    return this.openRowMenu.locator('[data-testid^="row-action-"]').evaluateAll((items) => items.map((i) => (i.getAttribute('data-testid') ?? '').replace(/^row-action-/, '')));
  }

  async chooseInOpenMenu(action: string): Promise<void> {
    await this.openRowMenu.getByTestId(`row-action-${action}`).click();
  }

  /** The "last known" mark of a cell of an unreachable cluster (its note: "last known, 4 min ago"). */
  async lastKnownNote(name: string, cell: CellId): Promise<string | null> {
    const mark = this.cell(name, cell).getByTestId('last-known');
    return (await mark.count()) === 0 ? null : mark.getAttribute('data-note');
  }

  get failedActions(): Locator {
    return this.detail.getByTestId('detail-failed-actions');
  }

  /** The failed actions the detail panel lists, once loaded. */
  async listedFailures(): Promise<{ kind: string; name: string; text: string }[]> {
    await this.page.locator('[data-testid="detail-failed-actions"][data-state="loaded"]').waitFor();
    return this.failedActions.getByTestId('failed-action').evaluateAll((items) =>
      items.map((i) => ({ kind: i.getAttribute('data-kind') ?? '', name: i.getAttribute('data-name') ?? '', text: (i as HTMLElement).innerText })),
    );
  }

  /** The header row's elements that Tab stops at. */
  get headerTabStops(): Locator {
    return this.page.getByTestId('fleet-header-row').locator('[tabindex="0"]');
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('fleet-search').fill(text);
  }

  /**
   * Types into the search box from inside the page and returns how many ms
   * passed until the table held `rows` rows: the renderer's own latency,
   * without the test process's round trips (which share a busy machine).
   */
  async timedSearch(text: string, rows: number): Promise<number> {
    return this.page.evaluate(
      async ({ text, rows }) => {
        const input = document.querySelector<HTMLInputElement>('[data-testid="fleet-search"]')!;
        const table = () => document.querySelector('[data-testid="fleet-table"]');
        const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        const started = performance.now();
        setValue.call(input, text); // as typing does, so React sees an input event
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise<void>((resolve, reject) => {
          const give = setTimeout(() => reject(new Error(`the table did not show ${rows} rows for "${text}"`)), 10_000);
          const check = () => {
            if (table()?.getAttribute('data-row-count') === String(rows)) {
              clearTimeout(give);
              resolve();
            } else requestAnimationFrame(check);
          };
          check();
        });
        return performance.now() - started;
      },
      { text, rows },
    );
  }

  get searchProblem(): Locator {
    return this.page.getByTestId('search-problem');
  }

  async sortBy(column: string): Promise<void> {
    await this.page.getByTestId(`sort-${column}`).click();
  }

  async sortState(column: string): Promise<string | null> {
    return this.page.getByTestId(`sort-${column}`).locator('xpath=..').getAttribute('aria-sort');
  }

  async toggleRoleFilter(role: string): Promise<void> {
    await this.page.getByTestId(`role-filter-${role}`).click();
  }

  async filterState(state: string): Promise<void> {
    await this.page.getByTestId('state-filter').selectOption(state);
  }

  async scrollTo(position: 'top' | 'bottom'): Promise<void> {
    await this.table.evaluate((el, pos) => {
      el.scrollTop = pos === 'top' ? 0 : el.scrollHeight;
    }, position);
    await this.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  }

  /** Scrolls through the table in `steps` frames and returns each frame's duration in ms (measured in the page). */
  async scrollFrameTimes(steps = 60, pixelsPerFrame = 150): Promise<number[]> {
    return this.table.evaluate(
      async (el, { steps, pixelsPerFrame }) => {
        const frames: number[] = [];
        let last = performance.now();
        for (let i = 0; i < steps; i++) {
          el.scrollTop += pixelsPerFrame;
          await new Promise((r) => requestAnimationFrame(r));
          const now = performance.now();
          frames.push(now - last);
          last = now;
        }
        return frames;
      },
      { steps, pixelsPerFrame },
    );
  }

  async select(name: string): Promise<void> {
    await this.cell(name, 'name').click();
    await this.detail.waitFor();
  }

  get detail(): Locator {
    return this.page.getByTestId('cluster-detail');
  }

  async tick(name: string): Promise<void> {
    await this.row(name).getByTestId('row-check').check();
  }

  /** Removes the ticked clusters through the confirmation dialog. */
  async removeTicked(): Promise<void> {
    await this.page.getByTestId('remove-checked').click();
    await this.page.getByTestId('remove-dialog').waitFor();
    await this.page.getByTestId('remove-dialog-confirm').click();
    await this.page.getByTestId('remove-dialog').waitFor({ state: 'hidden' });
  }

  get removeDialog(): Locator {
    return this.page.getByTestId('remove-dialog');
  }
}
