import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueClientCert, issueServingCert } from '../../../main/lab/certs.js';
import { buildLabKubeconfig, serializeKubeconfig, type LabKubeconfigCluster } from '../../../main/lab/kubeconfig-file.js';
import { KUBECTL, runKubectl } from './kubectl-harness.js';

const servers: Server[] = [];
let clusters: LabKubeconfigCluster[];
let yamlText: string;
let dir: string;
let file: string;

/** Each cluster answers with the identity it authenticated, as /version-shaped JSON. */
async function startCluster(name: string): Promise<LabKubeconfigCluster> {
  const ca = await createCa(`${name}-ca`);
  const serving = await issueServingCert(ca, { dnsNames: ['localhost'], ips: ['127.0.0.1'] });
  const adminCert = await issueClientCert(ca, { user: 'kubernetes-admin', groups: ['system:masters'] });
  const server = createServer({ key: serving.keyPem, cert: serving.certPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const socket = req.socket as TLSSocket;
    const who = socket.authorized ? `cert:${socket.getPeerCertificate().subject.CN}` : (req.headers.authorization ?? 'anonymous');
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ major: '1', minor: '31', gitVersion: `${name} ${who}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return {
    name,
    server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caPem: ca.certPem,
    users: [
      { name: `${name}-admin`, token: `${name}-admin-token` },
      { name: `${name}-admin-cert`, certPem: adminCert.certPem, keyPem: adminCert.keyPem },
      { name: `${name}-viewer`, token: `${name}-viewer-token` },
    ],
  };
}

beforeAll(async () => {
  clusters = [await startCluster('cluster-1'), await startCluster('cluster-2')];
  yamlText = serializeKubeconfig(buildLabKubeconfig(clusters));
  dir = mkdtempSync(join(tmpdir(), 'lab-kubeconfig-'));
  file = join(dir, 'config');
  writeFileSync(file, yamlText);
});

afterAll(() => {
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('lab kubeconfig with @kubernetes/client-node', () => {
  it('has one context per cluster named like it, the first current', () => {
    const kc = new KubeConfig();
    kc.loadFromString(yamlText);
    expect(kc.getContexts().map((c) => [c.name, c.cluster, c.user])).toEqual([
      ['cluster-1', 'cluster-1', 'cluster-1-admin'],
      ['cluster-2', 'cluster-2', 'cluster-2-admin'],
    ]);
    expect(kc.getCurrentContext()).toBe('cluster-1');
    expect(kc.getUsers().map((u) => u.name)).toEqual([
      'cluster-1-admin', 'cluster-1-admin-cert', 'cluster-1-viewer',
      'cluster-2-admin', 'cluster-2-admin-cert', 'cluster-2-viewer',
    ]);
  });

  it('reaches each cluster over TLS with its admin token', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(yamlText);
    kc.setCurrentContext('cluster-2');
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version.gitVersion).toBe('cluster-2 Bearer cluster-2-admin-token');
  });
});

describe.skipIf(!KUBECTL)('lab kubeconfig with kubectl', () => {
  it('lists the contexts, the first one current', async () => {
    const { stdout, stderr } = await runKubectl(['config', 'get-contexts', '--kubeconfig', file]);
    expect(stderr).toBe('');
    const rows = stdout.trim().split('\n').map((line) => line.trim().split(/\s+/));
    expect(rows).toEqual([
      ['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'],
      ['*', 'cluster-1', 'cluster-1', 'cluster-1-admin'],
      ['cluster-2', 'cluster-2', 'cluster-2-admin'],
    ]);
  });

  it('signs in as another user of a cluster with --user, by token or client certificate', async () => {
    const as = async (context: string, user: string) =>
      JSON.parse((await runKubectl(['get', '--raw', '/version', '--kubeconfig', file, '--context', context, '--user', user])).stdout).gitVersion;
    expect(await as('cluster-1', 'cluster-1-viewer')).toBe('cluster-1 Bearer cluster-1-viewer-token');
    expect(await as('cluster-2', 'cluster-2-admin-cert')).toBe('cluster-2 cert:kubernetes-admin');
  });
});
