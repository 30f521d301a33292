/**
 * Flotilla merges several kubeconfigs exactly as kubectl does: generated
 * files with colliding names are written to disk, listed in KUBECONFIG for
 * the real kubectl (`kubectl config view`), and scanned by Flotilla; both
 * must agree on every cluster, user and context and on current-context.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeKubeconfigs } from '../../main/kubeconfig/merge.js';
import { parseKubeconfig } from '../../main/kubeconfig/parse.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-merge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Names Go's YAML 1.1 decoder reads as strings too (not y, n, on, off…).
const names = fc.constantFrom('alpha', 'beta', 'prod', 'dev', 'c-1');

const fileSpec = fc.record({
  clusters: fc.uniqueArray(fc.record({ name: names, port: fc.integer({ min: 1, max: 65535 }) }), { selector: (c) => c.name, maxLength: 4 }),
  users: fc.uniqueArray(fc.record({ name: names, token: fc.stringMatching(/^tok[a-z0-9]{4,10}$/) }), { selector: (u) => u.name, maxLength: 4 }),
  contexts: fc.uniqueArray(fc.record({ name: names, cluster: names, user: names, namespace: fc.option(names, { nil: undefined }) }), { selector: (c) => c.name, maxLength: 4 }),
  current: fc.option(names, { nil: undefined }),
});

let run = 0;

describe('kubeconfig merge', () => {
  it('agrees with kubectl config view on generated KUBECONFIG lists', () => {
    fc.assert(
      fc.property(fc.array(fileSpec, { minLength: 1, maxLength: 4 }), (specs) => {
        run++;
        const paths = specs.map((s, i) => {
          const path = join(dir, `run${run}-file${i}.yaml`);
          const doc = toDoc(s);
          writeFileSync(path, stringify(doc));
          return path;
        });

        const kubectl = JSON.parse(
          execFileSync('kubectl', ['config', 'view', '--raw', '-o', 'json'], { env: { ...process.env, KUBECONFIG: paths.join(delimiter) }, encoding: 'utf8' }),
        ) as {
          clusters: Array<{ name: string; cluster: { server: string } }> | null;
          users: Array<{ name: string; user: { token?: string } }> | null;
          contexts: Array<{ name: string; context: { cluster: string; user: string; namespace?: string } }> | null;
          'current-context': string;
        };

        const parsed = paths.map((p) => {
          const r = parseKubeconfig(readFileSync(p, 'utf8'), { path: p, label: p });
          if (!r.ok) throw new Error(r.error);
          return r.file;
        });
        const ours = mergeKubeconfigs(parsed);

        const byName = <T extends { name: string }>(xs: T[] | null) => Object.fromEntries((xs ?? []).map((x) => [x.name, x]));
        expect(Object.fromEntries([...ours.clusters].map(([n, c]) => [n, c.value.server]))).toEqual(
          Object.fromEntries(Object.entries(byName(kubectl.clusters)).map(([n, c]) => [n, c.cluster.server])),
        );
        expect(Object.fromEntries([...ours.users].map(([n, u]) => [n, u.value.token]))).toEqual(
          Object.fromEntries(Object.entries(byName(kubectl.users)).map(([n, u]) => [n, u.user.token])),
        );
        expect(Object.fromEntries(ours.contexts.map((c) => [c.name, { cluster: c.value.cluster, user: c.value.user, namespace: c.value.namespace }]))).toEqual(
          Object.fromEntries(Object.entries(byName(kubectl.contexts)).map(([n, c]) => [n, { cluster: c.context.cluster, user: c.context.user, namespace: c.context.namespace }])),
        );
        expect(ours.currentContext ?? '').toBe(kubectl['current-context'] ?? '');
      }),
      { numRuns: 40 },
    );
  });
});

type FileSpec = typeof fileSpec extends fc.Arbitrary<infer T> ? T : never;

function toDoc(s: FileSpec): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: s.clusters.map((c) => ({ name: c.name, cluster: { server: `https://${c.name}.example:${c.port}` } })),
    users: s.users.map((u) => ({ name: u.name, user: { token: u.token } })),
    contexts: s.contexts.map((c) => ({ name: c.name, context: { cluster: c.cluster, user: c.user, ...(c.namespace ? { namespace: c.namespace } : {}) } })),
    ...(s.current ? { 'current-context': s.current } : {}),
  };
}
