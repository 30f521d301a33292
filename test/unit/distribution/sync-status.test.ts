import { describe, expect, it } from 'vitest';
import { diffValues, retarget, targetState, worst, type ExpectedCopy } from '../../../main/distribution/sync-status.js';
import { bucketProblem, frequencyProblem, policyProblems, profileProblems } from '../../../main/distribution/validation.js';

const policy: ExpectedCopy = { kind: 'Policy', name: 'daily', content: { frequency: '@daily', retention: { daily: 7 } } };
const secret: ExpectedCopy = { kind: 'Secret', name: 's3-credentials', content: { aws_secret_access_key: 'c2VjcmV0' } };

describe('a target’s state, from what it holds', () => {
  it('synced when every copy matches', () => {
    expect(targetState('edge', [policy, secret], [{ content: policy.content }, { content: secret.content }])).toEqual({ name: 'edge', state: 'synced' });
  });

  it('modified, field by field, when a local edit differs; secret values never shown', () => {
    const s = targetState('edge', [policy, secret], [{ content: { frequency: '@daily', retention: { daily: 3 } } }, { content: { aws_secret_access_key: 'b3RoZXI=' } }]);
    expect(s.state).toBe('modified');
    expect(s.diff).toEqual([
      { path: 'Policy daily: spec.retention.daily', expected: '7', actual: '3' },
      { path: 'Secret s3-credentials: data.aws_secret_access_key', expected: '(the global value)', actual: '(differs)' },
    ]);
    expect(JSON.stringify(s)).not.toMatch(/c2VjcmV0|b3RoZXI/);
  });

  it('missing, syncing or failed when a copy is not there, as the primary reports it', () => {
    expect(targetState('edge', [policy], [undefined]).state).toBe('missing');
    expect(targetState('edge', [policy], [undefined], { state: 'Syncing' }).state).toBe('syncing');
    expect(targetState('edge', [policy], [undefined], { state: 'Failed', message: 'no room' })).toMatchObject({ state: 'failed', message: 'no room' });
  });

  it('rolls up to the worst state', () => {
    expect(worst(['synced', 'syncing', 'modified'])).toBe('modified');
    expect(worst(['synced', 'unreachable', 'failed'])).toBe('failed');
    expect(worst(['synced'])).toBe('synced');
  });

  it('points references from kasten-io-mc at the copies in kasten-io', () => {
    expect(retarget({ secret: { name: 's', namespace: 'kasten-io-mc' }, other: { namespace: 'apps' } })).toEqual({ secret: { name: 's', namespace: 'kasten-io' }, other: { namespace: 'apps' } });
    expect(diffValues('spec', { a: [1, 2] }, { a: [1, 2, 3] })).toEqual([{ path: 'spec.a', expected: '[1,2]', actual: '[1,2,3]' }]);
  });
});

describe('what a profile or a policy must be', () => {
  it('S3 bucket names as AWS has them', () => {
    expect(bucketProblem('kasten')).toBeUndefined();
    expect(bucketProblem('ab')).toMatch(/3 to 63/);
    expect(bucketProblem('My_Bucket')).toMatch(/lowercase/);
    expect(bucketProblem('a..b')).toMatch(/two dots/);
    expect(bucketProblem('192.168.1.1')).toMatch(/IP address/);
  });

  it('names the wrong field of a profile', () => {
    expect(profileProblems({ name: 'p', bucket: 'kasten', region: 'us-east-1', endpoint: 'ftp//x' }, { accessKeyId: 'AK', secretAccessKey: 's' }, true).map((p) => p.field)).toEqual(['endpoint']);
    expect(profileProblems({ name: 'p', bucket: 'kasten', region: 'us-east-1' }, undefined, false)).toEqual([]);
  });

  it('frequencies: presets and five-field cron', () => {
    expect(frequencyProblem('@daily')).toBeUndefined();
    expect(frequencyProblem('0 2 * * *')).toBeUndefined();
    expect(frequencyProblem('daily')).toMatch(/neither a preset/);
    expect(policyProblems({ name: 'p', frequency: '@daily', retention: {}, selector: 'a in b' }, []).map((p) => p.field)).toEqual(['retention', 'selector']);
  });
});
