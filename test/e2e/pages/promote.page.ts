/**
 * Promote a cluster to primary: name and ingress (pre-filled from the
 * plan, checked live), the reachability warning, the YAML and Helm views
 * with their Copy, the refusal, the steps and the result.
 */
import type { Locator, Page } from 'playwright-core';
import { readSteps, type ShownStep } from './operation-dialog.page.js';

export class PromotePage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('promote-screen');
  }

  /** Waits for the plan: the name field filled, or the refusal, or the plan's error. */
  async waitReady(timeout = 30_000): Promise<void> {
    await this.root.waitFor({ timeout });
    await this.page
      .locator('[data-testid="promote-refusal"], [data-testid="promote-plan-error"], [data-testid="promote-name"]')
      .first()
      .waitFor({ timeout });
    await this.page.waitForFunction(
      () => {
        const name = document.querySelector<HTMLInputElement>('[data-testid="promote-name"]');
        return !!document.querySelector('[data-testid="promote-plan-error"]') || !!(name && name.value);
      },
      null,
      { timeout },
    );
  }

  /** 'editing', 'running', 'done' or 'failed'. */
  async state(): Promise<string | null> {
    return this.root.getAttribute('data-state');
  }

  get nameInput(): Locator {
    return this.page.getByTestId('promote-name');
  }

  get urlInput(): Locator {
    return this.page.getByTestId('promote-url');
  }

  async name(): Promise<string> {
    return this.nameInput.inputValue();
  }

  async url(): Promise<string> {
    return this.urlInput.inputValue();
  }

  async setName(name: string): Promise<void> {
    await this.nameInput.fill(name);
  }

  async setUrl(url: string): Promise<void> {
    await this.urlInput.fill(url);
  }

  /** "Found in Ingress kasten-io/…" under the URL. */
  async urlSource(): Promise<string> {
    return this.page.getByTestId('promote-url-source').innerText();
  }

  /** The reachability check: its state ('checking', 'reachable', 'unreachable', 'unknown') and text, or null when none shows. */
  async urlCheck(): Promise<{ state: string; text: string } | null> {
    const el = this.page.getByTestId('promote-url-check');
    if (!(await el.isVisible())) return null;
    return { state: (await el.getAttribute('data-state')) ?? '', text: await el.innerText() };
  }

  /** Waits until the check for the URL in the field has answered. */
  async waitUrlChecked(timeout = 30_000): Promise<{ state: string; text: string }> {
    const el = this.page.locator('[data-testid="promote-url-check"]:not([data-state="checking"])');
    await el.waitFor({ timeout });
    return { state: (await el.getAttribute('data-state')) ?? '', text: await el.innerText() };
  }

  /** The problems main found with the name and URL (empty when none). */
  async problems(): Promise<string[]> {
    return this.page.getByTestId('promote-problem').allInnerTexts();
  }

  /** Waits until main's problems are `count` (render is debounced). */
  async waitProblems(count: number, timeout = 10_000): Promise<string[]> {
    await this.page.waitForFunction((n) => document.querySelectorAll('[data-testid="promote-problem"]').length === n, count, { timeout });
    return this.problems();
  }

  get refusal(): Locator {
    return this.page.getByTestId('promote-refusal');
  }

  get runButton(): Locator {
    return this.page.getByTestId('promote-run');
  }

  /** Shows the manifests ('yaml') or the Helm flags ('helm') and returns the text. */
  async show(view: 'yaml' | 'helm'): Promise<string> {
    const button = this.page.getByTestId(view === 'yaml' ? 'promote-show-yaml' : 'promote-show-helm');
    if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
    return this.page.getByTestId('promote-code-text').innerText();
  }

  /** Presses Copy on the code view; returns 'copied' or 'selected' (the clipboard refused: the text is selected). */
  async copyCode(): Promise<string | null> {
    await this.page.getByTestId('promote-code-copy').click();
    const note = this.page.locator('[data-testid="promote-code-copy-note"]:not([data-state="idle"])');
    await note.waitFor();
    return note.getAttribute('data-state');
  }

  /** Promotes and waits for the result or the error. */
  async promote(timeout = 90_000): Promise<'done' | 'failed'> {
    await this.runButton.click();
    await this.page.locator('[data-testid="promote-result"], [data-testid="promote-error"]').first().waitFor({ timeout });
    return (await this.page.getByTestId('promote-result').isVisible()) ? 'done' : 'failed';
  }

  async steps(): Promise<ShownStep[]> {
    return readSteps(this.page.getByTestId('promote-steps'));
  }

  get result(): Locator {
    return this.page.getByTestId('promote-result');
  }

  get error(): Locator {
    return this.page.getByTestId('promote-error');
  }

  get warning(): Locator {
    return this.page.getByTestId('promote-warning');
  }

  /** From the result: to the new primary's tokens, or to one-click join. */
  async openTokens(): Promise<void> {
    await this.page.getByTestId('promote-open-tokens').click();
  }

  async openJoinClusters(): Promise<void> {
    await this.page.getByTestId('promote-open-join').click();
  }
}
