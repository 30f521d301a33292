import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER_INFO_FINALIZER, JOIN_OBJECTS, K10_NAMESPACE, LABELS, MC_NAMESPACE } from '../../../../shared/kasten/kinds.js';
import { createToken, eventually, promote, rt, startFleet, startJoinedFleet, type Fleet } from './harness.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const multiClusterSas = (c: Fleet['clusters'][number]) =>
  c.store.list(rt('serviceaccounts'), { namespace: K10_NAMESPACE, filter: (s) => LABELS.multiClusterSa in (s.metadata.labels ?? {}) }).items;

async function joinedFleet(names: string[]): Promise<Fleet['clusters']> {
  fleet = await startJoinedFleet(names);
  return fleet.clusters;
}

describe('disconnect', () => {
  it('deleting a secondary\'s Cluster disconnects it through the channel, then the Cluster goes', async () => {
    const [hq, edge] = await joinedFleet(['hq', 'edge-1']);
    hq.delete('clusters', MC_NAMESPACE, 'edge-1');
    await eventually(() => !hq.get('clusters', MC_NAMESPACE, 'edge-1'), 'Cluster gone');
    expect(edge.secret(JOIN_OBJECTS.clusterInfo)).toBeUndefined();
    expect(multiClusterSas(edge)).toHaveLength(0);
    expect(edge.secret(JOIN_OBJECTS.joinStatus)?.status).toBe('joined');
  });

  it('a secondary that is down keeps its Cluster terminating; after the forced procedure it notices when back', async () => {
    const [hq, edge] = await joinedFleet(['hq', 'edge-1']);
    await edge.stop();
    hq.delete('clusters', MC_NAMESPACE, 'edge-1');
    await new Promise((r) => setTimeout(r, 300));
    const terminating = hq.get('clusters', MC_NAMESPACE, 'edge-1');
    expect(terminating?.metadata.deletionTimestamp).toBeDefined();
    expect(terminating?.metadata.finalizers).toEqual([CLUSTER_INFO_FINALIZER]);

    // The forced procedure on the primary's side: a person removes the finalizer.
    hq.mutate('clusters', MC_NAMESPACE, 'edge-1', (d) => void (d.metadata.finalizers = []));
    expect(hq.get('clusters', MC_NAMESPACE, 'edge-1')).toBeUndefined();
    expect(edge.secret(JOIN_OBJECTS.clusterInfo)).toBeDefined();

    await edge.start();
    await eventually(() => !edge.secret(JOIN_OBJECTS.clusterInfo), 'secondary forgot its primary');
    expect(multiClusterSas(edge)).toHaveLength(0);
  });

  it('a disconnected cluster can join again with a new mc-join', async () => {
    const [hq, edge] = await joinedFleet(['hq', 'edge-1']);
    hq.delete('clusters', MC_NAMESPACE, 'edge-1');
    await eventually(() => !edge.secret(JOIN_OBJECTS.clusterInfo) && !hq.get('clusters', MC_NAMESPACE, 'edge-1'), 'disconnected');
    const token = await createToken(hq, 'second-token');
    edge.delete('secrets', K10_NAMESPACE, JOIN_OBJECTS.joinSecret);
    edge.create('secrets', { metadata: { name: JOIN_OBJECTS.joinSecret, namespace: K10_NAMESPACE }, stringData: { token } });
    await eventually(() => edge.secret(JOIN_OBJECTS.clusterInfo), 'joined again');
    expect(hq.get('clusters', MC_NAMESPACE, 'edge-1')).toBeDefined();
  });
});

describe('demotion', () => {
  it('keeps the primary\'s Cluster while secondaries remain, and lets it go after', async () => {
    const [hq] = await joinedFleet(['hq', 'edge-1']);
    hq.delete('clusters', MC_NAMESPACE, 'hq');
    const blocked = await eventually(() => (hq.get('clusters', MC_NAMESPACE, 'hq')?.status as { message?: string } | undefined)?.message, 'reason');
    expect(blocked).toMatch(/cannot demote while 1 secondary.*edge-1/);

    hq.delete('clusters', MC_NAMESPACE, 'edge-1');
    await eventually(() => !hq.get('clusters', MC_NAMESPACE, 'hq'), 'primary demoted');
    hq.delete('namespaces', undefined, MC_NAMESPACE);
    await eventually(() => !hq.get('namespaces', undefined, MC_NAMESPACE), 'kasten-io-mc gone');
  });

  it('a lone primary is demoted at once', async () => {
    fleet = await startFleet(['hq']);
    const [hq] = fleet.clusters;
    await promote(hq);
    hq.delete('clusters', MC_NAMESPACE, 'hq');
    await eventually(() => !hq.get('clusters', MC_NAMESPACE, 'hq'), 'primary demoted');
    // The Bootstrap that made it a primary does not make it one again.
    await new Promise((r) => setTimeout(r, 100));
    expect(hq.get('clusters', MC_NAMESPACE, 'hq')).toBeUndefined();
  });
});
