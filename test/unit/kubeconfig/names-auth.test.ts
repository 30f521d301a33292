/**
 * The names clusters are imported under, and the auth kind the wizard shows
 * for each user.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportSelectionSchema } from '../../../shared/contract/kubeconfig.js';
import { detectAuthKind } from '../../../main/kubeconfig/auth-kind.js';
import { MAX_NAME_LENGTH, toClusterName, uniqueName } from '../../../main/kubeconfig/names.js';

const acceptedByContract = (name: string) => ImportSelectionSchema.shape.name.safeParse(name).success;

describe('toClusterName', () => {
  it.each([
    ['arn:aws:eks:eu-west-1:123456789012:cluster/prod', 'arn-aws-eks-eu-west-1-123456789012-cluster-prod'],
    ['gke_my-project_europe-west1_prod', 'gke-my-project-europe-west1-prod'],
    ['kubernetes-admin@kubernetes', 'kubernetes-admin-kubernetes'],
    ['Default', 'default'],
    ['--', 'cluster'],
    ['ünïcødé', 'n-c-d'],
  ])('turns context %s into %s', (context, name) => {
    expect(toClusterName(context)).toBe(name);
  });

  it('always gives a name the import accepts, for any context name', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(acceptedByContract(toClusterName(s))).toBe(true);
      }), { numRuns: 1000 });
  });

  it('keeps a name that is already valid', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]([-a-z0-9.]{0,40}[a-z0-9])?$/), (s) => {
        fc.pre(!s.includes('--'));
        expect(toClusterName(s)).toBe(s);
      }),
    );
  });
});

describe('uniqueName', () => {
  it('never returns a taken name, and always one the import accepts', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.array(fc.string({ maxLength: 70 }), { maxLength: 20 }), fc.integer({ min: 0, max: 30 }), (raw, others, extra) => {
        const base = toClusterName(raw);
        const taken = new Set([base, ...others.map(toClusterName)]);
        // Also take the first few suffixed forms, as a scan with many "default" contexts does.
        for (let n = 2; n < 2 + extra; n++) taken.add(`${base.slice(0, MAX_NAME_LENGTH - String(n).length - 1).replace(/[^a-z0-9]+$/, '')}-${n}`);
        const name = uniqueName(base, (n) => taken.has(n));
        expect(taken.has(name)).toBe(false);
        expect(acceptedByContract(name)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('numbers from 2: default, default-2, default-3', () => {
    const taken = new Set<string>();
    const names = [1, 2, 3].map(() => {
      const n = uniqueName('default', (x) => taken.has(x));
      taken.add(n);
      return n;
    });
    expect(names).toEqual(['default', 'default-2', 'default-3']);
  });
});

describe('detectAuthKind', () => {
  it.each([
    [undefined, 'none'],
    [{}, 'none'],
    [{ clientCertificateData: 'x', clientKeyData: 'y' }, 'client-certificate'],
    [{ clientCertificate: '/c', clientKey: '/k' }, 'client-certificate'],
    [{ token: 't' }, 'token'],
    [{ tokenFile: '/t' }, 'token-file'],
    [{ username: 'u', password: 'p' }, 'basic'],
    [{ exec: { command: 'aws', args: [], env: [] } }, 'exec'],
    [{ authProvider: { name: 'oidc', config: {} } }, 'auth-provider'],
    // A certificate decides who the cluster sees, even with a token beside it.
    [{ clientCertificateData: 'x', clientKeyData: 'y', token: 't' }, 'client-certificate'],
    [{ token: 't', tokenFile: '/t' }, 'token'],
  ] as const)('%j signs in with %s', (user, kind) => {
    expect(detectAuthKind(user as Parameters<typeof detectAuthKind>[0])).toBe(kind);
  });
});
