/**
 * A small lab fleet for K10 tests: real lab clusters (main/lab/cluster.ts,
 * HTTPS on 127.0.0.1 with their own CA, `/k10/*` routed to the K10 handler),
 * started without the rest of the fleet machinery, with shortcuts to their
 * object stores. Up and down work as in the lab fleet: down closes the
 * listener and drops every connection.
 */
import { newClusterState, LabCluster } from '../../../../main/lab/cluster.js';
import type { FleetNetwork } from '../../../../main/lab/k10-host.js';
import { attachK10, type K10Instance, type K10Options } from '../../../../main/lab/kasten/index.js';
import { RESOURCE_TYPES, type KubeObject } from '../../../../main/lab/resources.js';
import { bootstrapManifest } from '../../../../shared/kasten/manifests.js';
import {
  JOIN_OBJECTS,
  JOIN_TOKEN_SECRET_TYPE,
  K10_NAMESPACE,
  MC_NAMESPACE,
} from '../../../../shared/kasten/kinds.js';

export const rt = (plural: string) => RESOURCE_TYPES.find((r) => r.plural === plural)!;

export class TestCluster extends LabCluster {
  k10: K10Instance | undefined;

  static async create(name: string): Promise<TestCluster> {
    return new TestCluster(await newClusterState(name));
  }

  // ---- store shortcuts ----

  get(plural: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(rt(plural), namespace, name);
  }

  create(plural: string, obj: Omit<KubeObject, 'apiVersion' | 'kind'> & Partial<Pick<KubeObject, 'apiVersion' | 'kind'>>): KubeObject {
    const t = rt(plural);
    return this.store.create(t, { apiVersion: t.group ? `${t.group}/${t.version}` : t.version, kind: t.kind, ...obj } as KubeObject);
  }

  mutate(plural: string, namespace: string | undefined, name: string, change: (d: KubeObject) => void): KubeObject {
    return this.store.mutate(rt(plural), namespace, name, (d) => void change(d));
  }

  delete(plural: string, namespace: string | undefined, name: string): void {
    this.store.delete(rt(plural), namespace, name);
  }

  secret(name: string, namespace = K10_NAMESPACE): Record<string, string> | undefined {
    const s = this.get('secrets', namespace, name);
    if (!s) return undefined;
    return Object.fromEntries(Object.entries((s.data as Record<string, string>) ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
}

/** Short intervals so that tests take milliseconds, not the fleet defaults' seconds. */
export const FAST: K10Options = {
  pollHoldMs: 1_000,
  unreachableAfterMs: 400,
  healthSweepMs: 50,
  requestTimeoutMs: 1_000,
  retryBaseMs: 20,
  retryMaxMs: 200,
  joinAttempts: 3,
  statusDebounceMs: 10,
  resyncMs: 60_000,
};

export interface Fleet {
  clusters: TestCluster[];
  logs: string[];
  network: FleetNetwork;
  close(): Promise<void>;
}

/** Starts `names` as clusters, each with its K10. */
export async function startFleet(names: string[], opts: K10Options = {}): Promise<Fleet> {
  const logs: string[] = [];
  const clusters = await Promise.all(names.map((n) => TestCluster.create(n)));
  const network: FleetNetwork = { caBundle: () => clusters.map((c) => c.state.ca.certPem) };
  for (const c of clusters) {
    await c.start();
    c.k10 = attachK10(c, network, { ...FAST, log: (line) => logs.push(line), ...opts });
  }
  return {
    clusters,
    logs,
    network,
    async close() {
      for (const c of clusters) c.k10?.stop();
      await Promise.all(clusters.map((c) => c.stop()));
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails with the last error. */
export async function eventually<T>(check: () => T | undefined | false, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function bootstrap(c: TestCluster, name = c.name): void {
  if (!c.get('namespaces', undefined, MC_NAMESPACE)) c.create('namespaces', { metadata: { name: MC_NAMESPACE } });
  c.create('bootstraps', bootstrapManifest({ clusterName: name, ingressUrl: c.k10IngressUrl }));
}

/** Promotes `c` and returns once its Cluster exists. */
export async function promote(c: TestCluster): Promise<KubeObject> {
  bootstrap(c);
  return eventually(() => c.get('clusters', MC_NAMESPACE, c.name), `${c.name} promoted`);
}

/** Creates a join token on the primary and returns its value once filled. */
export async function createToken(primary: TestCluster, name = 'lab-token'): Promise<string> {
  primary.create('secrets', { metadata: { name, namespace: MC_NAMESPACE }, type: JOIN_TOKEN_SECRET_TYPE });
  return eventually(() => primary.secret(name, MC_NAMESPACE)?.token, 'token filled');
}

export function requestJoin(c: TestCluster, token: string, config: Record<string, string> = {}): void {
  c.create('secrets', { metadata: { name: JOIN_OBJECTS.joinSecret, namespace: K10_NAMESPACE }, stringData: { token } });
  c.create('configmaps', {
    metadata: { name: JOIN_OBJECTS.joinConfig, namespace: K10_NAMESPACE },
    data: { 'cluster-name': c.name, 'cluster-ingress': c.k10IngressUrl, ...config },
  });
}

/** The mc-join-status once it is final (joined or rejected). */
export async function joinOutcome(c: TestCluster, timeoutMs = 5_000): Promise<Record<string, string>> {
  return eventually(() => {
    const s = c.secret(JOIN_OBJECTS.joinStatus);
    return s && (s.status === 'joined' || s.status === 'rejected') ? s : undefined;
  }, `${c.name} join outcome`, timeoutMs);
}

/** Joins `c` to `primary` and waits until the primary sees it connected. */
export async function join(primary: TestCluster, c: TestCluster, token: string): Promise<void> {
  requestJoin(c, token);
  const outcome = await joinOutcome(c);
  if (outcome.status !== 'joined') throw new Error(`${c.name} not joined: ${outcome.msg}`);
  await eventually(
    () => (primary.get('clusters', MC_NAMESPACE, c.name)?.status as { connection?: { state?: string } } | undefined)?.connection?.state === 'Connected',
    `${c.name} connected`,
  );
}

/** A fleet whose first cluster is the primary and every other one a joined secondary. */
export async function startJoinedFleet(names: string[], opts: K10Options = {}): Promise<Fleet> {
  const fleet = await startFleet(names, opts);
  const [primary, ...secondaries] = fleet.clusters;
  await promote(primary);
  const token = await createToken(primary);
  for (const c of secondaries) await join(primary, c, token);
  return fleet;
}
