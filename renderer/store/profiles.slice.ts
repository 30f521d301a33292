/**
 * Global S3 location profiles on a primary: the list (bucket, region,
 * endpoint, whether its credentials Secret exists, the cluster's status,
 * which distributions send it), save and delete.
 *
 * The S3 keys pass through `saveProfile` on their way to main and are never
 * written to the store: the form reads them from its password inputs on
 * submit and clears them after. Nothing main returns carries them back.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { AppErrorDto, ArgsIn, Profile, Result } from '../../shared/contract/index.js';
import type { Api } from '../api.js';
import type { Store } from './store.js';

export type ProfileSaveRequest = Omit<ArgsIn<'profiles:save'>, 'primaryId'>;

export interface ProfilesSlice {
  /** Per primary (fleet row id), sorted by name. */
  profilesByPrimary: Readonly<Record<string, Profile[]>>;
  profilesLoading: boolean;
  profilesError: AppErrorDto | null;
  /** Profiles being deleted, by name. */
  profileDeleting: Readonly<Record<string, true>>;

  loadProfiles(primaryId: string): Promise<void>;
  /** Creates or updates a profile; the credentials (if any) go to main only. The error is returned for the form. */
  saveProfile(primaryId: string, req: ProfileSaveRequest): Promise<Result<Profile>>;
  deleteProfile(primaryId: string, name: string): Promise<AppErrorDto | null>;
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

/** `list` with `item` in place of the one of the same name (or added), sorted by name. */
export function upsertByName<T extends { name: string }>(list: readonly T[], item: T): T[] {
  return [...list.filter((x) => x.name !== item.name), item].sort(byName);
}

export const createProfilesSlice =
  (api: Api): StateCreator<Store, [], [], ProfilesSlice> =>
  (set, get) => {
    let seq = 0;
    return {
      profilesByPrimary: {},
      profilesLoading: false,
      profilesError: null,
      profileDeleting: {},

      async loadProfiles(primaryId) {
        const n = ++seq;
        set({ profilesLoading: true, profilesError: null });
        const r = await api.invoke('profiles:list', { primaryId });
        if (n !== seq) return;
        if (!r.ok) return set({ profilesLoading: false, profilesError: r.error });
        set({ profilesLoading: false, profilesByPrimary: { ...get().profilesByPrimary, [primaryId]: [...r.result].sort(byName) } });
      },

      async saveProfile(primaryId, req) {
        const r = await api.invoke('profiles:save', { primaryId, ...req });
        if (!r.ok) return r;
        const list = get().profilesByPrimary[primaryId] ?? [];
        set({ profilesByPrimary: { ...get().profilesByPrimary, [primaryId]: upsertByName(list, r.result) } });
        return { ok: true, result: r.result };
      },

      async deleteProfile(primaryId, name) {
        set({ profileDeleting: { ...get().profileDeleting, [name]: true } });
        const r = await api.invoke('profiles:delete', { primaryId, name });
        const { [name]: _, ...rest } = get().profileDeleting;
        set({ profileDeleting: rest });
        if (!r.ok) return r.error;
        const list = get().profilesByPrimary[primaryId] ?? [];
        set({ profilesByPrimary: { ...get().profilesByPrimary, [primaryId]: list.filter((p) => p.name !== name) } });
        return null;
      },
    };
  };
