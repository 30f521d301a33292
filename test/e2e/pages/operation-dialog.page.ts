/**
 * A confirmation that then shows its operation's steps live
 * (renderer/components/operation-dialog.tsx): disconnect, demote, start
 * over. Its test ids are `<id>`, `<id>-confirm`, `<id>-cancel`,
 * `<id>-close`, `<id>-steps`, `<id>-error`, `<id>-done`.
 */
import type { Locator, Page } from 'playwright-core';

export interface ShownStep {
  step: string;
  state: string;
  text: string;
}

/** The steps of a step list (`data-testid="step"`, `data-state`). */
export async function readSteps(list: Locator): Promise<ShownStep[]> {
  return list.getByTestId('step').evaluateAll((items) =>
    items.map((i) => ({
      step: i.querySelector('.step-name')?.textContent ?? '',
      state: i.getAttribute('data-state') ?? '',
      text: (i as HTMLElement).innerText,
    })),
  );
}

export class OperationDialog {
  constructor(
    private readonly page: Page,
    readonly testId: string,
  ) {}

  get root(): Locator {
    return this.page.getByTestId(this.testId);
  }

  async waitOpen(): Promise<void> {
    await this.root.waitFor({ state: 'visible' });
  }

  async isOpen(): Promise<boolean> {
    return this.root.isVisible();
  }

  get confirmButton(): Locator {
    return this.page.getByTestId(`${this.testId}-confirm`);
  }

  async confirm(): Promise<void> {
    await this.confirmButton.click();
  }

  async cancel(): Promise<void> {
    await this.page.getByTestId(`${this.testId}-cancel`).click();
    await this.root.waitFor({ state: 'hidden' });
  }

  /** Waits until the run has ended (the Close button shows) and returns 'done' or 'failed'. */
  async waitFinished(timeout = 120_000): Promise<'done' | 'failed'> {
    await this.page.getByTestId(`${this.testId}-close`).waitFor({ timeout });
    return (await this.page.getByTestId(`${this.testId}-error`).isVisible()) ? 'failed' : 'done';
  }

  async close(): Promise<void> {
    await this.page.getByTestId(`${this.testId}-close`).click();
    await this.root.waitFor({ state: 'hidden' });
  }

  async steps(): Promise<ShownStep[]> {
    return readSteps(this.page.getByTestId(`${this.testId}-steps`));
  }

  async errorText(): Promise<string> {
    return this.page.getByTestId(`${this.testId}-error`).innerText();
  }

  async text(): Promise<string> {
    return this.root.innerText();
  }
}
