/** The audit log: filters (cluster, action), the entries newest first, export to a file. */
import type { Locator, Page } from 'playwright-core';

export interface ShownAuditEntry {
  action: string;
  outcome: string;
  cluster: string;
  text: string;
}

export class AuditPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('audit-screen');
  }

  /** Waits until the log has been read (a table, the empty note, or an error). */
  async waitLoaded(timeout = 30_000): Promise<void> {
    await this.page.locator('[data-testid="audit-table"], [data-testid="audit-empty"], [data-testid="audit-error"]').first().waitFor({ timeout });
  }

  async filterCluster(name: string | ''): Promise<void> {
    await this.page.getByTestId('audit-filter-cluster').selectOption(name);
  }

  async filterAction(action: string | ''): Promise<void> {
    await this.page.getByTestId('audit-filter-action').selectOption(action);
  }

  async refresh(): Promise<void> {
    await this.page.getByTestId('audit-refresh').click();
  }

  /** The entries shown, newest first. */
  async entries(): Promise<ShownAuditEntry[]> {
    return this.page.getByTestId('audit-row').evaluateAll((rows) =>
      rows.map((r) => ({
        action: r.getAttribute('data-action') ?? '',
        outcome: r.getAttribute('data-outcome') ?? '',
        cluster: r.getAttribute('data-cluster') ?? '',
        text: (r as HTMLElement).innerText,
      })),
    );
  }

  /** Waits until an entry of this action (and outcome) shows. */
  async waitEntry(action: string, outcome?: string, timeout = 30_000): Promise<void> {
    const sel = `[data-testid="audit-row"][data-action="${action}"]${outcome ? `[data-outcome="${outcome}"]` : ''}`;
    await this.page.locator(sel).first().waitFor({ timeout });
  }

  async count(): Promise<number> {
    return Number(await this.page.getByTestId('audit-count').getAttribute('data-count'));
  }

  /** Exports to a typed path; returns the result's text, or throws with the error. */
  async exportTo(path: string): Promise<string> {
    await this.page.getByTestId('audit-export-path').fill(path);
    await this.page.getByTestId('audit-export').click();
    const result = this.page.getByTestId('audit-export-result');
    const error = this.page.getByTestId('audit-export-error');
    await result.or(error).first().waitFor();
    if (await error.isVisible()) throw new Error(`export failed: ${await error.innerText()}`);
    return result.innerText();
  }

  /** "Choose…": the save dialog; in the preview, the note saying to type a path. */
  async chooseExportFile(): Promise<string> {
    await this.page.getByTestId('audit-export-choose').click();
    const note = this.page.getByTestId('audit-export-note');
    await note.or(this.page.getByTestId('audit-export-result')).first().waitFor();
    return (await note.isVisible()) ? note.innerText() : '';
  }
}
