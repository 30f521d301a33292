/**
 * The kubeconfig import wizard's backend: scan a source, test candidates'
 * connections, import the chosen ones, forget a scan.
 *
 * A scan (the parsed kubeconfigs, secrets included) is held in main memory
 * only, for `scanTtlMs` or until discarded; the renderer sees candidates by
 * id. Import reads the referenced files again (so what is saved is what is on
 * disk now), splits each definition between the keychain and the state file
 * through the registry, and refuses outright — KEYCHAIN_UNAVAILABLE, nothing
 * written — when the keychain does not work. The user's files are only read.
 */
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError, type AppErrorDto } from '../../shared/contract/errors.js';
import type { ConnectionTest } from '../../shared/contract/fleet.js';
import type { ImportReport, ImportSelection, ImportSource, ScanResult, kubeconfigChannels } from '../../shared/contract/kubeconfig.js';
import { testConnection as defaultTestConnection } from '../kube/connection-test.js';
import { redactSecrets, type Logger } from '../log.js';
import { requireKeychain } from '../secrets/keychain-status.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { ClusterRecord } from '../state/schema.js';
import { splitSecrets, toKubeConfig } from './credentials.js';
import { sharedSearchPath, type SearchPath } from '../kube/exec-path.js';
import { materialize, readReferences } from './materialize.js';
import type { ClusterRegistryService, ImportEntry } from '../clusters/cluster-list.js';
import { buildScan, type ScannedCandidate } from './scan.js';
import { readSource } from './sources.js';

/** main/kube/connection-test.ts's `testConnection`: reachability, versions, K10, identity. */
export type TestConnection = (kc: KubeConfig, opts?: { timeoutMs?: number; name?: string; execPath?: () => Promise<SearchPath> }) => Promise<ConnectionTest>;

export interface ImportServiceOptions {
  registry: ClusterRegistryService;
  secrets: SecretStore;
  /** Default: main/kube/connection-test.ts. */
  testConnection?: TestConnection;
  /** The login shell's PATH and KUBECONFIG (default: sharedSearchPath, asked once per process). */
  searchPath?: () => Promise<SearchPath>;
  home?: string;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** How long a scan is kept (default 30 minutes). */
  scanTtlMs?: number;
  /** Scans kept at once; the oldest is dropped beyond (default 8). */
  maxScans?: number;
  /** Connection tests run at once (default 8). */
  testConcurrency?: number;
  /** Time allowed to each connection test (default 10 s). */
  testTimeoutMs?: number;
  log?: Logger;
}

interface HeldScan {
  id: string;
  expiresAt: number;
  candidates: Map<string, ScannedCandidate>;
  timer: NodeJS.Timeout;
}

type ConnectionTestResult = ConnectionTest & { candidateId: string };

const DEFAULT_SCAN_TTL_MS = 30 * 60_000;

/** Scans, tests and imports kubeconfigs (the `kubeconfig:*` channels). */
export class ImportService {
  private readonly scans = new Map<string, HeldScan>();
  private readonly searchPath: () => Promise<SearchPath>;
  private readonly now: () => Date;

  constructor(private readonly opts: ImportServiceOptions) {
    this.searchPath = opts.searchPath ?? sharedSearchPath;
    this.now = opts.now ?? (() => new Date());
  }

  /** Reads a source and lists its contexts with their problems. Changes nothing. */
  async scan(source: ImportSource): Promise<ScanResult> {
    const inputs = await readSource(source, {
      home: this.opts.home ?? homedir(),
      env: this.opts.env ?? process.env,
      loginShell: this.searchPath,
    });
    const existing = this.opts.registry.list().map((c) => ({ id: c.id, name: c.name, server: c.server, source: c.source }));
    const built = await buildScan(inputs, { now: this.now(), existing, searchPath: this.searchPath });
    const id = randomUUID();
    this.hold(id, built.candidates);
    this.opts.log?.info('kubeconfig scan', { kind: source.kind, files: built.files.length, contexts: built.candidates.length });
    return {
      scanId: id,
      candidates: built.candidates.map((c) => c.dto),
      files: built.files,
      ...(built.execSearchPath !== undefined ? { execSearchPath: built.execSearchPath } : {}),
    };
  }

  /** Forgets a scan and the credentials it held in memory. */
  discard(scanId: string): void {
    const held = this.scans.get(scanId);
    if (!held) return;
    clearTimeout(held.timer);
    this.scans.delete(scanId);
  }

  /** Forgets every scan (when the app quits). */
  dispose(): void {
    for (const id of [...this.scans.keys()]) this.discard(id);
  }

