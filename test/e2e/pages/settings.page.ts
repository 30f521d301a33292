/** The settings screen: theme, probe interval, clipboard delay, file locations, About. */
import type { Locator, Page } from 'playwright-core';
import type { OpenPathTarget, Theme } from '../../../shared/contract/index.js';

export class SettingsPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('settings-screen');
  }

  get about(): Locator {
    return this.page.getByTestId('settings-about');
  }

  /** Opens Settings with the header's gear button, found by its accessible name. */
  async openFromHeader(): Promise<void> {
    await this.page.getByRole('button', { name: 'Settings', exact: true }).click();
    await this.root.waitFor();
  }

  async chooseTheme(theme: Theme): Promise<void> {
    await this.page.getByTestId(`settings-theme-${theme}`).check();
  }

  async theme(): Promise<Theme | null> {
    for (const t of ['system', 'light', 'dark'] as const) if (await this.page.getByTestId(`settings-theme-${t}`).isChecked()) return t;
    return null;
  }

  /** The theme applied to the page: <html data-theme>. */
  async appliedTheme(): Promise<string | null> {
    return this.page.locator('html').getAttribute('data-theme');
  }

  /** Types a clipboard clear delay and saves it with Enter; waits for "Saved". */
  async setClipboardDelay(seconds: number): Promise<void> {
    await this.numberSetting('settings-clipboard-delay', seconds);
  }

  async setProbeInterval(seconds: number): Promise<void> {
    await this.numberSetting('settings-probe-interval', seconds);
  }

  async clipboardDelay(): Promise<string> {
    return this.page.getByTestId('settings-clipboard-delay-input').inputValue();
  }

  async probeInterval(): Promise<string> {
    return this.page.getByTestId('settings-probe-interval-input').inputValue();
  }

  async path(which: OpenPathTarget): Promise<string> {
    return this.page.getByTestId(`settings-path-${which}-value`).innerText();
  }

  async openFolder(which: OpenPathTarget): Promise<void> {
    await this.page.getByTestId(`settings-open-${which}`).click();
  }

  get openFolderError(): Locator {
    return this.page.getByTestId('settings-open-error');
  }

  async version(which: 'flotilla' | 'electron' | 'node' | 'client-node'): Promise<string> {
    return this.page.getByTestId(`version-${which}`).innerText();
  }

  get licenseRows(): Locator {
    return this.page.getByTestId('license-row');
  }

  get licenses(): Locator {
    return this.page.getByTestId('settings-licenses');
  }

  private async numberSetting(testId: string, seconds: number): Promise<void> {
    const input = this.page.getByTestId(`${testId}-input`);
    await input.fill(String(seconds));
    await input.press('Enter');
    await this.page.getByTestId(`${testId}-saved`).waitFor();
  }
}
