/**
 * Importing kubeconfigs end to end: a lab fleet started by the test, its
 * kubeconfig written to a file with two extra contexts that have problems
 * (insecure-skip-tls-verify; a client certificate file that does not
 * exist), imported through the wizard into the real keychain; then the
 * imported clusters in the fleet view going down and coming back, a removal,
 * and a search for their credentials in the renderer and the user-data
 * folder.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { launchBrowser, type E2eBrowser } from './support/browser.js';
import { startE2ePreview, type E2ePreview } from './support/preview.js';
import { screenshot } from './support/artefacts.js';
import { secretsInFiles, secretsInRenderer, secretsOf } from './support/credentials.js';
import { AppPage } from './pages/app.page.js';

interface Kubeconfig {
  clusters: { name: string; cluster: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: Record<string, unknown> }[];
}

/** The lab's kubeconfig plus a context that skips TLS verification and one whose client certificate is missing. */
function withProblemContexts(labKubeconfig: string): string {
  const config = parse(labKubeconfig) as Kubeconfig;
  const server = config.clusters.find((c) => c.name === 'cluster-1')!.cluster.server;
  config.clusters.push({ name: 'cluster-1-insecure', cluster: { server, 'insecure-skip-tls-verify': true } });
  config.contexts.push({ name: 'insecure-cluster-1', context: { cluster: 'cluster-1-insecure', user: 'cluster-1-admin' } });
  config.users.push({ name: 'missing-cert', user: { 'client-certificate': 'certs/missing.crt', 'client-key': 'certs/missing.key' } });
  config.contexts.push({ name: 'missing-cert', context: { cluster: 'cluster-2', user: 'missing-cert' } });
  return stringify(config, { lineWidth: 0 });
}

let lab: LabFleet;
let dir: string;
let kubeconfigPath: string;
let kubeconfigText: string;
let app: E2ePreview;
let browser: E2eBrowser;
let page: Page;
let ui: AppPage;

beforeAll(async () => {
  lab = await startLabFleet({ clusters: 2 });
  dir = await mkdtemp(join(tmpdir(), 'flotilla-e2e-kubeconfig-'));
  kubeconfigPath = join(dir, 'kubeconfig.yaml');
  kubeconfigText = withProblemContexts(lab.kubeconfig());
  await writeFile(kubeconfigPath, kubeconfigText, { mode: 0o600 });
  app = await startE2ePreview();
  browser = await launchBrowser();
  page = await browser.open(app.url);
  ui = new AppPage(page);
  await ui.waitForScreen('welcome');
});

