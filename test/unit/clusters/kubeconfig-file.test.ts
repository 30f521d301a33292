import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createKubeconfigFileClusters } from '../../../main/clusters/kubeconfig-file.js';
import { loadKubeconfigText, parseKubeconfigYaml } from '../../../main/clusters/kubeconfig-yaml.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What client-node made of a kubeconfig, or the error it threw. */
function loaded(load: (kc: KubeConfig) => void) {
  const kc = new KubeConfig();
  try {
    load(kc);
  } catch (err) {
    return { error: (err as Error).message };
  }
  return { clusters: kc.getClusters(), contexts: kc.getContexts(), users: kc.getUsers(), current: kc.getCurrentContext() };
}

const sameAsClientNode = (text: string) => expect(loaded((kc) => loadKubeconfigText(kc, text))).toEqual(loaded((kc) => kc.loadFromString(text)));

const CA = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJqekNDQVRXZ0F3SUJBZ0lRUTRmTmpL';

/** As main/lab writes it: sequences indented under their key. */
const labStyle = `apiVersion: v1
kind: Config
preferences: {}
clusters:
  - name: c1
    cluster:
      server: https://127.0.0.1:41933/
      certificate-authority-data: ${CA}
  - name: c2
    cluster:
      server: https://127.0.0.1:41934
      certificate-authority-data: ${CA}
users:
  - name: c1-admin
    user:
      token: -riqwYyIr3UB3HCWZoZzIynI9MrPMuEt
  - name: c2-admin
    user:
      client-certificate-data: ${CA}
      client-key-data: ${CA}
contexts:
  - name: c1
    context:
      cluster: c1
      user: c1-admin
  - name: c2
    context:
      cluster: c2
      user: c2-admin
      namespace: kasten-io
current-context: c1
`;

/** As kubectl writes it: sequences at their key's indentation, keys sorted. */
const kubectlStyle = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${CA}
    server: https://eks.example.com
  name: prod
contexts:
- context:
    cluster: prod
    namespace: dev
    user: aws
  name: prod
current-context: prod
kind: Config
preferences: {}
users:
- name: aws
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - eks
      - get-token
      - --cluster-name
      - prod
      command: aws
      env: []
