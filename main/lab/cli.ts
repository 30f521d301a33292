/**
 * `npm run lab`: starts a lab fleet and keeps it running until Ctrl-C, or
 * (`npm run lab -- fault …`) inflicts a fault on a running one through its
 * admin endpoint.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startAdminEndpoint } from './admin.js';
import { labRuntimeDir, runningLabs, writeLabRecord, type LabRecord } from './runtime-records.js';
import { writeFileAtomic } from '../state/atomic-file.js';
import { startLabFleet } from './fleet.js';

const MAX_CLUSTERS = 2000;

/** Exit code of a `fault` that cannot tell which of several running fleets is meant. */
const EXIT_AMBIGUOUS = 2;

/** A failure with its own exit code (1 otherwise). */
class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

const USAGE = `Usage:
  npm run lab -- [start] [--clusters N] [--kubeconfig FILE] [--data-dir DIR] [--empty] [--admin-port PORT]
      Starts clusters cluster-1 … cluster-N (default 3, at most ${MAX_CLUSTERS}) on 127.0.0.1 and
      writes a kubeconfig with one context per cluster. Runs until Ctrl-C.
  npm run lab -- fault ACTION CLUSTER [key=value …] [--kubeconfig FILE | --admin-file FILE]
      Acts on the running lab fleet; when several run, --kubeconfig names the one
      (the kubeconfig it was started with).
      ACTION: stop | start | cut-watches | compact | reset | latency ms=500 |
              failures rate=0.5 status=503 retryAfterSeconds=2 | expire user=viewer |
              deny user=viewer verb=list resource=secrets |
              stats | reset-stats   (requests, watches, connections, bytes sent)`;


