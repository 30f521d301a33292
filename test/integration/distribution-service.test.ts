/**
 * Global profiles and policies and the Distributions that send them,
 * through the router against a lab fleet over real HTTPS, every outcome
 * checked with the real kubectl: a profile with its Secret reaches the
 * selected clusters only; a cluster that comes to match receives it; a local
 * edit made with kubectl shows Modified with the difference and a force sync
 * restores it; a target that goes down shows Unreachable and recovers;
 * deleting a distribution leaves the copies and says where. The S3 secret
 * key appears nowhere Flotilla writes or answers, unless asked for.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { silentLogger } from '../../main/log.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { createServices, type Services } from '../../main/services.js';
import { eventually } from './lab-helpers.js';
import { routerCalls } from '../support/router-calls.js';
import { KUBECTL, kubectlFor } from '../support/kubectl.js';

const MC = 'kasten-io-mc';
const ACCESS_KEY = 'AKIAFLOTILLATEST0001';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYFLOTILLAKEY';

describe.skipIf(!KUBECTL)('global resources and distributions against the lab fleet', () => {
  let lab: LabFleet;
  let dir: string;
  let kubeconfig: string;
  let services: Services;
  const { kubectl } = kubectlFor(() => kubeconfig);
  const id = (name: string) => `kubeconfig:${name}`;
  const primaryId = id('cluster-1');

  const { call, failure } = routerCalls(() => services.router);

  /** The distribution's per-cluster states, once they match `want` (or the last seen, for the failure message). */
  async function statesOf(name: string, want: Record<string, string>, timeoutMs = 15_000): Promise<Record<string, string>> {
    let last: Record<string, string> = {};
    await eventually(async () => {
      const [d] = await call('distributions:list', { primaryId, name });
      last = Object.fromEntries(d!.clusters.map((c) => [c.name, c.state]));
      return Object.entries(want).every(([k, v]) => last[k] === v) && Object.keys(last).length === Object.keys(want).length;
    }, `states ${JSON.stringify(want)}`, timeoutMs).catch(() => undefined);
    return last;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-dist-'));
    kubeconfig = join(dir, 'lab.kubeconfig');
    lab = await startLabFleet({ clusters: 4, kubeconfigPath: kubeconfig, k10: { unreachableAfterMs: 1_500, pollHoldMs: 1_000 } });
    services = await createServices({ host: { shell: 'cli', userDataDir: join(dir, 'user-data') }, kubeconfigFile: kubeconfig, secrets: new MemorySecretStore(), log: silentLogger, k10TimeoutMs: 10_000 });
    await call('promote:run', { clusterId: primaryId, name: 'cluster-1', ingressUrl: lab.cluster('cluster-1').k10IngressUrl });
    const joined = await call('join:many', { primaryId, secondaries: [{ clusterId: id('cluster-2') }, { clusterId: id('cluster-3') }], waitSeconds: 30 });
    expect(joined.results.map((r) => r.state)).toEqual(['joined', 'joined']);
    await call('labels:set', { primaryId, clusterName: 'cluster-2', set: { env: 'prod' } });
  });

  afterAll(async () => {
    await services?.stop();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says which field of a profile is wrong before writing anything', async () => {
    const err = await failure('profiles:save', { primaryId, profile: { name: 'bad', bucket: 'Not_A_Bucket', region: 'us east' }, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, create: true });
    expect(err.code).toBe('INVALID_ARGS');
    expect(err.message).toMatch(/bucket: a bucket name has only lowercase/);
    expect(err.message).toMatch(/region: "us east" is not a region name/);
    expect((await call('profiles:list', { primaryId })).map((p) => p.name)).toEqual([]);
    const noKeys = await failure('profiles:save', { primaryId, profile: { name: 'nokeys', bucket: 'kasten', region: 'us-east-1' }, create: true });
    expect(noKeys.message).toMatch(/credentials: an access key and a secret key are required/);
  });

  it('creates a global S3 profile whose keys go to its Secret only, and a policy exporting to it', async () => {
    const p = await call('profiles:save', { primaryId, profile: { name: 'global-profile-example', bucket: 'kasten', region: 'us-east-1' }, credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY }, create: true });
    expect(p).toMatchObject({ name: 'global-profile-example', bucket: 'kasten', region: 'us-east-1', hasCredentials: true });
    expect(JSON.stringify(p)).not.toContain(SECRET_KEY);
    const stored = await kubectl('cluster-1', 'get', 'secret', 'global-profile-example-credentials', '-n', MC, '-o', 'jsonpath={.data.aws_secret_access_key}');
    expect(Buffer.from(stored, 'base64').toString('utf8')).toBe(SECRET_KEY);
    const pol = await call('policies:save', { primaryId, policy: { name: 'daily-backup', frequency: '@daily', retention: { daily: 7, weekly: 4 }, exportProfile: 'global-profile-example', selector: 'tier=db' }, create: true });
    expect(pol).toMatchObject({ frequency: '@daily', retention: { daily: 7, weekly: 4 }, exportProfile: 'global-profile-example', selector: 'tier in (db)' });
  });

  it('edits a profile without its keys: they stay as they were', async () => {
    await call('profiles:save', { primaryId, profile: { name: 'global-profile-example', bucket: 'kasten', region: 'eu-west-1' }, create: false });
    const stored = await kubectl('cluster-1', 'get', 'secret', 'global-profile-example-credentials', '-n', MC, '-o', 'jsonpath={.data.aws_secret_access_key}');
    expect(Buffer.from(stored, 'base64').toString('utf8')).toBe(SECRET_KEY);
    await call('profiles:save', { primaryId, profile: { name: 'global-profile-example', bucket: 'kasten', region: 'us-east-1' }, create: false });
  });

  it('distributes the profile and its Secret, and the policy, to the selected clusters only', async () => {
    const r = await call('distributions:save', {
      primaryId,
      name: 'example-distribution',
      targets: [{ selector: 'dist.kio.kasten.io/cluster-type=primary' }, { selector: 'env=prod' }],
      sources: [{ kind: 'Profile', name: 'global-profile-example' }, { kind: 'Policy', name: 'daily-backup' }],
      create: true,
    });
    expect(r.added).toEqual(['cluster-1', 'cluster-2']);
    expect(await statesOf('example-distribution', { 'cluster-1': 'synced', 'cluster-2': 'synced' })).toEqual({ 'cluster-1': 'synced', 'cluster-2': 'synced' });
    expect((await kubectl('cluster-2', 'get', 'profiles.config.kio.kasten.io', '-n', 'kasten-io', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ')).toContain('global-profile-example');
    expect(await kubectl('cluster-2', 'get', 'secret', 'global-profile-example-credentials', '-n', 'kasten-io', '-o', 'jsonpath={.metadata.name}')).toBe('global-profile-example-credentials');
    const none = await kubectl('cluster-3', 'get', 'profiles.config.kio.kasten.io', '-n', 'kasten-io', '-o', 'name');
    expect(none).not.toContain('global-profile-example');
  });

  it('refuses a second distribution of the same name: a name cannot change', async () => {
    const err = await failure('distributions:save', { primaryId, name: 'example-distribution', targets: [{ name: 'cluster-3' }], sources: [{ kind: 'Policy', name: 'daily-backup' }], create: true });
    expect(err.code).toBe('CONFLICT');
  });

  it('sends it to a cluster that comes to match the selector', async () => {
    await call('labels:set', { primaryId, clusterName: 'cluster-3', set: { env: 'prod' } });
    expect(await statesOf('example-distribution', { 'cluster-1': 'synced', 'cluster-2': 'synced', 'cluster-3': 'synced' })).toMatchObject({ 'cluster-3': 'synced' });
  });

  it('shows a local edit made with kubectl as Modified, field by field, and a force sync restores it', async () => {
    await kubectl('cluster-2', 'patch', 'policies.config.kio.kasten.io', 'daily-backup', '-n', 'kasten-io', '--type', 'merge', '-p', '{"spec":{"retention":{"daily":3}}}');
    const [d] = await eventually(async () => {
      const list = await call('distributions:list', { primaryId, name: 'example-distribution' });
      return list[0]!.clusters.find((c) => c.name === 'cluster-2')?.state === 'modified' ? list : undefined;
    }, 'cluster-2 to show modified', 10_000);
    expect(d!.state).toBe('modified');
    const c2 = d!.clusters.find((c) => c.name === 'cluster-2')!;
    expect(c2.diff).toEqual([{ path: 'Policy daily-backup: spec.retention.daily', expected: '7', actual: '3' }]);
    await call('distributions:sync', { primaryId, name: 'example-distribution' });
    expect(await statesOf('example-distribution', { 'cluster-1': 'synced', 'cluster-2': 'synced', 'cluster-3': 'synced' })).toMatchObject({ 'cluster-2': 'synced' });
    expect(await kubectl('cluster-2', 'get', 'policies.config.kio.kasten.io', 'daily-backup', '-n', 'kasten-io', '-o', 'jsonpath={.spec.retention.daily}')).toBe('7');
  });

  it('shows a target that is down as Unreachable, and Synced again by itself when it returns', async () => {
    await lab.cluster('cluster-3').stop();
    try {
      expect(await statesOf('example-distribution', { 'cluster-1': 'synced', 'cluster-2': 'synced', 'cluster-3': 'unreachable' })).toMatchObject({ 'cluster-3': 'unreachable' });
      const [d] = await call('distributions:list', { primaryId, name: 'example-distribution' });
      expect(d!.state).toBe('unreachable');
    } finally {
      await lab.cluster('cluster-3').start();
    }
    expect(await statesOf('example-distribution', { 'cluster-1': 'synced', 'cluster-2': 'synced', 'cluster-3': 'synced' })).toMatchObject({ 'cluster-3': 'synced' });
  });

  it('shows YAML with the secret key redacted unless asked for', async () => {
    const { yaml } = await call('resources:yaml', { primaryId, kind: 'Profile', name: 'global-profile-example' });
    expect(yaml).toContain('kind: Profile');
    expect(yaml).toContain('aws_secret_access_key: "[redacted]"');
    expect(yaml).not.toContain(Buffer.from(SECRET_KEY).toString('base64'));
    const revealed = await call('resources:reveal-yaml', { primaryId, kind: 'Profile', name: 'global-profile-example' });
    expect(revealed.yaml.maskAfterMs).toBe(30_000);
    expect(revealed.yaml.value).toContain(Buffer.from(SECRET_KEY).toString('base64'));
  });

  it('refuses to delete a profile still in use, naming what uses it', async () => {
    const err = await failure('profiles:delete', { primaryId, name: 'global-profile-example' });
    expect(err.message).toMatch(/distribution example-distribution/);
    expect(err.message).toMatch(/policy daily-backup/);
  });

  it('deletes the distribution and says where its copies stay, as Kasten keeps them', async () => {
    const r = await call('distributions:delete', { primaryId, name: 'example-distribution' });
    expect(r.copiesKeptOn).toEqual(['cluster-1', 'cluster-2', 'cluster-3']);
    // Give K10 the time to act on the deletion (a sync round), then look: the copies are still there.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const c of ['cluster-1', 'cluster-2', 'cluster-3']) {
      expect((await kubectl(c, 'get', 'profiles.config.kio.kasten.io', '-n', 'kasten-io', '-o', 'jsonpath={.items[*].metadata.name}')).split(' '), c).toContain('global-profile-example');
      expect(await kubectl(c, 'get', 'policies.config.kio.kasten.io', 'daily-backup', '-n', 'kasten-io', '-o', 'jsonpath={.metadata.name}'), c).toBe('daily-backup');
    }
  });

  it('never writes the S3 keys to the state, the log or the audit log', async () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (p: string) => files.push(p))(join(d, e.name));
    };
    walk(join(dir, 'user-data'));
    expect(files.some((f) => f.endsWith('audit.jsonl'))).toBe(true);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text.includes(SECRET_KEY), f).toBe(false);
      expect(text.includes(Buffer.from(SECRET_KEY).toString('base64')), f).toBe(false);
    }
  });
});
