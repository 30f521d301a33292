/**
 * The composition root: builds every service once and registers every
 * feature's handlers on one router. Each shell (the Electron app in
 * main/app, the preview bridge in main/preview.ts, tests) calls
 * `createServices` and adapts only what differs between them: file dialogs,
 * the system browser, where user data lives, which keychain service name.
 *
 * Nothing here imports Electron; a missing handler is a startup error, so a
 * contract channel can never silently go unanswered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appHandlers } from './app-handlers.js';
import { createRouter, type Router } from './ipc/router.js';
import { createLogger, type Logger } from './log.js';
import { keychainStatus } from './secrets/keychain-status.js';
import { createKeychainStore } from './secrets/keychain-store.js';
import type { SecretStore } from './secrets/secret-store.js';
import { AppStateStore } from './state/app-state.js';
import { testConnection } from './kube/connection-test.js';
import { createClusterRegistry, type ClusterRegistryService } from './kubeconfig/registry.js';
import { ImportService, kubeconfigHandlers, type ImportDialogs } from './kubeconfig/import-service.js';
import { FleetService, fleetHandlers, type FleetOptions } from './fleet/fleet-service.js';
import { LabMode, labHandlers, type LabModeDeps } from './fleet/lab-mode.js';

/** Native file pickers (Electron's dialog); absent in preview, where paths are typed. */
export type Dialogs = ImportDialogs;

export interface ServicesOptions {
  /** Where the state file (and, in the app, the log) lives. */
  userDataDir: string;
  shell: 'electron' | 'preview';
  /** Shown in app:info (the app passes Electron's app.getVersion()); default: package.json's. */
  version?: string;
  /** Keychain service name; tests and the preview use their own so they never touch the app's entries. */
  keychainService?: string;
  /** A SecretStore to use instead of the OS keychain (tests). */
  secrets?: SecretStore;
  dialogs?: Dialogs;
  /** Opens an already checked http(s) URL in the system browser. */
  openExternal?: (url: string) => Promise<void>;
  log?: Logger;
  /** Fleet monitoring tuning (tests shorten probe intervals). */
  fleetOptions?: FleetOptions;
  /** Options for every lab fleet started (tests shorten the K10 emulation's intervals). */
  labOptions?: LabModeDeps['labOptions'];
}

export interface Services {
  router: Router;
  state: AppStateStore;
  secrets: SecretStore;
  registry: ClusterRegistryService;
  fleet: FleetService;
  lab: LabMode;
  log: Logger;
  /** Stops watches and the lab fleet and forgets held scans (and the credentials in them); safe to call twice. */
  stop(): Promise<void>;
}

/** The keychain service name of the real app's entries. */
export const KEYCHAIN_SERVICE = 'Flotilla';

/** Builds the services and a router answering every contract channel. */
export async function createServices(opts: ServicesOptions): Promise<Services> {
  const log = opts.log ?? createLogger({ file: join(opts.userDataDir, 'logs', 'main.log') });
  const state = await AppStateStore.open(opts.userDataDir);
  if (state.problem) log.warn(state.problem);
  const secrets = opts.secrets ?? createKeychainStore(opts.keychainService ?? KEYCHAIN_SERVICE);
  const registry = createClusterRegistry({ state, secrets, log });

  const router = createRouter({ log });
  const importer = new ImportService({ registry, secrets, testConnection, log });
  const fleet = new FleetService({ registry, events: router.events, log, options: opts.fleetOptions });
  const lab = new LabMode({ registry, events: router.events, log, labOptions: opts.labOptions });

  router.register(
    appHandlers({
      shell: opts.shell,
      version: opts.version ?? packageVersion(),
      state,
      keychainStatus: () => keychainStatus(secrets),
      openExternal: opts.openExternal,
    }),
  );
  router.register(kubeconfigHandlers(importer, { dialogs: opts.dialogs }));
  router.register(fleetHandlers(fleet, registry));
  router.register(labHandlers(lab));

  const missing = router.unregistered();
  if (missing.length > 0) throw new Error(`No handler registered for ${missing.join(', ')}: wire the feature in main/services.ts.`);

  await fleet.start();
  log.info(`services started (${opts.shell})`, { clusters: registry.list().length });

  let stopping: Promise<void> | undefined;
  return {
    router,
    state,
    secrets,
    registry,
    fleet,
    lab,
    log,
    stop() {
      stopping ??= (async () => {
        importer.dispose();
        // Independent: one failing must not leave the others running (a lab fleet holds ports).
        const results = await Promise.allSettled([fleet, lab].map((s) => Promise.resolve().then(() => s.stop())));
        for (const r of results) if (r.status === 'rejected') log.error(`stopping services: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
      })();
      return stopping;
    },
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
