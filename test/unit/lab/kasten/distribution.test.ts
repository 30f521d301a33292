import { afterEach, describe, expect, it } from 'vitest';
import { K10_NAMESPACE, LABELS, MC_NAMESPACE } from '../../../../shared/kasten/kinds.js';
import { LAB_K10 } from '../../../../shared/kasten/lab.js';
import { createToken, eventually, startJoinedFleet, type Fleet, type TestCluster } from './harness.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

interface DistStatus {
  state: string;
  message?: string;
  clusters: { name: string; state: string; message?: string; lastSyncTime?: string }[];
}

async function joinedFleet(names: string[]): Promise<TestCluster[]> {
  fleet = await startJoinedFleet(names);
  return fleet.clusters;
}

function label(hq: TestCluster, cluster: string, labels: Record<string, string>): void {
  hq.mutate('clusters', MC_NAMESPACE, cluster, (d) => void (d.metadata.labels = { ...d.metadata.labels, ...labels }));
}

function globalProfile(hq: TestCluster, bucket = 'kasten'): void {
  hq.create('secrets', {
    metadata: { name: 'global-profile-secret', namespace: MC_NAMESPACE },
    type: 'secrets.kanister.io/aws',
    stringData: { aws_access_key_id: 'AKIALAB', aws_secret_access_key: 'lab-secret' },
  });
  hq.create('profiles', {
    metadata: { name: 'global-profile', namespace: MC_NAMESPACE },
    spec: {
      type: 'Location',
      locationSpec: {
        type: 'ObjectStore',
        credential: { secretType: 'AwsAccessKey', secret: { apiVersion: 'v1', kind: 'secret', name: 'global-profile-secret', namespace: MC_NAMESPACE } },
        objectStore: { objectStoreType: 'S3', name: bucket, endpoint: 'https://s3.lab.invalid', region: 'us-east-1' },
      },
    },
  });
}

function globalPolicy(hq: TestCluster, frequency = '@daily'): void {
  hq.create('policies', {
    metadata: { name: 'global-policy', namespace: MC_NAMESPACE },
    spec: { frequency, retention: { daily: 7 }, actions: [{ action: 'backup' }], selector: { matchLabels: { tier: 'gold' } } },
  });
}

function distribute(hq: TestCluster, name: string, clusters: unknown[], sources: { kind: string; name: string }[]): void {
  hq.create('distributions', {
    metadata: { name, namespace: MC_NAMESPACE },
    spec: {
      clusters,
      sources: sources.map((s) => ({ ref: { apiVersion: 'config.kio.kasten.io/v1alpha1', kind: s.kind, name: s.name, namespace: MC_NAMESPACE } })),
    },
  });
}

function status(hq: TestCluster, name: string): DistStatus | undefined {
  return hq.get('distributions', MC_NAMESPACE, name)?.status as DistStatus | undefined;
}

async function settled(hq: TestCluster, name: string, state = 'Synced', timeoutMs?: number): Promise<DistStatus> {
  return eventually(() => (status(hq, name)?.state === state ? status(hq, name) : undefined), `distribution ${name} ${state}`, timeoutMs);
}

const bucketOn = (c: TestCluster) =>
  (c.get('profiles', K10_NAMESPACE, 'global-profile')?.spec as { locationSpec: { objectStore: { name: string } } } | undefined)?.locationSpec.objectStore.name;

