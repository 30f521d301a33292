/**
 * "Open a lab fleet": the lab fleet emulator (main/lab) started inside the
 * app's own process, its clusters handed to the registry as ephemeral
 * clusters. Their credentials (each cluster's CA and admin token) live in
 * this process's memory only: they are never written to the state file, the
 * keychain, a kubeconfig file or a log, and they die with the lab.
 *
 * One lab at a time. Starting while one runs returns its status (same size)
 * or says to stop it first (another size); stopping takes its clusters out
 * of the registry before the servers go, so the fleet view drops the rows
 * rather than showing them unreachable.
 */
import { AppError, type LabStatus } from '../../shared/contract/index.js';
import type { EventSink } from '../events.js';
import type { ClusterRegistry, LabSource, LabStarter } from './types.js';
import type { Logger } from '../log.js';

export interface LabModeDeps {
  registry: ClusterRegistry;
  events: EventSink;
  log?: Logger;
  /** Starts the lab fleet emulator (main/lab/cluster-source.ts); absent in shells that offer no lab. */
  startLab?: LabStarter;
}

export class LabMode {
  private fleet: LabSource | undefined;
  private starting: { size: number; done: Promise<LabStatus> } | undefined;
  private stopping: Promise<void> | undefined;

  constructor(private readonly deps: LabModeDeps) {}

  status(): LabStatus {
    return { running: this.fleet !== undefined, clusters: this.fleet ? this.fleet.clusters.map((c) => c.name) : [] };
  }

  /**
   * Starts a lab fleet of `clusters` clusters in this process and hands them
   * to the registry; resolves once they listen (a few ms per cluster).
   */
  async start(clusters: number): Promise<LabStatus> {
    if (!Number.isInteger(clusters) || clusters < 1 || clusters > 1000) {
      throw new AppError('INVALID_ARGS', `A lab fleet has 1 to 1,000 clusters (asked for ${clusters}).`);
    }
    if (this.stopping) await this.stopping;
    if (this.starting) {
      if (this.starting.size === clusters) return this.starting.done;
      throw new AppError('CONFLICT', `A lab fleet of ${this.starting.size} clusters is starting; stop it before starting one of ${clusters}.`);
    }
    if (this.fleet) {
      if (this.fleet.clusters.length === clusters) return this.status();
      throw new AppError('CONFLICT', `A lab fleet of ${this.fleet.clusters.length} clusters is running; stop it before starting one of ${clusters}.`);
    }
    const startLab = this.deps.startLab;
    if (!startLab) throw new AppError('UNSUPPORTED', 'This Flotilla offers no lab fleet; start one with `npm run lab` and use its kubeconfig.');
    const done = (async () => {
      let fleet: LabSource;
      try {
        fleet = await startLab(clusters, (line) => this.deps.log?.info(`lab: ${line}`));
      } catch (err) {
        throw new AppError('INTERNAL', `The lab fleet could not start: ${(err as Error)?.message ?? String(err)}`);
      }
      this.fleet = fleet;
      this.deps.registry.setEphemeral(fleet.clusters);
      const status = this.status();
      this.deps.log?.info(`lab fleet started`, { clusters: status.clusters.length });
      this.emit(status);
      return status;
    })();
    this.starting = { size: clusters, done };
    try {
      return await done;
    } finally {
      this.starting = undefined;
    }
  }

  /** Takes the lab's clusters out of the registry and stops its servers. Safe when none runs. */
  async stop(): Promise<void> {
    if (this.starting) await this.starting.done.catch(() => undefined);
    this.stopping ??= (async () => {
      const fleet = this.fleet;
      if (!fleet) return;
      this.deps.registry.setEphemeral([]);
      this.fleet = undefined;
      try {
        await fleet.stop();
      } catch (err) {
        this.deps.log?.warn(`lab fleet: stopping failed: ${(err as Error)?.message ?? String(err)}`);
      }
      const status = this.status();
      this.deps.log?.info('lab fleet stopped');
      this.emit(status);
    })().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  /** The running lab source (its emulator: main/lab/cluster-source.ts labFleetOf), for tests that inflict faults on it. */
  get source(): LabSource | undefined {
    return this.fleet;
  }

  private emit(status: LabStatus): void {
    try {
      this.deps.events.emit('lab:changed', status);
    } catch (err) {
      this.deps.log?.error(`lab: could not emit lab:changed: ${(err as Error)?.message ?? String(err)}`);
    }
  }
}
