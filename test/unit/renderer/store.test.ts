/**
 * The store's slices against a fake main: start-up, live updates from
 * fleet:changed, preferences saved through settings:set, removal, the lab,
 * and the import wizard's flow.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withSettingsDefaults, type FleetSnapshot, type LabStatus, type Settings } from '../../../shared/contract/index.js';
import { createAppStore, resetStore, type AppStore } from '../../../renderer/store/store.js';
import { SEARCH_SAVE_DELAY_MS } from '../../../renderer/store/fleet-prefs.slice.js';
import { candidate, deferred, fakeMain, fleetRow, ok, summaryOf, type FakeMain } from './fixtures.js';

const DEFAULT_SETTINGS: Settings = { fleet: { sort: { column: 'name', direction: 'asc' }, filter: '', roleFilter: [], stateFilter: 'all' } };
const NO_LAB: LabStatus = { running: false, clusters: [] };
const PATHS = { state: '/u/flotilla-state.json', logs: '/u/logs', audit: '/u/audit/audit.jsonl' };

function snapshot(rows = [fleetRow('a'), fleetRow('b')], version = 1): FleetSnapshot {
  return { rows, summary: summaryOf(rows), version };
}

/** A fake main that answers start-up calls with an empty or given fleet. */
function mainWith(snap: FleetSnapshot = snapshot([], 0), settings: Settings = DEFAULT_SETTINGS): FakeMain {
  return fakeMain({
    'app:info': () => ok({ version: '0.1.0', platform: 'linux', shell: 'preview', keychain: { available: true, backend: 'test' }, paths: PATHS }),
    'settings:get': () => ok(settings),
    'settings:set': (args) => ok(args.settings as Settings),
    'lab:status': () => ok(NO_LAB),
    'fleet:snapshot': () => ok(snap),
  });
}

describe('start-up', () => {
  it('shows the first screen when no cluster is known', async () => {
    const store = createAppStore(mainWith().api);
    expect(store.getState().screen).toBe('loading');
    await store.getState().boot();
    expect(store.getState().screen).toBe('welcome');
    expect(store.getState().appInfo?.shell).toBe('preview');
  });

  it('shows the fleet when clusters exist, with the saved sort and filters', async () => {
    const settings: Settings = { fleet: { sort: { column: 'k10Version', direction: 'desc' }, filter: 'env=prod', roleFilter: ['primary', 'not-a-role'], stateFilter: 'failed-actions' } };
    const store = createAppStore(mainWith(snapshot(), settings).api);
    await store.getState().boot();
    const s = store.getState();
    expect(s.screen).toBe('fleet');
    expect(Object.keys(s.rowsById)).toEqual(['id-a', 'id-b']);
    expect(s.sort).toEqual({ column: 'k10Version', direction: 'desc' });
    expect(s.search).toBe('env=prod');
    expect(s.roleFilter).toEqual(['primary']);
    expect(s.stateFilter).toBe('failed-actions');
  });

  it('reports a failed call as a notice instead of throwing', async () => {
    const main = mainWith();
    main.handlers['fleet:snapshot'] = () => ({ ok: false, error: { code: 'INTERNAL', message: 'state file broken' } });
    const store = createAppStore(main.api);
    await store.getState().boot();
    expect(store.getState().notices.map((n) => n.message)).toEqual(['state file broken']);
    store.getState().dismissNotice(store.getState().notices[0]!.id);
    expect(store.getState().notices).toEqual([]);
  });
});

