/**
 * Splitting a cluster definition between the keychain and the state file:
 * joining the halves gives back exactly what was split, and no secret value
 * is left in the half that goes to the state file.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinSecrets, looksSecret, splitSecrets, toKubeConfig } from '../../../main/kubeconfig/credentials.js';
import type { Materialized } from '../../../main/kubeconfig/materialize.js';
import { fakePem } from '../../support/fake-pem.js';

/** Secret values carry a marker no public value has, so "appears in the state" is unambiguous. */
const secret = fc.stringMatching(/^[A-Za-z0-9]{6,24}$/).map((s) => `QQSEKRIT${s}`);
const plain = fc.stringMatching(/^[a-z0-9.-]{1,16}$/);
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const pemKey = secret.map((s) => `${fakePem('PRIVATE KEY', s)}\n`);

const materialized: fc.Arbitrary<{ m: Materialized; secrets: string[] }> = fc
  .record({
    server: plain.map((h) => `https://${h}:6443`),
    caData: fc.option(plain.map(b64), { nil: undefined }),
    insecure: fc.option(fc.constant(true), { nil: undefined }),
    proxy: fc.option(fc.oneof(plain.map((h) => ({ url: `http://${h}:3128`, secret: false })), fc.tuple(plain, secret).map(([h, p]) => ({ url: `http://ada:${p}@${h}:3128`, secret: true }))), { nil: undefined }),
    certData: fc.option(plain.map(b64), { nil: undefined }),
    key: fc.option(fc.oneof(pemKey.map((pem) => ({ data: b64(pem), raw: pem })), secret.map((s) => ({ data: Buffer.from(`\u0000\u0001${s}`).toString('base64'), raw: s }))), { nil: undefined }),
    token: fc.option(secret, { nil: undefined }),
    tokenFile: fc.option(plain.map((p) => `/var/run/${p}`), { nil: undefined }),
    username: fc.option(plain, { nil: undefined }),
    password: fc.option(secret, { nil: undefined }),
    exec: fc.option(
      fc.record({
        command: plain,
        args: fc.array(
          fc.oneof(
            plain.map((a) => ({ args: [a], secret: undefined as string | undefined })),
            secret.map((v) => ({ args: [`--token=${v}`], secret: v })),
            secret.map((v) => ({ args: ['--client-secret', v], secret: v })),
          ),
          { maxLength: 3 },
        ),
        env: fc.array(fc.oneof(fc.record({ name: fc.constantFrom('AWS_PROFILE', 'REGION', 'HOME_DIR'), value: plain, secret: fc.constant(false) }), fc.record({ name: fc.constantFrom('VAULT_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'API_KEY'), value: secret, secret: fc.constant(true) })), { maxLength: 5 }),
      }),
      { nil: undefined },
    ),
    authProvider: fc.option(fc.record({ clientId: plain, idToken: secret, refreshToken: secret }), { nil: undefined }),
  })
  .map((g) => {
    const secrets: string[] = [];
    const m: Materialized = { connection: { server: g.server }, user: {} };
    if (g.caData) m.connection.caData = g.caData;
    if (g.insecure) m.connection.insecureSkipTlsVerify = true;
    if (g.proxy) {
      m.connection.proxyUrl = g.proxy.url;
      if (g.proxy.secret) secrets.push(g.proxy.url.split(':')[2]!.split('@')[0]!);
    }
    if (g.certData) m.user.certData = g.certData;
    if (g.key) {
      m.user.keyData = g.key.data;
      secrets.push(g.key.data, g.key.raw.match(/QQSEKRIT[A-Za-z0-9]+/)![0]);
    }
    if (g.token) (m.user.token = g.token), secrets.push(g.token);
    if (g.token && g.tokenFile) m.user.tokenFile = g.tokenFile;
    if (g.username) m.user.username = g.username;
    if (g.password) (m.user.password = g.password), secrets.push(g.password);
    if (g.exec) {
      m.user.exec = { command: g.exec.command, args: g.exec.args.flatMap((a) => a.args), env: g.exec.env.map(({ name, value }) => ({ name, value })) };
      for (const e of g.exec.env) if (e.secret) secrets.push(e.value);
      for (const a of g.exec.args) if (a.secret) secrets.push(a.secret);
    }
    if (g.authProvider) {
      m.user.authProvider = { name: 'oidc', config: { 'client-id': g.authProvider.clientId, 'id-token': g.authProvider.idToken, 'refresh-token': g.authProvider.refreshToken } };
      secrets.push(g.authProvider.idToken, g.authProvider.refreshToken);
    }
    return { m, secrets };
  });

describe('splitSecrets / joinSecrets', () => {
  it('joins back into exactly the definition that was split', () => {
    fc.assert(
      fc.property(materialized, ({ m }) => {
        const { secrets, ...pub } = splitSecrets(m);
        // Through JSON, as both halves are stored.
        const again = joinSecrets(JSON.parse(JSON.stringify(pub)), secrets && JSON.parse(JSON.stringify(secrets)));
        expect(again).toEqual(m);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves no secret value in the half kept in the state file', () => {
    fc.assert(
      fc.property(materialized, ({ m, secrets }) => {
        const { secrets: blob, ...pub } = splitSecrets(m);
        const state = JSON.stringify(pub);
        for (const s of secrets) expect(state).not.toContain(s);
        expect(state).not.toContain('QQSEKRIT');
        expect(pub.secretFields.length > 0).toBe(blob !== undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a PEM client key as PEM text, a third smaller than base64 (Windows caps keychain entries at 2.5 KB)', () => {
    const pem = `${fakePem('EC PRIVATE KEY', 'MHcCAQEEIB')}\n`;
    const { secrets } = splitSecrets({ connection: { server: 'https://a' }, user: { certData: b64('cert'), keyData: b64(pem) } });
    expect(secrets).toEqual({ v: 1, clientKeyPem: pem });
  });

  it('keeps the client certificate in the state file: it is public, sent in every TLS handshake', () => {
    const { credentials, secrets } = splitSecrets({ connection: { server: 'https://a' }, user: { certData: b64('CERT'), keyData: b64('-----BEGIN KEY-----\nk\n') } });
    expect(credentials.certData).toBe(b64('CERT'));
    expect(JSON.stringify(secrets)).not.toContain(b64('CERT'));
  });

  it('says which secrets are missing when the keychain entry is gone', () => {
    const { secrets: _gone, ...pub } = splitSecrets({ connection: { server: 'https://a' }, user: { token: 'SECRETabc', password: 'SECRETdef', username: 'u' } });
    expect(() => joinSecrets(pub, undefined)).toThrow(/lacks token, password/);
  });

  it.each(['AWS_SECRET_ACCESS_KEY', 'VAULT_TOKEN', 'DB_PASSWORD', 'client-secret', 'refresh-token', 'API_KEY', 'GITHUB_AUTH'])('treats %s as secret', (n) => {
    expect(looksSecret(n)).toBe(true);
  });

  it.each(['AWS_PROFILE', 'AWS_REGION', 'client-id', 'HOME', 'KUBECONFIG'])('keeps %s in the state file', (n) => {
    expect(looksSecret(n)).toBe(false);
  });
});

describe('toKubeConfig', () => {
  it('makes a KubeConfig whose current context is this one cluster, with every setting carried over', () => {
    const kc = toKubeConfig(
      {
        connection: { server: 'https://prod:6443', caData: b64('CA'), tlsServerName: 'api.prod', insecureSkipTlsVerify: true, proxyUrl: 'http://proxy:3128' },
        user: { token: 'tok', certData: b64('C'), keyData: b64('K'), impersonate: 'root' },
      },
      { name: 'prod', namespace: 'kasten-io' },
    );
    expect(kc.getCurrentContext()).toBe('prod');
    expect(kc.getContextObject('prod')).toMatchObject({ cluster: 'prod', user: 'prod', namespace: 'kasten-io' });
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://prod:6443', caData: b64('CA'), tlsServerName: 'api.prod', skipTLSVerify: true, proxyUrl: 'http://proxy:3128' });
    expect(kc.getCurrentUser()).toMatchObject({ token: 'tok', certData: b64('C'), keyData: b64('K'), impersonateUser: 'root' });
  });

  it('gives exec plugins the login shell PATH unless their env sets one', () => {
    const exec = { command: 'aws', args: ['eks', 'get-token'], env: [{ name: 'AWS_PROFILE', value: 'prod' }] };
    const kc = toKubeConfig({ connection: { server: 'https://a' }, user: { exec } }, { name: 'a', execPath: '/opt/homebrew/bin:/usr/bin' });
    expect(kc.getCurrentUser()!.exec.env).toEqual([{ name: 'AWS_PROFILE', value: 'prod' }, { name: 'PATH', value: '/opt/homebrew/bin:/usr/bin' }]);
    const own = toKubeConfig({ connection: { server: 'https://a' }, user: { exec: { ...exec, env: [{ name: 'PATH', value: '/mine' }] } } }, { name: 'a', execPath: '/login' });
    expect(own.getCurrentUser()!.exec.env).toEqual([{ name: 'PATH', value: '/mine' }]);
  });
});
