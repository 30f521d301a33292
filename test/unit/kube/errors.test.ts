/**
 * What a person reads when a cluster cannot be used: every message names the
 * cluster, says what happened and what to try. The errors are shaped as
 * Node and client-node produce them (the integration tests produce the real
 * ones against the lab fleet).
 */
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/index.js';
import { ClusterError, httpError, httpStatusOf, networkError, toAppError, type ErrorContext } from '../../../main/kube/errors.js';

const ctx: ErrorContext = { cluster: 'prod-eu', server: 'https://k8s.prod.example:6443', auth: { kind: 'token' } };
const nodeError = (code: string, message = code, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });
const status = (code: number, message: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });

describe('network errors', () => {
  it.each([
    ['ECONNREFUSED', 'UNREACHABLE', 'nothing is listening at https://k8s.prod.example:6443 (connection refused)'],
    ['ENOTFOUND', 'DNS', 'the host name k8s.prod.example does not resolve'],
    ['EAI_AGAIN', 'DNS', 'the DNS server did not answer in time'],
    ['ECONNRESET', 'UNREACHABLE', 'the connection to https://k8s.prod.example:6443 was reset'],
    ['EHOSTUNREACH', 'UNREACHABLE', 'no network route to https://k8s.prod.example:6443'],
    ['ETIMEDOUT', 'TIMEOUT', 'did not answer'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'TLS', 'not signed by the certificate authority the kubeconfig trusts'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TLS', 'not signed by the certificate authority the kubeconfig trusts'],
    ['CERT_HAS_EXPIRED', 'TLS', 'expired'],
    ['CERT_NOT_YET_VALID', 'TLS', "Check this computer's date and time"],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'TLS', 'refused this client certificate'],
  ])('%s is %s: "%s"', (code, expected, words) => {
    const err = networkError(nodeError(code), ctx);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe(expected);
    expect(err.cluster).toBe('prod-eu');
    expect(err.message).toContain('prod-eu');
    expect(err.message).toContain(words);
  });

  it('says how long it waited on a timeout', () => {
    const err = networkError(Object.assign(new Error('timeout'), { name: 'TimeoutError' }), { ...ctx, timeoutMs: 3_000 });
    expect(err.message).toContain('prod-eu did not answer within 3 s (https://k8s.prod.example:6443)');
  });

  it('says when an expired certificate expired, and which names a mismatched one is for', () => {
    expect(networkError(nodeError('CERT_HAS_EXPIRED'), ctx, { validTo: 'Jan  2 00:00:00 2020 GMT' }).message).toContain('expired on Jan  2 00:00:00 2020 GMT');
    const mismatch = networkError(
      nodeError('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames", { reason: 'Host: k8s.prod.example. is not in the cert\'s altnames: DNS:localhost, IP Address:127.0.0.1' }),
      ctx,
    );
    expect(mismatch.code).toBe('TLS');
    expect(mismatch.message).toContain('is for DNS:localhost, IP Address:127.0.0.1, not for k8s.prod.example (host name mismatch)');
    expect(mismatch.message).toContain('tls-server-name');
  });

  it('passes AppErrors through untouched', () => {
    const original = new AppError('EXEC_PLUGIN', 'the plugin failed', 'prod-eu');
    expect(networkError(original, ctx)).toBe(original);
    expect(toAppError(original, ctx)).toBe(original);
  });
});

describe('HTTP errors', () => {
  it('401: what to renew depends on how the user signs in', () => {
    const token = httpError(401, undefined, ctx);
    expect(token).toMatchObject({ code: 'UNAUTHORIZED', cluster: 'prod-eu' });
    expect(token.message).toContain('prod-eu refused the credentials (401 Unauthorized)');
    expect(token.message).toContain('re-import the kubeconfig with a fresh token');
    expect(httpError(401, undefined, { ...ctx, auth: { kind: 'exec', execCommand: 'aws' } }).message).toContain('credential plugin (aws)');
    expect(httpError(401, undefined, { ...ctx, auth: { kind: 'client-certificate' } }).message).toContain('client certificate expired');
  });

  it('403: which verb on which resource, and the server\'s reason', () => {
    const err = httpError(403, status(403, 'secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "kasten-io"'), {
      ...ctx,
      method: 'GET',
      path: '/api/v1/namespaces/kasten-io/secrets?fieldSelector=metadata.name%3Dmc-cluster-info',
    });
    expect(err.code).toBe('FORBIDDEN');
    expect(err.message).toContain('prod-eu does not allow you to list secrets in namespace kasten-io (403 Forbidden: secrets is forbidden: User "viewer" cannot list');
    expect(err.message).toContain('Ask the cluster\'s administrator');
  });

  it('keeps the status for code that branches on it, and reports retries that did not help', () => {
    const gone = httpError(410, status(410, 'too old resource version'), ctx);
    expect(gone).toBeInstanceOf(ClusterError);
    expect(httpStatusOf(gone)).toBe(410);
    expect(httpError(429, undefined, { ...ctx, retries: 3 }).message).toContain('still after 3 retries');
    expect(httpError(503, status(503, 'etcd is down'), { ...ctx, retries: 1, method: 'GET', path: '/version' }).message).toBe(
      "prod-eu's API server failed to get /version: 503 etcd is down after 1 retry. It may be starting up or overloaded; try again later.",
    );
  });

  it('reads client-node ApiExceptions as HTTP errors', () => {
    const err = toAppError(new ApiException(404, 'HTTP-Code: 404', status(404, 'configmaps "x" not found'), {}), { ...ctx, path: '/api/v1/namespaces/default/configmaps/x' });
    expect(err).toMatchObject({ code: 'NOT_FOUND', cluster: 'prod-eu' });
    expect(err.message).toContain('configmaps "x" not found');
  });

  it('cuts a long server message short', () => {
    const err = httpError(500, status(500, 'x'.repeat(5_000)), ctx);
    expect(err.message.length).toBeLessThan(600);
  });
});
