/**
 * The state file: defaults on first start, survives a restart, written
 * atomically and in order, and a file Flotilla cannot use is kept aside and
 * reported — never silently replaced.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withSettingsDefaults } from '../../../shared/contract/app.js';
import { AppStateStore, STATE_FILE } from '../../../main/state/app-state.js';
import type { ClusterRecord } from '../../../main/state/schema.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flotilla-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function record(name: string): ClusterRecord {
  return {
    id: `id-${name}`,
    name,
    server: `https://${name}.example:6443`,
    authKind: 'token',
    source: 'imported',
    contextName: name,
    clusterName: name,
    userName: `${name}-admin`,
    addedAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-01T00:00:00.000Z',
    connection: { server: `https://${name}.example:6443` },
    credentials: {},
    secretFields: ['token'],
  };
}

describe('AppStateStore', () => {
  it('starts with no clusters and the fleet sorted by name when there is no file, and writes nothing until a change', async () => {
    const store = await AppStateStore.open(join(dir, 'nested', 'userData'));
    expect(store.problem).toBeUndefined();
    expect(store.get().clusters).toEqual([]);
    expect(store.get().settings.fleet).toEqual({ sort: { column: 'name', direction: 'asc' }, filter: '', roleFilter: [], stateFilter: 'all' });
    expect(await readdir(join(dir, 'nested', 'userData'))).toEqual([]);
  });

  it('reads a file written before the state filter was saved, with the filter at "all"', async () => {
    const userData = join(dir, 'older');
    await mkdir(userData, { recursive: true });
    const older = { version: 1, clusters: [], settings: { fleet: { sort: { column: 'role', direction: 'desc' }, filter: 'env=prod', roleFilter: [] } } };
    await writeFile(join(userData, STATE_FILE), JSON.stringify(older));
    const store = await AppStateStore.open(userData);
    expect(store.problem).toBeUndefined();
    expect(store.get().settings.fleet).toEqual({ ...older.settings.fleet, stateFilter: 'all' });
  });

  it('reads a file written before the settings screen, keeping its clusters and fleet settings, the new ones at their defaults', async () => {
    const userData = join(dir, 'before-settings');
    await mkdir(userData, { recursive: true });
    const fleet = { sort: { column: 'role', direction: 'desc' }, filter: 'env=prod', roleFilter: ['primary'], stateFilter: 'unreachable' };
    await writeFile(join(userData, STATE_FILE), JSON.stringify({ version: 1, clusters: [record('prod')], settings: { fleet } }));
    const store = await AppStateStore.open(userData);
    expect(store.problem).toBeUndefined();
    expect(store.get().clusters.map((c) => c.name)).toEqual(['prod']);
    expect(withSettingsDefaults(store.get().settings)).toEqual({ fleet, theme: 'system', probeIntervalSeconds: 10, clipboardClearSeconds: 30 });
  });

  it('keeps the theme, probe interval and clipboard delay across a restart, in a version 1 file', async () => {
    const store = await AppStateStore.open(dir);
    await store.update((s) => {
      s.settings = { ...s.settings, theme: 'dark', probeIntervalSeconds: 120, clipboardClearSeconds: 300 };
    });
    const again = await AppStateStore.open(dir);
    expect(again.problem).toBeUndefined();
    expect(again.get().settings).toMatchObject({ theme: 'dark', probeIntervalSeconds: 120, clipboardClearSeconds: 300 });
    expect(JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')).version).toBe(1);
  });

  it('refuses to save a setting out of its limits, writing nothing', async () => {
    const store = await AppStateStore.open(dir);
    await expect(store.update((s) => void (s.settings.probeIntervalSeconds = 1))).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps clusters, settings and the window placement across a restart', async () => {
    const store = await AppStateStore.open(dir);
    await store.update((s) => {
      s.clusters.push(record('prod'));
      s.settings.fleet.filter = 'env=prod';
      s.window = { x: 10, y: 20, width: 1200, height: 800, maximized: false };
    });
    const again = await AppStateStore.open(dir);
    expect(again.problem).toBeUndefined();
    expect(again.get().clusters.map((c) => c.name)).toEqual(['prod']);
    expect(again.get().settings.fleet.filter).toBe('env=prod');
    expect(again.get().window).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: false });
    const onDisk = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8'));
    expect(onDisk.version).toBe(1);
  });

  it.skipIf(process.platform === 'win32')('writes the file readable by the user only', async () => {
    const store = await AppStateStore.open(dir);
    await store.update((s) => void s.clusters.push(record('a')));
    expect((await stat(join(dir, STATE_FILE))).mode & 0o777).toBe(0o600);
  });

  it('applies concurrent updates one after another, losing none', async () => {
    const store = await AppStateStore.open(dir);
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.update((s) => void s.clusters.push(record(`c${i}`)))));
    expect(store.get().clusters).toHaveLength(25);
    const again = await AppStateStore.open(dir);
    expect(again.get().clusters.map((c) => c.name).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `c${i}`).sort());
    // No temporary file is left behind.
    expect(await readdir(dir)).toEqual([STATE_FILE]);
  });

  it('leaves the state and the file as they were when an update throws, and keeps serving later updates', async () => {
    const store = await AppStateStore.open(dir);
    await store.update((s) => void s.clusters.push(record('a')));
    const before = await readFile(join(dir, STATE_FILE), 'utf8');
    await expect(
      store.update((s) => {
        s.clusters.push(record('b'));
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(store.get().clusters.map((c) => c.name)).toEqual(['a']);
    expect(await readFile(join(dir, STATE_FILE), 'utf8')).toBe(before);
    await store.update((s) => void s.clusters.push(record('c')));
    expect(store.get().clusters.map((c) => c.name)).toEqual(['a', 'c']);
  });

  it('refuses to save a state that would not load again', async () => {
    const store = await AppStateStore.open(dir);
    await expect(store.update((s) => void ((s.settings.fleet as { filter: unknown }).filter = 42))).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('hands out a frozen state, so nobody changes it behind the file', async () => {
    const store = await AppStateStore.open(dir);
    expect(() => (store.get().clusters as ClusterRecord[]).push(record('x'))).toThrow(TypeError);
  });

  it('removes temporary files left by a write that crashed', async () => {
    await writeFile(join(dir, `${STATE_FILE}.tmp-123-abc`), '{"half":');
    await AppStateStore.open(dir);
    expect(await readdir(dir)).toEqual([]);
  });

  describe('a file it cannot use is moved aside and reported, never replaced', () => {
    async function openWith(content: string) {
      await writeFile(join(dir, STATE_FILE), content);
      const store = await AppStateStore.open(dir);
      const names = await readdir(dir);
      const aside = names.find((n) => n.startsWith(`${STATE_FILE}.corrupt-`));
      return { store, names, aside };
    }

    it('not JSON', async () => {
      const { store, names, aside } = await openWith('{"version": 1, "clusters": [');
      expect(aside).toBeDefined();
      expect(names).not.toContain(STATE_FILE);
      expect(await readFile(join(dir, aside!), 'utf8')).toBe('{"version": 1, "clusters": [');
      expect(store.problem).toContain(join(dir, STATE_FILE));
      expect(store.problem).toContain(join(dir, aside!));
      expect(store.problem).toMatch(/not valid JSON/);
      expect(store.get().clusters).toEqual([]);
    });

    it('a version this Flotilla does not know', async () => {
      const { store, aside } = await openWith(JSON.stringify({ version: 2, clusters: [], settings: {} }));
      expect(aside).toBeDefined();
      expect(store.problem).toMatch(/version 2/);
      expect(store.problem).toContain(aside!);
    });

    it('valid JSON of the wrong shape, naming where', async () => {
      const { store, aside } = await openWith(JSON.stringify({ version: 1, clusters: [{ id: 'x' }], settings: {} }));
      expect(aside).toBeDefined();
      expect(store.problem).toMatch(/clusters\.0/);
    });

    it('and a change after that writes a new file while the old one stays aside', async () => {
      const { store, aside } = await openWith('garbage');
      await store.update((s) => void s.clusters.push(record('new')));
      expect(await readFile(join(dir, aside!), 'utf8')).toBe('garbage');
      expect((await AppStateStore.open(dir)).get().clusters.map((c) => c.name)).toEqual(['new']);
    });
  });
});
