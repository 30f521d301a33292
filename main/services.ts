/**
 * The composition root: builds every service once and registers every
 * feature's handlers on one router. Each shell (the Electron app in
 * main/app, the preview bridge in main/preview.ts, the CLI in main/cli,
 * tests) calls `createServices` with its Host (main/host/host.ts): what
 * differs between them is there, and nowhere else.
 *
 * Nothing here imports Electron; a missing handler is a startup error, so a
 * contract channel can never silently go unanswered.
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { withSettingsDefaults } from '../shared/contract/app.js';
import { about } from './about/about.js';
import { AUDIT_DIR, AUDIT_FILE } from './audit/audit-log.js';
import { createKubeconfigFileClusters } from './clusters/kubeconfig-file.js';
import { LabMode } from './clusters/lab-mode.js';
import { createClusterRegistry, type ClusterRegistryService } from './clusters/cluster-list.js';
import type { LabStarter } from './clusters/types.js';
import { FleetService, type FleetOptions } from './fleet/fleet-service.js';
import type { Host } from './host/host.js';
import { appHandlers } from './ipc/handlers/app.js';
import { fleetHandlers } from './ipc/handlers/fleet.js';
import { kubeconfigHandlers } from './ipc/handlers/kubeconfig.js';
import { labHandlers } from './ipc/handlers/lab.js';
import { multiclusterHandlers } from './ipc/handlers/multicluster.js';
import { MulticlusterService } from './multicluster/multicluster-service.js';
import { DistributionService } from './distribution/distribution-service.js';
import { distributionHandlers } from './ipc/handlers/distribution.js';
import { createRouter, type Router } from './ipc/router.js';
import { ClusterPool } from './kube/cluster-pool.js';
import { testConnection } from './kube/connection-test.js';
import { ImportService } from './kubeconfig/import-service.js';
import { Lifecycle } from './lifecycle.js';
import { createLogger, type Logger } from './log.js';
import { keychainStatus } from './secrets/keychain-status.js';
import { createKeychainStore } from './secrets/keychain-store.js';
import type { SecretStore } from './secrets/secret-store.js';
import { AppStateStore } from './state/app-state.js';

export interface ServicesOptions {
  /** What the shell offers: dialogs, clipboard, browser, where user data lives. */
  host: Host;
  /** Shown in app:info (the app passes Electron's app.getVersion()); default: package.json's. */
  version?: string;
  /** Keychain service name; tests and the preview use their own so they never touch the app's entries. */
  keychainService?: string;
  /** A SecretStore to use instead of the OS keychain (tests). */
  secrets?: SecretStore;
  log?: Logger;
  /** Fleet monitoring tuning (tests shorten probe intervals); its concurrency options size the cluster pool. */
  fleetOptions?: FleetOptions;
  /** Offers "Open a lab fleet" (main/lab/cluster-source.ts); without it lab:start answers UNSUPPORTED. */
  startLab?: LabStarter;
  /**
   * Start following the fleet now (the app and the preview show it at once).
   * Otherwise the fleet's watches open on the first fleet call: a CLI
   * `token create` opens one connection, not watches on the whole fleet.
   */
  watchFleet?: boolean;
  /** How long to wait for K10 to answer a write (tests shorten it). */
  k10TimeoutMs?: number;
  /** Where clusters come from: the app's imported clusters (state + keychain, the default), or one kubeconfig file (the CLI's --kubeconfig). */
  kubeconfigFile?: string;
}

export interface Services {
  router: Router;
  host: Host;
  state: AppStateStore;
  secrets: SecretStore;
  registry: ClusterRegistryService;
  pool: ClusterPool;
  fleet: FleetService;
  lab: LabMode;
  multicluster: MulticlusterService;
  distribution: DistributionService;
  log: Logger;
  /** Everything that must be stopped registers here. */
  lifecycle: Lifecycle;
  /** Stops watches, timers and the lab fleet and forgets held scans (and the credentials in them); safe to call twice. */
  stop(): Promise<void>;
}

/** The keychain service name of the real app's entries. */
export const KEYCHAIN_SERVICE = 'Flotilla';

