/**
 * The global resources slices against a fake main: S3 keys go to main and
 * never into the store (whatever main answers); distributions are read
 * without a stale answer overwriting a fresh one; save, delete and force
 * sync read again; a profile's YAML with revealed keys lives only in the
 * revealed slice, masked on its timer and on any view change.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Distribution, Profile } from '../../../shared/contract/index.js';
import { yamlRevealPurpose } from '../../../renderer/store/revealed.slice.js';
import { createAppStore, type AppStore } from '../../../renderer/store/store.js';
import { deferred, fakeMain, fleetRow, ok } from './fixtures.js';

const ACCESS = 'AKIAUNITTEST00000001';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/unitTestSecretKey01';
const B64 = Buffer.from(SECRET).toString('base64');

const profile: Profile = { name: 's3', bucket: 'kasten', region: 'us-east-1', skipTlsVerify: false, hasCredentials: true, distributions: [] };

function dist(name: string, state: Distribution['state'] = 'synced'): Distribution {
  return { name, targets: [{ selector: '' }], sources: [{ kind: 'Profile', name: 's3' }], state, clusters: [{ name: 'cluster-1', state }] };
}

const holds = (store: AppStore, text: string) => JSON.stringify(store.getState()).includes(text);

function onView(store: AppStore, view: 'profiles' | 'distributions' = 'profiles'): void {
  store.setState({ rowsById: { 'id-p': fleetRow('p', { role: 'primary', primaryName: 'p' }) } });
  store.getState().openMulticluster('id-p', view);
}

describe('profiles', () => {
  it('hands the keys to main and keeps none of them, saved or refused', async () => {
    const main = fakeMain({
      'profiles:save': (args) => (args.profile.bucket === 'Bad' ? { ok: false, error: { code: 'INVALID_ARGS', message: 'The profile "s3" cannot be saved: bucket: no.' } } : ok(profile)),
    });
    const store = createAppStore(main.api);
    const refused = await store.getState().saveProfile('id-p', { profile: { ...profile, bucket: 'Bad' }, credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET }, create: true });
    expect(refused.ok).toBe(false);
    const saved = await store.getState().saveProfile('id-p', { profile, credentials: { accessKeyId: ACCESS, secretAccessKey: SECRET }, create: true });
    expect(saved).toEqual({ ok: true, result: profile });
    expect(main.callsTo('profiles:save').map((a) => a.credentials?.secretAccessKey)).toEqual([SECRET, SECRET]);
    expect(store.getState().profilesByPrimary['id-p']).toEqual([profile]);
    expect(holds(store, SECRET) || holds(store, ACCESS)).toBe(false);
  });

  it('keeps a refused delete’s error for the dialog and the profile in the list', async () => {
    const main = fakeMain({ 'profiles:list': () => ok([profile]), 'profiles:delete': () => ({ ok: false, error: { code: 'CONFLICT', message: 'used by distribution d' } }) });
    const store = createAppStore(main.api);
    await store.getState().loadProfiles('id-p');
    expect((await store.getState().deleteProfile('id-p', 's3'))?.code).toBe('CONFLICT');
    expect(store.getState().profilesByPrimary['id-p']).toEqual([profile]);
    expect(store.getState().profileDeleting).toEqual({});
  });
});

describe('distributions', () => {
  it('joins a read under way, and drops an answer older than a fresh read', async () => {
    const first = deferred<ReturnType<typeof ok<Distribution[]>>>();
    const second = deferred<ReturnType<typeof ok<Distribution[]>>>();
    const answers = [first.promise, second.promise];
    const main = fakeMain({ 'distributions:list': () => answers.shift()! });
    const store = createAppStore(main.api);
    const a = store.getState().loadDistributions('id-p');
    const b = store.getState().loadDistributions('id-p');
    expect(main.callsTo('distributions:list')).toHaveLength(1);
    const c = store.getState().loadDistributions('id-p', { fresh: true });
    expect(main.callsTo('distributions:list')).toHaveLength(2);
    second.resolve(ok([dist('d', 'modified')]));
    await c;
    first.resolve(ok([dist('d', 'synced')]));
    await Promise.all([a, b]);
    expect(store.getState().distributionsByPrimary['id-p']?.[0]?.state).toBe('modified');
    expect(store.getState().distributionsLoading).toBe(false);
  });

  it('keeps the last states when a refresh fails, and says why', async () => {
    let fail = false;
    const main = fakeMain({ 'distributions:list': () => (fail ? { ok: false, error: { code: 'UNREACHABLE', message: 'connection refused', cluster: 'p' } } : ok([dist('d')])) });
    const store = createAppStore(main.api);
    await store.getState().loadDistributions('id-p');
    fail = true;
    await store.getState().loadDistributions('id-p');
    expect(store.getState().distributionsByPrimary['id-p']).toHaveLength(1);
    expect(store.getState().distributionsError?.code).toBe('UNREACHABLE');
  });

  it('reads again after a save, a force sync and a delete; the delete says where the copies stay', async () => {
    const main = fakeMain({
      'distributions:list': () => ok([dist('d')]),
      'distributions:save': () => ok({ name: 'd', added: ['cluster-1'], dropped: [] }),
      'distributions:sync': () => ok(null),
      'distributions:delete': () => ok({ copiesKeptOn: ['cluster-1'] }),
    });
    const store = createAppStore(main.api);
    await store.getState().loadDistributions('id-p');
    expect(await store.getState().saveDistribution('id-p', { name: 'd', targets: [{ selector: '' }], sources: [{ kind: 'Profile', name: 's3' }], create: true })).toEqual(ok({ name: 'd', added: ['cluster-1'], dropped: [] }));
    expect(await store.getState().syncDistribution('id-p', 'd')).toBe(true);
    expect(main.callsTo('distributions:sync')).toEqual([{ primaryId: 'id-p', name: 'd' }]);
    const deleted = await store.getState().deleteDistribution('id-p', 'd');
    expect(deleted).toEqual(ok({ copiesKeptOn: ['cluster-1'] }));
    expect(main.callsTo('distributions:list')).toHaveLength(4);
    expect(store.getState().distributionBusy).toEqual({});
  });

  it('tells the user when a force sync fails', async () => {
    const main = fakeMain({ 'distributions:sync': () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'There is no distribution "d".' } }) });
    const store = createAppStore(main.api);
    expect(await store.getState().syncDistribution('id-p', 'd')).toBe(false);
    expect(store.getState().notices.map((n) => n.message)).toEqual(['There is no distribution "d".']);
  });
});

/** What main gives a revealed value (REVEAL_MS). */
const REVEAL_YAML_MS = 30_000;

