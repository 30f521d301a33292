/**
 * "Show as YAML" under the Profiles, Policies and Distributions lists
 * (renderer/components/resource-yaml.tsx): the redacted YAML, "Reveal
 * secret values" with its confirmation, the revealed YAML and its
 * countdown, Hide and Close.
 */
import type { Locator, Page } from 'playwright-core';

export class ResourceYamlPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('resource-yaml');
  }

  /** Waits until the YAML of `kind` `name` is shown (redacted). */
  async waitShown(kind: 'Profile' | 'Policy' | 'Distribution', name: string, timeout = 30_000): Promise<void> {
    await this.page.locator(`[data-testid="resource-yaml"][data-kind="${kind}"][data-name="${name}"]`).waitFor({ timeout });
    await this.page.getByTestId('resource-yaml-code-text').or(this.page.getByTestId('resource-yaml-error')).first().waitFor({ timeout });
  }

  /** The redacted YAML as shown. */
  async text(): Promise<string> {
    return this.page.getByTestId('resource-yaml-code-text').innerText();
  }

  async isRevealed(): Promise<boolean> {
    return (await this.root.getAttribute('data-revealed')) === 'true';
  }

  /** Ticks "Reveal secret values" and returns the confirmation's text (without confirming). */
  async askReveal(): Promise<string> {
    await this.page.getByTestId('resource-yaml-reveal').click();
    const dialog = this.page.getByTestId('resource-yaml-reveal-dialog');
    await dialog.waitFor();
    return dialog.innerText();
  }

  async confirmReveal(): Promise<void> {
    await this.page.getByTestId('resource-yaml-reveal-dialog-confirm').click();
    await this.revealedText.waitFor();
  }

  async cancelReveal(): Promise<void> {
    await this.page.getByTestId('resource-yaml-reveal-dialog-cancel').click();
    await this.page.getByTestId('resource-yaml-reveal-dialog').waitFor({ state: 'hidden' });
  }

  /** Reveals after confirming; returns the YAML with secret values. */
  async reveal(): Promise<string> {
    await this.askReveal();
    await this.confirmReveal();
    return this.revealedText.innerText();
  }

  get revealedText(): Locator {
    return this.page.getByTestId('resource-yaml-revealed');
  }

  /** Scrolls the revealed YAML to its end (the Secret's data) and into view, for a screenshot. */
  async scrollRevealedToEnd(): Promise<void> {
    await this.revealedText.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
      el.scrollIntoView({ block: 'end' });
    });
  }

  /** Seconds until the revealed YAML is masked, as the countdown shows. */
  async maskCountdown(): Promise<number> {
    return Number(await this.page.getByTestId('resource-yaml-countdown').getAttribute('data-seconds'));
  }

  async hide(): Promise<void> {
    await this.page.getByTestId('resource-yaml-hide').click();
    await this.revealedText.waitFor({ state: 'detached' });
  }

  async close(): Promise<void> {
    await this.page.getByTestId('resource-yaml-close').click();
    await this.root.waitFor({ state: 'detached' });
  }
}
