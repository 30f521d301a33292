/**
 * `flotilla profile create|list|delete`: global S3 location profiles on a
 * primary (`profiles:*`), which distributions send to clusters.
 *
 * The S3 keys never come from an option (a command line is visible to every
 * user of the machine and stays in shell history): they come from
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or are typed at the terminal
 * (the access key echoed, the secret key not). They go to the profile's
 * Secret in kasten-io-mc and nowhere else: never printed, never logged, and
 * no result carries them back.
 */
import type { Profile } from '../../../shared/contract/index.js';
import { profileSecretName } from '../../../shared/kasten/distribution.js';
import { MC_NAMESPACE } from '../../../shared/kasten/kinds.js';
import { profileProblems } from '../../distribution/validation.js';
import { flag, kastenName, required, str } from '../args.js';
import type { Command } from '../command.js';
import { EXIT_OK, UsageError } from '../errors.js';
import { json, table } from '../output.js';
import { readLineAtTerminal } from '../passphrase.js';

export const ACCESS_KEY_ENV = 'AWS_ACCESS_KEY_ID';
export const SECRET_KEY_ENV = 'AWS_SECRET_ACCESS_KEY';

/** Where the keys came from, to say so (never what they are). */
type KeySource = 'environment' | 'terminal' | 'environment and terminal';

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  source: KeySource;
}

const NO_KEYS = `set ${ACCESS_KEY_ENV} and ${SECRET_KEY_ENV}, or run this at a terminal to type them`;

/** Refuses now, before any cluster is asked, a run that could never get its keys. */
function checkKeysAvailable(env: NodeJS.ProcessEnv, stdin: NodeJS.ReadStream): void {
  const missing = [ACCESS_KEY_ENV, SECRET_KEY_ENV].filter((k) => !env[k]);
  if (missing.length === 0 || stdin.isTTY) return;
  throw new UsageError(missing.length === 2 ? `no S3 keys: ${NO_KEYS}` : `${missing[0]} is not set: ${NO_KEYS}`);
}

/** The keys: each from its environment variable, else typed (the access key echoed, the secret key hidden). */
async function s3Keys(env: NodeJS.ProcessEnv, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<Keys> {
  checkKeysAvailable(env, stdin);
  const fromEnv = { accessKeyId: env[ACCESS_KEY_ENV] || undefined, secretAccessKey: env[SECRET_KEY_ENV] || undefined };
  const accessKeyId = fromEnv.accessKeyId ?? (await readLineAtTerminal(stdin, stderr, 'S3 access key ID: ', { echo: true, nothing: 'no access key ID was typed' }));
  const secretAccessKey = fromEnv.secretAccessKey ?? (await readLineAtTerminal(stdin, stderr, 'S3 secret access key (not shown): ', { nothing: 'no secret access key was typed' }));
  const typed = [fromEnv.accessKeyId, fromEnv.secretAccessKey].filter((v) => v === undefined).length;
  return { accessKeyId, secretAccessKey, source: typed === 0 ? 'environment' : typed === 2 ? 'terminal' : 'environment and terminal' };
}

/** The option (or variable) a field problem of profileProblems is about. */
function profileField(field: string, source: KeySource | undefined): string {
  if (field === 'accessKeyId') return source === 'environment' ? ACCESS_KEY_ENV : 'the access key ID';
  if (field === 'secretAccessKey') return source === 'environment' ? SECRET_KEY_ENV : 'the secret access key';
  if (field === 'credentials') return 'the keys';
  return `--${field}`;
}

/** The profile's fields checked with the service's own rules, each problem named by its option: exit 2, nothing sent. */
function checkProfile(profile: { name: string; bucket: string; region: string; endpoint?: string }, keys?: Keys): void {
  const problems = profileProblems(profile, keys, !!keys).filter((p) => keys || !['credentials', 'accessKeyId', 'secretAccessKey'].includes(p.field));
  if (problems.length) throw new UsageError(problems.map((p) => `${profileField(p.field, keys?.source)}: ${p.message}`).join('; '));
}

export const profileCreateCommand: Command = {
  synopsis: ['profile create --context A --name N --bucket B --region R [--endpoint URL] [--skip-tls-verify] [--json]'],
  help: `Creates the global S3 location profile N on the primary A, with its keys in
the Secret ${MC_NAMESPACE}/N-credentials. Send it to clusters with
flotilla distribution create … --profile N.

The keys are never options: the access key ID comes from ${ACCESS_KEY_ENV}
and the secret access key from ${SECRET_KEY_ENV}; one that is not set is
typed at the terminal (the secret key is not echoed). Without them and
without a terminal, exit code 2. They are never printed nor logged.

Options:
  --context A          the primary
  --name N             the profile's name
  --bucket B           the S3 bucket (AWS naming rules)
  --region R           its region, like us-east-1 (S3-compatible stores accept any)
  --endpoint URL       an S3-compatible store's URL (default: AWS S3)
  --skip-tls-verify    do not verify the endpoint's TLS certificate
  --json               the profile as JSON (never its keys)

Exit code 2 when a field is not valid (the option is named; nothing is
sent), 1 when the primary refuses it (a profile N exists already, A is not
a primary).`,
  options: {
    context: { type: 'string' },
    name: { type: 'string' },
    bucket: { type: 'string' },
    region: { type: 'string' },
    endpoint: { type: 'string' },
    'skip-tls-verify': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values, session, io, env }) {
    const context = required(values, 'context');
    const name = kastenName(values, 'name')!;
    const endpoint = str(values, 'endpoint');
    const profile = { name, bucket: required(values, 'bucket'), region: required(values, 'region'), ...(endpoint !== undefined ? { endpoint } : {}), skipTlsVerify: flag(values, 'skip-tls-verify') };
    if (endpoint === '') throw new UsageError('--endpoint needs a URL (leave it out for AWS S3)');
    checkProfile(profile);
    checkKeysAvailable(env, process.stdin);
    if (env.AWS_SESSION_TOKEN) {
      io.err(`flotilla profile create: warning: AWS_SESSION_TOKEN is set, but a profile keeps only an access key and a secret key; temporary keys (from a role or SSO) stop working without it`);
    }
    const primaryId = await session.clusterId(context);
    const keys = await s3Keys(env);
    checkProfile(profile, keys);
    const saved = await session.call('profiles:save', { primaryId, profile, credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey }, create: true });
    if (flag(values, 'json')) {
      io.out(json(saved));
      return EXIT_OK;
    }
    const from = keys.source === 'environment' ? `from ${ACCESS_KEY_ENV} and ${SECRET_KEY_ENV}` : keys.source === 'terminal' ? 'as typed' : 'from the environment and as typed';
    io.out(
      [
        `Created global profile "${saved.name}" on ${context}: bucket ${saved.bucket}, region ${saved.region}${saved.endpoint ? `, endpoint ${saved.endpoint}` : ''}${saved.skipTlsVerify ? ' (TLS not verified)' : ''}.`,
        `The keys (${from}) are in Secret ${MC_NAMESPACE}/${profileSecretName(saved.name)} only.`,
        `Send it to clusters with: flotilla distribution create --context ${context} --name NAME --selector SEL --profile ${saved.name}`,
      ].join('\n'),
    );
    return EXIT_OK;
  },
};

