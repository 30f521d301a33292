/**
 * The fleet view over HTTP/2 (`http2: true` through the pool options): its
 * ten watches per cluster are streams of one session, so a cluster costs one
 * TCP connection in steady state; rows are complete as over HTTP/1.1; stop
 * releases every socket and timer.
 */
import { describe, expect, it } from 'vitest';
import { FleetService, type FleetOptions } from '../../main/fleet/fleet-service.js';
import { startLabFleet } from '../../main/lab/fleet.js';
import { TEST_TUNING, TestRegistry, RecordingSink } from './fleet-test-registry.js';
import { eventually } from './lab-helpers.js';

const TUNING: FleetOptions = { ...TEST_TUNING, http2: true };

describe('the fleet view over HTTP/2', () => {
  it('holds one TCP connection per cluster for all its watches, and releases every socket and timer on stop', async () => {
    const lab = await startLabFleet({ clusters: 2, empty: true, bookmarkIntervalMs: 60_000 });
    const handles = () => {
      const counts: Record<string, number> = {};
      for (const r of process.getActiveResourcesInfo()) counts[r] = (counts[r] ?? 0) + 1;
      return counts;
    };
    const baseline = handles();
    const registry = new TestRegistry();
    registry.importKubeconfig(lab.kubeconfig());
    const events = new RecordingSink();
    const service = new FleetService({ registry, events, options: TUNING });
    await service.start();
    await eventually(() => service.snapshot().rows.every((r) => r.counts.actions !== undefined && r.k10Version && r.kubernetesVersion), 'the rows to be complete');
    await eventually(() => service.stats().openWatches === 20, 'the watches to be open');
    // Let the probes run a few rounds: they go over the same session.
    await new Promise((r) => setTimeout(r, 1_200));
    for (const c of lab.clusters) {
      const s = c.stats();
      expect(s.watches.open).toBe(10);
      expect(s.connections.h2Sessions.open).toBe(1);
      expect(s.connections.h1Sockets).toEqual({ open: 0, opened: 0 });
      expect(s.requests.byProtocol.h1).toBe(0);
    }
    // One connection per cluster, both ends in this process.
    expect((handles().TCPSocketWrap ?? 0) - (baseline.TCPSocketWrap ?? 0)).toBe(2 * 2);
    await service.stop();
    await eventually(() => (handles().TCPSocketWrap ?? 0) <= (baseline.TCPSocketWrap ?? 0) && (handles().Timeout ?? 0) <= (baseline.Timeout ?? 0) + 1, 'sockets and timers to be released', 5_000);
    const count = events.events.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(events.events.length).toBe(count);
    await lab.stop();
  });
});
