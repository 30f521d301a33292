/**
 * Where the CLI keeps its state, log and audit log: the app's own user-data
 * folder (what Electron's app.getPath('userData') is for Flotilla, see
 * main/app/main.ts), so `flotilla` works on the clusters imported in the app
 * and records its actions in the same audit log.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Electron's appData folder + "Flotilla", per platform. */
export function appDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Flotilla');
  if (platform === 'win32') return join(env.APPDATA || join(homedir(), 'AppData', 'Roaming'), 'Flotilla');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'Flotilla');
}

/** --data-dir, else FLOTILLA_DATA_DIR, else the app's folder. */
export function resolveDataDir(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return resolve(option);
  if (env.FLOTILLA_DATA_DIR) return resolve(env.FLOTILLA_DATA_DIR);
  return appDataDir(process.platform, env);
}
