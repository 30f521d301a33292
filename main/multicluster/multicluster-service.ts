/**
 * The multi-cluster workflows as one service over the cluster pool, the
 * host (clipboard, dialogs) and the audit log; the IPC handlers, the preview
 * bridge and the CLI all call it through the router. The workflows
 * themselves live beside it: promote.ts, tokens.ts, join.ts,
 * membership.ts.
 */
import { AppError, type ClusterTarget, type Subject } from '../../shared/contract/index.js';
import { AuditLog, type AuditFilter } from '../audit/audit-log.js';
import type { ClusterRegistry } from '../clusters/types.js';
import type { EventSink } from '../events.js';
import { SecretClipboard } from '../host/clipboard.js';
import type { Host } from '../host/host.js';
import type { ClusterPool } from '../kube/cluster-pool.js';
import type { Logger } from '../log.js';
import { McContext } from './context.js';
import { sealHandoff, writeHandoffFile } from './handoff.js';
import { HeldTokens, joinMany, loadToken, planJoin, resetJoin, startJoin, type TokenSource } from './join.js';
import { applyGrant, demote, disconnect, listMcClusters, planGrant, setLabels, type GrantRequest } from './membership.js';
import { planPromote, renderPromote, runPromote } from './promote.js';
import { tokenQrSvg } from './qr.js';
import { createToken, listTokens, noClipboard, revealed, revokeToken, withTokenValue } from './tokens.js';
import { checkIngressUrl } from './urls.js';

export interface MulticlusterDeps {
  registry: ClusterRegistry;
  pool: ClusterPool;
  events: EventSink;
  host: Host;
  log?: Logger;
  /** How long to wait for K10 to answer a write (tests shorten it). */
  k10TimeoutMs?: number;
  /** The clipboard clear delay of a copy that names none, read at each copy (the setting can change). */
  clipboardClearMs?: () => number;
}

