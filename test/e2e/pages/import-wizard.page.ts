/** The kubeconfig import wizard: source → review (problems, tests, names) → report. */
import type { Locator, Page } from 'playwright-core';

export interface ShownProblem {
  code: string;
  severity: string;
  message: string;
}

export interface ShownConnection {
  state: string;
  text: string;
}

export class ImportWizardPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('import-wizard');
  }

  async step(): Promise<string | null> {
    return this.root.getAttribute('data-step');
  }

  /** Chooses "Files" and types the paths (the preview has no file dialog). */
  async chooseFiles(paths: string[]): Promise<void> {
    await this.page.getByTestId('source-files').check();
    await this.page.getByTestId('import-paths').fill(paths.join('\n'));
  }

  async pasteText(text: string): Promise<void> {
    await this.page.getByTestId('source-text').check();
    await this.page.getByTestId('import-paste').fill(text);
  }

  /** Reads the source; resolves when the review step shows, or throws with the scan error. */
  async readContexts(): Promise<void> {
    await this.page.getByTestId('import-scan').click();
    const review = this.page.getByTestId('review-step');
    const error = this.page.getByTestId('scan-error');
    await review.or(error).first().waitFor({ timeout: 30_000 });
    if (await error.isVisible()) throw new Error(`scan failed: ${await error.innerText()}`);
  }

  get scanError(): Locator {
    return this.page.getByTestId('scan-error');
  }

  async fileReport(): Promise<{ ok: boolean; text: string }[]> {
    const items = this.page.getByTestId('file-report-item');
    const out: { ok: boolean; text: string }[] = [];
    for (const item of await items.all()) out.push({ ok: (await item.getAttribute('data-ok')) === 'true', text: await item.innerText() });
    return out;
  }

  candidate(contextName: string): Locator {
    return this.page.locator(`[data-testid="candidate-row"][data-context="${contextName}"]`);
  }

  async contextNames(): Promise<string[]> {
    return this.page.getByTestId('candidate-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-context') ?? ''));
  }

  async problems(contextName: string): Promise<ShownProblem[]> {
    return this.candidate(contextName)
      .getByTestId('problem')
      .evaluateAll((items) =>
        items.map((i) => ({ code: i.getAttribute('data-code') ?? '', severity: i.getAttribute('data-severity') ?? '', message: i.textContent ?? '' })),
      );
  }

  async isBlocked(contextName: string): Promise<boolean> {
    return (await this.candidate(contextName).getAttribute('data-blocked')) === 'true';
  }

  async isSelected(contextName: string): Promise<boolean> {
    return this.candidate(contextName).getByTestId('candidate-select').isChecked();
  }

  async rename(contextName: string, name: string): Promise<void> {
    await this.candidate(contextName).getByTestId('candidate-name').fill(name);
  }

  async testOne(contextName: string): Promise<ShownConnection> {
    await this.candidate(contextName).getByTestId('test-connection').click();
    return this.waitForConnection(contextName);
  }

  /** Tests every selected context and waits until each shows its result. */
  async testSelected(): Promise<void> {
    const selected: string[] = [];
    for (const name of await this.contextNames()) if (await this.isSelected(name)) selected.push(name);
    await this.page.getByTestId('test-selected').click();
    for (const name of selected) await this.waitForConnection(name);
  }

  async waitForConnection(contextName: string): Promise<ShownConnection> {
    const result = this.candidate(contextName).getByTestId('connection-result');
    await this.candidate(contextName).locator('[data-testid="connection-result"]:not([data-state="testing"]):not([data-state="untested"])').waitFor({ timeout: 60_000 });
    return { state: (await result.getAttribute('data-state')) ?? '', text: await result.innerText() };
  }

  async connection(contextName: string): Promise<ShownConnection> {
    const result = this.candidate(contextName).getByTestId('connection-result');
    return { state: (await result.getAttribute('data-state')) ?? '', text: await result.innerText() };
  }

  get importButton(): Locator {
    return this.page.getByTestId('import-submit');
  }

  /** Imports the selected contexts and waits for the report. */
  async importSelected(): Promise<void> {
    await this.importButton.click();
    await this.page.getByTestId('import-report').or(this.page.getByTestId('import-error')).first().waitFor({ timeout: 60_000 });
    const error = this.page.getByTestId('import-error');
    if (await error.isVisible()) throw new Error(`import failed: ${await error.innerText()}`);
  }

  /** How many clusters the report lists under imported, updated, skipped or failed. */
  async reportCount(group: 'imported' | 'updated' | 'skipped' | 'failed'): Promise<number> {
    return Number(await this.page.getByTestId(`report-${group}`).getAttribute('data-count'));
  }

  async showFleet(): Promise<void> {
    await this.page.getByTestId('import-done').click();
  }
}
