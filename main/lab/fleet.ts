/**
 * The lab fleet: N lab clusters in one process, each with its K10, plus the
 * kubeconfig that reaches them. Tests, benchmarks, the CLI and the app's
 * "open a lab fleet" mode all start it through `startLabFleet`.
 *
 * With a data directory, each cluster's state (objects, resourceVersion,
 * certificates, tokens, port) is written atomically after changes and read
 * back on the next start, so a restarted fleet is the same fleet.
 */
import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../state/atomic-file.js';
import { attachK10, type K10Instance, type K10Options } from './kasten/index.js';
import { seedK10 } from './kasten/seed.js';
import { LabCluster, newClusterState, type LabClusterState } from './cluster.js';
import { buildLabKubeconfig, serializeKubeconfig } from './kubeconfig-file.js';
import type { FleetNetwork } from './k10-host.js';
import { fleetStats, type LabFleetStats } from './stats.js';

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

/** A state file that could not be read: kept aside under another name, never overwritten. */
export interface SetAsideState {
  /** The cluster the file was for (from its name). */
  cluster: string;
  path: string;
  movedTo: string;
  reason: string;
}

export interface LabFleet {
  readonly clusters: readonly LabCluster[];
  /** State files found unreadable at start and moved aside; those clusters started afresh. */
  readonly setAside: readonly SetAsideState[];
  cluster(name: string): LabCluster;
  /** The kubeconfig (YAML) with one context per cluster. */
  kubeconfig(): string;
  readonly kubeconfigPath?: string;
  /** Adds a cluster to the running fleet (and rewrites the kubeconfig file). */
  addCluster(name?: string): Promise<LabCluster>;
  /** What serving each cluster has cost (see LabCluster.stats), and the sum. */
  stats(): LabFleetStats;
  /** Zeroes every cluster's counters. */
  resetStats(): void;
  /** Writes any pending state now. */
  flush(): Promise<void>;
  /** Stops every cluster, its K10 and its timers; writes state first. */
  stop(): Promise<void>;
}

const STATE_VERSION = 1;

export function clusterNames(clusters: number | string[]): string[] {
  if (Array.isArray(clusters)) {
    if (!clusters.length) throw new Error('a lab fleet needs at least one cluster');
    const twice = clusters.find((n, i) => clusters.indexOf(n) !== i);
    if (twice !== undefined) throw new Error(`the cluster name ${twice} is given twice`);
    return clusters;
  }
  if (!Number.isInteger(clusters) || clusters < 1) throw new Error(`--clusters must be a whole number of at least 1 (got ${clusters})`);
  return Array.from({ length: clusters }, (_, i) => `cluster-${i + 1}`);
}

