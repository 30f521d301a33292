/**
 * Join tokens on a primary: the list (never with values), create, revoke,
 * and the ways a value leaves main when the user asks: reveal and QR (the
 * value, kept in revealed.slice.ts only, and dropped on its timer or when
 * the view changes), copy (main writes the clipboard: the value never
 * reaches the renderer; this slice only follows the countdown from
 * `clipboard:changed`), and seal (main writes the file).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, EventPayload, ResultOf, Token } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import { revealPurpose, viewOf } from './revealed.slice.js';
import type { Store } from './store.js';

export type TokenAction = 'reveal' | 'qr' | 'copy' | 'revoke' | 'seal';

export interface ClipboardStatus {
  state: 'idle' | 'holding' | 'cleared' | 'left-alone';
  /** While holding: when main clears it. */
  expiresAt?: string;
  /** Marked concealed for clipboard managers and history; false: history may keep it. */
  concealed?: boolean;
  /** Which token was copied (its display name). */
  tokenName?: string;
}

export type SealResult = NonNullable<ResultOf<'tokens:seal'>>;
/** What a seal call came to: written, cancelled in the dialog, no dialog here (type a path), or an error. */
export type SealOutcome = { kind: 'sealed'; result: SealResult } | { kind: 'cancelled' } | { kind: 'unsupported'; message: string } | { kind: 'failed'; error: AppErrorDto };

export interface SealRequest {
  passphrase: string;
  expiresInHours: number;
  path?: string;
}

export interface TokensSlice {
  /** Per primary (fleet row id). */
  tokensByPrimary: Readonly<Record<string, Token[]>>;
  tokensLoading: boolean;
  tokensError: AppErrorDto | null;
  creatingToken: boolean;
  createTokenError: AppErrorDto | null;
  /** What is under way per token (by Secret name). */
  tokenBusy: Readonly<Record<string, TokenAction>>;
  clipboard: ClipboardStatus;

  loadTokens(primaryId: string): Promise<void>;
  createToken(primaryId: string, name: string): Promise<boolean>;
  revokeToken(primaryId: string, secretName: string): Promise<boolean>;
  revealToken(primaryId: string, secretName: string): Promise<void>;
  showTokenQr(primaryId: string, secretName: string): Promise<void>;
  copyToken(primaryId: string, secretName: string): Promise<void>;
  clearClipboard(): Promise<void>;
  applyClipboardEvent(event: EventPayload<'clipboard:changed'>): void;
  /** Seals a token for a handoff; the passphrase goes straight to main and is not kept. */
  sealToken(primaryId: string, secretName: string, req: SealRequest): Promise<SealOutcome>;
}

export const createTokensSlice =
  (api: Api): StateCreator<Store, [], [], TokensSlice> =>
  (set, get) => {
    const busy = (secretName: string, action: TokenAction | null) => {
      const next = { ...get().tokenBusy };
      if (action) next[secretName] = action;
      else delete next[secretName];
      set({ tokenBusy: next });
    };

    const nameOf = (primaryId: string, secretName: string) => get().tokensByPrimary[primaryId]?.find((t) => t.secretName === secretName)?.name ?? secretName;

    return {
      tokensByPrimary: {},
      tokensLoading: false,
      tokensError: null,
      creatingToken: false,
      createTokenError: null,
      tokenBusy: {},
      clipboard: { state: 'idle' },

      async loadTokens(primaryId) {
        set({ tokensLoading: true, tokensError: null });
        const r = await api.invoke('tokens:list', { clusterId: primaryId });
        if (!r.ok) return set({ tokensLoading: false, tokensError: r.error });
        set({ tokensLoading: false, tokensByPrimary: { ...get().tokensByPrimary, [primaryId]: r.result } });
      },

      async createToken(primaryId, name) {
        set({ creatingToken: true, createTokenError: null });
        const r = await api.invoke('tokens:create', { clusterId: primaryId, name: name.trim() });
        if (!r.ok) {
          set({ creatingToken: false, createTokenError: r.error });
          return false;
        }
        set({ creatingToken: false });
        await get().loadTokens(primaryId);
        return true;
      },

      async revokeToken(primaryId, secretName) {
        busy(secretName, 'revoke');
        const r = await api.invoke('tokens:revoke', { clusterId: primaryId, secretName });
        busy(secretName, null);
        if (!r.ok) {
          get().notify(r.error);
          return false;
        }
        get().dropRevealed(revealPurpose('token', primaryId, secretName));
        get().dropRevealed(revealPurpose('qr', primaryId, secretName));
        await get().loadTokens(primaryId);
        return true;
      },

      async revealToken(primaryId, secretName) {
        const view = viewOf(get());
        busy(secretName, 'reveal');
        const r = await api.invoke('tokens:reveal', { clusterId: primaryId, secretName });
        busy(secretName, null);
        if (!r.ok) return get().notify(r.error);
        // The user moved on while main answered: the value is not shown, so it is not kept.
        if (viewOf(get()) !== view) return;
        get().holdRevealed(revealPurpose('token', primaryId, secretName), r.result.token, { fingerprint: r.result.fingerprint });
      },

      async showTokenQr(primaryId, secretName) {
        const view = viewOf(get());
        busy(secretName, 'qr');
        const r = await api.invoke('tokens:qr', { clusterId: primaryId, secretName });
        busy(secretName, null);
        if (!r.ok) return get().notify(r.error);
        if (viewOf(get()) !== view) return;
        get().holdRevealed(revealPurpose('qr', primaryId, secretName), r.result.svg, { fingerprint: r.result.fingerprint });
      },

      async copyToken(primaryId, secretName) {
        busy(secretName, 'copy');
        const r = await api.invoke('tokens:copy', { clusterId: primaryId, secretName });
        busy(secretName, null);
        if (!r.ok) return get().notify(r.error);
        set({ clipboard: { state: 'holding', expiresAt: r.result.expiresAt, concealed: r.result.concealed, tokenName: nameOf(primaryId, secretName) } });
      },

      async clearClipboard() {
        const r = await api.invoke('tokens:clear-clipboard', {});
        if (!r.ok) return get().notify(r.error);
        // The event says so too; a clipboard that no longer held our token was left alone.
        set({ clipboard: { state: r.result.cleared ? 'cleared' : 'left-alone' } });
      },

      applyClipboardEvent(event) {
        const current = get().clipboard;
        if (event.state === 'holding') {
          set({ clipboard: { ...current, state: 'holding', ...(event.expiresAt ? { expiresAt: event.expiresAt } : {}) } });
        } else {
          set({ clipboard: { state: event.state, ...(current.tokenName ? { tokenName: current.tokenName } : {}) } });
        }
      },

      async sealToken(primaryId, secretName, req) {
        busy(secretName, 'seal');
        const r = await api.invoke('tokens:seal', {
          clusterId: primaryId,
          secretName,
          passphrase: req.passphrase,
          expiresInHours: req.expiresInHours,
          ...(req.path ? { path: req.path } : {}),
        });
        busy(secretName, null);
        if (!r.ok) return r.error.code === 'UNSUPPORTED' ? { kind: 'unsupported', message: r.error.message } : { kind: 'failed', error: r.error };
        if (r.result === null) return { kind: 'cancelled' };
        return { kind: 'sealed', result: r.result };
      },
    };
  };
