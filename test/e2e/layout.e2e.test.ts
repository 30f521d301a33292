/**
 * The fleet view's layout from a 900 px window to a 4K one, in Chromium: a
 * selector error sits in the flow below the search box, never over the
 * table's header; with the detail panel open every column can still be
 * scrolled into view beside it; nothing makes the page itself scroll
 * sideways. Screenshots at each width.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type E2eBrowser } from './support/browser.js';
import { startE2ePreview, type E2ePreview } from './support/preview.js';
import { screenshot } from './support/artefacts.js';

const WIDTHS = [
  [900, 700],
  [1440, 900],
  [3840, 2160],
] as const;

let app: E2ePreview;
let browser: E2eBrowser;
let page: Page;

beforeAll(async () => {
  app = await startE2ePreview({ labClusters: 3 });
  browser = await launchBrowser();
  page = await browser.open(app.url);
  await page.getByTestId('fleet-table').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const rect = (testId: string) => page.getByTestId(testId).evaluate((e) => e.getBoundingClientRect().toJSON() as DOMRect);
const pageScrollsSideways = () => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

describe.each(WIDTHS)('at %i × %i px', (width, height) => {
  beforeAll(async () => {
    await page.setViewportSize({ width, height });
  });

  it('shows a selector error below the search box, clear of the table header', async () => {
    await page.getByTestId('fleet-search').fill('env in (prod');
    await page.getByTestId('search-problem').waitFor();
    const problem = await rect('search-problem');
    const table = await rect('fleet-table');
    expect(problem.bottom).toBeLessThanOrEqual(table.top);
    expect(problem.right).toBeLessThanOrEqual(width);
    expect(await pageScrollsSideways()).toBe(false);
    await screenshot(page, `layout-${width}-selector-error`);
    await page.getByTestId('fleet-search').fill('');
    await page.getByTestId('search-problem').waitFor({ state: 'detached' });
  });

  it('keeps every column reachable beside the open detail panel', async () => {
    await page.locator('[data-testid="fleet-table"] .fleet-body .fleet-row').first().click();
    await page.getByTestId('cluster-detail').waitFor();
    // Scrolled all the way right, the last column ends left of the panel; all the way left, the first one shows.
    await page.getByTestId('fleet-table').evaluate((e) => (e.scrollLeft = e.scrollWidth));
    const panel = await rect('cluster-detail');
    const last = await rect('sort-lastError');
    expect(last.right).toBeLessThanOrEqual(panel.left + 1);
    expect(last.left).toBeGreaterThanOrEqual((await rect('fleet-table')).left);
    await page.getByTestId('fleet-table').evaluate((e) => (e.scrollLeft = 0));
    expect((await rect('sort-name')).left).toBeGreaterThanOrEqual((await rect('fleet-table')).left);
    expect(await pageScrollsSideways()).toBe(false);
    await screenshot(page, `layout-${width}-detail`);
    await page.keyboard.press('Escape');
  });
});
