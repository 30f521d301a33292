/**
 * `flotilla` as an administrator runs it, one child process per command,
 * against a lab fleet over real HTTPS (`--kubeconfig`, contexts by name) and
 * a throw-away `--data-dir`; each result checked with the real kubectl.
 * This file: usage and exit codes, promote, join tokens (create --out, list,
 * show, revoke), a join with a token file, a join Kasten rejects, the
 * handoff round trip, the fleet, and that no token value reaches any output
 * or any file in the data folder. cli-bootstrap.test.ts does the rest.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, FleetRow, Token } from '../../shared/contract/index.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { tokenFingerprint } from '../../main/multicluster/fingerprint.js';
import { KUBECTL, kubectlFor, runKubectl } from '../support/kubectl.js';
import { filesUnder, flotillaCli, type FlotillaCli } from '../support/flotilla-cli.js';

const MC = 'kasten-io-mc';
const PASSPHRASE = 'correct horse battery staple';

describe.skipIf(!KUBECTL)('the flotilla command line', () => {
  let lab: LabFleet;
  let dir: string;
  let kubeconfig: string;
  let dataDir: string;
  let cli: FlotillaCli;
  /** Every token value that existed, to prove none was printed or written where it should not be. */
  const tokens = new Set<string>();


  const { kubectl, secretOn } = kubectlFor(() => kubeconfig);

  /** Every join token on the primary, read with kubectl. */
  async function tokensOnPrimary(): Promise<string[]> {
    const list = JSON.parse(await kubectl('cluster-1', 'get', 'secrets', '-n', MC, '-o', 'json')) as { items: { type: string; data?: { token?: string } }[] };
    return list.items.filter((s) => s.type === 'dist.kio.kasten.io/join-token' && s.data?.token).map((s) => Buffer.from(s.data!.token!, 'base64').toString('utf8').trim());
  }

  const path = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
    kubeconfig = path('lab.kubeconfig');
    dataDir = path('user-data');
    lab = await startLabFleet({ clusters: 3, kubeconfigPath: kubeconfig, k10: { unreachableAfterMs: 2_000, pollHoldMs: 1_000 } });
    cli = flotillaCli({ kubeconfig, dataDir });
  });

  afterAll(async () => {
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('usage', () => {
    it('prints help on stdout and exits 0, for the program and for each command', async () => {
      const [top, create, help, group] = await Promise.all([cli.run(['--help']), cli.run(['token', 'create', '--help']), cli.run(['help', 'join']), cli.run(['handoff', '--help'])]);
      for (const r of [top, create, help, group]) {
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
      }
      expect(top.stdout).toMatch(/^Usage: flotilla COMMAND/);
      for (const c of ['fleet', 'promote', 'token create', 'token list', 'token revoke', 'join', 'bootstrap', 'disconnect', 'demote', 'grant', 'label', 'handoff seal', 'handoff open', 'audit']) {
        expect(top.stdout).toContain(`\n  ${c} `);
      }
      expect(create.stdout).toContain('flotilla token create --context C --name N [--out FILE [--force]]');
      expect(create.stdout).toContain('--kubeconfig FILE');
      expect(help.stdout).toContain('flotilla join --reset --context C');
      expect(group.stdout).toContain('flotilla handoff open FILE --out TOKEN_FILE');
    });

    it('exits 2 with one line on stderr for a command line that is wrong, and does nothing', async () => {
      const runs = await Promise.all([
        cli.run([]),
        cli.run(['tokn', 'list']),
        cli.run(['token']),
        cli.run(['fleet', '--bogus']),
        cli.run(['promote', '--context', 'cluster-1']),
        cli.run(['promote', '--context', 'cluster-1', '--name', 'Not_Valid']),
        cli.run(['fleet', '--wait', 'soon']),
        cli.run(['promote', '--context', 'cluster-1', '--name', 'hq', '--ingress', 'http://plain.example.com']),
        cli.run(['label', '--context', 'cluster-1', '--cluster', 'x', 'novalue']),
      ]);
      const [none, unknown, group, option, missing, badName, badWait, badUrl, badLabel] = runs;
      for (const r of runs) {
        expect(r.code, r.args.join(' ')).toBe(2);
        expect(r.stdout, r.args.join(' ')).toBe('');
      }
      expect(none.stderr).toMatch(/^Usage: flotilla/);
      expect(unknown.stderr).toBe('flotilla: unknown command "tokn"; the commands are fleet, promote, token create, token list, token revoke, token show, join, bootstrap, disconnect, demote, grant, label, handoff seal, handoff open, audit, profile create, profile list, profile delete, policy create, policy list, policy delete, distribution create, distribution status, distribution sync, distribution delete, distribution yaml (see flotilla --help)\n');
      expect(group.stderr).toBe('flotilla token: give a subcommand: create, list, revoke, show (see flotilla token --help)\n');
      expect(option.stderr).toBe("flotilla fleet: unknown option '--bogus' (see flotilla fleet --help)\n");
      expect(missing.stderr).toBe('flotilla promote: --name is required (see flotilla promote --help)\n');
      expect(badName.stderr).toMatch(/^flotilla promote: --name: "Not_Valid" must consist of lowercase letters/);
      expect(badWait.stderr).toBe('flotilla fleet: --wait must be a whole number of seconds from 0 to 600 (got "soon") (see flotilla fleet --help)\n');
      expect(badUrl.stderr).toMatch(/--ingress must use https/);
      expect(badLabel.stderr).toMatch(/"novalue" is not a label change/);
      for (const r of runs.slice(1)) expect(r.stderr.trimEnd().split('\n'), r.args.join(' ')).toHaveLength(1);
      // Nothing was done: cluster-1 is not a primary.
      expect(await kubectl('cluster-1', 'get', 'clusters.dist.kio.kasten.io', '-A', '-o', 'name')).toBe('');
    });

    it('exits 2 for an unknown --context, naming the contexts there are', async () => {
      const r = await cli.run(['token', 'list', '--context', 'cluster-9']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`flotilla token list: --context cluster-9: no such cluster in ${kubeconfig} (known: cluster-1, cluster-2, cluster-3) (see flotilla token list --help)\n`);
    });
  });

  describe('promote', () => {
    it('promotes cluster-1 with the ingress it finds there', async () => {
      const r = await cli.run(['promote', '--context', 'cluster-1', '--name', 'hq']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Promoted cluster-1: it is the primary "hq"`);
      expect(r.stdout).toContain(`ingress ${lab.cluster('cluster-1').k10IngressUrl}.`);
      expect(await kubectl('cluster-1', 'get', 'clusters.dist.kio.kasten.io', '-n', MC, '-l', 'dist.kio.kasten.io/cluster-type=primary', '-o', 'jsonpath={.items[*].metadata.name}')).toBe('hq');
    });

    it('exits 1 with the reason when the cluster is already a primary', async () => {
      const r = await cli.run(['promote', '--context', 'cluster-1', '--name', 'again', '--json']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe('flotilla promote: cluster-1 is already a multi-cluster primary (as "hq").\n');
    });
  });

  describe('join tokens', () => {
    it('token create --out writes the token to an owner-only file and prints only its fingerprint', async () => {
      const out = path('hq.token');
      const r = await cli.run(['token', 'create', '--context', 'cluster-1', '--name', 'lab-token', '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(statSync(out).mode & 0o777).toBe(0o600);
      const token = readFileSync(out, 'utf8').trim();
      tokens.add(token);
      expect(token.length).toBeGreaterThan(20);
      expect(r.stdout).toContain(`Fingerprint: ${tokenFingerprint(token)}\n`);
      expect(r.stdout).toContain(`The token is in ${out} (readable by you only).`);
      expect(r.stdout).not.toContain(token);
      expect(await tokensOnPrimary()).toEqual([token]);
    });

    it('refuses to overwrite an existing file without --force, before creating a token', async () => {
      const out = path('taken.token');
      writeFileSync(out, 'keep me\n');
      const r = await cli.run(['token', 'create', '--context', 'cluster-1', '--name', 'second', '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`flotilla token create: ${out} already exists; choose another file, or pass --force to replace it\n`);
      expect(readFileSync(out, 'utf8')).toBe('keep me\n');
      expect(await tokensOnPrimary()).toHaveLength(1);
    });

    it('token list --json lists names and fingerprints, never values', async () => {
      const r = await cli.run(['token', 'list', '--context', 'cluster-1', '--json']);
      expect(r.code).toBe(0);
      const list = JSON.parse(r.stdout) as Token[];
      expect(list).toHaveLength(1);
      const [token] = [...tokens];
      expect(list[0]).toMatchObject({ name: 'lab-token', ready: true, fingerprint: tokenFingerprint(token!) });
      expect(list[0]!.secretName).toMatch(/^join-token-secret-/);
      expect(r.stdout).not.toContain(token!);
      const human = await cli.run(['token', 'list', '--context', 'cluster-1']);
      expect(human.stdout).toMatch(/^NAME\s+SECRET\s+READY\s+FINGERPRINT\s+CREATED\s+JOINED SINCE\nlab-token\s+join-token-secret-\w+\s+yes\s+[A-Z2-7-]{19}\s/);
    });

    it('token show needs --reveal, and then writes the value where asked (audited)', async () => {
      const refused = await cli.run(['token', 'show', '--context', 'cluster-1', '--name', 'lab-token']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/add --reveal to confirm/);
      const out = path('shown.token');
      const shown = await cli.run(['token', 'show', '--context', 'cluster-1', '--name', 'lab-token', '--reveal', '--out', out]);
      expect(shown.code).toBe(0);
      expect(readFileSync(out, 'utf8').trim()).toBe([...tokens][0]);
      expect(statSync(out).mode & 0o777).toBe(0o600);
    });

    it('token revoke removes the token; a join with it exits 1 with Kasten\'s message', async () => {
      const out = path('revoked.token');
      expect((await cli.run(['token', 'create', '--context', 'cluster-1', '--name', 'short-lived', '--out', out])).code).toBe(0);
      tokens.add(readFileSync(out, 'utf8').trim());
      const revoked = await cli.run(['token', 'revoke', '--context', 'cluster-1', '--name', 'short-lived']);
      expect(revoked.code).toBe(0);
      expect(revoked.stdout).toBe('Revoked join token "short-lived" on cluster-1; clusters that joined with it stay joined.\n');
      expect(await tokensOnPrimary()).toEqual([[...tokens][0]]);

      const join = await cli.run(['join', '--context', 'cluster-3', '--token-file', out, '--wait', '20']);
      expect(join.code).toBe(1);
      expect(join.stdout).toBe('');
      expect(join.stderr).toMatch(/^flotilla join: the primary rejected cluster-3 as "cluster-3": invalid or expired join token/);
      expect(await secretOn('cluster-3', 'kasten-io', 'mc-join-status', 'status')).toBe('rejected');

      const reset = await cli.run(['join', '--reset', '--context', 'cluster-3']);
      expect(reset.code).toBe(0);
      const left = await runKubectl(['--context', 'cluster-3', 'get', 'secret,configmap', '-n', 'kasten-io', '-o', 'name'], { KUBECONFIG: kubeconfig });
      expect(left.stdout).not.toMatch(/mc-join/);
    });
  });

  describe('join', () => {
    it('joins cluster-2 with a token file; kubectl sees mc-cluster-info', async () => {
      const r = await cli.run(['join', '--context', 'cluster-2', '--token-file', path('hq.token'), '--wait', '20']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('cluster-2 joined as "cluster-2".\n');
      expect(await secretOn('cluster-2', 'kasten-io', 'mc-cluster-info', 'primaryName')).toBe('hq');
      expect(await secretOn('cluster-2', 'kasten-io', 'mc-cluster-info', 'clusterName')).toBe('cluster-2');
      expect(await kubectl('cluster-1', 'get', 'clusters.dist.kio.kasten.io', '-n', MC, '-l', 'dist.kio.kasten.io/cluster-type=secondary', '-o', 'jsonpath={.items[*].metadata.name}')).toBe('cluster-2');
    });

    it('refuses a sealed handoff file as a token file, saying how to open it', async () => {
      writeFileSync(path('sealed.age'), 'age-encryption.org/v1\n-> scrypt abc 18\n');
      const r = await cli.run(['join', '--context', 'cluster-3', '--token-file', path('sealed.age')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`flotilla join: ${path('sealed.age')} is a sealed handoff file; open it first: flotilla handoff open ${path('sealed.age')} --out TOKEN_FILE\n`);
    });
  });

  describe('handoff', () => {
    it('seals a token file with FLOTILLA_PASSPHRASE and opens it again into a token file', async () => {
      const sealed = path('hq.age');
      const env = { FLOTILLA_PASSPHRASE: PASSPHRASE };
      const seal = await cli.run(['handoff', 'seal', '--token-file', path('hq.token'), '--out', sealed, '--primary', 'hq', '--expires', '2h'], { env });
      expect(seal.stderr).toBe('');
      expect(seal.code).toBe(0);
      expect(statSync(sealed).mode & 0o777).toBe(0o600);
      expect(readFileSync(sealed, 'latin1')).toMatch(/^age-encryption\.org\/v1\n-> scrypt /);
      const [token] = [...tokens];
      expect(seal.stdout).toContain(`Fingerprint: ${tokenFingerprint(token!)}\nPrimary: hq\nExpires: `);

      const opened = path('opened.token');
      const open = await cli.run(['handoff', 'open', sealed, '--out', opened, '--json'], { env });
      expect(open.stderr).toBe('');
      expect(open.code).toBe(0);
      const r = JSON.parse(open.stdout) as { path: string; fingerprint: string; primaryName: string; expiresAt: string };
      expect(r).toMatchObject({ path: opened, fingerprint: tokenFingerprint(token!), primaryName: 'hq' });
      const hours = (Date.parse(r.expiresAt) - Date.now()) / 3_600_000;
      expect(hours).toBeGreaterThan(1.9);
      expect(hours).toBeLessThanOrEqual(2);
      expect(readFileSync(opened, 'utf8').trim()).toBe(token);
      expect(statSync(opened).mode & 0o777).toBe(0o600);
    });

    it('exits 2 without a passphrase or a terminal, and 1 for a wrong passphrase', async () => {
      const [none, wrong] = await Promise.all([
        cli.run(['handoff', 'open', path('hq.age'), '--out', path('never.token')]),
        cli.run(['handoff', 'open', path('hq.age'), '--out', path('never.token')], { env: { FLOTILLA_PASSPHRASE: 'not the passphrase' } }),
      ]);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/^flotilla handoff open: no passphrase: set FLOTILLA_PASSPHRASE, or run this at a terminal to type it/);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/^flotilla handoff open: The passphrase is wrong/);
      expect(() => statSync(path('never.token'))).toThrow();
    });
  });

  describe('fleet and audit', () => {
    it('fleet --json --wait shows every row complete, with its role', async () => {
      const r = await cli.run(['fleet', '--json', '--wait', '20']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const rows = JSON.parse(r.stdout) as FleetRow[];
      expect(Object.fromEntries(rows.map((x) => [x.name, x.role]))).toEqual({ 'cluster-1': 'primary', 'cluster-2': 'secondary', 'cluster-3': 'standalone' });
      expect(rows.find((x) => x.name === 'cluster-2')).toMatchObject({ joinState: 'joined', primaryName: 'hq' });
      for (const row of rows) {
        expect(row.reachability.state).toBe('reachable');
        expect(row.k10Version).toBeTruthy();
        expect(row.counts.applications).toBeGreaterThan(0);
        expect(row.counts.policies).toBeGreaterThan(0);
      }
      const table = await cli.run(['fleet', '--wait', '20']);
      expect(table.stdout).toMatch(/^NAME\s+ROLE\s+JOIN\s+REACHABLE\s+K8S\s+K10\s+APPS\s+POLICIES\s+FAILED24H\n/);
      expect(table.stdout).toMatch(/\ncluster-2\s+secondary of hq\s+joined\s+yes/);
    });

    it('audit --json lists what was done, each reveal of a token included', async () => {
      const r = await cli.run(['audit', '--json', '--cluster', 'cluster-1']);
      expect(r.code).toBe(0);
      const entries = JSON.parse(r.stdout) as AuditEntry[];
      const seen = entries.map((e) => `${e.action} ${e.outcome}`);
      for (const a of ['promote succeeded', 'token-create succeeded', 'token-reveal succeeded', 'token-revoke succeeded']) expect(seen).toContain(a);
      expect(entries.filter((e) => e.action === 'token-reveal')).toHaveLength(3); // create --out twice, show --reveal once
      const seal = await cli.run(['audit', '--json', '--action', 'token-seal']);
      expect((JSON.parse(seal.stdout) as AuditEntry[])[0]).toMatchObject({ action: 'token-seal', outcome: 'succeeded' });
    });

    it('no token value is in any output, nor in any file under the data folder', async () => {
      for (const t of await tokensOnPrimary()) tokens.add(t);
      expect(tokens.size).toBe(2);
      expect(cli.runs.length).toBeGreaterThan(25);
      for (const run of cli.runs) {
        for (const t of tokens) {
          expect(run.stdout.includes(t), `stdout of ${run.args.join(' ')}`).toBe(false);
          expect(run.stderr.includes(t), `stderr of ${run.args.join(' ')}`).toBe(false);
        }
      }
      const files = filesUnder(dataDir);
      expect(files.map((f) => f.path)).toContain(join(dataDir, 'audit', 'audit.jsonl'));
      expect(files.map((f) => f.path)).toContain(join(dataDir, 'logs', 'cli.log'));
      for (const f of files) for (const t of tokens) expect(f.text.includes(t), `${f.path} holds a token`).toBe(false);
    });

    it('every command exited promptly on its own', () => {
      // Starting node and tsx takes about a second on a 2-core machine; a command that hung on an open connection would take far longer.
      const slow = cli.runs.filter((r) => r.ms > 15_000 && !r.args.includes('--wait'));
      expect(slow.map((r) => `${r.args.join(' ')}: ${r.ms} ms`)).toEqual([]);
    });
  });
});
