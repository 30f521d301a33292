/**
 * The error lines kubectl prints against the lab fleet, to the character: a
 * real kube-apiserver's reason and message, framed the way kubectl frames
 * each command's failures (`Error from server (<reason>): …`, `error: failed
 * to create …`, `The … is invalid: …`), for a missing or duplicate object, a
 * stale write, RBAC, invalid names, unknown fields, expired credentials and
 * a cluster that is down. Each failed write also leaves the store as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBECTL, type KubectlSession, linesOf } from '../support/kubectl.js';
import { resource as rt, startKubectlLab, type KubectlLab } from '../support/lab-kubectl.js';

const NS = 'errors';

const SUBDOMAIN_RULE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_RULE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe.skipIf(!KUBECTL)('kubectl error messages from the lab fleet', () => {
  let lab: KubectlLab;
  let kubectl: KubectlSession;
  const store = (cluster?: string) => lab.store(cluster);

  beforeAll(async () => {
    lab = await startKubectlLab('lab-kubectl-errors');
    kubectl = lab.kubectl;
    await kubectl.ok(['create', 'namespace', NS]);
    await kubectl.ok(['-n', NS, 'create', 'configmap', 'present', '--from-literal=a=1']);
    await kubectl.ok(['-n', NS, 'create', 'secret', 'generic', 'present', '--from-literal=a=1']);
    await kubectl.ok(['create', 'namespace', 'kasten-io-mc']);
    await kubectl.ok(['create', '-f', '-'], {
      stdin: 'apiVersion: config.kio.kasten.io/v1alpha1\nkind: Policy\nmetadata: {name: nightly, namespace: kasten-io-mc}\nspec: {frequency: "@daily"}\n',
    });
  });

  afterAll(async () => {
    await lab?.close();
  });

  const cm = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\n${extra}`;

  /** Runs a command that must fail and must not change the cluster; what it printed on stderr. */
  async function failsWithoutChange(args: string[], stdin?: string, cluster = 'cluster-1'): Promise<string> {
    const before = store(cluster).resourceVersion;
    const stderr = await kubectl.fails(args, { stdin });
    expect(store(cluster).resourceVersion, 'the failed command changed the store').toBe(before);
    return stderr;
  }

  it('NotFound: a missing object, core or Kasten, named as the server names it', async () => {
    expect(await kubectl.fails(['-n', NS, 'get', 'secret', 'x'])).toBe('Error from server (NotFound): secrets "x" not found\n');
    expect(await failsWithoutChange(['-n', NS, 'delete', 'secret', 'x'])).toBe('Error from server (NotFound): secrets "x" not found\n');
    expect(await kubectl.fails(['-n', NS, 'get', 'deployment', 'x'])).toBe('Error from server (NotFound): deployments.apps "x" not found\n');
    expect(await kubectl.fails(['-n', 'kasten-io-mc', 'get', 'policy', 'x'])).toBe('Error from server (NotFound): policies.config.kio.kasten.io "x" not found\n');
    expect(await failsWithoutChange(['-n', NS, 'patch', 'configmap', 'x', '-p', '{"data":{"a":"2"}}'])).toBe(
      'Error from server (NotFound): configmaps "x" not found\n',
    );
    // Creating into a namespace that does not exist.
    expect(await failsWithoutChange(['-n', 'nowhere', 'create', 'configmap', 'x'])).toBe('error: failed to create configmap: namespaces "nowhere" not found\n');
  });

  it('AlreadyExists: creating what is there, from a file and from a generator', async () => {
    expect(await failsWithoutChange(['create', '-f', '-'], cm('present'))).toBe(
      'Error from server (AlreadyExists): error when creating "STDIN": configmaps "present" already exists\n',
    );
    expect(await failsWithoutChange(['-n', NS, 'create', 'secret', 'generic', 'present', '--from-literal=b=2'])).toBe(
      'error: failed to create secret secrets "present" already exists\n',
    );
    expect(await failsWithoutChange(['create', 'namespace', NS])).toBe(`Error from server (AlreadyExists): namespaces "${NS}" already exists\n`);
    expect(store().get(rt('secrets'), NS, 'present')!.data).toEqual({ a: 'MQ==' });
  });

  it('Conflict: kubectl replace with a stale resourceVersion is refused, and the newer write stays', async () => {
    const stale = await kubectl.ok(['-n', NS, 'get', 'configmap', 'present', '-o', 'yaml']);
    await kubectl.ok(['-n', NS, 'patch', 'configmap', 'present', '--type=merge', '-p', '{"data":{"a":"newer"}}']);
    const edited = stale.replace(/^(\s+a:) .*$/m, '$1 mine');
    expect(await failsWithoutChange(['replace', '-f', '-'], edited)).toBe(
      'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "present": the object has been modified; please apply your changes to the latest version and try again\n',
    );
    expect(store().get(rt('configmaps'), NS, 'present')!.data).toEqual({ a: 'newer' });
  });

  it('Forbidden: the read-only viewer may not create, change or delete, and may not read secrets', async () => {
    const viewer = ['--user', 'cluster-1-viewer'];
    expect(await failsWithoutChange([...viewer, 'create', '-f', '-'], cm('mine'))).toBe(
      `Error from server (Forbidden): error when creating "STDIN": configmaps is forbidden: User "viewer" cannot create resource "configmaps" in API group "" in the namespace "${NS}"\n`,
    );
    expect(await failsWithoutChange([...viewer, '-n', NS, 'delete', 'configmap', 'present'])).toBe(
      `Error from server (Forbidden): configmaps "present" is forbidden: User "viewer" cannot delete resource "configmaps" in API group "" in the namespace "${NS}"\n`,
    );
    expect(await failsWithoutChange([...viewer, '-n', NS, 'label', 'configmap', 'present', 'owner=viewer'])).toBe(
      `Error from server (Forbidden): configmaps "present" is forbidden: User "viewer" cannot patch resource "configmaps" in API group "" in the namespace "${NS}"\n`,
    );
    expect(await failsWithoutChange([...viewer, '-n', 'kasten-io-mc', 'delete', 'policy', 'nightly'])).toBe(
      'Error from server (Forbidden): policies.config.kio.kasten.io "nightly" is forbidden: User "viewer" cannot delete resource "policies" in API group "config.kio.kasten.io" in the namespace "kasten-io-mc"\n',
    );
    expect(await failsWithoutChange([...viewer, 'delete', 'namespace', NS])).toBe(
      `Error from server (Forbidden): namespaces "${NS}" is forbidden: User "viewer" cannot delete resource "namespaces" in API group "" at the cluster scope\n`,
    );
    expect(await kubectl.fails([...viewer, '-n', NS, 'get', 'secrets'])).toBe(
      `Error from server (Forbidden): secrets is forbidden: User "viewer" cannot list resource "secrets" in API group "" in the namespace "${NS}"\n`,
    );
    expect(await kubectl.fails([...viewer, '-n', NS, 'get', 'secret', 'present'])).toBe(
      `Error from server (Forbidden): secrets "present" is forbidden: User "viewer" cannot get resource "secrets" in API group "" in the namespace "${NS}"\n`,
    );
    // What the viewer may read, it reads.
    expect(await kubectl.ok([...viewer, '-n', NS, 'get', 'configmap', 'present', '-o', 'name'])).toBe('configmap/present\n');
  });

  it('Invalid (422): names the server refuses, with the rule they break', async () => {
    expect(await failsWithoutChange(['-n', NS, 'create', 'configmap', 'Bad_Name'])).toBe(
      `error: failed to create configmap: ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_RULE}\n`,
    );
    expect(await failsWithoutChange(['create', 'namespace', 'Bad.Namespace'])).toBe(
      `The Namespace "Bad.Namespace" is invalid: metadata.name: Invalid value: "Bad.Namespace": ${LABEL_RULE}\n`,
    );
    expect(await failsWithoutChange(['-n', NS, 'create', 'deployment', 'Web', '--image=nginx'])).toBe(
      `error: failed to create deployment: Deployment.apps "Web" is invalid: metadata.name: Invalid value: "Web": ${SUBDOMAIN_RULE}\n`,
    );
    expect(
      await failsWithoutChange(['apply', '-f', '-'], 'apiVersion: config.kio.kasten.io/v1alpha1\nkind: Profile\nmetadata: {name: My_Profile, namespace: kasten-io-mc}\nspec: {}\n'),
    ).toBe(`The Profile "My_Profile" is invalid: metadata.name: Invalid value: "My_Profile": ${SUBDOMAIN_RULE}\n`);
    expect(await failsWithoutChange(['create', '-f', '-'], cm('labelled', '  labels: {"tier": "-web"}\n'))).toBe(
      `The ConfigMap "labelled" is invalid: metadata.labels: Invalid value: "-web": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n`,
    );
  });

  it('Forbidden: nothing new may be created in a namespace that is being deleted', async () => {
    await kubectl.ok(['create', 'namespace', 'closing']);
    await kubectl.ok(['create', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: closing, finalizers: [example.com/keep]}\n' });
    await kubectl.ok(['delete', 'namespace', 'closing', '--wait=false']);
    expect(await failsWithoutChange(['create', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: closing}\n')).toBe(
      'Error from server (Forbidden): error when creating "STDIN": configmaps "late" is forbidden: unable to create new content in namespace closing because it is being terminated\n',
    );
    await kubectl.ok(['-n', 'closing', 'patch', 'configmap', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  });

  it('BadRequest: an unknown field is refused by the server strict decoding kubectl asks for', async () => {
    const bogus = cm('strict', 'data:\n  a: "1"\nbogus: true\n');
    expect(await failsWithoutChange(['apply', '-f', '-'], bogus)).toBe(
      'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus"\n',
    );
    expect(await failsWithoutChange(['create', '-f', '-'], cm('strict', 'metadata2: {}\n'))).toBe(
      'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata2"\n',
    );
    // kubectl patch leaves field validation to the server's default: the field is dropped, with a warning.
    const rv = store().resourceVersion;
    const patched = await kubectl.run(['-n', NS, 'patch', 'configmap', 'present', '--type=merge', '-p', '{"bogus":true}']);
    expect(patched).toEqual({ code: 0, stdout: 'configmap/present patched (no change)\n', stderr: 'Warning: unknown field "bogus"\n' });
    expect(store().resourceVersion).toBe(rv);
    // Server-side apply checks the applied object against the kind's schema before anything else.
    expect(await failsWithoutChange(['apply', '--server-side', '-f', '-'], bogus)).toBe(
      `Error from server: failed to create typed patch object (${NS}/strict; /v1, Kind=ConfigMap): .bogus: field not declared in schema\n`,
    );
    // With validation off, the server drops the field and says so.
    const r = await kubectl.run(['create', '--validate=false', '-f', '-'], { stdin: bogus });
    expect([r.code, r.stdout]).toEqual([0, 'configmap/strict created\n']);
    expect(store().get(rt('configmaps'), NS, 'strict')).not.toHaveProperty('bogus');
  });

  it('BadRequest: a value of the wrong type (an unquoted number in a ConfigMap) is refused as Go refuses it', async () => {
    expect(await failsWithoutChange(['apply', '-f', '-'], cm('typed', 'data:\n  port: 3306\n'))).toBe(
      'Error from server (BadRequest): error when creating "STDIN": ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ConfigMap.data of type string\n',
    );
    expect(
      await failsWithoutChange(
        ['apply', '-f', '-'],
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: typed, namespace: ${NS}}\nspec: {replicas: "2", selector: {matchLabels: {app: x}}, template: {metadata: {labels: {app: x}}, spec: {containers: [{name: x, image: x}]}}}\n`,
      ),
    ).toBe(
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n',
    );
    // A patch that would make the object so is invalid: the server shows the patch as Go prints it.
    expect(await failsWithoutChange(['-n', NS, 'patch', 'configmap', 'present', '-p', '{"data":{"port":3306}}'])).toBe(
      'The request is invalid: patch: Invalid value: "map[data:map[port:3306]]": json: cannot unmarshal number into Go struct field ConfigMap.data of type string\n',
    );
  });

  it('Unauthorized: expired credentials are refused, and only theirs', async () => {
    const cluster2 = lab.fleet.cluster('cluster-2');
    // The viewer has been working with cluster-2 (kubectl has its discovery cached) when the token expires.
    await kubectl.ok(['--context', 'cluster-2', '--user', 'cluster-2-viewer', 'get', 'namespaces']);
    cluster2.expireCredentials('viewer');
    try {
      const r = await kubectl.run(['--context', 'cluster-2', '--user', 'cluster-2-viewer', 'get', 'namespaces']);
      expect(r.code).toBe(1);
      expect(linesOf(r.stderr).at(-1)).toBe('error: You must be logged in to the server (Unauthorized)');
      expect(await kubectl.ok(['--context', 'cluster-2', 'get', 'namespace', 'default', '-o', 'name'])).toBe('namespace/default\n');
      expect(await kubectl.ok(['--user', 'cluster-1-viewer', 'get', 'namespace', 'default', '-o', 'name'])).toBe('namespace/default\n');
    } finally {
      cluster2.resetFaults();
    }
    expect(await kubectl.ok(['--context', 'cluster-2', '--user', 'cluster-2-viewer', 'get', 'namespace', 'default', '-o', 'name'])).toBe('namespace/default\n');
  });

  it('a stopped cluster refuses the connection, and answers again once started', async () => {
    const cluster2 = lab.fleet.cluster('cluster-2');
    await cluster2.stop();
    try {
      const r = await kubectl.run(['--context', 'cluster-2', 'get', 'namespaces']);
      expect(r.code).toBe(1);
      expect(linesOf(r.stderr).at(-1)).toBe(`The connection to the server 127.0.0.1:${cluster2.port} was refused - did you specify the right host or port?`);
      // The other cluster does not notice.
      expect(await kubectl.ok(['get', 'namespace', NS, '-o', 'name'])).toBe(`namespace/${NS}\n`);
    } finally {
      await cluster2.start();
    }
    expect(await kubectl.ok(['--context', 'cluster-2', 'get', 'namespace', 'default', '-o', 'name'])).toBe('namespace/default\n');
  });
});
