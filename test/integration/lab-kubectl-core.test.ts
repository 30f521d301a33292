/**
 * Core kinds through the real kubectl, as a person at a terminal sees them:
 * create, get (tables, JSON, YAML, jsonpath, selectors, watches), patch,
 * apply (client- and server-side), delete, namespace deletion, finalizers
 * and server dry runs. Assertions are on what kubectl prints, and on the
 * cluster's store where printing alone could hide a mistake.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { KUBECTL, type KubectlSession, linesOf, tableOf } from '../support/kubectl.js';
import { resource as rt, startKubectlLab, type KubectlLab } from '../support/lab-kubectl.js';

describe.skipIf(!KUBECTL)('kubectl and core kinds on the lab fleet', () => {
  let lab: KubectlLab;
  let kubectl: KubectlSession;
  const store = (cluster?: string) => lab.store(cluster);

  beforeAll(async () => {
    lab = await startKubectlLab('lab-kubectl-core');
    kubectl = lab.kubectl;
  });

  afterAll(async () => {
    await lab?.close();
  });

  describe('core kinds', () => {
    it('creates one object of each core kind with kubectl create and prints each kind with its own columns', async () => {
      expect(await kubectl.ok(['create', 'namespace', 'shop'])).toBe('namespace/shop created\n');
      expect(await kubectl.ok(['-n', 'shop', 'create', 'configmap', 'settings', '--from-literal=color=blue', '--from-literal=size=9'])).toBe(
        'configmap/settings created\n',
      );
      expect(await kubectl.ok(['-n', 'shop', 'create', 'secret', 'generic', 'db', '--from-literal=password=s3cret'])).toBe('secret/db created\n');
      expect(await kubectl.ok(['-n', 'shop', 'create', 'serviceaccount', 'builder'])).toBe('serviceaccount/builder created\n');
      expect(await kubectl.ok(['-n', 'shop', 'create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2'])).toBe('deployment.apps/web created\n');
      expect(await kubectl.ok(['-n', 'shop', 'create', 'role', 'reader', '--verb=get,list', '--resource=configmaps'])).toBe(
        'role.rbac.authorization.k8s.io/reader created\n',
      );
      expect(await kubectl.ok(['-n', 'shop', 'create', 'rolebinding', 'builder-reads', '--role=reader', '--serviceaccount=shop:builder'])).toBe(
        'rolebinding.rbac.authorization.k8s.io/builder-reads created\n',
      );

      const ns = tableOf(await kubectl.ok(['get', 'namespace', 'shop']));
      expect(ns.columns).toEqual(['NAME', 'STATUS', 'AGE']);
      expect(ns.rows).toEqual([{ NAME: 'shop', STATUS: 'Active', AGE: expect.stringMatching(/^\d+s$/) }]);

      const cm = tableOf(await kubectl.ok(['-n', 'shop', 'get', 'configmaps']));
      expect(cm.columns).toEqual(['NAME', 'DATA', 'AGE']);
      expect(cm.rows).toEqual([{ NAME: 'settings', DATA: '2', AGE: expect.stringMatching(/^\d+s$/) }]);

      const secrets = tableOf(await kubectl.ok(['-n', 'shop', 'get', 'secrets']));
      expect(secrets.columns).toEqual(['NAME', 'TYPE', 'DATA', 'AGE']);
      expect(secrets.rows).toEqual([{ NAME: 'db', TYPE: 'Opaque', DATA: '1', AGE: expect.stringMatching(/^\d+s$/) }]);

      const sa = tableOf(await kubectl.ok(['-n', 'shop', 'get', 'serviceaccounts']));
      expect(sa.columns).toEqual(['NAME', 'SECRETS', 'AGE']);
      expect(sa.rows.map((r) => [r.NAME, r.SECRETS])).toEqual([['builder', '0']]);

      const deploy = tableOf(await kubectl.ok(['-n', 'shop', 'get', 'deployments']));
      expect(deploy.columns).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
      expect(deploy.rows.map((r) => [r.NAME, r.READY, r['UP-TO-DATE'], r.AVAILABLE])).toEqual([['web', '0/2', '0', '0']]);

      const roles = tableOf(await kubectl.ok(['-n', 'shop', 'get', 'roles']));
      expect(roles.columns).toEqual(['NAME', 'CREATED AT']);
      expect(roles.rows).toEqual([{ NAME: 'reader', 'CREATED AT': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) }]);

      const bindings = tableOf(await kubectl.ok(['-n', 'shop', 'get', 'rolebindings']));
      expect(bindings.columns).toEqual(['NAME', 'ROLE', 'AGE']);
      expect(bindings.rows.map((r) => [r.NAME, r.ROLE])).toEqual([['builder-reads', 'Role/reader']]);

      // What kubectl create sent is what the cluster keeps.
      const binding = store().get(rt('rolebindings'), 'shop', 'builder-reads')!;
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'builder', namespace: 'shop' }]);
      expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' });
      // Each cluster is its own: cluster-2 has none of it.
      expect(await kubectl.fails(['--context', 'cluster-2', 'get', 'namespace', 'shop'])).toBe('Error from server (NotFound): namespaces "shop" not found\n');
    });

    it('prints one object as JSON, as YAML and through jsonpath', async () => {
      const json = JSON.parse(await kubectl.ok(['-n', 'shop', 'get', 'secret', 'db', '-o', 'json']));
      expect(json).toMatchObject({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'db', namespace: 'shop' } });
      expect(Buffer.from(json.data.password, 'base64').toString()).toBe('s3cret');
      expect(json.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(json.metadata.resourceVersion).toBe(store().get(rt('secrets'), 'shop', 'db')!.metadata.resourceVersion);

      const yaml = parseYaml(await kubectl.ok(['-n', 'shop', 'get', 'configmap', 'settings', '-o', 'yaml']));
      expect(yaml).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { color: 'blue', size: '9' }, metadata: { name: 'settings' } });
      // kubectl hides managedFields unless asked.
      expect(yaml.metadata.managedFields).toBeUndefined();
      const managed = parseYaml(await kubectl.ok(['-n', 'shop', 'get', 'configmap', 'settings', '-o', 'yaml', '--show-managed-fields']));
      expect(managed.metadata.managedFields).toEqual([expect.objectContaining({ manager: 'kubectl-create', operation: 'Update' })]);

      expect(await kubectl.ok(['-n', 'shop', 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}'])).toBe(
        '2 nginx:1.27',
      );
      expect(await kubectl.ok(['get', 'namespace', 'shop', '-o', 'jsonpath={.status.phase}'])).toBe('Active');
    });

    it('lists across namespaces with -A, and filters with set-based label selectors and field selectors', async () => {
      const manifest = (name: string, ns: string, labels: Record<string, string>) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels: ${JSON.stringify({ suite: 'select', ...labels })}\n---\n`;
      await kubectl.ok(['create', 'namespace', 'shop-2']);
      await kubectl.ok(['create', '-f', '-'], {
        stdin:
          manifest('front', 'shop', { tier: 'web', env: 'prod' }) +
          manifest('front', 'shop-2', { tier: 'web', env: 'dev' }) +
          manifest('store', 'shop-2', { tier: 'db' }) +
          manifest('cache', 'shop', { tier: 'cache', env: 'dev' }),
      });

      const all = tableOf(await kubectl.ok(['get', 'configmaps', '-A', '-l', 'suite=select']));
      expect(all.columns).toEqual(['NAMESPACE', 'NAME', 'DATA', 'AGE']);
      expect(all.rows.map((r) => `${r.NAMESPACE}/${r.NAME}`)).toEqual(['shop-2/front', 'shop-2/store', 'shop/cache', 'shop/front']);

      const names = async (...args: string[]) => linesOf(await kubectl.ok(['get', 'configmaps', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}', ...args]));
      expect(await names('-l', 'suite=select,tier in (web,db),env!=prod')).toEqual(['shop-2/front', 'shop-2/store']);
      expect(await names('-l', 'suite=select,!env')).toEqual(['shop-2/store']);
      expect(await names('-l', 'suite=select,tier notin (web,db)')).toEqual(['shop/cache']);
      expect(await names('-l', 'suite=select,env')).toEqual(['shop-2/front', 'shop/cache', 'shop/front']);
      expect(await names('-l', 'suite=select', '--field-selector', 'metadata.name=front')).toEqual(['shop-2/front', 'shop/front']);
      expect(await names('--field-selector', 'metadata.name=front,metadata.namespace!=shop')).toEqual(['shop-2/front']);

      expect(await kubectl.ok(['get', 'secrets', '-A', '--field-selector', 'type=Opaque', '-o', 'name'])).toBe('secret/db\n');
      expect(await kubectl.ok(['get', 'namespaces', '--field-selector', 'metadata.name=shop-2', '-o', 'name'])).toBe('namespace/shop-2\n');
      expect(await kubectl.ok(['get', 'namespaces', '-l', 'kubernetes.io/metadata.name in (shop,shop-2)', '-o', 'name'])).toBe('namespace/shop\nnamespace/shop-2\n');
      expect(await kubectl.ok(['-n', 'shop', 'get', 'configmaps', '-l', 'tier=nothing'])).toBe('');
    });

    it('kubectl get -w prints a line for each change it is watching, and nothing for others', async () => {
      await kubectl.ok(['-n', 'shop', 'create', 'configmap', 'watched', '--from-literal=a=1']);
      const watch = kubectl.start(['-n', 'shop', 'get', 'configmap', 'watched', '--watch', '--output-watch-events']);
      try {
        expect(await watch.waitForLine(/^EVENT\s+NAME\s+DATA\s+AGE$/)).toBeTruthy();
        await watch.waitForLine(/^ADDED\s+watched\s+1\s+\d+s$/);
        const seen = watch.lines.length;
        await kubectl.ok(['-n', 'shop', 'create', 'configmap', 'other', '--from-literal=a=1']);
        await kubectl.ok(['-n', 'shop', 'patch', 'configmap', 'watched', '--type=merge', '-p', '{"data":{"b":"2"}}']);
        await watch.waitForLine(/^MODIFIED\s+watched\s+2\s+\d+s$/, { from: seen });
        await kubectl.ok(['-n', 'shop', 'delete', 'configmap', 'watched']);
        await watch.waitForLine(/^DELETED\s+watched\s+2\s+\d+s$/, { from: seen });
        expect(watch.lines.slice(seen).map((l) => l.split(/\s+/)[0])).toEqual(['MODIFIED', 'DELETED']);
      } finally {
        await watch.stop();
      }
    });

    it('patches with a merge patch, a JSON patch and a strategic merge patch that merges containers by name', async () => {
      expect(await kubectl.ok(['-n', 'shop', 'patch', 'configmap', 'settings', '--type=merge', '-p', '{"data":{"color":"red","size":null}}'])).toBe(
        'configmap/settings patched\n',
      );
      expect(store().get(rt('configmaps'), 'shop', 'settings')!.data).toEqual({ color: 'red' });

      await kubectl.ok(['-n', 'shop', 'patch', 'configmap', 'settings', '--type=json', '-p', '[{"op":"add","path":"/data/shape","value":"round"},{"op":"remove","path":"/data/color"}]']);
      expect(store().get(rt('configmaps'), 'shop', 'settings')!.data).toEqual({ shape: 'round' });

      await kubectl.ok(['-n', 'shop', 'patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"proxy","image":"envoy:1.31"}]}}}}']);
      const containers = () =>
        kubectl.ok(['-n', 'shop', 'get', 'deployment', 'web', '-o', 'jsonpath={range .spec.template.spec.containers[*]}{.name}={.image} {end}']);
      // A strategic merge adds the new container and keeps the old one; a merge patch would have replaced the list.
      expect(await containers()).toBe('proxy=envoy:1.31 nginx=nginx:1.27 ');
      await kubectl.ok(['-n', 'shop', 'patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}']);
      expect(await containers()).toBe('proxy=envoy:1.31 nginx=nginx:1.28 ');
      await kubectl.ok(['-n', 'shop', 'patch', 'deployment', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"proxy","$patch":"delete"}]}}}}']);
      expect(await containers()).toBe('nginx=nginx:1.28 ');
      // Patching what is already there changes nothing, and says so.
      expect(await kubectl.ok(['-n', 'shop', 'patch', 'deployment', 'web', '-p', '{"spec":{"replicas":2}}'])).toBe('deployment.apps/web patched (no change)\n');
    });

    it('applies client-side: created, unchanged, configured, and a container removed from the file is removed from the Deployment', async () => {
      const deployment = (containers: [string, string][]) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
${containers.map(([name, image]) => `      - name: ${name}\n        image: ${image}\n`).join('')}`;
      const two = deployment([['api', 'api:1'], ['sidecar', 'logger:1']]);
      expect(await kubectl.ok(['apply', '-f', '-'], { stdin: two })).toBe('deployment.apps/api created\n');
      const rv = store().get(rt('deployments'), 'shop', 'api')!.metadata.resourceVersion;
      expect(await kubectl.ok(['apply', '-f', '-'], { stdin: two })).toBe('deployment.apps/api unchanged\n');
      expect(store().get(rt('deployments'), 'shop', 'api')!.metadata.resourceVersion).toBe(rv);

      expect(await kubectl.ok(['apply', '-f', '-'], { stdin: deployment([['api', 'api:2'], ['sidecar', 'logger:1']]) })).toBe('deployment.apps/api configured\n');
      expect(await kubectl.ok(['apply', '-f', '-'], { stdin: deployment([['api', 'api:2']]) })).toBe('deployment.apps/api configured\n');
      const stored = store().get(rt('deployments'), 'shop', 'api')!;
      expect((stored.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers).toEqual([{ name: 'api', image: 'api:2' }]);
      expect(stored.metadata.generation).toBe(3);
      const lastApplied = JSON.parse(stored.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']);
      expect(lastApplied.spec.template.spec.containers).toEqual([{ name: 'api', image: 'api:2' }]);
    });

    it('applies server-side, refuses to take a field another manager owns, and takes it with --force-conflicts', async () => {
      const cm = (owner: string, extra = '') =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\n  namespace: shop\ndata:\n  owner: ${owner}\n${extra}`;
      expect(await kubectl.ok(['apply', '--server-side', '-f', '-'], { stdin: cm('alice') })).toBe('configmap/owned serverside-applied\n');
      expect(await kubectl.ok(['apply', '--server-side', '-f', '-'], { stdin: cm('alice') })).toBe('configmap/owned serverside-applied\n');

      const before = store().get(rt('configmaps'), 'shop', 'owned')!;
      const r = await kubectl.run(['apply', '--server-side', '--field-manager=bob', '-f', '-'], { stdin: cm('bob') });
      expect(r.code).toBe(1);
      expect(linesOf(r.stderr)[0]).toBe('error: Apply failed with 1 conflict: conflict with "kubectl" using v1: .data.owner');
      expect(r.stderr).toContain('--force-conflicts');
      expect(store().get(rt('configmaps'), 'shop', 'owned')).toBe(before);

      // Agreeing on a value is not a conflict: bob co-owns it and adds a field of his own.
      await kubectl.ok(['apply', '--server-side', '--field-manager=bob', '-f', '-'], { stdin: cm('alice', '  reviewer: bob\n') });
      expect(await kubectl.ok(['apply', '--server-side', '--field-manager=bob', '--force-conflicts', '-f', '-'], { stdin: cm('bob', '  reviewer: bob\n') })).toBe(
        'configmap/owned serverside-applied\n',
      );
      const after = store().get(rt('configmaps'), 'shop', 'owned')!;
      expect(after.data).toEqual({ owner: 'bob', reviewer: 'bob' });
      const managers = (after.metadata.managedFields as { manager: string; operation: string; fieldsV1: object }[]).map((m) => [m.manager, m.operation, m.fieldsV1]);
      // kubectl lost .data.owner to bob and owns nothing else, so it is no longer a manager at all.
      expect(managers).toEqual([['bob', 'Apply', { 'f:data': { 'f:owner': {}, 'f:reviewer': {} } }]]);
    });

    it('deletes an object, and a deleted namespace takes everything in it along', async () => {
      expect(await kubectl.ok(['-n', 'shop', 'delete', 'configmap', 'other'])).toBe('configmap "other" deleted\n');
      expect(await kubectl.fails(['-n', 'shop', 'get', 'configmap', 'other'])).toBe('Error from server (NotFound): configmaps "other" not found\n');

      // kubectl delete waits until the namespace is gone, so once it returns the content is gone too.
      expect(await kubectl.ok(['delete', 'namespace', 'shop-2'])).toBe('namespace "shop-2" deleted\n');
      expect(await kubectl.fails(['get', 'namespace', 'shop-2'])).toBe('Error from server (NotFound): namespaces "shop-2" not found\n');
      const r = await kubectl.run(['-n', 'shop-2', 'get', 'configmaps']);
      expect([r.code, r.stdout, r.stderr]).toEqual([0, '', 'No resources found in shop-2 namespace.\n']);
      expect(store().list(rt('configmaps'), { namespace: 'shop-2' }).items).toEqual([]);
    });

    it('keeps an object with a finalizer, and its namespace, Terminating until kubectl patch removes the finalizer', async () => {
      await kubectl.ok(['create', 'namespace', 'held']);
      await kubectl.ok(['create', '-f', '-'], {
        stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: precious\n  namespace: held\n  finalizers: [example.com/keep]\n',
      });
      expect(await kubectl.ok(['-n', 'held', 'delete', 'configmap', 'precious', '--wait=false'])).toBe('configmap "precious" deleted\n');
      expect(await kubectl.ok(['-n', 'held', 'get', 'configmap', 'precious', '-o', 'jsonpath={.metadata.deletionTimestamp}'])).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(await kubectl.ok(['delete', 'namespace', 'held', '--wait=false'])).toBe('namespace "held" deleted\n');

      const ns = tableOf(await kubectl.ok(['get', 'namespace', 'held']));
      expect(ns.rows.map((r) => [r.NAME, r.STATUS])).toEqual([['held', 'Terminating']]);
      expect(tableOf(await kubectl.ok(['-n', 'held', 'get', 'configmaps'])).rows.map((r) => r.NAME)).toEqual(['precious']);

      expect(await kubectl.ok(['-n', 'held', 'patch', 'configmap', 'precious', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]'])).toBe(
        'configmap/precious patched\n',
      );
      // Without its finalizer the object goes; the namespace controller then finds the namespace empty, and it goes too.
      await kubectl.ok(['-n', 'held', 'wait', '--for=delete', 'configmap/precious', '--timeout=10s']);
      await kubectl.ok(['wait', '--for=delete', 'namespace/held', '--timeout=10s']);
      expect(store().get(rt('configmaps'), 'held', 'precious')).toBeUndefined();
      expect(store().get(rt('namespaces'), undefined, 'held')).toBeUndefined();
    });

    it('--dry-run=server answers as if it had created, patched or deleted, and stores nothing', async () => {
      const rv = store().resourceVersion;
      const created = parseYaml(await kubectl.ok(['-n', 'shop', 'create', 'configmap', 'dry', '--from-literal=a=1', '--dry-run=server', '-o', 'yaml']));
      expect(created).toMatchObject({ kind: 'ConfigMap', data: { a: '1' }, metadata: { name: 'dry', namespace: 'shop' } });
      expect(created.metadata.uid).toBeTruthy();
      expect(created.metadata.resourceVersion).toBeUndefined();
      // kubectl patch prints no dry-run note; what it prints is the object the server would have written.
      const patched = JSON.parse(await kubectl.ok(['-n', 'shop', 'patch', 'configmap', 'settings', '--dry-run=server', '-p', '{"data":{"shape":"square"}}', '-o', 'json']));
      expect(patched.data).toEqual({ shape: 'square' });
      expect(await kubectl.ok(['-n', 'shop', 'delete', 'secret', 'db', '--dry-run=server'])).toBe('secret "db" deleted (server dry run)\n');

      expect(await kubectl.fails(['-n', 'shop', 'get', 'configmap', 'dry'])).toBe('Error from server (NotFound): configmaps "dry" not found\n');
      expect(store().get(rt('configmaps'), 'shop', 'settings')!.data).toEqual({ shape: 'round' });
      expect(store().get(rt('secrets'), 'shop', 'db')).toBeDefined();
      expect(store().resourceVersion).toBe(rv);
    });
  });
});
