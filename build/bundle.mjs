#!/usr/bin/env node
/**
 * Bundles the Electron main process and the preload with esbuild:
 *
 *   main/app/main.ts      → out/main/main.mjs      (ESM: client-node is ESM-only)
 *   main/preload/index.ts → out/preload/preload.cjs (CJS: a sandboxed preload cannot be an ES module)
 *
 * One file each, so the packaged app needs no node_modules except what
 * cannot be bundled: `electron` (provided by the runtime) and `keytar` (a
 * native addon, unpacked from the asar by electron-builder). The preview
 * bridge is not reachable from main/app/main.ts, so it is not in the bundle;
 * this script checks that. It first regenerates main/about/bundled.generated.ts
 * (build/gen-about.mjs) so the About section lists what is bundled.
 *
 *   node build/bundle.mjs            # production bundle (NODE_ENV=production)
 *   node build/bundle.mjs --dev      # keeps development checks (result validation) on
 *   node build/bundle.mjs --out DIR  # writes DIR/main and DIR/preload instead of out/ (tests)
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAbout } from './gen-about.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dev = process.argv.includes('--dev');
const nodeEnv = dev ? 'development' : 'production';
const outIndex = process.argv.indexOf('--out');
const outDir = outIndex > 0 && process.argv[outIndex + 1] ? resolve(process.argv[outIndex + 1]) : join(root, 'out');

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node22', // Electron 45's Node is newer; node22 output runs on it and on Node 22 tooling; the bundle never runs on this machine's Node 20 except in checks
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(nodeEnv) },
  metafile: true,
};

/** esbuild has already printed the errors; exit without a second, longer stack. */
const orExit = (promise) =>
  promise.catch(() => {
    console.error('bundle: failed (see the errors above)');
    process.exit(1);
  });

// The About section's client-node version and license list, from package-lock.json (the bundle inlines them).
await generateAbout();

const main = await orExit(build({
  ...common,
  entryPoints: ['main/app/main.ts'],
  outfile: join(outDir, 'main', 'main.mjs'),
  format: 'esm',
  external: ['electron', 'keytar'],
  // Some of client-node's dependencies are CommonJS and call require(): give the ESM bundle a real one.
  banner: { js: "import { createRequire as __flotillaCreateRequire } from 'node:module'; const require = __flotillaCreateRequire(import.meta.url);" },
}));

const preload = await orExit(build({
  ...common,
  entryPoints: ['main/preload/index.ts'],
  outfile: join(outDir, 'preload', 'preload.cjs'),
  format: 'cjs',
  // The sandboxed preload may only require 'electron' (and a few Node built-ins Electron polyfills).
  platform: 'browser',
  external: ['electron'],
}));

// The packaged app must not contain the preview bridge, and the preload must stay free of zod and Node.
const mainInputs = Object.keys(main.metafile.inputs);
// Paths are relative to the repository: `^renderer/` is ours, not a package's renderer folder (qrcode has one).
const leaked = mainInputs.filter((p) => /^main\/ipc\/preview-bridge|^main\/preview\.ts|^renderer\//.test(p));
if (leaked.length > 0) throw new Error(`the main bundle contains development-only code: ${leaked.join(', ')}`);
const preloadInputs = Object.keys(preload.metafile.inputs);
const heavy = preloadInputs.filter((p) => p.includes('node_modules'));
if (heavy.length > 0) throw new Error(`the preload bundles packages it must not: ${heavy.join(', ')}`);
const preloadText = await readFile(join(outDir, 'preload', 'preload.cjs'), 'utf8');
const requires = [...preloadText.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]).filter((m) => m !== 'electron');
if (requires.length > 0) throw new Error(`the preload requires ${requires.join(', ')}, which a sandboxed preload cannot load`);

const size = (r, file) => `${file} (${Math.round(Object.values(r.metafile.outputs).find((o) => o.entryPoint)?.bytes / 1024)} KiB)`;
console.log(`bundled ${size(main, join(outDir, 'main', 'main.mjs'))} and ${size(preload, join(outDir, 'preload', 'preload.cjs'))} [${nodeEnv}]`);
