/**
 * `flotilla profile|policy|distribution …` as an administrator runs them,
 * one child process per command, against one lab fleet over real HTTPS
 * (`--kubeconfig`, contexts by name) and a throw-away `--data-dir`; each
 * result checked with the real kubectl. The fleet is made with one
 * `flotilla bootstrap` (hq, with the secondary c2) and one `flotilla label`.
 *
 * Covered: usage errors (exit 2, the option named, nothing done) and the
 * service's refusals (exit 1); an S3 profile with its keys from the
 * environment, and typed at a terminal (the secret key not echoed); a policy
 * with retention and export; a distribution by selector and name, its
 * options kept in order; status as JSON and for people; a copy edited with
 * kubectl showing modified with its diff; force sync; YAML redacted unless
 * asked; delete saying where the copies stay; and no S3 key in any output
 * or any file under the data folder.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_STATES, type Distribution, type Policy, type Profile } from '../../shared/contract/index.js';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { KUBECTL, kubectlFor } from '../support/kubectl.js';
import { filesUnder, flotillaCli, REPO_ROOT, type CliRun, type FlotillaCli } from '../support/flotilla-cli.js';

const MC = 'kasten-io-mc';
const ACCESS_KEY = 'AKIAFLOTILLACLI00001';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYCLIKEY0001';
const TYPED_ACCESS_KEY = 'AKIAFLOTILLATYPED002';
const TYPED_SECRET_KEY = 'typedSecretKey/NotEchoed+0002';
const KEYS = { AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: SECRET_KEY };
/** The test runner's own AWS settings must not reach the CLI. */
const NO_AWS = { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const SECRETS = [SECRET_KEY, b64(SECRET_KEY), TYPED_SECRET_KEY, b64(TYPED_SECRET_KEY)];

/** util-linux `script`, to run the CLI at a terminal (a pty); the prompt test skips without it. */
const SCRIPT = (process.env.PATH ?? '').split(delimiter).some((d) => existsSync(join(d, 'script')));

describe.skipIf(!KUBECTL)('flotilla profile, policy and distribution', () => {
  let lab: LabFleet;
  let dir: string;
  let kubeconfig: string;
  let dataDir: string;
  let cli: FlotillaCli;
  /** What a run may show because it was asked to: `--reveal-secrets` the stored (base64) keys, the terminal its echo of the typed access key. */
  const allowed = new Map<CliRun, string[]>();
  const { kubectl, secretOn } = kubectlFor(() => kubeconfig);

  const run = (args: string[], env: Record<string, string | undefined> = {}) => cli.run(args, { env: { ...NO_AWS, ...env } });
  const primary = ['--context', 'cluster-1'];

  /** `distribution status --json` until `done` holds of the distribution (or the time runs out: the last one seen). */
  async function statusUntil(name: string, done: (d: Distribution) => boolean, timeoutMs = 20_000): Promise<Distribution> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await run(['distribution', 'status', ...primary, '--name', name, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const [d] = JSON.parse(r.stdout) as Distribution[];
      if (done(d!) || Date.now() > deadline) return d!;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
  const states = (d: Distribution) => Object.fromEntries(d.clusters.map((c) => [c.name, c.state]));
  const allSynced = (d: Distribution) => d.clusters.length > 0 && d.clusters.every((c) => c.state === 'synced');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-dist-'));
    kubeconfig = join(dir, 'lab.kubeconfig');
    dataDir = join(dir, 'user-data');
    lab = await startLabFleet({ clusters: 2, kubeconfigPath: kubeconfig, k10: { unreachableAfterMs: 2_000, pollHoldMs: 1_000 } });
    cli = flotillaCli({ kubeconfig, dataDir });
    const boot = await run(['bootstrap', '--primary-context', 'cluster-1', '--primary-name', 'hq', '--secondary-context', 'cluster-2', '--secondary-name', 'c2', '--wait', '30']);
    expect(boot.code, boot.stderr).toBe(0);
    const label = await run(['label', ...primary, '--cluster', 'c2', 'env=prod']);
    expect(label.code, label.stderr).toBe(0);
  });

  afterAll(async () => {
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 for a command line that is wrong, naming the option, and sends nothing', async () => {
    const runs = await Promise.all([
      run(['profile', 'create', ...primary, '--name', 's3-bad', '--bucket', 'Not_A_Bucket', '--region', 'us-east-1'], KEYS),
      run(['profile', 'create', ...primary, '--name', 's3-nokeys', '--bucket', 'kasten', '--region', 'us-east-1']),
      run(['profile', 'create', ...primary, '--name', 's3-half', '--bucket', 'kasten', '--region', 'us-east-1'], { AWS_ACCESS_KEY_ID: ACCESS_KEY }),
      run(['policy', 'create', ...primary, '--name', 'p', '--frequency', '@daily', '--retention', 'daily=7,fortnightly=2']),
      run(['policy', 'create', ...primary, '--name', 'p', '--frequency', 'every day']),
      run(['distribution', 'create', ...primary, '--name', 'd', '--selector', 'env=prod']),
      run(['distribution', 'create', ...primary, '--name', 'd', '--selector', 'env in (prod', '--policy', 'p']),
      run(['distribution', 'yaml', ...primary, '--kind', 'Secret', '--name', 'x']),
    ]);
    for (const r of runs) {
      expect(r.code, `${r.args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout, r.args.join(' ')).toBe('');
      expect(r.stderr.trimEnd().split('\n'), r.args.join(' ')).toHaveLength(1);
    }
    const [bucket, noKeys, halfKeys, retention, frequency, noSource, selector, kind] = runs.map((r) => r.stderr);
    expect(bucket).toBe(
      "flotilla profile create: --bucket: a bucket name has only lowercase letters, digits, '.' and '-', and starts and ends with a letter or digit (see flotilla profile create --help)\n",
    );
    expect(noKeys).toBe('flotilla profile create: no S3 keys: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run this at a terminal to type them (see flotilla profile create --help)\n');
    expect(halfKeys).toMatch(/^flotilla profile create: AWS_SECRET_ACCESS_KEY is not set: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(retention).toMatch(/^flotilla policy create: --retention: "fortnightly=2" is not PERIOD=COUNT/);
    expect(frequency).toMatch(/^flotilla policy create: --frequency: "every day" is neither a preset/);
    expect(noSource).toMatch(/^flotilla distribution create: give at least one source: --profile P or --policy Q/);
    expect(selector).toMatch(/^flotilla distribution create: --selector "env in \(prod" is not a valid label selector/);
    expect(kind).toMatch(/^flotilla distribution yaml: --kind must be one of Profile, Policy, Distribution \(got "Secret"\)/);
    expect(await kubectl('cluster-1', 'get', 'profiles.config.kio.kasten.io,policies.config.kio.kasten.io,distributions.dist.kio.kasten.io', '-n', MC, '-o', 'name')).toBe('');
  });

  it('profile create takes the keys from the environment; kubectl sees them in the Secret only', async () => {
    const r = await run(['profile', 'create', ...primary, '--name', 's3-backups', '--bucket', 'kasten-backups', '--region', 'us-east-1', '--endpoint', 'https://s3.example.com'], KEYS);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'Created global profile "s3-backups" on cluster-1: bucket kasten-backups, region us-east-1, endpoint https://s3.example.com.',
        `The keys (from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) are in Secret ${MC}/s3-backups-credentials only.`,
        'Send it to clusters with: flotilla distribution create --context cluster-1 --name NAME --selector SEL --profile s3-backups',
        '',
      ].join('\n'),
    );
    expect(await secretOn('cluster-1', MC, 's3-backups-credentials', 'aws_secret_access_key')).toBe(SECRET_KEY);
    expect(await secretOn('cluster-1', MC, 's3-backups-credentials', 'aws_access_key_id')).toBe(ACCESS_KEY);
    const spec = JSON.parse(await kubectl('cluster-1', 'get', 'profiles.config.kio.kasten.io', 's3-backups', '-n', MC, '-o', 'jsonpath={.spec.locationSpec}')) as { objectStore: Record<string, unknown> };
    expect(spec.objectStore).toMatchObject({ name: 'kasten-backups', region: 'us-east-1', endpoint: 'https://s3.example.com' });
  });

  it.skipIf(!SCRIPT)('profile create asks at a terminal: the access key echoed, the secret key not', async () => {
    const t = await atTerminal(['profile', 'create', ...primary, '--name', 's3-typed', '--bucket', 'typed-bucket', '--region', 'eu-west-1', '--kubeconfig', kubeconfig, '--data-dir', dataDir], [
      { prompt: 'S3 access key ID: ', text: TYPED_ACCESS_KEY },
      { prompt: 'S3 secret access key (not shown): ', text: TYPED_SECRET_KEY },
    ]);
    allowed.set(t, [TYPED_ACCESS_KEY]);
    expect(t.code, t.stdout).toBe(0);
    expect(t.stdout).toContain(`S3 access key ID: ${TYPED_ACCESS_KEY}`);
    expect(t.stdout).toContain('The keys (as typed) are in Secret kasten-io-mc/s3-typed-credentials only.');
    expect(t.stdout).not.toContain(TYPED_SECRET_KEY);
    expect(await secretOn('cluster-1', MC, 's3-typed-credentials', 'aws_secret_access_key')).toBe(TYPED_SECRET_KEY);
    expect(await secretOn('cluster-1', MC, 's3-typed-credentials', 'aws_access_key_id')).toBe(TYPED_ACCESS_KEY);
  });

  it('profile list --json lists the profiles with their keys present, never the keys', async () => {
    const r = await run(['profile', 'list', ...primary, '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Profile[];
    expect(list.map((p) => p.name).sort()).toEqual(['s3-backups', 's3-typed']);
    expect(list.find((p) => p.name === 's3-backups')).toEqual({
      name: 's3-backups',
      bucket: 'kasten-backups',
      region: 'us-east-1',
      endpoint: 'https://s3.example.com',
      skipTlsVerify: false,
      hasCredentials: true,
      distributions: [],
    });
  });

  it('exits 1 with the service\'s message when the primary refuses a value (an export profile it does not have)', async () => {
    const r = await run(['policy', 'create', ...primary, '--name', 'orphan', '--frequency', '@daily', '--export-profile', 'no-such-profile']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('flotilla policy create: The policy "orphan" cannot be saved: exportProfile: there is no global profile "no-such-profile" on this primary.\n');
  });

  it('policy create with --retention and --export-profile; kubectl sees the policy', async () => {
    const r = await run(['policy', 'create', ...primary, '--name', 'daily-backup', '--frequency', '@daily', '--retention', 'daily=7,weekly=4', '--export-profile', 's3-backups', '--selector', 'tier=db']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Created global policy "daily-backup" on cluster-1: @daily, keeps daily=7 weekly=4, exports to profile s3-backups, applications matching tier in \(db\)\.\n/);
    const spec = JSON.parse(await kubectl('cluster-1', 'get', 'policies.config.kio.kasten.io', 'daily-backup', '-n', MC, '-o', 'jsonpath={.spec}')) as {
      frequency: string;
      retention: Record<string, number>;
      actions: { action: string; exportParameters?: { profile: { name: string } } }[];
    };
    expect(spec.frequency).toBe('@daily');
    expect(spec.retention).toEqual({ daily: 7, weekly: 4 });
    expect(spec.actions.map((a) => a.action)).toEqual(['backup', 'export']);
    expect(spec.actions[1]!.exportParameters!.profile.name).toBe('s3-backups');
    const list = await run(['policy', 'list', ...primary, '--json']);
    expect((JSON.parse(list.stdout) as Policy[]).find((p) => p.name === 'daily-backup')).toMatchObject({ retention: { daily: 7, weekly: 4 }, exportProfile: 's3-backups', paused: false });
  });

  it('distribution create by selector and name keeps the options in the order given', async () => {
    const r = await run(['distribution', 'create', ...primary, '--name', 'prod-backups', '--policy', 'daily-backup', '--selector', 'env=prod', '--profile', 's3-backups', '--cluster', 'hq']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Created distribution "prod-backups" on cluster-1: it sends Policy daily-backup, Profile s3-backups to c2, hq (the clusters its targets select now).\n' +
        'Follow it with: flotilla distribution status --context cluster-1 --name prod-backups\n',
    );
    const spec = JSON.parse(await kubectl('cluster-1', 'get', 'distributions.dist.kio.kasten.io', 'prod-backups', '-n', MC, '-o', 'jsonpath={.spec}')) as {
      clusters: unknown[];
      sources: { ref: { kind: string; name: string } }[];
    };
    expect(spec.clusters).toEqual([{ selector: 'env=prod' }, { name: 'hq' }]);
    expect(spec.sources.map((s) => `${s.ref.kind} ${s.ref.name}`)).toEqual(['Policy daily-backup', 'Profile s3-backups']);
  });

  it('distribution status --json shows it synced on its targets, with the documented keys; kubectl sees the copies', async () => {
    const d = await statusUntil('prod-backups', allSynced);
    expect(states(d)).toEqual({ c2: 'synced', hq: 'synced' });
    expect(Object.keys(d).slice(0, 3)).toEqual(['name', 'state', 'clusters']);
    expect(d).toMatchObject({ name: 'prod-backups', state: 'synced' });
    for (const c of d.clusters) {
      expect(Object.keys(c).slice(0, 2)).toEqual(['name', 'state']);
      expect(SYNC_STATES).toContain(c.state);
      expect(c.diff).toBeUndefined();
    }
    expect(await kubectl('cluster-2', 'get', 'policies.config.kio.kasten.io', 'daily-backup', '-n', 'kasten-io', '-o', 'jsonpath={.spec.retention.daily}')).toBe('7');
    expect(await secretOn('cluster-2', 'kasten-io', 's3-backups-credentials', 'aws_secret_access_key')).toBe(SECRET_KEY);
    const [human, strict] = await Promise.all([run(['distribution', 'status', ...primary]), run(['distribution', 'status', ...primary, '--fail-unless-synced'])]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^prod-backups: synced \(sends Policy daily-backup, Profile s3-backups\)\n {2}NAME\s+STATE\s+MESSAGE\n {2}c2\s+synced\n {2}hq\s+synced\n$/);
    expect(strict.code).toBe(0);
    expect(strict.stderr).toBe('');
  });

  it('a copy edited with kubectl on the secondary shows modified with the diff (exit 0; 1 with --fail-unless-synced)', async () => {
    await kubectl('cluster-2', 'patch', 'policies.config.kio.kasten.io', 'daily-backup', '-n', 'kasten-io', '--type', 'merge', '-p', '{"spec":{"retention":{"daily":3}}}');
    const d = await statusUntil('prod-backups', (x) => states(x).c2 === 'modified');
    expect(d.state).toBe('modified');
    const c2 = d.clusters.find((c) => c.name === 'c2')!;
    expect(c2.state).toBe('modified');
    expect(c2.diff).toEqual([{ path: 'Policy daily-backup: spec.retention.daily', expected: '7', actual: '3' }]);
    const [human, strict] = await Promise.all([run(['distribution', 'status', ...primary, '--name', 'prod-backups']), run(['distribution', 'status', ...primary, '--fail-unless-synced', '--json'])]);
    expect(human.code).toBe(0);
    expect(human.stderr).toBe('');
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('prod-backups: modified (sends Policy daily-backup, Profile s3-backups)');
    expect(lines[1]).toMatch(/^ {2}NAME\s+STATE\s+MESSAGE$/);
    expect(lines[2]).toMatch(/^ {2}c2\s+modified\s+a field differs from the global definition/);
    expect(lines[3]).toBe('      Policy daily-backup: spec.retention.daily: 7 → 3');
    expect(lines[4]).toMatch(/^ {2}hq\s+synced$/);
    expect(lines).toHaveLength(5);
    expect(strict.code).toBe(1);
    expect((JSON.parse(strict.stdout) as Distribution[])[0]!.state).toBe('modified');
    expect(strict.stderr).toBe('flotilla distribution status: not synced: prod-backups is modified on c2\n');
  });

  it('distribution sync puts the copy back: synced again', async () => {
    const r = await run(['distribution', 'sync', ...primary, '--name', 'prod-backups']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Asked K10 on cluster-1 to re-apply distribution "prod-backups" to its targets\.\n/);
    const d = await statusUntil('prod-backups', allSynced);
    expect(states(d)).toEqual({ c2: 'synced', hq: 'synced' });
    expect(await kubectl('cluster-2', 'get', 'policies.config.kio.kasten.io', 'daily-backup', '-n', 'kasten-io', '-o', 'jsonpath={.spec.retention.daily}')).toBe('7');
  });

  it('distribution yaml redacts the keys unless --reveal-secrets', async () => {
    const [redacted, revealed, dist, missing] = await Promise.all([
      run(['distribution', 'yaml', ...primary, '--kind', 'Profile', '--name', 's3-backups']),
      run(['distribution', 'yaml', ...primary, '--kind', 'profile', '--name', 's3-backups', '--reveal-secrets']),
      run(['distribution', 'yaml', ...primary, '--kind', 'Distribution', '--name', 'prod-backups']),
      run(['distribution', 'yaml', ...primary, '--kind', 'Policy', '--name', 'no-such-policy']),
    ]);
    allowed.set(revealed, [b64(SECRET_KEY), b64(ACCESS_KEY)]);
    expect(redacted.code).toBe(0);
    expect(redacted.stdout).toContain('kind: Profile');
    expect(redacted.stdout).toContain('aws_secret_access_key: "[redacted]"');
    expect(redacted.stdout).toContain('aws_access_key_id: "[redacted]"');
    expect(revealed.code).toBe(0);
    expect(revealed.stdout).toContain(`aws_secret_access_key: ${b64(SECRET_KEY)}`);
    expect(revealed.stderr).toMatch(/recorded in the audit log/);
    expect(dist.code).toBe(0);
    expect(dist.stdout).toMatch(/kind: Distribution\n/);
    expect(dist.stdout).toContain('selector: env=prod');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('flotilla distribution yaml: cluster-1 has no global policy "no-such-policy".\n');
  });

  it('distribution delete says on which clusters the copies stay; they do', async () => {
    const r = await run(['distribution', 'delete', ...primary, '--name', 'prod-backups']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Deleted distribution "prod-backups" on cluster-1. Its copies stay on c2, hq (Kasten leaves them; they are no longer kept in step).\n');
    expect(await kubectl('cluster-1', 'get', 'distributions.dist.kio.kasten.io', '-n', MC, '-o', 'name')).toBe('');
    // Give K10 a sync round to act on the deletion (the status run takes about as long), then look: the copies are still there.
    const [none] = await Promise.all([run(['distribution', 'status', ...primary]), new Promise((resolve) => setTimeout(resolve, 1_500))]);
    for (const c of ['cluster-1', 'cluster-2']) {
      expect(await kubectl(c, 'get', 'policies.config.kio.kasten.io', 'daily-backup', '-n', 'kasten-io', '-o', 'jsonpath={.metadata.name}'), c).toBe('daily-backup');
      expect(await kubectl(c, 'get', 'profiles.config.kio.kasten.io', 's3-backups', '-n', 'kasten-io', '-o', 'jsonpath={.metadata.name}'), c).toBe('s3-backups');
    }
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('cluster-1 has no distributions; create one with flotilla distribution create --context cluster-1 --name NAME --selector SEL --policy POLICY.\n');
  });

  it('profile delete is refused while a policy exports to it, and done after policy delete', async () => {
    const refused = await run(['profile', 'delete', ...primary, '--name', 's3-backups']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('flotilla profile delete: The profile "s3-backups" is used by policy daily-backup; change or delete it first.\n');
    expect((await run(['policy', 'delete', ...primary, '--name', 'daily-backup'])).code).toBe(0);
    const deleted = await run(['profile', 'delete', ...primary, '--name', 's3-backups']);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe('Deleted global profile "s3-backups" and its keys\' Secret on cluster-1.\n');
    expect(await secretOn('cluster-1', MC, 's3-backups-credentials', 'aws_access_key_id')).toBeUndefined();
  });

  it('no S3 key is in any output, nor in any file under the data folder', () => {
    expect(cli.runs.length).toBeGreaterThan(25);
    const keys = [...SECRETS, ACCESS_KEY, b64(ACCESS_KEY), TYPED_ACCESS_KEY, b64(TYPED_ACCESS_KEY)];
    for (const r of [...cli.runs, ...allowed.keys()]) {
      const mayShow = allowed.get(r) ?? [];
      for (const [which, text] of Object.entries({ stdout: r.stdout, stderr: r.stderr })) {
        for (const k of keys) if (!mayShow.includes(k)) expect(text.includes(k), `${which} of ${r.args.join(' ')}`).toBe(false);
      }
    }
    const files = filesUnder(dataDir);
    expect(files.map((f) => f.path)).toContain(join(dataDir, 'audit', 'audit.jsonl'));
    expect(files.map((f) => f.path)).toContain(join(dataDir, 'logs', 'cli.log'));
    for (const f of files) for (const k of keys) expect(f.text.includes(k), `${f.path} holds a key`).toBe(false);
    const audit = files.find((f) => f.path.endsWith('audit.jsonl'))!.text;
    for (const action of ['profile-save', 'policy-save', 'distribution-save', 'distribution-sync', 'distribution-delete', 'secret-reveal']) expect(audit).toContain(`"${action}"`);
  });

  /** The CLI at a terminal (a pty from util-linux `script`), typing each answer once its prompt shows. */
  function atTerminal(args: string[], answers: { prompt: string; text: string }[]): Promise<CliRun> {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, '--import', 'tsx', 'main/cli/main.ts', ...args].map(quote).join(' ');
    const env: Record<string, string | undefined> = { ...process.env, ...NO_AWS, FLOTILLA_PASSPHRASE: undefined, FLOTILLA_DATA_DIR: undefined, TERM: 'dumb' };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const started = Date.now();
    return new Promise((done, fail) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let next = 0;
      let from = 0;
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        stdout += c;
        const a = answers[next];
        const at = a ? stdout.indexOf(a.prompt, from) : -1;
        if (a && at >= 0) {
          next++;
          from = at + a.prompt.length;
          child.stdin.write(`${a.text}\r`);
        }
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', fail);
      child.on('close', (code) => {
        clearTimeout(timer);
        child.stdin.destroy();
        done({ args, code: code ?? 1, stdout: stdout.replace(/\r\n/g, '\n'), stderr, ms: Date.now() - started });
      });
    });
  }
});
