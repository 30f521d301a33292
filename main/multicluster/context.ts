/**
 * What every multi-cluster workflow needs: the cluster list and the pool to
 * reach a cluster, the event sink for progress, the audit log, and who each
 * cluster says we are (for the audit log), asked once per client.
 */
import { AppError } from '../../shared/contract/index.js';
import type { ClusterRegistry, StoredCluster } from '../clusters/types.js';
import type { EventSink } from '../events.js';
import type { ClusterClient } from '../kube/cluster-client.js';
import type { ClusterPool } from '../kube/cluster-pool.js';
import type { Logger } from '../log.js';
import type { AuditInput, AuditLog } from '../audit/audit-log.js';
import { PATHS } from './kasten-objects.js';

export interface McDeps {
  registry: ClusterRegistry;
  pool: ClusterPool;
  events: EventSink;
  audit: () => Promise<AuditLog>;
  log?: Logger;
  /** How long to wait for K10 to answer a write (token filled, Cluster created), unless a call says otherwise. */
  k10TimeoutMs?: number;
}

export interface Target {
  cluster: StoredCluster;
  client: ClusterClient;
}

export class McContext {
  private readonly identities = new WeakMap<ClusterClient, Promise<{ username: string; groups: string[] } | undefined>>();

  constructor(readonly deps: McDeps) {}

  get k10TimeoutMs(): number {
    return this.deps.k10TimeoutMs ?? 30_000;
  }

  /** The cluster and its client; NOT_FOUND names what to do when it is not known. */
  async target(clusterId: string): Promise<Target> {
    const cluster = this.deps.registry.get(clusterId);
    if (!cluster) throw new AppError('NOT_FOUND', `Flotilla knows no cluster with id ${clusterId}; it may have been removed. Refresh the fleet view.`);
    return { cluster, client: await this.deps.pool.client(clusterId) };
  }

  /** Who the cluster says we are (SelfSubjectReview); undefined when it will not say. Asked once per connection. */
  identity(client: ClusterClient): Promise<{ username: string; groups: string[] } | undefined> {
    let known = this.identities.get(client);
    if (!known) {
      known = client
        .request<{ status?: { userInfo?: { username?: string; groups?: string[] } } }>({
          method: 'POST',
          path: PATHS.selfSubjectReview,
          body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
        })
        .then((r) => (r?.status?.userInfo?.username ? { username: r.status.userInfo.username, groups: r.status.userInfo.groups ?? [] } : undefined))
        .catch(() => undefined);
      this.identities.set(client, known);
    }
    return known;
  }

  /**
   * Appends to the audit log. Never throws: a full disk must not turn a
   * successful cluster change into a reported failure; it is logged instead.
   */
  async audit(target: Target | undefined, entry: Omit<AuditInput, 'cluster' | 'identity'>): Promise<void> {
    try {
      const identity = target ? (await this.identity(target.client))?.username : undefined;
      const log = await this.deps.audit();
      await log.append({ ...entry, ...(target ? { cluster: target.cluster.name } : {}), ...(identity ? { identity } : {}) });
    } catch (err) {
      this.deps.log?.error(`audit log: could not record ${entry.action}: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  /** Runs `fn`, then records its outcome (succeeded, or failed with the error's message). */
  async audited<T>(target: Target | undefined, action: AuditInput['action'], what: { target?: string; detail?: (r: T) => string | undefined; secrets?: string[] }, fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      await this.audit(target, { action, outcome: 'succeeded', target: what.target, detail: what.detail?.(result), secrets: what.secrets });
      return result;
    } catch (err) {
      await this.audit(target, { action, outcome: 'failed', target: what.target, error: err instanceof Error ? err.message : String(err), secrets: what.secrets });
      throw err;
    }
  }
}

/** An AppError about one cluster. */
export function clusterError(code: AppError['code'], cluster: StoredCluster, message: string): AppError {
  return new AppError(code, message, cluster.name);
}
