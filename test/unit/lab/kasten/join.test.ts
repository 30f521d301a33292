import { afterEach, describe, expect, it } from 'vitest';
import {
  CLUSTER_INFO_FINALIZER,
  JOIN_OBJECTS,
  K10_CLUSTER_ROLES,
  K10_NAMESPACE,
  LABELS,
  MC_ADMIN_CLUSTER_ROLE,
  MC_ADMIN_ROLE_BINDING,
  MC_NAMESPACE,
} from '../../../../shared/kasten/kinds.js';
import { decodeLabToken } from '../../../../shared/kasten/lab.js';
import { bootstrap, createToken, eventually, join, joinOutcome, promote, requestJoin, rt, startFleet, type Fleet } from './harness.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('promotion', () => {
  it('answers a Bootstrap with a primary Cluster and the multi-cluster RBAC', async () => {
    fleet = await startFleet(['hq']);
    const [hq] = fleet.clusters;
    const cluster = await promote(hq);
    expect(cluster.metadata.labels?.[LABELS.clusterType]).toBe('primary');
    expect(cluster.spec).toEqual({ primary: true, k10: { namespace: K10_NAMESPACE, releaseName: 'k10', ingress: { url: hq.k10IngressUrl } } });
    expect((cluster.status as { id: string }).id).toMatch(UUID);
    await eventually(() => hq.get('bootstraps', MC_NAMESPACE, 'bootstrap')?.status, 'bootstrap status');
    expect(hq.get('bootstraps', MC_NAMESPACE, 'bootstrap')?.status).toMatchObject({ state: 'Succeeded', clusterName: 'hq' });
    for (const role of K10_CLUSTER_ROLES) expect(hq.get('k10clusterroles', MC_NAMESPACE, role)).toBeDefined();
    expect(hq.get('clusterroles', undefined, MC_ADMIN_CLUSTER_ROLE)).toBeDefined();
    expect(hq.get('rolebindings', MC_NAMESPACE, MC_ADMIN_ROLE_BINDING)?.subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'k10:admins' },
    ]);
  });

  it('rejects a bad cluster name through the Bootstrap status', async () => {
    fleet = await startFleet(['hq']);
    const [hq] = fleet.clusters;
    bootstrap(hq, 'Bad_Name');
    const status = await eventually(() => hq.get('bootstraps', MC_NAMESPACE, 'bootstrap')?.status as Record<string, string> | undefined, 'status');
    expect(status.state).toBe('Failed');
    expect(status.message).toMatch(/invalid cluster name.*Bad_Name/);
    expect(hq.store.list(rt('clusters')).items).toHaveLength(0);
  });
});

describe('join tokens', () => {
  it('fills an empty join-token Secret well within a second with a lab token naming the ingress', async () => {
    fleet = await startFleet(['hq']);
    const [hq] = fleet.clusters;
    await promote(hq);
    const started = Date.now();
    const token = await createToken(hq);
    expect(Date.now() - started).toBeLessThan(500);
    const decoded = decodeLabToken(token);
    expect(decoded.ok && decoded.token.ingress).toBe(hq.k10IngressUrl);
    expect(decoded.ok && Buffer.from(decoded.token.secret, 'base64url')).toHaveLength(32);
  });
});

