/** The multi-cluster screens' pure rules: what a fleet row offers, label diffs, the permissions form, audit order. */
import { describe, expect, it } from 'vitest';
import { clusterActions, membershipText, primaryNames, primaryRowOf } from '../../../renderer/features/fleet/cluster-actions.js';
import { hasChange, labelChange, newLabelProblems } from '../../../renderer/features/multicluster/label-model.js';
import { describeTarget, draftFromPlan, grantRequest, type GrantDraft } from '../../../renderer/features/permissions/grant-model.js';
import { joinCandidates } from '../../../renderer/features/join/join-model.js';
import { newestFirst } from '../../../renderer/store/audit.slice.js';
import type { GrantPlan } from '../../../renderer/store/permissions.slice.js';
import { fleetRow } from './fixtures.js';

const TYPE = 'dist.kio.kasten.io/cluster-type';

describe('cluster actions from a fleet row', () => {
  it('offers promote (with K10) and join to a standalone cluster', () => {
    expect(clusterActions(fleetRow('a'))).toEqual(['promote', 'join', 'audit']);
    expect(clusterActions(fleetRow('a', { k10Version: undefined }))).toEqual(['join', 'audit']);
  });

  it('offers "Start over" first after a rejected join', () => {
    expect(clusterActions(fleetRow('a', { joinState: 'rejected' }))[0]).toBe('start-over');
  });

  it('offers a primary its tokens, one-click join, permissions, disconnect and demote', () => {
    expect(clusterActions(fleetRow('p', { role: 'primary' }))).toEqual(['mc-clusters', 'tokens', 'join-clusters', 'permissions', 'disconnect', 'demote', 'audit']);
  });

  it('leads a secondary to its primary only when the fleet holds it', () => {
    const p = fleetRow('p', { role: 'primary', primaryName: 'prod' });
    const s = fleetRow('s', { role: 'secondary', joinState: 'joined', primaryName: 'prod' });
    const rows = { [p.id]: p, [s.id]: s };
    expect(primaryNames(rows)).toEqual(new Set(['prod']));
    expect(primaryRowOf(s, rows)).toBe(p);
    expect(clusterActions(s, true)).toEqual(['open-primary', 'audit']);
    expect(clusterActions(s, false)).toEqual(['audit']);
  });

  it('says in words which primary a cluster belongs to', () => {
    expect(membershipText(fleetRow('s', { role: 'secondary', primaryName: 'prod' }))).toBe('Member of prod');
    expect(membershipText(fleetRow('p', { role: 'primary', primaryName: 'prod' }))).toBe('Is the primary “prod”');
    expect(membershipText(fleetRow('a'))).toBe('No primary');
  });

  it('offers for one-click join only standalone clusters reachable from here, never the primary', () => {
    const rows = {
      'id-p': fleetRow('p', { role: 'primary' }),
      'id-b': fleetRow('b'),
      'id-a': fleetRow('a'),
      'id-down': fleetRow('down', { reachability: { state: 'unreachable' } }),
      'id-s': fleetRow('s', { role: 'secondary' }),
    };
    expect(joinCandidates(rows, 'id-p').map((r) => r.name)).toEqual(['a', 'b']);
  });
});

describe('label changes', () => {
  it('turns the draft into set and remove, shown as a diff', () => {
    const change = labelChange({ [TYPE]: 'secondary', env: 'dev', region: 'eu' }, { [TYPE]: 'secondary', env: 'prod', tier: 'gold' });
    expect(change.set).toEqual({ env: 'prod', tier: 'gold' });
    expect(change.remove).toEqual(['region']);
    expect(change.lines.map((l) => l.text)).toEqual(['- env=dev', '+ env=prod', '- region=eu', '+ tier=gold']);
  });

  it('never changes the cluster-type label, whatever the draft says', () => {
    const change = labelChange({ [TYPE]: 'secondary' }, {});
    expect(hasChange(change)).toBe(false);
    expect(newLabelProblems(TYPE, 'primary')[0]).toMatch(/set by K10/);
  });

  it('explains a bad key or value in Kubernetes’ words before it is added', () => {
    expect(newLabelProblems('', 'x')).toEqual(['a key is required']);
    expect(newLabelProblems('Bad Key', 'ok')[0]).toMatch(/^key: /);
    expect(newLabelProblems('env', 'not ok!')[0]).toMatch(/^value: /);
    expect(newLabelProblems('example.com/env', 'prod')).toEqual([]);
  });
});