/** Builds the services and a router answering every contract channel. */
export async function createServices(opts: ServicesOptions): Promise<Services> {
  const { host } = opts;
  const logsDir = join(host.userDataDir, 'logs');
  const log = opts.log ?? createLogger({ file: join(logsDir, 'main.log') });
  const lifecycle = new Lifecycle((name, err) => log.error(`stopping ${name}: ${err instanceof Error ? err.message : String(err)}`));
  const state = await AppStateStore.open(host.userDataDir);
  if (state.problem) log.warn(state.problem);
  const secrets = opts.secrets ?? createKeychainStore(opts.keychainService ?? KEYCHAIN_SERVICE);
  const registry = opts.kubeconfigFile ? createKubeconfigFileClusters(opts.kubeconfigFile) : createClusterRegistry({ state, secrets, log });
  const router = createRouter({ log });

  // Registered first, stopped last: every service below borrows its connections.
  const pool = new ClusterPool(registry, opts.fleetOptions);
  lifecycle.add('cluster pool', () => pool.close());
  const importer = new ImportService({ registry, secrets, testConnection: (kc, o) => testConnection(kc, { ...o, limiter: pool.limiter }), log });
  lifecycle.add('import scans', () => importer.dispose());
  // A window paints the rows first; the clusters' connections follow its first snapshot (at most a second later).
  const fleet = new FleetService({ registry, pool, events: router.events, log, options: { ...(host.shell !== 'cli' ? { firstSnapshotGraceMs: 1_000 } : {}), ...opts.fleetOptions } });
  lifecycle.add('fleet', () => fleet.stop());
  const settings = () => withSettingsDefaults(state.get().settings);
  // An interval the caller tuned (tests) wins over the saved setting at start; a change on the settings screen applies either way.
  if (opts.fleetOptions?.probeIntervalMs === undefined) fleet.setProbeInterval(settings().probeIntervalSeconds * 1000);
  const lab = new LabMode({ registry, events: router.events, log, startLab: opts.startLab });
  lifecycle.add('lab fleet', () => lab.stop());
  // Stopped before the lab and the pool: it clears a token it left on the clipboard.
  const multicluster = lifecycle.add('multi-cluster', new MulticlusterService({ registry, pool, events: router.events, host, log, k10TimeoutMs: opts.k10TimeoutMs, clipboardClearMs: () => settings().clipboardClearSeconds * 1000 }));
  // Which cluster is which member of a primary: the fleet knows while it watches; otherwise the service reads it.
  const distribution = new DistributionService(multicluster.context, async (primaryName) => fleet.members(primaryName) ?? distribution.readMembers(primaryName));

  const version = opts.version ?? packageVersion();
  const auditDir = join(host.userDataDir, AUDIT_DIR);
  router.register(
    appHandlers({
      shell: host.shell,
      version,
      state,
      keychainStatus: () => keychainStatus(secrets),
      openExternal: host.openExternal ? (url) => host.openExternal!(url) : undefined,
      paths: { state: state.path, logs: logsDir, audit: join(auditDir, AUDIT_FILE) },
      folders: { state: dirname(state.path), logs: logsDir, audit: auditDir },
      // The logs and audit folders appear on first use; create them so there is something to open.
      openFolder: host.openPath
        ? async (dir) => {
            await mkdir(dir, { recursive: true, mode: 0o700 });
            await host.openPath!(dir);
          }
        : undefined,
      about: () => about(version),
      onSettingsChanged: (next, previous) => {
        if (next.probeIntervalSeconds !== previous.probeIntervalSeconds) fleet.setProbeInterval(next.probeIntervalSeconds * 1000);
      },
    }),
  );
  router.register(kubeconfigHandlers(importer, { dialogs: host.dialogs }));
  router.register(fleetHandlers(fleet, registry));
  router.register(labHandlers(lab));
  router.register(multiclusterHandlers(multicluster));
  router.register(distributionHandlers(distribution));

  const missing = router.unregistered();
  if (missing.length > 0) throw new Error(`No handler registered for ${missing.join(', ')}: wire the feature in main/services.ts.`);

  if (opts.watchFleet ?? host.shell !== 'cli') await fleet.start();
  log.info(`services started (${host.shell})`, { clusters: registry.list().length });

  return {
    router,
    host,
    state,
    secrets,
    registry,
    pool,
    fleet,
    lab,
    multicluster,
    distribution,
    log,
    lifecycle,
    stop: () => lifecycle.dispose(),
  };
}

/** The version in package.json, for shells that have no app.getVersion() (preview, tests). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
