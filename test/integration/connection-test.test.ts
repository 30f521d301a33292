/**
 * "Test connection" against the lab fleet over real HTTPS: what a person
 * sees for a healthy cluster (token and certificate users, an exec plugin),
 * and for each way it can go wrong — stopped, 401, 403, too slow, a CA that
 * is not the cluster's, a certificate for another host name, a host name
 * that does not resolve, an expired server certificate, a missing plugin.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testConnection, testConnections } from '../../main/kube/connection-test.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { kubeConfigFor, request } from './lab-helpers.js';

let fleet: LabFleet;
let yaml: string;
let dir: string;

beforeAll(async () => {
  fleet = await startLabFleet({ clusters: 3 });
  yaml = fleet.kubeconfig();
  dir = mkdtempSync(join(tmpdir(), 'flotilla-conn-'));
});

afterAll(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const c of fleet.clusters) {
    c.resetFaults();
    await c.start();
  }
});

/** A KubeConfig for one lab cluster with a hand-made cluster entry (other CA, other server, tls-server-name). */
function custom(cluster: { server: string; caPem?: string; tlsServerName?: string }, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: cluster.server, skipTLSVerify: false, ...(cluster.caPem ? { caData: Buffer.from(cluster.caPem).toString('base64') } : {}), ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}) }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'custom', cluster: 'c', user: 'u' }],
    currentContext: 'custom',
  });
  return kc;
}

describe('a healthy cluster', () => {
  it('is reachable, with its Kubernetes version, its K10 version and the token user it signs in as', async () => {
    const result = await testConnection(kubeConfigFor(yaml, 'cluster-1'));
    const catalog = (await request(fleet.cluster('cluster-1'), '/apis/apps/v1/namespaces/kasten-io/deployments/catalog-svc')).json<{ metadata: { labels: Record<string, string> } }>();
    expect(result.error).toBeUndefined();
    expect(result.reachable).toBe(true);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(result.latencyMs).toBeLessThan(2_000);
    expect(result.kubernetesVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(result.k10).toEqual({ installed: true, version: catalog.metadata.labels['app.kubernetes.io/version'] });
    expect(result.k10?.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(result.identity).toEqual({ username: 'admin', groups: expect.arrayContaining(['lab:admins', 'k10:admins', 'system:authenticated']) });
  });

  it('shows the client-certificate user as the cluster sees it', async () => {
    const result = await testConnection(kubeConfigFor(yaml, 'cluster-2', 'cluster-2-admin-cert'));
    expect(result.error).toBeUndefined();
    expect(result.identity?.username).toBe('admin-cert');
    expect(result.identity?.groups).toEqual(expect.arrayContaining(['lab:admins', 'k10:admins']));
  });

  it('signs in through an exec credential plugin, run with the PATH it is given', async () => {
    const bin = join(dir, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    const plugin = join(bin, 'lab-login');
    writeFileSync(
      plugin,
      `#!${process.execPath}\nconst info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);\nif (info.spec.interactive !== false) { console.error('expected a non-interactive session'); process.exit(3); }\nprocess.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: process.env.LAB_TOKEN } }));\n`,
    );
    chmodSync(plugin, 0o755);
    const c = fleet.cluster('cluster-3');
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: c.apiUrl, caData: Buffer.from(c.state.ca.certPem).toString('base64'), skipTLSVerify: false }],
      users: [{ name: 'u', exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'lab-login', env: [{ name: 'LAB_TOKEN', value: c.user('viewer').token }] } }],
      contexts: [{ name: 'exec', cluster: 'c', user: 'u' }],
      currentContext: 'exec',
    });
    const result = await testConnection(kc, { execPath: async () => ({ path: `${bin}:/usr/bin:/bin`, source: 'the test' }) });
    expect(result.error).toBeUndefined();
    expect(result.identity?.username).toBe('viewer');

    const missing = await testConnection(kc, { execPath: async () => ({ path: '/usr/bin:/bin', source: 'the test' }) });
    expect(missing.reachable).toBe(false);
    expect(missing.error?.code).toBe('EXEC_PLUGIN');
    expect(missing.error?.message).toContain('"lab-login" was not found on the PATH from the test (/usr/bin:/bin)');
  });

  it('tests many contexts in parallel, each with its own result, in order', async () => {
    const stopped = fleet.cluster('cluster-2');
    await stopped.stop();
    const results = await testConnections(['cluster-1', 'cluster-2', 'cluster-3'].map((c) => kubeConfigFor(yaml, c)), { concurrency: 2, timeoutMs: 3_000 });
    expect(results.map((r) => r.reachable)).toEqual([true, false, true]);
    expect(results[1].error?.cluster).toBe('cluster-2');
  });
});

