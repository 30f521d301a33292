/**
 * A newcomer with no clusters: the first screen offers to import or to open
 * a lab fleet; opening one shows its three clusters in the fleet view, with
 * roles, versions and counts, and marks them as a lab everywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type E2eBrowser } from './support/browser.js';
import { startE2ePreview, type E2ePreview } from './support/preview.js';
import { screenshot } from './support/artefacts.js';
import { secretsInFiles, secretsInRenderer, secretsOf } from './support/credentials.js';
import { AppPage } from './pages/app.page.js';
import { labFleetOf } from '../../main/lab/cluster-source.js';

let app: E2ePreview;
let browser: E2eBrowser;
let page: Page;
let ui: AppPage;

beforeAll(async () => {
  app = await startE2ePreview();
  browser = await launchBrowser();
  page = await browser.open(app.url);
  ui = new AppPage(page);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('first screen and lab fleet', () => {
  it('offers to import kubeconfigs or open a lab fleet when no cluster is known', async () => {
    await ui.waitForScreen('welcome');
    await expect.poll(() => ui.welcome.root.isVisible()).toBe(true);
    expect(await page.getByTestId('welcome-import').isVisible()).toBe(true);
    expect(await ui.welcome.clusterCount.inputValue()).toBe('3');
    expect(await ui.welcome.root.innerText()).toContain('Lab fleet — emulated clusters, credentials in memory only');
    await screenshot(page, '01-welcome');
  });

  it('opens a lab fleet of three clusters and shows them with roles, versions and counts', async () => {
    await ui.welcome.openLab();
    await ui.waitForScreen('fleet');
    await ui.fleet.waitForRowCount(3);
    // Rows arrive at once; their K10 facts follow from the watches, each in its own time ('–' until then).
    for (const name of ['cluster-1', 'cluster-2', 'cluster-3']) {
      await expect
        .poll(async () => ui.fleet.readRow(name), { timeout: 30_000 })
        .toMatchObject({
          reachability: 'reachable',
          kubernetes: expect.stringMatching(/^v\d+\.\d+/),
          k10: expect.stringMatching(/^\d+\.\d+/),
          applications: expect.stringMatching(/^\d+$/),
          policies: expect.stringMatching(/^\d+$/),
          actions: expect.stringMatching(/^\d+/),
        });
      const row = await ui.fleet.readRow(name);
      expect(['primary', 'secondary', 'standalone']).toContain(row.role);
    }
    await expect.poll(() => ui.fleet.summary('clusters')).toBe(3);
    await expect.poll(() => ui.fleet.summary('reachable'), { timeout: 30_000 }).toBe(3);
    await screenshot(page, '02-fleet-lab');
  });

  it('marks the lab fleet as a lab in the header, the banner and every row', async () => {
    expect(await ui.labBadge.isVisible()).toBe(true);
    expect(await ui.labBanner.innerText()).toContain('Lab fleet — emulated clusters, credentials in memory only');
    expect(await ui.fleet.renderedRows.getByTestId('lab-tag').count()).toBe(3);
  });

  it('shows one cluster in the detail panel', async () => {
    await ui.fleet.select('cluster-2');
    const detail = await ui.fleet.detail.innerText();
    expect(detail).toContain('cluster-2');
    expect(detail).toMatch(/Kubernetes\s+v\d/);
    expect(detail).toContain('credentials in memory only');
    await screenshot(page, '03-fleet-detail');
  });

  it('keeps the lab credentials in main: none in the renderer or the user-data folder', async () => {
    const labFleet = labFleetOf(app.preview.services.lab.source);
    if (!labFleet) throw new Error('the lab fleet is not running');
    const secrets = secretsOf(labFleet.kubeconfig());
    expect(secrets.length).toBeGreaterThanOrEqual(6); // admin and viewer tokens and a client key per cluster
    expect(await secretsInRenderer(page, secrets)).toEqual([]);
    expect(await secretsInFiles(app.userDataDir, secrets)).toEqual([]);
  });

  it('raised no page error, console error or CSP violation', () => {
    expect(browser.problems).toEqual({ pageErrors: [], consoleErrors: [], cspViolations: [] });
  });
});
