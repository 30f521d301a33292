/**
 * What a first start on a bare machine shows, in the browser through the
 * preview bridge: no keychain (no D-Bus session here), said on every screen
 * with how to fix it before anyone picks files to import; and a state file
 * that could not be read, moved aside, said where it is now, with "Open
 * folder" (which the preview cannot do, and says so with the folder) and
 * Dismiss. Both pass axe-core in light and dark.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type E2eBrowser } from './support/browser.js';
import { startE2ePreview, type E2ePreview } from './support/preview.js';
import { violationsInBothPalettes } from './support/axe.js';
import { AppPage } from './pages/app.page.js';
import { SettingsPage } from './pages/settings.page.js';

const DAMAGED = '{"version": 1, "clusters": [ this is not JSON';

let app: E2ePreview;
let browser: E2eBrowser;
let page: Page;
let ui: AppPage;

beforeAll(async () => {
  // No session bus: the keychain cannot be reached, as on a machine with no desktop session.
  // (This file runs in a process of its own, so no other test's keychain is touched.)
  process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/flotilla-no-bus';
  app = await startE2ePreview({ beforeStart: async (dir) => writeFileSync(join(dir, 'flotilla-state.json'), DAMAGED) });
  browser = await launchBrowser();
  page = await browser.open(app.url);
  ui = new AppPage(page);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('first start on a bare machine', () => {
  it('says at once that there is no keychain, and how to fix it, before any import', async () => {
    await ui.waitForScreen('welcome');
    const warning = page.getByTestId('keychain-warning');
    await warning.waitFor();
    const text = await warning.innerText();
    expect(text).toMatch(/No OS keychain available/);
    expect(text).toMatch(/gnome-keyring/);
    expect(text).toMatch(/dbus-run-session/);
    // On every screen, not only the import wizard's last step.
    await new SettingsPage(page).openFromHeader();
    await warning.waitFor();
    await page.getByTestId('screen-back').click();
    await ui.waitForScreen('welcome');
  });

  it('says the saved state was moved aside, and where, keeping the old file', async () => {
    const warning = page.getByTestId('state-warning');
    await warning.waitFor();
    const text = await warning.innerText();
    const moved = /moved to (\S+flotilla-state\.json\.corrupt-\S+?)[,.]?\s/.exec(text)?.[1];
    expect(moved, text).toBeDefined();
    expect(moved).toContain(app.userDataDir);
    // Nothing is lost: the old content is there, under its new name, and the path is given in full (not redacted).
    expect(existsSync(moved!)).toBe(true);
    expect(readFileSync(moved!, 'utf8')).toBe(DAMAGED);
    expect(text).not.toContain('[redacted]');
  });

  it('passes axe-core with both warnings shown, in light and dark', async () => {
    expect(await violationsInBothPalettes(page, 'first-run-warnings')).toEqual([]);
  });

  it('offers the folder: the preview cannot open one, and says which it is', async () => {
    await page.getByTestId('state-warning-open').click();
    const error = page.getByTestId('state-warning-open-error');
    await error.waitFor();
    expect(await error.innerText()).toContain(app.userDataDir);
  });

  it('keeps the state notice until dismissed; the keychain warning stays while it is true', async () => {
    await page.getByTestId('state-warning-dismiss').click();
    await page.getByTestId('state-warning').waitFor({ state: 'detached' });
    expect(await page.getByTestId('keychain-warning').isVisible()).toBe(true);
  });
});
