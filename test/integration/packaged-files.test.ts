/**
 * What the packaged app contains, as electron-builder itself packs it.
 *
 * The test builds main, the preload and the renderer into a temporary app
 * folder and runs the real electron-builder (`--dir`, Linux) over it with
 * this repository's electron-builder.yml, so `files`, `asarUnpack`, the
 * default exclusions and the production node_modules collection are
 * electron-builder's own, not a re-implementation. Only what needs the
 * Electron binary is replaced: `electronDist` is an empty stand-in (the
 * binary cannot be downloaded here), the fuses are not flipped (the
 * stand-in has none) and keytar is not rebuilt against Electron's headers
 * (a download); none of them decides which files are packed. Then it reads
 * resources/app.asar and app.asar.unpacked and checks what ships.
 *
 * The lab fleet emulator does ship, on purpose: main/app/main.ts hands
 * labStarter() to the services so "Open a lab fleet" works in the app. So
 * the test checks its servers bind 127.0.0.1 only and that it starts only
 * when asked (lab:start), not with the app. (The renderer offers it only
 * while no cluster is imported; main does not enforce that.)
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { builtinModules, SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../main/log.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { createServices } from '../../main/services.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs electron-builder in its own process (it logs, and a tripwire there
 * refuses and records any network connection). electron-builder reads
 * electron-builder.yml from the project; `config` only overrides.
 */
const PACK = `
const net = require('node:net');
const attempts = [];
net.Socket.prototype.connect = function (o) {
  attempts.push(typeof o === 'object' && o ? String(o.host ?? o.path) + ':' + String(o.port ?? '') : String(o));
  throw new Error('packaged-files test: network access refused');
};
const { build, Platform, Arch } = require('electron-builder');
const [app, output, electronDist, electronVersion] = process.argv.slice(1);
build({
  projectDir: process.cwd(),
  targets: Platform.LINUX.createTarget('dir', Arch.x64),
  publish: 'never',
  config: { directories: { app, output, buildResources: 'build' }, electronDist, electronVersion, npmRebuild: false, electronFuses: null },
}).then(
  () => console.log('PACKED ' + JSON.stringify({ attempts })),
  (err) => { console.error(err); console.log('PACKED ' + JSON.stringify({ attempts, error: String(err) })); process.exit(1); },
);
`;

interface AsarEntry {
  files?: Record<string, AsarEntry>;
  size?: number;
  offset?: string;
  unpacked?: boolean;
}

/** An asar archive's files (path → entry), read from its JSON header as Electron reads it. */
async function readAsar(file: string): Promise<{ files: Map<string, AsarEntry>; read(path: string): Buffer }> {
  const buf = await readFile(file);
  // Pickle framing: [4: 4][4: header pickle size][4: payload size][4: JSON length][JSON], then the file data.
  const headerSize = buf.readUInt32LE(4);
  const json = buf.subarray(16, 16 + buf.readUInt32LE(12)).toString('utf8');
  const files = new Map<string, AsarEntry>();
  const walk = (dir: AsarEntry, prefix: string) => {
    for (const [name, entry] of Object.entries(dir.files ?? {})) {
      const path = prefix ? `${prefix}/${name}` : name;
      if (entry.files) walk(entry, path);
      else files.set(path, entry);
    }
  };
  walk(JSON.parse(json) as AsarEntry, '');
  return {
    files,
    read(path) {
      const e = files.get(path);
      if (!e || e.unpacked || e.offset === undefined || e.size === undefined) throw new Error(`${path} is not stored in the asar`);
      const start = 8 + headerSize + Number(e.offset);
      return buf.subarray(start, start + e.size);
    },
  };
}

async function listFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split('\\').join('/'));
}

