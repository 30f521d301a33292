/**
 * Is the keychain usable right now? Answered by doing what an import will
 * do — write, read back and delete a probe entry — because "the D-Bus name
 * exists" says nothing about a locked or read-only keyring.
 */
import { randomUUID } from 'node:crypto';
import type { KeychainStatus } from '../../shared/contract/app.js';
import { AppError } from '../../shared/contract/errors.js';
import { keychainProblem } from './keychain-store.js';
import type { SecretStore } from './secret-store.js';

/** Account prefix of probe entries; never used for real credentials. */
export const PROBE_PREFIX = 'probe:';

/**
 * Probes `store` and reports whether it can keep credentials; when it
 * cannot, `problem` says what is wrong and how to fix it.
 */
export async function keychainStatus(store: SecretStore): Promise<KeychainStatus> {
  const account = `${PROBE_PREFIX}${randomUUID()}`;
  const value = `flotilla keychain probe ${randomUUID()}`;
  try {
    await store.set(account, value);
    const read = await store.get(account);
    await store.delete(account);
    if (read !== value) {
      return { available: false, backend: store.backend, problem: keychainProblem('a value written to the keychain could not be read back') };
    }
    return { available: true, backend: store.backend };
  } catch (err) {
    const problem = err instanceof AppError ? err.message : keychainProblem(err instanceof Error ? err.message : String(err));
    return { available: false, backend: store.backend, problem };
  }
}

/** Throws KEYCHAIN_UNAVAILABLE (with the fix) unless `store` works right now. */
export async function requireKeychain(store: SecretStore): Promise<void> {
  const status = await keychainStatus(store);
  if (!status.available) throw new AppError('KEYCHAIN_UNAVAILABLE', status.problem ?? `The ${store.backend} is not available.`);
}