describe('what goes wrong, in words a person can act on', () => {
  it('a stopped cluster: nothing listening at its address', async () => {
    const c = fleet.cluster('cluster-2');
    await c.stop();
    const result = await testConnection(kubeConfigFor(yaml, 'cluster-2'));
    expect(result).toEqual({ reachable: false, error: expect.objectContaining({ code: 'UNREACHABLE', cluster: 'cluster-2' }) });
    expect(result.error!.message).toContain(`nothing is listening at ${c.apiUrl} (connection refused)`);
  });

  it('expired credentials: 401, re-import', async () => {
    fleet.cluster('cluster-1').expireCredentials('admin');
    const result = await testConnection(kubeConfigFor(yaml, 'cluster-1'));
    expect(result.reachable).toBe(true);
    expect(result.identity).toBeUndefined();
    expect(result.error).toMatchObject({ code: 'UNAUTHORIZED', cluster: 'cluster-1' });
    expect(result.error!.message).toMatch(/refused the credentials \(401 Unauthorized\).*token is wrong, revoked or expired.*re-import/i);
  });

  it('a permission RBAC refuses: 403 says which verb on which resource, and what could be read still shows', async () => {
    fleet.cluster('cluster-1').deny('admin', { verb: 'list', resource: 'deployments', group: 'apps' });
    const result = await testConnection(kubeConfigFor(yaml, 'cluster-1'));
    expect(result.reachable).toBe(true);
    expect(result.identity?.username).toBe('admin');
    // Without the Deployments, discovery still shows K10 is there.
    expect(result.k10).toEqual({ installed: true });
    expect(result.error).toMatchObject({ code: 'FORBIDDEN', cluster: 'cluster-1' });
    expect(result.error!.message).toContain('does not allow you to list deployments.apps in namespace kasten-io (403 Forbidden');
  });

  it('a cluster slower than the timeout: timed out after that long', async () => {
    fleet.cluster('cluster-3').setLatency(2_000);
    const started = Date.now();
    const result = await testConnection(kubeConfigFor(yaml, 'cluster-3'), { timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(result.reachable).toBe(false);
    expect(result.error).toMatchObject({ code: 'TIMEOUT', cluster: 'cluster-3' });
    expect(result.error!.message).toContain('did not answer within 0.5 s');
  });

  it('a server whose certificate the kubeconfig CA did not sign: TLS, not trusted', async () => {
    const c = fleet.cluster('cluster-1');
    const result = await testConnection(custom({ server: c.apiUrl, caPem: fleet.cluster('cluster-2').state.ca.certPem }, c.user('admin').token!));
    expect(result.reachable).toBe(false);
    expect(result.error?.code).toBe('TLS');
    expect(result.error!.message).toContain(`the certificate presented by ${c.apiUrl} is not signed by the certificate authority the kubeconfig trusts`);
  });

  it('a certificate for other host names: TLS, says which names it is for', async () => {
    const c = fleet.cluster('cluster-1');
    const result = await testConnection(custom({ server: c.apiUrl, caPem: c.state.ca.certPem, tlsServerName: 'k8s.example.com' }, c.user('admin').token!));
    expect(result.error?.code).toBe('TLS');
    expect(result.error!.message).toMatch(/is for DNS:localhost, IP Address:127\.0\.0\.1, not for .*host name mismatch/);
  });

  it('a host name that does not resolve: DNS', async () => {
    const result = await testConnection(custom({ server: 'https://no-such-cluster.invalid:6443' }, 'x'), { timeoutMs: 5_000 });
    expect(result.reachable).toBe(false);
    expect(result.error?.code).toBe('DNS');
    expect(result.error!.message).toContain('the host name no-such-cluster.invalid does not resolve');
  });

  it('a server certificate that expired: TLS, with the date it expired', async () => {
    const key = join(dir, 'expired.key');
    const cert = join(dir, 'expired.crt');
    // A self-signed certificate valid for one day in 2020 (`openssl ca` is the one that takes dates).
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', join(dir, 'expired.csr'), '-subj', '/CN=expired'], { stdio: 'ignore' });
    writeFileSync(join(dir, 'index.txt'), '');
    writeFileSync(join(dir, 'serial'), '01\n');
    writeFileSync(
      join(dir, 'ca.cnf'),
      `[ca]\ndefault_ca = d\n[d]\ndatabase = ${join(dir, 'index.txt')}\nnew_certs_dir = ${dir}\nserial = ${join(dir, 'serial')}\ndefault_md = sha256\npolicy = p\n[p]\ncommonName = supplied\n[x]\nsubjectAltName = IP:127.0.0.1\nbasicConstraints = critical,CA:TRUE\n`,
    );
    execFileSync('openssl', ['ca', '-batch', '-config', join(dir, 'ca.cnf'), '-selfsign', '-keyfile', key, '-in', join(dir, 'expired.csr'), '-out', cert, '-startdate', '20200101000000Z', '-enddate', '20200102000000Z', '-extensions', 'x'], { stdio: 'ignore' });
    const server: Server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const result = await testConnection(custom({ server: `https://127.0.0.1:${port}`, caPem: readFileSync(cert, 'utf8') }, 'x'));
      expect(result.error?.code).toBe('TLS');
      expect(result.error!.message).toMatch(/certificate presented by https:\/\/127\.0\.0\.1:\d+ expired on Jan +2 00:00:00 2020 GMT/);
    } finally {
      server.close();
    }
  });
});