describe('distributions', () => {
  it('reach targets chosen by selector (primary included) and by name, with the Profile\'s Secret', async () => {
    const [hq, a, b, c] = await joinedFleet(['hq', 'edge-a', 'edge-b', 'edge-c']);
    label(hq, 'edge-a', { env: 'prod' });
    globalProfile(hq);
    distribute(hq, 'prod-and-b', [{ selector: 'env=prod' }, { name: 'edge-b' }], [{ kind: 'Profile', name: 'global-profile' }]);
    distribute(hq, 'everywhere', [{ selector: '' }], [{ kind: 'Profile', name: 'global-profile' }]);

    const s = await settled(hq, 'prod-and-b');
    expect(s.clusters.map((x) => [x.name, x.state])).toEqual([['edge-a', 'Synced'], ['edge-b', 'Synced']]);
    expect(s.clusters.every((x) => Date.parse(x.lastSyncTime ?? '') > 0)).toBe(true);
    expect((await settled(hq, 'everywhere')).clusters.map((x) => x.name)).toEqual(['edge-a', 'edge-b', 'edge-c', 'hq']);

    for (const target of [hq, a, b, c]) {
      const copy = target.get('profiles', K10_NAMESPACE, 'global-profile')!;
      expect(copy.metadata.labels?.[LABELS.distribution]).toMatch(/^(prod-and-b|everywhere)$/);
      const credential = (copy.spec as { locationSpec: { credential: { secret: { namespace: string } } } }).locationSpec.credential.secret;
      expect(credential.namespace).toBe(K10_NAMESPACE);
      expect(target.secret('global-profile-secret')).toEqual({ aws_access_key_id: 'AKIALAB', aws_secret_access_key: 'lab-secret' });
    }
  });

  it('re-syncs after a source edit and a Force Sync annotation, and follows new and removed targets', async () => {
    const [hq, a, b] = await joinedFleet(['hq', 'edge-a', 'edge-b']);
    label(hq, 'edge-a', { env: 'prod' });
    globalProfile(hq, 'first');
    distribute(hq, 'prod', [{ selector: 'env=prod' }], [{ kind: 'Profile', name: 'global-profile' }]);
    await settled(hq, 'prod');
    expect(bucketOn(a)).toBe('first');
    expect(bucketOn(b)).toBeUndefined();

    // A source edit reaches the target.
    hq.mutate('profiles', MC_NAMESPACE, 'global-profile', (d) => void ((d.spec as { locationSpec: { objectStore: { name: string } } }).locationSpec.objectStore.name = 'second'));
    await eventually(() => bucketOn(a) === 'second', 'edited source synced');

    // A local edit survives until the next sync; Force Sync overwrites it.
    a.mutate('profiles', K10_NAMESPACE, 'global-profile', (d) => void ((d.spec as { locationSpec: { objectStore: { name: string } } }).locationSpec.objectStore.name = 'local'));
    await new Promise((r) => setTimeout(r, 100));
    expect(bucketOn(a)).toBe('local');
    hq.mutate('distributions', MC_NAMESPACE, 'prod', (d) => void (d.metadata.annotations = { 'dist.kio.kasten.io/force-sync': new Date().toISOString() }));
    await eventually(() => bucketOn(a) === 'second', 'force sync');

    // A cluster that starts matching gets the copies; one that stops matching loses them.
    label(hq, 'edge-b', { env: 'prod' });
    await eventually(() => bucketOn(b) === 'second', 'new target synced');
    label(hq, 'edge-a', { env: 'dev' });
    await eventually(() => !a.get('profiles', K10_NAMESPACE, 'global-profile') && !a.secret('global-profile-secret'), 'removed target cleaned');
    await eventually(() => JSON.stringify(status(hq, 'prod')?.clusters.map((x) => x.name)) === '["edge-b"]', 'targets updated');
  });

  it('removing a source deletes its copies; a missing source fails naming it', async () => {
    const [hq, a] = await joinedFleet(['hq', 'edge-a']);
    globalProfile(hq);
    globalPolicy(hq);
    distribute(hq, 'both', [{ name: 'edge-a' }], [{ kind: 'Profile', name: 'global-profile' }, { kind: 'Policy', name: 'global-policy' }]);
    await settled(hq, 'both');
    expect(a.get('policies', K10_NAMESPACE, 'global-policy')).toBeDefined();

    hq.mutate('distributions', MC_NAMESPACE, 'both', (d) => void ((d.spec as { sources: unknown[] }).sources = [(d.spec as { sources: unknown[] }).sources[0]]));
    await eventually(() => !a.get('policies', K10_NAMESPACE, 'global-policy'), 'removed source cleaned');
    expect(a.get('profiles', K10_NAMESPACE, 'global-profile')).toBeDefined();

    distribute(hq, 'broken', [{ name: 'edge-a' }], [{ kind: 'Policy', name: 'no-such-policy' }]);
    const s = await settled(hq, 'broken', 'Failed');
    expect(s.clusters[0].message).toMatch(/Policy kasten-io-mc\/no-such-policy not found/);
  });

  it('marks a down target Failed as unreachable, and Synced once it is back', async () => {
    const [hq, a] = await joinedFleet(['hq', 'edge-a']);
    globalPolicy(hq);
    distribute(hq, 'all', [{ selector: '' }], [{ kind: 'Policy', name: 'global-policy' }]);
    await settled(hq, 'all');

    await a.stop();
    const failed = await settled(hq, 'all', 'Failed');
    expect(failed.clusters.find((x) => x.name === 'edge-a')?.message).toMatch(/unreachable/);
    expect(failed.clusters.find((x) => x.name === 'hq')?.state).toBe('Synced');
    // An edit made while it is down waits for it.
    hq.mutate('policies', MC_NAMESPACE, 'global-policy', (d) => void ((d.spec as { frequency: string }).frequency = '@hourly'));

    await a.start();
    await settled(hq, 'all');
    expect((a.get('policies', K10_NAMESPACE, 'global-policy')?.spec as { frequency: string }).frequency).toBe('@hourly');
  });

  it('keeps copies on a disconnected secondary', async () => {
    const [hq, a] = await joinedFleet(['hq', 'edge-a']);
    globalPolicy(hq);
    distribute(hq, 'all', [{ selector: '' }], [{ kind: 'Policy', name: 'global-policy' }]);
    await settled(hq, 'all');
    hq.delete('clusters', MC_NAMESPACE, 'edge-a');
    await eventually(() => !hq.get('clusters', MC_NAMESPACE, 'edge-a'), 'disconnected');
    expect(a.get('policies', K10_NAMESPACE, 'global-policy')).toBeDefined();
    await eventually(() => JSON.stringify(status(hq, 'all')?.clusters.map((x) => x.name)) === '["hq"]', 'edge-a no longer a target');
    expect(status(hq, 'all')?.state).toBe('Synced');
  });
});

