/**
 * The distribution editor's live preview and the status pivots: which
 * clusters the targets select entry by entry (a wrong selector says where
 * and does not hide the others), what an edit drops and adds, overlaps with
 * other distributions, the request a draft makes, and the per-cluster and
 * per-resource views of `distributions:list`.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterSync, Distribution, McCluster } from '../../../shared/contract/index.js';
import {
  addTarget,
  byCluster,
  byResource,
  clusterLabelChoices,
  distributionRequest,
  draftFromDistribution,
  draftOverlaps,
  emptyDistributionDraft,
  livePreview,
  removeTarget,
  setSource,
  setTarget,
  stateCounts,
  targetChange,
  worstState,
  type DistributionDraft,
} from '../../../renderer/features/distributions/distribution-model.js';

const TYPE = 'dist.kio.kasten.io/cluster-type';

function mc(name: string, labels: Record<string, string>, type: McCluster['type'] = 'secondary'): McCluster {
  return { name, type, labels: { [TYPE]: type, ...labels }, deleting: false };
}

const clusters = [mc('cluster-1', {}, 'primary'), mc('cluster-2', { env: 'prod' }), mc('cluster-3', { env: 'dev' })];

function distribution(name: string, over: Partial<Distribution> = {}): Distribution {
  return { name, targets: [{ selector: 'env=prod' }], sources: [{ kind: 'Profile', name: 's3' }], state: 'synced', clusters: [{ name: 'cluster-2', state: 'synced' }], ...over };
}

function draftOf(targets: [kind: 'name' | 'selector', value: string][], sources: DistributionDraft['sources'] = [{ kind: 'Profile', name: 's3' }], name = 'd'): DistributionDraft {
  let d: DistributionDraft = { ...emptyDistributionDraft(), name };
  for (const [kind, value] of targets) d = addTarget(d, kind, value);
  return { ...d, sources };
}

describe('the live preview', () => {
  it('selects the union of its entries, per entry too', () => {
    const p = livePreview(draftOf([['selector', `${TYPE}=primary`], ['selector', `${TYPE}=secondary`]]), clusters);
    expect(p.selected).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    expect(p.entries.map((e) => e.selected)).toEqual([['cluster-1'], ['cluster-2', 'cluster-3']]);
  });

  it('says where a selector is wrong and keeps what the other entries select', () => {
    const text = 'env in (prod';
    const p = livePreview(draftOf([['name', 'cluster-1'], ['selector', text]]), clusters);
    expect(p.selected).toEqual(['cluster-1']);
    expect(p.entries[1]).toMatchObject({ selected: [], position: text.length });
    expect(p.entries[1]!.error).toMatch(/expected: ',' or '\)'/);
  });

  it('lists names that are not Clusters yet, but not an entry with no cluster chosen', () => {
    const p = livePreview(draftOf([['name', 'edge-9'], ['name', '']]), clusters);
    expect(p.unknown).toEqual(['edge-9']);
    expect(p.selected).toEqual([]);
  });

  it('treats an empty selector as every cluster, as Kasten does', () => {
    expect(livePreview(draftOf([['selector', '']]), clusters).selected).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
  });

  it('edits targets by id, whatever their order', () => {
    let d = draftOf([['selector', 'a'], ['selector', 'b']]);
    const second = d.targets[1]!.id;
    d = removeTarget(d, d.targets[0]!.id);
    d = setTarget(d, second, 'env=prod');
    d = addTarget(d, 'name', 'cluster-1');
    expect(d.targets.map((t) => [t.kind, t.value])).toEqual([
      ['selector', 'env=prod'],
      ['name', 'cluster-1'],
    ]);
    expect(new Set(d.targets.map((t) => t.id)).size).toBe(2);
  });
});

describe('what an edit changes', () => {
  it('names the clusters it would drop and add', () => {
    expect(targetChange(['cluster-1', 'cluster-2'], ['cluster-1', 'cluster-3'])).toEqual({ dropped: ['cluster-2'], added: ['cluster-3'] });
    expect(targetChange([], ['cluster-1'])).toEqual({ dropped: [], added: ['cluster-1'] });
  });

  it('finds another distribution sending the same resource to the same cluster, and which clusters', () => {
    const others = [distribution('prod-s3'), distribution('dev-policy', { sources: [{ kind: 'Policy', name: 'daily' }], clusters: [{ name: 'cluster-3', state: 'synced' }] })];
    const d = draftOf([['name', 'cluster-2'], ['name', 'cluster-3']], [{ kind: 'Profile', name: 's3' }], 'edge');
    expect(draftOverlaps(d, ['cluster-2', 'cluster-3'], others)).toEqual([{ resource: 'Profile s3', distributions: ['edge', 'prod-s3'], clusters: ['cluster-2'] }]);
  });

  it('does not count the distribution being edited as another one', () => {
    const saved = distribution('prod-s3');
    const d = draftFromDistribution(saved);
    expect(draftOverlaps(d, ['cluster-2'], [saved], 'prod-s3')).toEqual([]);
  });

  it('names an unnamed draft in an overlap', () => {
    const d = draftOf([['name', 'cluster-2']], [{ kind: 'Profile', name: 's3' }], '');
    expect(draftOverlaps(d, ['cluster-2'], [distribution('prod-s3')])[0]?.distributions).toEqual(['(this distribution)', 'prod-s3']);
  });
});

describe('the save request', () => {
  it('is made of the targets as spec.clusters has them and the sources', () => {
    const d = draftOf([['name', ' cluster-2 '], ['selector', 'env=prod']]);
    expect(distributionRequest(d, livePreview(d, clusters), true)).toEqual({
      request: { name: 'd', targets: [{ name: 'cluster-2' }, { selector: 'env=prod' }], sources: [{ kind: 'Profile', name: 's3' }], create: true },
    });
  });

  it('says by field what stops it: no name, no target, a cluster not chosen, a wrong selector, no source', () => {
    const empty = { ...emptyDistributionDraft(), name: ' ' };
    expect(distributionRequest(empty, livePreview(empty, clusters), true)).toEqual({ problems: { name: expect.any(String), targets: expect.any(String), sources: expect.any(String) } });
    const d = draftOf([['name', ''], ['selector', 'env in']], []);
    const r = distributionRequest(d, livePreview(d, clusters), true);
    expect('problems' in r && Object.keys(r.problems)).toEqual(['targets[0]', 'targets[1]', 'sources']);
  });

  it('orders sources profiles first, each kind by name, and drops one on untick', () => {
    let d = emptyDistributionDraft();
    d = setSource(d, { kind: 'Policy', name: 'b' }, true);
    d = setSource(d, { kind: 'Profile', name: 'z' }, true);
    d = setSource(d, { kind: 'Policy', name: 'a' }, true);
    expect(d.sources.map((s) => `${s.kind} ${s.name}`)).toEqual(['Profile z', 'Policy a', 'Policy b']);
    expect(setSource(d, { kind: 'Policy', name: 'a' }, false).sources).toHaveLength(2);
  });
});

describe('the label choices', () => {
  it('offers every key with its values, and every pair', () => {
    expect(clusterLabelChoices(clusters)).toEqual({
      values: { [TYPE]: ['primary', 'secondary'], env: ['dev', 'prod'] },
      pairs: [`${TYPE}=primary`, `${TYPE}=secondary`, 'env=dev', 'env=prod'],
    });
  });
});

describe('sync states', () => {
  it('roll up to the worst, in main’s order', () => {
    expect(worstState(['synced', 'missing', 'modified'])).toBe('modified');
    expect(worstState(['syncing', 'unreachable', 'failed'])).toBe('failed');
    expect(worstState([])).toBeUndefined();
  });

  it('count per state, worst first, leaving out states none is in', () => {
    const cs: ClusterSync[] = ['synced', 'modified', 'synced'].map((state, i) => ({ name: `c${i}`, state: state as ClusterSync['state'] }));
    expect(stateCounts(cs)).toEqual([
      ['modified', 1],
      ['synced', 2],
    ]);
  });
});

describe('the status pivots', () => {
  const modified: Distribution = {
    name: 'example',
    targets: [{ selector: '' }],
    sources: [
      { kind: 'Profile', name: 's3' },
      { kind: 'Policy', name: 'daily' },
    ],
    state: 'modified',
    clusters: [
      { name: 'cluster-1', state: 'synced' },
      { name: 'cluster-2', state: 'modified', message: 'a field differs', diff: [{ path: 'Profile s3: spec.locationSpec.objectStore.region', expected: 'us-east-1', actual: 'eu-west-1' }] },
      { name: 'cluster-3', state: 'unreachable', message: 'connection refused' },
    ],
  };

  it('per cluster: what it holds, a Modified target’s difference told apart by resource', () => {
    const rows = byCluster([modified], ['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4']);
    expect(rows.map((r) => [r.cluster, r.state])).toEqual([
      ['cluster-1', 'synced'],
      ['cluster-2', 'modified'],
      ['cluster-3', 'unreachable'],
      ['cluster-4', undefined],
    ]);
    const two = rows[1]!.holdings;
    expect(two.map((h) => [`${h.resource.kind} ${h.resource.name}`, h.state])).toEqual([
      ['Policy daily', 'synced'],
      ['Profile s3', 'modified'],
    ]);
    expect(two[1]!.diff).toHaveLength(1);
    expect(rows[3]!.holdings).toEqual([]);
  });

  it('counts a profile’s Secret among the profile’s differences', () => {
    const d: Distribution = { ...modified, clusters: [{ name: 'cluster-2', state: 'modified', diff: [{ path: 'Secret s3-credentials: data.aws_secret_access_key', expected: '(the global value)', actual: '(differs)' }] }] };
    expect(byCluster([d])[0]!.holdings.find((h) => h.resource.kind === 'Profile')?.state).toBe('modified');
  });

  it('per resource: where it is, and the global resources no distribution sends', () => {
    const rows = byResource([modified], [{ name: 's3' }, { name: 'unused' }], [{ name: 'daily' }]);
    expect(rows.map((r) => [`${r.resource.kind} ${r.resource.name}`, r.state, r.places.map((p) => `${p.cluster}:${p.state}`)])).toEqual([
      ['Profile s3', 'unreachable', ['cluster-1:synced', 'cluster-2:modified', 'cluster-3:unreachable']],
      ['Profile unused', undefined, []],
      ['Policy daily', 'unreachable', ['cluster-1:synced', 'cluster-2:synced', 'cluster-3:unreachable']],
    ]);
  });
});
