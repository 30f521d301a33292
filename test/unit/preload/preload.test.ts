/**
 * The preload, with Electron's contextBridge and ipcRenderer replaced by
 * recorders: what the page gets as window.flotilla.
 */
import { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { FlotillaBridge } from '../../../shared/contract/bridge.js';

const exposed = new Map<string, unknown>();
const ipc = Object.assign(new EventEmitter(), {
  calls: [] as unknown[][],
  invoke: vi.fn(async (...args: unknown[]) => {
    ipc.calls.push(args);
    return { ok: true, result: null };
  }),
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: ipc,
}));

let flotilla: FlotillaBridge;

beforeAll(async () => {
  await import('../../../main/preload/index.js');
  flotilla = exposed.get('flotilla') as FlotillaBridge;
});

describe('window.flotilla from the preload', () => {
  it('is the only thing exposed, and it is two functions, not ipcRenderer', () => {
    expect([...exposed.keys()]).toEqual(['flotilla']);
    expect(Object.keys(flotilla).sort()).toEqual(['invoke', 'on']);
  });

  it('sends every call over the one invoke channel, the contract channel as data', async () => {
    await flotilla.invoke('lab:start', { clusters: 2 });
    expect(ipc.calls.at(-1)).toEqual(['flotilla:invoke', 'lab:start', { clusters: 2 }]);
  });

  it('hands listeners the payload only, never the Electron event', () => {
    const got: unknown[][] = [];
    const off = flotilla.on('lab:changed', (...args: unknown[]) => got.push(args));
    ipc.emit('flotilla:event', { sender: 'secret-ipc-object' }, 'lab:changed', { running: true, clusters: [] });
    ipc.emit('flotilla:event', { sender: 'x' }, 'fleet:changed', { version: 1 });
    expect(got).toEqual([[{ running: true, clusters: [] }]]);
    off();
    ipc.emit('flotilla:event', {}, 'lab:changed', { running: false, clusters: [] });
    expect(got).toHaveLength(1);
    expect(ipc.listenerCount('flotilla:event')).toBe(0);
  });

  it('ignores subscriptions to events the contract does not declare', () => {
    const off = flotilla.on('ipc:anything' as never, () => {});
    expect(ipc.listenerCount('flotilla:event')).toBe(0);
    off();
  });
});
