/**
 * Importing the lab fleet's kubeconfigs into the REAL OS keychain
 * (gnome-keyring's Secret Service in a private D-Bus session: run through
 * build/with-keychain.sh), with every kind of credential: bearer tokens,
 * client certificates inline and as files, a token file, and an exec
 * plugin whose env holds a secret. Then, as a user would notice:
 *   - no credential is anywhere in the user-data folder;
 *   - after a restart, each imported cluster is reachable and the cluster
 *     sees the right identity;
 *   - re-import updates (replacing secrets) or skips;
 *   - removing clusters removes their keychain entries;
 *   - the user's kubeconfig files are never modified;
 *   - with no keychain at all, import fails with KEYCHAIN_UNAVAILABLE and
 *     writes nothing.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AuthenticationV1Api, CoreV1Api } from '@kubernetes/client-node';
import keytar from 'keytar';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../shared/contract/kubeconfig.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { ImportService } from '../../main/kubeconfig/import-service.js';
import { createClusterRegistry, secretAccount, type ClusterRegistryService } from '../../main/clusters/cluster-list.js';
import { keychainStatus } from '../../main/secrets/keychain-status.js';
import { createKeychainStore } from '../../main/secrets/keychain-store.js';
import type { SecretStore } from '../../main/secrets/secret-store.js';
import { AppStateStore, STATE_FILE } from '../../main/state/app-state.js';
import { hashTree } from '../support/files.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
/** A keychain service of its own per run: never touches a real Flotilla's entries. */
const SERVICE = `flotilla-test-${randomUUID()}`;

let fleet: LabFleet;
let root: string;
let home: string;
let userData: string;
let pluginDir: string;
let secrets: SecretStore;
let homeBefore: Map<string, string>;
/** Every credential the imported kubeconfigs hold, in every form it could be written in. */
let credentials: Array<{ what: string; value: string }>;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Everything in the user-data folder, as text (state file, logs, anything a bug might have written). */
async function userDataText(): Promise<string> {
  const parts: string[] = [];
  for (const e of await readdir(userData, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) parts.push(`${e.name}\n${await readFile(join(e.parentPath, e.name), 'utf8')}`);
  }
  return parts.join('\n');
}

function open(storeDir = userData) {
  return AppStateStore.open(storeDir).then((state) => {
    const registry = createClusterRegistry({ state, secrets, searchPath: async () => ({ path: `${pluginDir}:${process.env.PATH}`, source: 'test' }) });
    const importer = new ImportService({
      registry,
      secrets,
      home,
      env: { KUBECONFIG: [join(home, '.kube', 'lab.yaml'), join(home, '.kube', 'extra.yaml')].join(':') },
      testConnection: async () => ({ reachable: true }),
      searchPath: async () => ({ path: `${pluginDir}:${process.env.PATH}`, source: 'test' }),
    });
    return { state, registry, importer };
  });
}

async function whoAmI(registry: ClusterRegistryService, name: string): Promise<string> {
  const c = registry.findByName(name)!;
  const kc = await registry.kubeConfig(c.id);
  const review = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
  return review.status!.userInfo!.username!;
}

