/**
 * `npm run preview`: the real renderer in any Chromium, against the real
 * services, through the preview bridge (main/ipc/preview-bridge.ts). For
 * development, for the Playwright tests (which call `startPreview`), and for
 * anyone who cannot run the Electron binary. The packaged app never imports
 * this file.
 *
 *   npm run preview                  # prints the URL to open
 *   npm run preview -- --lab 3       # …with a lab fleet of 3 clusters already open
 *   npm run preview -- --port 5199 --data-dir ./preview-data
 */
import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startPreviewServer } from './ipc/preview-bridge.js';
import { createLogger, type Logger } from './log.js';
import { createServices, type Services, type ServicesOptions } from './services.js';
import type { SecretStore } from './secrets/secret-store.js';
import { MemoryClipboard } from './host/clipboard.js';
import type { Host } from './host/host.js';
import { labFleetOf, labStarter, type LabStarterOptions } from './lab/cluster-source.js';
import { writeFileAtomic } from './state/atomic-file.js';

export interface PreviewOptions {
  /** Where the preview's state file and log live. */
  userDataDir: string;
  /** 0 or absent: a free port. */
  port?: number;
  /** Start a lab fleet of this many clusters before returning. */
  labClusters?: number;
  /** Keychain service name (default "Flotilla Preview", apart from the app's entries). */
  keychainService?: string;
  /** A SecretStore instead of the OS keychain (tests without a keyring). */
  secrets?: SecretStore;
  /** The built renderer (default `out/renderer` in the repository). */
  rendererDir?: string;
  log?: Logger;
  /** Passed to the services (tests shorten probe and K10 intervals). */
  fleetOptions?: ServicesOptions['fleetOptions'];
  labOptions?: LabStarterOptions;
}

export interface Preview {
  /** Open this (it carries the bridge secret in its fragment). */
  url: string;
  services: Services;
  stop(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Starts the services and the preview server; with `labClusters`, a lab fleet too. */
export async function startPreview(opts: PreviewOptions): Promise<Preview> {
  const log = opts.log ?? createLogger({ file: join(opts.userDataDir, 'logs', 'preview.log') });
  const services = await createServices({
    host: previewHost(opts.userDataDir),
    keychainService: opts.keychainService ?? 'Flotilla Preview',
    secrets: opts.secrets,
    log,
    fleetOptions: opts.fleetOptions,
    startLab: labStarter(opts.labOptions),
  });
  let server: Awaited<ReturnType<typeof startPreviewServer>> | undefined;
  try {
    server = await startPreviewServer({ router: services.router, rendererDir: opts.rendererDir ?? join(REPO_ROOT, 'out', 'renderer'), port: opts.port, log });
    if (opts.labClusters) {
      const r = await services.router.invoke('lab:start', { clusters: opts.labClusters }, { transport: 'preview' });
      if (!r.ok) throw new Error(`The lab fleet did not start: ${r.error.message}`);
    }
  } catch (err) {
    await server?.close();
    await services.stop();
    throw err;
  }
  const running = server;
  return {
    url: running.url,
    services,
    async stop() {
      await running.close();
      await services.stop();
    },
  };
}

/**
 * The preview's host: no native dialogs (paths are typed), no system browser,
 * and a clipboard of its own in this process, so that copying a token from
 * a browser page never reaches the desktop's clipboard.
 */
export function previewHost(userDataDir: string): Host {
  return { shell: 'preview', userDataDir, clipboard: new MemoryClipboard() };
}

/** The preview's own user-data folder, beside (not inside) the app's. */
export function defaultPreviewDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Flotilla Preview');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Flotilla Preview');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'flotilla-preview');
}

const USAGE = `Usage: npm run preview -- [--lab N] [--port N] [--data-dir DIR]

Serves the built renderer and the preview bridge on 127.0.0.1 and prints the
URL to open in Chromium or Chrome.

  --lab N         open a lab fleet of N clusters at once (1-1000)
  --port N        listen on this port (default: a free one)
  --data-dir DIR  keep the preview's state here (default: ${defaultPreviewDataDir()})`;

interface CliArgs {
  lab?: number;
  port?: number;
  dataDir?: string;
  help?: boolean;
}

/** Parses the command line; throws an Error whose message says what is wrong. */
export function parsePreviewArgs(argv: string[]): CliArgs {
  const out: CliArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${arg} needs a value`);
      return v;
    };
    const int = (name: string, v: string, min: number, max: number) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got ${v})`);
      return n;
    };
    if (arg === '--help' || arg === '-h') out.help = true;
    else if (arg === '--lab') out.lab = int('--lab', value(), 1, 1000);
    else if (arg === '--port') out.port = int('--port', value(), 0, 65535);
    else if (arg === '--data-dir') out.dataDir = resolve(value());
    else throw new Error(`unknown option ${arg}`);
  }
  return out;
}

async function main(): Promise<void> {
  let args: CliArgs;
  try {
    args = parsePreviewArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`preview: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const userDataDir = args.dataDir ?? defaultPreviewDataDir();
  const log = createLogger({ file: join(userDataDir, 'logs', 'preview.log'), stderr: false });
  const preview = await startPreview({ userDataDir, port: args.port, labClusters: args.lab, log });
  console.log(`Flotilla preview${args.lab ? ` with a lab fleet of ${args.lab} clusters` : ''}; state in ${userDataDir}`);
  console.log(`Open this in Chromium or Chrome (the #bridge=… part is the key to this run; keep it to yourself):\n\n  ${preview.url}\n`);
  // The lab's kubeconfig, for kubectl or the import wizard: in a private temp folder, gone when the preview stops.
  const lab = labFleetOf(preview.services.lab.source);
  let labDir: string | undefined;
  if (lab) {
    labDir = await mkdtemp(join(tmpdir(), 'flotilla-preview-lab-'));
    const kubeconfig = join(labDir, 'kubeconfig');
    await writeFileAtomic(kubeconfig, lab.kubeconfig());
    console.log(`Lab kubeconfig: ${kubeconfig}  (export KUBECONFIG=${kubeconfig}; kubectl config get-contexts)`);
  }
  console.log(`Log: ${join(userDataDir, 'logs', 'preview.log')}. Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    if (labDir) rmSync(labDir, { recursive: true, force: true });
    preview.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`preview: did not stop cleanly: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err: unknown) => {
    console.error(`preview: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
