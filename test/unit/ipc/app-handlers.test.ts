import { describe, expect, it } from 'vitest';
import type { FullSettings, KeychainStatus, Settings } from '../../../shared/contract/index.js';
import { appHandlers, type AppHandlerDeps, type SettingsState } from '../../../main/ipc/handlers/app.js';
import { createRouter } from '../../../main/ipc/router.js';

const ctx = { transport: 'test' } as const;
const defaults: Settings = { fleet: { sort: { column: 'name', direction: 'asc' }, filter: '', roleFilter: [], stateFilter: 'all' } };

function fakeState(problem?: string): SettingsState & { writes: number } {
  let current = { settings: structuredClone(defaults) };
  return {
    problem,
    writes: 0,
    get: () => current,
    async update(fn) {
      const draft = structuredClone(current);
      fn(draft);
      current = draft;
      this.writes++;
    },
  };
}

const PATHS = { state: '/u/flotilla-state.json', logs: '/u/logs', audit: '/u/audit/audit.jsonl' };
const FOLDERS = { state: '/u', logs: '/u/logs', audit: '/u/audit' };

function setup(overrides: Partial<AppHandlerDeps> = {}) {
  const opened: string[] = [];
  let probes = 0;
  const state = fakeState(overrides.state?.problem);
  const deps: AppHandlerDeps = {
    shell: 'preview',
    version: '1.2.3',
    platform: 'linux',
    state,
    keychainStatus: async (): Promise<KeychainStatus> => {
      probes++;
      return { available: true, backend: 'memory' };
    },
    openExternal: async (url) => void opened.push(url),
    paths: PATHS,
    folders: FOLDERS,
    about: () => ({ versions: { flotilla: '1.2.3', electron: null, node: '22.0.0', clientNode: '1.4.0' }, licenses: [{ name: 'zod', version: '4.0.0', license: 'MIT' }] }),
    ...overrides,
  };
  const router = createRouter({ validateOutputs: true });
  router.register(appHandlers(deps));
  return { router, opened, state: deps.state as ReturnType<typeof fakeState>, probes: () => probes };
}

describe('app:info', () => {
  it('says what Flotilla runs on and whether the keychain works', async () => {
    const { router } = setup();
    expect(await router.call('app:info', {}, ctx)).toEqual({
      ok: true,
      result: { version: '1.2.3', platform: 'linux', shell: 'preview', keychain: { available: true, backend: 'memory' }, paths: PATHS },
    });
  });

  it('reports a state file that was set aside', async () => {
    const { router } = setup({ state: fakeState('moved to flotilla-state.json.corrupt-1') });
    const r = await router.invoke('app:info', {}, ctx);
    expect(r.ok && r.result.stateProblem).toBe('moved to flotilla-state.json.corrupt-1');
  });

  it('probes a working keychain once, and a broken one again on every call (so a fix shows up)', async () => {
    const working = setup();
    await working.router.call('app:info', {}, ctx);
    await working.router.call('app:info', {}, ctx);
    expect(working.probes()).toBe(1);

    let probes = 0;
    const broken = setup({
      keychainStatus: async () => {
        probes++;
        return { available: false, backend: 'Secret Service', problem: 'No Secret Service: install gnome-keyring.' };
      },
    });
    const r = await broken.router.invoke('app:info', {}, ctx);
    expect(r.ok && r.result.keychain).toEqual({ available: false, backend: 'Secret Service', problem: 'No Secret Service: install gnome-keyring.' });
    await broken.router.call('app:info', {}, ctx);
    expect(probes).toBe(2);
  });
});