beforeAll(async () => {
  const status = await keychainStatus(createKeychainStore(SERVICE));
  if (!status.available) {
    throw new Error(`These tests need a working keychain: run them through build/with-keychain.sh (${status.problem})`);
  }
  secrets = createKeychainStore(SERVICE);

  root = await mkdtemp(join(tmpdir(), 'flotilla-keychain-'));
  home = join(root, 'home');
  userData = join(root, 'userData');
  pluginDir = join(root, 'plugins');
  const kube = join(home, '.kube');
  await mkdir(join(kube, 'pki'), { recursive: true });
  await mkdir(join(kube, 'tokens'), { recursive: true });
  await mkdir(pluginDir);

  fleet = await startLabFleet({ clusters: 2, kubeconfigPath: join(kube, 'lab.yaml'), empty: true });
  const c1 = fleet.cluster('cluster-1');
  const c2 = fleet.cluster('cluster-2');

  // Files a kubeconfig names by (relative) path: CA, client certificate and key, token file.
  await writeFile(join(kube, 'pki', 'cluster-2-ca.crt'), c2.state.ca.certPem);
  await writeFile(join(kube, 'pki', 'admin-cert.crt'), c2.user('admin-cert').cert!.certPem);
  await writeFile(join(kube, 'pki', 'admin-cert.key'), c2.user('admin-cert').cert!.keyPem);
  await writeFile(join(kube, 'tokens', 'cluster-2'), `${c2.user('admin').token}\n`);

  // An exec plugin, found on the (login shell) PATH by its bare name, that hands out the token its env holds.
  await writeFile(
    join(pluginDir, 'flotilla-lab-login'),
    '#!/bin/sh\nprintf \'{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}\' "$LAB_TOKEN"\n',
  );
  await chmod(join(pluginDir, 'flotilla-lab-login'), 0o755);
  const execToken = c1.user('admin').token!;

  await writeFile(
    join(kube, 'extra.yaml'),
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'cluster-2-ca-file', cluster: { server: c2.apiUrl, 'certificate-authority': 'pki/cluster-2-ca.crt' } }],
      users: [
        { name: 'cluster-2-cert-files', user: { 'client-certificate': 'pki/admin-cert.crt', 'client-key': 'pki/admin-cert.key' } },
        { name: 'cluster-2-token-file', user: { tokenFile: 'tokens/cluster-2' } },
        {
          name: 'cluster-1-exec',
          user: {
            exec: {
              apiVersion: 'client.authentication.k8s.io/v1',
              command: 'flotilla-lab-login',
              interactiveMode: 'Never',
              env: [
                { name: 'LAB_REGION', value: 'lab-east' },
                { name: 'LAB_TOKEN', value: execToken },
              ],
            },
          },
        },
      ],
      contexts: [
        // Users and clusters of lab.yaml, which comes first in KUBECONFIG: kubectl's merge resolves them.
        { name: 'cluster-1-cert', context: { cluster: 'cluster-1', user: 'cluster-1-admin-cert' } },
        { name: 'cluster-1-viewer', context: { cluster: 'cluster-1', user: 'cluster-1-viewer', namespace: 'kasten-io' } },
        { name: 'cluster-2-files', context: { cluster: 'cluster-2-ca-file', user: 'cluster-2-cert-files' } },
        { name: 'cluster-2-tokenfile', context: { cluster: 'cluster-2-ca-file', user: 'cluster-2-token-file' } },
        { name: 'cluster-1-exec', context: { cluster: 'cluster-1', user: 'cluster-1-exec' } },
      ],
    }),
  );

  credentials = [];
  const add = (what: string, value: string) => credentials.push({ what, value }, { what: `${what} (base64)`, value: b64(value) });
  for (const c of [c1, c2]) {
    add(`${c.name} admin token`, c.user('admin').token!);
    add(`${c.name} viewer token`, c.user('viewer').token!);
    const key = c.user('admin-cert').cert!.keyPem;
    add(`${c.name} client key`, key);
    // The key's body alone, whatever line breaks or escaping it were written with.
    credentials.push({ what: `${c.name} client key body`, value: key.split('\n')[1]! });
  }
  add('token file content', (await readFile(join(kube, 'tokens', 'cluster-2'), 'utf8')).trim());
  add('exec env LAB_TOKEN', execToken);

  homeBefore = await hashTree(home);
});

afterAll(async () => {
  await fleet?.stop();
  if (secrets) for (const a of await secrets.list('').catch(() => [])) await secrets.delete(a).catch(() => false);
  if (root) await rm(root, { recursive: true, force: true });
});

