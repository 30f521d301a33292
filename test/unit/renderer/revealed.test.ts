/**
 * The revealed slice, the only place a token value may sit in the renderer:
 * each value is dropped on its own timer, by "Hide", and whenever the user
 * leaves the view it was shown in (screen, primary or multi-cluster view),
 * whichever action changes it; a value that arrives after the user moved on
 * is never kept.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAppStore, type AppStore } from '../../../renderer/store/store.js';
import { MAX_REVEAL_MS, revealPurpose } from '../../../renderer/store/revealed.slice.js';
import { deferred, fakeMain, fleetRow, ok, token, type FakeMain } from './fixtures.js';

const SECRET = 'eyJ2IjoxLCJzZWNyZXQiOiJ0b3Atc2VjcmV0LXRva2VuLXZhbHVlIn0';
const PURPOSE = revealPurpose('token', 'id-p', 'join-token-secret-a');

function tokensMain(): FakeMain {
  return fakeMain({
    'tokens:list': () => ok([token('a')]),
    'tokens:reveal': () => ok({ token: { value: SECRET, maskAfterMs: 30_000 }, fingerprint: 'ABCD-EFGH-IJKL-MNOP' }),
    'tokens:qr': () => ok({ svg: { value: `<svg><!-- ${SECRET} --></svg>`, maskAfterMs: 30_000 }, fingerprint: 'ABCD-EFGH-IJKL-MNOP' }),
    'tokens:revoke': () => ok(null),
  });
}

/** A store on the tokens view of primary id-p. */
function onTokensView(main: FakeMain): AppStore {
  const store = createAppStore(main.api);
  store.setState({ rowsById: { 'id-p': fleetRow('p', { role: 'primary', primaryName: 'p' }), 'id-q': fleetRow('q', { role: 'primary', primaryName: 'q' }) } });
  store.getState().openMulticluster('id-p', 'tokens');
  return store;
}

const holds = (store: AppStore, text = SECRET) => JSON.stringify(store.getState()).includes(text);

describe('revealed values', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('keeps a revealed token with its fingerprint, then drops it when its time is up', async () => {
    const store = onTokensView(tokensMain());
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    expect(store.getState().revealed[PURPOSE]).toEqual({ value: SECRET, fingerprint: 'ABCD-EFGH-IJKL-MNOP', maskAt: Date.now() + 30_000 });
    await vi.advanceTimersByTimeAsync(29_999);
    expect(holds(store)).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.getState().revealed).toEqual({});
    expect(holds(store)).toBe(false);
  });

  it('drops every value when the screen changes', async () => {
    const store = onTokensView(tokensMain());
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    await store.getState().showTokenQr('id-p', 'join-token-secret-a');
    expect(Object.keys(store.getState().revealed)).toHaveLength(2);
    store.getState().showScreen('fleet');
    expect(store.getState().revealed).toEqual({});
    expect(holds(store)).toBe(false);
  });

  it('drops every value when the multi-cluster view or the primary changes', async () => {
    const store = onTokensView(tokensMain());
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    store.getState().setMcView('clusters');
    expect(holds(store)).toBe(false);

    store.getState().setMcView('tokens');
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    store.getState().setMcPrimary('id-q');
    expect(holds(store)).toBe(false);
  });

  it('drops values whichever action changes the screen (a lab starting shows the fleet)', async () => {
    const main = tokensMain();
    main.handlers['lab:start'] = () => ok({ running: true, clusters: ['cluster-1'] });
    main.handlers['fleet:snapshot'] = () => ok({ rows: [], summary: { clusters: 0, reachable: 0, unreachable: 0, authProblems: 0, failedActions: 0, primaries: 0, secondaries: 0 }, version: 1 });
    const store = onTokensView(main);
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    await store.getState().startLab(1);
    expect(store.getState().screen).toBe('fleet');
    expect(holds(store)).toBe(false);
  });

  it('does not keep a value that arrives after the user left the view', async () => {
    const main = tokensMain();
    const answer = deferred<ReturnType<typeof ok<{ token: { value: string; maskAfterMs: number }; fingerprint: string }>>>();
    main.handlers['tokens:reveal'] = () => answer.promise;
    const store = onTokensView(main);
    const revealing = store.getState().revealToken('id-p', 'join-token-secret-a');
    expect(store.getState().tokenBusy).toEqual({ 'join-token-secret-a': 'reveal' });
    store.getState().showScreen('audit');
    answer.resolve(ok({ token: { value: SECRET, maskAfterMs: 30_000 }, fingerprint: 'F' }));
    await revealing;
    expect(holds(store)).toBe(false);
    expect(store.getState().tokenBusy).toEqual({});
  });

  it('"Hide" drops one value and its timer', async () => {
    const store = onTokensView(tokensMain());
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    await store.getState().showTokenQr('id-p', 'join-token-secret-a');
    store.getState().dropRevealed(PURPOSE);
    expect(Object.keys(store.getState().revealed)).toEqual([revealPurpose('qr', 'id-p', 'join-token-secret-a')]);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('a second reveal restarts the timer instead of adding one', async () => {
    const store = onTokensView(tokensMain());
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    await vi.advanceTimersByTimeAsync(20_000);
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(holds(store)).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(holds(store)).toBe(false);
  });

  it('never keeps a value longer than the renderer allows, whatever main asks', async () => {
    const main = tokensMain();
    main.handlers['tokens:reveal'] = () => ok({ token: { value: SECRET, maskAfterMs: 24 * 3_600_000 }, fingerprint: 'F' });
    const store = onTokensView(main);
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    await vi.advanceTimersByTimeAsync(MAX_REVEAL_MS);
    expect(holds(store)).toBe(false);
  });

  it('drops a revoked token’s value at once', async () => {
    const store = onTokensView(tokensMain());
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    expect(await store.getState().revokeToken('id-p', 'join-token-secret-a')).toBe(true);
    expect(holds(store)).toBe(false);
  });

  it('shows a failed reveal as a notice and keeps nothing', async () => {
    const main = tokensMain();
    main.handlers['tokens:reveal'] = () => ({ ok: false, error: { code: 'CONFLICT', message: 'not filled yet', cluster: 'p' } });
    const store = onTokensView(main);
    await store.getState().revealToken('id-p', 'join-token-secret-a');
    expect(store.getState().revealed).toEqual({});
    expect(store.getState().notices.map((n) => n.message)).toEqual(['p: not filled yet']);
  });
});

