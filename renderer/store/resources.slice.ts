/**
 * "Show as YAML" for a global profile, policy or distribution: one resource
 * at a time, as main prints it with secret values redacted. "Reveal secret
 * values" asks main again (`resources:reveal-yaml`); that YAML holds the S3 keys,
 * so it comes as a RevealedSecret and is kept only in the revealed slice
 * (revealed.slice.ts), which masks it after the time main gives and on any
 * change of view, like a revealed token.
 * The redacted YAML lives here; the revealed one never does.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, ArgsIn } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import { viewOf, yamlRevealPurpose } from './revealed.slice.js';
import type { Store } from './store.js';

export type ResourceKind = ArgsIn<'resources:yaml'>['kind'];

export interface ResourceRef {
  primaryId: string;
  kind: ResourceKind;
  name: string;
}

export interface ShownYaml extends ResourceRef {
  /** Redacted: `[redacted]` in place of every secret value. */
  yaml?: string;
  loading: boolean;
  error?: AppErrorDto;
  revealing: boolean;
}

export interface ResourcesSlice {
  shownYaml: ShownYaml | null;
  /** Shows the YAML of one resource (secret values redacted). */
  showResourceYaml(ref: ResourceRef): Promise<void>;
  /** Closes the YAML and masks its revealed values. */
  hideResourceYaml(): void;
  /** Asks main for the YAML with secret values (the user confirmed); kept in the revealed slice only. */
  revealResourceYaml(): Promise<void>;
  /** Masks the revealed values again; the redacted YAML stays. */
  maskResourceYaml(): void;
}

export function sameResource(a: ResourceRef | null | undefined, b: ResourceRef): boolean {
  return !!a && a.primaryId === b.primaryId && a.kind === b.kind && a.name === b.name;
}

export const createResourcesSlice =
  (api: Api): StateCreator<Store, [], [], ResourcesSlice> =>
  (set, get) => {
    const purposeOf = (ref: ResourceRef) => yamlRevealPurpose(ref.primaryId, ref.kind, ref.name);
    /** Updates the shown YAML if it is still `ref` (the user may have closed it or opened another). */
    const patch = (ref: ResourceRef, change: Partial<ShownYaml>) => {
      const shown = get().shownYaml;
      if (sameResource(shown, ref)) set({ shownYaml: { ...shown!, ...change } });
    };

    return {
      shownYaml: null,

      async showResourceYaml(ref) {
        const current = get().shownYaml;
        if (current) get().dropRevealed(purposeOf(current));
        set({ shownYaml: { ...ref, loading: true, revealing: false } });
        const r = await api.invoke('resources:yaml', { primaryId: ref.primaryId, kind: ref.kind, name: ref.name });
        if (!r.ok) return patch(ref, { loading: false, error: r.error });
        patch(ref, { loading: false, yaml: r.result.yaml });
      },

      hideResourceYaml() {
        const current = get().shownYaml;
        if (!current) return;
        get().dropRevealed(purposeOf(current));
        set({ shownYaml: null });
      },

      async revealResourceYaml() {
        const ref = get().shownYaml;
        if (!ref || ref.revealing) return;
        const view = viewOf(get());
        patch(ref, { revealing: true });
        const r = await api.invoke('resources:reveal-yaml', { primaryId: ref.primaryId, kind: ref.kind, name: ref.name });
        patch(ref, { revealing: false });
        if (!r.ok) return get().notify(r.error);
        // The user moved on (another view, another resource, closed it) while main answered: not shown, so not kept.
        if (viewOf(get()) !== view || !sameResource(get().shownYaml, ref)) return;
        get().holdRevealed(purposeOf(ref), r.result.yaml);
      },

      maskResourceYaml() {
        const current = get().shownYaml;
        if (current) get().dropRevealed(purposeOf(current));
      },
    };
  };
