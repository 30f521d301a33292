/**
 * The window as a whole: what every screen shares (header, lab banner,
 * notices) and the ways into each screen's page object.
 */
import type { Locator, Page } from 'playwright-core';
import { FleetPage } from './fleet.page.js';
import { ImportWizardPage } from './import-wizard.page.js';
import { WelcomePage } from './welcome.page.js';

export type Screen = 'loading' | 'welcome' | 'fleet' | 'import';

export class AppPage {
  readonly welcome: WelcomePage;
  readonly importWizard: ImportWizardPage;
  readonly fleet: FleetPage;

  constructor(readonly page: Page) {
    this.welcome = new WelcomePage(page);
    this.importWizard = new ImportWizardPage(page);
    this.fleet = new FleetPage(page);
  }

  get labBanner(): Locator {
    return this.page.getByTestId('lab-banner');
  }

  get labBadge(): Locator {
    return this.page.getByTestId('lab-badge');
  }

  get notices(): Locator {
    return this.page.getByTestId('notice');
  }

  /** Waits until the app has booted and shows `screen`. */
  async waitForScreen(screen: Screen, timeout = 30_000): Promise<void> {
    await this.page.locator(`.app[data-screen="${screen}"]`).waitFor({ timeout });
  }

  async screen(): Promise<string | null> {
    return this.page.locator('.app').getAttribute('data-screen');
  }

  async openImportFromHeader(): Promise<void> {
    await this.page.getByTestId('open-import').click();
    await this.importWizard.root.waitFor();
  }

  async refreshFleet(): Promise<void> {
    await this.page.getByTestId('refresh-fleet').click();
  }
}
