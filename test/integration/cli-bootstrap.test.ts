/**
 * `flotilla bootstrap` and what comes after it, as child processes against a
 * lab fleet, each result checked with the real kubectl: a primary and a
 * secondary in one command (and again, which changes nothing), a join Kasten
 * rejects, labels, grants, the fleet, disconnect (normal, and forced while
 * the secondary is down), demote, and the audit log. No token value reaches
 * any output or the data folder. cli.test.ts covers usage, tokens, join and
 * handoff.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, FleetRow } from '../../shared/contract/index.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { KUBECTL, kubectlFor, runKubectl } from '../support/kubectl.js';
import { filesUnder, flotillaCli, type FlotillaCli } from '../support/flotilla-cli.js';

const MC = 'kasten-io-mc';
const CLUSTERS = 'clusters.dist.kio.kasten.io';

describe.skipIf(!KUBECTL)('flotilla bootstrap and after', () => {
  let lab: LabFleet;
  let dir: string;
  let kubeconfig: string;
  let dataDir: string;
  let cli: FlotillaCli;
  const tokens = new Set<string>();


  const { kubectl, secretOn: secretIn } = kubectlFor(() => kubeconfig);
  const secretOn = (context: string, name: string, key: string) => secretIn(context, 'kasten-io', name, key);

  async function collectTokens(): Promise<void> {
    const list = JSON.parse(await kubectl('cluster-1', 'get', 'secrets', '-n', MC, '-o', 'json')) as { items: { type: string; data?: { token?: string } }[] };
    for (const s of list.items) if (s.type === 'dist.kio.kasten.io/join-token' && s.data?.token) tokens.add(Buffer.from(s.data.token, 'base64').toString('utf8').trim());
  }

  const secondaries = async () => (await kubectl('cluster-1', 'get', CLUSTERS, '-n', MC, '-l', 'dist.kio.kasten.io/cluster-type=secondary', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ').filter(Boolean).sort();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-bootstrap-'));
    kubeconfig = join(dir, 'lab.kubeconfig');
    dataDir = join(dir, 'user-data');
    lab = await startLabFleet({ clusters: 4, kubeconfigPath: kubeconfig, k10: { unreachableAfterMs: 2_000, pollHoldMs: 1_000 } });
    cli = flotillaCli({ kubeconfig, dataDir });
  });

  afterAll(async () => {
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('bootstrap', () => {
    it('promotes the primary, makes a token and joins the secondary, in one command', async () => {
      const r = await cli.run(['bootstrap', '--primary-context', 'cluster-1', '--primary-name', 'hq', '--secondary-context', 'cluster-2', '--secondary-name', 'c2']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Promoted cluster-1: it is the primary "hq", ingress ${lab.cluster('cluster-1').k10IngressUrl}.\n`);
      expect(r.stdout).toContain('Join token "flotilla" (created).\n');
      expect(r.stdout).toMatch(/cluster-2 joined "hq" as "c2"\.\n$/);
      expect(await secretOn('cluster-2', 'mc-cluster-info', 'primaryName')).toBe('hq');
      expect(await secretOn('cluster-2', 'mc-cluster-info', 'clusterName')).toBe('c2');
      expect(await secondaries()).toEqual(['c2']);
      await collectTokens();
      expect(tokens.size).toBe(1);
    });

    it('run again, it sees the join done and changes nothing', async () => {
      const r = await cli.run(['bootstrap', '--primary-context', 'cluster-1', '--primary-name', 'hq', '--secondary-context', 'cluster-2', '--secondary-name', 'c2']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('cluster-1 is already the primary "hq".\n"c2" is already a secondary of "hq"; nothing to do.\n');
      expect(await secondaries()).toEqual(['c2']);
    });

    it('exits 1 with Kasten\'s message when the primary rejects the join', async () => {
      const r = await cli.run(['bootstrap', '--primary-context', 'cluster-1', '--primary-name', 'hq', '--secondary-context', 'cluster-3', '--secondary-name', 'c2', '--wait', '20']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^flotilla bootstrap: the primary rejected cluster-3 as "c2": .*c2/);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(await secretOn('cluster-3', 'mc-join-status', 'status')).toBe('rejected');
      expect((await cli.run(['join', '--reset', '--context', 'cluster-3'])).code).toBe(0);
    });

    it('joins another secondary with the same token (--json)', async () => {
      const r = await cli.run(['bootstrap', '--primary-context', 'cluster-1', '--primary-name', 'hq', '--secondary-context', 'cluster-3', '--secondary-name', 'c3', '--json']);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { primary: { name: string; promoted: boolean }; token: { name: string; created: boolean }; join: { state: string; joinName: string } };
      expect(out).toMatchObject({ primary: { name: 'hq', promoted: false }, token: { name: 'flotilla', created: false }, join: { state: 'joined', joinName: 'c3' } });
      expect(await secondaries()).toEqual(['c2', 'c3']);
    });
  });

  describe('labels and grants', () => {
    it('label sets and removes labels on a Cluster; a bad key exits 2', async () => {
      const set = await cli.run(['label', '--context', 'cluster-1', '--cluster', 'c2', 'env=prod', 'region=eu']);
      expect(set.code).toBe(0);
      expect(set.stdout).toContain('  env=prod\n');
      expect(await kubectl('cluster-1', 'get', CLUSTERS, '-n', MC, '-l', 'env=prod,region=eu', '-o', 'jsonpath={.items[*].metadata.name}')).toBe('c2');
      const removed = await cli.run(['label', '--context', 'cluster-1', '--cluster', 'c2', 'region-', '--json']);
      expect(removed.code).toBe(0);
      expect(JSON.parse(removed.stdout).labels).toEqual({ 'dist.kio.kasten.io/cluster-type': 'secondary', env: 'prod' });
      expect(await kubectl('cluster-1', 'get', CLUSTERS, 'c2', '-n', MC, '-o', 'jsonpath={.metadata.labels.region}')).toBe('');
      const bad = await cli.run(['label', '--context', 'cluster-1', '--cluster', 'c2', 'bad key!=x']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^flotilla label: label key "bad key!"/);
    });

    it('grant writes a K10ClusterRoleBinding for the user, on clusters chosen by selector or name', async () => {
      const byLabel = await cli.run(['grant', '--context', 'cluster-1', '--user', 'alice@example.com', '--role', 'k10-multi-cluster-basic', '--clusters', 'selector=env=prod']);
      expect(byLabel.stderr).toBe('');
      expect(byLabel.code).toBe(0);
      const binding = JSON.parse(await kubectl('cluster-1', 'get', 'k10clusterrolebindings.auth.kio.kasten.io', 'alice-example.com-k10-multi-cluster-basic', '-n', MC, '-o', 'json'));
      expect(binding.spec).toMatchObject({ k10ClusterRole: 'k10-multi-cluster-basic', clusters: [{ selector: 'env=prod' }], subjects: [{ kind: 'User', name: 'alice@example.com' }] });

      const byName = await cli.run(['grant', '--context', 'cluster-1', '--group', 'ops', '--clusters', 'c2,c3', '--name', 'ops-admin', '--mc-admin']);
      expect(byName.code).toBe(0);
      expect(JSON.parse(await kubectl('cluster-1', 'get', 'k10clusterrolebindings.auth.kio.kasten.io', 'ops-admin', '-n', MC, '-o', 'json')).spec.clusters).toEqual([{ name: 'c2' }, { name: 'c3' }]);
      expect(await kubectl('cluster-1', 'get', 'rolebinding', 'ops-admin-mc-admin', '-n', MC, '-o', 'jsonpath={.roleRef.name}')).toBe('k10-mc-admin');

      const badRole = await cli.run(['grant', '--context', 'cluster-1', '--user', 'bob', '--role', 'admin']);
      expect(badRole.code).toBe(2);
    });
  });

  describe('the fleet', () => {
    it('fleet --json --wait shows each role, and the labels of a secondary', async () => {
      const r = await cli.run(['fleet', '--json', '--wait', '20']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const rows = JSON.parse(r.stdout) as FleetRow[];
      expect(Object.fromEntries(rows.map((x) => [x.name, x.role]))).toEqual({ 'cluster-1': 'primary', 'cluster-2': 'secondary', 'cluster-3': 'secondary', 'cluster-4': 'standalone' });
      expect(rows.find((x) => x.name === 'cluster-2')).toMatchObject({ joinState: 'joined', primaryName: 'hq', labels: { env: 'prod' } });
    });
  });

  describe('disconnect and demote', () => {
    it('disconnect exits 2 for --secondary-context without --force, and disconnects c3', async () => {
      const misuse = await cli.run(['disconnect', '--context', 'cluster-1', '--cluster', 'c3', '--secondary-context', 'cluster-3']);
      expect(misuse.code).toBe(2);
      expect(await secondaries()).toEqual(['c2', 'c3']);
      const r = await cli.run(['disconnect', '--context', 'cluster-1', '--cluster', 'c3', '--wait', '20']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('  done     Delete Cluster c3 on cluster-1\n  done     Wait for c3 to confirm\nDisconnected "c3" from cluster-1.\n');
      expect(await secretOn('cluster-3', 'mc-cluster-info', 'primaryName')).toBeUndefined();
    });

    it('demote exits 1 while a secondary is left; a forced disconnect of the downed secondary, then demote', async () => {
      const refused = await cli.run(['demote', '--context', 'cluster-1']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/c2/);
      await collectTokens();

      lab.cluster('cluster-2').stop();
      try {
        const forced = await cli.run(['disconnect', '--context', 'cluster-1', '--cluster', 'c2', '--force', '--secondary-context', 'cluster-2', '--wait', '10']);
        expect(forced.code).toBe(0);
        expect(forced.stdout).toMatch(/skipped\s+Delete mc-cluster-info on the secondary/);
        expect(forced.stdout).toMatch(/done\s+Delete Cluster c2 on cluster-1/);
      } finally {
        await lab.cluster('cluster-2').start();
      }
      expect(await secondaries()).toEqual([]);

      const demoted = await cli.run(['demote', '--context', 'cluster-1', '--wait', '20']);
      expect(demoted.stderr).toBe('');
      expect(demoted.code).toBe(0);
      expect(demoted.stdout).toContain('cluster-1 is no longer a multi-cluster primary.\n');
      expect(await kubectl('cluster-1', 'get', CLUSTERS, '-n', MC, '-o', 'name')).toBe('');
    });
  });

  describe('the audit log', () => {
    it('audit --json --action join shows each join, the rejected one included', async () => {
      const r = await cli.run(['audit', '--json', '--action', 'join']);
      expect(r.code).toBe(0);
      const entries = JSON.parse(r.stdout) as AuditEntry[];
      expect(entries.map((e) => `${e.cluster} ${e.target} ${e.outcome}`).sort()).toEqual(['cluster-2 c2 succeeded', 'cluster-3 c2 failed', 'cluster-3 c3 succeeded']);
      const human = await cli.run(['audit', '--cluster', 'cluster-1', '--action', 'demote']);
      expect(human.stdout).toMatch(/^TIME\s+ACTION\s+OUTCOME\s+CLUSTER\s+TARGET\s+IDENTITY\s+DETAIL\n/);
      expect(human.stdout.match(/\bdemote\s+(succeeded|failed)/g)?.map((m) => m.replace(/\s+/, ' '))).toEqual(['demote succeeded', 'demote failed']);
    });

    it('no token value is in any output, nor in any file under the data folder', () => {
      expect(tokens.size).toBe(1);
      for (const run of cli.runs) {
        for (const t of tokens) {
          expect(run.stdout.includes(t), `stdout of ${run.args.join(' ')}`).toBe(false);
          expect(run.stderr.includes(t), `stderr of ${run.args.join(' ')}`).toBe(false);
        }
      }
      for (const f of filesUnder(dataDir)) for (const t of tokens) expect(f.text.includes(t), `${f.path} holds a token`).toBe(false);
    });
  });
});