describe('settings', () => {
  it('saves what the user chose and returns it', async () => {
    const { router, state } = setup();
    const chosen: FullSettings = {
      fleet: { sort: { column: 'latency', direction: 'desc' }, filter: 'env=prod', roleFilter: ['primary'], stateFilter: 'unreachable' },
      theme: 'dark',
      probeIntervalSeconds: 60,
      clipboardClearSeconds: 120,
    };
    expect(await router.call('settings:set', { settings: chosen }, ctx)).toEqual({ ok: true, result: chosen });
    expect(await router.call('settings:get', {}, ctx)).toEqual({ ok: true, result: chosen });
    expect(state.writes).toBe(1);
  });

  it('answers with the defaults of the fields an older state file does not have', async () => {
    const { router } = setup();
    expect(await router.call('settings:get', {}, ctx)).toEqual({ ok: true, result: { ...defaults, theme: 'system', probeIntervalSeconds: 10, clipboardClearSeconds: 30 } });
  });

  it('keeps the saved fields a caller leaves out (the fleet view saves only its own)', async () => {
    const { router } = setup();
    await router.call('settings:set', { settings: { ...defaults, theme: 'dark', clipboardClearSeconds: 90 } }, ctx);
    const fleetOnly: Settings = { fleet: { ...defaults.fleet, filter: 'x' } };
    const r = await router.invoke('settings:set', { settings: fleetOnly }, ctx);
    expect(r.ok && r.result).toMatchObject({ fleet: { filter: 'x' }, theme: 'dark', clipboardClearSeconds: 90, probeIntervalSeconds: 10 });
  });

  it('refuses numbers outside the settings screen\'s limits', async () => {
    const { router, state } = setup();
    for (const bad of [{ probeIntervalSeconds: 4 }, { probeIntervalSeconds: 301 }, { clipboardClearSeconds: 4 }, { clipboardClearSeconds: 601 }, { theme: 'blue' }]) {
      const r = await router.call('settings:set', { settings: { ...defaults, ...bad } }, ctx);
      expect(r.ok ? 'saved' : r.error.code).toBe('INVALID_ARGS');
    }
    expect(state.writes).toBe(0);
  });

  it('tells the service of a change, with the previous settings', async () => {
    const changes: Array<[number, number]> = [];
    const { router } = setup({ onSettingsChanged: (next, prev) => void changes.push([prev.probeIntervalSeconds, next.probeIntervalSeconds]) });
    await router.call('settings:set', { settings: { ...defaults, probeIntervalSeconds: 45 } }, ctx);
    expect(changes).toEqual([[10, 45]]);
  });
});

describe('app:open-path', () => {
  it('opens the folder of the state file, the logs or the audit log', async () => {
    const dirs: string[] = [];
    const { router } = setup({ openFolder: async (dir) => void dirs.push(dir) });
    for (const which of ['state', 'logs', 'audit'] as const) expect(await router.call('app:open-path', { which }, ctx)).toEqual({ ok: true, result: null });
    expect(dirs).toEqual(['/u', '/u/logs', '/u/audit']);
  });

  it('answers UNSUPPORTED in the preview, with the folder to open by hand', async () => {
    const { router } = setup();
    const r = await router.call('app:open-path', { which: 'logs' }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('UNSUPPORTED');
      expect(r.error.message).toContain('/u/logs');
    }
  });

  it('passes on why the system could not open the folder', async () => {
    const { router } = setup({ openFolder: async () => Promise.reject(new Error('no file manager')) });
    const r = await router.call('app:open-path', { which: 'audit' }, ctx);
    expect(!r.ok && r.error).toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('no file manager') });
  });
});

describe('app:about', () => {
  it('answers the versions and licenses', async () => {
    const { router } = setup();
    const r = await router.invoke('app:about', {}, ctx);
    expect(r.ok && r.result.versions).toEqual({ flotilla: '1.2.3', electron: null, node: '22.0.0', clientNode: '1.4.0' });
  });
});

describe('app:open-external', () => {
  it('opens a web link in the system browser, normalised', async () => {
    const { router, opened } = setup();
    expect(await router.call('app:open-external', { url: 'HTTPS://docs.kasten.io/latest' }, ctx)).toEqual({ ok: true, result: null });
    expect(opened).toEqual(['https://docs.kasten.io/latest']);
  });

  it('refuses anything but a plain http(s) link, saying why', async () => {
    const { router, opened } = setup();
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@example.com', 'smb://host/share']) {
      const r = await router.call('app:open-external', { url }, ctx);
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS', message: expect.stringMatching(/^Flotilla did not open that link: /) } });
    }
    expect(opened).toEqual([]);
  });

  it('in preview, where there is no system browser to call, tells the user to open the link', async () => {
    const { router } = setup({ openExternal: undefined });
    const r = await router.call('app:open-external', { url: 'https://docs.kasten.io/' }, ctx);
    expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', message: expect.stringContaining('https://docs.kasten.io/') } });
  });

  it('explains when the system has no browser to open it with', async () => {
    const { router } = setup({
      openExternal: async () => {
        throw new Error('No application is registered as handling this file');
      },
    });
    const r = await router.call('app:open-external', { url: 'https://docs.kasten.io/' }, ctx);
    expect(r).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED', message: expect.stringContaining('Copy the link') } });
  });
});
