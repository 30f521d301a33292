/**
 * The Kasten multi-cluster journey done purely with the real kubectl, as the
 * Kasten docs describe it: promote cluster-1 with a Bootstrap, create a join
 * token Secret, join cluster-2 with `mc-join` and `mc-join-config`, wait for
 * `joined`, distribute a location profile by label and by name, refuse a
 * revoked token, then disconnect.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify as stringifyYaml } from 'yaml';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { KUBECTL, runKubectl, type KubectlResult } from '../unit/lab/kubectl-harness.js';
import { eventually } from './lab-helpers.js';
import { bootstrapManifest, joinTokenSecretManifest } from '../../shared/kasten/manifests.js';

const MC = 'kasten-io-mc';
const CLUSTERS = 'clusters.dist.kio.kasten.io';

describe.skipIf(!KUBECTL)('the multi-cluster journey with kubectl', () => {
  let fleet: LabFleet;
  let dir: string;
  let kubeconfig: string;
  let token = '';

  async function kubectl(context: string, args: string[], stdin?: string): Promise<KubectlResult> {
    let file: string | undefined;
    if (stdin !== undefined) {
      file = join(dir, `manifest-${Math.random().toString(36).slice(2)}.yaml`);
      writeFileSync(file, stdin);
    }
    const full = ['--context', context, ...args.map((a) => (a === '-' && file ? file : a))];
    return runKubectl(full, { KUBECONFIG: kubeconfig });
  }

  async function ok(context: string, args: string[], stdin?: string): Promise<string> {
    const r = await kubectl(context, args, stdin);
    expect(r.stderr, `kubectl ${args.join(' ')}`).toBe('');
    expect(r.code).toBe(0);
    return r.stdout;
  }

  async function secretField(context: string, ns: string, name: string, key: string): Promise<string | undefined> {
    const r = await kubectl(context, ['get', 'secret', name, '-n', ns, '-o', `jsonpath={.data.${key}}`]);
    return r.code === 0 && r.stdout ? Buffer.from(r.stdout, 'base64').toString('utf8') : undefined;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lab-mc-'));
    kubeconfig = join(dir, 'kubeconfig');
    fleet = await startLabFleet({ clusters: 3, kubeconfigPath: kubeconfig, empty: true, k10: { unreachableAfterMs: 2_000, pollHoldMs: 2_000 } });
  });

  afterAll(async () => {
    await fleet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('promotes cluster-1 to primary from a Bootstrap', async () => {
    const ingress = fleet.cluster('cluster-1').k10IngressUrl;
    await ok('cluster-1', ['create', 'namespace', MC]);
    await ok('cluster-1', ['apply', '-f', '-'], stringifyYaml(bootstrapManifest({ clusterName: 'cluster-1', ingressUrl: ingress })));
    const primary = await eventually(async () => {
      const out = await ok('cluster-1', ['get', CLUSTERS, '-n', MC, '-l', 'dist.kio.kasten.io/cluster-type=primary', '-o', 'json']);
      const items = JSON.parse(out).items as { metadata: { name: string }; spec: Record<string, unknown>; status?: { id?: string } }[];
      return items.length === 1 && items[0].status?.id ? items[0] : undefined;
    }, 'the primary Cluster');
    expect(primary.metadata.name).toBe('cluster-1');
    expect(primary.spec).toMatchObject({ primary: true, k10: { namespace: 'kasten-io', releaseName: 'k10', ingress: { url: ingress } } });
    expect(primary.status!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('fills a join token Secret created with generateName', async () => {
    const out = await ok('cluster-1', ['create', '-f', '-', '-o', 'name'], stringifyYaml(joinTokenSecretManifest()));
    const name = out.trim().replace('secret/', '');
    expect(name).toMatch(/^join-token-secret-[a-z0-9]{5}$/);
    token = await eventually(() => secretField('cluster-1', MC, name, 'token'), 'the token to be filled in');
    expect(token.length).toBeGreaterThan(20);
  });

  it('joins cluster-2 with mc-join and mc-join-config', async () => {
    const ingress = fleet.cluster('cluster-2').k10IngressUrl;
    await ok('cluster-2', ['create', 'secret', 'generic', 'mc-join', '-n', 'kasten-io', `--from-literal=token=${token}`]);
    await ok('cluster-2', ['create', 'configmap', 'mc-join-config', '-n', 'kasten-io', '--from-literal=cluster-name=cluster-2', `--from-literal=cluster-ingress=${ingress}`]);
    await eventually(async () => (await secretField('cluster-2', 'kasten-io', 'mc-join-status', 'status')) === 'joined', 'cluster-2 to be joined', 15_000);

    expect(await secretField('cluster-2', 'kasten-io', 'mc-cluster-info', 'clusterName')).toBe('cluster-2');
    expect(await secretField('cluster-2', 'kasten-io', 'mc-cluster-info', 'primaryName')).toBe('cluster-1');
    const table = await ok('cluster-1', ['get', CLUSTERS, '-n', MC]);
    expect(table).toMatch(/^NAME\s+TYPE\s+AGE/);
    expect(table).toMatch(/\ncluster-2\s+secondary\s/);
    const secondary = JSON.parse(await ok('cluster-1', ['get', CLUSTERS, 'cluster-2', '-n', MC, '-o', 'json']));
    expect(secondary.metadata.finalizers).toContain('dist.kio.kasten.io/cluster-info');
    expect(secondary.spec.k10.ingress.url).toBe(ingress);
  });

  it('distributes a location profile and its secret to clusters chosen by label and by name', async () => {
    await ok('cluster-1', ['label', CLUSTERS, 'cluster-2', '-n', MC, 'env=prod']);
    await ok('cluster-1', ['apply', '-f', '-'], `apiVersion: v1
kind: Secret
metadata:
  name: s3-creds
  namespace: ${MC}
type: secrets.kanister.io/aws
stringData:
  aws_access_key_id: AKIALAB
  aws_secret_access_key: lab-secret
---
apiVersion: config.kio.kasten.io/v1alpha1
kind: Profile
metadata:
  name: s3-lab
  namespace: ${MC}
spec:
  type: Location
  locationSpec:
    type: ObjectStore
    credential:
      secretType: AwsAccessKey
      secret: {apiVersion: v1, kind: secret, name: s3-creds, namespace: ${MC}}
    objectStore: {objectStoreType: S3, name: lab-bucket, endpoint: "https://minio.lab.local", region: us-east-1}
---
apiVersion: dist.kio.kasten.io/v1alpha1
kind: Distribution
metadata:
  name: lab-profile
  namespace: ${MC}
spec:
  clusters:
  - selector: env=prod
  - name: cluster-1
  sources:
  - ref: {apiVersion: config.kio.kasten.io/v1alpha1, kind: Profile, name: s3-lab, namespace: ${MC}}
`);
    for (const context of ['cluster-1', 'cluster-2']) {
      const profile = await eventually(async () => {
        const r = await kubectl(context, ['get', 'profiles.config.kio.kasten.io', 's3-lab', '-n', 'kasten-io', '-o', 'json']);
        return r.code === 0 ? JSON.parse(r.stdout) : undefined;
      }, `the profile on ${context}`, 15_000);
      expect(profile.metadata.labels['dist.kio.kasten.io/distribution']).toBe('lab-profile');
      expect(profile.spec.locationSpec.objectStore.name).toBe('lab-bucket');
      expect(await secretField(context, 'kasten-io', 's3-creds', 'aws_access_key_id')).toBe('AKIALAB');
    }
    const status = await eventually(async () => {
      const d = JSON.parse(await ok('cluster-1', ['get', 'distributions.dist.kio.kasten.io', 'lab-profile', '-n', MC, '-o', 'json']));
      return d.status?.state === 'Synced' ? d.status : undefined;
    }, 'the distribution to be Synced', 15_000);
    expect(status.clusters.map((c: { name: string }) => c.name).sort()).toEqual(['cluster-1', 'cluster-2']);
    expect((await kubectl('cluster-3', ['get', 'profiles.config.kio.kasten.io', 's3-lab', '-n', 'kasten-io'])).stderr).toContain(
      'Error from server (NotFound): profiles.config.kio.kasten.io "s3-lab" not found',
    );
  });

  it('rejects a join with a revoked token and says why', async () => {
    await ok('cluster-1', ['delete', 'secret', '-n', MC, '-l', '!nonexistent', '--field-selector', 'type=dist.kio.kasten.io/join-token']);
    await ok('cluster-3', ['create', 'secret', 'generic', 'mc-join', '-n', 'kasten-io', `--from-literal=token=${token}`]);
    await ok('cluster-3', ['create', 'configmap', 'mc-join-config', '-n', 'kasten-io', '--from-literal=cluster-name=cluster-3']);
    await eventually(async () => (await secretField('cluster-3', 'kasten-io', 'mc-join-status', 'status')) === 'rejected', 'cluster-3 to be rejected', 15_000);
    expect(await secretField('cluster-3', 'kasten-io', 'mc-join-status', 'msg')).toMatch(/token/i);
    expect((await kubectl('cluster-3', ['get', 'secret', 'mc-cluster-info', '-n', 'kasten-io'])).code).not.toBe(0);
  });

  it('disconnects cluster-2 when its Cluster is deleted on the primary', async () => {
    await ok('cluster-1', ['delete', CLUSTERS, 'cluster-2', '-n', MC, '--wait=false']);
    await eventually(async () => (await kubectl('cluster-1', ['get', CLUSTERS, 'cluster-2', '-n', MC])).code !== 0, 'the Cluster to go', 15_000);
    await eventually(async () => (await kubectl('cluster-2', ['get', 'secret', 'mc-cluster-info', '-n', 'kasten-io'])).code !== 0, 'mc-cluster-info to go', 15_000);
    // The documented quirk: the status stays `joined`; membership is mc-cluster-info.
    expect(await secretField('cluster-2', 'kasten-io', 'mc-join-status', 'status')).toBe('joined');
    // Distributed copies stay on a disconnected secondary.
    expect((await kubectl('cluster-2', ['get', 'profiles.config.kio.kasten.io', 's3-lab', '-n', 'kasten-io'])).code).toBe(0);
  });
});
