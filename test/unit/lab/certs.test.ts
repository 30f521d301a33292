import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateInfo, createCa, issueClientCert, issueServingCert, type CertKeyPair } from '../../../main/lab/certs.js';
import { KUBECTL, runKubectl } from './kubectl-harness.js';

interface Seen {
  authorized: boolean;
  cn?: string | string[];
  o?: string | string[];
}

let ca: CertKeyPair;
let serving: CertKeyPair;
let client: CertKeyPair;
let server: Server;
let port: number;
let dir: string;

beforeAll(async () => {
  ca = await createCa('cluster-1-ca');
  serving = await issueServingCert(ca, { dnsNames: ['localhost'], ips: ['127.0.0.1'] });
  client = await issueClientCert(ca, { user: 'alice', groups: ['system:masters', 'dev'] });
  // Verifies client certs but lets unauthenticated ones through, as
  // kube-apiserver does, so that the handler can report what it saw.
  server = createServer({ key: serving.keyPem, cert: serving.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const subject = socket.getPeerCertificate().subject;
    const seen: Seen = { authorized: socket.authorized, cn: subject?.CN, o: subject?.O };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(seen));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  dir = mkdtempSync(join(tmpdir(), 'lab-certs-'));
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(opts: { ca: string; cert?: string; key?: string; host?: string }): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = request({ host: opts.host ?? '127.0.0.1', port, path: '/', ca: opts.ca, cert: opts.cert, key: opts.key }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(JSON.parse(body) as Seen));
    });
    req.on('error', reject);
    req.end();
  });
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('lab certificates with Node TLS', () => {
  it('serve 127.0.0.1 and authenticate a client as its CN and O groups', async () => {
    const seen = await get({ ca: ca.certPem, cert: client.certPem, key: client.keyPem });
    expect(seen).toEqual({ authorized: true, cn: 'alice', o: ['system:masters', 'dev'] });
  });

  it('serve localhost too, where a client without a certificate is anonymous', async () => {
    expect(await get({ host: 'localhost', ca: ca.certPem })).toEqual({ authorized: false });
  });

  it('are not trusted by a client holding another cluster’s CA', async () => {
    const other = await createCa('cluster-2-ca');
    await expect(get({ ca: other.certPem })).rejects.toThrow(/self-signed|unable to verify|local issuer/i);
  });

  it('do not authenticate a client certificate from another cluster’s CA', async () => {
    const foreign = await issueClientCert(await createCa('cluster-2-ca'), { user: 'mallory', groups: ['system:masters'] });
    const seen = await get({ ca: ca.certPem, cert: foreign.certPem, key: foreign.keyPem });
    expect(seen.authorized).toBe(false);
  });
});

describe.skipIf(!KUBECTL)('lab certificates with kubectl (Go TLS)', () => {
  it('are accepted for the server and the client, PKCS#8 EC key included', async () => {
    const result = await runKubectl([
      'get', '--raw', '/',
      `--server=https://127.0.0.1:${port}`,
      `--certificate-authority=${file('ca.crt', ca.certPem)}`,
      `--client-certificate=${file('client.crt', client.certPem)}`,
      `--client-key=${file('client.key', client.keyPem)}`,
    ]);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ authorized: true, cn: 'alice', o: ['system:masters', 'dev'] });
  });
});

const openssl = ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => existsSync(p));

describe.skipIf(!openssl)('lab certificates with openssl', () => {
  it('chain to their CA for their purpose under strict X.509 rules', () => {
    const caFile = file('chain-ca.crt', ca.certPem);
    const verify = (purpose: string, cert: string) =>
      execFileSync(openssl!, ['verify', '-x509_strict', '-purpose', purpose, '-CAfile', caFile, file('leaf.crt', cert)], { encoding: 'utf8', stdio: 'pipe' });
    expect(verify('sslserver', serving.certPem)).toMatch(/: OK/);
    expect(verify('sslclient', client.certPem)).toMatch(/: OK/);
    expect(() => verify('sslserver', client.certPem)).toThrow(); // a client cert cannot serve
  });
});

describe('certificateInfo', () => {
  it('reads user, groups and validity of a client certificate', async () => {
    const notAfter = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    notAfter.setMilliseconds(0);
    const info = certificateInfo((await issueClientCert(ca, { user: 'system:serviceaccount:kasten-io:k10', groups: [], notAfter })).certPem);
    expect(info.commonName).toBe('system:serviceaccount:kasten-io:k10');
    expect(info.organizations).toEqual([]);
    expect(info.notAfter).toEqual(notAfter);
    expect(info.notBefore.getTime()).toBeLessThan(Date.now());
  });

  it('gives a CA ten years', () => {
    const info = certificateInfo(ca.certPem);
    expect(info.commonName).toBe('cluster-1-ca');
    const years = (info.notAfter.getTime() - Date.now()) / (365.25 * 24 * 3600 * 1000);
    expect(Math.round(years)).toBe(10);
  });
});

describe('issuing speed', () => {
  it('prints how long 100 clusters’ CA, serving and client certificates take', async () => {
    const start = performance.now();
    for (let i = 0; i < 100; i++) {
      const c = await createCa(`cluster-${i}`);
      await issueServingCert(c, { dnsNames: ['localhost'], ips: ['127.0.0.1'] });
      await issueClientCert(c, { user: 'admin', groups: ['system:masters'] });
    }
    console.log(`100 × (CA + serving + client) certificates: ${(performance.now() - start).toFixed(0)} ms`);
  });
});
