/**
 * `npm run bench` (or `tsx test/bench/fleet-view.bench.ts`): the fleet view
 * with 1,000 clusters in real Chromium (Debian's, headless, as the e2e tests
 * run it), against the real services and a lab fleet of that size.
 *
 * The lab fleet runs in a process of its own (`npm run lab`), as remote
 * clusters would: its kubeconfig is the services' cluster source (as the
 * CLI's --kubeconfig is), behind the same preview server the e2e tests use,
 * so the services' process does only what the app's main process does.
 * Every figure is taken in the page with performance.now() and
 * requestAnimationFrame:
 *
 * - first paint: from navigation to the first frame whose DOM has the table
 *   with every cluster in it (the rows' "checking" skeletons), cold (while
 *   the services open their watches) and warm (a reload once the fleet settled);
 * - filter: from a keystroke in the search box to the frame that shows the
 *   filtered table (after its layout and paint), over 20 keystrokes;
 * - sort: from a click on a column's header to the frame that shows the
 *   sorted table, every column both ways;
 * - burst: an Application added to every lab cluster at once (the lab's
 *   admin endpoint writes it into each store: 1,000 row updates through
 *   the fleet service's watches and fleet:changed events);
 *   the page's frame rate until every row shows it.
 *
 * Targets (issue: fleet scale, renderer) are printed as met or missed and
 * written with the figures to bench-results/fleet-view.json; never fails on them.
 *
 *   npm run bench -- --view-clusters 1000
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { silentLogger } from '../../main/log.js';
import { startPreviewServer } from '../../main/ipc/preview-bridge.js';
import { previewHost } from '../../main/preview.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { createServices } from '../../main/services.js';
import { launchBrowser } from '../e2e/support/browser.js';
import { machine, round, startLabProcess } from './support.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TARGET = { clusters: 1000, firstPaintMs: 1_000, filterMs: 50, sortMs: 100, burstMinFps: 30 };

const { values } = parseArgs({
  args: process.argv.slice(2),
  strict: false,
  options: {
    'view-clusters': { type: 'string', default: process.env.VIEW_BENCH_CLUSTERS ?? '1000' },
    // Another build of the renderer (to compare one with another); default: out/renderer.
    'renderer-dir': { type: 'string', default: join(ROOT, 'out', 'renderer') },
    // Where the figures go (default bench-results/fleet-view.json).
    out: { type: 'string', default: join(ROOT, 'bench-results', 'fleet-view.json') },
  },
});
const RENDERER_DIR = resolve(String(values['renderer-dir']));
const OUT_FILE = resolve(String(values.out));
if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error(`${RENDERER_DIR}/index.html is missing: run \`npm run build:renderer\` first.`);
const size = Number(values['view-clusters']);
if (!Number.isInteger(size) || size < 1) throw new Error(`--view-clusters must be a whole number (got ${String(values['view-clusters'])})`);

interface Stats {
  n: number;
  median: number;
  p95: number;
  max: number;
}
function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN);
  return { n: s.length, median: at(0.5), p95: at(0.95), max: round(s.at(-1) ?? NaN) };
}

interface BenchWindow {
  __fvb: {
    firstTable?: number;
    allRows?: number;
    /** When the fleet snapshot's response (the largest bridge call) had arrived. */
    snapshotAt?: number;
    frames?: number[];
  };
  __flotillaStore?: { getState(): { rowsById: Record<string, { counts: { applications?: number }; reachability: { state: string } }> } };
}