export class MulticlusterService {
  private readonly ctx: McContext;
  private readonly held = new HeldTokens();
  private readonly clipboard: SecretClipboard | undefined;
  private auditLog: Promise<AuditLog> | undefined;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly deps: MulticlusterDeps) {
    this.ctx = new McContext({
      registry: deps.registry,
      pool: deps.pool,
      events: deps.events,
      log: deps.log,
      k10TimeoutMs: deps.k10TimeoutMs,
      audit: () => this.audit(),
    });
    if (deps.host.clipboard) {
      const clipboard = new SecretClipboard(deps.host.clipboard, { log: deps.log });
      this.clipboard = clipboard;
      this.unsubscribe.push(
        clipboard.onChange((e) => {
          if (e.type === 'copied') deps.events.emit('clipboard:changed', { state: 'holding', expiresAt: e.expiresAt });
          else if (e.type === 'cleared') deps.events.emit('clipboard:changed', { state: 'cleared' });
          else if (e.type === 'left-alone') deps.events.emit('clipboard:changed', { state: 'left-alone' });
          else deps.log?.warn(`clipboard: clearing failed (${e.message}); it may still hold a token`);
        }),
      );
      const offLock = deps.host.onLock?.(() => void clipboard.clearNow('lock'));
      if (offLock) this.unsubscribe.push(offLock);
    }
  }

  /** What the workflows share (cluster access, audit), for the services built beside this one. */
  get context(): McContext {
    return this.ctx;
  }

  /** The audit log, opened on first use (a CLI `fleet` never creates it). */
  audit(): Promise<AuditLog> {
    this.auditLog ??= AuditLog.open(this.deps.host.userDataDir).catch((err: unknown) => {
      this.auditLog = undefined;
      throw err;
    });
    return this.auditLog;
  }

  planPromote = (clusterId: string) => planPromote(this.ctx, clusterId);
  renderPromote = (name: string, ingressUrl: string) => renderPromote(name, ingressUrl);
  checkUrl = (url: string) => checkIngressUrl(url);
  promote = (clusterId: string, name: string, ingressUrl: string) => runPromote(this.ctx, clusterId, name, ingressUrl);

  listTokens = (clusterId: string) => listTokens(this.ctx, clusterId);
  createToken = (clusterId: string, name: string) => createToken(this.ctx, clusterId, name);
  revokeToken = (clusterId: string, secretName: string) => revokeToken(this.ctx, clusterId, secretName);

  revealToken(clusterId: string, secretName: string) {
    return withTokenValue(this.ctx, clusterId, secretName, 'token-reveal', async (value, fingerprint) => ({ token: revealed(value), fingerprint }));
  }

  /** The token's value for the CLI's `token create --out FILE` and `--show`: audited as a reveal. */
  tokenValue(clusterId: string, secretName: string) {
    return withTokenValue(this.ctx, clusterId, secretName, 'token-reveal', async (value, fingerprint) => ({ value, fingerprint }));
  }

  async copyToken(clusterId: string, secretName: string, clearAfterMs?: number) {
    const clipboard = this.clipboard;
    if (!clipboard) throw noClipboard();
    const delay = clearAfterMs ?? this.deps.clipboardClearMs?.() ?? 30_000;
    return withTokenValue(
      this.ctx,
      clusterId,
      secretName,
      'token-copy',
      async (value) => {
        const { expiresAt } = await clipboard.copy(value, { clearAfterMs: delay });
        return { expiresAt, clearAfterMs: delay, concealed: this.deps.host.clipboard?.conceals === true };
      },
      (r) => `cleared at ${r.expiresAt}`,
    );
  }

  async clearClipboard() {
    if (!this.clipboard) return { cleared: false };
    return { cleared: (await this.clipboard.clearNow('user')) === 'cleared' };
  }

  qrToken(clusterId: string, secretName: string) {
    return withTokenValue(this.ctx, clusterId, secretName, 'token-qr', async (value, fingerprint) => ({ svg: revealed(await tokenQrSvg(value)), fingerprint }));
  }

  async sealToken(clusterId: string, secretName: string, passphrase: string, expiresInHours: number, path?: string) {
    const target = path ?? (await this.pickSave(`flotilla-join-token-${secretName}.age`, 'Save the sealed join token', [{ name: 'age files', extensions: ['age'] }]));
    if (!target) return null;
    return withTokenValue(
      this.ctx,
      clusterId,
      secretName,
      'token-seal',
      async (value, fingerprint, t) => {
        const expiresAt = new Date(Date.now() + expiresInHours * 3_600_000);
        const bytes = await sealHandoff({ token: value, primaryName: t.cluster.name, passphrase, expiresAt });
        await writeHandoffFile(target, bytes);
        return { path: target, fingerprint, expiresAt: expiresAt.toISOString() };
      },
      (r) => `sealed to ${r.path}, expires ${r.expiresAt}`,
    );
  }

  loadToken = (source: TokenSource) => loadToken(this.held, source, this.deps.host.dialogs);
  planJoin = (clusterId: string) => planJoin(this.ctx, clusterId);
  startJoin = (clusterId: string, tokenRef: string, req: { name: string; ingressUrl?: string; primaryIngress?: string; waitSeconds: number }) =>
    startJoin(this.ctx, this.held, clusterId, tokenRef, req);
  /** Joins with a token given directly (the CLI's --token-file): held only for this call. */
  async joinWithToken(clusterId: string, token: string, req: { name: string; ingressUrl?: string; primaryIngress?: string; waitSeconds: number }) {
    const { tokenRef } = this.held.hold(token);
    return startJoin(this.ctx, this.held, clusterId, tokenRef, req);
  }
  resetJoin = (clusterId: string) => resetJoin(this.ctx, clusterId);
  joinMany = (req: { primaryId: string; secondaries: Array<{ clusterId: string; name?: string }>; tokenName?: string; waitSeconds: number }) => joinMany(this.ctx, req);

  planGrant = (primaryId: string) => planGrant(this.ctx, primaryId);
  applyGrant = (primaryId: string, req: GrantRequest) => applyGrant(this.ctx, primaryId, req);
  mcClusters = (primaryId: string) => listMcClusters(this.ctx, primaryId);
  setLabels = (primaryId: string, clusterName: string, set: Record<string, string>, remove: string[]) => setLabels(this.ctx, primaryId, clusterName, set, remove);
  disconnect = (primaryId: string, req: { clusterName: string; force: boolean; secondaryId?: string; waitSeconds: number }) => disconnect(this.ctx, primaryId, req);
  demote = (primaryId: string, waitSeconds: number) => demote(this.ctx, primaryId, waitSeconds);

  async listAudit(filter: AuditFilter & { limit: number }) {
    return (await (await this.audit()).list(filter)).entries;
  }

  async exportAudit(filter: AuditFilter & { path?: string }) {
    const target = filter.path ?? (await this.pickSave('flotilla-audit.jsonl', 'Export the audit log', [{ name: 'JSON lines', extensions: ['jsonl'] }]));
    if (!target) return null;
    const count = await (await this.audit()).export(target, { cluster: filter.cluster, action: filter.action });
    return { path: target, count };
  }

  /** Forgets held tokens and clears a token Flotilla left on the clipboard (as on quit). */
  async dispose(): Promise<void> {
    this.held.clear();
    for (const off of this.unsubscribe.splice(0)) off();
    await this.clipboard?.dispose();
  }

  private async pickSave(defaultName: string, title: string, filters: { name: string; extensions: string[] }[]): Promise<string | null> {
    if (!this.deps.host.dialogs) throw new AppError('UNSUPPORTED', 'This Flotilla has no save dialog; give the path of the file to write.');
    return this.deps.host.dialogs.pickSaveFile({ title, defaultName, filters });
  }
}

export type { ClusterTarget, Subject };