afterAll(async () => {
  // Leave no keychain entry behind, even when run in a developer's own session.
  const ids = app?.preview.services.registry.list().map((c) => c.id) ?? [];
  if (ids.length > 0) await app.preview.services.router.call('clusters:remove', { ids }, { transport: 'test' });
  await browser?.close();
  await app?.stop();
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the import wizard', () => {
  it('lists every context of a kubeconfig file and flags problems before anything is saved', async () => {
    await ui.welcome.startImport();
    await ui.importWizard.root.waitFor();
    await ui.importWizard.chooseFiles([kubeconfigPath]);
    await screenshot(page, '04-import-source');
    await ui.importWizard.readContexts();

    expect(await ui.importWizard.fileReport()).toEqual([{ ok: true, text: expect.stringContaining(kubeconfigPath) }]);
    expect((await ui.importWizard.contextNames()).sort()).toEqual(['cluster-1', 'cluster-2', 'insecure-cluster-1', 'missing-cert']);

    expect(await ui.importWizard.problems('cluster-1')).toEqual([]);
    expect(await ui.importWizard.problems('insecure-cluster-1')).toContainEqual(
      expect.objectContaining({ code: 'insecure-skip-tls-verify', severity: 'warning' }),
    );
    expect(await ui.importWizard.isBlocked('insecure-cluster-1')).toBe(false);
    expect(await ui.importWizard.isSelected('insecure-cluster-1')).toBe(true);

    const missing = await ui.importWizard.problems('missing-cert');
    expect(missing).toContainEqual(expect.objectContaining({ code: 'missing-file', severity: 'error', message: expect.stringContaining('missing.crt') }));
    expect(await ui.importWizard.isBlocked('missing-cert')).toBe(true);
    expect(await ui.importWizard.isSelected('missing-cert')).toBe(false);
    expect(app.preview.services.registry.list()).toEqual([]); // nothing saved yet
    await screenshot(page, '05-import-review');
  });

  it('tests connections: reachable, Kubernetes and K10 versions, and who the cluster says we are', async () => {
    await ui.importWizard.testSelected();
    for (const name of ['cluster-1', 'cluster-2', 'insecure-cluster-1']) {
      const result = await ui.importWizard.connection(name);
      expect(result.state, `${name}: ${result.text}`).toBe('ok');
      expect(result.text).toMatch(/^Reachable · \d+ ms · v\d+\.\d+\S* · K10 \d+\.\d+\S* · as \S+/);
    }
    const blocked = await ui.importWizard.testOne('missing-cert');
    expect(blocked.state).toBe('failed');
    expect(blocked.text).toMatch(/missing\.crt/);
    await screenshot(page, '06-import-tested');
  });

  it('fits the review in a 900 px wide window and in a 4K one: nothing runs off the side', async () => {
    /** Elements of the review step whose right edge is past the window's (what a person would have to scroll sideways to read). */
    const overflowing = () =>
      page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const pageScrolls = document.documentElement.scrollWidth > width;
        const cut = [...document.querySelectorAll('[data-testid="review-step"] *')]
          .filter((e) => e.getBoundingClientRect().right > width + 0.5 && e.getBoundingClientRect().width > 0)
          .map((e) => `${e.tagName.toLowerCase()}${e.getAttribute('data-testid') ? `[${e.getAttribute('data-testid')}]` : ''}.${[...e.classList].join('.')}`);
        return { pageScrolls, cut: [...new Set(cut)].slice(0, 10) };
      });
    try {
      for (const [width, height, name] of [[900, 700, '05b-import-review-900px'], [3840, 2160, '05c-import-review-4k']] as const) {
        await page.setViewportSize({ width, height });
        expect(await overflowing(), `at ${width} px`).toEqual({ pageScrolls: false, cut: [] });
        await screenshot(page, name);
      }
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
    }
  });

  it('imports the selected contexts and reports what it did', async () => {
    await ui.importWizard.importSelected();
    expect(await ui.importWizard.reportCount('imported')).toBe(3);
    expect(await ui.importWizard.reportCount('failed')).toBe(0);
    await screenshot(page, '07-import-report');
    await ui.importWizard.showFleet();
    await ui.waitForScreen('fleet');
    await ui.fleet.waitForRowCount(3);
    for (const name of ['cluster-1', 'cluster-2', 'insecure-cluster-1']) {
      await expect.poll(() => ui.fleet.reachability(name), { timeout: 30_000 }).toBe('reachable');
    }
    await expect.poll(async () => (await ui.fleet.readRow('cluster-1')).k10, { timeout: 30_000 }).toMatch(/^\d+\.\d+/);
    expect(await ui.labBanner.count()).toBe(0); // imported clusters are not a lab
    await screenshot(page, '08-fleet-imported');
  });

  it('offers update or skip when a context is imported again', async () => {
    await ui.openImportFromHeader();
    await ui.importWizard.chooseFiles([kubeconfigPath]);
    await ui.importWizard.readContexts();
    const existing = ui.importWizard.candidate('cluster-1').getByTestId('candidate-on-existing');
    expect(await existing.inputValue()).toBe('skip');
    await page.getByTestId('import-close').click();
    await ui.waitForScreen('fleet');
  });
});

describe('an imported cluster that goes down', () => {
  it('shows as unreachable within seconds while the others stay reachable', async () => {
    const started = Date.now();
    await lab.cluster('cluster-2').stop();
    await expect.poll(() => ui.fleet.reachability('cluster-2'), { timeout: 20_000, interval: 100 }).toBe('unreachable');
    const seconds = (Date.now() - started) / 1000;
    expect(seconds).toBeLessThan(15);
    expect(await ui.fleet.reachability('cluster-1')).toBe('reachable');
    await expect.poll(() => ui.fleet.cell('cluster-2', 'error').innerText(), { timeout: 10_000 }).not.toBe('');
    await screenshot(page, '09-fleet-cluster-down');
  });

  it('recovers by itself when the cluster comes back', async () => {
    await lab.cluster('cluster-2').start();
    await expect.poll(() => ui.fleet.reachability('cluster-2'), { timeout: 60_000, interval: 200 }).toBe('reachable');
    await screenshot(page, '10-fleet-cluster-recovered');
  });
});

describe('removing a cluster', () => {
  it('asks for confirmation, then the row is gone', async () => {
    await ui.fleet.tick('insecure-cluster-1');
    await page.getByTestId('remove-checked').click();
    await ui.fleet.removeDialog.waitFor();
    expect(await ui.fleet.removeDialog.innerText()).toContain('insecure-cluster-1');
    await screenshot(page, '11-fleet-remove-dialog');
    await page.getByTestId('remove-dialog-confirm').click();
    await ui.fleet.waitForRowCount(2);
    expect(await ui.fleet.row('insecure-cluster-1').count()).toBe(0);
    expect(app.preview.services.registry.list().map((c) => c.name).sort()).toEqual(['cluster-1', 'cluster-2']);
  });
});

describe('credentials', () => {
  it('never reach the renderer: not its store, its HTML or its storage', async () => {
    const secrets = secretsOf(kubeconfigText);
    expect(secrets.length).toBeGreaterThanOrEqual(4); // admin and viewer tokens, client keys
    expect(await secretsInRenderer(page, secrets)).toEqual([]);
  });

  it('are not written to the user-data folder', async () => {
    expect(await secretsInFiles(app.userDataDir, secretsOf(kubeconfigText))).toEqual([]);
  });

  it('raised no page error, console error or CSP violation', () => {
    expect(browser.problems).toEqual({ pageErrors: [], consoleErrors: [], cspViolations: [] });
  });
});
