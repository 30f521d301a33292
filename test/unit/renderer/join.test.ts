/**
 * Joining from the secondary's side and in one click from the primary's:
 * a pasted token goes straight to main and is never kept; the join follows
 * `join:progress` for its own cluster only; "Start over" clears the join
 * objects; a one-click run keeps every cluster's line, and one failure
 * does not hide the others.
 */
import { describe, expect, it } from 'vitest';
import type { HeldToken, JoinOutcome } from '../../../shared/contract/index.js';
import { createAppStore, type AppStore } from '../../../renderer/store/store.js';
import { deferred, fakeMain, fleetRow, ok, type FakeMain } from './fixtures.js';

const PASTED = 'eyJ2IjoxLCJpbmdyZXNzIjoiaHR0cHM6Ly9wcmltYXJ5In0.super-secret-pasted-token';
const HELD: HeldToken = { tokenRef: 'ref-1', fingerprint: 'WXYZ-1234-ABCD-5678', primaryIngress: 'https://primary/k10' };

function joinMain(): FakeMain {
  return fakeMain({
    'join:plan': ({ clusterId }) => ok({ clusterId, suggestedName: 'edge-1', ingress: { url: 'https://edge-1/k10', source: 'Ingress kasten-io/k10' } }),
    'join:load-token': () => ok(HELD),
  });
}

async function onJoinScreen(main: FakeMain): Promise<AppStore> {
  const store = createAppStore(main.api);
  store.setState({ rowsById: { 'id-edge-1': fleetRow('edge-1'), 'id-other': fleetRow('other') } });
  await store.getState().openJoin('id-edge-1');
  return store;
}

describe('joining one cluster', () => {
  it('opens the join screen with the plan', async () => {
    const store = await onJoinScreen(joinMain());
    expect(store.getState()).toMatchObject({ screen: 'join', joinClusterId: 'id-edge-1', joinPlan: { suggestedName: 'edge-1' } });
  });

  it('hands a pasted token to main and keeps only the held token’s ref and fingerprint', async () => {
    const main = joinMain();
    const store = await onJoinScreen(main);
    expect(await store.getState().loadJoinToken({ kind: 'paste', token: PASTED })).toBe('loaded');
    expect(main.callsTo('join:load-token')).toEqual([{ source: { kind: 'paste', token: PASTED } }]);
    expect(store.getState().heldToken).toEqual(HELD);
    expect(JSON.stringify(store.getState())).not.toContain(PASTED);
  });

  it('keeps no pasted token when main refuses it either', async () => {
    const main = joinMain();
    main.handlers['join:load-token'] = () => ({ ok: false, error: { code: 'INVALID_ARGS', message: 'The pasted text has spaces inside it.' } });
    const store = await onJoinScreen(main);
    expect(await store.getState().loadJoinToken({ kind: 'paste', token: `${PASTED} x` })).toBe('failed');
    expect(store.getState().tokenError?.message).toMatch(/spaces/);
    expect(store.getState().heldToken).toBeNull();
    expect(JSON.stringify(store.getState())).not.toContain(PASTED);
  });

  it('says when there is no file dialog, so the path field takes over', async () => {
    const main = joinMain();
    main.handlers['join:load-token'] = () => ({ ok: false, error: { code: 'UNSUPPORTED', message: 'no dialog' } });
    const store = await onJoinScreen(main);
    expect(await store.getState().loadJoinToken({ kind: 'qr' })).toBe('unsupported');
    expect(store.getState().tokenError).toBeNull();
  });

  it('joins with the held token’s ref and follows the progress of its own cluster only', async () => {
    const main = joinMain();
    const answer = deferred<ReturnType<typeof ok<JoinOutcome>>>();
    main.handlers['join:start'] = () => answer.promise;
    const store = await onJoinScreen(main);
    const off = store.getState().subscribe();
    await store.getState().loadJoinToken({ kind: 'paste', token: PASTED });
    const joining = store.getState().startJoin({ name: ' edge-1 ', ingressUrl: 'https://edge-1/k10', primaryIngress: '' });
    expect(main.callsTo('join:start')).toEqual([{ clusterId: 'id-edge-1', tokenRef: 'ref-1', name: 'edge-1', ingressUrl: 'https://edge-1/k10' }]);

    main.emit('join:progress', { clusterId: 'id-edge-1', cluster: 'edge-1', joinName: 'edge-1', state: 'writing' });
    main.emit('join:progress', { clusterId: 'id-other', cluster: 'other', state: 'rejected', message: 'not ours' });
    expect(store.getState().joinProgress?.state).toBe('writing');
    main.emit('join:progress', { clusterId: 'id-edge-1', cluster: 'edge-1', joinName: 'edge-1', state: 'joining', message: 'waiting for K10' });
    expect(store.getState().joinProgress).toMatchObject({ state: 'joining', message: 'waiting for K10' });

    answer.resolve(ok({ clusterId: 'id-edge-1', cluster: 'edge-1', joinName: 'edge-1', state: 'rejected', message: 'duplicate cluster name' }));
    expect(await joining).toMatchObject({ state: 'rejected' });
    expect(store.getState()).toMatchObject({ joinRunning: false, joinProgress: { state: 'rejected', message: 'duplicate cluster name' } });
    off();
  });

  it('asks for the token again when main no longer holds it', async () => {
    const main = joinMain();
    main.handlers['join:start'] = () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'That token is no longer held.' } });
    const store = await onJoinScreen(main);
    await store.getState().loadJoinToken({ kind: 'paste', token: PASTED });
    expect(await store.getState().startJoin({ name: 'edge-1' })).toBeNull();
    expect(store.getState().heldToken).toBeNull();
    expect(store.getState().joinError?.code).toBe('NOT_FOUND');
  });

  it('starts over: the reset’s steps are an operation run, then the plan is read again', async () => {
    const main = joinMain();
    main.handlers['join:reset'] = ({ clusterId }) => {
      main.emit('mc:progress', { operation: 'join-reset', clusterId, step: { step: 'Delete Secret mc-join', state: 'done' } });
      return ok({ steps: [{ step: 'Delete Secret mc-join', state: 'done' }, { step: 'Delete ConfigMap mc-join-config', state: 'skipped', message: 'not there' }] });
    };
    const store = await onJoinScreen(main);
    const off = store.getState().subscribe();
    expect(await store.getState().resetJoin('id-edge-1')).toBe(true);
    expect(store.getState().operations['join-reset:id-edge-1']).toMatchObject({ state: 'done', steps: [{ state: 'done' }, { state: 'skipped' }] });
    expect(main.callsTo('join:plan')).toHaveLength(2);
    expect(store.getState().notices[0]).toMatchObject({ tone: 'info' });
    off();
  });
});

