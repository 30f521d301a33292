/**
 * Distributions on the Multi-cluster screen's Distributions tab (the list of
 * cards with each target's state and differences, Force sync, delete and
 * what it says of the copies, the YAML panel) and the editor with its live
 * preview (which clusters the targets select, the clusters an edit would
 * drop, overlaps with other distributions); and the Status tab, the same
 * states by cluster and by global resource.
 */
import type { Locator, Page } from 'playwright-core';
import { ResourceYamlPage } from './resource-yaml.page.js';
import { SelectorEditorPart } from './selector-editor.part.js';

export type SyncState = 'synced' | 'syncing' | 'missing' | 'modified' | 'failed' | 'unreachable';

export interface ShownDiff {
  path: string;
  expected: string;
  actual: string;
}

export interface ShownOverlap {
  resource: string;
  distributions: string[];
  clusters: string[];
}

const list = (s: string | null) => (s ? s.split(',') : []);

export class DistributionEditorPart {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('distribution-editor');
  }

  async setName(name: string): Promise<void> {
    await this.root.getByTestId('distribution-name').fill(name);
  }

  async nameEditable(): Promise<boolean> {
    return this.root.getByTestId('distribution-name').isEditable();
  }

  target(index: number): Locator {
    return this.root.locator(`[data-testid="distribution-target"][data-index="${index}"]`);
  }

  async targetCount(): Promise<number> {
    return this.root.getByTestId('distribution-target').count();
  }

  /** The selector editor of the index-th target (a selector entry). */
  selector(index: number): SelectorEditorPart {
    return new SelectorEditorPart(this.target(index), 'distribution-target-selector');
  }

  /** Adds a label selector entry and types its text; returns its index. */
  async addSelector(text: string): Promise<number> {
    const index = await this.targetCount();
    await this.root.getByTestId('distribution-add-selector').click();
    await this.selector(index).type(text);
    return index;
  }

  /** Adds a cluster-by-name entry; returns its index. */
  async addCluster(name: string): Promise<number> {
    const index = await this.targetCount();
    await this.root.getByTestId('distribution-add-name').click();
    await this.target(index).getByTestId('distribution-target-name').selectOption(name);
    return index;
  }

  /** The `key=value` pairs the editor offers from the Cluster objects' labels. */
  async labelPicks(): Promise<string[]> {
    return this.root.getByTestId('distribution-label-pick').evaluateAll((els) => els.map((e) => e.getAttribute('data-selector') ?? ''));
  }

  /** Adds a selector entry from a label pair the editor offers. */
  async pickLabel(pair: string): Promise<void> {
    await this.root.locator(`[data-testid="distribution-label-pick"][data-selector="${pair}"]`).click();
  }

  async removeTarget(index: number): Promise<void> {
    await this.target(index).getByTestId('distribution-target-remove').click();
  }

  /** What one entry selects now, by the preview. */
  async targetSelects(index: number): Promise<string[]> {
    return list(await this.target(index).getAttribute('data-selected'));
  }

  async setSource(kind: 'Profile' | 'Policy', name: string, on = true): Promise<void> {
    await this.root.locator(`[data-testid="distribution-source"][data-kind="${kind}"][data-name="${name}"]`).setChecked(on);
  }

  async secretNote(): Promise<string> {
    return this.root.getByTestId('distribution-secret-note').innerText();
  }

  /** The clusters the live preview lists. */
  async previewClusters(): Promise<string[]> {
    return this.root.getByTestId('distribution-preview-cluster').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
  }

  /** Waits until the live preview lists exactly these clusters. */
  async waitPreview(clusters: string[], timeout = 5_000): Promise<void> {
    const want = [...clusters].sort().join(',');
    await this.page.locator(`[data-testid="distribution-preview"][data-selected="${want}"]`).waitFor({ timeout });
  }

  /** The clusters the dropped-clusters warning names, or null when there is none. */
  async droppedWarning(): Promise<{ clusters: string[]; text: string } | null> {
    const w = this.root.getByTestId('distribution-dropped-warning');
    if (!(await w.isVisible())) return null;
    return { clusters: list(await w.locator('[data-clusters]').getAttribute('data-clusters')), text: await w.innerText() };
  }

  async overlaps(): Promise<ShownOverlap[]> {
    return this.root.getByTestId('distribution-overlap').evaluateAll((els) =>
      els.map((e) => ({
        resource: e.getAttribute('data-resource') ?? '',
        distributions: (e.getAttribute('data-distributions') ?? '').split(',').filter(Boolean),
        clusters: (e.getAttribute('data-clusters') ?? '').split(',').filter(Boolean),
      })),
    );
  }

  async overlapText(): Promise<string> {
    return this.root.getByTestId('distribution-overlap-warning').innerText();
  }

  /** Saves; the clusters added and dropped as the result shows them, or 'refused' with the editor still open. */
  async save(timeout = 30_000): Promise<{ added: string[]; dropped: string[] } | 'refused'> {
    const before = Number(await this.root.getAttribute('data-refusals'));
    await this.root.getByTestId('distribution-save').click();
    const result = this.page.getByTestId('distribution-save-result');
    const refused = this.page.locator(`[data-testid="distribution-editor"][data-refusals="${before + 1}"]`);
    await result.or(refused).first().waitFor({ timeout });
    if (await refused.isVisible()) return 'refused';
    return { added: list(await result.getAttribute('data-added')), dropped: list(await result.getAttribute('data-dropped')) };
  }

  async saveLabel(): Promise<string> {
    return (await this.root.getByTestId('distribution-save').innerText()).trim();
  }

  async fieldErrors(): Promise<Record<string, string>> {
    const entries = await this.root.getByTestId('distribution-field-error').evaluateAll((els) => els.map((e) => [e.getAttribute('data-field') ?? '', (e as HTMLElement).innerText.trim()] as const));
    return Object.fromEntries(entries);
  }

  async cancel(): Promise<void> {
    await this.root.getByTestId('distribution-cancel').click();
    await this.root.waitFor({ state: 'detached' });
  }
}

