/**
 * Where cluster credentials live: the OS keychain in the app, memory for the
 * lab fleet and tests. Services see only this interface, so no code path can
 * quietly write a credential somewhere else (a plain file, the state file).
 *
 * Entries are addressed by an account name within the store's service
 * (e.g. service `flotilla`, account `cluster:<id>`); values are strings
 * (callers store a JSON blob when they need more than one value).
 */

/** A place to keep secrets. Every method is async: keychains answer over IPC. */
export interface SecretStore {
  /** What backs the store, for messages: "Secret Service (libsecret)", "memory", … */
  readonly backend: string;
  /** The value stored under `account`, or undefined when there is none. */
  get(account: string): Promise<string | undefined>;
  /** Stores `value` under `account`, replacing any previous value. */
  set(account: string, value: string): Promise<void>;
  /** Deletes the entry; resolves true if there was one. */
  delete(account: string): Promise<boolean>;
  /** The accounts whose names start with `prefix` (values are not returned). */
  list(prefix: string): Promise<string[]>;
}
