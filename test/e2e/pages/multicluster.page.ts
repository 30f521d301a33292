/**
 * The Multi-cluster screen of a primary: the primary picker, the views'
 * tabs, its Cluster objects with their labels (the editor and its diff),
 * disconnect (normal or forced) and demote. The other views have their own
 * page objects: tokens.page.ts, join.page.ts (JoinManyPage),
 * permissions.page.ts.
 */
import type { Locator, Page } from 'playwright-core';
import { OperationDialog } from './operation-dialog.page.js';

export type McView = 'clusters' | 'tokens' | 'join' | 'permissions';

export interface ShownMcCluster {
  name: string;
  type: string;
  deleting: boolean;
  /** Editable labels as key → value (the read-only cluster-type label apart). */
  labels: Record<string, string>;
  readOnlyLabels: string[];
  connection: string;
}

export class MulticlusterPage {
  readonly disconnectDialog: DisconnectDialog;
  readonly demoteDialog: OperationDialog;

  constructor(private readonly page: Page) {
    this.disconnectDialog = new DisconnectDialog(page);
    this.demoteDialog = new OperationDialog(page, 'demote-dialog');
  }

  get root(): Locator {
    return this.page.getByTestId('multicluster-screen');
  }

  /** The primary shown (its name in Flotilla), from the screen's data attribute. */
  async primary(): Promise<string | null> {
    return this.root.getAttribute('data-primary');
  }

  async view(): Promise<string | null> {
    return this.root.getAttribute('data-view');
  }

  /** With several primaries: chooses one by its fleet name. */
  async choosePrimary(name: string): Promise<void> {
    await this.page.getByTestId('mc-primary-select').selectOption({ label: name }).catch(async () => {
      // Labels carry the Kasten name in brackets when it differs: match the start.
      const options = await this.page.getByTestId('mc-primary-select').locator('option').allInnerTexts();
      const label = options.find((o) => o === name || o.startsWith(`${name} (`));
      if (!label) throw new Error(`no primary ${name} among ${options.join(', ')}`);
      await this.page.getByTestId('mc-primary-select').selectOption({ label });
    });
    await this.page.locator(`[data-testid="multicluster-screen"][data-primary="${name}"]`).waitFor();
  }

  /** "No primary in the fleet" and its Promote buttons. */
  get noPrimary(): Locator {
    return this.page.getByTestId('mc-no-primary');
  }

  async promoteFromEmpty(name: string): Promise<void> {
    await this.page.locator(`[data-testid="mc-promote"][data-name="${name}"]`).click();
  }

  tab(view: McView): Locator {
    return this.page.getByTestId(`mc-tab-${view}`);
  }

  async openView(view: McView): Promise<void> {
    await this.tab(view).click();
    await this.page.getByTestId(`mc-view-${view}`).waitFor();
  }

  async openAuditForPrimary(): Promise<void> {
    await this.page.getByTestId('mc-audit').click();
  }

  async openDemote(): Promise<OperationDialog> {
    await this.page.getByTestId('mc-demote').click();
    await this.demoteDialog.waitOpen();
    return this.demoteDialog;
  }

  // Clusters and labels --------------------------------------------------------

  get clustersTable(): Locator {
    return this.page.getByTestId('mc-clusters-table');
  }

  async waitClusters(timeout = 30_000): Promise<void> {
    await this.clustersTable.or(this.page.getByTestId('mc-clusters-error')).first().waitFor({ timeout });
  }

  async refreshClusters(): Promise<void> {
    await this.page.getByTestId('mc-clusters-refresh').click();
  }

  clusterRow(name: string): Locator {
    return this.page.locator(`[data-testid="mc-cluster-row"][data-name="${name}"]`);
  }

