/**
 * Promoting a standalone cluster to multi-cluster primary: the plan (a name,
 * the ingress found on the cluster, or why it cannot be promoted), the
 * manifests and Helm flags rendered for what the user typed (with what is
 * wrong with it, checked live by main), a reachability check of the URL (a
 * warning, never a refusal), and the run, whose steps are an operation run
 * (operations.slice.ts).
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, PromotePlan, ResultOf, UrlCheck } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import { operationKey } from './operations.slice.js';
import type { Store } from './store.js';

/** Typing pauses this long before the manifests are rendered again. */
export const RENDER_DELAY_MS = 250;
/** The URL is probed once typing has paused this long (a probe may take seconds). */
export const URL_CHECK_DELAY_MS = 700;

export type PromoteRender = ResultOf<'promote:render'>;
export type PromoteResult = ResultOf<'promote:run'>;

export interface PromoteSlice {
  promoteClusterId: string | null;
  promotePlan: PromotePlan | null;
  promotePlanLoading: boolean;
  promotePlanError: AppErrorDto | null;
  promoteName: string;
  promoteUrl: string;
  promoteRender: PromoteRender | null;
  /** The check of the URL now in the field (null while none has answered for it). */
  urlCheck: (UrlCheck & { url: string }) | null;
  checkingUrl: boolean;
  promoteRunning: boolean;
  promoteResult: PromoteResult | null;
  promoteError: AppErrorDto | null;

  /** Shows the promote screen for a cluster and loads its plan. */
  openPromote(clusterId: string): Promise<void>;
  setPromoteName(name: string): void;
  setPromoteUrl(url: string): void;
  runPromote(): Promise<boolean>;
}

const initialPromote = {
  promoteClusterId: null,
  promotePlan: null,
  promotePlanLoading: false,
  promotePlanError: null,
  promoteName: '',
  promoteUrl: '',
  promoteRender: null,
  urlCheck: null,
  checkingUrl: false,
  promoteRunning: false,
  promoteResult: null,
  promoteError: null,
} satisfies Partial<PromoteSlice>;

export const createPromoteSlice =
  (api: Api): StateCreator<Store, [], [], PromoteSlice> =>
  (set, get) => {
    let renderTimer: ReturnType<typeof setTimeout> | undefined;
    let checkTimer: ReturnType<typeof setTimeout> | undefined;
    /** Bumped by each render and check request: an answer to an older one is dropped. */
    let renderSeq = 0;
    let checkSeq = 0;

    const render = async () => {
      const seq = ++renderSeq;
      const { promoteName: name, promoteUrl: ingressUrl } = get();
      const r = await api.invoke('promote:render', { name, ingressUrl });
      if (seq !== renderSeq) return;
      if (r.ok) set({ promoteRender: r.result });
      else get().notify(r.error);
    };

    const check = async () => {
      const url = get().promoteUrl.trim();
      const seq = ++checkSeq;
      if (!url) return set({ urlCheck: null, checkingUrl: false });
      set({ checkingUrl: true });
      const r = await api.invoke('promote:check-url', { url });
      if (seq !== checkSeq) return;
      set({ checkingUrl: false, urlCheck: r.ok ? { ...r.result, url } : { valid: true, url, message: `The URL could not be checked: ${r.error.message}` } });
    };

    const renderSoon = () => {
      clearTimeout(renderTimer);
      renderTimer = setTimeout(() => void render(), RENDER_DELAY_MS);
    };
    const checkSoon = () => {
      clearTimeout(checkTimer);
      checkSeq++; // an answer for the old text no longer applies
      set({ urlCheck: null, checkingUrl: false });
      checkTimer = setTimeout(() => void check(), URL_CHECK_DELAY_MS);
    };

    return {
      ...initialPromote,

      async openPromote(clusterId) {
        clearTimeout(renderTimer);
        clearTimeout(checkTimer);
        renderSeq++;
        checkSeq++;
        set({ ...initialPromote, promoteClusterId: clusterId, promotePlanLoading: true, screen: 'promote' });
        get().clearOperation(operationKey('promote', clusterId));
        const r = await api.invoke('promote:plan', { clusterId });
        if (get().promoteClusterId !== clusterId) return;
        if (!r.ok) return set({ promotePlanLoading: false, promotePlanError: r.error });
        set({ promotePlanLoading: false, promotePlan: r.result, promoteName: r.result.suggestedName, promoteUrl: r.result.ingress.url ?? '' });
        await Promise.all([render(), check()]);
      },

      setPromoteName(name) {
        set({ promoteName: name });
        renderSoon();
      },

      setPromoteUrl(url) {
        set({ promoteUrl: url });
        renderSoon();
        checkSoon();
      },

      async runPromote() {
        const { promoteClusterId: clusterId, promoteName: name, promoteUrl: ingressUrl, promotePlan } = get();
        if (!clusterId || !promotePlan || promotePlan.refusal || get().promoteRunning) return false;
        set({ promoteRunning: true, promoteError: null, promoteResult: null });
        const key = get().beginOperation('promote', clusterId);
        const r = await api.invoke('promote:run', { clusterId, name: name.trim(), ingressUrl: ingressUrl.trim() });
        get().finishOperation(key, r);
        if (get().promoteClusterId !== clusterId) return r.ok;
        if (!r.ok) {
          set({ promoteRunning: false, promoteError: r.error });
          return false;
        }
        set({ promoteRunning: false, promoteResult: r.result });
        return true;
      },
    };
  };
