import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findOverlaps, policyManifest, previewTargets, s3ProfileManifest, selectTargets } from '../../../shared/kasten/distribution.js';
import { matchesLabels, parseLabelSelector } from '../../../shared/selectors.js';

const clusters: { name: string; labels: Record<string, string> }[] = [
  { name: 'hq', labels: { 'dist.kio.kasten.io/cluster-type': 'primary', env: 'prod' } },
  { name: 'edge-1', labels: { 'dist.kio.kasten.io/cluster-type': 'secondary', env: 'prod', region: 'eu' } },
  { name: 'edge-2', labels: { 'dist.kio.kasten.io/cluster-type': 'secondary', env: 'dev' } },
  { name: 'edge-3', labels: { 'dist.kio.kasten.io/cluster-type': 'secondary' } },
];

describe('which clusters a distribution selects', () => {
  it('is the union of names and selectors', () => {
    const p = previewTargets([{ name: 'hq' }, { selector: 'env=prod' }, { selector: 'region in (eu)' }], clusters);
    expect(p.selected).toEqual(['edge-1', 'hq']);
    expect(p.entries.map((e) => e.selected)).toEqual([['hq'], ['edge-1', 'hq'], ['edge-1']]);
  });

  it('selects every cluster with an empty selector, and none with a name that is not a Cluster', () => {
    expect(previewTargets([{ selector: '' }], clusters).selected).toEqual(['edge-1', 'edge-2', 'edge-3', 'hq']);
    expect(previewTargets([{ name: 'nowhere' }], clusters)).toMatchObject({ selected: [], unknown: ['nowhere'] });
  });

  it('treats the tricky cases as Kubernetes does: !key, notin on a missing key, whitespace', () => {
    expect(previewTargets([{ selector: '!region' }], clusters).selected).toEqual(['edge-2', 'edge-3', 'hq']);
    // notin matches a cluster without the key at all.
    expect(previewTargets([{ selector: 'env notin (prod,staging)' }], clusters).selected).toEqual(['edge-2', 'edge-3']);
    expect(previewTargets([{ selector: '  env = prod ,  region  ' }], clusters).selected).toEqual(['edge-1']);
  });

  it('keeps what the other entries select when one is invalid, and says where it goes wrong', () => {
    const p = previewTargets([{ selector: 'env in prod' }, { name: 'edge-2' }], clusters);
    expect(p.selected).toEqual(['edge-2']);
    expect(p.entries[0]).toMatchObject({ selected: [], position: 7 });
    expect(p.entries[0]!.error).toMatch(/expected: '\('/);
  });

  it('agrees with the lab K10 emulation and with matching each cluster one by one, for generated labels and selectors', () => {
    const key = fc.constantFrom('env', 'region', 'tier');
    const value = fc.constantFrom('prod', 'dev', 'eu', 'a');
    const labels = fc.dictionary(key, value, { maxKeys: 3 });
    const term = fc.oneof(
      fc.tuple(key, value).map(([k, v]) => `${k}=${v}`),
      fc.tuple(key, value).map(([k, v]) => `${k}!=${v}`),
      fc.tuple(key, fc.uniqueArray(value, { minLength: 1, maxLength: 2 })).map(([k, vs]) => `${k} in (${vs.join(',')})`),
      fc.tuple(key, fc.uniqueArray(value, { minLength: 1, maxLength: 2 })).map(([k, vs]) => `${k} notin (${vs.join(',')})`),
      key,
      key.map((k) => `!${k}`),
    );
    const selector = fc.array(term, { maxLength: 3 }).map((ts) => ts.join(','));
    fc.assert(
      fc.property(fc.array(labels, { minLength: 1, maxLength: 6 }), selector, (sets, sel) => {
        const cs = sets.map((l, i) => ({ name: `c${i}`, labels: l }));
        const expected = cs.filter((c) => matchesLabels(parseLabelSelector(sel), c.labels)).map((c) => c.name).sort();
        expect(previewTargets([{ selector: sel }], cs).selected).toEqual(expected);
        expect(selectTargets([{ selector: sel }], cs.map((c) => ({ metadata: c }))).targets).toEqual(expected);
      }),
    );
  });
});

describe('overlapping distributions', () => {
  it('names the resource, the distributions and the clusters where two send the same thing', () => {
    const overlaps = findOverlaps([
      { name: 'all-prod', sources: [{ kind: 'Profile', name: 's3' }, { kind: 'Policy', name: 'daily' }], targets: ['hq', 'edge-1'] },
      { name: 'eu', sources: [{ kind: 'Profile', name: 's3' }], targets: ['edge-1', 'edge-2'] },
      { name: 'dev', sources: [{ kind: 'Policy', name: 'hourly' }], targets: ['edge-1'] },
    ]);
    expect(overlaps).toEqual([{ resource: 'Profile s3', distributions: ['all-prod', 'eu'], clusters: ['edge-1'] }]);
  });

  it('finds none when the resources or the clusters differ', () => {
    expect(findOverlaps([{ name: 'a', sources: [{ kind: 'Profile', name: 's3' }], targets: ['x'] }, { name: 'b', sources: [{ kind: 'Profile', name: 's3' }], targets: ['y'] }])).toEqual([]);
  });
});

describe('manifests', () => {
  it('an S3 profile references its credentials Secret in kasten-io-mc and carries no key', () => {
    const m = s3ProfileManifest({ name: 'global-profile-example', bucket: 'kasten', region: 'us-east-1' });
    expect(m.spec).toMatchObject({
      type: 'Location',
      locationSpec: {
        type: 'ObjectStore',
        credential: { secretType: 'AwsAccessKey', secret: { name: 'global-profile-example-credentials', namespace: 'kasten-io-mc' } },
        objectStore: { objectStoreType: 'S3', name: 'kasten', region: 'us-east-1' },
      },
    });
    expect(JSON.stringify(m)).not.toMatch(/aws_/);
  });

  it('a policy turns its application selector into matchExpressions and exports to a global profile', () => {
    const m = policyManifest({ name: 'daily', frequency: '@daily', retention: { daily: 7, weekly: 4 }, exportProfile: 's3', selector: 'tier=db,!legacy' });
    expect(m.spec).toMatchObject({
      frequency: '@daily',
      retention: { daily: 7, weekly: 4 },
      actions: [{ action: 'backup' }, { action: 'export', exportParameters: { profile: { name: 's3', namespace: 'kasten-io-mc' } } }],
      selector: { matchExpressions: [{ key: 'legacy', operator: 'DoesNotExist' }, { key: 'tier', operator: 'In', values: ['db'] }] },
    });
  });
});