describe('import into the OS keychain', () => {
  let scan: ScanResult;
  let ids: Record<string, string>;

  it('scans both KUBECONFIG files, merged, with every context and its auth kind, and nothing to complain about', async () => {
    const { importer } = await open();
    scan = await importer.scan({ kind: 'env' });
    expect(scan.files.map((f) => [f.path.slice(home.length), f.ok, f.contexts])).toEqual([
      ['/.kube/lab.yaml', true, 2],
      ['/.kube/extra.yaml', true, 5],
    ]);
    expect(scan.candidates.map((c) => [c.suggestedName, c.authKind, c.problems])).toEqual([
      ['cluster-1', 'token', []],
      ['cluster-2', 'token', []],
      ['cluster-1-cert', 'client-certificate', []],
      ['cluster-1-viewer', 'token', []],
      ['cluster-2-files', 'client-certificate', []],
      ['cluster-2-tokenfile', 'token-file', []],
      ['cluster-1-exec', 'exec', []],
    ]);
    expect(scan.execSearchPath).toContain(pluginDir);

    const report = await importer.import(
      scan.scanId,
      scan.candidates.map((c) => ({ candidateId: c.id, name: c.suggestedName, onExisting: 'skip' as const })),
    );
    expect(report).toEqual({ imported: scan.candidates.map((c) => c.suggestedName), updated: [], skipped: [], failed: [] });
    importer.dispose();
  });

  it('leaves no credential anywhere in the user-data folder, only non-secret settings', async () => {
    const text = await userDataText();
    for (const { what, value } of credentials) expect(text.includes(value), `${what} found in the user-data folder`).toBe(false);
    // Positive controls: this is the state the import wrote (a non-secret env value, a public certificate).
    expect(text).toContain('lab-east');
    expect(text).toContain(b64(fleet.cluster('cluster-2').user('admin-cert').cert!.certPem));
  });

  it('keeps one keychain entry per cluster, holding its secrets', async () => {
    const { registry } = await open();
    ids = Object.fromEntries(registry.list().map((c) => [c.name, c.id]));
    const entries = await keytar.findCredentials(SERVICE);
    expect(entries.map((e) => e.account).sort()).toEqual(Object.values(ids).map(secretAccount).sort());
    const blob = JSON.parse(entries.find((e) => e.account === secretAccount(ids['cluster-2-files']!))!.password);
    expect(blob.clientKeyPem).toBe(fleet.cluster('cluster-2').user('admin-cert').cert!.keyPem);
    const tokenFile = JSON.parse((await keytar.getPassword(SERVICE, secretAccount(ids['cluster-2-tokenfile']!)))!);
    expect(tokenFile.token).toBe(fleet.cluster('cluster-2').user('admin').token);
  });

  it('after a restart, reaches each cluster with the credentials from the keychain, as the right user', async () => {
    const { registry } = await open(); // a fresh state store and registry, as after a restart
    expect(
      Object.fromEntries(await Promise.all(registry.list().map(async (c) => [c.name, await whoAmI(registry, c.name)] as const))),
    ).toEqual({
      'cluster-1': 'admin',
      'cluster-2': 'admin',
      'cluster-1-cert': 'admin-cert',
      'cluster-1-viewer': 'viewer',
      'cluster-2-files': 'admin-cert',
      'cluster-2-tokenfile': 'admin',
      'cluster-1-exec': 'admin',
    });
    for (const name of ['cluster-1', 'cluster-1-cert', 'cluster-2-files', 'cluster-2-tokenfile']) {
      const kc = await registry.kubeConfig(ids[name]!);
      const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
      expect(namespaces.items.map((n) => n.metadata!.name)).toContain('kasten-io');
    }
  });

  it('skips contexts already imported when asked to, leaving their secrets alone', async () => {
    const { importer } = await open();
    const again = await importer.scan({ kind: 'env' });
    expect(again.candidates.every((c) => c.existingClusterId === ids[c.suggestedName])).toBe(true);
    expect(again.candidates[0]!.problems.map((p) => p.code)).toEqual(['already-imported']);
    const entries = async () => (await keytar.findCredentials(SERVICE)).sort((a, b) => a.account.localeCompare(b.account));
    const before = await entries();
    const report = await importer.import(again.scanId, again.candidates.map((c) => ({ candidateId: c.id, name: c.suggestedName, onExisting: 'skip' as const })));
    expect(report.skipped).toHaveLength(7);
    expect(await entries()).toEqual(before);
    importer.dispose();
  });

  it('updates an imported cluster on request, replacing its secret in the keychain', async () => {
    const { importer, registry } = await open();
    const c1 = fleet.cluster('cluster-1');
    const pasted = stringify({
      clusters: [{ name: 'cluster-1', cluster: { server: c1.apiUrl, 'certificate-authority-data': b64(c1.state.ca.certPem) } }],
      users: [{ name: 'v', user: { token: c1.user('viewer').token } }],
      contexts: [{ name: 'cluster-1', context: { cluster: 'cluster-1', user: 'v' } }],
    });
    const s = await importer.scan({ kind: 'text', text: pasted });
    expect(s.candidates[0]!.existingClusterId).toBe(ids['cluster-1']);
    const before = registry.get(ids['cluster-1']!)!;
    const report = await importer.import(s.scanId, [{ candidateId: s.candidates[0]!.id, name: 'cluster-1', onExisting: 'update' }]);
    expect(report).toEqual({ imported: [], updated: ['cluster-1'], skipped: [], failed: [] });
    expect(registry.get(ids['cluster-1']!)).toMatchObject({ id: before.id, addedAt: before.addedAt });
    expect(JSON.parse((await keytar.getPassword(SERVICE, secretAccount(ids['cluster-1']!)))!).token).toBe(c1.user('viewer').token);
    expect(await whoAmI(registry, 'cluster-1')).toBe('viewer');
    importer.dispose();
  });

  it('removing clusters deletes their keychain entries and their records, and no credential is left behind', async () => {
    const { registry, state } = await open();
    const removed = await registry.remove(Object.values(ids));
    expect(removed.sort()).toEqual(Object.values(ids).sort());
    expect(await keytar.findCredentials(SERVICE)).toEqual([]);
    expect(state.get().clusters).toEqual([]);
    expect(JSON.parse(await readFile(join(userData, STATE_FILE), 'utf8')).clusters).toEqual([]);
    await expect(registry.kubeConfig(ids['cluster-1']!)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const text = await userDataText();
    for (const { what, value } of credentials) expect(text.includes(value), `${what} found in the user-data folder`).toBe(false);
  });

  it("never modified the user's kubeconfig files, certificates, keys or token files", async () => {
    expect(await hashTree(home)).toEqual(homeBefore);
  });
});

describe('without a keychain', () => {
  it('fails the import with KEYCHAIN_UNAVAILABLE, says how to fix it, and writes nothing', async () => {
    const isolated = join(root, 'no-keychain-user-data');
    const service = `flotilla-test-${randomUUID()}`;
    const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/flotilla-no-bus' };
    delete env.DISPLAY;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(here, 'import-keychain-child.ts'), join(home, '.kube', 'lab.yaml'), isolated, service], {
      env,
      cwd: join(here, '..', '..'),
      timeout: 60_000,
    });
    const result = JSON.parse(stdout);
    expect(result.status.available).toBe(false);
    expect(result.status.problem).toMatch(/gnome-keyring/);
    expect(result.candidates).toBe(2);
    expect(result.outcome).toMatchObject({ ok: false, code: 'KEYCHAIN_UNAVAILABLE' });
    expect(result.outcome.message).toMatch(/never in plain files/);
    expect(result.clusters).toBe(0);
    // Nothing written: no state file (no secrets anywhere in the folder), and no keychain entry.
    expect(await readdir(isolated)).toEqual([]);
    expect(await keytar.findCredentials(service)).toEqual([]);
  });
});
