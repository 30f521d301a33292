/**
 * The rules of the global resource forms: main's refusal split by the
 * field it names, the label selector editor's builder and its pointer at a
 * syntax error, the profile request (keys always to create, to edit only
 * when typed) and the policy input.
 */
import { describe, expect, it } from 'vitest';
import { formErrors, splitFieldErrors } from '../../../renderer/components/field-errors.js';
import { appendTerm, buildTerm, removeTerm, selectorProblem, selectorTerms } from '../../../renderer/components/selector-model.js';
import { draftFromProfile, emptyProfileDraft, PROFILE_FIELDS, profileRequest } from '../../../renderer/features/profiles/profile-model.js';
import { CUSTOM, describeRetention, draftFromPolicy, emptyPolicyDraft, POLICY_FIELDS, policyInput } from '../../../renderer/features/policies/policy-model.js';

describe("main's refusal, field by field", () => {
  it('splits a profile refusal into its fields', () => {
    const message = 'The profile "bad" cannot be saved: bucket: a bucket name has only lowercase letters, digits, \'.\' and \'-\'; region: "us east" is not a region name (lowercase letters, digits and \'-\', like us-east-1).';
    expect(splitFieldErrors(message, PROFILE_FIELDS)).toEqual({
      byField: { bucket: "a bucket name has only lowercase letters, digits, '.' and '-'", region: '"us east" is not a region name (lowercase letters, digits and \'-\', like us-east-1)' },
      rest: null,
    });
  });

  it('keeps a message that itself contains "; " with its field', () => {
    const message = 'The policy "p" cannot be saved: selector: key: Invalid value: "-x": prefix part must be non-empty; name part must consist of alphanumeric characters; retention: keep at least one backup.';
    expect(splitFieldErrors(message, POLICY_FIELDS).byField).toEqual({
      selector: 'key: Invalid value: "-x": prefix part must be non-empty; name part must consist of alphanumeric characters',
      retention: 'keep at least one backup',
    });
  });

  it('names a distribution target by its index', () => {
    const message = 'The distribution cannot be saved: targets[1]: the selector "a in" is not valid: found \'\', expected: \'(\'; sources: there is no global profile "gone".';
    expect(splitFieldErrors(message, ['name', 'targets', 'sources']).byField).toEqual({ 'targets[1]': 'the selector "a in" is not valid: found \'\', expected: \'(\'', sources: 'there is no global profile "gone"' });
  });

  it('leaves a message that names no field whole', () => {
    expect(splitFieldErrors('cluster-1 is not a multi-cluster primary: promote it first.', PROFILE_FIELDS)).toEqual({ byField: {}, rest: 'cluster-1 is not a multi-cluster primary: promote it first.' });
  });

  it('puts a name already taken beside the name, and anything else above the buttons with its cluster', () => {
    expect(formErrors({ code: 'CONFLICT', message: 'cluster-1 already has a global profile "x"; edit it, or choose another name.' }, PROFILE_FIELDS).byField.name).toMatch(/already has/);
    expect(formErrors({ code: 'UNREACHABLE', message: 'connection refused', cluster: 'cluster-1' }, PROFILE_FIELDS)).toEqual({ byField: {}, rest: 'cluster-1: connection refused' });
    expect(formErrors(null, PROFILE_FIELDS)).toEqual({ byField: {}, rest: null });
  });
});

