/**
 * How the lab fleet plugs into Flotilla: a LabStarter (main/clusters/types.ts)
 * that starts a lab fleet in this process and hands over its clusters as
 * ephemeral clusters (credentials in memory only). Shells that offer "Open a
 * lab fleet" (the app, the preview) pass it to the services; product code
 * never imports main/lab itself.
 */
import type { EphemeralCluster, LabSource, LabStarter } from '../clusters/types.js';
import { startLabFleet, type LabFleet, type LabFleetOptions } from './fleet.js';

export type LabStarterOptions = Omit<LabFleetOptions, 'clusters' | 'dataDir' | 'kubeconfigPath'>;

/** A LabStarter for the services; `options` go to every lab fleet it starts (tests shorten K10's intervals). */
export function labStarter(options: LabStarterOptions = {}): LabStarter {
  return async (clusters, log) => {
    // The emulated K10's problem lines go to the app's log (they never carry tokens or secret data).
    const k10 = { log, ...options.k10 };
    const fleet = await startLabFleet({ ...options, k10, clusters });
    const handed: EphemeralCluster[] = fleet.clusters.map((c) => ({
      name: c.name,
      server: c.apiUrl,
      caPem: c.state.ca.certPem,
      token: c.user('admin').token!,
    }));
    return { clusters: handed, stop: () => fleet.stop(), emulator: fleet };
  };
}

/** The running lab fleet behind a lab source, for tests that inflict faults on it. */
export function labFleetOf(source: { emulator?: unknown } | undefined): LabFleet | undefined {
  return source?.emulator as LabFleet | undefined;
}
