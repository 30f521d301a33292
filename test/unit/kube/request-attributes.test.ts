/** Reading what a request asked for, in RBAC's words, from its method and path. */
import { describe, expect, it } from 'vitest';
import { describeAttributes, requestAttributes } from '../../../main/kube/request-attributes.js';

describe('requestAttributes', () => {
  it.each([
    ['GET', '/api/v1/namespaces/kasten-io/secrets', undefined, 'list secrets in namespace kasten-io'],
    ['GET', '/api/v1/namespaces/kasten-io/secrets/mc-join', undefined, 'get secrets "mc-join" in namespace kasten-io'],
    ['GET', '/apis/apps/v1/namespaces/kasten-io/deployments', { watch: 'true' }, 'watch deployments.apps in namespace kasten-io'],
    ['GET', '/apis/apps.kio.kasten.io/v1alpha1/applications', undefined, 'list applications.apps.kio.kasten.io'],
    ['POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', undefined, 'create selfsubjectreviews.authentication.k8s.io'],
    ['PATCH', '/apis/dist.kio.kasten.io/v1alpha1/namespaces/kasten-io-mc/clusters/c2/status', undefined, 'patch clusters.dist.kio.kasten.io/status "c2" in namespace kasten-io-mc'],
    ['DELETE', '/api/v1/namespaces/default/configmaps', undefined, 'deletecollection configmaps in namespace default'],
    ['GET', '/api/v1/namespaces', undefined, 'list namespaces'],
    ['GET', '/api/v1/namespaces/kasten-io', undefined, 'get namespaces "kasten-io"'],
    ['GET', '/version', undefined, 'get /version'],
    ['GET', '/apis/config.kio.kasten.io', undefined, 'get /apis/config.kio.kasten.io'],
  ])('%s %s reads as "%s"', (method, path, query, expected) => {
    expect(describeAttributes(requestAttributes(method, path, query))).toBe(expected);
  });

  it('ignores a query string left on the path', () => {
    expect(requestAttributes('GET', '/api/v1/namespaces/x/pods?limit=5')).toEqual({ verb: 'list', group: '', resource: 'pods', namespace: 'x' });
  });
});
