/**
 * Bad input to the import wizard — not YAML, YAML that is not a kubeconfig,
 * contexts pointing at missing clusters or users, a 50 MB file, binary junk,
 * UTF-16, unreadable paths, an empty folder — each gets a clear message
 * naming the file and the problem, and nothing already imported changes:
 * the state file, the secret store and the user's files are byte for byte
 * the same afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileReport } from '../../shared/contract/kubeconfig.js';
import { ImportService } from '../../main/kubeconfig/import-service.js';
import { createClusterRegistry } from '../../main/clusters/cluster-list.js';
import { describeFsError } from '../../main/kubeconfig/files.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { AppStateStore, STATE_FILE } from '../../main/state/app-state.js';
import { hashTree } from '../support/files.js';

let root: string;
let home: string;
let userData: string;
let secrets: MemorySecretStore;
let service: ImportService;
let before: { state: string; secrets: string[]; files: Map<string, string> };

const good = (name: string, server = 'https://good.example:6443') =>
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server } }],
    users: [{ name: `${name}-admin`, user: { token: `token-of-${name}` } }],
    contexts: [{ name, context: { cluster: name, user: `${name}-admin` } }],
  });

async function snapshot() {
  return {
    state: await readFile(join(userData, STATE_FILE), 'utf8'),
    secrets: await Promise.all((await secrets.list('')).map(async (a) => `${a}=${await secrets.get(a)}`)),
    files: await hashTree(home),
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'flotilla-bad-'));
  home = join(root, 'home');
  userData = join(root, 'userData');
  await mkdir(join(home, '.kube'), { recursive: true });
  const state = await AppStateStore.open(userData);
  secrets = new MemorySecretStore();
  const registry = createClusterRegistry({ state, secrets });
  service = new ImportService({ registry, secrets, home, env: {}, testConnection: async () => ({ reachable: true }), searchPath: async () => ({ path: '/usr/bin', source: 'test' }) });

  // Something already imported, which bad input must leave alone.
  const first = await service.scan({ kind: 'text', text: good('prod', 'https://prod.example:6443') });
  await service.import(first.scanId, [{ candidateId: first.candidates[0]!.id, name: 'prod', onExisting: 'skip' }]);

  const k = (n: string) => join(home, 'kube', n);
  await mkdir(join(home, 'kube', 'empty'), { recursive: true });
  await writeFile(k('not-yaml'), 'clusters:\n  - name: a\n   cluster: {server: https://a\n');
  await writeFile(k('deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n');
  await writeFile(k('dangling'), stringify({ clusters: [], users: [], contexts: [{ name: 'orphan', context: { cluster: 'gone', user: 'nobody' } }] }));
  await writeFile(k('junk.bin'), Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0]), randomBytes(4096)]));
  await writeFile(k('utf16'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good('w'), 'utf16le')]));
  // 50 MB without writing 50 MB: a sparse file.
  const big = await open(k('huge'), 'w');
  await big.truncate(50 * 1024 * 1024);
  await big.close();
  execFileSync('mkfifo', [k('fifo')]);
  await writeFile(k('good'), good('staging', 'https://staging.example:6443'));
  await writeFile(k('unreadable'), good('secret-place'));
  await chmod(k('unreadable'), 0o000);
  await writeFile(join(home, '.kube', 'config'), good('default-ctx'));

  before = await snapshot();
});

afterAll(async () => {
  service?.dispose();
  await rm(root, { recursive: true, force: true });
});

async function scanFile(name: string): Promise<FileReport> {
  const path = join(home, 'kube', name);
  const r = await service.scan({ kind: 'files', paths: [path] });
  expect(r.candidates).toEqual([]);
  expect(r.files).toHaveLength(1);
  const report = r.files[0]!;
  expect(report).toMatchObject({ path, ok: false, contexts: 0 });
  expect(report.error).toContain(path);
  return report;
}

describe('scanning bad input', () => {
  it('not YAML: says so, with the YAML error', async () => {
    expect((await scanFile('not-yaml')).error).toMatch(/is not valid YAML: .+/);
  });

  it('YAML that is not a kubeconfig: says what it is instead', async () => {
    expect((await scanFile('deployment.yaml')).error).toMatch(/is a Kubernetes Deployment manifest, not a kubeconfig \(kind: Config\)/);
  });

  it('a 50 MB file: refused from its size, without reading it', async () => {
    const t0 = Date.now();
    expect((await scanFile('huge')).error).toMatch(/is 50\.0 MB, larger than the 10\.0 MB Flotilla reads/);
    expect(Date.now() - t0).toBeLessThan(2_000);
  });

  it('binary junk: says it is binary', async () => {
    expect((await scanFile('junk.bin')).error).toMatch(/is a binary file \(it contains NUL bytes\), not a kubeconfig/);
  });

  it('a UTF-16 file: says how to save it', async () => {
    expect((await scanFile('utf16')).error).toMatch(/saved as UTF-16 text.*save it as UTF-8/);
  });

  it('a pipe: refused without waiting on it', async () => {
    expect((await scanFile('fifo')).error).toMatch(/is not a regular file/);
  });

  it('a folder given as a file, and a file that does not exist', async () => {
    expect((await scanFile('empty')).error).toMatch(/is a folder, not a file/);
    expect((await scanFile('no-such-file')).error).toMatch(/no-such-file does not exist/);
  });

  it.skipIf(process.getuid?.() === 0)('a file without read permission: says so', async () => {
    expect((await scanFile('unreadable')).error).toMatch(/cannot be read \(permission denied\)/);
  });

  it('(permission errors are explained whoever runs the tests)', () => {
    expect(describeFsError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }))).toBe('cannot be read (permission denied); check its permissions');
  });

  it('an empty folder: says there is nothing to read', async () => {
    const path = join(home, 'kube', 'empty');
    const r = await service.scan({ kind: 'folder', path });
    expect(r.candidates).toEqual([]);
    expect(r.files).toEqual([{ path, ok: false, contexts: 0, error: `The folder ${path} has no files to read.` }]);
  });

  it('a folder of mixed files: lists the contexts of the good ones and explains each bad one', async () => {
    const dir = join(home, 'kube');
    const r = await service.scan({ kind: 'folder', path: dir });
    expect(r.candidates.map((c) => c.contextName).sort()).toEqual(['orphan', 'staging', ...(process.getuid?.() === 0 ? ['secret-place'] : [])].sort());
    const byName = Object.fromEntries(r.files.map((f) => [f.path.slice(dir.length + 1), f]));
    expect(byName.good).toEqual({ path: join(dir, 'good'), ok: true, contexts: 1 });
    expect(byName['junk.bin']!.error).toMatch(/binary/);
    expect(byName.huge!.error).toMatch(/50\.0 MB/);
    expect(byName.fifo).toBeUndefined(); // not a regular file: not part of the folder's files
    expect(byName.empty).toBeUndefined(); // sub-folders are not entered
  });

  it('a context pointing at a missing cluster and user: listed with errors naming the file, and refused at import', async () => {
    const path = join(home, 'kube', 'dangling');
    const r = await service.scan({ kind: 'files', paths: [path] });
    expect(r.files).toEqual([{ path, ok: true, contexts: 1 }]);
    const c = r.candidates[0]!;
    expect(c.problems.map((p) => [p.code, p.severity])).toEqual([
      ['missing-cluster', 'error'],
      ['missing-user', 'error'],
    ]);
    expect(c.problems[0]!.message).toContain(`Context "orphan" (in ${path}) uses cluster "gone"`);
    const report = await service.import(r.scanId, [{ candidateId: c.id, name: 'orphan', onExisting: 'skip' }]);
    expect(report.imported).toEqual([]);
    expect(report.failed).toEqual([{ name: 'orphan', message: expect.stringContaining('uses cluster "gone"') }]);
  });

  it('pasted junk: names the pasted text', async () => {
    const r = await service.scan({ kind: 'text', text: 'just some words\u0000' });
    expect(r.files).toEqual([{ path: 'pasted text', ok: false, contexts: 0, error: expect.stringMatching(/^pasted text is binary data/) }]);
  });

  it('KUBECONFIG listing missing and bad files: reports each, and reads the good ones', async () => {
    const env = { KUBECONFIG: [join(home, 'kube', 'missing'), join(home, 'kube', 'good'), join(home, 'kube', 'junk.bin')].join(':') };
    const state = await AppStateStore.open(join(root, 'other-user-data'));
    const s = new ImportService({ registry: createClusterRegistry({ state, secrets: new MemorySecretStore() }), secrets: new MemorySecretStore(), home, env, testConnection: async () => ({ reachable: true }), searchPath: async () => ({ path: '', source: 'test' }) });
    const r = await s.scan({ kind: 'env' });
    expect(r.files.map((f) => f.ok)).toEqual([false, true, false]);
    expect(r.files[0]!.error).toMatch(/missing does not exist/);
    expect(r.candidates.map((c) => c.contextName)).toEqual(['staging']);
  });

  it('no KUBECONFIG anywhere: says so and suggests choosing files', async () => {
    const r = await service.scan({ kind: 'env' });
    expect(r.files).toEqual([{ path: '$KUBECONFIG', ok: false, contexts: 0, error: expect.stringMatching(/KUBECONFIG is not set.*Choose the files instead/) }]);
  });

  it('after all of that, the imported cluster, its secret and the user\'s files are exactly as before', async () => {
    expect(await snapshot()).toEqual(before);
    expect(JSON.parse(before.state).clusters.map((c: { name: string }) => c.name)).toEqual(['prod']);
  });
});