describe('a profile as YAML', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function yamlMain() {
    return fakeMain({
      'resources:yaml': () => ok({ yaml: 'kind: Secret\ndata:\n  aws_secret_access_key: "[redacted]"\n' }),
      'resources:reveal-yaml': () => ok({ yaml: { value: `kind: Secret\ndata:\n  aws_secret_access_key: ${B64}\n`, maskAfterMs: REVEAL_YAML_MS } }),
    });
  }
  const PURPOSE = yamlRevealPurpose('id-p', 'Profile', 's3');

  it('keeps the redacted YAML, and the revealed one only in the revealed slice until its time is up', async () => {
    const main = yamlMain();
    const store = createAppStore(main.api);
    onView(store);
    await store.getState().showResourceYaml({ primaryId: 'id-p', kind: 'Profile', name: 's3' });
    expect(store.getState().shownYaml?.yaml).toContain('[redacted]');
    await store.getState().revealResourceYaml();
    expect(main.callsTo('resources:reveal-yaml').at(-1)).toEqual({ primaryId: 'id-p', kind: 'Profile', name: 's3' });
    expect(store.getState().revealed[PURPOSE]?.value).toContain(B64);
    expect(store.getState().shownYaml?.yaml).not.toContain(B64);
    await vi.advanceTimersByTimeAsync(REVEAL_YAML_MS);
    expect(holds(store, B64)).toBe(false);
    expect(store.getState().shownYaml?.yaml).toContain('[redacted]');
  });

  it('masks the revealed YAML when the view changes, or when the panel closes or masks it', async () => {
    const store = createAppStore(yamlMain().api);
    onView(store);
    await store.getState().showResourceYaml({ primaryId: 'id-p', kind: 'Profile', name: 's3' });
    await store.getState().revealResourceYaml();
    store.getState().setMcView('distributions');
    expect(holds(store, B64)).toBe(false);

    store.getState().setMcView('profiles');
    await store.getState().showResourceYaml({ primaryId: 'id-p', kind: 'Profile', name: 's3' });
    await store.getState().revealResourceYaml();
    store.getState().maskResourceYaml();
    expect(holds(store, B64)).toBe(false);
    await store.getState().revealResourceYaml();
    store.getState().hideResourceYaml();
    expect(holds(store, B64)).toBe(false);
    expect(store.getState().shownYaml).toBeNull();
  });

  it('does not keep revealed YAML that arrives after the user moved on', async () => {
    const answer = deferred<ReturnType<typeof ok<{ yaml: { value: string; maskAfterMs: number } }>>>();
    const main = fakeMain({ 'resources:yaml': () => ok({ yaml: 'redacted' }), 'resources:reveal-yaml': () => answer.promise });
    const store = createAppStore(main.api);
    onView(store);
    await store.getState().showResourceYaml({ primaryId: 'id-p', kind: 'Profile', name: 's3' });
    const revealing = store.getState().revealResourceYaml();
    store.getState().setMcView('status');
    answer.resolve(ok({ yaml: { value: B64, maskAfterMs: REVEAL_YAML_MS } }));
    await revealing;
    expect(holds(store, B64)).toBe(false);
  });
});
