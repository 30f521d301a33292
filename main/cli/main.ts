/**
 * `flotilla`: the command-line shell over the same router and services as
 * the app (ARCHITECTURE.md): argv is parsed here, a cluster named by
 * --context is looked up in the app's imported clusters or in
 * --kubeconfig FILE, and each command calls the router as the app's pages
 * do. The log goes to `<user data>/logs/cli.log`; stderr gets one line per
 * error; stdout the result (for people, or --json for scripts).
 *
 * Exit codes: 0 done; 1 the operation failed (a refused promotion, a
 * rejected join, a cluster that does not answer, a value the service
 * refused); 2 the command line is wrong and nothing was done; 130 (Ctrl-C)
 * or 143 (SIGTERM) interrupted. `distribution status` is a report: 0
 * whatever the clusters' states, unless --fail-unless-synced.
 *
 *   npm run cli -- fleet --kubeconfig lab.yaml --wait 10
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { redactSecrets } from '../log.js';
import { parseCommandLine, str, wantsHelp } from './args.js';
import type { Command, CommandEntry } from './command.js';
import { resolveDataDir } from './data-dir.js';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { processOutput, type Output } from './output.js';
import type { Session } from './session.js';

/**
 * Every command: its name and summary here, the rest in its module, loaded
 * only when that command runs or its help is shown. Start-up then does
 * only what the command needs: `fleet` does not initialise the code of
 * handoff, joins or distributions, and `--help` loads no command at all.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'fleet', summary: 'one row per cluster: role, join state, reachability, versions, counts', load: () => import('./commands/fleet.js').then((m) => m.fleetCommand) },
  { name: 'promote', summary: 'make a cluster the multi-cluster primary', load: () => import('./commands/promote.js').then((m) => m.promoteCommand) },
  { name: 'token create', summary: 'create a join token on a primary; print its fingerprint', load: () => import('./commands/tokens.js').then((m) => m.tokenCreateCommand) },
  { name: 'token list', summary: "list a primary's join tokens (names and fingerprints, never values)", load: () => import('./commands/tokens.js').then((m) => m.tokenListCommand) },
  { name: 'token revoke', summary: 'revoke a join token (clusters that joined with it stay joined)', load: () => import('./commands/tokens.js').then((m) => m.tokenRevokeCommand) },
  { name: 'token show', summary: "reveal a token's value (requires --reveal; audited)", load: () => import('./commands/tokens.js').then((m) => m.tokenShowCommand) },
  { name: 'join', summary: 'join a cluster to a primary with a token from a file (or --reset)', load: () => import('./commands/join.js').then((m) => m.joinCommand) },
  { name: 'bootstrap', summary: 'promote (if needed), make a token, join a secondary, wait for joined', load: () => import('./commands/join.js').then((m) => m.bootstrapCommand) },
  { name: 'disconnect', summary: 'disconnect a secondary from its primary', load: () => import('./commands/membership.js').then((m) => m.disconnectCommand) },
  { name: 'demote', summary: 'demote a primary that has no secondaries left', load: () => import('./commands/membership.js').then((m) => m.demoteCommand) },
  { name: 'grant', summary: 'give users or groups a K10 multi-cluster role (K10ClusterRoleBinding)', load: () => import('./commands/membership.js').then((m) => m.grantCommand) },
  { name: 'label', summary: "set or remove labels on a Cluster object on the primary", load: () => import('./commands/membership.js').then((m) => m.labelCommand) },
  { name: 'handoff seal', summary: 'seal a token file with a passphrase, to carry across an air gap', load: () => import('./commands/handoff.js').then((m) => m.handoffSealCommand) },
  { name: 'handoff open', summary: 'open a sealed handoff file into a token file', load: () => import('./commands/handoff.js').then((m) => m.handoffOpenCommand) },
  { name: 'audit', summary: "this workstation's log of administrative actions", load: () => import('./commands/membership.js').then((m) => m.auditCommand) },
  { name: 'profile create', summary: 'create a global S3 profile on a primary (keys from the environment or typed)', load: () => import('./commands/profiles.js').then((m) => m.profileCreateCommand) },
  { name: 'profile list', summary: "list a primary's global profiles (never their keys)", load: () => import('./commands/profiles.js').then((m) => m.profileListCommand) },
  { name: 'profile delete', summary: 'delete a global profile and its keys (refused while in use)', load: () => import('./commands/profiles.js').then((m) => m.profileDeleteCommand) },
  { name: 'policy create', summary: 'create a global backup policy on a primary', load: () => import('./commands/policies.js').then((m) => m.policyCreateCommand) },
  { name: 'policy list', summary: "list a primary's global policies", load: () => import('./commands/policies.js').then((m) => m.policyListCommand) },
  { name: 'policy delete', summary: 'delete a global policy (refused while a distribution sends it)', load: () => import('./commands/policies.js').then((m) => m.policyDeleteCommand) },
  { name: 'distribution create', summary: 'send global profiles and policies to clusters, by name or selector', load: () => import('./commands/distributions.js').then((m) => m.distributionCreateCommand) },
  { name: 'distribution status', summary: "each distribution's state on each of its clusters (a report: exits 0)", load: () => import('./commands/distributions.js').then((m) => m.distributionStatusCommand) },
  { name: 'distribution sync', summary: 'force sync: K10 re-applies a distribution to every target', load: () => import('./commands/distributions.js').then((m) => m.distributionSyncCommand) },
  { name: 'distribution delete', summary: 'delete a distribution (its copies stay on its clusters, as in Kasten)', load: () => import('./commands/distributions.js').then((m) => m.distributionDeleteCommand) },
  { name: 'distribution yaml', summary: 'a global profile, policy or distribution as YAML (keys redacted)', load: () => import('./commands/distributions.js').then((m) => m.distributionYamlCommand) },
];

/** Commands with subcommands: `token create`, `handoff seal`, `distribution status`. */
const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!));
/** Options every command takes that need a value (so they can come before the command too). */
const GLOBAL_VALUE_OPTIONS = new Set(['--kubeconfig', '--data-dir']);

