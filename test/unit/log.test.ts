import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from '../../main/log.js';
import { fakePem } from '../support/fake-pem.js';

const TOKEN = 'Xk3vQ9pL2mN8rT5wY7zA1bC4dE6fG0hJ'; // 32 chars, base64url-looking, like a lab token
const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl';
const PEM = fakePem('RSA PRIVATE KEY', 'MIIEowIBAAKCAQEA7\nabc');

describe('what never reaches a log', () => {
  it.each([
    ['a bearer header', `request failed: Authorization: Bearer ${TOKEN}`, TOKEN],
    ['basic credentials', 'Authorization: Basic dXNlcjpwYXNzd29yZA==', 'dXNlcjpwYXNzd29yZA=='],
    ['a JWT', `token was ${JWT} and it expired`, JWT],
    ['a PEM private key', `bad key ${PEM} in kubeconfig`, 'MIIEowIBAAKCAQEA7'],
    ['a kubeconfig token field', 'user: {token: s3cr3t-value}', 's3cr3t-value'],
    ['a password assignment', 'password=hunter2 rejected', 'hunter2'],
    ['a JSON token field', '{"token":"abc.def"}', 'abc.def'],
    ['client-key-data', 'client-key-data: LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ', 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ'],
    ['a bare random token', `joined with ${TOKEN}`, TOKEN],
  ])('masks %s', (_what, text, secret) => {
    const out = redactSecrets(text);
    expect(out).not.toContain(secret);
    expect(out).toContain('[redacted');
  });

  it('leaves ids, paths, hosts and prose alone', () => {
    const text =
      'cluster 3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9b8 at https://127.0.0.1:40123 from /home/alice/.kube/config-production-cluster-east (sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08): 401 Unauthorized';
    expect(redactSecrets(text)).toBe(text);
  });

  it('keeps the name and time of a state file that was moved aside, so the user can find it', () => {
    const text = "Flotilla's state file could not be read; it was kept as /home/alice/.config/Flotilla/flotilla-state.json.corrupt-2026-12-03T10-59-36-393Z";
    expect(redactSecrets(text)).toBe(text);
    // A random base64url token with an odd '-' or '_' in it is still masked.
    expect(redactSecrets('token Xk3vQ9pL2mN8rT5w-Y7zA1bC4dE6fG0hJk9')).toContain('[redacted]');
  });
});

describe('the log file', () => {
  it('is written line by line, readable by the user only, with secrets masked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-log-'));
    try {
      const file = join(dir, 'logs', 'main.log');
      const log = createLogger({ file, stderr: false });
      log.info('started');
      log.error(`cluster-2 refused Bearer ${TOKEN}`, { cluster: 'cluster-2' });
      log.debug('not written at the default level');
      const text = await readFile(file, 'utf8');
      expect(text.trim().split('\n')).toHaveLength(2);
      expect(text).toContain('ERROR cluster-2 refused Bearer [redacted] {"cluster":"cluster-2"}');
      expect(text).not.toContain(TOKEN);
      if (process.platform !== 'win32') expect((await stat(file)).mode & 0o077).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
