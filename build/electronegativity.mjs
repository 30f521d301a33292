#!/usr/bin/env node
/**
 * Electronegativity (Doyensec's Electron security linter) over what Flotilla
 * ships: the esbuild bundles of main and the preload, and the renderer's
 * index.html (its CSP). Fails on any HIGH or MEDIUM finding that is not a
 * reviewed exception in build/electronegativity-exceptions.json.
 *
 *   node build/electronegativity.mjs              # bundles into a temporary folder, scans, prints a report
 *   node build/electronegativity.mjs --input out  # scans an existing build (out/main, out/preload, out/renderer)
 *   node build/electronegativity.mjs --json       # the report as JSON on stdout (test/integration/electronegativity.test.ts)
 *
 * Why the bundles and not main/app's source: they are what runs, and they
 * include every module that calls an Electron-looking API (an `openExternal`
 * in a service is found too). Each finding is mapped back through the
 * bundle's source map to the TypeScript file and line it came from, so
 * exceptions name a source file and a piece of its code, not a bundle line
 * that moves with every change.
 *
 * Offline: the tool fetches translations from S3 on every run and Electron's
 * release list from GitHub for its "available security fixes" check. Here its
 * HTTP client (`got`) is replaced by one that fails without connecting, so it
 * uses its bundled English strings; that check is excluded (Electron's
 * version is pinned in package.json and updated deliberately). A tripwire on
 * every socket connect and DNS lookup in this process records any attempt
 * anyway, and an attempt fails the run.
 *
 * Exit status: 0 clean, 1 unreviewed findings / stale exceptions / files the
 * tool could not parse / a network attempt, 2 the scan itself failed.
 */
import { execFileSync } from 'node:child_process';
import dns from 'node:dns';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, SourceMap } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const exceptionsFile = join(root, 'build', 'electronegativity-exceptions.json');
/** The severities that fail the build; LOW and INFORMATIONAL findings are printed only. */
const FAILING = new Set(['HIGH', 'MEDIUM']);

const args = process.argv.slice(2);
const asJson = args.includes('--json');
const inputAt = args.indexOf('--input');
const input = inputAt >= 0 ? resolve(args[inputAt + 1] ?? '') : undefined;
// Only for the test that proves the tripwire works: leave the tool's HTTP client in place.
const keepHttpClient = args.includes('--keep-http-client');

// ---- the network tripwire (installed before the tool is loaded) ----
const networkAttempts = [];
const refuse = (what) => {
  networkAttempts.push(what);
  throw new Error(`electronegativity scan: network access refused (${what})`);
};
net.Socket.prototype.connect = function connect(...a) {
  const o = a[0];
  refuse(`connect ${typeof o === 'object' && o ? `${o.host ?? o.path ?? '?'}:${o.port ?? ''}` : String(o)}`);
};
dns.lookup = (host) => refuse(`dns lookup ${host}`);
dns.promises.lookup = async (host) => refuse(`dns lookup ${host}`);

const toolDir = dirname(require.resolve('@doyensec/electronegativity/package.json'));
if (!keepHttpClient) {
  const gotPath = createRequire(join(toolDir, 'package.json')).resolve('got');
  const offline = () => Promise.reject(new Error('offline: Flotilla runs electronegativity without network access'));
  const got = Object.assign(offline, { head: offline, get: offline });
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: got, children: [], paths: [] };
}
// The tool picks its strings by LANG and would ask S3 for anything but its bundled locales.
process.env.LANG = 'en-US';

// ---- what to scan ----
/** Bundles main and the preload into a fresh folder (never the shared out/, which other runs may be using). */
function bundleFresh() {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-electronegativity-'));
  execFileSync(process.execPath, [join(root, 'build', 'bundle.mjs'), '--out', dir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

const built = input ?? bundleFresh();
/** Shipped files, each under the name the tool scans it by (it only reads .js and .html). */
const shipped = [
  { scanAs: 'main/main.js', file: join(built, 'main', 'main.mjs') },
  { scanAs: 'preload/preload.js', file: join(built, 'preload', 'preload.cjs') },
  // Vite copies the CSP meta tag unchanged; the source is scanned so no renderer build is needed.
  { scanAs: 'renderer/index.html', file: existsSync(join(built, 'renderer', 'index.html')) ? join(built, 'renderer', 'index.html') : join(root, 'renderer', 'index.html') },
];
const stage = mkdtempSync(join(tmpdir(), 'flotilla-electronegativity-scan-'));
for (const s of shipped) {
  if (!existsSync(s.file)) {
    console.error(`electronegativity scan: ${s.file} is missing; run \`npm run build\` or leave out --input`);
    process.exit(2);
  }
  mkdirSync(dirname(join(stage, s.scanAs)), { recursive: true });
  copyFileSync(s.file, join(stage, s.scanAs));
}

// ---- mapping a finding back to its source ----
const maps = new Map();
function sourceMapOf(file) {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, existsSync(mapFile) ? { dir: dirname(mapFile), map: new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) } : null);
  }
  return maps.get(file);
}