describe('live updates from fleet:changed', () => {
  let main: FakeMain;
  let store: AppStore;
  let unsubscribe: () => void;

  beforeEach(async () => {
    main = mainWith(snapshot([fleetRow('a'), fleetRow('b')], 5));
    store = createAppStore(main.api);
    unsubscribe = store.getState().subscribe();
    await store.getState().boot();
  });
  afterEach(() => unsubscribe());

  it('merges upserts and removals and takes the new summary', () => {
    const down = fleetRow('a', { reachability: { state: 'unreachable' } });
    const rows = [down, fleetRow('c')];
    main.emit('fleet:changed', { version: 6, upserts: rows, removed: ['id-b'], summary: summaryOf(rows) });
    const s = store.getState();
    expect(Object.keys(s.rowsById).sort()).toEqual(['id-a', 'id-c']);
    expect(s.rowsById['id-a']?.reachability.state).toBe('unreachable');
    expect(s.summary.reachable).toBe(1);
    expect(s.fleetVersion).toBe(6);
  });

  it('drops an event no newer than what the store holds', () => {
    main.emit('fleet:changed', { version: 5, upserts: [fleetRow('stale')], removed: [], summary: summaryOf([]) });
    expect(Object.keys(store.getState().rowsById)).toEqual(['id-a', 'id-b']);
  });

  it('replays events that arrive while a snapshot is loading on top of it', async () => {
    const pending = deferred<ReturnType<typeof ok<FleetSnapshot>>>();
    main.handlers['fleet:snapshot'] = () => pending.promise;
    const loading = store.getState().loadSnapshot();
    main.emit('fleet:changed', { version: 7, upserts: [fleetRow('late')], removed: [], summary: summaryOf([]) });
    main.emit('fleet:changed', { version: 6, upserts: [fleetRow('old')], removed: [], summary: summaryOf([]) });
    expect(store.getState().rowsById['id-late']).toBeUndefined(); // held until the snapshot lands
    pending.resolve(ok(snapshot([fleetRow('a')], 6)));
    await loading;
    expect(Object.keys(store.getState().rowsById).sort()).toEqual(['id-a', 'id-late']);
    expect(store.getState().fleetVersion).toBe(7);
  });

  it('clears the selection and ticks of clusters that went away', () => {
    store.getState().selectCluster('id-b');
    store.getState().setChecked(['id-a', 'id-b'], true);
    main.emit('fleet:changed', { version: 6, upserts: [], removed: ['id-b'], summary: summaryOf([fleetRow('a')]) });
    expect(store.getState().selectedId).toBeNull();
    expect(store.getState().checkedIds).toEqual({ 'id-a': true });
  });

  it('stops listening when unsubscribed', () => {
    expect(main.listenerCount()).toBe(5); // fleet, lab, join progress, mc progress, clipboard
    unsubscribe();
    expect(main.listenerCount()).toBe(0);
  });
});

describe('removing clusters', () => {
  it('asks main to remove them and drops them at once', async () => {
    const main = mainWith(snapshot([fleetRow('a'), fleetRow('b')], 1));
    main.handlers['clusters:remove'] = (args) => ok({ removed: args.ids });
    const store = createAppStore(main.api);
    await store.getState().boot();
    store.getState().toggleChecked('id-a');
    expect(await store.getState().removeClusters(['id-a'])).toBe(true);
    expect(main.callsTo('clusters:remove')).toEqual([{ ids: ['id-a'] }]);
    expect(Object.keys(store.getState().rowsById)).toEqual(['id-b']);
    expect(store.getState().checkedIds).toEqual({});
  });

  it('keeps the rows and shows why when main refuses', async () => {
    const main = mainWith(snapshot([fleetRow('a')], 1));
    main.handlers['clusters:remove'] = () => ({ ok: false, error: { code: 'KEYCHAIN_UNAVAILABLE', message: 'keychain locked', cluster: 'a' } });
    const store = createAppStore(main.api);
    await store.getState().boot();
    expect(await store.getState().removeClusters(['id-a'])).toBe(false);
    expect(Object.keys(store.getState().rowsById)).toEqual(['id-a']);
    expect(store.getState().notices[0]?.message).toBe('a: keychain locked');
  });
});