/** The package folders under node_modules that a list of packed paths contains (nested ones too). */
function packedModules(paths: string[]): string[] {
  const found = new Set<string>();
  for (const p of paths) {
    for (const m of p.matchAll(/(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/g)) found.add(p.slice(0, m.index + m[0].length).replace(/^\//, ''));
  }
  return [...found].sort();
}

let tmp: string;
let appDir: string;
let packed: string[];
let asar: Awaited<ReturnType<typeof readAsar>>;
let unpacked: string[];
let attempts: string[];
let mainMap: SourceMap;
let mainText: string;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'flotilla-packaged-'));
  appDir = join(tmp, 'app');
  const out = join(appDir, 'out');
  await mkdir(appDir, { recursive: true });
  await copyFile(join(root, 'package.json'), join(appDir, 'package.json'));
  // The production builds, as `npm run build` makes them, but into this test's folder (never the shared out/).
  await Promise.all([
    run(process.execPath, [join(root, 'build', 'bundle.mjs'), '--out', out], { cwd: root }),
    run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--outDir', join(out, 'renderer'), '--emptyOutDir', '--logLevel', 'warn'], { cwd: root }),
  ]);
  // A stand-in for Electron's unpacked distribution: electron-builder copies it and renames the executable.
  const electronDist = join(tmp, 'electron-dist');
  await mkdir(electronDist);
  await writeFile(join(electronDist, 'electron'), '', { mode: 0o755 });
  const { version } = JSON.parse(await readFile(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string };

  const { stdout } = await run(process.execPath, ['-e', PACK, appDir, join(tmp, 'dist'), electronDist, version], {
    cwd: root,
    timeout: 120_000,
    maxBuffer: 32 * 1024 * 1024,
  }).catch((err: { stdout?: string; stderr?: string }) => {
    throw new Error(`electron-builder failed:\n${err.stderr ?? ''}\n${err.stdout ?? ''}`);
  });
  const line = stdout.split('\n').find((l) => l.startsWith('PACKED '));
  attempts = (JSON.parse(line!.slice('PACKED '.length)) as { attempts: string[] }).attempts;

  const resources = join(tmp, 'dist', 'linux-unpacked', 'resources');
  asar = await readAsar(join(resources, 'app.asar'));
  unpacked = await listFiles(join(resources, 'app.asar.unpacked'));
  packed = [...new Set([...asar.files.keys(), ...unpacked])].sort();
  mainText = asar.read('out/main/main.mjs').toString('utf8');
  // The map is not packed (that is checked below); the build's own map describes the packed bundle, which is checked to be the same file.
  expect(mainText).toBe(await readFile(join(out, 'main', 'main.mjs'), 'utf8'));
  mainMap = new SourceMap(JSON.parse(await readFile(join(out, 'main', 'main.mjs.map'), 'utf8')));
}, 180_000);

afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

/** The repository files esbuild put into the packed main bundle (from its source map). */
const mainSources = () => mainMap.payload.sources.map((s) => relative(root, join(appDir, 'out', 'main', s)).split('\\').join('/'));

