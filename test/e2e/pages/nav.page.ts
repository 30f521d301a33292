/**
 * Getting around the multi-cluster workflows: the header's screens (Fleet,
 * Multi-cluster, Audit log), a fleet row's action menu, the detail panel's
 * actions and the facts it shows apart (reachable from here, member of
 * which primary, join state), and the dialogs the fleet opens (Start over,
 * Demote).
 */
import type { Locator, Page } from 'playwright-core';
import { OperationDialog } from './operation-dialog.page.js';

export type AppScreen = 'loading' | 'welcome' | 'fleet' | 'import' | 'multicluster' | 'promote' | 'join' | 'audit';
export type NavTarget = 'fleet' | 'multicluster' | 'audit';

/** The actions a fleet row offers (renderer/features/fleet/cluster-actions.ts). */
export type ClusterAction =
  | 'start-over'
  | 'promote'
  | 'join'
  | 'mc-clusters'
  | 'tokens'
  | 'join-clusters'
  | 'permissions'
  | 'disconnect'
  | 'demote'
  | 'open-primary'
  | 'audit';

export interface DetailFacts {
  role: string;
  memberOf: string;
  joinState: string;
  reachable: string;
}

export class NavPage {
  /** "Start over" from the fleet: removes a rejected join's objects. */
  readonly startOverDialog: OperationDialog;
  /** "Demote" from the fleet or the Multi-cluster screen. */
  readonly demoteDialog: OperationDialog;

  constructor(private readonly page: Page) {
    this.startOverDialog = new OperationDialog(page, 'start-over-dialog');
    this.demoteDialog = new OperationDialog(page, 'demote-dialog');
  }

  async screen(): Promise<string | null> {
    return this.page.locator('.app').getAttribute('data-screen');
  }

  async waitForScreen(screen: AppScreen, timeout = 30_000): Promise<void> {
    await this.page.locator(`.app[data-screen="${screen}"]`).waitFor({ timeout });
  }

  navItem(target: NavTarget): Locator {
    return this.page.getByTestId(`nav-${target}`);
  }

  /** Goes to a screen from the header; resolves once it shows. */
  async go(target: NavTarget): Promise<void> {
    await this.navItem(target).click();
    await this.waitForScreen(target);
  }

  /** Which header tab is current ('fleet', 'multicluster' for promote and join too, 'audit'). */
  async currentNav(): Promise<string | null> {
    const current = this.page.locator('[data-testid^="nav-"][aria-current="page"]');
    return (await current.count()) ? ((await current.getAttribute('data-testid'))?.replace(/^nav-/, '') ?? null) : null;
  }

  /** A workflow screen's "← Fleet". */
  async back(): Promise<void> {
    await this.page.getByTestId('screen-back').click();
  }

  // Fleet row menus ------------------------------------------------------------

  private row(name: string): Locator {
    return this.page.locator(`[data-testid="fleet-row"][data-name="${name}"]`);
  }

  /** The actions a row's menu offers, in order. */
  async rowActions(name: string): Promise<ClusterAction[]> {
    await this.openRowMenu(name);
    const ids = await this.page
      .locator('[data-testid="row-actions-menu"]:popover-open [data-testid^="row-action-"]')
      .evaluateAll((items) => items.map((i) => (i.getAttribute('data-testid') ?? '').replace(/^row-action-/, '')));
    await this.page.keyboard.press('Escape');
    return ids as ClusterAction[];
  }

  async openRowMenu(name: string): Promise<void> {
    await this.row(name).getByTestId('row-actions').click();
    await this.page.locator('[data-testid="row-actions-menu"]:popover-open').waitFor();
  }

  /** Chooses an action in a row's menu. */
  async rowAction(name: string, action: ClusterAction): Promise<void> {
    await this.openRowMenu(name);
    await this.page.locator(`[data-testid="row-actions-menu"]:popover-open [data-testid="row-action-${action}"]`).click();
  }

  /** Opens the current row's menu from the keyboard (the table focused, Enter). */
  async openRowMenuWithKeyboard(): Promise<void> {
    await this.page.getByTestId('fleet-table').focus();
    await this.page.keyboard.press('Enter');
    await this.page.locator('[data-testid="row-actions-menu"]:popover-open').waitFor();
  }

  /** Row facts as data attributes: join state, and for a secondary its primary's name. */
  async rowFacts(name: string): Promise<{ role: string | null; joinState: string | null; primary: string | null; reachability: string | null }> {
    const row = this.row(name);
    return {
      role: await row.getAttribute('data-role'),
      joinState: await row.getAttribute('data-join-state'),
      primary: await row.getAttribute('data-primary'),
      reachability: await row.getAttribute('data-reachability'),
    };
  }

  /** The "Member of" cell of a row. */
  memberOfCell(name: string): Locator {
    return this.row(name).getByTestId('cell-primary');
  }

  // Detail panel ---------------------------------------------------------------

  get detail(): Locator {
    return this.page.getByTestId('cluster-detail');
  }

  detailAction(action: ClusterAction): Locator {
    return this.detail.getByTestId(`action-${action}`);
  }

  /** The multi-cluster actions the detail panel offers, in order (the audit log button is always there and left out). */
  async detailActions(): Promise<ClusterAction[]> {
    const ids = await this.detail
      .getByTestId('detail-mc-actions')
      .locator('[data-testid^="action-"]')
      .evaluateAll((items) => items.map((i) => (i.getAttribute('data-testid') ?? '').replace(/^action-/, '')));
    return ids as ClusterAction[];
  }

  async chooseDetailAction(action: ClusterAction): Promise<void> {
    await this.detailAction(action).click();
  }

  /** Role, member of, join state and reachability, as the detail panel shows them apart. */
  async detailFacts(): Promise<DetailFacts> {
    const value = async (testId: string) => (await this.detail.getByTestId(testId).locator('dd').innerText()).trim();
    return {
      role: await value('detail-role'),
      memberOf: await value('detail-member-of'),
      joinState: await value('detail-join-state'),
      reachable: await value('detail-reachability'),
    };
  }

  async openPrimaryFromDetail(): Promise<void> {
    await this.detail.getByTestId('detail-open-primary').click();
    await this.waitForScreen('multicluster');
  }
}
