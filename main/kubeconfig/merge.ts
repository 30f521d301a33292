/**
 * Several kubeconfig files → one view, with kubectl's rules for $KUBECONFIG:
 * the first file to define a cluster, user or context name wins, and
 * current-context comes from the first file that sets one. Later entries of
 * the same name are not dropped silently: they are kept as `shadowed`, so
 * the wizard can still offer them (under another name) and say why.
 */
import type { ClusterEntry, ContextEntry, KubeconfigFile, Named, Origin, UserEntry } from './model.js';

export interface MergedKubeconfig {
  clusters: Map<string, Named<ClusterEntry>>;
  users: Map<string, Named<UserEntry>>;
  /** The contexts kubectl would see, in order of first appearance. */
  contexts: Named<ContextEntry>[];
  currentContext?: string;
  /** Entries that lost to an earlier one of the same name, in file order. */
  shadowed: {
    clusters: Named<ClusterEntry>[];
    users: Named<UserEntry>[];
    contexts: Named<ContextEntry>[];
  };
}

/** Merges files in order, first wins per name (kubectl's $KUBECONFIG rules). */
export function mergeKubeconfigs(files: readonly KubeconfigFile[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    clusters: new Map(),
    users: new Map(),
    contexts: [],
    shadowed: { clusters: [], users: [], contexts: [] },
  };
  const contextNames = new Set<string>();
  for (const f of files) {
    for (const c of f.clusters) {
      if (merged.clusters.has(c.name)) merged.shadowed.clusters.push(c);
      else merged.clusters.set(c.name, c);
    }
    for (const u of f.users) {
      if (merged.users.has(u.name)) merged.shadowed.users.push(u);
      else merged.users.set(u.name, u);
    }
    for (const x of f.contexts) {
      if (contextNames.has(x.name)) merged.shadowed.contexts.push(x);
      else {
        contextNames.add(x.name);
        merged.contexts.push(x);
      }
    }
    if (merged.currentContext === undefined && f.currentContext) merged.currentContext = f.currentContext;
  }
  return merged;
}

/** A context with the cluster and user it refers to (undefined when the reference dangles). */
export interface ResolvedContext {
  context: Named<ContextEntry>;
  cluster?: Named<ClusterEntry>;
  /** Undefined when the context names no user, or a user nobody defines. */
  user?: Named<UserEntry>;
  /** Set when an earlier context of the same name exists (kubectl ignores this one): where that one is. */
  shadowedBy?: Origin;
  /**
   * The context's own file defines its cluster or user differently, but an
   * earlier file's definition of that name wins (as in kubectl).
   */
  overridden: Array<{ kind: 'cluster' | 'user'; name: string; used: Origin }>;
}

/**
 * Every context to offer, winners first then shadowed ones. Winners resolve
 * their cluster and user as kubectl does (first definition of the name); a
 * shadowed context resolves against its own file first, which is what it
 * meant there, and falls back to the merged view.
 */
export function resolveContexts(merged: MergedKubeconfig, files: readonly KubeconfigFile[]): ResolvedContext[] {
  // Indexed once: a fleet's kubeconfig can hold thousands of entries.
  const byFile = new Map(files.map((f) => [f.origin, { clusters: byName(f.clusters), users: byName(f.users) }]));
  const ownCluster = (origin: Origin, name: string) => byFile.get(origin)?.clusters.get(name);
  const ownUser = (origin: Origin, name: string) => byFile.get(origin)?.users.get(name);
  const winners = byName(merged.contexts);

  const out: ResolvedContext[] = [];
  for (const context of merged.contexts) {
    const { cluster: cName, user: uName } = context.value;
    const cluster = cName ? merged.clusters.get(cName) : undefined;
    const user = uName ? merged.users.get(uName) : undefined;
    const overridden: ResolvedContext['overridden'] = [];
    const mine = cName ? ownCluster(context.origin, cName) : undefined;
    if (cluster && mine && mine !== cluster && !sameValue(mine.value, cluster.value)) overridden.push({ kind: 'cluster', name: cName, used: cluster.origin });
    const myUser = uName ? ownUser(context.origin, uName) : undefined;
    if (user && myUser && myUser !== user && !sameValue(myUser.value, user.value)) overridden.push({ kind: 'user', name: uName, used: user.origin });
    out.push({ context, cluster, user, overridden });
  }
  for (const context of merged.shadowed.contexts) {
    const first = winners.get(context.name);
    const { cluster: cName, user: uName } = context.value;
    out.push({
      context,
      cluster: cName ? (ownCluster(context.origin, cName) ?? merged.clusters.get(cName)) : undefined,
      user: uName ? (ownUser(context.origin, uName) ?? merged.users.get(uName)) : undefined,
      shadowedBy: first?.origin,
      overridden: [],
    });
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function byName<T>(entries: readonly Named<T>[]): Map<string, Named<T>> {
  const m = new Map<string, Named<T>>();
  for (const e of entries) if (!m.has(e.name)) m.set(e.name, e);
  return m;
}
