/**
 * The ClusterRegistry: imported clusters (non-secret record in the state
 * file, secrets in the keychain entry `cluster:<id>`) and, while a lab fleet
 * runs, its clusters (credentials in memory only, never written anywhere).
 *
 * It is the only code that pairs a state record with its keychain entry, so
 * importing, rebuilding and removing keep the two consistent: secrets are
 * written before the record that needs them (and rolled back if the record
 * cannot be saved), and a record is removed only once its secrets are gone.
 *
 * Each `kubeConfig(id)` reads the keychain afresh and returns a new
 * KubeConfig: callers should build one ClusterClient from it per cluster and
 * keep that while they use it (the client holds the connection pool and the
 * exec plugin's credential, see kube/exec-credential.ts).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError } from '../../shared/contract/errors.js';
import type { Logger } from '../log.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { AppStateStore } from '../state/app-state.js';
import type { ClusterRecord } from '../state/schema.js';
import { joinSecrets, toKubeConfig, type SecretBlob } from '../kubeconfig/credentials.js';
import { sharedSearchPath, type SearchPath } from '../kube/exec-path.js';
import type { ClusterRegistry, EphemeralCluster, StoredCluster } from './types.js';

/** The keychain account holding one imported cluster's secrets. */
export function secretAccount(clusterId: string): string {
  return `cluster:${clusterId}`;
}

/** Lab clusters' ids: never collide with imported ones (UUIDs). */
export const LAB_ID_PREFIX = 'lab:';

/** One cluster to save: its record and, if it has any, its secrets. */
export interface ImportEntry {
  record: ClusterRecord;
  secrets?: SecretBlob;
}

/** The registry as main's services use it, plus what the import service needs. */
export interface ClusterRegistryService extends ClusterRegistry {
  /** The cluster (imported or lab) with this display name. */
  findByName(name: string): StoredCluster | undefined;
  /** The full record of an imported cluster (non-secret), e.g. to show where it came from. */
  record(id: string): ClusterRecord | undefined;
  /**
   * Adds or replaces imported clusters (matched by record id): secrets into
   * the keychain first, then all records in one state update. On failure
   * the keychain is put back as it was and nothing is saved.
   */
  saveImported(entries: readonly ImportEntry[]): Promise<void>;
}

export interface ClusterRegistryOptions {
  state: AppStateStore;
  secrets: SecretStore;
  /** PATH for exec plugins (default: the login shell's, sharedSearchPath); asked only for exec clusters. */
  searchPath?: () => Promise<SearchPath>;
  log?: Logger;
}