export function profilesTable(profiles: Profile[]): string {
  return table(
    ['NAME', 'BUCKET', 'REGION', 'ENDPOINT', 'KEYS', 'STATUS', 'DISTRIBUTIONS'],
    profiles.map((p) => [
      p.name,
      p.bucket,
      p.region,
      `${p.endpoint ?? 'AWS S3'}${p.skipTlsVerify ? ' (TLS not verified)' : ''}`,
      p.hasCredentials ? 'yes' : 'missing',
      p.status ?? '-',
      p.distributions.join(',') || '-',
    ]),
  );
}

export const profileListCommand: Command = {
  synopsis: ['profile list --context A [--json]'],
  help: `Lists the global profiles on the primary A, with whether their keys'
Secret exists (the keys themselves are never read back) and the
distributions that send them.

Options:
  --context A     the primary
  --json          the profiles as a JSON array`,
  options: { context: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const profiles = await session.call('profiles:list', { primaryId: await session.clusterId(context) });
    if (flag(values, 'json')) io.out(json(profiles));
    else io.out(profiles.length ? profilesTable(profiles) : `${context} has no global profiles; create one with flotilla profile create --context ${context} --name NAME --bucket BUCKET --region REGION.`);
    return EXIT_OK;
  },
};

export const profileDeleteCommand: Command = {
  synopsis: ['profile delete --context A --name N [--json]'],
  help: `Deletes the global profile N on the primary A, and the Secret with its keys.
Refused (exit code 1) while a distribution sends it or a policy exports to
it: the message names them. Copies already on clusters stay there.

Options:
  --context A     the primary
  --name N        the profile
  --json          print {"deleted": N} as JSON`,
  options: { context: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
  async run({ values, session, io }) {
    const context = required(values, 'context');
    const name = required(values, 'name');
    await session.call('profiles:delete', { primaryId: await session.clusterId(context), name });
    io.out(flag(values, 'json') ? json({ deleted: name }) : `Deleted global profile "${name}" and its keys' Secret on ${context}.`);
    return EXIT_OK;
  },
};