describe('the packaged app (electron-builder --dir with electron-builder.yml)', () => {
  it('is packed without any network access', () => {
    expect(attempts).toEqual([]);
  });

  it('holds the three bundles, the renderer, package.json and keytar, and nothing else', () => {
    const outside = packed.filter((p) => !/^(out\/(main\/main\.mjs|preload\/preload\.cjs|renderer\/.+)|package\.json|node_modules\/keytar\/.+)$/.test(p));
    expect(outside, `unexpected packed files: ${outside.join(', ')}`).toEqual([]);
    expect(packed).toEqual(expect.arrayContaining(['out/main/main.mjs', 'out/preload/preload.cjs', 'out/renderer/index.html', 'package.json']));
  });

  it('contains no preview bridge: neither its server in main nor its page-side client', () => {
    expect(packed.filter((p) => /preview/i.test(p))).toEqual([]);
    expect(mainSources().filter((s) => /^main\/(preview|ipc\/preview-bridge)/.test(s))).toEqual([]);
    // The bridge's URL prefix (main/ipc/preview-bridge.ts, renderer's preview-bridge-client.ts) in any packed script.
    const withBridge = packed.filter((p) => /\.(m?js|cjs|html)$/.test(p) && !asar.files.get(p)?.unpacked && asar.read(p).includes('/__bridge/'));
    expect(withBridge).toEqual([]);
  });

  it("ships the lab fleet only as the app's in-process emulator, listening on 127.0.0.1 only, without its CLI", () => {
    const sources = mainSources();
    // Intended: main/app/main.ts hands labStarter() to the services, so "Open a lab fleet" works in the app.
    expect(sources).toContain('main/lab/apiserver.ts');
    expect(sources.filter((s) => /^main\/lab\/cli\.ts$/.test(s))).toEqual([]);
    // Every server our own code starts listens on 127.0.0.1: find each `x.listen(` in the bundle (not
    // `this.listen()`, the lab cluster's own method) and the file it came from.
    const lines = mainText.split('\n');
    const ours: string[] = [];
    lines.forEach((text, i) => {
      for (const m of text.matchAll(/(?<!\bthis)\.listen\(/g)) {
        const entry = mainMap.findEntry(i, m.index);
        const source = 'originalSource' in entry ? entry.originalSource : undefined;
        const file = source ? relative(root, join(appDir, 'out', 'main', source)).split('\\').join('/') : '?';
        if (!file.startsWith('node_modules/')) ours.push(`${file}: ${text.trim()}`);
      }
    });
    expect(ours.length, 'the lab listener was not found in the bundle').toBeGreaterThan(0);
    for (const call of ours) expect(call, 'a server in main must bind 127.0.0.1').toMatch(/^main\/lab\/[^:]+: .*\.listen\([^)]*["']127\.0\.0\.1["']/);
  });

  it('packs no source map (the build makes them, with the sources inside)', async () => {
    const built = (await listFiles(join(appDir, 'out'))).filter((p) => p.endsWith('.map'));
    expect(built.length).toBeGreaterThan(0);
    const withSources = JSON.parse(await readFile(join(appDir, 'out', 'main', 'main.mjs.map'), 'utf8')) as { sourcesContent?: unknown[] };
    expect(withSources.sourcesContent?.length).toBeGreaterThan(0);
    expect(packed.filter((p) => p.endsWith('.map'))).toEqual([]);
  });

  it('packs only keytar from node_modules, a production dependency, with its native addon outside the asar', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
    const modules = packedModules(packed);
    expect(modules).toEqual(['node_modules/keytar']);
    for (const m of modules) {
      expect(lock.packages[m], `${m} is not in package-lock.json`).toBeDefined();
      expect(lock.packages[m].dev, `${m} is a development-only package`).toBeUndefined();
      expect(Object.keys(pkg.devDependencies)).not.toContain(m.replace(/^.*node_modules\//, ''));
    }
    expect(Object.keys(pkg.dependencies)).toContain('keytar');
    expect(asar.files.get('node_modules/keytar/build/Release/keytar.node')?.unpacked).toBe(true);
    expect(unpacked).toContain('node_modules/keytar/build/Release/keytar.node');
  });

  it('needs no other package at run time: the bundles import only Node built-ins, electron and keytar', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const imports = (text: string) =>
      [...text.matchAll(/(?:\bfrom|\bimport\s*\(|\brequire\s*\(|^\s*import)\s*["']([@a-z][\w./@-]*)["']/gm)].map((m) => m[1]);
    const external = (text: string) => [...new Set(imports(text))].filter((m) => !builtins.has(m) && !builtins.has(m.split('/')[0])).sort();
    expect(external(mainText)).toEqual(['electron', 'keytar']);
    expect(external(asar.read('out/preload/preload.cjs').toString('utf8'))).toEqual(['electron']);
  });
});

describe('the lab fleet the packaged app includes', () => {
  it('starts only when the user asks for one (lab:start), never with the app', async () => {
    const userDataDir = await mkdtemp(join(tmpdir(), 'flotilla-packaged-lab-'));
    const starts: number[] = [];
    // As main/app/main.ts makes them, with a LabStarter that records instead of listening.
    const services = await createServices({
      host: { shell: 'electron', userDataDir },
      secrets: new MemorySecretStore(),
      log: silentLogger,
      watchFleet: true,
      startLab: async (clusters) => {
        starts.push(clusters);
        return { clusters: [], stop: async () => {} };
      },
    });
    try {
      expect(starts).toEqual([]);
      expect(await services.router.call('lab:start', { clusters: 2 }, { transport: 'test' })).toMatchObject({ ok: true });
      expect(starts).toEqual([2]);
    } finally {
      await services.stop();
      await rm(userDataDir, { recursive: true, force: true });
    }
  });
});
