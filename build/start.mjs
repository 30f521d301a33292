#!/usr/bin/env node
/**
 * `npm start` (after `npm run build`): runs the app in Electron.
 *
 * `npm ci` does not download Electron's binary here (package.json's
 * allowScripts keeps electron's install script from running), so the first
 * start fetches it with electron's own installer. Where that is impossible
 * (offline, a proxy, a locked-down CI) it says so plainly and points to
 * `npm run preview`, which runs the same app in Chromium without Electron.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** The Electron executable's path when it is installed, else undefined. */
function electronBinary() {
  try {
    // The electron package exports the path of its binary (from path.txt), or throws when it was never downloaded.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

let binary = electronBinary();
if (!binary) {
  console.log("Electron's binary is not installed yet; downloading it (node node_modules/electron/install.js)…");
  // stderr is captured: on failure the installer prints a stack, of which the first line is the reason.
  const install = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
    cwd: root,
    timeout: 10 * 60_000,
  });
  delete require.cache[require.resolve('electron')];
  binary = electronBinary();
  if (!binary) {
    const firstLine = (install.stderr ?? '').split('\n').find((l) => l.trim() !== '')?.trim();
    const why = install.error ? install.error.message : firstLine ? firstLine : install.status !== 0 ? `the installer failed (exit status ${install.status})` : 'the installer finished without it';
    console.error(`
Electron's binary could not be downloaded: ${why}.

Flotilla's desktop window needs it. Either
  - allow the download (network access to github.com/electron/electron/releases, or set
    ELECTRON_MIRROR to a mirror you can reach) and run \`npm start\` again, or
  - run the same app in Chromium or Chrome without Electron:

      npm run preview            # prints a URL to open
      npm run preview -- --lab 3 # with a lab fleet of 3 clusters
`);
    process.exit(1);
  }
}

const main = join(root, 'out', 'main', 'main.mjs');
if (!existsSync(main)) {
  console.error(`${main} is missing: run \`npm run build\` first (\`npm start\` does).`);
  process.exit(1);
}

// ELECTRON_RUN_AS_NODE (set by some tools) would make the binary behave as plain Node.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(binary, [root, ...process.argv.slice(2)], { stdio: 'inherit', env, cwd: root });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
