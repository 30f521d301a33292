/**
 * A cluster list read from one kubeconfig file, for the command line's
 * `--kubeconfig FILE`: every context is a cluster, named like the context.
 * Credentials stay where the file keeps them (Flotilla reads them into
 * memory for this run only, and never copies them to the keychain or
 * anywhere else); the file is never modified.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { readFileSync, statSync } from 'node:fs';
import { AppError } from '../../shared/contract/index.js';
import { authKindOf } from '../kube/cluster-client.js';
import type { ClusterRegistryService } from './cluster-list.js';
import { loadKubeconfigText } from './kubeconfig-yaml.js';
import type { StoredCluster } from './types.js';

export const KUBECONFIG_ID_PREFIX = 'kubeconfig:';

/** Reads `path`; throws FILE_UNREADABLE or KUBECONFIG_INVALID with what to do. */
export function createKubeconfigFileClusters(path: string): ClusterRegistryService {
  let text: string;
  try {
    if (statSync(path).size > 10 * 1024 * 1024) throw new Error('it is larger than 10 MB');
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AppError('FILE_UNREADABLE', `Cannot read the kubeconfig ${path}: ${code === 'ENOENT' ? 'there is no such file' : (err as Error).message}.`);
  }
  const base = new KubeConfig();
  try {
    // As base.loadFromString(text), by a parse several times faster where the file is plain block YAML (kubeconfig-yaml.ts).
    loadKubeconfigText(base, text);
    // Certificate and token files are named relative to the kubeconfig's folder, as kubectl reads them.
    base.makePathsAbsolute(path.replace(/[\\/][^\\/]*$/, '') || '.');
  } catch (err) {
    throw new AppError('KUBECONFIG_INVALID', `${path} is not a kubeconfig Flotilla can read: ${(err as Error).message}.`);
  }
  const mtime = new Date(statSync(path).mtimeMs).toISOString();
  // One pass over each list: KubeConfig's getCluster/getUser/getContextObject search them linearly, once per context.
  const contexts = firstByName(base.getContexts());
  const clusterDefs = firstByName(base.getClusters());
  const users = firstByName(base.getUsers());
  const clusters: StoredCluster[] = base.getContexts().map((ctx) => ({
    id: `${KUBECONFIG_ID_PREFIX}${ctx.name}`,
    name: ctx.name,
    server: clusterDefs.get(ctx.cluster)?.server ?? '',
    authKind: authKindOf(users.get(ctx.user)),
    source: 'imported',
    contextName: ctx.name,
    ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
    sourceFile: path,
    addedAt: mtime,
    updatedAt: mtime,
  }));
  const byId = new Map(clusters.map((c) => [c.id, c]));
  const byName = firstByName(clusters);
  const readOnly = () => new AppError('UNSUPPORTED', `Flotilla does not change ${path}; edit it with kubectl config, or import it into the app.`);

  return {
    list: () => clusters,
    get: (id) => byId.get(id),
    findByName: (name) => byName.get(name),
    record: () => undefined,
    async kubeConfig(id) {
      const c = byId.get(id);
      if (!c) throw new AppError('NOT_FOUND', `${path} has no context for cluster id ${id}.`);
      // Built from the file parsed once, with only this context's cluster and user: parsing the
      // whole file again per cluster made reading a fleet quadratic in its size.
      const context = contexts.get(c.contextName);
      const cluster = context ? clusterDefs.get(context.cluster) : undefined;
      if (!context || !cluster) throw new AppError('KUBECONFIG_INVALID', `Context "${c.contextName}" in ${path} names a cluster the file does not define.`, c.name);
      const user = users.get(context.user);
      const kc = new KubeConfig();
      kc.loadFromOptions({
        clusters: [{ ...cluster }],
        users: user ? [{ ...user }] : [],
        contexts: [{ ...context }],
        currentContext: context.name,
      });
      return kc;
    },
    async remove() {
      throw readOnly();
    },
    async saveImported() {
      throw readOnly();
    },
    setEphemeral() {
      // No lab fleet behind a kubeconfig file.
    },
    onChange: () => () => undefined,
  };
}

/** Each name's first entry, as KubeConfig's own lookups (findObject) find it. */
function firstByName<T extends { name: string }>(list: readonly T[]): Map<string, T> {
  const byName = new Map<string, T>();
  for (const item of list) if (!byName.has(item.name)) byName.set(item.name, item);
  return byName;
}
