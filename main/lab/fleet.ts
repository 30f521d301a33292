/**
 * The lab fleet: N lab clusters in one process, each with its K10, plus the
 * kubeconfig that reaches them. Tests, benchmarks, the CLI and the app's
 * "open a lab fleet" mode all start it through `startLabFleet`.
 *
 * With a data directory, each cluster's state (objects, resourceVersion,
 * certificates, tokens, port) is written atomically after changes and read
 * back on the next start, so a restarted fleet is the same fleet.
 */
import { mkdir, readFile, readdir, rename, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { attachK10, type K10Instance, type K10Options } from './kasten/index.js';
import { seedK10 } from './kasten/seed.js';
import { LabCluster, newClusterState, type LabClusterState } from './cluster.js';
import { buildLabKubeconfig, serializeKubeconfig } from './kubeconfig-file.js';
import type { FleetNetwork } from './k10-host.js';

export interface LabFleetOptions {
  /** How many clusters (`cluster-1` … `cluster-N`), or their names. */
  clusters: number | string[];
  /** Keep state here across restarts; in memory only when absent. */
  dataDir?: string;
  /** Also write the kubeconfig to this file. */
  kubeconfigPath?: string;
  /** Bare clusters: K10 installed, but no applications, policies or actions. */
  empty?: boolean;
  /** Intervals of the K10 emulation (tests shorten them). */
  k10?: K10Options;
  bookmarkIntervalMs?: number;
  /** Delay before a change is written to the data directory. */
  persistDelayMs?: number;
}

export interface LabFleet {
  readonly clusters: readonly LabCluster[];
  cluster(name: string): LabCluster;
  /** The kubeconfig (YAML) with one context per cluster. */
  kubeconfig(): string;
  readonly kubeconfigPath?: string;
  /** Adds a cluster to the running fleet (and rewrites the kubeconfig file). */
  addCluster(name?: string): Promise<LabCluster>;
  /** Writes any pending state now. */
  flush(): Promise<void>;
  /** Stops every cluster, its K10 and its timers; writes state first. */
  stop(): Promise<void>;
}

const STATE_VERSION = 1;

export function clusterNames(clusters: number | string[]): string[] {
  if (Array.isArray(clusters)) return clusters;
  if (!Number.isInteger(clusters) || clusters < 1) throw new Error(`--clusters must be a whole number of at least 1 (got ${clusters})`);
  return Array.from({ length: clusters }, (_, i) => `cluster-${i + 1}`);
}

export async function startLabFleet(opts: LabFleetOptions): Promise<LabFleet> {
  const names = clusterNames(opts.clusters);
  const stateDir = opts.dataDir ? join(opts.dataDir, 'clusters') : undefined;
  if (stateDir) await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const saved = stateDir ? await readSavedStates(stateDir) : new Map<string, LabClusterState>();

  const clusters: LabCluster[] = [];
  const k10s = new Map<LabCluster, K10Instance>();
  const writers = new Map<LabCluster, Persister>();
  const network: FleetNetwork = { caBundle: () => clusters.map((c) => c.state.ca.certPem) };

  async function bring(name: string, state: LabClusterState | undefined): Promise<LabCluster> {
    const fresh = !state;
    const cluster = new LabCluster(state ?? (await newClusterState(name)), {
      bookmarkIntervalMs: opts.bookmarkIntervalMs,
    });
    if (fresh) seedK10(cluster.store, { clusterName: name, empty: opts.empty });
    return cluster;
  }

  // Credentials first (CPU), then listeners: both in parallel across clusters.
  const created = await Promise.all(names.map((n) => bring(n, saved.get(n))));
  clusters.push(...created);
  await Promise.all(clusters.map((c) => c.start()));
  for (const c of clusters) k10s.set(c, attachK10(c, network, opts.k10));
  if (stateDir) {
    for (const c of clusters) {
      const p = new Persister(c, join(stateDir, `${fileSafe(c.name)}.json`), opts.persistDelayMs ?? 200);
      writers.set(c, p);
      p.schedule(); // ports and new credentials are state too
    }
  }

  const kubeconfig = () =>
    serializeKubeconfig(
      buildLabKubeconfig(
        clusters.map((c) => ({
          name: c.name,
          server: c.apiUrl,
          caPem: c.state.ca.certPem,
          users: c.state.users.map((u) => ({
            name: `${c.name}-${u.id}`,
            token: u.token,
            certPem: u.cert?.certPem,
            keyPem: u.cert?.keyPem,
          })),
        })),
      ),
    );
  const kubeconfigPath = opts.kubeconfigPath ?? (opts.dataDir ? join(opts.dataDir, 'kubeconfig') : undefined);
  const writeKubeconfig = async () => {
    if (kubeconfigPath) await writeFileAtomic(kubeconfigPath, kubeconfig());
  };
  await writeKubeconfig();

  const fleet: LabFleet = {
    clusters,
    kubeconfigPath,
    kubeconfig,
    cluster(name) {
      const c = clusters.find((x) => x.name === name);
      if (!c) throw new Error(`no cluster named ${name} in this lab fleet`);
      return c;
    },
    async addCluster(name) {
      const chosen = name ?? nextName(clusters.map((c) => c.name));
      if (clusters.some((c) => c.name === chosen)) throw new Error(`the lab fleet already has a cluster named ${chosen}`);
      const c = await bring(chosen, undefined);
      clusters.push(c);
      await c.start();
      k10s.set(c, attachK10(c, network, opts.k10));
      if (stateDir) {
        const p = new Persister(c, join(stateDir, `${fileSafe(c.name)}.json`), opts.persistDelayMs ?? 200);
        writers.set(c, p);
        p.schedule();
      }
      await writeKubeconfig();
      return c;
    },
    async flush() {
      await Promise.all([...writers.values()].map((w) => w.flush()));
    },
    async stop() {
      for (const k of k10s.values()) k.stop();
      await Promise.all(clusters.map((c) => c.stop()));
      await fleet.flush();
      for (const w of writers.values()) w.close();
    },
  };
  return fleet;
}

function nextName(existing: string[]): string {
  let i = existing.length + 1;
  while (existing.includes(`cluster-${i}`)) i++;
  return `cluster-${i}`;
}

function fileSafe(name: string): string {
  return name.replace(/[^a-z0-9.-]/gi, '_');
}

async function readSavedStates(dir: string): Promise<Map<string, LabClusterState>> {
  const states = new Map<string, LabClusterState>();
  for (const file of await readdir(dir)) {
    if (!file.endsWith('.json')) continue;
    const path = join(dir, file);
    const text = await readFile(path, 'utf8');
    let parsed: { version?: number; cluster?: LabClusterState };
    try {
      parsed = JSON.parse(text);
    } catch {
      // Keep the unreadable file aside rather than overwrite it with a new cluster.
      await rename(path, `${path}.corrupt-${Date.now()}`);
      process.emitWarning(`lab fleet: ${path} could not be read; moved aside, the cluster starts afresh`);
      continue;
    }
    if (parsed.version !== STATE_VERSION || !parsed.cluster?.name) {
      throw new Error(`${path} is not a lab cluster state of version ${STATE_VERSION}; move it away or use another --data-dir`);
    }
    states.set(parsed.cluster.name, parsed.cluster);
  }
  return states;
}

/** temp file, fsync, rename: a crash leaves the old file or the new one, never half of one. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Writes one cluster's state a short while after it changes, one write at a time. */
class Persister {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly cluster: LabCluster,
    private readonly path: string,
    private readonly delayMs: number,
  ) {
    this.unsubscribe = cluster.store.onCommit(() => this.schedule());
  }

  schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch((err: Error) => process.emitWarning(`lab fleet: could not save ${this.path}: ${err.message}`));
    }, this.delayMs);
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      await writeFileAtomic(this.path, JSON.stringify({ version: STATE_VERSION, cluster: this.cluster.snapshot() }));
    });
    return this.writing;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
  }
}
