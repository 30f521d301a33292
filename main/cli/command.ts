/**
 * What a command is to main.ts: an entry in its command table (name and
 * summary, enough for `flotilla --help`) and, loaded only when that command
 * runs or its help is asked for, the command's module: its help, its
 * options, and what it runs.
 */
import type { Occurrence, OptionSpecs, Values } from './args.js';
import type { Output } from './output.js';
import type { Session } from './session.js';

export interface Invocation {
  values: Values;
  positionals: string[];
  /** Every option in command-line order (for lists built from several repeatable options). */
  order: Occurrence[];
  session: Session;
  io: Output;
  /** The user-data folder (also where a `handoff seal` is audited). */
  dataDir: string;
  env: NodeJS.ProcessEnv;
}

/** One line of main.ts's command table. */
export interface CommandEntry {
  /** As typed: `fleet`, `token create`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Loads the command's module (a dynamic import: `flotilla fleet` never initialises the code of `handoff` or `distribution`). */
  load(): Promise<Command>;
}

export interface Command {
  /** The usage line(s) after `flotilla `. */
  synopsis: string[];
  /** What it does, its options, and its exit codes where they are not the usual ones. */
  help: string;
  options: OptionSpecs;
  positionals?: { min: number; max: number };
  /** The exit code. Throws CliError (or anything else: a bug, reported as such). */
  run(inv: Invocation): Promise<number>;
}
