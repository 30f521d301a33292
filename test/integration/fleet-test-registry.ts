/**
 * A ClusterRegistry for the fleet's tests and benchmark: "imported" clusters
 * are contexts of a kubeconfig held in memory (the lab fleet's), lab
 * clusters arrive through setEphemeral. A real implementation of the
 * interface — the service under test talks to real clusters through the
 * KubeConfigs it returns — without the keychain and state file of the app's
 * registry, which have their own tests.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../shared/contract/index.js';
import type { ClusterRegistry, EphemeralCluster, StoredCluster } from '../../main/clusters/types.js';
import type { FleetOptions } from '../../main/fleet/fleet-service.js';

interface Imported {
  stored: StoredCluster;
  kubeConfig: () => KubeConfig;
}

export class TestRegistry implements ClusterRegistry {
  private imported: Imported[] = [];
  private lab: { stored: StoredCluster; cluster: EphemeralCluster }[] = [];
  private readonly listeners = new Set<() => void>();
  /** Every id passed to remove(), in order. */
  readonly removedIds: string[] = [];

  /**
   * Imports contexts of `yaml` (all by default), each optionally with
   * another of its users (`cluster-1-viewer`).
   */
  importKubeconfig(yaml: string, opts: { contexts?: string[]; user?: (context: string) => string | undefined; names?: (context: string) => string } = {}): StoredCluster[] {
    const kc = new KubeConfig();
    kc.loadFromString(yaml);
    const now = new Date().toISOString();
    const added: StoredCluster[] = [];
    for (const ctx of kc.getContexts()) {
      if (opts.contexts && !opts.contexts.includes(ctx.name)) continue;
      const user = opts.user?.(ctx.name) ?? ctx.user;
      const cluster = kc.getCluster(ctx.cluster)!;
      const name = opts.names?.(ctx.name) ?? ctx.name;
      const stored: StoredCluster = {
        id: `imported:${name}`,
        name,
        server: cluster.server,
        authKind: 'token',
        source: 'imported',
        contextName: ctx.name,
        addedAt: now,
        updatedAt: now,
      };
      // Only this context's cluster and user: parsing a 500-cluster kubeconfig per cluster would be the benchmark's bottleneck.
      const clusterEntry = { ...cluster };
      const userEntry = { ...kc.getUser(user)! };
      this.imported.push({
        stored,
        kubeConfig: () => {
          const k = new KubeConfig();
          k.loadFromOptions({
            clusters: [clusterEntry],
            users: [userEntry],
            contexts: [{ name: ctx.name, cluster: clusterEntry.name, user: userEntry.name }],
            currentContext: ctx.name,
          });
          return k;
        },
      });
      added.push(stored);
    }
    this.emit();
    return added;
  }

  /** Imports a cluster whose KubeConfig is built by the test (exec plugins, wrong CAs, …). */
  importConfig(name: string, make: () => KubeConfig): StoredCluster {
    const now = new Date().toISOString();
    const kc = make();
    const stored: StoredCluster = {
      id: `imported:${name}`,
      name,
      server: kc.getCurrentCluster()!.server,
      authKind: 'token',
      source: 'imported',
      contextName: kc.getCurrentContext(),
      addedAt: now,
      updatedAt: now,
    };
    this.imported.push({ stored, kubeConfig: make });
    this.emit();
    return stored;
  }

  list(): StoredCluster[] {
    return [...this.imported.map((i) => i.stored), ...this.lab.map((l) => l.stored)];
  }

  get(id: string): StoredCluster | undefined {
    return this.list().find((c) => c.id === id);
  }

  async kubeConfig(id: string): Promise<KubeConfig> {
    const imported = this.imported.find((i) => i.stored.id === id);
    if (imported) return imported.kubeConfig();
    const lab = this.lab.find((l) => l.stored.id === id);
    if (!lab) throw new AppError('NOT_FOUND', `No cluster with id ${id}.`);
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: lab.cluster.name, server: lab.cluster.server, caData: Buffer.from(lab.cluster.caPem).toString('base64'), skipTLSVerify: false }],
      users: [{ name: lab.cluster.name, token: lab.cluster.token }],
      contexts: [{ name: lab.cluster.name, cluster: lab.cluster.name, user: lab.cluster.name }],
      currentContext: lab.cluster.name,
    });
    return kc;
  }

  async remove(ids: string[]): Promise<string[]> {
    const wanted = new Set(ids);
    const removed = this.imported.filter((i) => wanted.has(i.stored.id)).map((i) => i.stored.id);
    this.imported = this.imported.filter((i) => !wanted.has(i.stored.id));
    this.removedIds.push(...removed);
    if (removed.length) this.emit();
    return removed;
  }

  setEphemeral(clusters: EphemeralCluster[]): void {
    const now = new Date().toISOString();
    this.lab = clusters.map((c) => ({
      cluster: { ...c },
      stored: { id: `lab:${c.name}`, name: c.name, server: c.server, authKind: 'token', source: 'lab', contextName: c.name, addedAt: now, updatedAt: now },
    }));
    this.emit();
  }

  /** The ephemeral clusters as handed over (tests check what LabMode passed). */
  ephemeral(): EphemeralCluster[] {
    return this.lab.map((l) => l.cluster);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of [...this.listeners]) l();
  }
}

/** An EventSink that records what it was given, with the time. */
export class RecordingSink {
  readonly events: { event: string; payload: unknown; at: number }[] = [];

  emit(event: string, payload: unknown): void {
    this.events.push({ event, payload, at: Date.now() });
  }

  of<T>(event: string): { payload: T; at: number }[] {
    return this.events.filter((e) => e.event === event).map((e) => ({ payload: e.payload as T, at: e.at }));
  }
}

/**
 * The fleet's timings in its integration tests: probes every 500 ms with a
 * 1 s timeout and short backoffs, so that a cluster going away or coming
 * back shows within a test's patience; events throttled to one per 100 ms.
 */
export const TEST_TUNING: FleetOptions = {
  probeIntervalMs: 500,
  probeTimeoutMs: 1_000,
  maxProbeIntervalMs: 1_000,
  throttleMs: 100,
  requestTimeoutMs: 5_000,
  watchBackoff: { initialMs: 200, maxMs: 1_000 },
};
