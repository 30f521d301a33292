/**
 * Global policies on the Multi-cluster screen's Policies tab: the list, the
 * form (frequency preset or cron, retention per period, export to a global
 * profile, the application selector typed or built term by term, paused),
 * delete, and the YAML panel.
 */
import type { Locator, Page } from 'playwright-core';
import { ResourceYamlPage } from './resource-yaml.page.js';
import { SelectorEditorPart } from './selector-editor.part.js';

export type Period = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';

export interface PolicyFormInput {
  name?: string;
  /** A preset ('@daily') or a cron expression. */
  frequency?: string;
  retention?: Partial<Record<Period, number | ''>>;
  /** A global profile's name, or '' for no export. */
  exportProfile?: string;
  selector?: string;
  paused?: boolean;
}

export interface ShownPolicy {
  name: string;
  frequency: string;
  retention: string;
  actions: string;
  usedBy: string[];
  paused: boolean;
}

export class PoliciesPage {
  readonly yaml: ResourceYamlPage;

  constructor(private readonly page: Page) {
    this.yaml = new ResourceYamlPage(page);
  }

  get root(): Locator {
    return this.page.getByTestId('policies-view');
  }

  async open(timeout = 30_000): Promise<void> {
    await this.page.getByTestId('mc-tab-policies').click();
    await this.root.waitFor();
    await this.page.locator('[data-testid="policies-table"], [data-testid="policies-empty"], [data-testid="policies-error"]').first().waitFor({ timeout });
  }

  row(name: string): Locator {
    return this.page.locator(`[data-testid="policy-row"][data-name="${name}"]`);
  }

  async read(name: string): Promise<ShownPolicy> {
    const row = this.row(name);
    const text = async (id: string) => (await row.getByTestId(id).innerText()).trim();
    const usedBy = (await row.getByTestId('policy-used-by').getAttribute('data-distributions')) ?? '';
    return {
      name,
      frequency: await text('policy-frequency-cell'),
      retention: await text('policy-retention-cell'),
      actions: await text('policy-actions-cell'),
      usedBy: usedBy ? usedBy.split(',') : [],
      paused: (await row.getAttribute('data-paused')) === 'true',
    };
  }

  get form(): Locator {
    return this.page.getByTestId('policy-form');
  }

  /** The form's application selector. */
  get selector(): SelectorEditorPart {
    return new SelectorEditorPart(this.form, 'policy-selector');
  }

  async startNew(): Promise<void> {
    await this.page.getByTestId('policy-new').click();
    await this.form.waitFor();
  }

  async startEdit(name: string): Promise<void> {
    await this.row(name).getByTestId('policy-edit').click();
    await this.page.locator(`[data-testid="policy-form"][data-name="${name}"]`).waitFor();
  }

  async fill(input: PolicyFormInput): Promise<void> {
    const f = this.form;
    if (input.name !== undefined) await f.getByTestId('policy-name').fill(input.name);
    if (input.frequency !== undefined) {
      if (input.frequency.startsWith('@')) await f.getByTestId('policy-frequency').selectOption(input.frequency);
      else {
        await f.getByTestId('policy-frequency').selectOption('custom');
        await f.getByTestId('policy-cron').fill(input.frequency);
      }
    }
    for (const [period, n] of Object.entries(input.retention ?? {})) await f.getByTestId(`policy-retention-${period}`).fill(String(n));
    if (input.exportProfile !== undefined) {
      await f.getByTestId('policy-export').setChecked(input.exportProfile !== '');
      if (input.exportProfile) await f.getByTestId('policy-export-profile').selectOption(input.exportProfile);
    }
    if (input.selector !== undefined) await this.selector.type(input.selector);
    if (input.paused !== undefined) await f.getByTestId('policy-paused').setChecked(input.paused);
  }

  async save(timeout = 30_000): Promise<'saved' | 'refused'> {
    const before = Number(await this.form.getAttribute('data-refusals'));
    await this.form.getByTestId('policy-save').click();
    const refused = this.page.locator(`[data-testid="policy-form"][data-refusals="${before + 1}"]`);
    await this.page.getByTestId('policy-saved').or(refused).first().waitFor({ timeout });
    return (await refused.isVisible()) ? 'refused' : 'saved';
  }

  async fieldErrors(): Promise<Record<string, string>> {
    const entries = await this.form.getByTestId('policy-field-error').evaluateAll((els) => els.map((e) => [e.getAttribute('data-field') ?? '', (e as HTMLElement).innerText.trim()] as const));
    return Object.fromEntries(entries);
  }

  async cancel(): Promise<void> {
    await this.form.getByTestId('policy-cancel').click();
    await this.form.waitFor({ state: 'detached' });
  }

  async openYaml(name: string): Promise<ResourceYamlPage> {
    await this.row(name).getByTestId('policy-yaml').click();
    await this.yaml.waitShown('Policy', name);
    return this.yaml;
  }

  async delete(name: string): Promise<string | null> {
    await this.row(name).getByTestId('policy-delete').click();
    const dialog = this.page.getByTestId('policy-delete-dialog');
    await dialog.waitFor();
    await this.page.getByTestId('policy-delete-dialog-confirm').click();
    const error = this.page.getByTestId('policy-delete-error');
    await Promise.race([dialog.waitFor({ state: 'hidden' }), error.waitFor()]);
    if (await error.isVisible()) {
      const text = await error.innerText();
      await this.page.getByTestId('policy-delete-dialog-cancel').click();
      return text;
    }
    return null;
  }
}