  async clusterNames(): Promise<string[]> {
    return this.page.getByTestId('mc-cluster-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
  }

  /** Waits until the Cluster objects are exactly these names (in any order). */
  async waitClusterNames(names: string[], timeout = 60_000): Promise<void> {
    const want = [...names].sort().join(',');
    await this.page.waitForFunction(
      (w) => [...document.querySelectorAll('[data-testid="mc-cluster-row"]')].map((r) => r.getAttribute('data-name')).sort().join(',') === w,
      want,
      { timeout },
    );
  }

  async readCluster(name: string): Promise<ShownMcCluster> {
    const row = this.clusterRow(name);
    const labels: Record<string, string> = {};
    for (const chip of await row.getByTestId('label-chip').all()) labels[(await chip.getAttribute('data-key')) ?? ''] = (await chip.getAttribute('data-value')) ?? '';
    const readOnlyLabels = await row.getByTestId('label-readonly').evaluateAll((chips) => chips.map((c) => c.textContent?.trim() ?? ''));
    return {
      name,
      type: (await row.getAttribute('data-type')) ?? '',
      deleting: (await row.getAttribute('data-deleting')) === 'true',
      labels,
      readOnlyLabels,
      connection: (await row.getByTestId('mc-cluster-connection').innerText()).trim(),
    };
  }

  /** Opens the label editor of one Cluster object. */
  async editLabels(name: string): Promise<LabelEditor> {
    await this.clusterRow(name).getByTestId('mc-labels-edit').click();
    const editor = new LabelEditor(this.page, name);
    await editor.root.waitFor();
    return editor;
  }

  async openDisconnect(name: string): Promise<DisconnectDialog> {
    await this.clusterRow(name).getByTestId('mc-disconnect').click();
    await this.disconnectDialog.waitOpen();
    return this.disconnectDialog;
  }
}

export class LabelEditor {
  constructor(
    private readonly page: Page,
    readonly clusterName: string,
  ) {}

  get root(): Locator {
    return this.page.locator(`[data-testid="label-editor"][data-cluster="${this.clusterName}"]`);
  }

  /** Types a key and value and presses Add (an existing key takes the new value). */
  async add(key: string, value: string): Promise<void> {
    await this.root.getByTestId('label-key').fill(key);
    await this.root.getByTestId('label-value').fill(value);
    await this.root.getByTestId('label-add').click();
  }

  async remove(key: string): Promise<void> {
    await this.root.locator(`[data-testid="label-remove"][data-key="${key}"]`).click();
  }

  /** Problems with the key and value typed (before Add). */
  async problems(): Promise<string[]> {
    return this.root.getByTestId('label-problem').allInnerTexts();
  }

  /** The change as a diff: "+ env=prod", "- region=eu". */
  async diff(): Promise<string[]> {
    return (await this.root.getByTestId('label-diff-line').allInnerTexts()).map((l) => l.trim());
  }

  /** Keys that cannot be edited (K10's cluster-type). */
  async readOnlyKeys(): Promise<string[]> {
    return this.root.getByTestId('label-readonly').evaluateAll((chips) => chips.map((c) => c.getAttribute('data-key') ?? ''));
  }

  get saveButton(): Locator {
    return this.root.getByTestId('label-save');
  }

  /** Saves; resolves 'saved' when the editor closes, or 'refused' with main's error shown beside it. */
  async save(timeout = 30_000): Promise<'saved' | 'refused'> {
    await this.saveButton.click();
    await this.root.waitFor({ state: 'hidden', timeout }).catch(() => undefined);
    return (await this.root.isVisible()) ? 'refused' : 'saved';
  }

  async error(): Promise<string> {
    return this.root.getByTestId('label-error').innerText();
  }

  async cancel(): Promise<void> {
    await this.root.getByTestId('label-cancel').click();
  }
}

export class DisconnectDialog extends OperationDialog {
  constructor(private readonly p: Page) {
    super(p, 'disconnect-dialog');
  }

  /** Ticks or unticks "Forced (the secondary is unreachable)". */
  async setForced(forced: boolean): Promise<void> {
    await this.p.getByTestId('disconnect-force').setChecked(forced);
  }

  /** When forced: the fleet row chosen automatically (McCluster.clusterId), or null when a select is offered instead. */
  async autoSecondary(): Promise<string | null> {
    const auto = this.p.getByTestId('disconnect-secondary-auto');
    return (await auto.isVisible()) ? auto.innerText() : null;
  }

  /** When forced without an automatic match: chooses the secondary's fleet row by name ('' for none). */
  async chooseSecondary(name: string): Promise<void> {
    const select = this.p.getByTestId('disconnect-secondary');
    if (name === '') return void (await select.selectOption(''));
    const options = await select.locator('option').allInnerTexts();
    const label = options.find((o) => o === name || o.startsWith(`${name} (`));
    if (!label) throw new Error(`no fleet row ${name} to choose`);
    await select.selectOption({ label });
  }
}