`;

describe('reading a kubeconfig by the fast path', () => {
  it('reads the lab’s and kubectl’s kubeconfigs itself, to what client-node makes of them', () => {
    for (const text of [labStyle, kubectlStyle]) {
      expect(parseKubeconfigYaml(text)).toBeDefined();
      sameAsClientNode(text);
    }
  });

  it('leaves to js-yaml what is outside plain block YAML, and then answers as client-node does', () => {
    const outside = [
      labStyle.replace('token: -riq', 'token: "-riq'), // quotes
      labStyle.replace('kind: Config', 'kind: Config # a comment'),
      labStyle.replace('server: https://127.0.0.1:41934', 'server: 8080'), // a number
      labStyle.replace('namespace: kasten-io', 'namespace: true'), // a boolean
      labStyle.replace('namespace: kasten-io', 'namespace: 2024-01-02'), // a date
      labStyle.replace('namespace: kasten-io', 'namespace: ~'), // null
      labStyle.replace('namespace: kasten-io', 'namespace:'), // an empty value
      labStyle.replace('current-context: c1', 'current-context: c1\ncurrent-context: c2'), // a duplicate key: js-yaml refuses it
      labStyle.replace('kind: Config', 'kind: Config\n  and more'), // a continuation line
      labStyle.replace('preferences: {}', 'preferences: { colors: true }'),
      labStyle.replace('user: c1-admin', 'user: &a c1-admin'),
      labStyle.replace('kind: Config', 'kind:\tConfig'),
      labStyle.replace('kind: Config', 'kind: Cönfig'),
      labStyle.replace(/\n/g, '\r\n'),
      `---\n${labStyle}`,
      '',
      'just a string',
      '- a\n- b\n',
    ];
    for (const text of outside) {
      expect(parseKubeconfigYaml(text), text.slice(0, 80)).toBeUndefined();
      sameAsClientNode(text);
    }
  });

  it('agrees with client-node on generated kubeconfigs, tricky scalars and both indentation styles included', () => {
    const plain = fc.constantFrom('c1', 'c2', 'prod', 'kasten-io', 'a:b', '-riqwYy', 'exec', 'v1', CA, 'https://h.example:6443/', '{}', '[]');
    const tricky = fc.constantFrom('a b', '-1', '-x', '-', '123', '0x1F', '1e3', '.5', 'true', 'False', 'null', '~', '.inf', '2001-12-14', "'q'", '"q"', '#c', 'a#b', 'x,y', 'a:', '');
    const word = fc.oneof({ weight: 100, arbitrary: plain }, { weight: 1, arbitrary: tricky });
    const entry = (kind: 'cluster' | 'user' | 'context') =>
      fc.record({
        name: word,
        fields: fc.uniqueArray(
          fc.tuple(
            fc.constantFrom(...{ cluster: ['server', 'certificate-authority-data', 'tls-server-name', 'insecure-skip-tls-verify', 'proxy-url'], user: ['token', 'client-certificate-data', 'client-key-data', 'username', 'password'], context: ['cluster', 'user', 'namespace'] }[kind]),
            word,
          ),
          { minLength: 1, maxLength: 4, selector: ([key]) => key },
        ),
      });
    const doc = fc.record({
      clusters: fc.array(entry('cluster'), { minLength: 1, maxLength: 3 }),
      users: fc.array(entry('user'), { minLength: 1, maxLength: 3 }),
      contexts: fc.array(entry('context'), { minLength: 1, maxLength: 3 }),
      current: word,
      compact: fc.boolean(),
      blankLines: fc.boolean(),
    });
    let fast = 0;
    fc.assert(
      fc.property(doc, (d) => {
        const seq = d.compact ? '' : '  ';
        const lines = ['apiVersion: v1', 'kind: Config'];
        for (const [list, kind] of [
          [d.clusters, 'cluster'],
          [d.users, 'user'],
          [d.contexts, 'context'],
        ] as const) {
          lines.push(`${kind}s:`);
          for (const e of list) {
            lines.push(`${seq}- name: ${e.name}`, `${seq}  ${kind}:`);
            for (const [k, v] of e.fields) lines.push(`${seq}    ${k}: ${v}`);
            if (d.blankLines) lines.push('');
          }
        }
        lines.push(`current-context: ${d.current}`);
        const text = `${lines.join('\n')}\n`;
        if (parseKubeconfigYaml(text)) fast++;
        sameAsClientNode(text);
      }),
      { numRuns: 300 },
    );
    // Not a test of the fallback alone: a good share of the documents took the fast path.
    expect(fast).toBeGreaterThan(100);
  });
});

describe('the clusters of a kubeconfig file', () => {
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('has one cluster per context, named like it, each with a KubeConfig of its own context, cluster and user only', async () => {
    const path = write('lab', labStyle);
    const registry = createKubeconfigFileClusters(path);
    expect(registry.list().map((c) => [c.id, c.name, c.server, c.authKind, c.namespace])).toEqual([
      ['kubeconfig:c1', 'c1', 'https://127.0.0.1:41933', 'token', undefined],
      ['kubeconfig:c2', 'c2', 'https://127.0.0.1:41934', 'client-certificate', 'kasten-io'],
    ]);
    expect(registry.findByName('c2')?.id).toBe('kubeconfig:c2');
    expect(registry.findByName('c3')).toBeUndefined();
    const kc = await registry.kubeConfig('kubeconfig:c2');
    expect(kc.getCurrentContext()).toBe('c2');
    expect(kc.getClusters().map((c) => c.name)).toEqual(['c2']);
    expect(kc.getUsers().map((u) => u.name)).toEqual(['c2-admin']);
  });

  it('finds the first of entries that share a name, as client-node does', async () => {
    const text = labStyle.replace('  - name: c2\n    cluster:\n      server: https://127.0.0.1:41934', '  - name: c1\n    cluster:\n      server: https://127.0.0.1:41935');
    const registry = createKubeconfigFileClusters(write('dup', text));
    const reference = new KubeConfig();
    reference.loadFromString(text);
    expect(registry.list().find((c) => c.name === 'c1')?.server).toBe(reference.getCluster('c1')?.server);
    expect(registry.list().find((c) => c.name === 'c1')?.server).toBe('https://127.0.0.1:41933');
  });

  it('says which context names a cluster the file does not define, when that cluster is asked for', async () => {
    const registry = createKubeconfigFileClusters(write('missing', labStyle.replace('      cluster: c2\n', '      cluster: nowhere\n')));
    expect(registry.list().find((c) => c.name === 'c2')?.server).toBe('');
    await expect(registry.kubeConfig('kubeconfig:c2')).rejects.toMatchObject({ code: 'KUBECONFIG_INVALID' });
  });

  it('refuses a file it cannot read or that is not a kubeconfig, saying which', () => {
    expect(() => createKubeconfigFileClusters(join(dir, 'absent'))).toThrow(expect.objectContaining({ code: 'FILE_UNREADABLE' }));
    expect(() => createKubeconfigFileClusters(write('bad', 'clusters:\n  - cluster:\n      server: https://x\n'))).toThrow(expect.objectContaining({ code: 'KUBECONFIG_INVALID' }));
  });
});
