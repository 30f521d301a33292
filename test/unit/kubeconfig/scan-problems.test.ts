/**
 * What the wizard flags for each context before anything is saved — each
 * problem naming the context, the entry and the file it is about — and the
 * names it suggests when names clash. Runs buildScan on kubeconfig text with
 * an in-memory file system.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCa, issueClientCert, type CertKeyPair } from '../../../main/lab/certs.js';
import type { FileRead } from '../../../main/kubeconfig/files.js';
import { buildScan, type ExistingName } from '../../../main/kubeconfig/scan.js';
import type { SourceInput } from '../../../main/kubeconfig/sources.js';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const DAY = 24 * 60 * 60 * 1000;

let ca: CertKeyPair;
let client: CertKeyPair;
let other: CertKeyPair;
let pluginDir: string;
beforeAll(async () => {
  ca = await createCa('test-ca');
  client = await issueClientCert(ca, { user: 'ada', groups: ['admins'] }); // valid for a year
  other = await issueClientCert(ca, { user: 'bob', groups: [] });
  pluginDir = await mkdtemp(join(tmpdir(), 'flotilla-plugins-'));
  await writeFile(join(pluginDir, 'kubelogin'), '#!/bin/sh\n');
  await chmod(join(pluginDir, 'kubelogin'), 0o755);
});
afterAll(async () => {
  await rm(pluginDir, { recursive: true, force: true });
});

interface ScanOpts {
  files?: Record<string, string>;
  now?: Date;
  existing?: ExistingName[];
  path?: string;
}

const KUBECONFIG = '/home/ada/.kube/config';

async function scan(docs: Array<object | string>, opts: ScanOpts = {}) {
  const inputs: SourceInput[] = docs.map((d, i) => {
    const path = i === 0 ? KUBECONFIG : `/home/ada/.kube/extra-${i}`;
    return { origin: { path, label: path }, text: typeof d === 'string' ? d : stringify(d) };
  });
  const files = opts.files ?? {};
  const read = async (p: string): Promise<FileRead> => (p in files ? { ok: true, bytes: Buffer.from(files[p]!) } : { ok: false, reason: 'does not exist' });
  return buildScan(inputs, {
    now: opts.now ?? new Date(),
    existing: opts.existing ?? [],
    searchPath: async () => ({ path: opts.path ?? `/usr/bin:${pluginDir}`, source: 'your login shell (/bin/zsh)' }),
    read,
  });
}

function config(cluster: object, user: object | undefined, name = 'prod') {
  return {
    clusters: [{ name: 'c', cluster: { server: 'https://prod.example:6443', ...cluster } }],
    users: user ? [{ name: 'u', user }] : [],
    contexts: [{ name, context: { cluster: 'c', ...(user ? { user: 'u' } : {}) } }],
  };
}

const certUser = () => ({ 'client-certificate-data': b64(client.certPem), 'client-key-data': b64(client.keyPem) });
const codes = (problems: Array<{ code: string }>) => problems.map((p) => p.code);

describe('buildScan problems', () => {
  it('finds nothing wrong with a sound context, and lists its server, user, namespace and auth kind', async () => {
    const doc = config({ 'certificate-authority-data': b64(ca.certPem) }, certUser());
    (doc.contexts[0]!.context as Record<string, string>).namespace = 'kasten-io';
    const { candidates, files } = await scan([doc]);
    expect(files).toEqual([{ path: KUBECONFIG, ok: true, contexts: 1 }]);
    expect(candidates[0]!.dto).toEqual({
      id: 'c1',
      contextName: 'prod',
      clusterName: 'c',
      userName: 'u',
      server: 'https://prod.example:6443',
      namespace: 'kasten-io',
      authKind: 'client-certificate',
      sourceFile: KUBECONFIG,
      problems: [],
      suggestedName: 'prod',
    });
  });

  it('flags a context whose cluster or user no file defines, as errors naming the file', async () => {
    const { candidates } = await scan([{ clusters: [], users: [], contexts: [{ name: 'lost', context: { cluster: 'nowhere', user: 'nobody' } }] }]);
    const p = candidates[0]!.dto.problems;
    expect(codes(p)).toEqual(['missing-cluster', 'missing-user']);
    expect(p[0]).toMatchObject({ severity: 'error', message: expect.stringContaining(`Context "lost" (in ${KUBECONFIG}) uses cluster "nowhere"`) });
    expect(p[1]!.message).toContain('user "nobody"');
  });

  it('resolves a cluster defined in another scanned file, as kubectl does', async () => {
    const a = { contexts: [{ name: 'x', context: { cluster: 'shared' } }] };
    const b = { clusters: [{ name: 'shared', cluster: { server: 'https://shared:6443' } }] };
    const { candidates } = await scan([a, b]);
    expect(candidates[0]!.dto).toMatchObject({ server: 'https://shared:6443', problems: [] });
  });

  it('flags a cluster without a usable server', async () => {
    expect(codes((await scan([config({ server: '' }, undefined)])).candidates[0]!.dto.problems)).toEqual(['no-server']);
    const { candidates } = await scan([config({ server: 'prod.example:6443' }, undefined)]);
    expect(candidates[0]!.dto.problems[0]!.message).toMatch(/not an https:\/\/ URL/);
  });

  it('refuses a server URL that carries a user name or password, and never shows them', async () => {
    const { candidates } = await scan([config({ server: 'https://ada:hunter2@prod.example:6443' }, { token: 't' })]);
    const dto = candidates[0]!.dto;
    expect(codes(dto.problems)).toEqual(['credentials-in-url']);
    expect(dto.problems[0]!.severity).toBe('error');
    expect(dto.server).toBe('https://***@prod.example:6443/');
    expect(JSON.stringify(dto)).not.toContain('hunter2');
  });

  it('flags referenced files that are missing, naming the file, the entry and the kubeconfig', async () => {
    const { candidates } = await scan([config({ 'certificate-authority': 'ca.crt' }, { 'client-certificate': '/pki/ada.crt', 'client-key': '/pki/ada.key' })], {
      files: { '/pki/ada.crt': client.certPem },
    });
    const p = candidates[0]!.dto.problems;
    expect(codes(p)).toEqual(['missing-file', 'missing-file']);
    expect(p.map((x) => x.message)).toEqual([
      `The CA certificate file /home/ada/.kube/ca.crt, named by cluster "c" (in ${KUBECONFIG}), does not exist.`,
      `The client key file /pki/ada.key, named by user "u" (in ${KUBECONFIG}), does not exist.`,
    ]);
  });

  it('explains that a relative path in pasted text cannot be resolved', async () => {
    const text = stringify(config({}, { tokenFile: 'token' }));
    const { candidates } = await buildScan([{ origin: { label: 'pasted text' }, text }], { now: new Date(), existing: [], searchPath: async () => ({ path: '', source: '' }) });
    expect(candidates[0]!.dto.problems[0]!.message).toMatch(/token file token, named by user "u" \(in pasted text\), is a relative path in pasted text/);
  });

  it('warns about a client certificate that expires within 30 days, with the date', async () => {
    const now = new Date(Date.now() + 350 * DAY);
    const { candidates } = await scan([config({}, certUser())], { now });
    expect(candidates[0]!.dto.problems).toEqual([
      { code: 'cert-expiring', severity: 'warning', message: expect.stringMatching(/client certificate of user "u" \(in \/home\/ada\/\.kube\/config\) expires on \d{4}-\d{2}-\d{2} \(in 1[0-5] days\)/) },
    ]);
  });

  it('warns about an expired client certificate and an expired CA', async () => {
    const { candidates } = await scan([config({ 'certificate-authority-data': b64(ca.certPem) }, certUser())], { now: new Date(Date.now() + 11 * 365 * DAY) });
    expect(codes(candidates[0]!.dto.problems)).toEqual(['cert-expired', 'cert-expired']);
    expect(candidates[0]!.dto.problems[1]!.message).toMatch(/client certificate of user "u".*expired on/);
  });

  it('refuses certificate material that cannot work: not a certificate, a key of another certificate, a certificate without its key', async () => {
    const garbage = await scan([config({ 'certificate-authority-data': b64('not a certificate') }, undefined)]);
    expect(garbage.candidates[0]!.dto.problems[0]).toMatchObject({ code: 'cert-invalid', severity: 'error', message: expect.stringMatching(/CA certificate of cluster "c".*cannot be used/) });
    const mismatch = await scan([config({}, { 'client-certificate-data': b64(client.certPem), 'client-key-data': b64(other.keyPem) })]);
    expect(mismatch.candidates[0]!.dto.problems[0]!.message).toMatch(/do not belong together/);
    const lonely = await scan([config({}, { 'client-certificate-data': b64(client.certPem) })]);
    expect(lonely.candidates[0]!.dto.problems[0]!.message).toMatch(/has a client certificate but no key/);
  });

  it('warns about insecure-skip-tls-verify and proxy-url, without showing a proxy password', async () => {
    const { candidates } = await scan([config({ 'insecure-skip-tls-verify': true, 'proxy-url': 'http://ada:hunter2@proxy.corp:3128' }, { token: 't' })]);
    const p = candidates[0]!.dto.problems;
    expect(codes(p)).toEqual(['insecure-skip-tls-verify', 'proxy-url']);
    expect(p.every((x) => x.severity === 'warning')).toBe(true);
    expect(p[1]!.message).toContain('http://ada:***@proxy.corp:3128');
    expect(JSON.stringify(p)).not.toContain('hunter2');
  });

  it('warns when an exec plugin is not on the login shell PATH, saying which PATH was searched', async () => {
    const exec = (command: string) => config({}, { exec: { apiVersion: 'client.authentication.k8s.io/v1', command, installHint: 'brew install aws-iam-authenticator' } });
    const missing = await scan([exec('aws-iam-authenticator')]);
    expect(missing.execSearchPath).toBe(`/usr/bin:${pluginDir}`);
    expect(missing.candidates[0]!.dto.problems).toEqual([
      {
        code: 'exec-not-found',
        severity: 'warning',
        message: `The exec plugin "aws-iam-authenticator" of user "u" (in ${KUBECONFIG}) was not found on the PATH of your login shell (/bin/zsh): /usr/bin:${pluginDir}. Install it or add its folder to PATH in your shell's profile. brew install aws-iam-authenticator`,
      },
    ]);
    expect((await scan([exec('kubelogin')])).candidates[0]!.dto.problems).toEqual([]);
    expect((await scan([exec(join(pluginDir, 'kubelogin'))])).candidates[0]!.dto.problems).toEqual([]);
  });

  it('does not ask the login shell for its PATH when no context uses an exec plugin', async () => {
    const r = await scan([config({}, { token: 't' })]);
    expect(r.execSearchPath).toBeUndefined();
  });

  it('lists errors before warnings', async () => {
    const { candidates } = await scan([config({ 'insecure-skip-tls-verify': true }, { tokenFile: '/gone' })]);
    expect(codes(candidates[0]!.dto.problems)).toEqual(['missing-file', 'insecure-skip-tls-verify']);
  });
});

describe('buildScan names', () => {
  const ctx = (name: string, server = 'https://a:6443') => ({
    clusters: [{ name: `${name}-cluster`, cluster: { server } }],
    contexts: [{ name, context: { cluster: `${name}-cluster` } }],
  });

  it('offers both of two same-named contexts from different files, renaming the second and saying why', async () => {
    const { candidates } = await scan([ctx('default', 'https://k3s:6443'), ctx('default', 'https://kind:6443')]);
    expect(candidates.map((c) => [c.dto.suggestedName, c.dto.server])).toEqual([
      ['default', 'https://k3s:6443'],
      ['default-2', 'https://kind:6443'],
    ]);
    expect(candidates[1]!.dto.problems.map((p) => p.message)).toEqual([
      `Another context named "default" comes first (in ${KUBECONFIG}), so kubectl ignores this one (in /home/ada/.kube/extra-1). Flotilla can import both, this one under another name.`,
      'Context "default" in this scan would also be named "default", so this one would be imported as "default-2"; rename it if you prefer.',
    ]);
  });

  it('marks a context whose name is already imported, for update or skip, mentioning a different server', async () => {
    const { candidates } = await scan([ctx('prod', 'https://new:6443')], { existing: [{ id: 'id-1', name: 'prod', server: 'https://old:6443', source: 'imported' }] });
    expect(candidates[0]!.dto).toMatchObject({ suggestedName: 'prod', existingClusterId: 'id-1' });
    expect(candidates[0]!.dto.problems[0]).toMatchObject({ code: 'already-imported', severity: 'warning' });
    expect(candidates[0]!.dto.problems[0]!.message).toMatch(/already imported \(server https:\/\/old:6443\).*different server \(https:\/\/new:6443\)/);
  });

  it('never suggests the name of a lab cluster', async () => {
    const { candidates } = await scan([ctx('cluster-1')], { existing: [{ id: 'lab:cluster-1', name: 'cluster-1', server: 'https://127.0.0.1:1', source: 'lab' }] });
    expect(candidates[0]!.dto.suggestedName).toBe('cluster-1-2');
    expect(candidates[0]!.dto.existingClusterId).toBeUndefined();
    expect(candidates[0]!.dto.problems[0]!.message).toMatch(/A lab cluster is named "cluster-1"/);
  });

  it('turns context names into cluster names, unique across the scan', async () => {
    const { candidates } = await scan([{ ...ctx('Prod'), contexts: [{ name: 'Prod', context: { cluster: 'Prod-cluster' } }, { name: 'prod', context: { cluster: 'Prod-cluster' } }] }]);
    expect(candidates.map((c) => c.dto.suggestedName)).toEqual(['prod', 'prod-2']);
  });
});