export class DistributionsPage {
  readonly editor: DistributionEditorPart;
  readonly yaml: ResourceYamlPage;

  constructor(private readonly page: Page) {
    this.editor = new DistributionEditorPart(page);
    this.yaml = new ResourceYamlPage(page);
  }

  get root(): Locator {
    return this.page.getByTestId('distributions-view');
  }

  async open(timeout = 30_000): Promise<void> {
    await this.page.getByTestId('mc-tab-distributions').click();
    await this.root.waitFor();
    await this.page.locator('[data-testid="distribution-card"], [data-testid="distributions-empty"], [data-testid="distributions-error"]').first().waitFor({ timeout });
  }

  async startNew(): Promise<DistributionEditorPart> {
    await this.page.getByTestId('distribution-new').click();
    await this.editor.root.waitFor();
    return this.editor;
  }

  async startEdit(name: string): Promise<DistributionEditorPart> {
    await this.card(name).getByTestId('distribution-edit').click();
    await this.page.locator(`[data-testid="distribution-editor"][data-name="${name}"]`).waitFor();
    return this.editor;
  }

  card(name: string): Locator {
    return this.page.locator(`[data-testid="distribution-card"][data-name="${name}"]`);
  }

  async names(): Promise<string[]> {
    return this.page.getByTestId('distribution-card').evaluateAll((els) => els.map((e) => e.getAttribute('data-name') ?? ''));
  }

  /** The rolled-up state (the worst of its targets). */
  async state(name: string): Promise<string | null> {
    return this.card(name).getAttribute('data-state');
  }

  /** Each target's state, as the card shows it. */
  async clusterStates(name: string): Promise<Record<string, string>> {
    const rows = await this.card(name)
      .getByTestId('distribution-cluster')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-name') ?? '', e.getAttribute('data-state') ?? ''] as const));
    return Object.fromEntries(rows);
  }

