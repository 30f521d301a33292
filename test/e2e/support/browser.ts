/**
 * Chromium for the end-to-end tests: Debian's binary (never a downloaded
 * one), headless, a fresh profile per launch, and a record of everything
 * that went wrong in the page — uncaught errors, console errors and CSP
 * violations — so every spec can assert there were none.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];


export interface PageProblems {
  pageErrors: string[];
  consoleErrors: string[];
  cspViolations: string[];
}

export interface E2eBrowser {
  context: BrowserContext;
  /** Opens a new tab on `url`, recording its problems into `problems`. */
  open(url: string): Promise<Page>;
  problems: PageProblems;
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1440, height: 900 }): Promise<E2eBrowser> {
  const profileDir = await mkdtemp(join(tmpdir(), 'flotilla-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  const problems: PageProblems = { pageErrors: [], consoleErrors: [], cspViolations: [] };
  // Init scripts run before the page's own and are not subject to its CSP.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  const watch = (page: Page) => {
    page.on('pageerror', (err) => problems.pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      if (/Content Security Policy|CSP violation/.test(text)) problems.cspViolations.push(text);
      else problems.consoleErrors.push(text);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);

  return {
    context,
    problems,
    async open(url) {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close();
      await rm(profileDir, { recursive: true, force: true });
    },
  };
}
