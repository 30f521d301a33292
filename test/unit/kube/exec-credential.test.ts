/**
 * Exec credential plugins as Flotilla runs them: real executables (small
 * Node scripts) on a PATH given to it, what is cached and for how long, and
 * how each failure is explained — which binary, which PATH, the exit code,
 * what it printed, with anything that looks like a token masked.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/index.js';
import { ExecCredentialSource, maskSecrets, parseExecCredential, type ExecConfig } from '../../../main/kube/exec-credential.js';
import { fakePem } from '../../support/fake-pem.js';

let dir: string;
let bin: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-exec-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes an executable Node script named `name` into the test's bin folder. */
function plugin(name: string, body: string): string {
  const file = join(bin, name);
  writeFileSync(file, `#!${process.execPath}\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

function source(exec: ExecConfig, path = `${bin}:/usr/bin:/bin`, timeoutMs?: number): ExecCredentialSource {
  return new ExecCredentialSource(exec, {
    cluster: 'prod-eu',
    server: 'https://k8s.prod.example:6443',
    caData: 'Q0E=',
    path: async () => ({ path, source: 'the test' }),
    timeoutMs,
  });
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the plugin to fail');
}

const credential = (status: Record<string, unknown>) => JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status });

describe('running a plugin', () => {
  it('finds it on the given PATH, passes its env and a non-interactive KUBERNETES_EXEC_INFO, and reads its token', async () => {
    plugin('login-ok', `const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
process.stdout.write(JSON.stringify({ kind: 'ExecCredential', apiVersion: info.apiVersion, status: { token: process.env.REGION + ':' + info.spec.interactive + ':' + info.spec.cluster.server + ':' + process.argv.slice(2).join(',') } }));`);
    const cred = await source({ command: 'login-ok', args: ['get-token', '--cluster', 'eu'], env: [{ name: 'REGION', value: 'eu-west-1' }], provideClusterInfo: true }).get();
    expect(cred.token).toBe('eu-west-1:false:https://k8s.prod.example:6443:get-token,--cluster,eu');
  });

  it('keeps a credential until shortly before its expiry, and runs the plugin once for concurrent requests', async () => {
    const counter = join(dir, 'count-expiring');
    plugin('login-expiring', `const fs = require('node:fs'); const n = Number(fs.existsSync('${counter}') ? fs.readFileSync('${counter}', 'utf8') : 0) + 1; fs.writeFileSync('${counter}', String(n));
process.stdout.write(JSON.stringify({ kind: 'ExecCredential', status: { token: 'tok-' + n, expirationTimestamp: new Date(Date.now() + 5000).toISOString() } }));`);
    const src = source({ command: 'login-expiring' });
    const [a, b] = await Promise.all([src.get(), src.get()]);
    expect([a.token, b.token]).toEqual(['tok-1', 'tok-1']);
    expect(readFileSync(counter, 'utf8')).toBe('1');
    // Expires in 5 s, refreshed 10 s before expiry: the next request runs the plugin again.
    expect((await src.get()).token).toBe('tok-2');
  });

  it('keeps a credential without expiry until told it was refused', async () => {
    const counter = join(dir, 'count-forever');
    plugin('login-forever', `const fs = require('node:fs'); const n = Number(fs.existsSync('${counter}') ? fs.readFileSync('${counter}', 'utf8') : 0) + 1; fs.writeFileSync('${counter}', String(n));
process.stdout.write(JSON.stringify({ kind: 'ExecCredential', status: { token: 'tok-' + n } }));`);
    const src = source({ command: 'login-forever' });
    expect((await src.get()).token).toBe('tok-1');
    expect((await src.get()).token).toBe('tok-1');
    src.invalidate();
    expect((await src.get()).token).toBe('tok-2');
  });

  it('accepts a client certificate instead of a token', async () => {
    plugin('login-cert', `process.stdout.write(JSON.stringify({ kind: 'ExecCredential', status: { clientCertificateData: 'CERT', clientKeyData: 'KEY' } }));`);
    expect(await source({ command: 'login-cert' }).get()).toEqual({ clientCertificateData: 'CERT', clientKeyData: 'KEY' });
  });
});

describe('explaining failures', () => {
  it('a plugin not on the PATH: which command, which PATH, where the PATH came from, and the install hint', async () => {
    const err = await failure(source({ command: 'flotilla-no-such-plugin', installHint: 'Install it with: flotilla-tools install plugin' }, '/usr/bin:/bin').get());
    expect(err.code).toBe('EXEC_PLUGIN');
    expect(err.cluster).toBe('prod-eu');
    expect(err.message).toBe(
      'prod-eu: the credential plugin "flotilla-no-such-plugin" was not found on the PATH from the test (/usr/bin:/bin). Install it, or add its folder to your login shell\'s PATH, then refresh. Install it with: flotilla-tools install plugin',
    );
  });

  it('uses the PATH set in the plugin\'s own env when there is one', async () => {
    plugin('login-env-path', `process.stdout.write(JSON.stringify({ kind: 'ExecCredential', status: { token: 'from-env-path' } }));`);
    const cred = await source({ command: 'login-env-path', env: [{ name: 'PATH', value: bin }] }, '/nowhere').get();
    expect(cred.token).toBe('from-env-path');
  });

  it('a plugin that fails: its exit code and what it printed, tokens masked', async () => {
    plugin('login-fails', `console.error('error: token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl is expired, run "aws sso login"'); process.exit(2);`);
    const err = await failure(source({ command: 'login-fails', args: ['eks', 'get-token'] }).get());
    expect(err.message).toContain(`the credential plugin "${join(bin, 'login-fails')} eks get-token" exited with code 2. It printed: error: token [token masked] is expired, run "aws sso login"`);
    expect(err.message).toContain(`(PATH: ${bin}:/usr/bin:/bin)`);
    expect(err.message).not.toContain('eyJ');
  });

  it('a plugin that fails: a secret among its arguments is masked in the message', async () => {
    plugin('login-fails-secret-arg', `process.exit(3);`);
    const secret = 'Zk9aQ2x3b1pLbWx1Tm9wUXJzdFV2d1h5ejEyMzQ1Njc4OTA';
    const err = await failure(source({ command: 'login-fails-secret-arg', args: ['get-token', `--client-secret=${secret}`] }).get());
    expect(err.message).toContain(`the credential plugin "${join(bin, 'login-fails-secret-arg')} get-token --client-secret=[masked]" exited with code 3.`);
    expect(err.message).not.toContain(secret);
  });

  it('a plugin that prints no ExecCredential', async () => {
    plugin('login-junk', `console.log('Please open https://login.example/device and enter code ABCD');`);
    const err = await failure(source({ command: 'login-junk' }).get());
    expect(err.message).toContain('gave no usable credential: it printed something that is not JSON: "Please open https://login.example/device and enter code ABCD"');
    plugin('login-empty-status', `console.log(JSON.stringify({ kind: 'ExecCredential', status: { expirationTimestamp: '2030-01-01T00:00:00Z' } }));`);
    expect((await failure(source({ command: 'login-empty-status' }).get())).message).toContain('has neither status.token nor status.clientCertificateData with clientKeyData (it has: expirationTimestamp)');
  });

  it('a plugin that waits for an interactive sign-in: stopped after the timeout, and says to run it in a terminal', async () => {
    plugin('login-hangs', `console.error('Waiting for browser sign-in...'); setTimeout(() => {}, 60000);`);
    const started = Date.now();
    const err = await failure(source({ command: 'login-hangs' }, undefined, 500).get());
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(err.message).toContain('did not finish within 0.5 s');
    expect(err.message).toContain('run it once in a terminal');
    expect(err.message).toContain('Waiting for browser sign-in...');
  });
});

describe('parsing and masking', () => {
  it('reads the expiry', () => {
    expect(parseExecCredential(credential({ token: 't', expirationTimestamp: '2030-01-01T00:00:00Z' }))).toEqual({ token: 't', expiresAt: Date.parse('2030-01-01T00:00:00Z') });
    expect(() => parseExecCredential(JSON.stringify({ kind: 'Secret' }))).toThrow('not an ExecCredential (kind: "Secret")');
  });

  it('masks JWTs, private keys and long opaque strings, and leaves words alone', () => {
    expect(maskSecrets('token eyJhbGciOi.eyJzdWIiOiJ4.sig here')).toBe('token [token masked] here');
    expect(maskSecrets(`${fakePem('EC PRIVATE KEY', 'MHcCAQEE')} after`)).toBe('[private key masked] after');
    expect(maskSecrets(`key=${'A1b2'.repeat(12)} ok`)).toBe('key=[masked] ok');
    expect(maskSecrets('/usr/local/bin/aws-iam-authenticator failed')).toBe('/usr/local/bin/aws-iam-authenticator failed');
  });
});
