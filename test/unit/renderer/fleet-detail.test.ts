/**
 * The fleet detail slice: a cluster's failed actions enter the store for the
 * cluster asked for only (an answer for a cluster the user has left is
 * dropped), and opening the K10 dashboard goes through main's guarded
 * app:open-external with the address main found, or says there is none.
 */
import { describe, expect, it } from 'vitest';
import type { FailedActions } from '../../../shared/contract/index.js';
import { createAppStore } from '../../../renderer/store/store.js';
import { deferred, fakeMain, fleetRow, ok } from './fixtures.js';

const list = (name: string): FailedActions => ({ actions: [{ kind: 'RunAction', name, at: '2025-01-01T00:00:00Z', message: 'boom' }], total: 1, complete: true });

describe('fleet detail', () => {
  it('keeps the failed actions of the cluster last asked for, not a late answer for another', async () => {
    const slow = deferred<{ ok: true; result: FailedActions }>();
    const main = fakeMain({ 'fleet:failed-actions': (args) => (args.clusterId === 'a' ? slow.promise : ok(list('b-run'))) });
    const store = createAppStore(main.api);
    const first = store.getState().loadFailedActions('a');
    await store.getState().loadFailedActions('b');
    slow.resolve(ok(list('a-run')));
    await first;
    expect(store.getState().failedActions).toEqual({ clusterId: 'b', state: 'loaded', result: list('b-run') });
    expect(main.callsTo('fleet:failed-actions')).toEqual([
      { clusterId: 'a', limit: 20 },
      { clusterId: 'b', limit: 20 },
    ]);
  });

  it('opens the K10 dashboard main found through app:open-external', async () => {
    const main = fakeMain({ 'fleet:k10-dashboard': () => ok({ url: 'https://k10.example.test/k10/#/', source: 'Ingress kasten-io/k10-ingress' }), 'app:open-external': () => ok(null) });
    const store = createAppStore(main.api);
    await store.getState().openK10Dashboard('a');
    expect(main.callsTo('app:open-external')).toEqual([{ url: 'https://k10.example.test/k10/#/' }]);
    expect(store.getState().notices).toEqual([]);
  });

  it('says so when no dashboard address was found, and opens nothing', async () => {
    const main = fakeMain({ 'fleet:k10-dashboard': () => ok({}) });
    const store = createAppStore(main.api);
    store.setState({ rowsById: { a: fleetRow('edge-1') } });
    await store.getState().openK10Dashboard('a');
    expect(main.callsTo('app:open-external')).toEqual([]);
    expect(store.getState().notices).toMatchObject([{ tone: 'info', message: expect.stringContaining('edge-1: Flotilla found no address for its K10 dashboard') }]);
  });
});