describe('K10ClusterRoleBindings', () => {
  it('are reflected on every target as a RoleBinding to the role, including clusters that join later', async () => {
    const [hq, a] = await joinedFleet(['hq', 'edge-a', 'late']);
    const late = fleet!.clusters[2];
    // "late" is not joined yet: undo the helper's join to join it after the binding exists.
    hq.delete('clusters', MC_NAMESPACE, 'late');
    await eventually(() => !hq.get('clusters', MC_NAMESPACE, 'late'), 'late disconnected');

    hq.create('k10clusterrolebindings', {
      metadata: { name: 'grant-admin', namespace: MC_NAMESPACE },
      spec: {
        k10ClusterRole: 'k10-multi-cluster-admin',
        clusters: [{ selector: '' }],
        subjects: [{ kind: 'User', name: 'alice' }, { kind: 'User', name: 'system:serviceaccount:ops:robot' }],
      },
    });
    const rbName = `${LAB_K10.bindingPrefix}grant-admin`;
    for (const target of [hq, a]) {
      const rb = await eventually(() => target.get('rolebindings', K10_NAMESPACE, rbName), `role binding on ${target.name}`);
      expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'k10-multi-cluster-admin' });
      expect(rb.subjects).toEqual([
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:serviceaccount:ops:robot' },
      ]);
      expect(rb.metadata.labels?.[LAB_K10.bindingLabel]).toBe('grant-admin');
      expect(target.get('clusterroles', undefined, 'k10-multi-cluster-admin')?.rules).toBeDefined();
    }

    // A future cluster is covered too.
    const token = await createToken(hq, 'late-token');
    late.delete('secrets', K10_NAMESPACE, 'mc-join');
    late.create('secrets', { metadata: { name: 'mc-join', namespace: K10_NAMESPACE }, stringData: { token } });
    await eventually(() => late.get('rolebindings', K10_NAMESPACE, rbName), 'role binding on the late cluster');

    // Removing the binding removes its reflections.
    hq.delete('k10clusterrolebindings', MC_NAMESPACE, 'grant-admin');
    for (const target of [hq, a, late]) await eventually(() => !target.get('rolebindings', K10_NAMESPACE, rbName), `cleanup on ${target.name}`);
  });
});