describe('copying a token', () => {
  it('never receives the value: it follows the countdown main reports, and clears on request', async () => {
    const main = tokensMain();
    main.handlers['tokens:copy'] = () => ok({ expiresAt: '2026-01-01T00:00:30Z', clearAfterMs: 30_000, concealed: false });
    main.handlers['tokens:clear-clipboard'] = () => ok({ cleared: true });
    const store = onTokensView(main);
    const off = store.getState().subscribe();
    await store.getState().loadTokens('id-p');
    await store.getState().copyToken('id-p', 'join-token-secret-a');
    expect(store.getState().clipboard).toEqual({ state: 'holding', expiresAt: '2026-01-01T00:00:30Z', concealed: false, tokenName: 'a' });
    expect(store.getState().revealed).toEqual({});

    main.emit('clipboard:changed', { state: 'holding', expiresAt: '2026-01-01T00:01:00Z' });
    expect(store.getState().clipboard.expiresAt).toBe('2026-01-01T00:01:00Z');
    main.emit('clipboard:changed', { state: 'left-alone' });
    expect(store.getState().clipboard).toEqual({ state: 'left-alone', tokenName: 'a' });

    await store.getState().copyToken('id-p', 'join-token-secret-a');
    await store.getState().clearClipboard();
    expect(main.callsTo('tokens:clear-clipboard')).toEqual([{}]);
    expect(store.getState().clipboard.state).toBe('cleared');
    off();
  });
});

describe('sealing a token', () => {
  it('passes the passphrase to main without keeping it, and says when there is no save dialog', async () => {
    const main = tokensMain();
    main.handlers['tokens:seal'] = (args) =>
      args.path ? ok({ path: args.path, fingerprint: 'F', expiresAt: '2026-01-02T00:00:00Z' }) : { ok: false, error: { code: 'UNSUPPORTED', message: 'No save dialog here.' } };
    const store = onTokensView(main);
    const passphrase = 'correct horse battery';
    expect(await store.getState().sealToken('id-p', 'join-token-secret-a', { passphrase, expiresInHours: 24 })).toEqual({ kind: 'unsupported', message: 'No save dialog here.' });
    const sealed = await store.getState().sealToken('id-p', 'join-token-secret-a', { passphrase, expiresInHours: 2, path: '/tmp/t.age' });
    expect(sealed).toEqual({ kind: 'sealed', result: { path: '/tmp/t.age', fingerprint: 'F', expiresAt: '2026-01-02T00:00:00Z' } });
    expect(main.callsTo('tokens:seal')[1]).toEqual({ clusterId: 'id-p', secretName: 'join-token-secret-a', passphrase, expiresInHours: 2, path: '/tmp/t.age' });
    expect(JSON.stringify(store.getState())).not.toContain(passphrase);
  });
});
