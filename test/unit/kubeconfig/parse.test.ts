/**
 * Parsing kubeconfig text: what a kubeconfig means (names, fields, relative
 * paths resolved against the file that names them, as kubectl does), and a
 * clear message naming the file for everything that is not one. Generated
 * inputs check that no input, however broken, makes the parser throw.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { decodeText, parseKubeconfig } from '../../../main/kubeconfig/parse.js';

const FILE = '/home/ada/.kube/config';
const origin = { path: FILE, label: FILE };

function parseOk(text: string, o: { path?: string; label: string } = origin) {
  const r = parseKubeconfig(text, o);
  if (!r.ok) throw new Error(`expected a kubeconfig, got: ${r.error}`);
  return r.file;
}

function parseError(text: string): string {
  const r = parseKubeconfig(text, origin);
  if (r.ok) throw new Error('expected an error');
  return r.error;
}

const sample = `
apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443
    certificate-authority: certs/ca.crt
    tls-server-name: api.prod
    proxy-url: http://proxy:3128
- name: lab
  cluster:
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: true
users:
- name: cert
  user:
    client-certificate: ../pki/admin.crt
    client-key: /etc/pki/admin.key
- name: tok
  user:
    tokenFile: token
- name: aws
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, prod]
      env:
      - {name: AWS_PROFILE, value: prod}
- name: local-plugin
  user:
    exec: {command: ./bin/login, apiVersion: client.authentication.k8s.io/v1}
- name: basic
  user: {username: ada, password: pw, as: root}
- name: oidc
  user:
    auth-provider:
      name: oidc
      config: {client-id: flotilla, id-token: abc}
contexts:
- name: prod
  context: {cluster: prod, user: cert, namespace: kasten-io}
- name: anonymous
  context: {cluster: lab}
`;

describe('parseKubeconfig', () => {
  it('reads clusters, users and contexts with every field kubectl knows', () => {
    const f = parseOk(sample);
    expect(f.currentContext).toBe('prod');
    expect(f.clusters.map((c) => c.name)).toEqual(['prod', 'lab']);
    expect(f.clusters[0]!.value).toEqual({
      server: 'https://prod.example:6443',
      certificateAuthority: '/home/ada/.kube/certs/ca.crt',
      tlsServerName: 'api.prod',
      proxyUrl: 'http://proxy:3128',
    });
    expect(f.clusters[1]!.value.insecureSkipTlsVerify).toBe(true);
    expect(f.users.find((u) => u.name === 'aws')!.value.exec).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', 'prod'],
      env: [{ name: 'AWS_PROFILE', value: 'prod' }],
    });
    expect(f.users.find((u) => u.name === 'basic')!.value).toEqual({ username: 'ada', password: 'pw', as: 'root' });
    expect(f.users.find((u) => u.name === 'oidc')!.value.authProvider).toEqual({ name: 'oidc', config: { 'client-id': 'flotilla', 'id-token': 'abc' } });
    expect(f.contexts).toMatchObject([
      { name: 'prod', value: { cluster: 'prod', user: 'cert', namespace: 'kasten-io' } },
      { name: 'anonymous', value: { cluster: 'lab', user: '' } },
    ]);
  });

  it('resolves relative paths against the folder of the file that names them, as kubectl does', () => {
    const f = parseOk(sample);
    const user = (n: string) => f.users.find((u) => u.name === n)!.value;
    expect(user('cert').clientCertificate).toBe('/home/ada/pki/admin.crt');
    expect(user('cert').clientKey).toBe('/etc/pki/admin.key');
    expect(user('tok').tokenFile).toBe('/home/ada/.kube/token');
    // A command with a path separator is a path; a bare name is looked up on PATH.
    expect(user('local-plugin').exec!.command).toBe('/home/ada/.kube/bin/login');
    expect(user('aws').exec!.command).toBe('aws');
  });

  it('leaves relative paths of pasted text unresolved (there is no file to resolve them against)', () => {
    const f = parseOk(sample, { label: 'pasted text' });
    expect(f.users.find((u) => u.name === 'tok')!.value.tokenFile).toBe('token');
  });

  it('accepts an empty list and a file that only sets current-context', () => {
    expect(parseOk('clusters: []\n').contexts).toEqual([]);
    expect(parseOk('current-context: x\n').currentContext).toBe('x');
  });

  it.each([
    ['not YAML', 'clusters: [\n  - name: a\n  cluster: {', /is not valid YAML/],
    ['a YAML list', '- a\n- b\n', /is YAML but not a kubeconfig: it is a list/],
    ['a single YAML value', 'hello world\n', /is YAML but not a kubeconfig/],
    ['a Kubernetes manifest', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n', /is a Kubernetes Deployment manifest, not a kubeconfig/],
    ['a YAML mapping with no kubeconfig keys', 'name: x\nreplicas: 3\n', /none of clusters, users, contexts or current-context/],
    ['an empty file', '   \n# just a comment\n', /is empty/],
    ['several documents', 'clusters: []\n---\nusers: []\n', /2 YAML documents/],
    ['clusters that is not a list', 'clusters: {a: 1}\n', /"clusters" must be a list/],
    ['an entry without a name', 'clusters:\n- cluster: {server: https://a}\n', /clusters\[0\] has no name/],
    ['two entries of one name in one file', 'contexts:\n- {name: a, context: {cluster: x}}\n- {name: a, context: {cluster: y}}\n', /two contexts are named "a"/],
    ['an exec plugin without a command', 'users:\n- name: u\n  user: {exec: {apiVersion: v1}}\n', /exec has no command/],
    ['a server that is not text', 'clusters:\n- name: a\n  cluster: {server: [1, 2]}\n', /server must be text/],
    ['NUL characters', 'clusters: []\u0000\u0000', /binary data/],
  ])('refuses %s, naming the file', (_what, text, message) => {
    const error = parseError(text);
    expect(error).toMatch(message);
    expect(error).toContain(FILE);
  });

  it('does not expand YAML alias bombs', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 12; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    bomb.push('clusters: []');
    expect(parseError(bomb.join('\n'))).toMatch(/not valid YAML/);
  });

  it('never throws, whatever the text: it answers a kubeconfig or a message naming the file', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), yamlish()), (text) => {
        const r = parseKubeconfig(text, origin);
        if (!r.ok) expect(r.error).toContain(FILE);
      }),
      { numRuns: 400 },
    );
  });

  it('reads back what a kubeconfig says, for generated kubeconfigs', () => {
    fc.assert(
      fc.property(generatedKubeconfig(), ({ doc }) => {
        const f = parseOk(stringify(doc));
        expect(f.clusters.map((c) => c.name)).toEqual(doc.clusters.map((c) => c.name));
        expect(f.users.map((u) => u.name)).toEqual(doc.users.map((u) => u.name));
        expect(f.contexts.map((c) => [c.name, c.value.cluster, c.value.user])).toEqual(doc.contexts.map((c) => [c.name, c.context.cluster, c.context.user ?? '']));
        doc.clusters.forEach((c, i) => {
          expect(f.clusters[i]!.value.server).toBe(c.cluster.server);
          const ca = c.cluster['certificate-authority'];
          if (ca) expect(f.clusters[i]!.value.certificateAuthority).toBe(ca.startsWith('/') ? ca : join('/home/ada/.kube', ca));
        });
        doc.users.forEach((u, i) => {
          expect(f.users[i]!.value.token).toBe(u.user.token);
          const tf = u.user.tokenFile;
          if (tf) expect(f.users[i]!.value.tokenFile).toBe(tf.startsWith('/') ? tf : join('/home/ada/.kube', tf));
        });
        expect(f.currentContext).toBe(doc['current-context'] || undefined);
      }),
      { numRuns: 200 },
    );
  });
});

describe('decodeText', () => {
  it('refuses binary junk, UTF-16 and invalid UTF-8, naming the file', () => {
    expect(decodeText(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00]), FILE)).toEqual({ ok: false, error: expect.stringMatching(/\/home\/ada\/\.kube\/config is a binary file/) });
    expect(decodeText(Buffer.from('\ufeffclusters: []', 'utf16le'), FILE)).toEqual({ ok: false, error: expect.stringMatching(/UTF-16.*save it as UTF-8/) });
    expect(decodeText(Buffer.from([0x63, 0xc3, 0x28]), FILE)).toEqual({ ok: false, error: expect.stringMatching(/not UTF-8 text/) });
  });

  it('drops a UTF-8 byte-order mark', () => {
    expect(decodeText(Buffer.from('\ufeffclusters: []', 'utf8'), FILE)).toEqual({ ok: true, text: 'clusters: []' });
  });
});

/** YAML-looking text: kubeconfig keys, indentation and punctuation in random order. */
function yamlish() {
  return fc
    .array(fc.constantFrom('clusters:', 'users:', 'contexts:', '- name: a', '  cluster:', '    server: x', '  user:', 'exec:', ' command:', '[', ']', '{', '}', '&a', '*a', '- ', ': ', '"', "'", '\n', '  '), { maxLength: 40 })
    .map((parts) => parts.join(''));
}

const nameArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[0-9]$/);
const pathArb = fc.oneof(fc.stringMatching(/^[a-z]{1,6}(\/[a-z]{1,6}){0,2}\.(crt|pem|token)$/), fc.stringMatching(/^\/[a-z]{1,6}\/[a-z]{1,6}\.crt$/));

interface GenDoc {
  clusters: Array<{ name: string; cluster: { server: string; 'certificate-authority'?: string } }>;
  users: Array<{ name: string; user: { token?: string; tokenFile?: string } }>;
  contexts: Array<{ name: string; context: { cluster: string; user?: string } }>;
  'current-context': string;
}

/** Kubeconfigs with unique names per list, optional relative and absolute paths. */
function generatedKubeconfig(): fc.Arbitrary<{ doc: GenDoc }> {
  return fc
    .record({
      clusters: fc.uniqueArray(fc.record({ name: nameArb, server: fc.webUrl({ validSchemes: ['https'] }), ca: fc.option(pathArb, { nil: undefined }) }), { selector: (c) => c.name, maxLength: 5 }),
      users: fc.uniqueArray(fc.record({ name: nameArb, token: fc.option(fc.stringMatching(/^[A-Za-z0-9]{8,20}$/), { nil: undefined }), tokenFile: fc.option(pathArb, { nil: undefined }) }), { selector: (u) => u.name, maxLength: 5 }),
      contexts: fc.uniqueArray(fc.record({ name: nameArb, cluster: nameArb, user: fc.option(nameArb, { nil: undefined }) }), { selector: (c) => c.name, maxLength: 5 }),
      current: fc.option(nameArb, { nil: '' }),
    })
    .map(({ clusters, users, contexts, current }) => ({
      doc: {
        clusters: clusters.map((c) => ({ name: c.name, cluster: { server: c.server, ...(c.ca ? { 'certificate-authority': c.ca } : {}) } })),
        users: users.map((u) => ({ name: u.name, user: { ...(u.token ? { token: u.token } : {}), ...(u.tokenFile ? { tokenFile: u.tokenFile } : {}) } })),
        contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.cluster, ...(c.user ? { user: c.user } : {}) } })),
        'current-context': current,
      },
    }));
}