  /**
   * Tests candidates' connections, `testConcurrency` at a time, each within
   * `testTimeoutMs`. A candidate that cannot be tested (blocking problems,
   * unreadable files) gets an error result without contacting anything.
   */
  async test(scanId: string, candidateIds: readonly string[]): Promise<ConnectionTestResult[]> {
    const held = this.getScan(scanId);
    const timeoutMs = this.opts.testTimeoutMs ?? 10_000;
    return mapLimit(candidateIds, this.opts.testConcurrency ?? 8, async (candidateId): Promise<ConnectionTestResult> => {
      const fail = (error: AppErrorDto): ConnectionTestResult => ({ candidateId, reachable: false, error });
      const c = held.candidates.get(candidateId);
      if (!c) return fail({ code: 'NOT_FOUND', message: `There is no candidate ${candidateId} in this scan; scan again.` });
      const cluster = c.dto.suggestedName;
      const blocking = c.dto.problems.filter((p) => p.severity === 'error');
      if (blocking.length > 0) return fail({ code: 'KUBECONFIG_INVALID', message: blocking.map((p) => p.message).join(' '), cluster });
      const { value, missing } = materialize(c.context, await readReferences(c.context));
      if (missing.length > 0) {
        return fail({ code: 'FILE_UNREADABLE', message: missing.map((f) => `${f.path} ${f.reason}.`).join(' '), cluster });
      }
      const execPath = value.user.exec ? (await this.searchPath()).path : undefined;
      const kc = toKubeConfig(value, { name: cluster, namespace: c.dto.namespace, execPath });
      try {
        // testConnection has its own timeout; this one is the safety net if it hangs anyway.
        const test = this.opts.testConnection ?? defaultTestConnection;
        const result = await withTimeout(test(kc, { timeoutMs, name: cluster, execPath: this.searchPath }), timeoutMs + Math.min(2_000, timeoutMs), () =>
          new AppError('TIMEOUT', `No answer from ${c.dto.server} within ${Math.round(timeoutMs / 1000)} s. Check that the cluster is up and reachable from this workstation (VPN, firewall, proxy).`, cluster),
        );
        return { ...result, candidateId };
      } catch (err) {
        if (err instanceof AppError) return fail(err.toDto());
        // testConnection reports failures as values; a throw is a bug, and its text could quote anything.
        return fail({ code: 'INTERNAL', message: `Testing the connection failed unexpectedly: ${redactSecrets((err as Error).message ?? String(err))}`, cluster });
      }
    });
  }

  /**
   * Imports the chosen candidates under the chosen names. Fails as a whole
   * with KEYCHAIN_UNAVAILABLE (writing nothing) when the keychain does not
   * work; otherwise reports per candidate what was imported, updated,
   * skipped, or failed and why.
   */
  async import(scanId: string, selections: readonly ImportSelection[]): Promise<ImportReport> {
    const held = this.getScan(scanId);
    await requireKeychain(this.opts.secrets);

    const report: ImportReport = { imported: [], updated: [], skipped: [], failed: [] };
    const entries: ImportEntry[] = [];
    const names = new Set<string>();
    const now = this.now().toISOString();
    for (const sel of selections) {
      const c = held.candidates.get(sel.candidateId);
      const failed = (message: string) => report.failed.push({ name: sel.name, message });
      if (!c) {
        failed(`There is no candidate ${sel.candidateId} in this scan; scan again.`);
        continue;
      }
      if (names.has(sel.name)) {
        failed(`Two of the selected contexts would both be named "${sel.name}"; give one of them another name.`);
        continue;
      }
      const existing = this.opts.registry.findByName(sel.name);
      if (existing?.source === 'lab') {
        failed(`A lab cluster is named "${sel.name}"; choose another name.`);
        continue;
      }
      if (existing && sel.onExisting === 'skip') {
        names.add(sel.name);
        report.skipped.push(sel.name);
        continue;
      }
      const blocking = c.dto.problems.filter((p) => p.severity === 'error');
      if (blocking.length > 0) {
        failed(blocking.map((p) => p.message).join(' '));
        continue;
      }
      const { value, missing } = materialize(c.context, await readReferences(c.context));
      if (missing.length > 0) {
        failed(missing.map((f) => `${f.path} ${f.reason}.`).join(' '));
        continue;
      }
      const previous = existing ? this.opts.registry.record(existing.id) : undefined;
      const { secrets, ...pub } = splitSecrets(value);
      const record: ClusterRecord = {
        id: previous?.id ?? randomUUID(),
        name: sel.name,
        server: value.connection.server,
        authKind: c.dto.authKind,
        source: 'imported',
        contextName: c.dto.contextName,
        clusterName: c.dto.clusterName,
        userName: c.dto.userName,
        ...(c.dto.namespace ? { namespace: c.dto.namespace } : {}),
        ...(c.dto.sourceFile ? { sourceFile: c.dto.sourceFile } : {}),
        addedAt: previous?.addedAt ?? now,
        updatedAt: now,
        ...pub,
      };
      names.add(sel.name);
      entries.push({ record, ...(secrets ? { secrets } : {}) });
      (previous ? report.updated : report.imported).push(sel.name);
    }
    // One keychain write per cluster, then one state write for all of them (or nothing, on failure).
    await this.opts.registry.saveImported(entries);
    return report;
  }

  private hold(id: string, candidates: ScannedCandidate[]): void {
    const ttl = this.opts.scanTtlMs ?? DEFAULT_SCAN_TTL_MS;
    const timer = setTimeout(() => this.discard(id), ttl);
    timer.unref?.();
    this.scans.set(id, { id, expiresAt: Date.now() + ttl, candidates: new Map(candidates.map((c) => [c.dto.id, c])), timer });
    const max = this.opts.maxScans ?? 8;
    for (const old of [...this.scans.keys()].slice(0, Math.max(0, this.scans.size - max))) this.discard(old);
  }

  private getScan(scanId: string): HeldScan {
    const held = this.scans.get(scanId);
    if (!held || held.expiresAt < Date.now()) {
      this.discard(scanId);
      const minutes = Math.round((this.opts.scanTtlMs ?? DEFAULT_SCAN_TTL_MS) / 60_000);
      throw new AppError('NOT_FOUND', `This scan is no longer available (scans are kept for ${minutes} minutes, and discarded when the wizard closes). Scan the kubeconfigs again.`);
    }
    return held;
  }
}

/** Native file pickers, from main/app (absent in preview mode). */
export interface ImportDialogs {
  pickFiles(): Promise<string[]>;
  pickFolder(): Promise<string | null>;
}

/** Runs `fn` over `items`, at most `limit` at a time; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function withTimeout<T>(promise: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