function defaultKubeconfig(): string {
  return join(tmpdir(), `flotilla-lab-${process.getuid?.() ?? 'user'}`, 'kubeconfig');
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'fault') return fault(argv.slice(1));
  if (argv[0] === 'start') argv = argv.slice(1);
  const { values } = explained(() => parseArgs({
    args: argv,
    options: {
      clusters: { type: 'string', default: '3' },
      kubeconfig: { type: 'string' },
      'data-dir': { type: 'string' },
      empty: { type: 'boolean', default: false },
      'admin-port': { type: 'string', default: '0' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const count = Number(values.clusters);
  if (!Number.isInteger(count) || count < 1 || count > MAX_CLUSTERS) {
    throw new Error(`--clusters must be a whole number from 1 to ${MAX_CLUSTERS} (got "${values.clusters}")`);
  }
  const adminPort = Number(values['admin-port']);
  if (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65535) {
    throw new Error(`--admin-port must be a port number from 0 (any free port) to 65535 (got "${values['admin-port']}")`);
  }
  const dataDir = values['data-dir'] ? resolve(values['data-dir']) : undefined;
  const kubeconfigPath = resolve(values.kubeconfig ?? (dataDir ? join(dataDir, 'kubeconfig') : defaultKubeconfig()));
  mkdirSync(dirname(kubeconfigPath), { recursive: true, mode: 0o700 });

  const started = Date.now();
  const fleet = await startLabFleet({ clusters: count, dataDir, kubeconfigPath, empty: values.empty });
  const admin = await startAdminEndpoint(fleet, adminPort);
  const adminFile = `${kubeconfigPath}.admin.json`;
  await writeFileAtomic(adminFile, JSON.stringify({ url: admin.url, token: admin.token }));
  let removeRecord = () => undefined as void;
  try {
    removeRecord = await writeLabRecord({
      pid: process.pid,
      url: admin.url,
      token: admin.token,
      kubeconfig: kubeconfigPath,
      clusters: fleet.clusters.length,
      startedAt: new Date().toISOString(),
    });
  } catch (err) {
    // The fleet works without it; only `fault` without --kubeconfig will not find it.
    console.error(`Warning: could not register the fleet in ${labRuntimeDir()} (${(err as Error).message}); pass --kubeconfig ${kubeconfigPath} to fault.`);
  }

  for (const s of fleet.setAside) {
    console.error(`Warning: ${s.path} could not be read (${s.reason}); it is kept as ${s.movedTo} and ${s.cluster} started afresh.`);
  }
  console.log(`Lab fleet: ${fleet.clusters.length} clusters up in ${((Date.now() - started) / 1000).toFixed(1)} s${dataDir ? `, state in ${dataDir}` : ' (in memory)'}`);
  for (const c of fleet.clusters.slice(0, 5)) console.log(`  ${c.name.padEnd(12)} ${c.apiUrl}   K10 ingress ${c.k10IngressUrl}`);
  if (fleet.clusters.length > 5) console.log(`  … and ${fleet.clusters.length - 5} more`);
  console.log(`Kubeconfig: ${kubeconfigPath}`);
  console.log(`  export KUBECONFIG=${kubeconfigPath}`);
  console.log(`  kubectl --context ${fleet.clusters[0].name} get namespaces`);
  console.log(`  kubectl --context ${fleet.clusters[0].name} --user ${fleet.clusters[0].name}-viewer get policies -n kasten-io`);
  console.log(`Faults: npm run lab -- fault stop ${fleet.clusters[0].name}   (admin endpoint ${admin.url}, token in ${adminFile})`);
  console.log('Press Ctrl-C to stop.');

  // Ctrl-C reaches every process of the terminal's group, and tsx passes it on too:
  // a second SIGINT is the same request, not a more urgent one.
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the lab fleet…');
    try {
      // `fault` should not find a fleet that is going away
      rmSync(adminFile, { force: true });
      removeRecord();
      await admin.close();
      await fleet.stop();
    } catch (err) {
      console.error(`lab: the fleet did not stop cleanly: ${(err as Error).message}`);
      process.exit(1);
    }
    console.log('Lab fleet stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

/** Runs parseArgs, its errors (unknown option, missing value) followed by the usage. */
function explained<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
}

async function fault(argv: string[]): Promise<void> {
  const { values, positionals } = explained(() => parseArgs({
    args: argv,
    allowPositionals: true,
    options: { 'admin-file': { type: 'string' }, kubeconfig: { type: 'string' } },
  }));
  const [action, cluster, ...pairs] = positionals;
  if (!action || !cluster) throw new Error(`fault needs an ACTION and a CLUSTER\n${USAGE}`);
  const admin = findAdmin(values['admin-file'], values.kubeconfig);
  const body: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 1) throw new Error(`expected key=value, got "${pair}"`);
    const [key, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
    body[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  let res: Response;
  try {
    res = await fetch(`${admin.url}/clusters/${encodeURIComponent(cluster)}/${encodeURIComponent(action)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
    throw new Error(`the lab fleet's admin endpoint ${admin.url} does not answer (${cause}); is the fleet still running?`);
  }
  const text = await res.text();
  if (!res.ok) {
    let reason = text;
    try {
      reason = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not JSON: show it as it came
    }
    throw new Error(`the lab fleet refused (HTTP ${res.status}): ${reason}`);
  }
  console.log(text);
}

/**
 * The admin endpoint `fault` talks to: the one named by --admin-file or
 * --kubeconfig, or else the only lab fleet running for this user.
 */
function findAdmin(adminFile: string | undefined, kubeconfig: string | undefined): { url: string; token: string } {
  if (adminFile || kubeconfig) {
    const file = adminFile ?? `${resolve(kubeconfig!)}.admin.json`;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as { url: string; token: string };
    } catch {
      throw new Error(`no running lab fleet found (${file} is missing); start one with npm run lab`);
    }
  }
  const running = runningLabs();
  if (running.length === 1) return running[0];
  if (running.length === 0) {
    throw new Error(`no running lab fleet found (none has registered in ${labRuntimeDir()}); start one with npm run lab, or pass --kubeconfig FILE or --admin-file FILE`);
  }
  const lines = running.map((r: LabRecord) => `  --kubeconfig ${r.kubeconfig}   (pid ${r.pid}, ${r.clusters} cluster${r.clusters === 1 ? '' : 's'}, up since ${r.startedAt})`);
  throw new CliError(`${running.length} lab fleets are running; say which with --kubeconfig FILE (the kubeconfig it was started with):\n${lines.join('\n')}`, EXIT_AMBIGUOUS);
}

main(process.argv.slice(2)).catch((err: Error) => {
  console.error(`lab: ${err.message}`);
  process.exit(err instanceof CliError ? err.exitCode : 1);
});
