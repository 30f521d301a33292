/**
 * What the CLI prints: aligned tables and step lists for people, JSON for
 * scripts. Results go to stdout; warnings and errors to stderr.
 */
import type { Step } from '../../shared/contract/index.js';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

/** Columns padded to their widest cell, two spaces apart; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** `  done     Create namespace kasten-io-mc` — one line per step, with its message. */
export function steps(list: readonly Step[]): string {
  return list.map((s) => `  ${s.state.padEnd(8)} ${s.step}${s.message ? `: ${s.message}` : ''}`).join('\n');
}
