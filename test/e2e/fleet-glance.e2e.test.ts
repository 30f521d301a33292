/**
 * The fleet view tells the truth at a glance, in Chromium against a lab
 * fleet of four: summary tiles that say what is wrong (unreachable, auth or
 * permission, failed actions) and filter the table; an unreachable
 * cluster's values marked as last known, with their age; the detail
 * panel's failed actions and its K10 dashboard link; a row's menu from a
 * right-click and from the keyboard, closed when another cluster takes its
 * row's place; the header row as one tab stop; the
 * keyboard shortcuts and their dialog. New states are photographed and
 * checked with axe-core in light and dark (the shared ones are also in
 * accessibility.e2e.test.ts).
 */
import { AxeBuilder } from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { labFleetOf } from '../../main/lab/cluster-source.js';
import type { LabFleet } from '../../main/lab/fleet.js';
import { request } from '../integration/lab-helpers.js';
import { AppPage } from './pages/app.page.js';
import { screenshot } from './support/artefacts.js';
import { launchBrowser, type E2eBrowser } from './support/browser.js';
import { startE2ePreview, type E2ePreview } from './support/preview.js';

let app: E2ePreview;
let browser: E2eBrowser;
let page: Page;
let ui: AppPage;
let lab: LabFleet;

const NAMES = ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4'];