/** Creates the registry over the state file and the keychain. */
export function createClusterRegistry(opts: ClusterRegistryOptions): ClusterRegistryService {
  const { state, secrets, log } = opts;
  const listeners = new Set<() => void>();
  let lab: LabEntry[] = [];
  // Lookups by id and by name, rebuilt with `lab`: a fleet asks for every cluster's KubeConfig, and a scan per ask is quadratic.
  let labById = new Map<string, LabEntry>();
  let labByName = new Map<string, LabEntry>();

  const emit = () => {
    for (const l of [...listeners]) {
      try {
        l();
      } catch (err) {
        log?.error('a cluster registry listener failed', { error: (err as Error).message });
      }
    }
  };
  const records = () => state.get().clusters;
  // list() is called on every fleet refresh: map the records only when the state changed.
  let listed: { from: readonly ClusterRecord[]; stored: StoredCluster[] } | undefined;
  const storedRecords = () => {
    const from = records();
    if (listed?.from !== from) listed = { from, stored: from.map(toStored) };
    return listed.stored;
  };
  // The same for the records, rebuilt only when the state changed.
  let indexed: { from: readonly ClusterRecord[]; byId: Map<string, ClusterRecord>; byName: Map<string, ClusterRecord> } | undefined;
  const index = () => {
    const from = records();
    if (indexed?.from !== from) indexed = { from, byId: firstBy(from, (r) => r.id), byName: firstBy(from, (r) => r.name) };
    return indexed;
  };
  const findRecord = (id: string) => index().byId.get(id);

  async function readSecrets(record: ClusterRecord): Promise<SecretBlob | undefined> {
    if (record.secretFields.length === 0) return undefined;
    const account = secretAccount(record.id);
    let raw: string | undefined;
    try {
      raw = await secrets.get(account);
    } catch (err) {
      if (err instanceof AppError) throw new AppError(err.code, err.message, record.name);
      throw err;
    }
    const reimport = `Import its kubeconfig again (context "${record.contextName}"${record.sourceFile ? ` from ${record.sourceFile}` : ''}) to restore them.`;
    if (raw === undefined) {
      throw new AppError('NOT_FOUND', `The keychain has no credentials for cluster "${record.name}" (entry "${account}"); they may have been deleted outside Flotilla. ${reimport}`, record.name);
    }
    try {
      const blob = JSON.parse(raw) as SecretBlob;
      if (blob?.v !== 1) throw new Error('unknown format');
      return blob;
    } catch {
      throw new AppError('NOT_FOUND', `The keychain entry "${account}" of cluster "${record.name}" is not in a format Flotilla understands. ${reimport}`, record.name);
    }
  }

  return {
    list() {
      return [...storedRecords(), ...lab.map((l) => l.stored)];
    },

    get(id) {
      const r = findRecord(id);
      return r ? toStored(r) : labById.get(id)?.stored;
    },

    findByName(name) {
      const r = index().byName.get(name);
      return r ? toStored(r) : labByName.get(name)?.stored;
    },

    record(id) {
      return findRecord(id);
    },

    async kubeConfig(id): Promise<KubeConfig> {
      const l = labById.get(id);
      if (l) {
        return toKubeConfig(
          { connection: { server: l.cluster.server, caData: Buffer.from(l.cluster.caPem, 'utf8').toString('base64') }, user: { token: l.cluster.token } },
          { name: l.cluster.name },
        );
      }
      const record = findRecord(id);
      if (!record) throw new AppError('NOT_FOUND', `No cluster with id ${id} is known to Flotilla; it may have been removed.`);
      const blob = await readSecrets(record);
      let definition;
      try {
        definition = joinSecrets(record, blob);
      } catch (err) {
        throw new AppError('NOT_FOUND', `The credentials of cluster "${record.name}" in the keychain are incomplete (${(err as Error).message}). Import its kubeconfig again to restore them.`, record.name);
      }
      const execPath = definition.user.exec ? (await (opts.searchPath ?? sharedSearchPath)()).path : undefined;
      return toKubeConfig(definition, { name: record.name, namespace: record.namespace, execPath });
    },

    async remove(ids) {
      const wanted = new Set(ids);
      const targets = records().filter((r) => wanted.has(r.id));
      const removable: string[] = [];
      const failures: string[] = [];
      for (const r of targets) {
        if (r.secretFields.length === 0) {
          removable.push(r.id);
          continue;
        }
        try {
          // A record is dropped only once its secrets are gone: no orphaned credentials in the keychain.
          await secrets.delete(secretAccount(r.id));
          removable.push(r.id);
        } catch (err) {
          failures.push(`"${r.name}": ${(err as Error).message}`);
        }
      }
      if (removable.length > 0) {
        const gone = new Set(removable);
        await state.update((draft) => {
          draft.clusters = draft.clusters.filter((c) => !gone.has(c.id));
        });
        log?.info('removed clusters', { ids: removable });
        emit();
      }
      if (failures.length > 0) {
        const done = targets.filter((r) => removable.includes(r.id)).map((r) => r.name);
        throw new AppError(
          'KEYCHAIN_UNAVAILABLE',
          `${done.length > 0 ? `Removed ${done.join(', ')}. ` : ''}Could not remove ${failures.length === 1 ? 'a cluster' : `${failures.length} clusters`} because ${failures.length === 1 ? 'its' : 'their'} credentials could not be deleted from the keychain (they stay listed until they can be): ${failures.join('; ')}`,
        );
      }
      return removable;
    },

    setEphemeral(clusters) {
      const now = new Date().toISOString();
      const before = firstBy(lab, (l) => l.cluster.name);
      lab = clusters.map((c) => {
        const previous = before.get(c.name);
        return {
          cluster: { ...c },
          stored: {
            id: `${LAB_ID_PREFIX}${c.name}`,
            name: c.name,
            server: c.server,
            authKind: 'token',
            source: 'lab',
            contextName: c.name,
            addedAt: previous?.stored.addedAt ?? now,
            updatedAt: now,
          },
        };
      });
      labById = firstBy(lab, (l) => l.stored.id);
      labByName = firstBy(lab, (l) => l.stored.name);
      emit();
    },

    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async saveImported(entries) {
      if (entries.length === 0) return;
      const undo: Array<{ account: string; previous?: string }> = [];
      try {
        for (const e of entries) {
          const account = secretAccount(e.record.id);
          const existing = findRecord(e.record.id);
          // Remember what an update replaces, to put it back if the state cannot be saved.
          const previous = existing && existing.secretFields.length > 0 ? await secrets.get(account) : undefined;
          if (e.secrets) {
            await secrets.set(account, JSON.stringify(e.secrets));
            undo.push({ account, previous });
          } else if (previous !== undefined) {
            await secrets.delete(account);
            undo.push({ account, previous });
          }
        }
        const byId = new Map(entries.map((e) => [e.record.id, e.record]));
        await state.update((draft) => {
          draft.clusters = draft.clusters.map((c) => byId.get(c.id) ?? c);
          const present = new Set(draft.clusters.map((c) => c.id));
          for (const e of entries) if (!present.has(e.record.id)) draft.clusters.push(e.record);
        });
      } catch (err) {
        for (const u of undo.reverse()) {
          try {
            if (u.previous !== undefined) await secrets.set(u.account, u.previous);
            else await secrets.delete(u.account);
          } catch (undoErr) {
            log?.error('could not roll back a keychain entry after a failed import', { account: u.account, error: (undoErr as Error).message });
          }
        }
        throw err;
      }
      log?.info('imported clusters', { names: entries.map((e) => e.record.name) });
      emit();
    },
  };
}

interface LabEntry {
  stored: StoredCluster;
  cluster: EphemeralCluster;
}

/** Each key's first item, as `Array.find` would find it. */
function firstBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (!byKey.has(k)) byKey.set(k, item);
  }
  return byKey;
}

/** The record without what rebuilds its kubeconfig: what other services see. */
function toStored(r: ClusterRecord): StoredCluster {
  return {
    id: r.id,
    name: r.name,
    server: r.server,
    authKind: r.authKind,
    source: r.source,
    contextName: r.contextName,
    ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
    ...(r.sourceFile !== undefined ? { sourceFile: r.sourceFile } : {}),
    addedAt: r.addedAt,
    updatedAt: r.updatedAt,
  };
}
