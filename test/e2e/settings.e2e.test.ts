/**
 * Settings in the browser through the preview bridge: reached from the
 * header's gear (and Ctrl+,), the dark theme applied to the page, the
 * clipboard delay and probe interval saved and still there after a reload,
 * the file locations with "Open folder" (which the preview cannot do, and
 * says so with the folder), and About with versions and licenses.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type E2eBrowser } from './support/browser.js';
import { startE2ePreview, type E2ePreview } from './support/preview.js';
import { SCREENSHOT_DIR, screenshot } from './support/artefacts.js';
import { AppPage } from './pages/app.page.js';
import { SettingsPage } from './pages/settings.page.js';

let app: E2ePreview;
let browser: E2eBrowser;
let page: Page;
let ui: AppPage;
let settings: SettingsPage;

beforeAll(async () => {
  app = await startE2ePreview();
  browser = await launchBrowser();
  page = await browser.open(app.url);
  ui = new AppPage(page);
  settings = new SettingsPage(page);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('settings', () => {
  it('opens from the header\'s gear button and from the keyboard', async () => {
    await ui.waitForScreen('welcome');
    await settings.openFromHeader();
    expect(await ui.screen()).toBe('settings');
    await page.getByTestId('screen-back').click();
    await ui.waitForScreen('welcome');
    await page.keyboard.press('Control+Comma');
    await settings.root.waitFor();
    expect(await settings.theme()).toBe('system');
    expect(await settings.appliedTheme()).toBe('system');
  });

  it('switches to the dark theme at once', async () => {
    await settings.chooseTheme('dark');
    await expect.poll(() => settings.appliedTheme()).toBe('dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(20, 23, 29)');
  });

  it('saves the clipboard delay and the probe interval', async () => {
    await settings.setClipboardDelay(75);
    await settings.setProbeInterval(20);
    expect(await settings.clipboardDelay()).toBe('75');
  });

  it('refuses a delay out of range without saving it', async () => {
    const input = page.getByTestId('settings-clipboard-delay-input');
    await input.fill('2');
    expect(await page.getByTestId('settings-clipboard-delay-save').isDisabled()).toBe(true);
    expect(await page.getByTestId('settings-clipboard-delay').innerText()).toContain('from 5 to 600');
  });

  it('keeps the settings after a reload', async () => {
    await page.reload();
    await ui.waitForScreen('welcome');
    await expect.poll(() => settings.appliedTheme()).toBe('dark');
    await settings.openFromHeader();
    expect(await settings.theme()).toBe('dark');
    expect(await settings.clipboardDelay()).toBe('75');
    expect(await settings.probeInterval()).toBe('20');
  });

  it('shows where the state, logs and audit log live, and says which folder to open by hand in the preview', async () => {
    expect(await settings.path('state')).toBe(join(app.userDataDir, 'flotilla-state.json'));
    expect(await settings.path('logs')).toBe(join(app.userDataDir, 'logs'));
    expect(await settings.path('audit')).toBe(join(app.userDataDir, 'audit', 'audit.jsonl'));
    await settings.openFolder('logs');
    await settings.openFolderError.waitFor();
    expect(await settings.openFolderError.innerText()).toContain(join(app.userDataDir, 'logs'));
    await expect.poll(() => page.getByTestId('settings-open-audit').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(27, 31, 39)');
    await screenshot(page, 'settings-01-settings-dark');
  });

  it('shows About: versions of Flotilla, Electron, Node and client-node, and the licenses in a scrolling list', async () => {
    await expect.poll(() => settings.licenseRows.count()).toBeGreaterThan(20);
    expect(await settings.version('flotilla')).toMatch(/^\d+\.\d+\.\d+/);
    expect(await settings.version('electron')).toBe('not running in Electron (preview)');
    expect(await settings.version('node')).toMatch(/^\d+\.\d+\.\d+/);
    expect(await settings.version('client-node')).toMatch(/^\d+\.\d+\.\d+/);
    expect(await page.locator('[data-testid="license-row"][data-name="@kubernetes/client-node"] td').nth(2).innerText()).toBe('Apache-2.0');
    const scrolls = await settings.licenses.evaluate((el) => el.scrollHeight > el.clientHeight);
    expect(scrolls).toBe(true);
    await settings.about.scrollIntoViewIfNeeded();
    await settings.about.screenshot({ path: join(SCREENSHOT_DIR, 'settings-02-about.png') });
    await settings.chooseTheme('light');
    await expect.poll(() => settings.appliedTheme()).toBe('light');
    // Buttons fade to the new colours (a short CSS transition): picture them once they are there.
    await expect.poll(() => page.getByTestId('settings-open-audit').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(255, 255, 255)');
    await page.evaluate(() => document.querySelectorAll('.app-main, .screen').forEach((el) => el.scrollTo(0, 0)));
    await screenshot(page, 'settings-03-settings-light');
  });

  it('raised no page error, console error or CSP violation', () => {
    expect(browser.problems).toEqual({ pageErrors: [], consoleErrors: [], cspViolations: [] });
  });
});