describe('fleet preferences', () => {
  afterEach(() => vi.useRealTimers());

  it('saves the sort and role filter at once, inside the whole settings object', async () => {
    const main = mainWith();
    const store = createAppStore(main.api);
    await store.getState().boot();
    store.getState().sortBy('role');
    store.getState().sortBy('role');
    store.getState().toggleRole('secondary');
    await vi.waitFor(() => expect(main.callsTo('settings:set')).toHaveLength(3));
    expect(main.callsTo('settings:set').at(-1)).toEqual({
      settings: { fleet: { sort: { column: 'role', direction: 'desc' }, filter: '', roleFilter: ['secondary'], stateFilter: 'all' } },
    });
  });

  it('saves the search text once typing pauses', async () => {
    vi.useFakeTimers();
    const main = mainWith();
    const store = createAppStore(main.api);
    await store.getState().boot();
    for (const text of ['e', 'en', 'env', 'env=prod']) store.getState().setSearch(text);
    expect(main.callsTo('settings:set')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(SEARCH_SAVE_DELAY_MS + 10);
    expect(main.callsTo('settings:set')).toEqual([{ settings: { fleet: { sort: { column: 'name', direction: 'asc' }, filter: 'env=prod', roleFilter: [], stateFilter: 'all' } } }]);
  });

  it('saves the state filter at once, like the role filter', async () => {
    const main = mainWith();
    const store = createAppStore(main.api);
    await store.getState().boot();
    store.getState().setStateFilter('unreachable');
    expect(store.getState().stateFilter).toBe('unreachable');
    await vi.waitFor(() => expect(main.callsTo('settings:set')).toHaveLength(1));
    expect(main.callsTo('settings:set')[0]).toEqual({
      settings: { fleet: { sort: { column: 'name', direction: 'asc' }, filter: '', roleFilter: [], stateFilter: 'unreachable' } },
    });
  });
});

describe('the settings screen', () => {
  /** A fake main that keeps the settings like the real one: a save merges what it is given. */
  function mainKeepingSettings(): FakeMain & { saved: () => Settings } {
    let saved: Settings = DEFAULT_SETTINGS;
    const main = mainWith();
    main.handlers['settings:get'] = () => ok(withSettingsDefaults(saved));
    main.handlers['settings:set'] = (args) => {
      saved = { ...saved, ...(args.settings as Settings) };
      return ok(withSettingsDefaults(saved));
    };
    return Object.assign(main, { saved: () => saved });
  }

  it('starts with the saved theme, probe interval and clipboard delay, and the defaults for an older state file', async () => {
    const main = mainWith();
    const store = createAppStore(main.api);
    await store.getState().boot();
    expect(store.getState().appSettings).toEqual({ theme: 'system', probeIntervalSeconds: 10, clipboardClearSeconds: 30 });

    const dark = mainWith(snapshot([], 0), { ...DEFAULT_SETTINGS, theme: 'dark', clipboardClearSeconds: 90 });
    const again = createAppStore(dark.api);
    await again.getState().boot();
    expect(again.getState().appSettings).toEqual({ theme: 'dark', probeIntervalSeconds: 10, clipboardClearSeconds: 90 });
  });

  it('saves a change with the fleet view\'s current preferences, so neither undoes the other', async () => {
    const main = mainKeepingSettings();
    const store = createAppStore(main.api);
    await store.getState().boot();
    store.getState().sortBy('role');
    await vi.waitFor(() => expect(main.callsTo('settings:set')).toHaveLength(1));
    expect(await store.getState().setTheme('dark')).toBe(true);
    expect(main.saved()).toMatchObject({ theme: 'dark', fleet: { sort: { column: 'role', direction: 'asc' } } });
    // The fleet view saves again after the theme changed: the theme must stay dark.
    store.getState().toggleRole('primary');
    await vi.waitFor(() => expect(main.callsTo('settings:set')).toHaveLength(3));
    expect(main.saved()).toMatchObject({ theme: 'dark', fleet: { roleFilter: ['primary'] } });
  });

  it('shows the latest save when two answer out of order', async () => {
    const main = mainWith();
    const first = deferred<ReturnType<typeof ok<Settings>>>();
    let calls = 0;
    main.handlers['settings:set'] = (args) => (++calls === 1 ? first.promise : ok(withSettingsDefaults(args.settings as Settings)));
    const store = createAppStore(main.api);
    await store.getState().boot();
    const themeSaved = store.getState().setTheme('dark');
    await store.getState().saveSettings({ clipboardClearSeconds: 75 });
    first.resolve(ok(withSettingsDefaults({ ...DEFAULT_SETTINGS, theme: 'dark' })));
    await themeSaved;
    expect(store.getState().appSettings).toEqual({ theme: 'dark', probeIntervalSeconds: 10, clipboardClearSeconds: 75 });
  });

  it('keeps the old value and shows the error when main refuses a save', async () => {
    const main = mainWith();
    main.handlers['settings:set'] = () => ({ ok: false, error: { code: 'INVALID_ARGS', message: 'too small' } });
    const store = createAppStore(main.api);
    await store.getState().boot();
    expect(await store.getState().saveSettings({ clipboardClearSeconds: 1 })).toBe(false);
    expect(store.getState().appSettings.clipboardClearSeconds).toBe(30);
    expect(store.getState().settingsError?.message).toBe('too small');
  });

  it('opens on the settings screen with the About data, and shows why a folder could not be opened', async () => {
    const main = mainWith();
    main.handlers['app:about'] = () => ok({ versions: { flotilla: '0.1.0', electron: null, node: '22.0.0', clientNode: '1.4.0' }, licenses: [] });
    main.handlers['app:open-path'] = () => ({ ok: false, error: { code: 'UNSUPPORTED', message: 'open /u/logs yourself' } });
    const store = createAppStore(main.api);
    await store.getState().boot();
    store.getState().openSettings();
    expect(store.getState().screen).toBe('settings');
    await vi.waitFor(() => expect(store.getState().about?.versions.clientNode).toBe('1.4.0'));
    await store.getState().openPath('logs');
    expect(main.callsTo('app:open-path')).toEqual([{ which: 'logs' }]);
    expect(store.getState().openPathError?.message).toBe('open /u/logs yourself');
  });
});

describe('the lab fleet', () => {
  it('starts a lab of the chosen size and shows the fleet', async () => {
    const main = mainWith();
    const labRows = [fleetRow('cluster-1', { source: 'lab' })];
    main.handlers['lab:start'] = (args) => {
      main.handlers['fleet:snapshot'] = () => ok(snapshot(labRows, 2));
      return ok({ running: true, clusters: Array.from({ length: args.clusters ?? 3 }, (_, i) => `cluster-${i + 1}`) });
    };
    const store = createAppStore(main.api);
    await store.getState().boot();
    expect(await store.getState().startLab(3)).toBe(true);
    const s = store.getState();
    expect(main.callsTo('lab:start')).toEqual([{ clusters: 3 }]);
    expect(s.labStatus).toEqual({ running: true, clusters: ['cluster-1', 'cluster-2', 'cluster-3'] });
    expect(s.screen).toBe('fleet');
    expect(Object.keys(s.rowsById)).toEqual(['id-cluster-1']);
    expect(s.labBusy).toBeNull();
  });

  it('follows lab:changed', () => {
    const main = mainWith();
    const store = createAppStore(main.api);
    const off = store.getState().subscribe();
    main.emit('lab:changed', { running: true, clusters: ['cluster-1'] });
    expect(store.getState().labStatus.running).toBe(true);
    off();
  });
});

describe('the import wizard', () => {
  const scanResult = {
    scanId: 'scan-1',
    files: [{ path: '/k/config', ok: true, contexts: 3 }],
    candidates: [
      candidate('a'),
      candidate('b', { problems: [{ code: 'missing-file', severity: 'error', message: 'ca.crt missing' }] }),
      candidate('c', { existingClusterId: 'cluster-c' }),
    ],
  } as const;

  function importMain(): FakeMain {
    const main = mainWith();
    main.handlers['kubeconfig:scan'] = () => ok(structuredClone(scanResult) as never);
    main.handlers['kubeconfig:discard'] = () => ok(null);
    main.handlers['kubeconfig:test'] = (args) =>
      ok(args.candidateIds.map((candidateId) => ({ candidateId, reachable: true, latencyMs: 3, kubernetesVersion: 'v1.32.0' })));
    main.handlers['kubeconfig:import'] = (args) => ok({ imported: args.selections.map((s) => s.name), updated: [], skipped: [], failed: [] });
    return main;
  }

  it('scans, lets the user choose, tests and imports, then forgets the scan', async () => {
    const main = importMain();
    const store = createAppStore(main.api);
    await store.getState().boot();
    store.getState().openImport();
    expect(store.getState().screen).toBe('import');

    expect(await store.getState().scanSource({ kind: 'files', paths: ['/k/config'] })).toBe(true);
    let s = store.getState();
    expect(s.importStep).toBe('review');
    expect(s.choices.b?.selected).toBe(false);

    s.setCandidateName('a', 'prod');
    s.setOnExisting('c', 'update');
    await s.testCandidates(['a', 'c']);
    expect(main.callsTo('kubeconfig:test')).toEqual([{ scanId: 'scan-1', candidateIds: ['a', 'c'] }]);
    expect(store.getState().testResults.a?.kubernetesVersion).toBe('v1.32.0');
    expect(store.getState().testingIds).toEqual({});

    await store.getState().importSelected();
    expect(main.callsTo('kubeconfig:import')).toEqual([
      {
        scanId: 'scan-1',
        selections: [
          { candidateId: 'a', name: 'prod', onExisting: 'skip' },
          { candidateId: 'c', name: 'name-c', onExisting: 'update' },
        ],
      },
    ]);
    s = store.getState();
    expect(s.importStep).toBe('report');
    expect(s.importReport?.imported).toEqual(['prod', 'name-c']);
    expect(main.callsTo('kubeconfig:discard')).toEqual([{ scanId: 'scan-1' }]);
    expect(s.scan).toBeNull();
  });

  it('shows a scan error naming the file, and stays on the source step', async () => {
    const main = importMain();
    main.handlers['kubeconfig:scan'] = () => ({ ok: false, error: { code: 'FILE_UNREADABLE', message: '/k/junk: not YAML' } });
    const store = createAppStore(main.api);
    expect(await store.getState().scanSource({ kind: 'files', paths: ['/k/junk'] })).toBe(false);
    expect(store.getState().importStep).toBe('source');
    expect(store.getState().scanError?.message).toBe('/k/junk: not YAML');
  });

  it('never keeps pasted kubeconfig text in the store', async () => {
    const main = importMain();
    const store = createAppStore(main.api);
    const secret = 'token: super-secret-token-value';
    await store.getState().scanSource({ kind: 'text', text: `apiVersion: v1\n${secret}` });
    expect(main.callsTo('kubeconfig:scan')).toHaveLength(1);
    expect(JSON.stringify(store.getState())).not.toContain('super-secret-token-value');
  });

  it('explains that pickers are missing in the preview', async () => {
    const main = importMain();
    main.handlers['kubeconfig:pick-files'] = () => ({ ok: false, error: { code: 'UNSUPPORTED', message: 'No file dialogs in the preview: type paths.' } });
    main.handlers['kubeconfig:pick-folder'] = () => ok('/home/me/kube');
    const store = createAppStore(main.api);
    await store.getState().pickFiles();
    expect(store.getState().pickerNote).toMatch(/type paths/);
    await store.getState().pickFolder();
    expect(store.getState()).toMatchObject({ sourceKind: 'folder', folderPath: '/home/me/kube', pickerNote: null });
  });

  it('discards the scan when the wizard is closed', async () => {
    const main = importMain();
    const store = createAppStore(main.api);
    await store.getState().boot();
    store.getState().openImport();
    await store.getState().scanSource({ kind: 'default' });
    store.getState().closeImport();
    await vi.waitFor(() => expect(main.callsTo('kubeconfig:discard')).toEqual([{ scanId: 'scan-1' }]));
    expect(store.getState().screen).toBe('welcome');
    expect(store.getState().importStep).toBe('source');
  });
});

describe('resetting the store between tests', () => {
  it('puts back the initial state', async () => {
    const store = createAppStore(mainWith(snapshot()).api);
    const initial = store.getState();
    await store.getState().boot();
    expect(store.getState().screen).toBe('fleet');
    resetStore(store, initial);
    expect(store.getState().screen).toBe('loading');
    expect(store.getState().rowsById).toEqual({});
  });
});