/** In the page, before its own scripts: notes the first frame whose DOM has the table with `n` rows. */
function watchFirstPaint(n: number): void {
  const w = window as unknown as BenchWindow;
  w.__fvb = {};
  const tick = () => {
    const table = document.querySelector('[data-testid="fleet-table"]');
    if (table && w.__fvb.firstTable === undefined) w.__fvb.firstTable = performance.now();
    if (table?.getAttribute('data-row-count') === String(n)) {
      // A message posted from rAF is handled after that frame's style, layout and paint.
      const ch = new MessageChannel();
      ch.port1.onmessage = () => {
        w.__fvb.allRows = performance.now();
        const calls = performance.getEntriesByType('resource').filter((e) => e.name.includes('/__bridge/invoke')) as PerformanceResourceTiming[];
        const snapshot = calls.sort((a, b) => b.encodedBodySize - a.encodedBodySize)[0];
        if (snapshot) w.__fvb.snapshotAt = snapshot.responseEnd;
      };
      ch.port2.postMessage(0);
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/**
 * In the page: runs `act`, then resolves with the ms from just before it to
 * the end of the first frame (after paint) in which `done()` holds.
 */
async function timeToPaint(page: Page, act: 'press' | { click: string }, key: string, doneWhen: { search?: true; sortOf?: string }): Promise<number> {
  await page.evaluate(
    ({ doneWhen }) => {
      const w = window as unknown as BenchWindow & { __fvbWait?: Promise<number>; __fvbStart?: number };
      const done = () => {
        if (doneWhen.search) {
          const input = document.querySelector<HTMLInputElement>('[data-testid="fleet-search"]');
          const shown = document.querySelector('[data-testid="fleet-content"]')?.getAttribute('data-search');
          return input !== null && shown === input.value;
        }
        const header = document.querySelector(`[data-testid="sort-${doneWhen.sortOf}"]`)?.parentElement;
        return header?.getAttribute('aria-sort') === (w as unknown as { __fvbExpect: string }).__fvbExpect;
      };
      w.__fvbWait = new Promise<number>((resolveTime) => {
        const start = () => {
          w.__fvbStart = performance.now();
          const tick = () => {
            if (!done()) return void requestAnimationFrame(tick);
            const ch = new MessageChannel();
            ch.port1.onmessage = () => resolveTime(performance.now() - w.__fvbStart!);
            ch.port2.postMessage(0);
          };
          requestAnimationFrame(tick);
        };
        document.addEventListener('keydown', start, { capture: true, once: true });
        document.addEventListener('click', start, { capture: true, once: true });
      });
    },
    { doneWhen },
  );
  if (act === 'press') await page.keyboard.press(key);
  else {
    const expected = await page.evaluate((col) => {
      const header = document.querySelector(`[data-testid="sort-${col}"]`)?.parentElement;
      const now = header?.getAttribute('aria-sort');
      const next = now === 'ascending' ? 'descending' : 'ascending';
      (window as unknown as { __fvbExpect: string }).__fvbExpect = next;
      return next;
    }, act.click);
    void expected;
    await page.evaluate((col) => document.querySelector<HTMLButtonElement>(`[data-testid="sort-${col}"]`)!.click(), act.click);
  }
  return page.evaluate(() => (window as unknown as { __fvbWait: Promise<number> }).__fvbWait);
}

const dir = mkdtempSync(join(tmpdir(), 'flotilla-view-bench-'));
console.log(`fleet view benchmark: ${size} lab clusters in Chromium (renderer from ${RENDERER_DIR})`);
let t = performance.now();
const lab = await startLabProcess(size);
const kubeconfig = lab.kubeconfigPath;
console.log(`  lab fleet up in ${round((performance.now() - t) / 1000)} s (its own process)`);
// The browser first, as the app opens its window as soon as the services are up (the window's first
// snapshot lets the clusters' connections start: see FleetOptions.firstSnapshotGraceMs).
const browser = await launchBrowser();
const services = await createServices({
  host: previewHost(join(dir, 'data')),
  kubeconfigFile: kubeconfig,
  secrets: new MemorySecretStore(),
  log: silentLogger,
  watchFleet: true,
});
const server = await startPreviewServer({ router: services.router, rendererDir: RENDERER_DIR, log: silentLogger });

try {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  // tsx keeps function names by wrapping them in __name(), which the page lacks: functions sent to it need one.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.addInitScript(watchFirstPaint, size);
  await page.goto(server.url);
  const firstPaint = async () => {
    await page.waitForFunction(() => (window as unknown as BenchWindow).__fvb?.allRows !== undefined, undefined, { timeout: 120_000 });
    return page.evaluate(() => ({ ...(window as unknown as BenchWindow).__fvb }));
  };
  const cold = await firstPaint();
  const paintLine = (p: BenchWindow['__fvb']) =>
    `table at ${round(p.firstTable!)} ms, all ${size} rows at ${round(p.allRows!)} ms (snapshot received at ${round(p.snapshotAt ?? NaN)} ms: ${round(p.allRows! - (p.snapshotAt ?? NaN))} ms in the renderer after it)`;
  console.log(`  first paint, cold: ${paintLine(cold)}`);

  // Settle: every cluster reached and its applications counted.
  t = performance.now();
  await page.waitForFunction(
    () => {
      const rows = Object.values((window as unknown as BenchWindow).__flotillaStore?.getState().rowsById ?? {});
      return rows.length > 0 && rows.every((r) => r.reachability.state === 'reachable' && r.counts.applications !== undefined);
    },
    undefined,
    { timeout: 300_000, polling: 500 },
  );
  const settleMs = performance.now() - t;
  console.log(`  fleet settled (every row reachable, apps counted) ${round(settleMs / 1000)} s later`);

  await page.reload();
  const warm = await firstPaint();
  console.log(`  first paint, warm (reload): ${paintLine(warm)}`);
  await page.waitForFunction(() => Object.values((window as unknown as BenchWindow).__flotillaStore?.getState().rowsById ?? {}).every((r) => r.counts.applications !== undefined), undefined, { timeout: 60_000 });

  // Filter: type a name, then delete it, key by key (1,000 rows → few → 1,000).
  await page.getByTestId('fleet-search').click();
  const filterRuns: number[] = [];
  const typed = 'cluster-42';
  for (const ch of typed) filterRuns.push(await timeToPaint(page, 'press', ch, { search: true }));
  for (let i = 0; i < typed.length; i++) filterRuns.push(await timeToPaint(page, 'press', 'Backspace', { search: true }));
  const filter = stats(filterRuns);
  console.log(`  filter keystroke → paint over ${size} rows: median ${filter.median} ms, p95 ${filter.p95} ms, max ${filter.max} ms (${filter.n} keys: ${filterRuns.map((x) => Math.round(x)).join(' ')})`);

  // Sort: every column, both ways; then back to name ascending.
  const columns = await page.evaluate(() => [...document.querySelectorAll('[data-testid^="sort-"]')].map((b) => b.getAttribute('data-testid')!.slice('sort-'.length)));
  const sortRuns: Record<string, number[]> = {};
  for (const column of columns) {
    sortRuns[column] = [];
    for (let i = 0; i < 2; i++) sortRuns[column].push(await timeToPaint(page, { click: column }, '', { sortOf: column }));
  }
  while ((await page.getByTestId('sort-name').locator('..').getAttribute('aria-sort')) !== 'ascending') await page.getByTestId('sort-name').click();
  const sortAll = stats(Object.values(sortRuns).flat());
  const sortByColumn = Object.fromEntries(Object.entries(sortRuns).map(([c, xs]) => [c, xs.map((x) => round(x))]));
  const slowestColumn = Object.entries(sortRuns).sort((a, b) => Math.max(...b[1]) - Math.max(...a[1]))[0]!;
  console.log(`  sort → paint over ${size} rows: median ${sortAll.median} ms, p95 ${sortAll.p95} ms, max ${sortAll.max} ms (slowest: ${slowestColumn[0]})`);

  // Burst: one more Application in every cluster at once; frames until every row shows it.
  const before = await page.evaluate(() => Object.fromEntries(Object.entries((window as unknown as BenchWindow).__flotillaStore!.getState().rowsById).map(([id, r]) => [id, r.counts.applications ?? 0])));
  await page.evaluate(() => {
    const w = window as unknown as BenchWindow;
    w.__fvb.frames = [];
    const tick = (now: number) => {
      w.__fvb.frames!.push(now);
      if (w.__fvb.frames!.length < 100_000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await new Promise((r) => setTimeout(r, 500)); // a baseline before the burst
  const burstAt = await page.evaluate(() => performance.now());
  await lab.admin('/objects', 'POST', { plural: 'applications', object: { apiVersion: 'apps.kio.kasten.io/v1alpha1', kind: 'Application', metadata: { name: 'bench-burst', namespace: 'default' }, spec: {} } });
  await page.waitForFunction(
    (before) => Object.entries((window as unknown as BenchWindow).__flotillaStore!.getState().rowsById).every(([id, r]) => (r.counts.applications ?? 0) > (before[id] ?? 0)),
    before,
    { timeout: 120_000, polling: 100 },
  );
  const doneAt = await page.evaluate(() => performance.now());
  await new Promise((r) => setTimeout(r, 300));
  const frames = (await page.evaluate(() => (window as unknown as BenchWindow).__fvb.frames!)).filter((f) => f >= burstAt && f <= doneAt + 100);
  const intervals = frames.slice(1).map((f, i) => f - frames[i]!);
  const burstSeconds = (doneAt - burstAt) / 1000;
  // The lowest frame rate over any 500 ms window of the burst.
  let minFps = Number.POSITIVE_INFINITY;
  for (let from = burstAt; from + 500 <= doneAt + 100 || from === burstAt; from += 100) {
    const inWindow = frames.filter((f) => f >= from && f < from + 500).length;
    minFps = Math.min(minFps, inWindow / 0.5);
    if (from + 500 > doneAt + 100) break;
  }
  const burst = {
    rowUpdates: size,
    seconds: round(burstSeconds, 2),
    averageFps: round((frames.length - 1) / ((frames.at(-1)! - frames[0]!) / 1000)),
    minFpsOver500ms: round(minFps),
    frameMs: stats(intervals),
    framesOver33ms: intervals.filter((x) => x > 33.4).length,
  };
  console.log(
    `  burst of ${size} row updates: all shown in ${burst.seconds} s; ${burst.averageFps} fps on average, lowest ${burst.minFpsOver500ms} fps over 500 ms; frame median ${burst.frameMs.median} ms, p95 ${burst.frameMs.p95} ms, longest ${burst.frameMs.max} ms`,
  );

  const met = (ok: boolean) => (ok ? 'met' : 'missed');
  const result = {
    firstPaintMs: Object.fromEntries(
      Object.entries({ cold, warm }).map(([k, p]) => [k, { table: round(p.firstTable!), allRows: round(p.allRows!), snapshotReceived: round(p.snapshotAt ?? NaN), inRendererAfterSnapshot: round(p.allRows! - (p.snapshotAt ?? NaN)) }]),
    ),
    filterMs: { ...filter, runs: filterRuns.map((x) => round(x)) },
    sortMs: { ...sortAll, byColumn: sortByColumn },
    burst,
  };
  const verdicts = {
    firstPaint: met(Math.max(cold.allRows!, warm.allRows!) < TARGET.firstPaintMs),
    filter: met(filter.p95 < TARGET.filterMs),
    sort: met(sortAll.max < TARGET.sortMs),
    burst: met(burst.minFpsOver500ms >= TARGET.burstMinFps),
  };
  console.log(`  target first paint of ${TARGET.clusters} rows < ${TARGET.firstPaintMs} ms (cold and warm): ${verdicts.firstPaint}${size < TARGET.clusters ? ` (measured at ${size})` : ''}`);
  console.log(`  target filter keystroke → paint < ${TARGET.filterMs} ms (p95): ${verdicts.filter}`);
  console.log(`  target sort by any column → paint < ${TARGET.sortMs} ms (slowest of all): ${verdicts.sort}`);
  console.log(`  target burst of ${TARGET.clusters} updates ≥ ${TARGET.burstMinFps} fps (lowest 500 ms window): ${verdicts.burst}`);
  if (browser.problems.pageErrors.length + browser.problems.consoleErrors.length + browser.problems.cspViolations.length > 0) {
    console.log(`  page problems: ${JSON.stringify(browser.problems)}`);
  }
  mkdirSync(dirname(OUT_FILE), { recursive: true });
  writeFileSync(
    OUT_FILE,
    `${JSON.stringify({ machine: machine(), browser: browser.context.browser()?.version() ?? 'chromium (persistent context)', clusters: size, settleMs: round(settleMs), ...result, targets: TARGET, verdicts, problems: browser.problems }, null, 2)}\n`,
  );
} finally {
  await browser.close();
  await server.close();
  await services.stop();
  await lab.stop();
  rmSync(dir, { recursive: true, force: true });
}
