/**
 * Kasten kinds and identities through the real kubectl: apply, list, watch,
 * patch and delete Profiles, Policies, Distributions and Bootstraps in
 * kasten-io-mc; who am I and what may I do, for the token, certificate and
 * read-only users; and a kubectl recent enough to send its typed requests
 * as protobuf (1.32 and later), where one is installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { KUBECTL, KubectlSession, linesOf, tableOf, versionedKubectl } from '../support/kubectl.js';
import { resource as rt, startKubectlLab, type KubectlLab } from '../support/lab-kubectl.js';
import { bootstrapManifest } from '../../shared/kasten/manifests.js';

const MC = 'kasten-io-mc';
/** A kubectl that sends its typed requests as protobuf (1.32 and later), where one is installed. */
const PROTOBUF_KUBECTL = versionedKubectl(32);

describe.skipIf(!KUBECTL)('kubectl, Kasten kinds and identities on the lab fleet', () => {
  let lab: KubectlLab;
  let kubectl: KubectlSession;
  const store = (cluster?: string) => lab.store(cluster);

  beforeAll(async () => {
    lab = await startKubectlLab('lab-kubectl-kasten');
    kubectl = lab.kubectl;
  });

  afterAll(async () => {
    await lab?.close();
  });

  describe('Kasten kinds', () => {
    const profile = (bucket: string) => `apiVersion: config.kio.kasten.io/v1alpha1
kind: Profile
metadata:
  name: s3-global
  namespace: ${MC}
  labels: {scope: global}
spec:
  type: Location
  locationSpec:
    type: ObjectStore
    objectStore: {name: ${bucket}, objectStoreType: S3, region: eu-west-1}
    credential: {secretType: AwsAccessKey, secret: {apiVersion: v1, kind: Secret, name: s3-creds, namespace: ${MC}}}
`;
    const policy = `apiVersion: config.kio.kasten.io/v1alpha1
kind: Policy
metadata:
  name: nightly
  namespace: ${MC}
spec:
  frequency: '@daily'
  actions: [{action: backup}]
  selector: {matchLabels: {k10.kasten.io/appNamespace: shop}}
`;
    const distribution = `apiVersion: dist.kio.kasten.io/v1alpha1
kind: Distribution
metadata:
  name: to-everyone
  namespace: ${MC}
spec:
  resources:
  - {group: config.kio.kasten.io, resource: profiles, name: s3-global, namespace: ${MC}}
  clusters:
  - {matchLabels: {env: prod}}
`;

    it('applies a Profile, a Policy and a Distribution from one file, then again unchanged, and lists them with their columns', async () => {
      await kubectl.ok(['create', 'namespace', MC]);
      const file = [profile('backups'), policy, distribution].join('---\n');
      expect(await kubectl.ok(['apply', '-f', '-'], { stdin: file })).toBe(
        'profile.config.kio.kasten.io/s3-global created\npolicy.config.kio.kasten.io/nightly created\ndistribution.dist.kio.kasten.io/to-everyone created\n',
      );
      expect(await kubectl.ok(['apply', '-f', '-'], { stdin: file })).toBe(
        'profile.config.kio.kasten.io/s3-global unchanged\npolicy.config.kio.kasten.io/nightly unchanged\ndistribution.dist.kio.kasten.io/to-everyone unchanged\n',
      );
      expect(await kubectl.ok(['apply', '-f', '-'], { stdin: profile('archive') })).toBe('profile.config.kio.kasten.io/s3-global configured\n');

      const profiles = tableOf(await kubectl.ok(['-n', MC, 'get', 'profiles']));
      expect(profiles.columns).toEqual(['NAME', 'AGE']);
      expect(profiles.rows.map((r) => r.NAME)).toEqual(['s3-global']);
      const policies = tableOf(await kubectl.ok(['get', 'policies.config.kio.kasten.io', '-A']));
      expect(policies.columns).toEqual(['NAMESPACE', 'NAME', 'FREQUENCY', 'PAUSED', 'AGE']);
      expect(policies.rows.filter((r) => r.NAMESPACE === MC).map((r) => [r.NAME, r.FREQUENCY, r.PAUSED])).toEqual([['nightly', '@daily', 'false']]);
      const distributions = tableOf(await kubectl.ok(['-n', MC, 'get', 'distributions']));
      expect(distributions.columns).toEqual(['NAME', 'STATE', 'AGE']);
      expect(distributions.rows.map((r) => r.NAME)).toEqual(['to-everyone']);

      const stored = parseYaml(await kubectl.ok(['-n', MC, 'get', 'profile', 's3-global', '-o', 'yaml']));
      expect(stored.spec.locationSpec.objectStore).toEqual({ name: 'archive', objectStoreType: 'S3', region: 'eu-west-1' });
      expect(stored.metadata.generation).toBe(2);
      expect(await kubectl.ok(['-n', MC, 'get', 'profiles', '-l', 'scope=global', '-o', 'jsonpath={.items[*].spec.locationSpec.credential.secret.name}'])).toBe('s3-creds');
      // The k10 category gathers every Kasten kind.
      const k10 = await kubectl.ok(['-n', MC, 'get', 'k10', '-o', 'name']);
      expect(linesOf(k10)).toEqual(['distribution.dist.kio.kasten.io/to-everyone', 'policy.config.kio.kasten.io/nightly', 'profile.config.kio.kasten.io/s3-global']);
    });

    it('patches, watches and deletes Kasten objects', async () => {
      const watch = kubectl.start(['-n', MC, 'get', 'policies', '--watch']);
      try {
        await watch.waitForLine(/^nightly\s+@daily\s+false\s+\d+s$/);
        expect(await kubectl.ok(['-n', MC, 'patch', 'policy', 'nightly', '--type=merge', '-p', '{"spec":{"paused":true,"frequency":"@hourly"}}'])).toBe(
          'policy.config.kio.kasten.io/nightly patched\n',
        );
        await watch.waitForLine(/^nightly\s+@hourly\s+true\s+\d+s$/);
      } finally {
        await watch.stop();
      }
      await kubectl.ok(['-n', MC, 'patch', 'distribution', 'to-everyone', '--type=json', '-p', '[{"op":"replace","path":"/spec/clusters/0/matchLabels/env","value":"dev"}]']);
      expect(await kubectl.ok(['-n', MC, 'get', 'distribution', 'to-everyone', '-o', 'jsonpath={.spec.clusters[0].matchLabels.env}'])).toBe('dev');

      expect(await kubectl.ok(['-n', MC, 'delete', 'policy', 'nightly'])).toBe('policy.config.kio.kasten.io "nightly" deleted\n');
      expect(await kubectl.fails(['-n', MC, 'get', 'policy', 'nightly'])).toBe('Error from server (NotFound): policies.config.kio.kasten.io "nightly" not found\n');
    });

    it('creates a Bootstrap in kasten-io-mc with kubectl create, reads it back and deletes it', async () => {
      const ingress = lab.fleet.cluster('cluster-2').k10IngressUrl;
      await kubectl.ok(['--context', 'cluster-2', 'create', 'namespace', MC]);
      const bootstrap = stringifyYaml(bootstrapManifest({ clusterName: 'cluster-2', ingressUrl: ingress }));
      expect(await kubectl.ok(['--context', 'cluster-2', 'create', '-f', '-'], { stdin: bootstrap })).toBe('bootstrap.dist.kio.kasten.io/bootstrap created\n');
      expect(await kubectl.ok(['--context', 'cluster-2', '-n', MC, 'get', 'bootstraps', '-o', 'jsonpath={.items[0].spec.clusters.cluster-2.k10.ingress.url}'])).toBe(
        ingress,
      );
      expect(await kubectl.ok(['--context', 'cluster-2', '-n', MC, 'delete', 'bootstrap', 'bootstrap'])).toBe('bootstrap.dist.kio.kasten.io "bootstrap" deleted\n');
      expect(store('cluster-2').get(rt('bootstraps'), MC, 'bootstrap')).toBeUndefined();
    });
  });

  describe('identities', () => {
    it('kubectl auth whoami names the token user and the certificate user with their groups', async () => {
      const whoami = async (user?: string) =>
        tableOf(await kubectl.ok(['auth', 'whoami', ...(user ? ['--user', user] : [])])).rows.map((r) => [r.ATTRIBUTE, r.VALUE]);
      expect(await whoami()).toEqual([
        ['Username', 'admin'],
        ['Groups', '[lab:admins k10:admins system:authenticated]'],
      ]);
      expect(await whoami('cluster-1-admin-cert')).toEqual([
        ['Username', 'admin-cert'],
        ['Groups', '[lab:admins k10:admins system:authenticated]'],
      ]);
      expect(await whoami('cluster-1-viewer')).toEqual([
        ['Username', 'viewer'],
        ['Groups', '[system:authenticated]'],
      ]);
    });

    it('kubectl auth can-i says what the viewer may do: read configmaps and Kasten objects, not secrets, not writes', async () => {
      const canI = async (...args: string[]) => {
        const r = await kubectl.run(['auth', 'can-i', '--user', 'cluster-1-viewer', ...args]);
        return [r.stdout.trim(), r.code];
      };
      expect(await canI('list', 'configmaps', '-n', 'shop')).toEqual(['yes', 0]);
      expect(await canI('watch', 'policies.config.kio.kasten.io', '-n', 'kasten-io')).toEqual(['yes', 0]);
      expect(await canI('get', 'secrets', '-n', 'shop')).toEqual(['no', 1]);
      expect(await canI('create', 'configmaps', '-n', 'shop')).toEqual(['no', 1]);
      expect(await canI('delete', 'namespaces')).toEqual(['no', 1]);
      const admin = await kubectl.run(['auth', 'can-i', 'delete', 'secrets', '-n', 'shop']);
      expect([admin.stdout.trim(), admin.code]).toEqual(['yes', 0]);
    });

    it('kubectl auth can-i --list lists what the viewer may do, and nothing it may not', async () => {
      const list = tableOf(await kubectl.ok(['auth', 'can-i', '--list', '-n', 'shop', '--user', 'cluster-1-viewer']));
      expect(list.columns).toEqual(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
      const verbs = Object.fromEntries(list.rows.filter((r) => r.Resources).map((r) => [r.Resources, r.Verbs]));
      expect(verbs).toMatchObject({
        configmaps: '[get list watch]',
        'deployments.apps': '[get list watch]',
        '*.config.kio.kasten.io': '[get list watch]',
        'selfsubjectaccessreviews.authorization.k8s.io': '[create]',
      });
      expect(Object.keys(verbs).filter((r) => r.startsWith('secrets') || r.startsWith('*.*'))).toEqual([]);
      expect(list.rows.filter((r) => r['Non-Resource URLs'] === '[/version]').map((r) => r.Verbs)).toEqual(['[get]']);
    });
  });

  describe.skipIf(!PROTOBUF_KUBECTL)('a kubectl that sends protobuf (1.32 and later)', () => {
    it('creates with its generators and asks can-i in protobuf, and the cluster keeps what was meant', async () => {
      const newer = new KubectlSession(lab.kubeconfig, PROTOBUF_KUBECTL);
      try {
        expect(await newer.ok(['create', 'namespace', 'proto'])).toBe('namespace/proto created\n');
        await newer.ok(['-n', 'proto', 'create', 'configmap', 'settings', '--from-literal=color=blue', '--from-literal=empty=']);
        await newer.ok(['-n', 'proto', 'create', 'secret', 'generic', 'db', '--from-literal=password=s3cret']);
        await newer.ok(['-n', 'proto', 'create', 'deployment', 'idle', '--image=nginx:1.27', '--replicas=0', '--port=8080']);
        await newer.ok(['-n', 'proto', 'create', 'role', 'reader', '--verb=get', '--resource=configmaps', '--resource-name=settings']);
        await newer.ok(['-n', 'proto', 'create', 'rolebinding', 'readers', '--role=reader', '--group=team']);
        await newer.ok(['create', 'clusterrolebinding', 'proto-view', '--clusterrole=view', '--serviceaccount=proto:default']);

        expect(store().get(rt('configmaps'), 'proto', 'settings')!.data).toEqual({ color: 'blue', empty: '' });
        expect(store().get(rt('secrets'), 'proto', 'db')).toMatchObject({ type: 'Opaque', data: { password: Buffer.from('s3cret').toString('base64') } });
        const deployment = store().get(rt('deployments'), 'proto', 'idle')!;
        // replicas: 0 is a pointer field set to zero: it must survive, not fall back to the default of 1.
        expect(deployment.spec).toMatchObject({
          replicas: 0,
          selector: { matchLabels: { app: 'idle' } },
          template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] }] } },
        });
        expect(store().get(rt('roles'), 'proto', 'reader')!.rules).toEqual([
          { verbs: ['get'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['settings'] },
        ]);
        expect(store().get(rt('rolebindings'), 'proto', 'readers')!.subjects).toEqual([{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'team' }]);
        expect(store().get(rt('clusterrolebindings'), undefined, 'proto-view')!.subjects).toEqual([{ kind: 'ServiceAccount', name: 'default', namespace: 'proto' }]);

        const canI = await newer.run(['auth', 'can-i', 'get', 'secrets', '-n', 'proto', '--user', 'cluster-1-viewer']);
        expect([canI.stdout, canI.code]).toEqual(['no\n', 1]);
        expect(await newer.ok(['auth', 'can-i', 'get', 'configmaps', '-n', 'proto', '--user', 'cluster-1-viewer'])).toBe('yes\n');
        // A protobuf body is read as strictly as JSON: an invalid name is refused the same way.
        expect(await newer.fails(['-n', 'proto', 'create', 'configmap', 'Bad_Name'])).toMatch(/^error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value/);
      } finally {
        await newer.close();
      }
    });
  });
});