export async function startLabFleet(opts: LabFleetOptions): Promise<LabFleet> {
  const names = clusterNames(opts.clusters);
  const stateDir = opts.dataDir ? join(opts.dataDir, 'clusters') : undefined;
  if (stateDir) await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const setAside: SetAsideState[] = [];
  const saved = stateDir ? await readSavedStates(stateDir, setAside) : new Map<string, LabClusterState>();

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

  // Credentials first (CPU), then listeners: both in parallel across clusters. Clusters
  // coming back take their old ports before new ones are handed ephemeral ports, which
  // could otherwise be one of those.
  const created = await Promise.all(names.map((n) => bring(n, saved.get(n))));
  clusters.push(...created);
  const stopAll = async () => {
    for (const k of k10s.values()) k.stop();
    await Promise.all(clusters.map((c) => c.stop()));
    await Promise.all([...writers.values()].map((w) => w.flush()));
    for (const w of writers.values()) w.close();
  };

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
    if (!kubeconfigPath) return;
    await mkdir(dirname(kubeconfigPath), { recursive: true, mode: 0o700 });
    await writeFileAtomic(kubeconfigPath, kubeconfig());
  };

  try {
    await Promise.all(clusters.filter((c) => c.port !== 0).map((c) => c.start()));
    await Promise.all(clusters.map((c) => c.start()));
    for (const c of clusters) k10s.set(c, attachK10(c, network, opts.k10));
    if (stateDir) {
      for (const c of clusters) {
        const p = new Persister(c, join(stateDir, `${fileSafe(c.name)}.json`), opts.persistDelayMs ?? 200);
        writers.set(c, p);
        p.schedule(); // ports and new credentials are state too
      }
    }
    await writeKubeconfig();
  } catch (err) {
    await stopAll().catch(() => undefined); // leave no listener, timer or half-started K10 behind
    throw err;
  }

  let adding: Promise<unknown> = Promise.resolve();
  const fleet: LabFleet = {
    clusters,
    setAside,
    kubeconfigPath,
    kubeconfig,
    cluster(name) {
      const c = clusters.find((x) => x.name === name);
      if (!c) throw new Error(`no cluster named ${name} in this lab fleet`);
      return c;
    },
    addCluster(name) {
      // One at a time, so that two unnamed additions do not pick the same next name.
      const added = adding.then(async () => {
        const chosen = name ?? nextName(clusters.map((c) => c.name));
        if (clusters.some((c) => c.name === chosen)) throw new Error(`the lab fleet already has a cluster named ${chosen}`);
        const c = await bring(chosen, undefined);
        await c.start();
        clusters.push(c);
        k10s.set(c, attachK10(c, network, opts.k10));
        if (stateDir) {
          const p = new Persister(c, join(stateDir, `${fileSafe(c.name)}.json`), opts.persistDelayMs ?? 200);
          writers.set(c, p);
          p.schedule();
        }
        await writeKubeconfig();
        return c;
      });
      adding = added.catch(() => undefined);
      return added;
    },
    stats: () => fleetStats(clusters.map((c) => c.stats())),
    resetStats() {
      for (const c of clusters) c.resetStats();
    },
    async flush() {
      await Promise.all([...writers.values()].map((w) => w.flush()));
    },
    stop: stopAll,
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

/**
 * Reads every cluster state in `dir`. A file that is not a readable state is
 * renamed aside (`<file>.unreadable-<time>`) and listed in `setAside`, so that
 * nothing overwrites it; a state of another version stops the start instead,
 * since a newer Flotilla may have written it. Temp files (`<file>.tmp-…`, see
 * state/atomic-file.ts) are leftovers of writes that never finished (the
 * rename is the commit) and are removed.
 */
async function readSavedStates(dir: string, setAside: SetAsideState[]): Promise<Map<string, LabClusterState>> {
  const states = new Map<string, LabClusterState>();
  for (const file of (await readdir(dir)).sort()) {
    const path = join(dir, file);
    if (file.includes('.json.tmp-')) {
      await rm(path, { force: true });
      continue;
    }
    if (!file.endsWith('.json')) continue;
    const text = await readFile(path, 'utf8');
    let parsed: { version?: unknown; cluster?: unknown };
    let problem: string | undefined;
    try {
      parsed = JSON.parse(text) as typeof parsed;
      if (parsed?.version === STATE_VERSION) problem = stateProblem(parsed.cluster);
      else if (parsed && typeof parsed === 'object' && typeof parsed.version === 'number') {
        throw new StateVersionError(`${path} is a lab cluster state of version ${parsed.version}, not ${STATE_VERSION}; move it away or use another --data-dir`);
      } else problem = 'it has no state version';
    } catch (err) {
      if (err instanceof StateVersionError) throw err;
      problem = `it is not JSON (${(err as Error).message})`;
      parsed = {};
    }
    if (problem) {
      const movedTo = `${path}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(path, movedTo);
      const entry = { cluster: file.slice(0, -'.json'.length), path, movedTo, reason: problem };
      setAside.push(entry);
      process.emitWarning(`lab fleet: ${path} could not be read (${problem}); kept as ${movedTo}, and cluster ${entry.cluster} starts afresh`);
      continue;
    }
    const state = parsed.cluster as LabClusterState;
    states.set(state.name, state);
  }
  return states;
}

class StateVersionError extends Error {}

/** What makes a parsed state unusable, if anything. */
function stateProblem(value: unknown): string | undefined {
  const s = value as Partial<LabClusterState> | undefined;
  if (!s || typeof s !== 'object') return 'it holds no cluster';
  if (typeof s.name !== 'string' || !s.name) return 'the cluster has no name';
  if (!Number.isInteger(s.port) || s.port! < 0 || s.port! > 65535) return 'the cluster has no valid port';
  for (const pair of ['ca', 'serving'] as const) {
    if (typeof s[pair]?.certPem !== 'string' || typeof s[pair]?.keyPem !== 'string') return `the cluster's ${pair} certificate is missing`;
  }
  if (!Array.isArray(s.users) || !s.users.length) return 'the cluster has no users';
  if (s.store !== undefined && (!Number.isInteger(s.store.resourceVersion) || !Array.isArray(s.store.objects))) return 'the object store is damaged';
  return undefined;
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
