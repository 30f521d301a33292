/**
 * The clusters Flotilla knows: those the user imported (non-secret parts in
 * the state file, secrets in the keychain) and, while a lab fleet runs, the
 * lab's clusters (credentials in memory only). Services that talk to
 * clusters get them from here and never see where the secrets live.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { AuthKind } from '../../shared/contract/index.js';

export interface StoredCluster {
  id: string;
  /** Display name, unique in Flotilla. */
  name: string;
  server: string;
  authKind: AuthKind;
  source: 'imported' | 'lab';
  /** Where it came from: the context, cluster and user names in the original kubeconfig. */
  contextName: string;
  namespace?: string;
  sourceFile?: string;
  addedAt: string;
  updatedAt: string;
}

/** A lab cluster as the lab service hands it over (credentials kept in memory). */
export interface EphemeralCluster {
  name: string;
  server: string;
  caPem: string;
  token: string;
}

export interface ClusterRegistry {
  list(): StoredCluster[];
  get(id: string): StoredCluster | undefined;
  /**
   * A client-node KubeConfig with this one cluster as its current context,
   * credentials filled in from the keychain (or memory, for the lab). Throws
   * an AppError (KEYCHAIN_UNAVAILABLE, NOT_FOUND, …) that says what to do.
   */
  kubeConfig(id: string): Promise<KubeConfig>;
  /** Removes clusters and their keychain entries; returns the ids removed. */
  remove(ids: string[]): Promise<string[]>;
  /** Replaces the set of lab clusters (an empty list when the lab stops). */
  setEphemeral(clusters: EphemeralCluster[]): void;
  /** Called after any change to the list. */
  onChange(listener: () => void): () => void;
}

/** A running lab fleet as the services see it: its clusters and how to stop it. */
export interface LabSource {
  clusters: EphemeralCluster[];
  stop(): Promise<void>;
  /** The emulator itself (opaque here), for tests that inflict faults on it. */
  emulator?: unknown;
}

/** Starts a lab fleet of `clusters` clusters; `log` receives the emulated K10's problem lines. */
export type LabStarter = (clusters: number, log: (line: string) => void) => Promise<LabSource>;