/** Photographs the page in both palettes and checks it with axe-core in each (soft: one state's findings do not hide the next's). */
async function bothPalettes(name: string): Promise<void> {
  const found: string[] = [];
  for (const palette of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: palette });
    await page.evaluate(async () => {
      await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    });
    const result = await new AxeBuilder({ page }).setLegacyMode().analyze();
    found.push(...result.violations.flatMap((v) => v.nodes.map((n) => `${palette} · ${v.id} · ${n.target.join(' ')} · ${v.help}`)));
    await screenshot(page, `glance-${name}-${palette}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  expect.soft(found, `axe-core violations on "${name}"`).toEqual([]);
}

/** A RunAction that failed just now on a lab cluster, with a policy, an application and Kasten's message. */
async function failAnAction(cluster: string, name: string, message: string): Promise<void> {
  const now = new Date().toISOString();
  const r = await request(lab.cluster(cluster), '/apis/actions.kio.kasten.io/v1alpha1/namespaces/kasten-io/runactions', {
    method: 'POST',
    body: {
      apiVersion: 'actions.kio.kasten.io/v1alpha1',
      kind: 'RunAction',
      metadata: { name, labels: { 'k10.kasten.io/policyName': 'nightly-backup', 'k10.kasten.io/appName': 'shop' } },
      spec: { subject: { kind: 'Policy', name: 'nightly-backup', namespace: 'kasten-io' } },
      status: { state: 'Failed', startTime: now, endTime: now, error: { message } },
    },
  });
  expect(r.status).toBe(201);
}

/**
 * Changes which clusters the rows in view show without touching the page, as
 * a live update that re-sorts them does (the search box cannot be reached
 * without moving focus or closing a menu).
 */
async function storeSearch(text: string): Promise<void> {
  await page.evaluate((t) => (window as unknown as { __flotillaStore: { getState(): { setSearch(s: string): void } } }).__flotillaStore.getState().setSearch(t), text);
}

/** Clicks somewhere that takes no keys, so that shortcuts are not typing. */
async function focusNothing(): Promise<void> {
  await page.getByTestId('fleet-summary').evaluate((el) => {
    (document.activeElement as HTMLElement | null)?.blur();
    el.closest('body')?.focus();
  });
}

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

describe('summary tiles', () => {
  it('start from a lab fleet of four, every row read', async () => {
    await ui.waitForScreen('welcome');
    await ui.welcome.openLab(4);
    await ui.waitForScreen('fleet');
    await ui.fleet.waitForRowCount(4);
    lab = labFleetOf(app.preview.services.lab.source)!;
    await expect.poll(() => ui.fleet.summary('reachable'), { timeout: 30_000 }).toBe(4);
    for (const name of NAMES) await expect.poll(async () => (await ui.fleet.readRow(name)).k10, { timeout: 30_000 }).toMatch(/^\d+\.\d+/);
  });

  it('split what is wrong: unreachable, auth or permission problems, failed actions in the last 24 h', async () => {
    await failAnAction('cluster-1', 'glance-failed-run', 'Failed to export: location profile lab-s3 is over its storage quota');
    await expect.poll(() => ui.fleet.cell('cluster-1', 'actions').getByTestId('failed-actions').count(), { timeout: 10_000 }).toBe(1);
    const withFailures = async () => {
      let n = 0;
      for (const name of NAMES) n += (await ui.fleet.cell(name, 'actions').getByTestId('failed-actions').count()) > 0 ? 1 : 0;
      return n;
    };
    await expect.poll(() => ui.fleet.summary('failedActions')).toBe(await withFailures());
    expect(await ui.fleet.summary('unreachable')).toBe(0);
    expect(await ui.fleet.summary('authProblems')).toBe(0);

    await lab.cluster('cluster-4').stop();
    await expect.poll(() => ui.fleet.summary('unreachable'), { timeout: 15_000 }).toBe(1);
    // Credentials refused: seen at the next real request, which F5 asks for now.
    lab.cluster('cluster-3').expireCredentials('admin');
    await focusNothing();
    await page.keyboard.press('F5');
    await expect.poll(() => ui.fleet.summary('authProblems'), { timeout: 15_000 }).toBe(1);
    expect(await ui.fleet.cell('cluster-3', 'error').innerText()).toMatch(/401|credential|expired|Unauthorized/i);
    expect(await ui.fleet.summary('reachable')).toBe(3);
    expect(await page.locator('.app').getAttribute('data-screen')).toBe('fleet'); // F5 did not reload the page
  });

  it('filter the table: click to filter, again to clear, with aria-pressed and the state select in step', async () => {
    await ui.fleet.tile('unreachable').click();
    expect(await ui.fleet.tilePressed('unreachable')).toBe(true);
    expect(await ui.fleet.tilePressed('clusters')).toBe(false);
    await ui.fleet.waitForRowCount(1);
    expect(await ui.fleet.renderedNames()).toEqual(['cluster-4']);
    expect(await ui.fleet.stateFilter()).toBe('unreachable');
    await bothPalettes('tiles-unreachable');

    await ui.fleet.tile('unreachable').click();
    expect(await ui.fleet.tilePressed('unreachable')).toBe(false);
    expect(await ui.fleet.tilePressed('clusters')).toBe(true);
    await ui.fleet.waitForRowCount(4);
    expect(await ui.fleet.stateFilter()).toBe('all');
  });

  it('work from the keyboard, and combine with the search and the role filter', async () => {
    await ui.fleet.tile('authProblems').focus();
    await page.keyboard.press('Enter');
    await ui.fleet.waitForRowCount(1);
    expect(await ui.fleet.renderedNames()).toEqual(['cluster-3']);
    await page.keyboard.press('Space');
    await ui.fleet.waitForRowCount(4);

    await ui.fleet.tile('failedActions').click();
    await ui.fleet.waitForRowCount(await ui.fleet.summary('failedActions'));
    await ui.fleet.search('cluster-1');
    await ui.fleet.waitForRowCount(1);
    expect(await ui.fleet.renderedNames()).toEqual(['cluster-1']);
    // A role tile narrows further: no primary in this fleet.
    await ui.fleet.tile('primaries').click();
    expect(await ui.fleet.tilePressed('primaries')).toBe(true);
    await ui.fleet.waitForRowCount(0);
    await page.getByTestId('no-matches').waitFor();
    // "clusters" clears the tiles' filters; the search stays.
    await ui.fleet.tile('clusters').click();
    expect(await ui.fleet.tilePressed('primaries')).toBe(false);
    expect(await ui.fleet.tilePressed('failedActions')).toBe(false);
    await ui.fleet.waitForRowCount(1);
    await ui.fleet.search('');
    await ui.fleet.waitForRowCount(4);
  });
});

describe('an unreachable cluster', () => {
  it('shows its values as last known, with their age, in the row and in the detail panel', async () => {
    expect(await ui.fleet.row('cluster-4').getAttribute('data-last-seen')).toMatch(/^\d{4}-\d\d-\d\dT/);
    for (const cell of ['k8s', 'k10', 'apps', 'policies', 'actions'] as const) {
      expect(await ui.fleet.lastKnownNote('cluster-4', cell)).toMatch(/^last known, (just now|\d+ s ago|\d+ min ago)$/);
    }
    const mark = ui.fleet.cell('cluster-4', 'k8s').getByTestId('last-known');
    expect(await mark.getAttribute('title')).toMatch(/^last known, /);
    expect(await mark.innerText()).toMatch(/^v\d/);
    expect(await mark.textContent()).toMatch(/\(last known, /); // read out after the value
    // A reachable cluster's values are current: no mark.
    expect(await ui.fleet.lastKnownNote('cluster-1', 'k8s')).toBeNull();

    await ui.fleet.select('cluster-4');
    expect(await ui.fleet.detail.getByTestId('detail-stale').innerText()).toMatch(/Not reachable now. Everything below is as it was when cluster-4 last answered/);
    expect(await ui.fleet.detail.getByTestId('detail-k8s').getByTestId('last-known').count()).toBe(1);
    await bothPalettes('stale');
  });
});

describe('the detail panel', () => {
  it("lists the cluster's recent failed actions: kind, policy, application, time and Kasten's message", async () => {
    await ui.fleet.select('cluster-1');
    const listed = await ui.fleet.listedFailures();
    const ours = listed.find((f) => f.name === 'glance-failed-run');
    expect(ours).toBeDefined();
    expect(ours!.kind).toBe('RunAction');
    expect(ours!.text).toContain('policy nightly-backup');
    expect(ours!.text).toContain('app shop');
    expect(ours!.text).toMatch(/just now|\d+ s ago/);
    expect(ours!.text).toContain('Failed to export: location profile lab-s3 is over its storage quota');
    expect(listed[0]!.name).toBe('glance-failed-run'); // newest first
    expect(listed.length).toBeLessThanOrEqual(20);
    // As many as the row counts (up to 20).
    const pill = await ui.fleet.cell('cluster-1', 'actions').getByTestId('failed-actions').innerText();
    expect(listed.length).toBe(Math.min(20, Number(pill.replace(/\D/g, ''))));
    await ui.fleet.failedActions.scrollIntoViewIfNeeded();
    await bothPalettes('failed-actions');
  });

  it('follows a new failure while the panel is open', async () => {
    await failAnAction('cluster-1', 'glance-failed-later', 'Failed to run blueprint action: container "kanister-sidecar" exited with code 1');
    await expect.poll(async () => (await ui.fleet.listedFailures())[0]?.name, { timeout: 10_000 }).toBe('glance-failed-later');
  });

  it("opens the cluster's K10 dashboard through the guarded external-link path (the preview says where)", async () => {
    await ui.fleet.detail.getByTestId('detail-open-k10').click();
    const notice = ui.notices.filter({ hasText: 'cannot open your system browser' });
    await notice.waitFor();
    expect(await notice.innerText()).toContain(`${lab.cluster('cluster-1').k10IngressUrl}/#/`);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
  });
});

