/**
 * Reading the command line: node:util parseArgs with strict options, and the
 * small value parsers the commands share (seconds, durations, label changes,
 * cluster targets). Every problem is a UsageError whose message names the
 * option and says what it expects.
 */
import { parseArgs } from 'node:util';
import { kastenNameProblem } from '../../shared/kasten/names.js';
import { ingressUrlProblem } from '../multicluster/urls.js';
import { UsageError } from './errors.js';

export type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };
export type OptionSpecs = Record<string, OptionSpec>;
export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;
/** One option as given, in command-line order (`--cluster a --selector x --cluster b` keeps its interleaving). */
export type Occurrence = { name: string; value: string | undefined };

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h' },
  kubeconfig: { type: 'string' },
  'data-dir': { type: 'string' },
};

/**
 * Parses `argv` against `options` (and the global ones); unknown options and
 * stray arguments are usage errors. `order` is every option in the order it
 * was given, for commands whose different repeated options make one list.
 */
export function parseCommandLine(argv: string[], options: OptionSpecs, positionals: { min: number; max: number }): { values: Values; positionals: string[]; order: Occurrence[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...GLOBAL_OPTIONS, ...options }, strict: true, allowPositionals: positionals.max > 0, tokens: true });
  } catch (err) {
    throw new UsageError(parseArgsMessage(err));
  }
  const found = parsed.positionals;
  if (found.length > positionals.max) throw new UsageError(`unexpected argument "${found[positionals.max]}"`);
  const order = parsed.tokens.flatMap((t): Occurrence[] => (t.kind === 'option' ? [{ name: t.name, value: t.value }] : []));
  return { values: parsed.values as Values, positionals: found, order };
}

/** parseArgs' message without its advice about `--` (which rarely applies here). */
function parseArgsMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const m = /Unexpected argument '([^']*)'/.exec(message);
    return m ? `unexpected argument "${m[1]}"` : 'unexpected argument';
  }
  // "Unknown option '--foo'. To specify a positional argument starting with a '-', …" → the first sentence.
  const first = message.split(/\.\s/)[0]!.replace(/\.$/, '');
  return first.charAt(0).toLowerCase() + first.slice(1);
}

/** Whether `argv` asks for help (before any `--`), so that help works even next to a mistake. */
export function wantsHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  if (Array.isArray(v)) return v.length ? String(v[v.length - 1]) : undefined;
  return typeof v === 'string' ? v : undefined;
}

export function strs(values: Values, name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' ? [v] : [];
}

export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/** A required string option. */
export function required(values: Values, name: string): string {
  const v = str(values, name);
  if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/** A whole number of seconds from 0 to `max` (the contract's limit for waits). */
export function seconds(values: Values, name: string, fallback: number, max = 600): number {
  const v = str(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`--${name} must be a whole number of seconds from 0 to ${max} (got "${v}")`);
  return n;
}

/** A whole number from `min` to `max`. */
export function integer(values: Values, name: string, fallback: number, min: number, max: number): number {
  const v = str(values, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || n < min || n > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${v}")`);
  return n;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90m`, `24h`, `7d` (a bare number is hours) → milliseconds, from one minute to `maxDays`. */
export function duration(values: Values, name: string, fallback: string, maxDays = 30): number {
  const text = str(values, name) ?? fallback;
  const m = /^(\d+(?:\.\d+)?)\s*([mhd]?)$/i.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[(m[2] || 'h').toLowerCase()]! : NaN;
  if (!Number.isFinite(ms) || ms < 60_000 || ms > maxDays * UNIT_MS.d!) {
    throw new UsageError(`--${name} must be a duration from 1m to ${maxDays}d, like 90m, 24h or 7d (got "${text}")`);
  }
  return ms;
}

/** A Kasten name (cluster, token), checked with Kasten's rules before anything is sent. */
export function kastenName(values: Values, name: string, opts: { optional?: boolean } = {}): string | undefined {
  const v = opts.optional ? str(values, name) : required(values, name);
  if (v === undefined) return undefined;
  const problem = kastenNameProblem(v);
  if (problem) throw new UsageError(`--${name}: ${problem}`);
  return v;
}

/** An https ingress URL as Kasten accepts it. */
export function ingressUrl(values: Values, name: string): string | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  const problem = ingressUrlProblem(v, `--${name}`);
  if (problem) throw new UsageError(problem.replace(/\.$/, ''));
  return v;
}

/** `key=value` sets a label, `key-` removes one (as `kubectl label`). */
export function labelChanges(args: string[]): { set: Record<string, string>; remove: string[] } {
  if (args.length === 0) throw new UsageError('give at least one label change: key=value to set a label, key- to remove one');
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq > 0) {
      const key = a.slice(0, eq);
      if (key in set) throw new UsageError(`the label "${key}" is set twice`);
      set[key] = a.slice(eq + 1);
    } else if (eq < 0 && a.length > 1 && a.endsWith('-')) {
      remove.push(a.slice(0, -1));
    } else {
      throw new UsageError(`"${a}" is not a label change: write key=value to set a label, key- to remove one`);
    }
  }
  return { set, remove };
}

export type ClusterTargetArg = { name: string } | { selector: string };

/** `--clusters all` | `NAME,NAME…` | `selector=SELECTOR`. */
export function clusterTargets(text: string | undefined): ClusterTargetArg[] {
  const t = (text ?? 'all').trim();
  if (t === 'all') return [{ selector: '' }];
  if (t.startsWith('selector=')) return [{ selector: t.slice('selector='.length) }];
  const names = t.split(',').map((n) => n.trim());
  if (names.some((n) => !n)) throw new UsageError(`--clusters must be all, a comma-separated list of cluster names, or selector=SELECTOR (got "${text}")`);
  for (const n of names) {
    const problem = kastenNameProblem(n);
    if (problem) throw new UsageError(`--clusters: ${problem}`);
  }
  return names.map((name) => ({ name }));
}
