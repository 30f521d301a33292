/**
 * The keychain store's behaviour around keytar (a fake here; the real
 * keychain is exercised in test/integration/import-keychain.test.ts): every
 * failure is KEYCHAIN_UNAVAILABLE with a fix for the platform, a hanging
 * keychain times out, and the status probe leaves nothing behind.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/contract/errors.js';
import { createKeychainStore, keychainProblem, type KeytarApi } from '../../../main/secrets/keychain-store.js';
import { keychainStatus, requireKeychain } from '../../../main/secrets/keychain-status.js';
import { MemorySecretStore } from '../../../main/secrets/memory-store.js';
import type { SecretStore } from '../../../main/secrets/secret-store.js';

function fakeKeytar(): KeytarApi & { data: Map<string, string> } {
  const data = new Map<string, string>();
  const key = (s: string, a: string) => `${s}\u0000${a}`;
  return {
    data,
    async getPassword(s, a) {
      return data.get(key(s, a)) ?? null;
    },
    async setPassword(s, a, p) {
      data.set(key(s, a), p);
    },
    async deletePassword(s, a) {
      return data.delete(key(s, a));
    },
    async findCredentials(s) {
      return [...data].filter(([k]) => k.startsWith(`${s}\u0000`)).map(([k, password]) => ({ account: k.split('\u0000')[1]!, password }));
    },
  };
}

const failing = (message: string): KeytarApi => {
  const fail = async () => {
    throw new Error(message);
  };
  return { getPassword: fail, setPassword: fail, deletePassword: fail, findCredentials: fail };
};

describe('createKeychainStore', () => {
  it('stores, reads, lists by prefix and deletes entries under its own service only', async () => {
    const keytar = fakeKeytar();
    await keytar.setPassword('other-app', 'cluster:x', 'not ours');
    const store = createKeychainStore('flotilla', { keytar });
    await store.set('cluster:b', 'B');
    await store.set('cluster:a', 'A');
    await store.set('probe:1', 'P');
    expect(await store.get('cluster:a')).toBe('A');
    expect(await store.get('cluster:none')).toBeUndefined();
    expect(await store.list('cluster:')).toEqual(['cluster:a', 'cluster:b']);
    expect(await store.delete('cluster:a')).toBe(true);
    expect(await store.delete('cluster:a')).toBe(false);
    expect(await store.list('cluster:')).toEqual(['cluster:b']);
  });

  it('turns "no Secret Service" into KEYCHAIN_UNAVAILABLE telling a Linux user what to install and unlock', async () => {
    const store = createKeychainStore('flotilla', { keytar: failing('Cannot autolaunch D-Bus without X11 $DISPLAY'), platform: 'linux' });
    const err = await store.set('cluster:a', 'secret-value').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('KEYCHAIN_UNAVAILABLE');
    expect((err as AppError).message).toContain('Cannot autolaunch D-Bus');
    expect((err as AppError).message).toMatch(/gnome-keyring/);
    expect((err as AppError).message).toMatch(/never in plain files/);
    expect((err as AppError).message).not.toContain('secret-value');
  });

  it('tells a user with a locked keyring to unlock it', () => {
    expect(keychainProblem('Cannot create an item in a locked collection', 'linux')).toMatch(/locked: unlock it/);
  });

  it('gives macOS and Windows users their own fix', () => {
    expect(keychainProblem('denied', 'darwin')).toMatch(/Keychain Access/);
    expect(keychainProblem('denied', 'win32')).toMatch(/Credential Manager/);
  });

  it('gives up on a keychain that does not answer, instead of hanging the import', async () => {
    const never = () => new Promise<never>(() => {});
    const store = createKeychainStore('flotilla', {
      keytar: { getPassword: never, setPassword: never, deletePassword: never, findCredentials: never },
      timeoutMs: 50,
      platform: 'linux',
    });
    await expect(store.get('cluster:a')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringMatching(/did not answer within/) });
  });

  it('reports a keytar module that cannot load as KEYCHAIN_UNAVAILABLE', async () => {
    const store = createKeychainStore('flotilla', {
      keytar: async () => {
        throw new Error('libsecret-1.so.0: cannot open shared object file');
      },
      platform: 'linux',
    });
    await expect(store.list('')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringMatching(/libsecret-1\.so\.0/) });
  });
});

describe('keychainStatus', () => {
  it('says available and leaves no probe entry behind', async () => {
    const keytar = fakeKeytar();
    const status = await keychainStatus(createKeychainStore('flotilla', { keytar, platform: 'linux' }));
    expect(status).toEqual({ available: true, backend: expect.stringMatching(/Secret Service/) });
    expect(keytar.data.size).toBe(0);
  });

  it('says unavailable, with the problem and its fix, when the keychain fails', async () => {
    const status = await keychainStatus(createKeychainStore('flotilla', { keytar: failing('Could not connect: No such file or directory'), platform: 'linux' }));
    expect(status.available).toBe(false);
    expect(status.problem).toMatch(/Could not connect/);
    expect(status.problem).toMatch(/install/i);
  });

  it('says unavailable when what was written cannot be read back', async () => {
    const forgetful: SecretStore = { backend: 'test', get: async () => undefined, set: async () => {}, delete: async () => false, list: async () => [] };
    expect((await keychainStatus(forgetful)).available).toBe(false);
    await expect(requireKeychain(forgetful)).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
  });

  it('accepts the memory store the lab uses', async () => {
    await expect(requireKeychain(new MemorySecretStore())).resolves.toBeUndefined();
  });
});
