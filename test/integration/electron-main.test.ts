/**
 * The real Electron main bundle (build/bundle.mjs output), run under Node
 * with a stand-in for Electron (fixtures/fake-electron.mjs), because the
 * Electron binary cannot be downloaded where these tests run. It proves the
 * bundle loads and wires the real services, and that what main/app promises
 * holds: one sandboxed, isolated window; IPC only from the app's own main
 * frame; navigation, window.open, <webview> and permissions refused; events
 * forwarded; the window's placement remembered; a second instance leaves.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const register = fileURLToPath(new URL('./fixtures/fake-electron-register.mjs', import.meta.url));

interface Report {
  paths: Record<string, string>;
  sandboxEnabled: boolean;
  windows: Array<{ options: { x?: number; y?: number; width: number; height: number; webPreferences: Record<string, unknown> } }>;
  ipcChannels: string[];
  menuRoles?: string[];
  steps: Record<string, unknown>;
  opened: string[];
  errors: string[];
  quit: boolean;
}

let outDir: string;
let appData: string;
let userData: string;

async function startMain(scenario: 'full' | 'open-close', env: Record<string, string> = {}): Promise<Report> {
  const { stdout } = await run(process.execPath, ['--import', register, join(outDir, 'main', 'main.mjs')], {
    cwd: root,
    env: { ...process.env, FAKE_ELECTRON_APP_DATA: appData, FAKE_ELECTRON_SCENARIO: scenario, ...env },
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.split('\n').find((l) => l.startsWith('FAKE-ELECTRON-REPORT '));
  if (!line) throw new Error(`no report from main; stdout was:\n${stdout}`);
  return JSON.parse(line.slice('FAKE-ELECTRON-REPORT '.length)) as Report;
}

let first: Report;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'flotilla-bundle-'));
  appData = await mkdtemp(join(tmpdir(), 'flotilla-appdata-'));
  userData = join(appData, 'Flotilla');
  await run(process.execPath, [join(root, 'build', 'bundle.mjs'), '--out', outDir], { cwd: root });
  first = await startMain('full');
}, 180_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
  await rm(appData, { recursive: true, force: true });
});

describe('the Electron main process (bundled, under a stand-in for Electron)', () => {
  it('starts without errors and quits cleanly when its window closes', () => {
    expect(first.errors).toEqual([]);
    expect(first.quit).toBe(true);
  });

  it('keeps its data in a "Flotilla" folder of the OS app-data folder', () => {
    expect(first.paths.userData).toBe(userData);
  });

  it('opens one window: sandboxed, context-isolated, no Node, no <webview>, no spellchecker downloads', () => {
    expect(first.sandboxEnabled).toBe(true);
    expect(first.windows).toHaveLength(1);
    const prefs = first.windows[0].options.webPreferences;
    expect(prefs).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webviewTag: false, webSecurity: true, spellcheck: false });
    expect(String(prefs.preload)).toMatch(/preload[/\\]preload\.cjs$/);
  });

  it('has one IPC entry point and the usual menus', () => {
    expect(first.ipcChannels).toEqual(['flotilla:invoke']);
    expect(first.menuRoles).toEqual(expect.arrayContaining(['fileMenu', 'editMenu', 'viewMenu', 'windowMenu']));
  });

  it("answers the app's own main frame through the router", () => {
    expect(first.steps.fromAppFrame).toEqual({
      ok: true,
      result: { fleet: { sort: { column: 'name', direction: 'asc' }, filter: '', roleFilter: [], stateFilter: 'all' }, theme: 'system', probeIntervalSeconds: 10, clipboardClearSeconds: 30 },
    });
    expect(first.steps.unknownChannel).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS' } });
  });

  it('refuses IPC from any other page, a subframe, another window, or a frame that is gone', () => {
    for (const step of ['fromOtherPage', 'fromSubframe', 'fromOtherContents', 'fromDeadFrame']) {
      expect(first.steps[step], step).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });

  it('keeps the window on the app page and sends web links to the system browser', () => {
    expect(first.steps.navigate).toEqual({ appPage: 'allowed', docs: 'prevented', javascript: 'prevented', file: 'prevented', subframeDocs: 'prevented' });
    expect(first.steps.windowOpen).toEqual({ docs: 'deny', file: 'deny' });
    expect(first.opened).toEqual(['https://docs.kasten.io/latest/', 'https://docs.kasten.io/multicluster']);
  });

  it('blocks <webview> and denies every permission', () => {
    expect(first.steps.webviewPrevented).toBe(true);
    expect(first.steps.permissions).toEqual({ request: false, check: false, device: false });
  });

  it('starts a lab fleet on request and forwards its events to the window', () => {
    expect(first.steps.labStart).toEqual({ ok: true, result: { running: true, clusters: ['cluster-1'] } });
    expect(first.steps.eventsSent).toContain('flotilla:event lab:changed');
    expect(first.steps.labStop).toMatchObject({ ok: true, result: { running: false } });
  });

  it('remembers where the window was', async () => {
    const state = JSON.parse(await readFile(join(userData, 'flotilla-state.json'), 'utf8')) as { window?: unknown };
    expect(state.window).toEqual({ x: 40, y: 60, width: 1111, height: 777, maximized: false });
    const again = await startMain('open-close');
    expect(again.windows[0].options).toMatchObject({ x: 40, y: 60, width: 1111, height: 777 });
  });

  it('leaves at once when another Flotilla is already running', async () => {
    const second = await startMain('open-close', { FAKE_ELECTRON_LOCK: '0' });
    expect(second.windows).toEqual([]);
    expect(second.quit).toBe(true);
  });

  it('runs the flotilla command in its own main process with --cli: no window, no lock, its exit code', async () => {
    const cli = (args: string[]) =>
      run(process.execPath, ['--import', register, join(outDir, 'main', 'main.mjs'), '--cli', ...args], {
        cwd: root,
        env: { ...process.env, FAKE_ELECTRON_APP_DATA: appData, FAKE_ELECTRON_LOCK: '0', FLOTILLA_DATA_DIR: userData },
        timeout: 60_000,
      }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (err: { code?: number; stdout?: string; stderr?: string }) => ({ code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }),
      );
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: flotilla COMMAND');
    const report = JSON.parse(help.stdout.split('\n').find((l) => l.startsWith('FAKE-ELECTRON-REPORT '))!.slice('FAKE-ELECTRON-REPORT '.length)) as Report;
    expect(report.windows).toEqual([]);
    const bad = await cli(['tokn']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "tokn"');
  });

  it('writes no credential of the lab fleet to the user-data folder or the log', async () => {
    const log = await readFile(join(userData, 'logs', 'main.log'), 'utf8');
    expect(log).toContain('services started (electron)');
    expect(log).not.toMatch(/-----BEGIN|Bearer [A-Za-z0-9]/);
  });
});
