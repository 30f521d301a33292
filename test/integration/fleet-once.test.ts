/**
 * The fleet read once (fleet/fleet-once.ts, what `flotilla fleet` prints)
 * against a lab fleet over real HTTPS: a primary, a secondary joined to it
 * (with a label on its Cluster there), a standalone cluster and one that is
 * down. Its rows equal the watched FleetService rows of the same fleet
 * (roles, join states, labels, versions, counts, errors) but for the times
 * of the probe; `flotilla fleet --json` opens no watch and sends only GETs.
 *
 * Requests are counted on the lab's side: by verb with the lab's own
 * counters (`cluster.stats()`), and request by request (to see the
 * `limit=1` of a count) by listening on each cluster's server, a private
 * field read here only.
 */
import type { IncomingMessage, Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArgsIn, Channel, FleetRow, ResultOf } from '../../shared/contract/index.js';
import { readFleetOnce } from '../../main/fleet/fleet-once.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import type { LabCluster } from '../../main/lab/cluster.js';
import { silentLogger } from '../../main/log.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { createServices, type Services } from '../../main/services.js';
import { flotillaCli } from '../support/flotilla-cli.js';
import { eventually } from './lab-helpers.js';

/** A row without what differs between two reads by nature: when and how fast the probe answered, when an error was first seen. */
function comparable(row: FleetRow): FleetRow {
  const { latencyMs: _l, checkedAt: _c, ...reachability } = row.reachability;
  const out: FleetRow = { ...row, reachability };
  if (row.lastError) {
    const { at: _a, ...lastError } = row.lastError;
    out.lastError = lastError as FleetRow['lastError'];
  }
  return out;
}

const complete = (r: FleetRow) =>
  r.reachability.state === 'unreachable' ||
  (r.reachability.state === 'reachable' && r.role !== 'unknown' && r.k10Version !== undefined && r.kubernetesVersion !== undefined && r.counts.applications !== undefined && r.counts.policies !== undefined && r.counts.actions !== undefined);

/**
 * Every Kubernetes API request (method and URL) each lab cluster serves from
 * now on; not the K10 ingress (/k10/…) the same listener serves, which the
 * lab's own K10s call.
 */
function recordRequests(clusters: readonly LabCluster[]): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const c of clusters) {
    const lines: string[] = [];
    seen.set(c.name, lines);
    (c as unknown as { server: Server }).server.prependListener('request', (req: IncomingMessage) => {
      if (!req.url?.startsWith('/k10/')) lines.push(`${req.method} ${req.url}`);
    });
  }
  return seen;
}

