/**
 * The preview bridge's renderer shim in a real Chromium: the page gets the
 * same `window.flotilla` as under Electron, reaches the router through the
 * bridge under a strict CSP, receives events, and keeps its secret out of
 * the address bar. A page on another origin cannot use the bridge.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/contract/index.js';
import { createRouter, type Router } from '../../main/ipc/router.js';
import { startPreviewServer, type PreviewServer } from '../../main/ipc/preview-bridge.js';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'";
const shimSource = fileURLToPath(new URL('../../renderer/preview-bridge-client.ts', import.meta.url));

let dir: string;
let router: Router;
let server: PreviewServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-shim-'));
  await build({ entryPoints: [shimSource], bundle: true, format: 'esm', outfile: join(dir, 'bridge.js'), logLevel: 'silent' });
  await writeFile(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${CSP}"><script type="module" src="/bridge.js"></script></head><body>preview</body></html>`,
  );
  router = createRouter({ validateOutputs: true });
  router.register({
    'lab:start': (args) => ({ running: true, clusters: Array.from({ length: args.clusters }, (_, i) => `cluster-${i + 1}`) }),
    'lab:status': () => {
      throw new AppError('NOT_FOUND', 'No lab fleet is running.');
    },
  });
  server = await startPreviewServer({ router, rendererDir: dir });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  page = await browser.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => 'flotilla' in window);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('window.flotilla over the preview bridge, in Chromium', () => {
  it('calls the router and gets its result', async () => {
    const r = await page.evaluate(() => window.flotilla.invoke('lab:start', { clusters: 2 }));
    expect(r).toEqual({ ok: true, result: { running: true, clusters: ['cluster-1', 'cluster-2'] } });
  });

  it('gets errors as values, not exceptions', async () => {
    expect(await page.evaluate(() => window.flotilla.invoke('lab:status', {}))).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No lab fleet is running.' } });
    const bad = await page.evaluate(() => window.flotilla.invoke('lab:start', { clusters: 0 }));
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS', message: expect.stringContaining('clusters') } });
  });

  it('receives events until it unsubscribes', async () => {
    await page.evaluate(() => {
      const w = window as unknown as { got: unknown[]; off: () => void };
      w.got = [];
      w.off = window.flotilla.on('lab:changed', (p) => w.got.push(p));
    });
    // The stream connects asynchronously; emit until the page has seen one.
    await expect
      .poll(async () => {
        router.events.emit('lab:changed', { running: true, clusters: ['cluster-7'] });
        return page.evaluate(() => (window as unknown as { got: unknown[] }).got.length);
      })
      .toBeGreaterThan(0);
    expect(await page.evaluate(() => (window as unknown as { got: unknown[] }).got[0])).toEqual({ running: true, clusters: ['cluster-7'] });

    const seen = await page.evaluate(() => (window as unknown as { got: unknown[] }).got.length);
    await page.evaluate(() => (window as unknown as { off: () => void }).off());
    router.events.emit('lab:changed', { running: false, clusters: [] });
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { got: unknown[] }).got.length)).toBe(seen);
  });

  it('takes the secret out of the address bar and keeps working after a reload', async () => {
    expect(page.url()).toBe(`${server.origin}/`);
    await page.reload();
    await page.waitForFunction(() => 'flotilla' in window);
    expect(await page.evaluate(() => window.flotilla.invoke('lab:start', { clusters: 1 }))).toMatchObject({ ok: true });
  });

  it('tells a page opened without the secret how to get in', async () => {
    const other = await browser.newPage();
    try {
      await other.goto(`${server.origin}/`);
      await other.waitForFunction(() => 'flotilla' in window);
      const r = await other.evaluate(() => window.flotilla.invoke('lab:start', { clusters: 1 }));
      expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: expect.stringContaining('npm run preview') } });
    } finally {
      await other.close();
    }
  });

  it('cannot be used by a page on another origin, even one that knows the secret', async () => {
    const evil: Server = createServer((_req, res) => res.end('<!doctype html><title>evil</title>'));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    const evilPage = await browser.newPage();
    try {
      await evilPage.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const outcome = await evilPage.evaluate(
        async ({ target, secret }) => {
          try {
            const r = await fetch(`${target}/__bridge/invoke`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-flotilla-bridge': secret },
              body: JSON.stringify({ channel: 'lab:start', args: { clusters: 1 } }),
            });
            return `status ${r.status}`;
          } catch {
            return 'blocked';
          }
        },
        { target: server.origin, secret: server.secret },
      );
      expect(outcome).toBe('blocked');
    } finally {
      await evilPage.close();
      evil.close();
    }
  });

  it('runs under the strict CSP without violations', () => {
    expect(pageErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });
});
