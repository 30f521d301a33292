/**
 * The only place a secret value lives in the renderer: a join token the user
 * chose to reveal, or the QR code that encodes one (each arrives as a
 * RevealedSecret, shared/contract/secret.ts), and a global profile's YAML
 * with its S3 keys revealed (resources.slice.ts). Each value is kept under
 * its purpose (what it is for, e.g. "token:<cluster>/<secret>") and dropped
 *  - when its own time is up (`maskAfterMs` after it arrived),
 *  - when the user hides it,
 *  - whenever the screen, the primary or the multi-cluster view changes
 *    (any navigation away from the view it was revealed in), whoever
 *    changes them.
 * So the store, which end-to-end tests read, never holds a value that is no
 * longer on screen, and neither does the DOM (components render it from
 * here only).
 */
import type { StateCreator, StoreApi } from 'zustand/vanilla';
import type { RevealedSecret } from '../../shared/contract/index.js';
import type { Store } from './store.js';

/** No value stays longer than this, whatever main asks for. */
export const MAX_REVEAL_MS = 5 * 60_000;

export interface RevealedEntry {
  value: string;
  /** The token's fingerprint, shown beside the value. */
  fingerprint?: string;
  /** When the value is dropped (ms since the epoch): for the countdown. */
  maskAt: number;
}

export type RevealKind = 'token' | 'qr';

/** The purpose a token's revealed value (or its QR code) is kept under. */
export function revealPurpose(kind: RevealKind, clusterId: string, secretName: string): string {
  return `${kind}:${clusterId}/${secretName}`;
}

/** The purpose a resource's YAML with revealed secret values is kept under. */
export function yamlRevealPurpose(primaryId: string, kind: string, name: string): string {
  return `yaml:${primaryId}/${kind}/${name}`;
}

export interface RevealedSlice {
  revealed: Readonly<Record<string, RevealedEntry>>;
  /** Keeps a revealed value under `purpose` until its time is up (replacing one kept there before). */
  holdRevealed(purpose: string, secret: RevealedSecret, extra?: { fingerprint?: string }): void;
  dropRevealed(purpose: string): void;
  dropAllRevealed(): void;
}

/**
 * What, when it changes, means the user has left the view a value was
 * revealed in. Also compared around a reveal call, so a value that arrives
 * after the user moved on is never kept.
 */
export function viewOf(s: Pick<Store, 'screen' | 'mcPrimaryId' | 'mcView'>): string {
  return `${s.screen}\u0000${s.mcPrimaryId ?? ''}\u0000${s.mcView}`;
}

export const createRevealedSlice: StateCreator<Store, [], [], RevealedSlice> = (set, get, store: StoreApi<Store>) => {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const drop = (purpose: string) => {
    clearTimeout(timers.get(purpose));
    timers.delete(purpose);
    if (!(purpose in get().revealed)) return;
    const next = { ...get().revealed };
    delete next[purpose];
    set({ revealed: next });
  };

  const dropAll = () => {
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
    if (Object.keys(get().revealed).length > 0) set({ revealed: {} });
  };

  // Any change of view drops every value, whichever action made it.
  store.subscribe((state, prev) => {
    if (Object.keys(state.revealed).length > 0 && viewOf(state) !== viewOf(prev)) dropAll();
  });

  return {
    revealed: {},

    holdRevealed(purpose, secret, extra = {}) {
      const ms = Math.min(Math.max(1, secret.maskAfterMs), MAX_REVEAL_MS);
      clearTimeout(timers.get(purpose));
      timers.set(
        purpose,
        setTimeout(() => drop(purpose), ms),
      );
      const entry: RevealedEntry = { value: secret.value, maskAt: Date.now() + ms, ...(extra.fingerprint ? { fingerprint: extra.fingerprint } : {}) };
      set({ revealed: { ...get().revealed, [purpose]: entry } });
    },

    dropRevealed: drop,
    dropAllRevealed: dropAll,
  };
};
