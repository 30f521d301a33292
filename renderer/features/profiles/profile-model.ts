/**
 * The global profile form's rules: a draft from a profile (or empty), and
 * the `profiles:save` request it makes with the keys read from the form's
 * password fields at submit. Creating always sends keys (main says which is
 * missing); editing sends them only when the user typed some, so leaving
 * both empty keeps the Secret as it is ("unchanged"). Pure.
 */
import type { Profile } from '../../../shared/contract/index.js';
import type { ProfileSaveRequest } from '../../store/profiles.slice.js';

/** The fields main names in its refusals (main/distribution/validation.ts). */
export const PROFILE_FIELDS = ['name', 'bucket', 'region', 'endpoint', 'credentials', 'accessKeyId', 'secretAccessKey'] as const;

export interface ProfileDraft {
  name: string;
  bucket: string;
  region: string;
  endpoint: string;
  skipTlsVerify: boolean;
}

export interface TypedKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

export function emptyProfileDraft(): ProfileDraft {
  return { name: '', bucket: '', region: '', endpoint: '', skipTlsVerify: false };
}

export function draftFromProfile(p: Profile): ProfileDraft {
  return { name: p.name, bucket: p.bucket, region: p.region, endpoint: p.endpoint ?? '', skipTlsVerify: p.skipTlsVerify };
}

/** Whether the request will carry keys: always to create; to edit, when either field has something. */
export function sendsKeys(keys: TypedKeys, create: boolean): boolean {
  return create || keys.accessKeyId !== '' || keys.secretAccessKey !== '';
}

export function profileRequest(draft: ProfileDraft, keys: TypedKeys, create: boolean): ProfileSaveRequest {
  const endpoint = draft.endpoint.trim();
  return {
    profile: {
      name: draft.name.trim(),
      bucket: draft.bucket.trim(),
      region: draft.region.trim(),
      ...(endpoint ? { endpoint } : {}),
      skipTlsVerify: draft.skipTlsVerify,
    },
    ...(sendsKeys(keys, create) ? { credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey } } : {}),
    create,
  };
}
