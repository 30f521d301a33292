/** The Multi-cluster screen's slices against a fake main: which primary it shows, promote, labels, audit filters. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { McCluster, PromotePlan } from '../../../shared/contract/index.js';
import { createAppStore } from '../../../renderer/store/store.js';
import { RENDER_DELAY_MS, URL_CHECK_DELAY_MS } from '../../../renderer/store/promote.slice.js';
import { deferred, fakeMain, fleetRow, ok } from './fixtures.js';

const rows = {
  'id-b': fleetRow('b', { role: 'primary', primaryName: 'b' }),
  'id-a': fleetRow('a', { role: 'primary', primaryName: 'a' }),
  'id-s': fleetRow('s'),
};

describe('the Multi-cluster screen', () => {
  it('shows the primary asked for, else the last one shown, else the first by name', () => {
    const store = createAppStore(fakeMain().api);
    store.setState({ rowsById: rows });
    store.getState().openMulticluster();
    expect(store.getState()).toMatchObject({ screen: 'multicluster', mcPrimaryId: 'id-a', mcView: 'clusters' });
    store.getState().openMulticluster('id-b', 'tokens');
    store.getState().showScreen('fleet');
    store.getState().openMulticluster();
    expect(store.getState()).toMatchObject({ mcPrimaryId: 'id-b', mcView: 'tokens' });
  });

  it('saves a label change and takes main’s Cluster back; a refusal is returned for the editor', async () => {
    const before: McCluster = { name: 'edge', type: 'secondary', labels: { env: 'dev' }, deleting: false };
    const main = fakeMain({
      'mc:clusters': () => ok([before]),
      'labels:set': (args) => (args.set?.env === 'bad value' ? { ok: false, error: { code: 'INVALID_ARGS', message: 'value of "env": must be…' } } : ok({ ...before, labels: { env: 'prod', tier: 'gold' } })),
    });
    const store = createAppStore(main.api);
    await store.getState().loadMcClusters('id-a');
    expect(await store.getState().saveLabels('id-a', 'edge', { set: { env: 'prod', tier: 'gold' }, remove: [] })).toBeNull();
    expect(main.callsTo('labels:set')).toEqual([{ primaryId: 'id-a', clusterName: 'edge', set: { env: 'prod', tier: 'gold' }, remove: [] }]);
    expect(store.getState().mcClusters['id-a']?.[0]?.labels).toEqual({ env: 'prod', tier: 'gold' });
    expect((await store.getState().saveLabels('id-a', 'edge', { set: { env: 'bad value' }, remove: [] }))?.code).toBe('INVALID_ARGS');
    expect(store.getState().mcClusters['id-a']?.[0]?.labels).toEqual({ env: 'prod', tier: 'gold' });
  });
});

describe('promote', () => {
  afterEach(() => vi.useRealTimers());

  const plan: PromotePlan = { clusterId: 'id-s', suggestedName: 's', ingress: { url: 'https://s/k10', source: 'Ingress kasten-io/k10' } };

  it('fills the form from the plan, renders and checks it, and renders again once typing pauses', async () => {
    vi.useFakeTimers();
    const main = fakeMain({
      'promote:plan': () => ok(plan),
      'promote:render': (args) => ok({ problems: args.name === 'Bad' ? ['"Bad" must consist of lowercase letters…'] : [], yaml: `name: ${args.name}`, helm: 'helm upgrade …' }),
      'promote:check-url': () => ok({ valid: true, reachable: false, message: 'not reachable from this workstation' }),
    });
    const store = createAppStore(main.api);
    await store.getState().openPromote('id-s');
    expect(store.getState()).toMatchObject({ screen: 'promote', promoteName: 's', promoteUrl: 'https://s/k10', promoteRender: { problems: [] }, urlCheck: { reachable: false, url: 'https://s/k10' } });

    for (const name of ['B', 'Ba', 'Bad']) store.getState().setPromoteName(name);
    expect(main.callsTo('promote:render')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(RENDER_DELAY_MS);
    expect(main.callsTo('promote:render')).toHaveLength(2);
    expect(store.getState().promoteRender?.problems).toHaveLength(1);

    store.getState().setPromoteUrl('https://other/k10');
    expect(store.getState().urlCheck).toBeNull(); // the old answer does not speak for the new text
    await vi.advanceTimersByTimeAsync(URL_CHECK_DELAY_MS);
    expect(main.callsTo('promote:check-url').at(-1)).toEqual({ url: 'https://other/k10' });
  });

  it('refuses to run when the plan says why it cannot', async () => {
    const main = fakeMain({
      'promote:plan': () => ok({ ...plan, refusal: 's is a secondary of "prod"; disconnect it first.' }),
      'promote:render': () => ok({ problems: [], yaml: '', helm: '' }),
      'promote:check-url': () => ok({ valid: true, reachable: true }),
    });
    const store = createAppStore(main.api);
    await store.getState().openPromote('id-s');
    expect(await store.getState().runPromote()).toBe(false);
    expect(main.callsTo('promote:run')).toEqual([]);
  });

  it('runs with live steps and keeps the result, or the error with the steps that ran', async () => {
    const main = fakeMain({
      'promote:plan': () => ok(plan),
      'promote:render': () => ok({ problems: [], yaml: '', helm: '' }),
      'promote:check-url': () => ok({ valid: true, reachable: true }),
    });
    const answer = deferred<ReturnType<typeof ok<{ primaryName: string; ingressUrl: string; steps: [] }>>>();
    main.handlers['promote:run'] = () => answer.promise;
    const store = createAppStore(main.api);
    const off = store.getState().subscribe();
    await store.getState().openPromote('id-s');
    const running = store.getState().runPromote();
    expect(store.getState().promoteRunning).toBe(true);
    main.emit('mc:progress', { operation: 'promote', clusterId: 'id-s', step: { step: 'Create namespace kasten-io-mc', state: 'done' } });
    expect(store.getState().operations['promote:id-s']?.steps).toHaveLength(1);
    answer.resolve(ok({ primaryName: 's', ingressUrl: 'https://s/k10', steps: [] }));
    expect(await running).toBe(true);
    expect(store.getState()).toMatchObject({ promoteRunning: false, promoteResult: { primaryName: 's' } });

    main.handlers['promote:run'] = () => ({ ok: false, error: { code: 'SERVER', message: 'K10 did not make the primary', cluster: 's' } });
    await store.getState().openPromote('id-s');
    expect(await store.getState().runPromote()).toBe(false);
    expect(store.getState().promoteError?.code).toBe('SERVER');
    off();
  });
});

describe('the audit log', () => {
  it('lists with the filter, newest first, and exports the same entries', async () => {
    const main = fakeMain({
      'audit:list': () => ok([
        { id: '1', time: '2026-01-01T00:00:00Z', action: 'join', outcome: 'succeeded', cluster: 'a' },
        { id: '2', time: '2026-01-02T00:00:00Z', action: 'join', outcome: 'failed', cluster: 'a', error: 'rejected' },
      ]),
      'audit:export': (args) => (args.path ? ok({ path: args.path, count: 2 }) : { ok: false, error: { code: 'UNSUPPORTED', message: 'no save dialog' } }),
    });
    const store = createAppStore(main.api);
    await store.getState().openAudit({ cluster: 'a' });
    await store.getState().setAuditFilter({ cluster: 'a', action: 'join' });
    expect(main.callsTo('audit:list')).toEqual([{ cluster: 'a' }, { cluster: 'a', action: 'join' }]);
    expect(store.getState().auditEntries.map((e) => e.id)).toEqual(['2', '1']);
    expect(await store.getState().exportAudit()).toEqual({ kind: 'unsupported', message: 'no save dialog' });
    expect(await store.getState().exportAudit('/tmp/audit.jsonl')).toEqual({ kind: 'exported', result: { path: '/tmp/audit.jsonl', count: 2 } });
    expect(main.callsTo('audit:export').at(-1)).toEqual({ cluster: 'a', action: 'join', path: '/tmp/audit.jsonl' });
  });
});
