/**
 * The OS keychain as a SecretStore, through keytar: the Secret Service
 * (GNOME Keyring, KWallet, KeePassXC) over D-Bus on Linux, the Keychain on
 * macOS, the Credential Manager on Windows.
 *
 * Every failure becomes an AppError KEYCHAIN_UNAVAILABLE whose message says
 * what is wrong and how to fix it on this platform. There is deliberately no
 * fallback: when the keychain is unreachable, imports fail rather than put
 * credentials in a file.
 *
 * keytar is loaded lazily, so a missing or broken native module is reported
 * the same way instead of crashing main at start-up. Each call has a timeout:
 * a keyring waiting on an unlock prompt nobody can see must not hang the app.
 */
import { AppError } from '../../shared/contract/errors.js';
import type { SecretStore } from './secret-store.js';

/** The subset of keytar's API the store uses (injectable for tests). */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export interface KeychainStoreOptions {
  /** Milliseconds before a keychain call is abandoned (default 20 s: long enough to type an unlock password). */
  timeoutMs?: number;
  /** The keytar module (default: `import('keytar')`). */
  keytar?: KeytarApi | (() => Promise<KeytarApi>);
  /** For messages (default process.platform). */
  platform?: NodeJS.Platform;
}

/** The name of this platform's keychain, as a person would recognise it. */
export function keychainBackendName(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'macOS Keychain';
  if (platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service (GNOME Keyring, KWallet or KeePassXC)';
}

/**
 * What to tell a person whose keychain failed with `detail` (keytar's or the
 * OS's message): what is wrong, then how to fix it on their platform.
 */
export function keychainProblem(detail: string, platform: NodeJS.Platform = process.platform): string {
  const lead = `Flotilla cannot use the ${keychainBackendName(platform)} (${detail.trim() || 'no details'}). It keeps cluster credentials only in the OS keychain, never in plain files, so importing clusters is not possible until this is fixed.`;
  if (platform === 'darwin') {
    return `${lead} Open Keychain Access, make sure your login keychain exists and is unlocked (File > Unlock Keychain "login"), allow Flotilla when macOS asks, and try again.`;
  }
  if (platform === 'win32') {
    return `${lead} Sign in to a normal Windows user session (Credential Manager is not available to some service and remote sessions), check that the Credential Manager service is running (services.msc), and try again.`;
  }
  if (/locked|unlock|prompt|dismissed/i.test(detail)) {
    return `${lead} Your keyring is locked: unlock it (for example in "Passwords and Keys" / Seahorse, or by logging in to the desktop session again) and try again.`;
  }
  return (
    `${lead} Install a Secret Service provider (Debian/Ubuntu: sudo apt install gnome-keyring; Fedora: sudo dnf install gnome-keyring; ` +
    `or enable the Secret Service in KWallet or KeePassXC), log in to a desktop session so that it starts, and unlock it. ` +
    `Without a desktop (SSH, containers), start Flotilla inside "dbus-run-session" after unlocking a keyring with "gnome-keyring-daemon --unlock".`
  );
}

/**
 * A SecretStore in the OS keychain under `service` (one keychain entry per
 * account). Errors are AppErrors KEYCHAIN_UNAVAILABLE with a fix.
 */
export function createKeychainStore(service: string, opts: KeychainStoreOptions = {}): SecretStore {
  const platform = opts.platform ?? process.platform;
  const timeoutMs = opts.timeoutMs ?? 20_000;
  let loaded: Promise<KeytarApi> | undefined;

  const load = (): Promise<KeytarApi> => {
    loaded ??= (async () => {
      if (opts.keytar && typeof opts.keytar === 'object') return opts.keytar;
      if (typeof opts.keytar === 'function') return opts.keytar();
      const mod = (await import('keytar')) as unknown as { default?: KeytarApi } & KeytarApi;
      return mod.default ?? mod;
    })().catch((err: unknown) => {
      loaded = undefined; // let a later call try again (e.g. after the user fixed the install)
      throw new AppError('KEYCHAIN_UNAVAILABLE', keychainProblem(`the keychain module could not be loaded: ${messageOf(err)}`, platform));
    });
    return loaded;
  };

  async function call<T>(what: string, fn: (k: KeytarApi) => Promise<T>): Promise<T> {
    const keytar = await load();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new AppError('KEYCHAIN_UNAVAILABLE', keychainProblem(`the keychain did not answer within ${Math.round(timeoutMs / 1000)} s while ${what}; it may be locked and waiting for a password`, platform))),
        timeoutMs,
      );
      timer.unref?.();
    });
    try {
      return await Promise.race([fn(keytar), timeout]);
    } catch (err) {
      if (err instanceof AppError) throw err;
      // keytar's messages name the D-Bus or OS failure, never the stored value.
      throw new AppError('KEYCHAIN_UNAVAILABLE', keychainProblem(messageOf(err), platform));
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    backend: keychainBackendName(platform),
    get: (account) => call('reading a credential', async (k) => (await k.getPassword(service, account)) ?? undefined),
    set: (account, value) => call('storing a credential', (k) => k.setPassword(service, account, value)),
    delete: (account) => call('deleting a credential', (k) => k.deletePassword(service, account)),
    list: (prefix) =>
      call('listing credentials', async (k) =>
        (await k.findCredentials(service))
          .map((c) => c.account)
          .filter((a) => a.startsWith(prefix))
          .sort(),
      ),
  };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
