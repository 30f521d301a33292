/**
 * The multi-cluster workflows through the router, as every shell calls them,
 * against a lab fleet over real HTTPS, each result checked with the real
 * kubectl as an independent client: promote, tokens and their hand-over,
 * joins (pasted, refused, rejected, one click with a failure), permissions,
 * labels, disconnect (normal and forced while the secondary is down),
 * demote, and the audit log, which never holds a token.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinProgressEvent } from '../../shared/contract/index.js';
import { MemoryClipboard } from '../../main/host/clipboard.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { silentLogger } from '../../main/log.js';
import { openHandoff, readHandoffFile } from '../../main/multicluster/handoff.js';
import { tokenFingerprint } from '../../main/multicluster/fingerprint.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { createServices, type Services } from '../../main/services.js';
import type { RouterEvent } from '../../main/ipc/router.js';
import { routerCalls } from '../support/router-calls.js';
import { KUBECTL, kubectlFor, runKubectl } from '../support/kubectl.js';

const MC = 'kasten-io-mc';

describe.skipIf(!KUBECTL)('multi-cluster workflows against the lab fleet', () => {
  let lab: LabFleet;
  let dir: string;
  let kubeconfig: string;
  let services: Services;
  let clipboard: MemoryClipboard;
  /** Every token value seen, to prove none reached a file. */
  const tokens = new Set<string>();
  const events: RouterEvent[] = [];

  const { call, failure } = routerCalls(() => services.router);


  const { kubectl, secretOn: secretIn } = kubectlFor(() => kubeconfig);
  const secretOn = (context: string, name: string, key: string) => secretIn(context, 'kasten-io', name, key);

  const id = (name: string) => `kubeconfig:${name}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-mc-'));
    kubeconfig = join(dir, 'lab.kubeconfig');
    lab = await startLabFleet({ clusters: 6, kubeconfigPath: kubeconfig, k10: { unreachableAfterMs: 1_500, pollHoldMs: 1_000 } });
    clipboard = new MemoryClipboard();
    services = await createServices({
      host: { shell: 'cli', userDataDir: join(dir, 'user-data'), clipboard },
      kubeconfigFile: kubeconfig,
      secrets: new MemorySecretStore(),
      log: silentLogger,
      k10TimeoutMs: 10_000,
    });
    services.router.subscribe((e) => events.push(e));
  });

  afterAll(async () => {
    await services?.stop();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens no fleet watches for a command-line shell: only the clusters it talks to get a connection', async () => {
    await call('promote:plan', { clusterId: id('cluster-1') });
    expect(services.fleet.stats().watches).toBe(0);
    expect(services.pool.size).toBe(1);
  });

  describe('promote', () => {
    it('plans with a valid name and the K10 ingress the cluster exposes', async () => {
      const plan = await call('promote:plan', { clusterId: id('cluster-1') });
      expect(plan.refusal).toBeUndefined();
      expect(plan.suggestedName).toBe('cluster-1');
      expect(plan.ingress.url).toBe(lab.cluster('cluster-1').k10IngressUrl);
    });

    it('shows the exact manifests and Helm flags, and what is wrong with a name or a URL', async () => {
      const good = await call('promote:render', { name: 'hq', ingressUrl: 'https://k10.example.com/k10/' });
      expect(good.problems).toEqual([]);
      expect(good.yaml).toContain('kind: Bootstrap');
      expect(good.yaml).toContain('url: https://k10.example.com/k10\n');
      expect(good.helm).toContain('--set multicluster.primary.name=hq');
      expect(good.helm).toContain('--set multicluster.primary.ingressURL=https://k10.example.com/k10');
      const bad = await call('promote:render', { name: 'HQ_1', ingressUrl: 'http://k10.example.com' });
      expect(bad.problems.join(' ')).toMatch(/lowercase letters/);
      expect(bad.problems.join(' ')).toMatch(/must use https/);
    });

    it('warns, without refusing, when the ingress is not reachable from here', async () => {
      const check = await call('promote:check-url', { url: 'https://127.0.0.1:1/k10' });
      expect(check).toMatchObject({ valid: true, reachable: false });
      expect(check.message).toMatch(/not reachable from this workstation/);
      expect(await call('promote:check-url', { url: lab.cluster('cluster-1').k10IngressUrl })).toMatchObject({ valid: true, reachable: true });
    });

    it('promotes cluster-1 and follows it until the primary exists', async () => {
      const r = await call('promote:run', { clusterId: id('cluster-1'), name: 'cluster-1', ingressUrl: lab.cluster('cluster-1').k10IngressUrl });
      expect(r.primaryName).toBe('cluster-1');
      expect(r.steps.every((s) => s.state === 'done' || s.state === 'skipped')).toBe(true);
      const out = await kubectl('cluster-1', 'get', 'clusters.dist.kio.kasten.io', '-n', MC, '-l', 'dist.kio.kasten.io/cluster-type=primary', '-o', 'jsonpath={.items[*].metadata.name}');
      expect(out).toBe('cluster-1');
    });

    it('refuses a cluster that is already a primary, before writing anything', async () => {
      expect((await call('promote:plan', { clusterId: id('cluster-1') })).refusal).toMatch(/already a multi-cluster primary/);
      const err = await failure('promote:run', { clusterId: id('cluster-1'), name: 'again', ingressUrl: lab.cluster('cluster-1').k10IngressUrl });
      expect(err.code).toBe('CONFLICT');
      expect(await kubectl('cluster-1', 'get', 'bootstraps.dist.kio.kasten.io', '-n', MC, '-o', 'jsonpath={.items[*].spec.clusters}')).not.toContain('again');
    });
  });

  describe('join tokens', () => {
    let secretName = '';

    it('creates a named token that K10 fills, with a fingerprint, and lists it', async () => {
      const t = await call('tokens:create', { clusterId: id('cluster-1'), name: 'lab-token' });
      expect(t).toMatchObject({ name: 'lab-token', ready: true });
      expect(t.fingerprint).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
      secretName = t.secretName;
      const list = await call('tokens:list', { clusterId: id('cluster-1') });
      expect(list.map((x) => x.name)).toEqual(['lab-token']);
      expect(JSON.stringify(list)).not.toContain('"token"');
      const typed = await kubectl('cluster-1', 'get', 'secret', secretName, '-n', MC, '-o', 'jsonpath={.type}');
      expect(typed).toBe('dist.kio.kasten.io/join-token');
    });

    it('refuses a second token of the same name', async () => {
      expect((await failure('tokens:create', { clusterId: id('cluster-1'), name: 'lab-token' })).code).toBe('CONFLICT');
    });

    it('reveals the value only when asked, with the same fingerprint, and marks it to be masked', async () => {
      const r = await call('tokens:reveal', { clusterId: id('cluster-1'), secretName });
      tokens.add(r.token.value);
      expect(r.token.maskAfterMs).toBe(30_000);
      expect(tokenFingerprint(r.token.value)).toBe(r.fingerprint);
      const onCluster = await runKubectl(['--context', 'cluster-1', 'get', 'secret', secretName, '-n', MC, '-o', 'jsonpath={.data.token}'], { KUBECONFIG: kubeconfig });
      expect(Buffer.from(onCluster.stdout, 'base64').toString('utf8')).toBe(r.token.value);
    });

    it('copies to a concealed clipboard that clears itself', async () => {
      const r = await call('tokens:copy', { clusterId: id('cluster-1'), secretName, clearAfterMs: 5_000 });
      expect(r.concealed).toBe(true);
      expect(tokens.has(clipboard.text)).toBe(true);
      expect(clipboard.concealed).toBe(true);
      expect(await call('tokens:clear-clipboard', {})).toEqual({ cleared: true });
      expect(clipboard.text).toBe('');
    });

    it('seals the token in an owner-only age file that opens with its passphrase', async () => {
      const path = join(dir, 'handoff.age');
      const r = await call('tokens:seal', { clusterId: id('cluster-1'), secretName, passphrase: 'correct horse battery', expiresInHours: 2, path });
      expect(r?.path).toBe(path);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const opened = await openHandoff(await readHandoffFile(path), 'correct horse battery');
      expect(tokens.has(opened.token)).toBe(true);
      expect(opened.primaryName).toBe('cluster-1');
    });

    it('renders a QR code of the token on request', async () => {
      const r = await call('tokens:qr', { clusterId: id('cluster-1'), secretName });
      expect(r.svg.value).toMatch(/^<svg/);
    });
  });

  describe('join from the secondary side', () => {
    let tokenRef = '';

    it('takes a pasted token and shows the same fingerprint as the primary', async () => {
      const [token] = [...tokens];
      const held = await call('join:load-token', { source: { kind: 'paste', token: `${token}\n` } });
      const [primaryToken] = await call('tokens:list', { clusterId: id('cluster-1') });
      expect(held!.fingerprint).toBe(primaryToken!.fingerprint);
      expect(held!.primaryIngress).toBe(lab.cluster('cluster-1').k10IngressUrl);
      tokenRef = held!.tokenRef;
    });

    it('opens the sealed file on the joining side', async () => {
      const held = await call('join:load-token', { source: { kind: 'file', path: join(dir, 'handoff.age'), passphrase: 'correct horse battery' } });
      expect(held).toMatchObject({ primaryName: 'cluster-1' });
      const wrong = await failure('join:load-token', { source: { kind: 'file', path: join(dir, 'handoff.age'), passphrase: 'wrong horse battery' } });
      expect(wrong.message).toMatch(/passphrase is wrong/);
    });

    it('joins cluster-2 and follows mc-join-status to joined', async () => {
      const plan = await call('join:plan', { clusterId: id('cluster-2') });
      expect(plan.refusal).toBeUndefined();
      expect(plan.ingress.url).toBe(lab.cluster('cluster-2').k10IngressUrl);
      const r = await call('join:start', { clusterId: id('cluster-2'), tokenRef, name: 'cluster-2', ingressUrl: plan.ingress.url, waitSeconds: 20 });
      expect(r).toMatchObject({ state: 'joined', cluster: 'cluster-2' });
      expect(await secretOn('cluster-2', 'mc-cluster-info', 'primaryName')).toBe('cluster-1');
      const states = events.filter((e) => e.event === 'join:progress' && (e.payload as JoinProgressEvent).cluster === 'cluster-2').map((e) => (e.payload as JoinProgressEvent).state);
      expect(states[0]).toBe('writing');
      expect(states).toContain('joining');
      expect(states.at(-1)).toBe('joined');
    });

    it('refuses to join a cluster that is already a secondary, before anything is written', async () => {
      const before = await kubectl('cluster-2', 'get', 'configmap', 'mc-join-config', '-n', 'kasten-io', '-o', 'jsonpath={.metadata.resourceVersion}');
      const r = await call('join:start', { clusterId: id('cluster-2'), tokenRef, name: 'cluster-2b', waitSeconds: 5 });
      expect(r.state).toBe('refused');
      expect(r.message).toMatch(/already a secondary of "cluster-1"/);
      expect(await kubectl('cluster-2', 'get', 'configmap', 'mc-join-config', '-n', 'kasten-io', '-o', 'jsonpath={.metadata.resourceVersion}')).toBe(before);
    });

    it('shows Kasten rejecting a duplicate cluster name, then starts over cleanly', async () => {
      const r = await call('join:start', { clusterId: id('cluster-3'), tokenRef, name: 'cluster-2', waitSeconds: 20 });
      expect(r.state).toBe('rejected');
      expect(r.message).toMatch(/cluster-2/);
      const reset = await call('join:reset', { clusterId: id('cluster-3') });
      expect(reset.steps.map((s) => s.state)).toEqual(['done', 'done', 'done']);
      const left = await runKubectl(['--context', 'cluster-3', 'get', 'secret,configmap', '-n', 'kasten-io', '-o', 'name'], { KUBECONFIG: kubeconfig });
      expect(left.stdout).not.toMatch(/mc-join/);
    });

    it('shows Kasten rejecting a revoked token with its message', async () => {
      const t = await call('tokens:create', { clusterId: id('cluster-1'), name: 'short-lived' });
      const { token } = await call('tokens:reveal', { clusterId: id('cluster-1'), secretName: t.secretName });
      tokens.add(token.value);
      await call('tokens:revoke', { clusterId: id('cluster-1'), secretName: t.secretName });
      const held = await call('join:load-token', { source: { kind: 'paste', token: token.value } });
      const r = await call('join:start', { clusterId: id('cluster-3'), tokenRef: held!.tokenRef, name: 'cluster-3', waitSeconds: 20 });
      expect(r.state).toBe('rejected');
      expect(r.message).toMatch(/invalid or expired join token/);
      await call('join:reset', { clusterId: id('cluster-3') });
    });
  });

  describe('one click', () => {
    it('joins three secondaries in parallel, one failing without stopping the others', async () => {
      lab.cluster('cluster-5').stop();
      try {
        const r = await call('join:many', {
          primaryId: id('cluster-1'),
          secondaries: [{ clusterId: id('cluster-3') }, { clusterId: id('cluster-4') }, { clusterId: id('cluster-5') }],
          tokenName: 'lab-token',
          waitSeconds: 30,
        });
        expect(r.token).toMatchObject({ name: 'lab-token', created: false });
        const by = Object.fromEntries(r.results.map((x) => [x.cluster, x]));
        expect(by['cluster-3']!.state).toBe('joined');
        expect(by['cluster-4']!.state).toBe('joined');
        expect(by['cluster-5']!.state).toBe('failed');
        expect(by['cluster-5']!.message).toMatch(/cluster-5/);
      } finally {
        await lab.cluster('cluster-5').start();
      }
      const names = await kubectl('cluster-1', 'get', 'clusters.dist.kio.kasten.io', '-n', MC, '-l', 'dist.kio.kasten.io/cluster-type=secondary', '-o', 'jsonpath={.items[*].metadata.name}');
      expect(names.split(' ').sort()).toEqual(['cluster-2', 'cluster-3', 'cluster-4']);
    });
  });

  describe('after joining', () => {
    it('grants the current user k10-multi-cluster-admin on all clusters', async () => {
      const plan = await call('grant:plan', { primaryId: id('cluster-1') });
      expect(plan.identity.username).toBeTruthy();
      expect(plan.suggested.clusters).toEqual([{ selector: '' }]);
      const r = await call('grant:apply', { primaryId: id('cluster-1'), name: plan.suggested.name, role: plan.suggested.role, subjects: plan.suggested.subjects, clusters: plan.suggested.clusters, mcAdmin: true });
      expect(r.steps.map((s) => s.state)).toEqual(['done', 'done']);
      const role = await kubectl('cluster-1', 'get', 'k10clusterrolebindings.auth.kio.kasten.io', plan.suggested.name, '-n', MC, '-o', 'jsonpath={.spec.k10ClusterRole}');
      expect(role).toBe('k10-multi-cluster-admin');
    });

    it('sets and removes labels on a Cluster, and says which label is invalid', async () => {
      const c = await call('labels:set', { primaryId: id('cluster-1'), clusterName: 'cluster-2', set: { env: 'prod', region: 'eu' } });
      expect(c.labels).toMatchObject({ env: 'prod', region: 'eu', 'dist.kio.kasten.io/cluster-type': 'secondary' });
      await call('labels:set', { primaryId: id('cluster-1'), clusterName: 'cluster-2', remove: ['region'] });
      expect(await kubectl('cluster-1', 'get', 'clusters.dist.kio.kasten.io', '-n', MC, '-l', 'env=prod', '-o', 'jsonpath={.items[*].metadata.name}')).toBe('cluster-2');
      const bad = await failure('labels:set', { primaryId: id('cluster-1'), clusterName: 'cluster-2', set: { 'bad key!': 'x' } });
      expect(bad.code).toBe('INVALID_ARGS');
      expect(bad.message).toMatch(/bad key!/);
    });

    it('disconnects a secondary: its Cluster goes and it stops being a member', async () => {
      const r = await call('disconnect:run', { primaryId: id('cluster-1'), clusterName: 'cluster-3', waitSeconds: 20 });
      expect(r.steps.map((s) => s.state)).toEqual(['done', 'done']);
      expect(await secretOn('cluster-3', 'mc-cluster-info', 'primaryName')).toBeUndefined();
    });

    it('force-disconnects a secondary that is down, showing each step', async () => {
      lab.cluster('cluster-4').stop();
      try {
        const r = await call('disconnect:run', { primaryId: id('cluster-1'), clusterName: 'cluster-4', force: true, secondaryId: id('cluster-4'), waitSeconds: 10 });
        const states = Object.fromEntries(r.steps.map((s) => [s.step, s.state]));
        expect(states['Delete mc-cluster-info on the secondary']).toBe('skipped');
        expect(states['Delete Cluster cluster-4 on cluster-1']).toBe('done');
        expect(r.steps.at(-1)!.state).toBe('done');
      } finally {
        await lab.cluster('cluster-4').start();
      }
      const names = await kubectl('cluster-1', 'get', 'clusters.dist.kio.kasten.io', '-n', MC, '-o', 'jsonpath={.items[*].metadata.name}');
      expect(names.split(' ')).not.toContain('cluster-4');
    });

    it('refuses to demote a primary that still has secondaries, then demotes it once alone', async () => {
      const err = await failure('demote:run', { primaryId: id('cluster-1') });
      expect(err.message).toMatch(/cluster-2/);
      await call('disconnect:run', { primaryId: id('cluster-1'), clusterName: 'cluster-2', waitSeconds: 20 });
      const r = await call('demote:run', { primaryId: id('cluster-1'), waitSeconds: 20 });
      expect(r.steps.find((s) => s.step.startsWith("Delete the primary's Cluster"))!.state).toBe('done');
      const left = await kubectl('cluster-1', 'get', 'clusters.dist.kio.kasten.io', '-n', MC, '-o', 'name');
      expect(left.trim()).toBe('');
    });
  });

  it('promotes it again after the demotion', async () => {
    const r = await call('promote:run', { clusterId: id('cluster-1'), name: 'hq', ingressUrl: lab.cluster('cluster-1').k10IngressUrl });
    expect(r.primaryName).toBe('hq');
    expect(await kubectl('cluster-1', 'get', 'clusters.dist.kio.kasten.io', '-n', MC, '-o', 'jsonpath={.items[*].metadata.name}')).toBe('hq');
  });

  describe('the audit log', () => {
    it('records every administrative action with its cluster, identity and outcome', async () => {
      const entries = await call('audit:list', {});
      const actions = new Set(entries.map((e) => e.action));
      for (const a of ['promote', 'token-create', 'token-reveal', 'token-copy', 'token-seal', 'token-qr', 'token-revoke', 'join', 'grant', 'label', 'disconnect', 'force-disconnect', 'demote']) {
        expect(actions, a).toContain(a);
      }
      const promote = entries.find((e) => e.action === 'promote' && e.outcome === 'succeeded' && e.target === 'cluster-1')!;
      expect(promote).toMatchObject({ cluster: 'cluster-1', target: 'cluster-1' });
      expect(promote.identity).toBeTruthy();
      expect(entries.some((e) => e.action === 'promote' && e.outcome === 'failed')).toBe(true);
      const cluster3 = await call('audit:list', { cluster: 'cluster-3', action: 'join' });
      expect(cluster3.length).toBeGreaterThan(0);
      expect(cluster3.every((e) => e.cluster === 'cluster-3' && e.action === 'join')).toBe(true);
    });

    it('exports it, and no token value is in any file Flotilla wrote', async () => {
      const out = join(dir, 'audit-export.jsonl');
      const r = await call('audit:export', { path: out });
      expect(r!.count).toBeGreaterThan(10);
      expect(tokens.size).toBeGreaterThanOrEqual(2);
      const files = [out, ...walk(join(dir, 'user-data'))];
      for (const f of files) {
        const text = readFileSync(f, 'utf8');
        for (const t of tokens) expect(text.includes(t), `${f} holds a token`).toBe(false);
      }
    });
  });
});

function walk(d: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}