  /** Waits (the view refreshes itself every 5 s) until the targets are in exactly these states. */
  async waitClusterStates(name: string, want: Record<string, SyncState>, timeout = 60_000): Promise<void> {
    const deadline = Date.now() + timeout;
    const wanted = JSON.stringify(Object.entries(want).sort());
    let last = '';
    while (Date.now() < deadline) {
      if (await this.card(name).isVisible()) {
        last = JSON.stringify(Object.entries(await this.clusterStates(name)).sort());
        if (last === wanted) return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`distribution ${name}: states ${last || '(no card)'} never became ${wanted} within ${timeout} ms`);
  }

  async clusterMessage(name: string, cluster: string): Promise<string> {
    const m = this.card(name).locator(`[data-testid="distribution-cluster"][data-name="${cluster}"] [data-testid="distribution-cluster-message"]`);
    return (await m.isVisible()) ? m.innerText() : '';
  }

  /** A Modified target's differences, field by field. */
  async diff(name: string, cluster: string): Promise<ShownDiff[]> {
    return this.card(name)
      .locator(`[data-testid="distribution-cluster"][data-name="${cluster}"] [data-testid="sync-diff-line"]`)
      .evaluateAll((els) => els.map((e) => ({ path: e.getAttribute('data-path') ?? '', expected: e.getAttribute('data-expected') ?? '', actual: e.getAttribute('data-actual') ?? '' })));
  }

  async forceSync(name: string): Promise<void> {
    const button = this.card(name).getByTestId('distribution-sync');
    await button.click();
    await this.page.waitForFunction((n) => !document.querySelector(`[data-testid="distribution-card"][data-name="${n}"] [data-testid="distribution-sync"]`)?.hasAttribute('disabled'), name);
  }

  async openYaml(name: string): Promise<ResourceYamlPage> {
    await this.card(name).getByTestId('distribution-yaml').click();
    await this.yaml.waitShown('Distribution', name);
    return this.yaml;
  }

  /** Opens the delete confirmation and returns its text (it says the copies stay on the clusters). */
  async askDelete(name: string): Promise<string> {
    await this.card(name).getByTestId('distribution-delete').click();
    const dialog = this.page.getByTestId('distribution-delete-dialog');
    await dialog.waitFor();
    return dialog.innerText();
  }

  /** Confirms the delete; the clusters the result says keep the copies. */
  async confirmDelete(timeout = 30_000): Promise<{ copiesKeptOn: string[]; text: string }> {
    await this.page.getByTestId('distribution-delete-dialog-confirm').click();
    const done = this.page.getByTestId('distribution-deleted');
    await done.waitFor({ timeout });
    return { copiesKeptOn: list(await done.locator('[data-copies]').getAttribute('data-copies')), text: await done.innerText() };
  }
}

export interface ShownHolding {
  resource: string;
  distribution: string;
  state: string;
}

export class StatusPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('status-view');
  }

  async open(timeout = 30_000): Promise<void> {
    await this.page.getByTestId('mc-tab-status').click();
    await this.root.waitFor();
    await this.page.locator('[data-testid="status-by-cluster"], [data-testid="status-error"]').first().waitFor({ timeout });
  }

  cluster(name: string): Locator {
    return this.page.locator(`[data-testid="status-cluster"][data-name="${name}"]`);
  }

  async clusterState(name: string): Promise<string | null> {
    return this.cluster(name).getAttribute('data-state');
  }

  /** What a cluster holds of the global resources. */
  async holdings(cluster: string): Promise<ShownHolding[]> {
    return this.cluster(cluster)
      .getByTestId('status-holding')
      .evaluateAll((els) => els.map((e) => ({ resource: e.getAttribute('data-resource') ?? '', distribution: e.getAttribute('data-distribution') ?? '', state: e.getAttribute('data-state') ?? '' })));
  }

  /** Where a global resource ("Profile x") is: cluster → state. */
  async placesOf(resource: string): Promise<Record<string, string>> {
    const rows = await this.page
      .locator(`[data-testid="status-resource"][data-resource="${resource}"] [data-testid="status-resource-cluster"]`)
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-cluster') ?? '', e.getAttribute('data-state') ?? ''] as const));
    return Object.fromEntries(rows);
  }
}
