/** How progress events merge: steps by name, join states per cluster without going back, and operation runs in the store. */
import { describe, expect, it } from 'vitest';
import type { Step } from '../../../shared/contract/index.js';
import { countJoinStates, mergeJoinProgress, mergeStep } from '../../../renderer/store/progress.js';
import { createAppStore } from '../../../renderer/store/store.js';
import { deferred, fakeMain, ok } from './fixtures.js';

describe('mergeStep', () => {
  const running: Step = { step: 'Create the Bootstrap', state: 'running' };

  it('appends a new step and replaces one of the same name in place', () => {
    const a = mergeStep([], { step: 'Create namespace kasten-io-mc', state: 'done' });
    const b = mergeStep(a, running);
    const c = mergeStep(b, { step: 'Create the Bootstrap', state: 'failed', message: 'forbidden' });
    expect(c).toEqual([
      { step: 'Create namespace kasten-io-mc', state: 'done' },
      { step: 'Create the Bootstrap', state: 'failed', message: 'forbidden' },
    ]);
  });

  it('returns the same array when nothing changes', () => {
    const steps = [running];
    expect(mergeStep(steps, { ...running })).toBe(steps);
  });
});

describe('mergeJoinProgress', () => {
  it('replaces a cluster’s state, keeping the others', () => {
    const map = mergeJoinProgress({ b: { clusterId: 'b', cluster: 'b', state: 'joined' } }, { clusterId: 'a', cluster: 'a', state: 'writing' });
    expect(mergeJoinProgress(map, { clusterId: 'a', cluster: 'a', state: 'joining', message: 'waiting' })).toEqual({
      a: { clusterId: 'a', cluster: 'a', state: 'joining', message: 'waiting' },
      b: { clusterId: 'b', cluster: 'b', state: 'joined' },
    });
  });

  it('never moves a finished join back to a running state, but takes another end state', () => {
    const done = { a: { clusterId: 'a', cluster: 'a', state: 'rejected' as const, message: 'expired token' } };
    expect(mergeJoinProgress(done, { clusterId: 'a', cluster: 'a', state: 'joining' })).toBe(done);
    expect(mergeJoinProgress(done, { clusterId: 'a', cluster: 'a', state: 'failed', message: 'x' }).a?.state).toBe('failed');
  });

  it('folds an event’s error into its message and drops the error itself', () => {
    const map = mergeJoinProgress({}, { clusterId: 'a', cluster: 'a', state: 'failed', error: { code: 'TLS', message: 'certificate not trusted' } } as never);
    expect(map.a).toEqual({ clusterId: 'a', cluster: 'a', state: 'failed', message: 'certificate not trusted' });
  });

  it('counts outcomes by state', () => {
    expect(countJoinStates([{ clusterId: 'a', cluster: 'a', state: 'joined' }, { clusterId: 'b', cluster: 'b', state: 'joined' }, { clusterId: 'c', cluster: 'c', state: 'timeout' }])).toEqual({ joined: 2, timeout: 1 });
  });
});

describe('operation runs from mc:progress', () => {
  it('merges the steps of a run started here, ignores others, and ends with main’s own steps', async () => {
    const main = fakeMain();
    const answer = deferred<ReturnType<typeof ok<{ steps: Step[] }>>>();
    main.handlers['demote:run'] = () => answer.promise;
    const store = createAppStore(main.api);
    const off = store.getState().subscribe();
    const demoting = store.getState().demotePrimary('id-p');

    main.emit('mc:progress', { operation: 'demote', clusterId: 'id-p', step: { step: 'Delete the primary’s Cluster', state: 'running' } });
    main.emit('mc:progress', { operation: 'demote', clusterId: 'id-other', step: { step: 'elsewhere', state: 'running' } });
    main.emit('mc:progress', { operation: 'grant', clusterId: 'id-p', step: { step: 'not this run', state: 'done' } });
    main.emit('mc:progress', { operation: 'demote', clusterId: 'id-p', step: { step: 'Delete the primary’s Cluster', state: 'done' } });
    main.emit('mc:progress', { operation: 'demote', clusterId: 'id-p', step: { step: 'Delete the Bootstrap', state: 'running' } });
    expect(Object.keys(store.getState().operations)).toEqual(['demote:id-p']);
    expect(store.getState().operations['demote:id-p']?.steps).toEqual([
      { step: 'Delete the primary’s Cluster', state: 'done' },
      { step: 'Delete the Bootstrap', state: 'running' },
    ]);

    const final: Step[] = [
      { step: 'Delete the primary’s Cluster', state: 'done' },
      { step: 'Delete the Bootstrap', state: 'done' },
      { step: 'Delete the join tokens', state: 'skipped', message: 'none' },
    ];
    answer.resolve(ok({ steps: final }));
    expect(await demoting).toBe(true);
    expect(store.getState().operations['demote:id-p']).toMatchObject({ state: 'done', steps: final });

    // A finished run takes no more events.
    main.emit('mc:progress', { operation: 'demote', clusterId: 'id-p', step: { step: 'late', state: 'running' } });
    expect(store.getState().operations['demote:id-p']?.steps).toEqual(final);
    off();
  });

  it('keeps the steps that ran when the operation fails, with the error', async () => {
    const main = fakeMain();
    main.handlers['disconnect:run'] = (args) => {
      main.emit('mc:progress', { operation: 'force-disconnect', clusterId: args.primaryId, step: { step: 'Delete mc-cluster-info on the secondary', state: 'skipped', message: 'unreachable' } });
      main.emit('mc:progress', { operation: 'force-disconnect', clusterId: args.primaryId, step: { step: 'Remove the finalizer', state: 'failed', message: 'forbidden' } });
      return { ok: false, error: { code: 'FORBIDDEN', message: 'Remove the finalizer failed: forbidden' } };
    };
    main.handlers['mc:clusters'] = () => ok([]);
    const store = createAppStore(main.api);
    const off = store.getState().subscribe();
    expect(await store.getState().disconnectCluster('id-p', { clusterName: 'edge', force: true, secondaryId: 'id-edge' })).toBe(false);
    expect(main.callsTo('disconnect:run')).toEqual([{ primaryId: 'id-p', clusterName: 'edge', force: true, secondaryId: 'id-edge' }]);
    const run = store.getState().operations['force-disconnect:id-p'];
    expect(run).toMatchObject({ state: 'failed', error: { code: 'FORBIDDEN' } });
    expect(run?.steps.map((s) => s.state)).toEqual(['skipped', 'failed']);
    expect(store.getState().disconnecting).toBeNull();
    off();
  });
});
