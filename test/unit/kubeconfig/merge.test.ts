/**
 * Merging kubeconfigs with kubectl's $KUBECONFIG rules (first file wins per
 * cluster, user and context name; current-context from the first file that
 * sets one), checked on generated fleets of files whose names collide, plus
 * how the wizard still offers what kubectl would ignore.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeKubeconfigs, resolveContexts } from '../../../main/kubeconfig/merge.js';
import type { KubeconfigFile, Named, Origin } from '../../../main/kubeconfig/model.js';

const names = fc.constantFrom('a', 'b', 'c', 'd', 'prod', 'dev');

/** Files whose entries draw names from a small pool, so that files collide often (never within a file). */
const files = fc
  .array(
    fc.record({
      clusters: fc.uniqueArray(names, { maxLength: 4 }),
      users: fc.uniqueArray(names, { maxLength: 4 }),
      contexts: fc.uniqueArray(fc.record({ name: names, cluster: names, user: names }), { selector: (c) => c.name, maxLength: 4 }),
      current: fc.option(names, { nil: undefined }),
    }),
    { minLength: 1, maxLength: 5 },
  )
  .map((specs) =>
    specs.map((s, i): KubeconfigFile => {
      const origin: Origin = { path: `/f${i}`, label: `/f${i}` };
      return {
        origin,
        clusters: s.clusters.map((n) => ({ name: n, value: { server: `https://${n}.f${i}` }, origin })),
        users: s.users.map((n) => ({ name: n, value: { token: `${n}@f${i}` }, origin })),
        contexts: s.contexts.map((c) => ({ name: c.name, value: { cluster: c.cluster, user: c.user }, origin })),
        ...(s.current ? { currentContext: s.current } : {}),
      };
    }),
  );

const firstDefinition = <T>(fs: KubeconfigFile[], pick: (f: KubeconfigFile) => Named<T>[], name: string) => {
  for (const f of fs) {
    const hit = pick(f).find((e) => e.name === name);
    if (hit) return hit;
  }
  return undefined;
};

describe('mergeKubeconfigs', () => {
  it('takes each cluster, user and context from the first file that defines its name', () => {
    fc.assert(
      fc.property(files, (fs) => {
        const m = mergeKubeconfigs(fs);
        for (const [name, c] of m.clusters) expect(c).toBe(firstDefinition(fs, (f) => f.clusters, name));
        for (const [name, u] of m.users) expect(u).toBe(firstDefinition(fs, (f) => f.users, name));
        for (const x of m.contexts) expect(x).toBe(firstDefinition(fs, (f) => f.contexts, x.name));
      }),
    );
  });

  it('keeps every name once, in order of first appearance, and every later same-named entry as shadowed', () => {
    fc.assert(
      fc.property(files, (fs) => {
        const m = mergeKubeconfigs(fs);
        const all = fs.flatMap((f) => f.contexts);
        expect(m.contexts.map((c) => c.name)).toEqual([...new Set(all.map((c) => c.name))]);
        expect(m.contexts.length + m.shadowed.contexts.length).toBe(all.length);
        expect(m.clusters.size + m.shadowed.clusters.length).toBe(fs.flatMap((f) => f.clusters).length);
        expect(m.users.size + m.shadowed.users.length).toBe(fs.flatMap((f) => f.users).length);
      }),
    );
  });

  it('takes current-context from the first file that sets one', () => {
    fc.assert(
      fc.property(files, (fs) => {
        expect(mergeKubeconfigs(fs).currentContext).toBe(fs.find((f) => f.currentContext)?.currentContext);
      }),
    );
  });

  it('gives kubectl\'s answer whether a file is listed once or again later (KUBECONFIG=a:b:a is a:b)', () => {
    fc.assert(
      fc.property(files, (fs) => {
        const once = mergeKubeconfigs(fs);
        const twice = mergeKubeconfigs([...fs, ...fs]);
        expect([...twice.clusters.values()]).toEqual([...once.clusters.values()]);
        expect([...twice.users.values()]).toEqual([...once.users.values()]);
        expect(twice.contexts).toEqual(once.contexts);
        expect(twice.currentContext).toBe(once.currentContext);
      }),
    );
  });
});

describe('resolveContexts', () => {
  it('resolves winners as kubectl does, and offers each shadowed context with the entries of its own file', () => {
    fc.assert(
      fc.property(files, (fs) => {
        const m = mergeKubeconfigs(fs);
        const resolved = resolveContexts(m, fs);
        expect(resolved).toHaveLength(fs.flatMap((f) => f.contexts).length);
        for (const r of resolved) {
          const { cluster, user } = r.context.value;
          const own = fs.find((f) => f.origin === r.context.origin)!;
          if (r.shadowedBy) {
            expect(r.shadowedBy).toBe(m.contexts.find((c) => c.name === r.context.name)!.origin);
            expect(r.cluster).toBe(own.clusters.find((c) => c.name === cluster) ?? m.clusters.get(cluster));
          } else {
            expect(r.cluster).toBe(m.clusters.get(cluster));
            expect(r.user).toBe(m.users.get(user));
          }
        }
      }),
    );
  });

  it('says when a context\'s own file defines its cluster differently from the earlier file kubectl uses', () => {
    const a: Origin = { path: '/a', label: '/a' };
    const b: Origin = { path: '/b', label: '/b' };
    const fs: KubeconfigFile[] = [
      { origin: a, clusters: [{ name: 'x', value: { server: 'https://old' }, origin: a }], users: [], contexts: [] },
      {
        origin: b,
        clusters: [{ name: 'x', value: { server: 'https://new' }, origin: b }],
        users: [],
        contexts: [{ name: 'mine', value: { cluster: 'x', user: '' }, origin: b }],
      },
    ];
    const [r] = resolveContexts(mergeKubeconfigs(fs), fs);
    expect(r!.cluster!.value.server).toBe('https://old');
    expect(r!.overridden).toEqual([{ kind: 'cluster', name: 'x', used: a }]);
  });
});
