/**
 * The settings screen's settings through the router, as every shell calls
 * them, with the real state file and services: defaults for a state file
 * written before they existed, kept across a restart, the probe interval
 * handed to the fleet service at once, the clipboard delay used by the next
 * copy of a join token (against a lab fleet over real HTTPS), the paths in
 * app:info, and app:open-path, which the preview cannot do.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryClipboard } from '../../main/host/clipboard.js';
import type { Host } from '../../main/host/host.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { silentLogger } from '../../main/log.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { createServices, type Services, type ServicesOptions } from '../../main/services.js';
import { STATE_FILE } from '../../main/state/app-state.js';
import { routerCalls } from '../support/router-calls.js';

const FLEET = { sort: { column: 'role', direction: 'desc' as const }, filter: 'env=prod', roleFilter: ['primary'], stateFilter: 'all' };

describe('settings', () => {
  let dir: string;
  let services: Services | undefined;
  const { call, failure } = routerCalls(() => services!.router);

  const start = async (host: Partial<Host> = {}, opts: Partial<ServicesOptions> = {}) => {
    services = await createServices({
      host: { shell: 'preview', userDataDir: join(dir, 'user-data'), ...host },
      secrets: new MemorySecretStore(),
      log: silentLogger,
      watchFleet: false,
      ...opts,
    });
    return services;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-settings-'));
  });
  afterEach(async () => {
    await services?.stop();
    services = undefined;
    rmSync(join(dir, 'user-data'), { recursive: true, force: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a state file written before the settings screen, keeping its fleet settings and filling in the defaults', async () => {
    mkdirSync(join(dir, 'user-data'), { recursive: true });
    writeFileSync(join(dir, 'user-data', STATE_FILE), JSON.stringify({ version: 1, clusters: [], settings: { fleet: FLEET } }));
    const s = await start();
    const info = await call('app:info', {});
    expect(info.stateProblem).toBeUndefined();
    expect(await call('settings:get', {})).toEqual({ fleet: FLEET, theme: 'system', probeIntervalSeconds: 10, clipboardClearSeconds: 30 });
    expect(s.fleet.probeIntervalMs).toBe(10_000);
  });

  it('saves the theme, probe interval and clipboard delay in the version 1 state file, and keeps them across a restart', async () => {
    await start();
    await call('settings:set', { settings: { fleet: FLEET, theme: 'dark', probeIntervalSeconds: 45, clipboardClearSeconds: 120 } });
    // The fleet view saves only its own part: the others stay.
    await call('settings:set', { settings: { fleet: { ...FLEET, filter: 'env=dev' } } });
    const onDisk = JSON.parse(readFileSync(join(dir, 'user-data', STATE_FILE), 'utf8'));
    expect(onDisk.version).toBe(1);
    expect(onDisk.settings).toMatchObject({ theme: 'dark', probeIntervalSeconds: 45, clipboardClearSeconds: 120, fleet: { filter: 'env=dev' } });
    await services!.stop();
    const again = await start();
    expect(await call('settings:get', {})).toEqual({ fleet: { ...FLEET, filter: 'env=dev' }, theme: 'dark', probeIntervalSeconds: 45, clipboardClearSeconds: 120 });
    expect(again.fleet.probeIntervalMs).toBe(45_000);
  });

  it('hands a new probe interval to the fleet service at once', async () => {
    const s = await start();
    await call('settings:set', { settings: { fleet: FLEET, probeIntervalSeconds: 120 } });
    expect(s.fleet.probeIntervalMs).toBe(120_000);
  });

  it('leaves a probe interval tuned by the caller (tests) alone at start, and still applies a change', async () => {
    mkdirSync(join(dir, 'user-data'), { recursive: true });
    writeFileSync(join(dir, 'user-data', STATE_FILE), JSON.stringify({ version: 1, clusters: [], settings: { fleet: FLEET, probeIntervalSeconds: 60 } }));
    const s = await start({}, { fleetOptions: { probeIntervalMs: 250 } });
    expect(s.fleet.probeIntervalMs).toBe(250);
    await call('settings:set', { settings: { fleet: FLEET, probeIntervalSeconds: 30 } });
    expect(s.fleet.probeIntervalMs).toBe(30_000);
  });

  it('refuses a probe interval or clipboard delay out of range, changing nothing', async () => {
    const s = await start();
    expect((await failure('settings:set', { settings: { fleet: FLEET, probeIntervalSeconds: 2 } })).code).toBe('INVALID_ARGS');
    expect((await failure('settings:set', { settings: { fleet: FLEET, clipboardClearSeconds: 601 } })).code).toBe('INVALID_ARGS');
    expect(s.fleet.probeIntervalMs).toBe(10_000);
  });

  it('says where the state file, logs and audit log live', async () => {
    await start();
    const ud = join(dir, 'user-data');
    expect((await call('app:info', {})).paths).toEqual({ state: join(ud, STATE_FILE), logs: join(ud, 'logs'), audit: join(ud, 'audit', 'audit.jsonl') });
  });

  it('answers app:open-path with UNSUPPORTED in the preview, naming the folder to open by hand', async () => {
    await start();
    const err = await failure('app:open-path', { which: 'audit' });
    expect(err.code).toBe('UNSUPPORTED');
    expect(err.message).toContain(join(dir, 'user-data', 'audit'));
  });

  it('opens the folder through the host where it can, creating it first', async () => {
    const opened: string[] = [];
    await start({ shell: 'electron', openPath: async (d) => void opened.push(d) });
    expect(await call('app:open-path', { which: 'logs' })).toBeNull();
    expect(await call('app:open-path', { which: 'state' })).toBeNull();
    expect(opened).toEqual([join(dir, 'user-data', 'logs'), join(dir, 'user-data')]);
  });

  it('answers About with the versions and the bundled licenses', async () => {
    await start();
    const about = await call('app:about', {});
    expect(about.versions).toMatchObject({ flotilla: expect.any(String), electron: null, node: process.versions.node, clientNode: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(about.licenses.find((l) => l.name === '@kubernetes/client-node')?.license).toBe('Apache-2.0');
  });
});

describe('the clipboard clear delay against a lab fleet', () => {
  let lab: LabFleet;
  let dir: string;
  let services: Services;
  let clipboard: MemoryClipboard;
  let secretName = '';
  const { call } = routerCalls(() => services.router);
  const id = 'kubeconfig:cluster-1';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-settings-clip-'));
    const kubeconfig = join(dir, 'lab.kubeconfig');
    lab = await startLabFleet({ clusters: 1, kubeconfigPath: kubeconfig });
    clipboard = new MemoryClipboard();
    services = await createServices({
      host: { shell: 'cli', userDataDir: join(dir, 'user-data'), clipboard },
      kubeconfigFile: kubeconfig,
      secrets: new MemorySecretStore(),
      log: silentLogger,
      k10TimeoutMs: 10_000,
    });
    await call('promote:run', { clusterId: id, name: 'cluster-1', ingressUrl: lab.cluster('cluster-1').k10IngressUrl });
    secretName = (await call('tokens:create', { clusterId: id, name: 'settings-token' })).secretName;
  }, 60_000);

  afterAll(async () => {
    await services?.stop();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('clears a copy that names no delay after the default 30 s', async () => {
    const before = Date.now();
    const r = await call('tokens:copy', { clusterId: id, secretName });
    expect(r.clearAfterMs).toBe(30_000);
    expect(Date.parse(r.expiresAt) - before).toBeGreaterThanOrEqual(30_000 - 1_000);
    expect(clipboard.text).not.toBe('');
  });

  it('uses the saved delay for the next copy that names none, and the named one when given', async () => {
    const current = await call('settings:get', {});
    await call('settings:set', { settings: { ...current, clipboardClearSeconds: 90 } });
    const before = Date.now();
    const r = await call('tokens:copy', { clusterId: id, secretName });
    expect(r.clearAfterMs).toBe(90_000);
    const left = Date.parse(r.expiresAt) - before;
    expect(left).toBeGreaterThanOrEqual(89_000);
    expect(left).toBeLessThanOrEqual(91_000);
    expect((await call('tokens:copy', { clusterId: id, secretName, clearAfterMs: 5_000 })).clearAfterMs).toBe(5_000);
    expect(await call('tokens:clear-clipboard', {})).toEqual({ cleared: true });
  });
});