/** Where a finding comes from: the source file (relative to the repository), its line, and that line's code. */
function locate(issue) {
  const s = shipped.find((x) => x.scanAs === issue.file);
  if (!s) return { file: issue.file === 'N/A' ? '(whole app)' : issue.file, line: 0, code: '' };
  const sm = sourceMapOf(s.file);
  const line = issue.location?.line ?? 0;
  if (sm && line > 0) {
    const entry = sm.map.findEntry(line - 1, issue.location.column ?? 0);
    if (entry?.originalSource) {
      const abs = resolve(sm.dir, entry.originalSource);
      const i = sm.map.payload.sources.indexOf(entry.originalSource);
      const text = sm.map.payload.sourcesContent?.[i] ?? (existsSync(abs) ? readFileSync(abs, 'utf8') : '');
      return { file: relative(root, abs).split('\\').join('/'), line: entry.originalLine + 1, code: (text.split('\n')[entry.originalLine] ?? '').trim() };
    }
  }
  const text = readFileSync(s.file, 'utf8').split('\n');
  const name = s.file.startsWith(root) ? relative(root, s.file) : `${s.scanAs} (built)`;
  return { file: name.split('\\').join('/'), line, code: (text[line - 1] ?? '').trim().slice(0, 200) };
}

// ---- the scan ----
const electronVersion = require('electron/package.json').version;
const run = require(join(toolDir, 'dist', 'runner.js'));
// The stubbed client makes the tool print that translations could not be fetched: expected, not news.
const log = console.log;
console.log = (...a) => {
  if (typeof a[0] === 'string' && a[0].startsWith('Could not retrieve updated translations')) return;
  log(...a);
};
let result;
try {
  result = await run(
    {
      input: stage,
      customScan: [],
      excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
      electronVersionOverride: electronVersion,
      parserPlugins: [],
      isRelative: true,
    },
    false,
  );
} catch (err) {
  console.error(`electronegativity scan failed: ${err?.stack ?? err}`);
  process.exit(2);
} finally {
  console.log = log;
  rmSync(stage, { recursive: true, force: true });
}

const { exceptions } = JSON.parse(readFileSync(exceptionsFile, 'utf8'));
const used = new Set();
const findings = result.issues.map((issue) => {
  const at = locate(issue);
  const exception = exceptions.findIndex((e) => e.check === issue.id && e.file === at.file && at.code.includes(e.code));
  if (exception >= 0) used.add(exception);
  return {
    check: issue.id,
    severity: issue.severity.name,
    confidence: issue.confidence.name,
    ...at,
    description: issue.description,
    url: issue.shortenedURL,
    reviewed: exception >= 0 ? exceptions[exception].reason : undefined,
  };
});
// Mapped: the fresh bundle can go.
if (!input) rmSync(built, { recursive: true, force: true });
const unreviewed = findings.filter((f) => FAILING.has(f.severity) && !f.reviewed);
const stale = exceptions.filter((_, i) => !used.has(i));
// Warnings the parser could live with are fine; a file it could not parse was not checked at all.
const unparsed = result.errors.filter((e) => !e.tolerable).map((e) => ({ file: relative(stage, e.file), message: e.message }));
const report = { electronVersion, checks: result.globalChecks + result.atomicChecks, findings, unreviewed, stale, unparsed, networkAttempts };
const failed = unreviewed.length > 0 || stale.length > 0 || unparsed.length > 0 || networkAttempts.length > 0;

if (asJson) {
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} else {
  const line = (f) => `  ${f.check} (${f.severity}, ${f.confidence}) ${f.file}:${f.line}\n      ${f.code}\n      ${f.description} ${f.url}`;
  log(`electronegativity: ${report.checks} checks, Electron ${electronVersion}, ${findings.length} findings`);
  for (const f of findings.filter((x) => x.reviewed)) log(`  reviewed: ${f.check} ${f.file}:${f.line}: ${f.reviewed}`);
  for (const f of findings.filter((x) => !FAILING.has(x.severity))) log(`  ${f.severity.toLowerCase()}: ${f.check} ${f.file}:${f.line}`);
  if (unreviewed.length > 0) {
    log(`\n${unreviewed.length} HIGH/MEDIUM finding(s) nobody has reviewed. Fix them, or, if one is safe, add it to`);
    log(`build/electronegativity-exceptions.json with the check, the file, a piece of the line's code and why it is safe:\n`);
    log(unreviewed.map(line).join('\n'));
  }
  if (stale.length > 0) log(`\nexceptions that match no finding any more (remove them):\n${stale.map((e) => `  ${e.check} ${e.file}: ${e.code}`).join('\n')}`);
  if (unparsed.length > 0) log(`\nfiles the tool could not parse, so did not check:\n${unparsed.map((e) => `  ${e.file}: ${e.message}`).join('\n')}`);
  if (networkAttempts.length > 0) log(`\nthe scan tried to reach the network:\n${networkAttempts.map((a) => `  ${a}`).join('\n')}`);
  if (!failed) log('no unreviewed HIGH or MEDIUM findings');
}
process.exit(failed ? 1 : 0);