const COMMON_HELP = `Common options:
  --kubeconfig FILE   use the contexts of FILE (by name) instead of the clusters
                      imported in the app; FILE is never changed
  --data-dir DIR      Flotilla's user-data folder (state, log, audit log);
                      default: FLOTILLA_DATA_DIR, else the app's folder
  -h, --help          this help`;

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: flotilla COMMAND [options]

Kasten K10 multi-cluster administration from the command line, on the
clusters imported in the Flotilla app (credentials in the OS keychain) or on
a kubeconfig file (--kubeconfig FILE).

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

${COMMON_HELP}

Run flotilla COMMAND --help for a command's options. Exit codes: 0 done,
1 the operation failed, 2 the command line is wrong (nothing was done);
distribution status is a report and exits 0 whatever the clusters' states,
unless --fail-unless-synced.`;
}

function commandHelp(c: Command): string {
  return `Usage:\n${c.synopsis.map((s) => `  flotilla ${s}`).join('\n')}\n\n${c.help}\n\n${COMMON_HELP}`;
}

async function groupHelp(group: string): Promise<string> {
  const subs = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  const width = Math.max(14, ...subs.map((c) => c.name.length));
  const synopses = (await Promise.all(subs.map((c) => c.load()))).flatMap((c) => c.synopsis);
  return `Usage:\n${synopses.map((s) => `  flotilla ${s}`).join('\n')}\n\n${subs.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}\n\nRun flotilla ${group} SUBCOMMAND --help for its options.`;
}

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Splits argv into the command's words and the rest (global options may come before the command). */
function splitCommand(argv: string[]): { words: string[]; rest: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--') {
    const a = argv[i]!;
    leading.push(a);
    if (GLOBAL_VALUE_OPTIONS.has(a) && i + 1 < argv.length) leading.push(argv[++i]!);
    i++;
  }
  const words: string[] = [];
  if (i < argv.length && !argv[i]!.startsWith('-')) {
    words.push(argv[i++]!);
    if (GROUPS.has(words[0]!) && i < argv.length && !argv[i]!.startsWith('-')) words.push(argv[i++]!);
  }
  return { words, rest: [...leading, ...argv.slice(i)] };
}

/** `args` without the global options and their values. */
function withoutGlobals(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (GLOBAL_VALUE_OPTIONS.has(a)) i++;
    else if (![...GLOBAL_VALUE_OPTIONS].some((o) => a.startsWith(`${o}=`)) && a !== '--help' && a !== '-h') out.push(a);
  }
  return out;
}

export interface CliDeps {
  io?: Output;
  env?: NodeJS.ProcessEnv;
}

/** Runs one command line; resolves with the exit code. Never rejects (unless a command's module cannot be loaded: a broken install). */
export async function runCli(argv: string[], deps: CliDeps = {}): Promise<number> {
  const io = deps.io ?? processOutput;
  const env = deps.env ?? process.env;
  const { words, rest } = splitCommand(argv);

  if (words.length === 0) {
    if (rest.includes('--version')) {
      io.out(version());
      return EXIT_OK;
    }
    if (wantsHelp(rest)) {
      io.out(usage());
      return EXIT_OK;
    }
    const stray = withoutGlobals(rest)[0];
    io.err(stray ? `flotilla: ${stray} is not a command; run flotilla --help` : usage());
    return EXIT_USAGE;
  }
  if (words[0] === 'help') {
    const topic = withoutGlobals(rest).filter((a) => !a.startsWith('-'));
    const name = topic.join(' ');
    const c = COMMANDS.find((x) => x.name === name);
    if (c) io.out(commandHelp(await c.load()));
    else if (GROUPS.has(name)) io.out(await groupHelp(name));
    else if (!name) io.out(usage());
    else {
      io.err(`flotilla help: no command "${name}"; run flotilla --help`);
      return EXIT_USAGE;
    }
    return EXIT_OK;
  }
  const name = words.join(' ');
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    if (GROUPS.has(name)) {
      if (wantsHelp(rest)) {
        io.out(await groupHelp(name));
        return EXIT_OK;
      }
      const subs = COMMANDS.filter((c) => c.name.startsWith(`${name} `)).map((c) => c.name.split(' ')[1]);
      io.err(`flotilla ${name}: give a subcommand: ${subs.join(', ')} (see flotilla ${name} --help)`);
      return EXIT_USAGE;
    }
    io.err(`flotilla: unknown command "${name}"; the commands are ${COMMANDS.map((c) => c.name).join(', ')} (see flotilla --help)`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (wantsHelp(rest)) {
    io.out(commandHelp(command));
    return EXIT_OK;
  }

  let session: Session | undefined;
  // Ctrl-C or a kill while waiting on K10: close connections, then the conventional 128 + signal number.
  const onSignal = (signal: NodeJS.Signals) => {
    io.err(`flotilla ${entry.name}: interrupted; what was already sent to the clusters stays (K10 carries on with it)`);
    const stopping = session?.stop() ?? Promise.resolve();
    void stopping.finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { values, positionals, order } = parseCommandLine(rest, command.options, command.positionals ?? { min: 0, max: 0 });
    if (positionals.length < (command.positionals?.min ?? 0)) throw new UsageError(`missing argument: ${command.synopsis[0]}`);
    const dataDir = resolveDataDir(str(values, 'data-dir'), env);
    const kubeconfig = str(values, 'kubeconfig');
    // Loaded here, like the command: help and usage errors never initialise the contract's schemas.
    const { Session } = await import('./session.js');
    session = new Session({ dataDir, ...(kubeconfig ? { kubeconfig: resolve(kubeconfig) } : {}) });
    const code = await command.run({ values, positionals, order, session, io, dataDir, env });
    return code;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`flotilla ${entry.name}: ${err.message} (see flotilla ${entry.name} --help)`);
      return err.exitCode;
    }
    if (err instanceof CliError) {
      io.err(`flotilla ${entry.name}: ${err.message}`);
      return err.exitCode;
    }
    // A bug: the details (a stack) go to the log, the terminal gets where to find them.
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    session?.log.error(`cli: ${entry.name} failed unexpectedly: ${detail}`);
    const logFile = session ? join(session.opts.dataDir, 'logs', 'cli.log') : 'the log';
    io.err(`flotilla ${entry.name}: unexpected error: ${redactSecrets(err instanceof Error ? err.message : String(err))} (details in ${logFile}; please report it)`);
    return EXIT_FAILED;
  } finally {
    await session?.stop().catch((err: unknown) => session?.log.error(`cli: stopping the services failed: ${(err as Error).message}`));
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const code = await runCli(process.argv.slice(2));
  process.exitCode = code;
  // Everything was stopped, so the process ends by itself; should a connection linger anyway, do not hang the shell.
  setTimeout(() => process.exit(code), 2_000).unref();
}