describe('the permissions form', () => {
  const plan: GrantPlan = {
    identity: { username: 'alice', groups: ['devs'] },
    hasMcAdmin: false,
    suggested: { name: 'alice-k10-admin', role: 'k10-multi-cluster-admin', subjects: [{ kind: 'User', name: 'alice' }], clusters: [{ selector: '' }] },
    existing: [],
  };

  it('starts from main’s suggestion, with k10-mc-admin ticked when the user lacks it', () => {
    expect(draftFromPlan(plan)).toEqual({
      name: 'alice-k10-admin',
      role: 'k10-multi-cluster-admin',
      subjects: [{ kind: 'User', name: 'alice', namespace: '' }],
      clustersMode: 'all',
      clusterNames: [],
      selector: '',
      mcAdmin: true,
    });
    expect(draftFromPlan({ ...plan, hasMcAdmin: true }).mcAdmin).toBe(false);
  });

  it('builds the request: all clusters is the empty selector; blank subjects are dropped', () => {
    const draft: GrantDraft = { ...draftFromPlan(plan), subjects: [{ kind: 'User', name: 'alice', namespace: '' }, { kind: 'Group', name: ' ', namespace: '' }] };
    expect(grantRequest(draft)).toEqual({
      request: { name: 'alice-k10-admin', role: 'k10-multi-cluster-admin', subjects: [{ kind: 'User', name: 'alice' }], clusters: [{ selector: '' }], mcAdmin: true },
    });
    expect(grantRequest({ ...draft, clustersMode: 'names', clusterNames: ['edge-1', 'edge-2'] })).toMatchObject({ request: { clusters: [{ name: 'edge-1' }, { name: 'edge-2' }] } });
    expect(grantRequest({ ...draft, clustersMode: 'selector', selector: 'env=prod' })).toMatchObject({ request: { clusters: [{ selector: 'env=prod' }] } });
  });

  it('lists every problem: name, subjects, a service account without namespace, a bad selector', () => {
    const bad = grantRequest({
      ...draftFromPlan(plan),
      name: 'Not_Valid',
      subjects: [{ kind: 'ServiceAccount', name: 'robot', namespace: '' }],
      clustersMode: 'selector',
      selector: 'env in (',
    });
    expect('problems' in bad && bad.problems.map((p) => p.split(':')[0])).toEqual(['Name', 'The service account “robot” needs a namespace.', 'Cluster selector']);
    expect(grantRequest({ ...draftFromPlan(plan), subjects: [] })).toEqual({ problems: ['Add at least one user, group or service account.'] });
  });

  it('reads targets as people say them', () => {
    expect(describeTarget({ selector: '' })).toBe('all clusters (current and future)');
    expect(describeTarget({ selector: 'env=prod' })).toBe('clusters matching env=prod');
    expect(describeTarget({ name: 'edge-1' })).toBe('edge-1');
  });
});

describe('the audit log', () => {
  it('lists newest first', () => {
    const e = (id: string, time: string) => ({ id, time, action: 'join' as const, outcome: 'succeeded' as const });
    expect(newestFirst([e('a', '2026-01-01T10:00:00Z'), e('c', '2026-01-03T10:00:00Z'), e('b', '2026-01-02T10:00:00Z')]).map((x) => x.id)).toEqual(['c', 'b', 'a']);
  });
});