describe('join', () => {
  it('joins a secondary end to end over HTTPS', async () => {
    fleet = await startFleet(['hq', 'edge-1']);
    const [hq, edge] = fleet.clusters;
    await promote(hq);
    const token = await createToken(hq);
    await join(hq, edge, token);

    const status = edge.secret(JOIN_OBJECTS.joinStatus)!;
    expect(status.status).toBe('joined');
    expect(Date.parse(status.timestamp)).not.toBeNaN();
    const info = edge.secret(JOIN_OBJECTS.clusterInfo)!;
    expect(info).toMatchObject({ clusterName: 'edge-1', primaryName: 'hq', primaryIngress: hq.k10IngressUrl });
    expect(info.token).toBeTruthy();
    expect(info.token).not.toBe(token);
    const sas = edge.store.list(rt('serviceaccounts'), { namespace: K10_NAMESPACE }).items;
    expect(sas.map((s) => s.metadata.labels?.[LABELS.multiClusterSa])).toEqual(['hq']);

    const cluster = hq.get('clusters', MC_NAMESPACE, 'edge-1')!;
    expect(cluster.metadata.labels?.[LABELS.clusterType]).toBe('secondary');
    expect(cluster.metadata.finalizers).toEqual([CLUSTER_INFO_FINALIZER]);
    expect((cluster.spec as { k10: { ingress: { url: string } } }).k10.ingress.url).toBe(edge.k10IngressUrl);
    expect((cluster.status as { id: string }).id).toMatch(UUID);
    expect(JSON.stringify(fleet.logs)).not.toContain(token);
    expect(JSON.stringify(fleet.logs)).not.toContain(info.token);
  });

  it('generates a cluster name when mc-join-config has none', async () => {
    fleet = await startFleet(['hq', 'edge-1']);
    const [hq, edge] = fleet.clusters;
    await promote(hq);
    requestJoin(edge, await createToken(hq), { 'cluster-name': '' });
    expect((await joinOutcome(edge)).status).toBe('joined');
    const name = edge.secret(JOIN_OBJECTS.clusterInfo)!.clusterName;
    expect(name).toMatch(/^cluster-[0-9a-f]{8}$/);
    expect(hq.get('clusters', MC_NAMESPACE, name)).toBeDefined();
  });

  it('rejects a name already taken in the fleet, saying which', async () => {
    fleet = await startFleet(['hq', 'edge-1', 'edge-2']);
    const [hq, a, b] = fleet.clusters;
    await promote(hq);
    const token = await createToken(hq);
    await join(hq, a, token);
    requestJoin(b, token, { 'cluster-name': 'edge-1' });
    const outcome = await joinOutcome(b);
    expect(outcome.status).toBe('rejected');
    expect(outcome.msg).toMatch(/"edge-1" is already taken/);
    expect(b.secret(JOIN_OBJECTS.clusterInfo)).toBeUndefined();
  });

  it('rejects a revoked token, and retries when mc-join is edited', async () => {
    fleet = await startFleet(['hq', 'edge-1']);
    const [hq, edge] = fleet.clusters;
    await promote(hq);
    const revoked = await createToken(hq, 'old-token');
    hq.delete('secrets', MC_NAMESPACE, 'old-token');
    requestJoin(edge, revoked);
    const outcome = await joinOutcome(edge);
    expect(outcome.status).toBe('rejected');
    expect(outcome.msg).toMatch(/invalid or expired join token/);

    const fresh = await createToken(hq, 'new-token');
    edge.mutate('secrets', K10_NAMESPACE, JOIN_OBJECTS.joinSecret, (d) => void (d.data = { token: Buffer.from(fresh).toString('base64') }));
    await eventually(() => edge.secret(JOIN_OBJECTS.joinStatus)?.status === 'joined', 'joined after retry');
  });

  it('refuses a plain-http primary unless allowed', async () => {
    fleet = await startFleet(['hq', 'edge-1']);
    const [hq, edge] = fleet.clusters;
    await promote(hq);
    requestJoin(edge, await createToken(hq), { 'primary-ingress': hq.k10IngressUrl.replace('https:', 'http:') });
    const outcome = await joinOutcome(edge);
    expect(outcome.status).toBe('rejected');
    expect(outcome.msg).toMatch(/plain http.*allow-insecure-primary-ingress/);
  });

  it('is rejected by a cluster that is not a primary', async () => {
    fleet = await startFleet(['hq', 'edge-1', 'other']);
    const [hq, edge, other] = fleet.clusters;
    await promote(hq);
    requestJoin(edge, await createToken(hq), { 'primary-ingress': other.k10IngressUrl });
    const outcome = await joinOutcome(edge);
    expect(outcome.status).toBe('rejected');
    expect(outcome.msg).toMatch(/not a multi-cluster primary/);
  });

  it('keeps joining while the primary is down and joins when it is back', async () => {
    fleet = await startFleet(['hq', 'edge-1']);
    const [hq, edge] = fleet.clusters;
    await promote(hq);
    const token = await createToken(hq);
    await hq.stop();
    requestJoin(edge, token);
    await eventually(() => /cannot reach the primary/.test(edge.secret(JOIN_OBJECTS.joinStatus)?.msg ?? ''), 'joining with a reason');
    expect(edge.secret(JOIN_OBJECTS.joinStatus)?.status).toBe('joining');
    await hq.start();
    expect((await joinOutcome(edge)).status).toBe('joined');
  });
});
