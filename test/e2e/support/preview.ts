/**
 * The app as the end-to-end tests run it: the real services behind the
 * preview bridge (main/preview.ts), a fresh user-data folder, and the real OS
 * keychain under a keychain service name of this run's own, so a test never
 * sees or leaves entries of another run or of the app.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startPreview, type Preview } from '../../../main/preview.js';

const RENDERER_DIR = fileURLToPath(new URL('../../../out/renderer', import.meta.url));

export interface E2ePreview {
  url: string;
  preview: Preview;
  userDataDir: string;
  keychainService: string;
  stop(): Promise<void>;
}

/** Fails with the command to run when the renderer has not been built. */
async function assertRendererBuilt(): Promise<void> {
  try {
    await stat(join(RENDERER_DIR, 'index.html'));
  } catch {
    throw new Error(`${RENDERER_DIR}/index.html is missing: run \`npm run build:renderer\` (npm run test:e2e does it).`);
  }
}

/** `beforeStart` may put files into the user-data folder first (a damaged state file, say). */
export async function startE2ePreview(opts: { labClusters?: number; beforeStart?: (userDataDir: string) => Promise<void> } = {}): Promise<E2ePreview> {
  await assertRendererBuilt();
  const userDataDir = await mkdtemp(join(tmpdir(), 'flotilla-e2e-data-'));
  await opts.beforeStart?.(userDataDir);
  const keychainService = `Flotilla E2E ${randomBytes(4).toString('hex')}`;
  const preview = await startPreview({ userDataDir, keychainService, labClusters: opts.labClusters, rendererDir: RENDERER_DIR });
  return {
    url: preview.url,
    preview,
    userDataDir,
    keychainService,
    async stop() {
      await preview.stop();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
