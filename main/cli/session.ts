/**
 * One run of the CLI: the services, built on first need (`handoff` never
 * builds them), the clusters named by --context, and calls through the
 * router exactly as the app makes them, so the same validation and services
 * answer. A failed call becomes a Failure carrying the service's message,
 * which is already written for people.
 *
 * A command that only reads clusters (`fleet`) asks for `clusters()`
 * instead: over --kubeconfig FILE that is the same registry and pool the
 * services would hold, built without the rest of the services, so the code
 * of promotion, joins, QR codes and distributions is never initialised.
 */
import { join } from 'node:path';
import { AppError, type ArgsIn, type Channel, type ResultOf } from '../../shared/contract/index.js';
import { createLogger, type Logger } from '../log.js';
import type { ClusterRegistryService } from '../clusters/cluster-list.js';
import type { ClusterPool } from '../kube/cluster-pool.js';
import type { Services } from '../services.js';
import { Failure, UsageError } from './errors.js';

export interface SessionOptions {
  dataDir: string;
  /** Clusters from this kubeconfig (contexts by name) instead of the app's imported clusters. */
  kubeconfig?: string;
  /** Tests and benchmarks only: shorter K10 waits. */
  k10TimeoutMs?: number;
}

/** The clusters and their connections, without the services: what a read of the fleet needs. */
export interface ClusterAccess {
  registry: ClusterRegistryService;
  pool: ClusterPool;
}

export class Session {
  readonly log: Logger;
  private built: Promise<Services> | undefined;
  private access: Promise<ClusterAccess> | undefined;
  private stopped = false;

  constructor(readonly opts: SessionOptions) {
    // The log goes to the user-data folder, never to the terminal: stderr is for the one line that matters.
    this.log = createLogger({ file: join(opts.dataDir, 'logs', 'cli.log'), stderr: false });
  }

  /** The services, built on the first call. */
  services(): Promise<Services> {
    // Imported here, not at the top: help, usage errors and `handoff` never load the services and the Kubernetes client.
    this.built ??= import('../services.js')
      .then(({ createServices }) =>
        createServices({
          host: { shell: 'cli', userDataDir: this.opts.dataDir },
          ...(this.opts.kubeconfig ? { kubeconfigFile: this.opts.kubeconfig } : {}),
          log: this.log,
          ...(this.opts.k10TimeoutMs ? { k10TimeoutMs: this.opts.k10TimeoutMs } : {}),
        }),
      )
      .catch((err: unknown) => {
        throw err instanceof AppError ? new Failure(err.message) : err;
      });
    return this.built;
  }

  /**
   * The cluster list and the connection pool. Over --kubeconfig FILE they
   * are made here as createServices makes them (createKubeconfigFileClusters,
   * a ClusterPool with the same defaults) and nothing else is; over the
   * app's clusters (state file and keychain) they are the services' own.
   */
  clusters(): Promise<ClusterAccess> {
    const file = this.opts.kubeconfig;
    if (!file || this.built) return this.services();
    this.access ??= Promise.all([import('../clusters/kubeconfig-file.js'), import('../kube/cluster-pool.js')])
      .then(([{ createKubeconfigFileClusters }, { ClusterPool }]) => {
        const registry = createKubeconfigFileClusters(file);
        this.log.info('cli: clusters read from a kubeconfig file', { clusters: registry.list().length });
        return { registry, pool: new ClusterPool(registry) };
      })
      .catch((err: unknown) => {
        throw err instanceof AppError ? new Failure(err.message) : err;
      });
    return this.access;
  }

  /** Runs a read over `clusters()`, mapping its AppError the way `call` does. */
  async read<T>(fn: (clusters: ClusterAccess) => Promise<T>): Promise<T> {
    const clusters = await this.clusters();
    return asFailure(() => fn(clusters));
  }

  /** The id of the cluster called `name` (a context of --kubeconfig, or a cluster imported in the app). */
  async clusterId(name: string, option = '--context'): Promise<string> {
    const { registry } = await this.services();
    const found = registry.findByName(name);
    if (found) return found.id;
    const names = registry.list().map((c) => c.name);
    if (names.length === 0) {
      throw new UsageError(
        this.opts.kubeconfig
          ? `${option} ${name}: ${this.opts.kubeconfig} has no contexts`
          : `${option} ${name}: Flotilla has no clusters yet; import some in the app, or pass --kubeconfig FILE`,
      );
    }
    const shown = names.length > 20 ? `${names.slice(0, 20).join(', ')} and ${names.length - 20} more` : names.join(', ');
    throw new UsageError(`${option} ${name}: no such cluster ${this.opts.kubeconfig ? `in ${this.opts.kubeconfig}` : 'in Flotilla'} (known: ${shown})`);
  }

  /** Calls a channel through the router; its result, or a Failure with the service's message. */
  async call<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<ResultOf<C>> {
    const services = await this.services();
    const r = await services.router.invoke(channel, args, { transport: 'cli' });
    if (!r.ok) {
      this.log.info(`cli: ${channel} failed`, { code: r.error.code });
      throw new Failure(r.error.message);
    }
    return r.result;
  }

  /** Runs a direct service call (where no channel fits), mapping its AppError the way `call` does. */
  async direct<T>(fn: (services: Services) => Promise<T>): Promise<T> {
    const services = await this.services();
    return asFailure(() => fn(services));
  }

  /** Stops whatever was started (connections, watches, timers); safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped || (!this.built && !this.access)) return;
    this.stopped = true;
    const access = await this.access?.catch(() => undefined);
    access?.pool.close();
    const services = await this.built?.catch(() => undefined);
    await services?.stop();
  }
}

/** Runs `fn`; an AppError it throws becomes a Failure with its message (already written for people). */
async function asFailure<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) throw new Failure(err.message);
    throw err;
  }
}
