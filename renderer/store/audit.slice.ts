/**
 * The audit log of administrative actions (kept by main, append-only):
 * listed with filters, newest first, and exported as JSON lines to a file.
 */
import { AUDIT_ACTION_NAMES } from '../../shared/contract/audit-actions.js';
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, AuditEntry, ResultOf } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import type { Store } from './store.js';

export type AuditAction = AuditEntry['action'];

/** The contract's actions, in its order. */
export const AUDIT_ACTIONS = AUDIT_ACTION_NAMES;

export interface AuditFilter {
  cluster?: string;
  action?: AuditAction;
}

export type AuditExport = NonNullable<ResultOf<'audit:export'>>;
export type AuditExportOutcome = { kind: 'exported'; result: AuditExport } | { kind: 'cancelled' } | { kind: 'unsupported'; message: string } | { kind: 'failed'; error: AppErrorDto };

/** Newest first; entries of the same time keep main's order. */
export function newestFirst(entries: readonly AuditEntry[]): AuditEntry[] {
  return entries
    .map((e, i) => ({ e, i, t: Date.parse(e.time) }))
    .sort((a, b) => (b.t || 0) - (a.t || 0) || b.i - a.i)
    .map(({ e }) => e);
}

export interface AuditSlice {
  auditEntries: AuditEntry[];
  auditLoading: boolean;
  auditLoaded: boolean;
  auditError: AppErrorDto | null;
  auditFilter: AuditFilter;
  exportingAudit: boolean;
  /** Shows the audit log screen (with a filter, e.g. one cluster's entries) and loads it. */
  openAudit(filter?: AuditFilter): Promise<void>;
  setAuditFilter(filter: AuditFilter): Promise<void>;
  loadAudit(): Promise<void>;
  exportAudit(path?: string): Promise<AuditExportOutcome>;
}

export const createAuditSlice =
  (api: Api): StateCreator<Store, [], [], AuditSlice> =>
  (set, get) => {
    let seq = 0;
    const filterArgs = () => {
      const { cluster, action } = get().auditFilter;
      return { ...(cluster ? { cluster } : {}), ...(action ? { action } : {}) };
    };
    return {
      auditEntries: [],
      auditLoading: false,
      auditLoaded: false,
      auditError: null,
      auditFilter: {},
      exportingAudit: false,

      async openAudit(filter) {
        set({ screen: 'audit', ...(filter ? { auditFilter: filter } : {}) });
        await get().loadAudit();
      },

      async setAuditFilter(filter) {
        set({ auditFilter: filter });
        await get().loadAudit();
      },

      async loadAudit() {
        const n = ++seq;
        set({ auditLoading: true, auditError: null });
        const r = await api.invoke('audit:list', filterArgs());
        if (n !== seq) return;
        if (!r.ok) return set({ auditLoading: false, auditError: r.error });
        set({ auditLoading: false, auditLoaded: true, auditEntries: newestFirst(r.result) });
      },

      async exportAudit(path) {
        set({ exportingAudit: true });
        const r = await api.invoke('audit:export', { ...filterArgs(), ...(path ? { path } : {}) });
        set({ exportingAudit: false });
        if (!r.ok) return r.error.code === 'UNSUPPORTED' ? { kind: 'unsupported', message: r.error.message } : { kind: 'failed', error: r.error };
        return r.result === null ? { kind: 'cancelled' } : { kind: 'exported', result: r.result };
      },
    };
  };