describe('the label selector editor', () => {
  it('points at where a selector stops parsing', () => {
    const text = 'dist.kio.kasten.io/cluster-type=secondary)';
    expect(selectorProblem(text)).toEqual({ message: "found ')', expected: ',' or 'end of string'", position: text.indexOf(')') });
    expect(selectorProblem('env in (a,b),!legacy')).toBeUndefined();
  });

  it('builds one term per operator, and refuses what the apiserver would', () => {
    expect(buildTerm('env', '=', 'prod')).toEqual({ term: 'env=prod' });
    expect(buildTerm('env', '!=', 'dev')).toEqual({ term: 'env!=dev' });
    expect(buildTerm('tier', 'in', 'gold, silver')).toEqual({ term: 'tier in (gold,silver)' });
    expect(buildTerm('tier', 'notin', 'bronze')).toEqual({ term: 'tier notin (bronze)' });
    expect(buildTerm('legacy', 'exists', '')).toEqual({ term: 'legacy' });
    expect(buildTerm('legacy', '!exists', '')).toEqual({ term: '!legacy' });
    expect(buildTerm(' ', '=', 'x')).toEqual({ problem: 'a label key is required' });
    expect(buildTerm('env', '=', 'a,b')).toMatchObject({ problem: expect.stringMatching(/takes one value/) });
    expect(buildTerm('tier', 'in', ' , ')).toMatchObject({ problem: expect.stringMatching(/at least one value/) });
    expect(buildTerm('-bad-', '=', 'x')).toMatchObject({ problem: expect.stringMatching(/key: Invalid value/) });
  });

  it('adds a term with a comma, lists the terms, and removes one', () => {
    expect(appendTerm('', 'env=prod')).toBe('env=prod');
    expect(appendTerm('env=prod ', '!legacy')).toBe('env=prod,!legacy');
    expect(selectorTerms('tier in (b,a),env=prod')).toEqual([
      { key: 'env', text: 'env=prod' },
      { key: 'tier', text: 'tier in (a,b)' },
    ]);
    expect(selectorTerms('env in')).toBeNull();
    expect(removeTerm('tier in (b,a),env=prod', 0)).toBe('tier in (a,b)');
    expect(removeTerm('env in', 0)).toBe('env in');
  });
});

describe('the profile request', () => {
  const draft = { ...emptyProfileDraft(), name: ' p ', bucket: 'kasten', region: 'us-east-1', endpoint: ' ' };

  it('always sends keys to create, as typed (main says which is missing)', () => {
    expect(profileRequest(draft, { accessKeyId: '', secretAccessKey: '' }, true)).toEqual({
      profile: { name: 'p', bucket: 'kasten', region: 'us-east-1', skipTlsVerify: false },
      credentials: { accessKeyId: '', secretAccessKey: '' },
      create: true,
    });
  });

  it('leaves the keys unchanged on an edit unless some were typed', () => {
    expect(profileRequest(draft, { accessKeyId: '', secretAccessKey: '' }, false)).not.toHaveProperty('credentials');
    expect(profileRequest(draft, { accessKeyId: '', secretAccessKey: 'new' }, false).credentials).toEqual({ accessKeyId: '', secretAccessKey: 'new' });
  });

  it('edits from the profile as listed', () => {
    expect(draftFromProfile({ name: 'p', bucket: 'b', region: 'r', endpoint: 'https://s3', skipTlsVerify: true, hasCredentials: true, distributions: [] })).toEqual({ name: 'p', bucket: 'b', region: 'r', endpoint: 'https://s3', skipTlsVerify: true });
  });
});

describe('the policy input', () => {
  it('takes a preset, retention as numbers, the export profile and the selector', () => {
    const d = { ...emptyPolicyDraft(), name: 'daily', exportProfile: 's3', selector: ' tier=db ' };
    expect(policyInput(d)).toEqual({ input: { name: 'daily', frequency: '@daily', retention: { daily: 7, weekly: 4, monthly: 12 }, exportProfile: 's3', selector: 'tier=db', paused: false } });
  });

  it('takes a custom cron expression, and says when it is missing', () => {
    expect(policyInput({ ...emptyPolicyDraft(), name: 'p', frequency: CUSTOM, cron: ' 0  2 * * * ' })).toMatchObject({ input: { frequency: '0 2 * * *' } });
    expect(policyInput({ ...emptyPolicyDraft(), name: 'p', frequency: CUSTOM, cron: '' })).toMatchObject({ problems: { frequency: expect.any(String) } });
  });

  it('refuses a retention that is not a whole number, naming the period', () => {
    const r = policyInput({ ...emptyPolicyDraft(), retention: { hourly: '1.5', daily: '-1', weekly: '', monthly: '', yearly: '' } });
    expect(r).toMatchObject({ problems: { retention: expect.stringMatching(/hourly "1\.5", daily "-1"/) } });
  });

  it('edits a policy with a cron frequency as custom', () => {
    const d = draftFromPolicy({ name: 'p', frequency: '0 2 * * *', retention: { daily: 3 }, selector: '', paused: true, distributions: [] });
    expect(d).toMatchObject({ frequency: CUSTOM, cron: '0 2 * * *', retention: { daily: '3', hourly: '' }, exportProfile: '', paused: true });
    expect(describeRetention({ weekly: 4, daily: 7 })).toBe('7 daily · 4 weekly');
  });
});
