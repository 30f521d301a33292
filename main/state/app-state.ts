/**
 * Flotilla's persisted, non-secret state — imported clusters, settings, the
 * window's placement — in one versioned JSON file, `flotilla-state.json`, in
 * the user-data folder.
 *
 * Nothing is lost: writes are atomic (see atomic-file.ts) and serialized; a
 * file that cannot be read, parsed or validated, or that has a version this
 * build does not know, is moved aside to `flotilla-state.json.corrupt-<time>`
 * and reported through `problem` — the app then starts empty but the old
 * file is still there for the user (or a newer Flotilla) to recover.
 */
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/contract/errors.js';
import { tempPrefix, writeFileAtomic } from './atomic-file.js';
import { AppStateSchema, STATE_VERSION, emptyState, type AppState } from './schema.js';

export type { AppState } from './schema.js';

/** The state file's name in the user-data folder. */
export const STATE_FILE = 'flotilla-state.json';

export class AppStateStore {
  private state: AppState;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    /** The state file's full path. */
    readonly path: string,
    state: AppState,
    /** Set when the file found at start could not be used: what happened and where the old file went. */
    readonly problem?: string,
  ) {
    this.state = deepFreeze(state);
  }

  /**
   * Opens (or starts) the state in `dir`, creating the folder if needed. An
   * unusable file is moved aside and reported via `problem`; if it cannot
   * even be moved, this throws rather than risk overwriting it later.
   */
  static async open(dir: string): Promise<AppStateStore> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, STATE_FILE);
    await removeStaleTempFiles(dir, path);

    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return new AppStateStore(path, emptyState());
      return AppStateStore.setAside(path, `it could not be read (${(err as Error).message})`);
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return AppStateStore.setAside(path, `it is not valid JSON (${(err as Error).message})`);
    }
    const version = typeof json === 'object' && json !== null ? (json as { version?: unknown }).version : undefined;
    if (version !== STATE_VERSION) {
      const why =
        typeof version === 'number'
          ? `it has version ${version}, which this Flotilla (state version ${STATE_VERSION}) does not know — it was probably written by a newer Flotilla`
          : 'it has no state version, so it is not a Flotilla state file';
      return AppStateStore.setAside(path, why);
    }
    const parsed = AppStateSchema.safeParse(json);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      const where = first?.path.length ? ` at ${first.path.join('.')}` : '';
      return AppStateStore.setAside(path, `its content is not valid${where}: ${first?.message ?? 'unknown problem'}`);
    }
    return new AppStateStore(path, parsed.data);
  }

  private static async setAside(path: string, why: string): Promise<AppStateStore> {
    const aside = await freeAsideName(path);
    try {
      await rename(path, aside);
    } catch (err) {
      throw new AppError(
        'INTERNAL',
        `Flotilla's state file ${path} cannot be used because ${why}, and it could not be moved aside (${(err as Error).message}). Move or repair it yourself, then start Flotilla again.`,
      );
    }
    return new AppStateStore(
      path,
      emptyState(),
      `Flotilla's state file ${path} could not be used because ${why}. It was moved to ${aside}, and Flotilla started with no clusters. Credentials already in the keychain are untouched; import your kubeconfigs again, or quit Flotilla and restore the file if you can repair it.`,
    );
  }

  /** The current state. It is frozen: change it only through `update`. */
  get(): AppState {
    return this.state;
  }

  /**
   * Applies `fn` to a copy of the state and writes the result atomically.
   * Updates run one at a time in call order; if `fn` throws or the write
   * fails, the state stays as it was and the promise rejects.
   */
  update(fn: (draft: AppState) => void): Promise<void> {
    const run = async () => {
      const draft = structuredClone(this.state) as AppState;
      fn(draft);
      const checked = AppStateSchema.safeParse(draft);
      if (!checked.success) {
        const first = checked.error.issues[0];
        throw new AppError('INTERNAL', `Refused to save an invalid state (${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}); nothing was written.`);
      }
      try {
        await writeFileAtomic(this.path, JSON.stringify(checked.data, null, 2) + '\n');
      } catch (err) {
        throw new AppError('INTERNAL', `Could not save Flotilla's state to ${this.path}: ${(err as Error).message}. The previous state is unchanged; free some disk space or fix the folder's permissions and try again.`);
      }
      this.state = deepFreeze(checked.data);
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

async function freeAsideName(path: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-'); // no ':' — Windows file names forbid it
  for (let n = 0; ; n++) {
    const candidate = `${path}.corrupt-${stamp}${n === 0 ? '' : `-${n}`}`;
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
}

/** Temp files of a write interrupted by a crash: ours, never the user's, so safe to delete. */
async function removeStaleTempFiles(dir: string, path: string): Promise<void> {
  const prefix = tempPrefix(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(join(dir, n), { force: true })));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
