/** The first screen: import kubeconfigs, or open a lab fleet of N clusters. */
import type { Locator, Page } from 'playwright-core';

export class WelcomePage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('welcome-screen');
  }

  get clusterCount(): Locator {
    return this.page.getByTestId('lab-cluster-count');
  }

  get openLabButton(): Locator {
    return this.page.getByTestId('open-lab');
  }

  /** Opens a lab fleet (the count field keeps its default of 3 when none is given). */
  async openLab(clusters?: number): Promise<void> {
    if (clusters !== undefined) await this.clusterCount.fill(String(clusters));
    await this.openLabButton.click();
  }

  async startImport(): Promise<void> {
    await this.page.getByTestId('welcome-import').click();
  }
}
