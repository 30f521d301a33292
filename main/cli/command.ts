/** What a command is to main.ts: its help, its options, and what it runs. */
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

export interface Command {
  /** As typed: `fleet`, `token create`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The usage line(s) after `flotilla `. */
  synopsis: string[];
  /** What it does, its options, and its exit codes where they are not the usual ones. */
  help: string;
  options: OptionSpecs;
  positionals?: { min: number; max: number };
  /** The exit code. Throws CliError (or anything else: a bug, reported as such). */
  run(inv: Invocation): Promise<number>;
}
