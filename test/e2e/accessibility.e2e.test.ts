/**
 * Accessibility: axe-core over every screen and dialog of the app, in the
 * light and the dark palette, with no violation of any impact. One preview
 * over a small lab fleet, walked as a user would (first screen; fleet with
 * its row menu, detail panel and dialogs; Multi-cluster without a primary;
 * its tile filters, a row's context menu, the failed actions in the detail
 * panel and the keyboard shortcuts dialog; promote; tokens with reveal, QR,
 * seal and revoke; join; join many;
 * permissions; labels; profiles, policies, distributions and status with
 * their editors and dialogs; disconnect and demote; the audit log; settings
 * and About; the import wizard), each state checked in both palettes before
 * moving on. A failure lists every violation as palette · rule (impact) ·
 * target · what to fix, so a regression says where it is. Each state is
 * photographed in both palettes (test-results/screenshots/a11y-*).
 *
 * The palettes are switched with the theme left at "system" and the
 * browser's prefers-color-scheme emulated; the Settings step also chooses
 * Light and Dark explicitly, which is the other way the palette applies.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { labFleetOf } from '../../main/lab/cluster-source.js';
import type { LabFleet } from '../../main/lab/fleet.js';
import { request } from '../integration/lab-helpers.js';
import { AppPage } from './pages/app.page.js';
import { DistributionsPage, StatusPage } from './pages/distributions.page.js';
import { MulticlusterUi } from './pages/multicluster-ui.page.js';
import { PoliciesPage } from './pages/policies.page.js';
import { ProfilesPage } from './pages/profiles.page.js';
import { SettingsPage } from './pages/settings.page.js';
import { PALETTES, settle, violations, violationsInBothPalettes } from './support/axe.js';
import { launchBrowser, type E2eBrowser } from './support/browser.js';
import { startE2ePreview, type E2ePreview } from './support/preview.js';

type Palette = (typeof PALETTES)[number];

let app: E2ePreview;
let browser: E2eBrowser;
let page: Page;
let ui: AppPage;
let mc: MulticlusterUi;
let profiles: ProfilesPage;
let policies: PoliciesPage;
let dists: DistributionsPage;
let status: StatusPage;
let settings: SettingsPage;
let lab: LabFleet;
let dir: string;
let token = '';

/**
 * Checks the page as it is now in both palettes (theme "system", the
 * colour scheme emulated) and photographs each; a soft assertion, so one
 * state's violations do not hide the next one's.
 */
async function checkBoth(name: string): Promise<void> {
  expect.soft(await violationsInBothPalettes(page, `a11y-${name}`), `axe-core violations on "${name}"`).toEqual([]);
}

beforeAll(async () => {
  app = await startE2ePreview();
  browser = await launchBrowser();
  page = await browser.open(app.url);
  ui = new AppPage(page);
  mc = new MulticlusterUi(page);
  profiles = new ProfilesPage(page);
  policies = new PoliciesPage(page);
  dists = new DistributionsPage(page);
  status = new StatusPage(page);
  settings = new SettingsPage(page);
  dir = await mkdtemp(join(tmpdir(), 'flotilla-e2e-a11y-'));
});