describe('the fleet read once', () => {
  let lab: LabFleet;
  let dir: string;
  let kubeconfig: string;
  let services: Services;
  /** The watched FleetService's rows, once complete. */
  let watched: FleetRow[];
  const id = (name: string) => `kubeconfig:${name}`;

  async function call<C extends Channel>(channel: C, args: ArgsIn<C>): Promise<ResultOf<C>> {
    const r = await services.router.invoke(channel, args, { transport: 'test' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
    return r.result;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-fleet-once-'));
    kubeconfig = join(dir, 'lab.kubeconfig');
    lab = await startLabFleet({ clusters: 4, kubeconfigPath: kubeconfig, k10: { unreachableAfterMs: 1_500, pollHoldMs: 1_000 } });
    services = await createServices({
      host: { shell: 'cli', userDataDir: join(dir, 'user-data') },
      kubeconfigFile: kubeconfig,
      secrets: new MemorySecretStore(),
      log: silentLogger,
      k10TimeoutMs: 10_000,
      fleetOptions: { throttleMs: 50, probeTimeoutMs: 1_000, requestTimeoutMs: 5_000, watchBackoff: { initialMs: 200, maxMs: 1_000 } },
    });
    await call('promote:run', { clusterId: id('cluster-1'), name: 'hq', ingressUrl: lab.cluster('cluster-1').k10IngressUrl });
    const joined = await call('join:many', { primaryId: id('cluster-1'), secondaries: [{ clusterId: id('cluster-2') }], waitSeconds: 30 });
    expect(joined.results.map((r) => r.state)).toEqual(['joined']);
    await call('labels:set', { primaryId: id('cluster-1'), clusterName: 'cluster-2', set: { env: 'prod' } });
    await lab.cluster('cluster-4').stop();
  }, 60_000);

  afterAll(async () => {
    await services?.stop();
    await lab?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the rows the watched fleet view gives, with no watch of its own', async () => {
    const seen = recordRequests(lab.clusters);
    const once = await readFleetOnce({ registry: services.registry, pool: services.pool }, { probeTimeoutMs: 1_000 });
    expect(once.timedOut).toBe(false);
    // No watch opened, nothing written.
    const all = [...seen.values()].flat();
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((l) => !l.startsWith('GET ') || /[?&]watch=(true|1)/.test(l))).toEqual([]);
    // Counts of Applications and Policies from one item and the remainingItemCount, not a full list.
    expect(seen.get('cluster-3')!.filter((l) => l.includes('/applications') || l.includes('/policies'))).toEqual([
      expect.stringMatching(/applications\?limit=1$/),
      expect.stringMatching(/policies\?limit=1$/),
    ]);

    const byName = Object.fromEntries(once.rows.map((r) => [r.name, r]));
    expect(once.rows.map((r) => r.name)).toEqual(['cluster-1', 'cluster-2', 'cluster-3', 'cluster-4']);
    expect(byName['cluster-1']).toMatchObject({ role: 'primary', primaryName: 'hq', joinState: 'none' });
    expect(byName['cluster-2']).toMatchObject({ role: 'secondary', primaryName: 'hq', joinState: 'joined', labels: { env: 'prod' } });
    expect(byName['cluster-3']).toMatchObject({ role: 'standalone', joinState: 'none', labels: {} });
    expect(byName['cluster-4']).toMatchObject({ role: 'unknown', reachability: { state: 'unreachable' }, lastError: { code: 'UNREACHABLE' } });
    for (const name of ['cluster-1', 'cluster-2', 'cluster-3']) {
      const r = byName[name]!;
      expect(r.reachability.state).toBe('reachable');
      expect(r.k10Version).toBeTruthy();
      expect(r.kubernetesVersion).toBeTruthy();
      expect(r.counts.applications).toBeGreaterThan(1);
      expect(r.counts.policies).toBeGreaterThan(1);
      expect(r.counts.actions).toBeGreaterThan(0);
      expect(r.counts.failedActions24h).toBeGreaterThanOrEqual(0);
      expect(r.lastError).toBeUndefined();
    }

    await services.fleet.start();
    watched = await eventually(
      () => {
        const rows = services.fleet.snapshot().rows;
        return rows.length === 4 && rows.every(complete) && rows.find((r) => r.name === 'cluster-2')?.labels.env === 'prod' ? rows : undefined;
      },
      'every watched row to be complete',
      20_000,
    );
    expect(once.rows.map(comparable)).toEqual(watched.map(comparable));
    expect(once.summary).toEqual(services.fleet.snapshot().summary);
    // Its watches would be counted with the CLI's requests below: stopped, and gone from the lab (openings in flight included).
    await services.fleet.stop();
    await eventually(() => lab.clusters.every((c) => c.stats().watches.open === 0), 'the fleet view\'s watches to be closed');
    await new Promise((r) => setTimeout(r, 500));
  }, 60_000);

  it('flotilla fleet --json prints those rows, opening no watch', async () => {
    const seen = recordRequests(lab.clusters);
    for (const c of lab.clusters) c.resetStats();
    const cli = flotillaCli({ kubeconfig, dataDir: join(dir, 'cli-data') });
    const r = await cli.run(['fleet', '--json', '--wait', '20']);
    expect(r.code).toBe(0);
    // cluster-4 is down: reachable rows are all complete, so nothing to say.
    expect(r.stderr).toBe('');
    const rows = JSON.parse(r.stdout) as FleetRow[];
    const all = [...seen.values()].flat();
    expect(all.length).toBeGreaterThan(0);
    expect(all.filter((l) => !l.startsWith('GET ') || /[?&]watch=(true|1)/.test(l))).toEqual([]);
    // The lab's counters agree: lists and gets (/version) only, no watch open or opened. `k10` is the lab's K10s calling each other.
    for (const c of lab.clusters.filter((x) => x.name !== 'cluster-4')) {
      const st = c.stats();
      expect(st.watches.open, c.name).toBe(0);
      expect(Object.keys(st.requests.byVerb).filter((v) => v !== 'k10'), c.name).toEqual(['get', 'list']);
      expect(st.requests.byVerb.get, c.name).toBe(1);
      expect(st.requests.byVerb.list, c.name).toBe(c.name === 'cluster-1' ? 11 : 10);
      // One request at a time per cluster: one connection (one TLS handshake) each.
      expect(st.connections.h1Sockets.opened + st.connections.h2Sessions.opened, c.name).toBe(1);
    }
    // The same rows as the watched fleet view of the same clusters.
    expect(rows.map(comparable)).toEqual(watched.map(comparable));
  }, 60_000);

  it('at its deadline, prints what it has and says which rows are not complete', async () => {
    const c3 = lab.cluster('cluster-3');
    c3.setLatency(3_000);
    try {
      const cli = flotillaCli({ kubeconfig, dataDir: join(dir, 'cli-data') });
      const r = await cli.run(['fleet', '--json', '--wait', '1']);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^flotilla fleet: after 1 s, 1 of 4 rows are not complete yet \(cluster-3\)/);
      const rows = JSON.parse(r.stdout) as FleetRow[];
      expect(rows.find((x) => x.name === 'cluster-3')).toMatchObject({ reachability: { state: 'checking' }, role: 'unknown', counts: {} });
      expect(rows.find((x) => x.name === 'cluster-1')).toMatchObject({ role: 'primary', reachability: { state: 'reachable' } });
    } finally {
      c3.setLatency(0);
    }
  }, 60_000);

  it('reads a cluster again after an error that may pass, and shows one that stays', async () => {
    const c3 = lab.cluster('cluster-3');
    const deps = { registry: services.registry, pool: services.pool };
    c3.failRequests(1, 500);
    try {
      const stays = await readFleetOnce(deps, { retries: 0 });
      expect(stays.rows.find((r) => r.name === 'cluster-3')).toMatchObject({ reachability: { state: 'reachable' }, lastError: { code: 'SERVER' } });
      // The cluster answers again 300 ms after the first read failed; the read again comes 1 s after it.
      const later = readFleetOnce(deps, { retryDelayMs: 1_000, onRequest: (id) => id === 'kubeconfig:cluster-3' && setTimeout(() => c3.failRequests(0), 300) });
      const row = (await later).rows.find((r) => r.name === 'cluster-3')!;
      expect(row.lastError).toBeUndefined();
      expect(row).toMatchObject({ role: 'standalone', reachability: { state: 'reachable' } });
      expect(row.counts.applications).toBeGreaterThan(1);
    } finally {
      c3.failRequests(0);
    }
  }, 30_000);
});