describe("a row's menu", () => {
  it('opens with a right-click: check now, open K10, copy server URL, remove, and the multi-cluster actions', async () => {
    await ui.fleet.rightClick('cluster-2');
    expect(await ui.fleet.openMenuItems()).toEqual(['check-now', 'open-k10', 'copy-server', 'promote', 'join', 'audit', 'remove']);
    // The row it was opened on is the current one.
    expect(await ui.fleet.detail.getAttribute('data-id')).toBe(await ui.fleet.row('cluster-2').getAttribute('data-id'));
    await bothPalettes('context-menu');
    await ui.fleet.chooseInOpenMenu('copy-server');
    const notice = ui.notices.filter({ hasText: lab.cluster('cluster-2').apiUrl });
    await notice.waitFor();
    await notice.getByRole('button', { name: 'Dismiss' }).click();
  });

  it('opens from the keyboard: the context-menu key and Shift+F10 on the current row', async () => {
    await ui.fleet.select('cluster-2');
    await ui.fleet.table.focus();
    await page.keyboard.press('Shift+F10');
    await ui.fleet.openRowMenu.waitFor();
    // The menu moves focus to its first item once it has painted.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('row-action-check-now');
    await page.keyboard.press('Escape');
    await ui.fleet.openRowMenu.waitFor({ state: 'hidden' });
    // Focus is back on the table, so its keys go on working.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('fleet-table');
    await page.keyboard.press('ContextMenu');
    await ui.fleet.openRowMenu.waitFor();
    // Remove asks first.
    await ui.fleet.chooseInOpenMenu('remove');
    await ui.fleet.removeDialog.waitFor();
    expect(await ui.fleet.removeDialog.innerText()).toContain('cluster-2');
    await page.getByTestId('remove-dialog-cancel').click();
    await ui.fleet.removeDialog.waitFor({ state: 'hidden' });
  });

  it("closes, focus back on the table, when another cluster takes its row's place", async () => {
    await ui.fleet.rightClick('cluster-1');
    const place = await ui.fleet.row('cluster-1').getAttribute('aria-rowindex');
    await storeSearch('cluster-3');
    await ui.fleet.row('cluster-3').waitFor();
    expect(await ui.fleet.row('cluster-3').getAttribute('aria-rowindex')).toBe(place);
    await ui.fleet.openRowMenu.waitFor({ state: 'hidden' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('fleet-table');
    await storeSearch('');
    await ui.fleet.row('cluster-1').waitFor();
  });

  it("lets go of focus on a row's checkbox, to the table, when another cluster takes the row's place", async () => {
    await ui.fleet.row('cluster-1').getByTestId('row-check').focus();
    await storeSearch('cluster-3');
    await ui.fleet.row('cluster-3').waitFor();
    // Space on the focused box would otherwise tick cluster-3, which the user never pointed at.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('fleet-table');
    await storeSearch('');
    await ui.fleet.row('cluster-1').waitFor();
  });
});

describe('the keyboard', () => {
  it('reaches the header row in one tab stop and moves along it with the arrow keys, with a visible focus ring', async () => {
    expect(await ui.fleet.headerTabStops.count()).toBe(1);
    await ui.fleet.headerTabStops.first().focus();
    await page.keyboard.press('ArrowRight');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
    expect(await focused()).toBe('sort-role');
    expect(await ui.fleet.headerTabStops.count()).toBe(1);
    expect(await ui.fleet.headerTabStops.first().getAttribute('data-testid')).toBe('sort-role');
    const ring = await page.getByTestId('sort-role').evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(ring).toBe('solid');
    await bothPalettes('header-focus');
    await page.keyboard.press('Enter');
    expect(await ui.fleet.sortState('role')).toBe('ascending');
    await page.keyboard.press('End');
    expect(await focused()).toBe('sort-lastError');
    await page.keyboard.press('Home');
    expect(await focused()).toBe('check-all');
    // Tab leaves the header row: no other header is a stop.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="fleet-header-row"]'))).toBe(false);
    await ui.fleet.sortBy('name');
  });

  it('focuses the search with / and Ctrl+F, which are text while typing', async () => {
    await focusNothing();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('fleet-search');
    await page.keyboard.type('clu/ster?');
    expect(await ui.fleet.searchBox.inputValue()).toBe('clu/ster?');
    expect(await page.getByTestId('shortcuts-dialog').evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
    await ui.fleet.search('');
    await focusNothing();
    await page.keyboard.press('Control+f');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('fleet-search');
  });

  it('lists the shortcuts in a dialog on ?', async () => {
    await focusNothing();
    await page.keyboard.press('?');
    const dialog = page.getByTestId('shortcuts-dialog');
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
    const text = await dialog.innerText();
    for (const key of ['/', 'Ctrl+F', 'F5', 'Ctrl+R', 'Ctrl+I', '?', 'Shift+F10']) expect(text).toContain(key);
    await bothPalettes('shortcuts-dialog');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
  });

  it('opens the import wizard with Ctrl+I', async () => {
    await focusNothing();
    await page.keyboard.press('Control+i');
    await ui.waitForScreen('import');
    await page.getByTestId('import-close').click();
    await ui.waitForScreen('fleet');
  });

  it('raised no page error, console error or CSP violation', () => {
    expect(browser.problems).toEqual({ pageErrors: [], consoleErrors: [], cspViolations: [] });
  });
});