afterAll(async () => {
  // Leave no keychain entry behind from the import wizard's last step.
  const ids = app?.preview.services.registry.list().map((c) => c.id) ?? [];
  if (ids.length > 0) await app.preview.services.router.call('clusters:remove', { ids }, { transport: 'test' });
  await browser?.close();
  await app?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('accessibility (axe-core, light and dark)', () => {
  it('the first screen and the fleet: table, no match, row menu, detail panel, remove and stop-lab dialogs', async () => {
    await ui.waitForScreen('welcome');
    await checkBoth('welcome');

    await ui.welcome.openLab(3);
    await ui.waitForScreen('fleet');
    await ui.fleet.waitForRowCount(3);
    lab = labFleetOf(app.preview.services.lab.source)!;
    await expect.poll(() => ui.fleet.summary('reachable'), { timeout: 30_000 }).toBe(3);
    for (const name of ['cluster-1', 'cluster-2', 'cluster-3']) {
      await expect.poll(async () => (await mc.nav.rowFacts(name)).role, { timeout: 30_000 }).toBe('standalone');
    }
    await checkBoth('fleet');
    await ui.fleet.search('no-such-cluster');
    await page.getByTestId('no-matches').waitFor();
    await checkBoth('fleet-no-match');
    await ui.fleet.search('');

    await mc.nav.openRowMenu('cluster-1');
    await checkBoth('fleet-row-menu');
    await page.keyboard.press('Escape');

    await ui.fleet.select('cluster-2');
    await checkBoth('fleet-detail');

    // A failure of its own, so that the panel's list of failed actions is there to check.
    const now = new Date().toISOString();
    const failed = await request(lab.cluster('cluster-2'), '/apis/actions.kio.kasten.io/v1alpha1/namespaces/kasten-io/runactions', {
      method: 'POST',
      body: {
        apiVersion: 'actions.kio.kasten.io/v1alpha1',
        kind: 'RunAction',
        metadata: { name: 'a11y-failed', labels: { 'k10.kasten.io/policyName': 'a11y-policy' } },
        spec: { subject: { kind: 'Policy', name: 'a11y-policy', namespace: 'kasten-io' } },
        status: { state: 'Failed', startTime: now, endTime: now, error: { message: 'Failed to export: the a11y test says so' } },
      },
    });
    expect(failed.status).toBe(201);
    await expect.poll(async () => (await ui.fleet.listedFailures()).some((f) => f.name === 'a11y-failed'), { timeout: 15_000 }).toBe(true);
    await ui.fleet.failedActions.scrollIntoViewIfNeeded();
    await checkBoth('fleet-detail-failed-actions');

    await ui.fleet.rightClick('cluster-1');
    await checkBoth('fleet-row-context-menu');
    await page.keyboard.press('Escape');
    await ui.fleet.openRowMenu.waitFor({ state: 'hidden' });

    await ui.fleet.tile('failedActions').click();
    await checkBoth('fleet-tile-filter');
    await ui.fleet.tile('failedActions').click();
    await ui.fleet.waitForRowCount(3);

    await page.getByTestId('fleet-summary').evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('?');
    await page.locator('[data-testid="shortcuts-dialog"][open]').waitFor();
    await checkBoth('shortcuts-dialog');
    await page.getByTestId('shortcuts-dialog-close').click();
    await page.locator('[data-testid="shortcuts-dialog"][open]').waitFor({ state: 'hidden' });

    await ui.fleet.tick('cluster-3');
    await page.getByTestId('remove-checked').click();
    await ui.fleet.removeDialog.waitFor();
    await checkBoth('fleet-remove-dialog');
    await page.getByTestId('remove-dialog-cancel').click();
    await ui.fleet.removeDialog.waitFor({ state: 'hidden' });
    await ui.fleet.row('cluster-3').getByTestId('row-check').uncheck();

    await page.getByTestId('stop-lab').click();
    await page.getByTestId('stop-lab-dialog').waitFor();
    await checkBoth('lab-stop-dialog');
    await page.getByTestId('stop-lab-dialog-cancel').click();
    await page.getByTestId('stop-lab-dialog').waitFor({ state: 'hidden' });
  });

  it('the Multi-cluster screen without a primary', async () => {
    await mc.nav.go('multicluster');
    await mc.screen.noPrimary.waitFor();
    await checkBoth('mc-no-primary');
    await mc.nav.go('fleet');
  });

  it('promote: the form, the manifests and the result', async () => {
    await mc.nav.rowAction('cluster-1', 'promote');
    await mc.promote.waitReady();
    await checkBoth('promote-form');
    await mc.promote.show('yaml');
    await checkBoth('promote-yaml');
    expect(await mc.promote.promote()).toBe('done');
    await checkBoth('promote-done');
  });

  it('join tokens: the list, a revealed token, its QR code, the seal dialog and its result, revoke', async () => {
    await mc.promote.openTokens();
    await mc.tokens.create('a11y-token');
    await checkBoth('tokens');
    token = (await mc.tokens.reveal('a11y-token')).value;
    await checkBoth('tokens-revealed');
    await mc.tokens.hide();
    await mc.tokens.showQr('a11y-token');
    await checkBoth('tokens-qr');
    await mc.tokens.hideQr();
    await mc.tokens.copy('a11y-token');
    await checkBoth('tokens-copied');
    await mc.tokens.clearClipboard();

    await mc.tokens.openSeal('a11y-token');
    await checkBoth('tokens-seal-dialog');
    await mc.tokens.fillSeal({ passphrase: 'a long enough passphrase for the test', path: join(dir, 'a11y.flotilla-token') });
    await mc.tokens.sealToPath();
    await checkBoth('tokens-seal-result');
    await mc.tokens.closeSeal();

    await mc.tokens.openRevoke('a11y-token');
    await checkBoth('tokens-revoke-dialog');
    await mc.tokens.cancelRevoke();
  });

  it('join: the form with a pasted token, and the joined cluster', async () => {
    await mc.nav.go('fleet');
    await mc.nav.rowAction('cluster-2', 'join');
    await mc.join.waitReady();
    await checkBoth('join-empty');
    await mc.join.paste(token);
    await mc.join.useCurrentIngress();
    await checkBoth('join-form');
    expect(await mc.join.connect()).toBe('joined');
    await checkBoth('join-joined');
  });

  it('the Multi-cluster screen: clusters and labels, join many, permissions, disconnect and demote', async () => {
    await mc.nav.go('multicluster');
    await mc.screen.openView('clusters');
    await mc.screen.waitClusterNames(['cluster-1', 'cluster-2']);
    await checkBoth('mc-clusters');
    const editor = await mc.screen.editLabels('cluster-2');
    await editor.root.getByTestId('label-key').fill('Not A Key!');
    await checkBoth('mc-label-editor');
    await editor.cancel();
    await mc.screen.openDisconnect('cluster-2');
    await checkBoth('mc-disconnect-dialog');
    await mc.screen.disconnectDialog.setForced(true);
    await checkBoth('mc-disconnect-forced');
    await mc.screen.disconnectDialog.cancel();
    await mc.screen.openDemote();
    await checkBoth('mc-demote-dialog');
    await mc.screen.demoteDialog.cancel();

    await mc.screen.openView('join');
    await checkBoth('mc-join-many');
    await mc.joinMany.choose('cluster-3');
    const lines = await mc.joinMany.joinAndWait();
    expect(lines.map((l) => l.state)).toEqual(['joined']);
    await checkBoth('mc-join-many-result');

    await mc.screen.openView('permissions');
    await mc.permissions.waitReady();
    await checkBoth('mc-permissions');
    expect(await mc.permissions.apply()).toBe('done');
    await checkBoth('mc-permissions-done');
  });

  it('profiles, policies, distributions and status, with their editors and dialogs', async () => {
    await profiles.open();
    await checkBoth('mc-profiles-empty');
    await profiles.startNew();
    await profiles.fill({ name: 'a11y-profile', accessKey: 'AKIAA11YE2E000000001', secretKey: 'a11ySecretKeyForTheE2eTest000000001', region: 'us-east-1', bucket: 'Not_A_Bucket', skipTlsVerify: true });
    expect(await profiles.save()).toBe('refused');
    await checkBoth('mc-profile-form-refused');
    await profiles.fill({ bucket: 'kasten', skipTlsVerify: false, accessKey: 'AKIAA11YE2E000000001', secretKey: 'a11ySecretKeyForTheE2eTest000000001' });
    expect(await profiles.save()).toBe('saved');
    await checkBoth('mc-profiles');
    const yaml = await profiles.openYaml('a11y-profile');
    await checkBoth('mc-profile-yaml');
    await yaml.askReveal();
    await checkBoth('mc-profile-yaml-reveal-dialog');
    await yaml.confirmReveal();
    await checkBoth('mc-profile-yaml-revealed');
    await yaml.hide();

    await policies.open();
    await checkBoth('mc-policies-empty');
    await policies.startNew();
    await policies.fill({ name: 'a11y-policy', frequency: '@daily', retention: { daily: 7, weekly: 4, monthly: '' }, exportProfile: 'a11y-profile' });
    await policies.selector.addTerm('tier', 'in', 'db, cache');
    await checkBoth('mc-policy-form');
    expect(await policies.save()).toBe('saved');
    await checkBoth('mc-policies');

    await dists.open();
    await checkBoth('mc-distributions-empty');
    const editor = await dists.startNew();
    await editor.setName('a11y-distribution');
    await editor.pickLabel('dist.kio.kasten.io/cluster-type=primary');
    await editor.addSelector('dist.kio.kasten.io/cluster-type=secondary)');
    await editor.setSource('Profile', 'a11y-profile');
    await checkBoth('mc-distribution-editor');
    await editor.selector(1).type('dist.kio.kasten.io/cluster-type=secondary');
    await editor.waitPreview(['cluster-1', 'cluster-2', 'cluster-3']);
    await editor.save();
    await dists.waitClusterStates('a11y-distribution', { 'cluster-1': 'synced', 'cluster-2': 'synced', 'cluster-3': 'synced' });
    await checkBoth('mc-distributions');
    await dists.openYaml('a11y-distribution');
    await checkBoth('mc-distribution-yaml');
    await dists.yaml.close();
    await dists.askDelete('a11y-distribution');
    await checkBoth('mc-distribution-delete-dialog');
    await page.getByTestId('distribution-delete-dialog-cancel').click();

    await status.open();
    await checkBoth('mc-status');
  });

  it('the audit log', async () => {
    await mc.nav.go('audit');
    await mc.audit.waitLoaded();
    await checkBoth('audit');
  });

  it('settings and About, with the theme chosen explicitly as well', async () => {
    await settings.openFromHeader();
    await expect.poll(() => settings.licenseRows.count()).toBeGreaterThan(20);
    await checkBoth('settings');
    const found: string[] = [];
    for (const theme of PALETTES) {
      await settings.chooseTheme(theme);
      await expect.poll(() => settings.appliedTheme()).toBe(theme);
      await settle(page);
      found.push(...(await violations(page, `theme ${theme}`)));
    }
    await settings.chooseTheme('system');
    expect.soft(found, 'axe-core violations on "settings" with the theme chosen').toEqual([]);
  });

  it('the import wizard: source, review and report', async () => {
    await page.getByTestId('screen-back').click();
    await mc.nav.go('fleet');
    await ui.openImportFromHeader();
    await checkBoth('import-source');
    await ui.importWizard.pasteText(lab.kubeconfig());
    await checkBoth('import-source-pasted');
    await ui.importWizard.readContexts();
    await checkBoth('import-review');
    const names = await ui.importWizard.contextNames();
    for (const name of names.filter((n) => n !== 'cluster-1')) await ui.importWizard.candidate(name).getByTestId('candidate-select').uncheck();
    await ui.importWizard.rename('cluster-1', 'imported-cluster-1');
    await ui.importWizard.testOne('cluster-1');
    await checkBoth('import-review-tested');
    await ui.importWizard.importSelected();
    await checkBoth('import-report');
    await ui.importWizard.showFleet();
    await ui.waitForScreen('fleet');
  });

  it('raised no page error, console error or CSP violation', () => {
    expect(browser.problems).toEqual({ pageErrors: [], consoleErrors: [], cspViolations: [] });
  });
});
