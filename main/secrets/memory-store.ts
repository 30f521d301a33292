/**
 * A SecretStore in process memory. For the lab fleet only, whose credentials
 * are memory-only by design (they die with the lab), and for unit tests.
 * Never a fallback for the keychain: imported credentials must not be lost
 * when the app quits, and must not be written anywhere else either.
 */
import type { SecretStore } from './secret-store.js';

/** Secrets held in a Map for the lifetime of the process. */
export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory (lab only)';
  private readonly entries = new Map<string, string>();

  async get(account: string): Promise<string | undefined> {
    return this.entries.get(account);
  }

  async set(account: string, value: string): Promise<void> {
    this.entries.set(account, value);
  }

  async delete(account: string): Promise<boolean> {
    return this.entries.delete(account);
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.entries.keys()].filter((a) => a.startsWith(prefix)).sort();
  }
}
