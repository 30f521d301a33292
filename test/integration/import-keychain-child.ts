/**
 * Run by import-keychain.test.ts in a child process whose D-Bus session
 * address points nowhere (no Secret Service): checks the keychain status,
 * then scans and tries to import a kubeconfig, and prints what happened as
 * JSON on stdout. Not a test file itself.
 *
 *   node --import tsx import-keychain-child.ts <kubeconfig> <userDataDir> <service>
 */
import { ImportService } from '../../main/kubeconfig/import-service.js';
import { createClusterRegistry } from '../../main/clusters/cluster-list.js';
import { keychainStatus } from '../../main/secrets/keychain-status.js';
import { createKeychainStore } from '../../main/secrets/keychain-store.js';
import { AppStateStore } from '../../main/state/app-state.js';
import { AppError } from '../../shared/contract/errors.js';

const [kubeconfig, userData, service] = process.argv.slice(2) as [string, string, string];
const state = await AppStateStore.open(userData);
const secrets = createKeychainStore(service, { timeoutMs: 10_000 });
const registry = createClusterRegistry({ state, secrets });
const importer = new ImportService({ registry, secrets, testConnection: async () => ({ reachable: true }), searchPath: async () => ({ path: process.env.PATH ?? '', source: 'test' }) });

const status = await keychainStatus(secrets);
const scan = await importer.scan({ kind: 'files', paths: [kubeconfig] });
let outcome: { ok: true } | { ok: false; code: string; message: string };
try {
  await importer.import(
    scan.scanId,
    scan.candidates.map((c) => ({ candidateId: c.id, name: c.suggestedName, onExisting: 'update' as const })),
  );
  outcome = { ok: true };
} catch (err) {
  outcome = err instanceof AppError ? { ok: false, code: err.code, message: err.message } : { ok: false, code: 'THROWN', message: String(err) };
}
process.stdout.write(JSON.stringify({ status, candidates: scan.candidates.length, outcome, clusters: state.get().clusters.length }));
importer.dispose();
