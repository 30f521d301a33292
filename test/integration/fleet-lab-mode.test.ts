/**
 * "Open a lab fleet" from the app: the lab starts in this process, its
 * clusters reach the registry with credentials that work and are written
 * nowhere, the fleet view shows them as lab clusters, and stopping takes
 * them away again.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetService } from '../../main/fleet/fleet-service.js';
import { LabMode } from '../../main/clusters/lab-mode.js';
import { labHandlers } from '../../main/ipc/handlers/lab.js';
import { labStarter } from '../../main/lab/cluster-source.js';
import { testConnection } from '../../main/kube/connection-test.js';
import type { LabStatus } from '../../shared/contract/index.js';
import { RecordingSink, TestRegistry } from './fleet-test-registry.js';
import { eventually, networkError } from './lab-helpers.js';
import { request as httpsRequest } from 'node:https';

const ctx = { transport: 'test' as const };
let registry: TestRegistry;
let sink: RecordingSink;
let lab: LabMode;
let fleet: FleetService;

beforeAll(async () => {
  registry = new TestRegistry();
  sink = new RecordingSink();
  lab = new LabMode({ registry, events: sink, startLab: labStarter() });
  fleet = new FleetService({ registry, events: sink, options: { probeIntervalMs: 500, probeTimeoutMs: 1_000, throttleMs: 50 } });
  await fleet.start();
});

afterAll(async () => {
  await fleet?.stop();
  await lab?.stop();
});

/** Files and folders under `dir` that were not in `before` (recursively for new folders). */
function newFiles(dir: string, before: Set<string>): string[] {
  const found: string[] = [];
  const walk = (path: string, depth: number) => {
    let s;
    try {
      s = statSync(path);
    } catch {
      return;
    }
    if (s.isDirectory()) {
      if (depth > 3) return;
      let entries: string[] = [];
      try {
        entries = readdirSync(path);
      } catch {
        return;
      }
      for (const e of entries) walk(join(path, e), depth + 1);
    } else if (s.isFile() && s.size < 5_000_000) found.push(path);
  };
  for (const e of readdirSync(dir)) if (!before.has(e)) walk(join(dir, e), 0);
  return found;
}

describe('lab mode', () => {
  it('starts a lab fleet whose clusters reach the registry with working credentials, written nowhere', async () => {
    const tmpBefore = new Set(readdirSync(tmpdir()));
    const cwdBefore = new Set(readdirSync(process.cwd()));
    const handlers = labHandlers(lab);
    const status = await handlers['lab:start']({ clusters: 3 }, ctx);
    expect(status).toEqual({ running: true, clusters: ['cluster-1', 'cluster-2', 'cluster-3'] });
    expect(sink.of<LabStatus>('lab:changed').map((e) => e.payload)).toEqual([status]);
    expect(await handlers['lab:status']({}, ctx)).toEqual(status);

    const handed = registry.ephemeral();
    expect(handed.map((c) => c.name)).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    for (const c of handed) {
      expect(c.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(c.caPem).toContain('-----BEGIN CERTIFICATE-----');
      expect(c.token.length).toBeGreaterThan(20);
    }
    const result = await testConnection(await registry.kubeConfig('lab:cluster-2'));
    expect(result.error).toBeUndefined();
    expect(result.identity?.username).toBe('admin');
    expect(result.k10?.installed).toBe(true);

    for (const file of [...newFiles(tmpdir(), tmpBefore), ...newFiles(process.cwd(), cwdBefore)]) {
      const text = readFileSync(file, 'latin1');
      for (const c of handed) expect(text.includes(c.token), `${file} holds a lab token`).toBe(false);
    }
  });

  it('answers a second start of the same size with the running lab, and refuses another size', async () => {
    const servers = registry.ephemeral().map((c) => c.server);
    await expect(lab.start(3)).resolves.toEqual({ running: true, clusters: ['cluster-1', 'cluster-2', 'cluster-3'] });
    expect(registry.ephemeral().map((c) => c.server)).toEqual(servers);
    await expect(lab.start(5)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('A lab fleet of 3 clusters is running; stop it before starting one of 5') });
  });

  it('shows the lab clusters in the fleet view, marked as lab', async () => {
    await eventually(() => fleet.snapshot().rows.length === 3 && fleet.snapshot().rows.every((r) => r.counts.applications !== undefined && r.k10Version), 'the lab rows', 10_000);
    const rows = fleet.snapshot().rows;
    expect(rows.map((r) => [r.name, r.source, r.role, r.reachability.state])).toEqual([
      ['cluster-1', 'lab', 'standalone', 'reachable'],
      ['cluster-2', 'lab', 'standalone', 'reachable'],
      ['cluster-3', 'lab', 'standalone', 'reachable'],
    ]);
  });

  it('stops: the clusters leave the registry and the fleet view, and their servers are gone', async () => {
    const servers = registry.ephemeral().map((c) => c.server);
    const status = await labHandlers(lab)['lab:stop']({}, ctx);
    expect(status).toEqual({ running: false, clusters: [] });
    expect(sink.of<LabStatus>('lab:changed').at(-1)?.payload).toEqual(status);
    expect(registry.ephemeral()).toEqual([]);
    await eventually(() => fleet.snapshot().rows.length === 0, 'the lab rows to go', 1_000);
    const refused = await networkError(
      new Promise((resolve, reject) => {
        const req = httpsRequest(`${servers[0]}/version`, { rejectUnauthorized: false, agent: false }, resolve);
        req.on('error', reject);
        req.end();
      }),
    );
    expect(refused.code).toBe('ECONNREFUSED');
    // Stopping again is harmless.
    await expect(lab.stop()).resolves.toBeUndefined();
  });
});