describe('one-click join', () => {
  const rows = { 'id-p': fleetRow('p', { role: 'primary' }), 'id-a': fleetRow('a'), 'id-b': fleetRow('b'), 'id-c': fleetRow('c') };

  it('keeps a line per cluster, live from events, then the call’s outcomes; one failure hides no other', async () => {
    const main = fakeMain({ 'tokens:list': () => ok([]) });
    const answer = deferred<ReturnType<typeof ok<{ token: { secretName: string; name: string; created: boolean }; results: JoinOutcome[] }>>>();
    main.handlers['join:many'] = () => answer.promise;
    const store = createAppStore(main.api);
    store.setState({ rowsById: rows });
    const off = store.getState().subscribe();

    const run = store.getState().startJoinMany('id-p', { secondaries: [{ clusterId: 'id-a' }, { clusterId: 'id-b' }, { clusterId: 'id-c' }], tokenName: ' ' });
    expect(main.callsTo('join:many')).toEqual([{ primaryId: 'id-p', secondaries: [{ clusterId: 'id-a' }, { clusterId: 'id-b' }, { clusterId: 'id-c' }] }]);
    expect(Object.keys(store.getState().joinManyProgress)).toEqual(['id-a', 'id-b', 'id-c']);

    main.emit('join:progress', { clusterId: 'id-a', cluster: 'a', state: 'joined' });
    main.emit('join:progress', { clusterId: 'id-b', cluster: 'b', state: 'failed', message: 'connection refused' });
    main.emit('join:progress', { clusterId: 'id-a', cluster: 'a', state: 'joining' }); // late: a stays joined
    main.emit('join:progress', { clusterId: 'id-x', cluster: 'x', state: 'joined' }); // not in this run
    const live = store.getState().joinManyProgress;
    expect(live['id-a']?.state).toBe('joined');
    expect(live['id-b']).toMatchObject({ state: 'failed', message: 'connection refused' });
    expect(live['id-c']?.state).toBe('writing');
    expect(live['id-x']).toBeUndefined();

    answer.resolve(
      ok({
        token: { secretName: 'join-token-secret-1', name: 'flotilla', created: true },
        results: [
          { clusterId: 'id-a', cluster: 'a', joinName: 'a', state: 'joined' },
          { clusterId: 'id-b', cluster: 'b', joinName: 'b', state: 'failed', message: 'connection refused' },
          { clusterId: 'id-c', cluster: 'c', joinName: 'c', state: 'rejected', message: 'duplicate name' },
        ],
      }),
    );
    expect(await run).toBe(true);
    const s = store.getState();
    expect(s.joinManyRunning).toBe(false);
    expect(s.joinManyResult?.token.created).toBe(true);
    expect(s.joinManyIds.map((id) => s.joinManyProgress[id]?.state)).toEqual(['joined', 'failed', 'rejected']);
    off();
  });

  it('marks every cluster as not started when main stops before joining any', async () => {
    const main = fakeMain({ 'join:many': () => ({ ok: false, error: { code: 'CONFLICT', message: 'p is not a multi-cluster primary', cluster: 'p' } }) });
    const store = createAppStore(main.api);
    store.setState({ rowsById: rows });
    expect(await store.getState().startJoinMany('id-p', { secondaries: [{ clusterId: 'id-a' }, { clusterId: 'id-b' }] })).toBe(false);
    const s = store.getState();
    expect(s.joinManyError?.code).toBe('CONFLICT');
    expect(Object.values(s.joinManyProgress).map((o) => [o.cluster, o.state])).toEqual([
      ['a', 'refused'],
      ['b', 'refused'],
    ]);
  });
});
