/**
 * The label selector editor's rules (selector-editor.tsx): what is wrong
 * with a selector and where, the terms it is made of, and the term the
 * small builder makes from a key, an operator and values. Parsing is the
 * apiserver's (shared/selectors.ts), so what the editor accepts is what
 * `kubectl -l` and Kasten accept. Pure.
 */
import { formatLabelSelector, parseLabelSelector, SelectorError, type LabelRequirement } from '../../shared/selectors.js';

export interface SelectorProblem {
  message: string;
  /** Offset in the text where parsing failed. */
  position?: number;
}

/** What is wrong with a selector, or undefined when it parses. */
export function selectorProblem(text: string): SelectorProblem | undefined {
  try {
    parseLabelSelector(text);
    return undefined;
  } catch (err) {
    if (err instanceof SelectorError) return { message: err.message, ...(err.position !== undefined ? { position: err.position } : {}) };
    return { message: String(err) };
  }
}

export interface SelectorTerm {
  key: string;
  /** The term as `kubectl -l` writes it: `env=prod`, `tier in (a,b)`, `!legacy`. */
  text: string;
}

/** The terms of a selector that parses (in the apiserver's order), or null when it does not. */
export function selectorTerms(text: string): SelectorTerm[] | null {
  let reqs: readonly LabelRequirement[];
  try {
    reqs = parseLabelSelector(text);
  } catch {
    return null;
  }
  return reqs.map((r) => ({ key: r.key, text: formatLabelSelector([r]) }));
}

/** The selector without its `index`-th term (canonical form), or the text unchanged when it does not parse. */
export function removeTerm(text: string, index: number): string {
  try {
    const reqs = parseLabelSelector(text);
    return formatLabelSelector(reqs.filter((_, i) => i !== index));
  } catch {
    return text;
  }
}

export const BUILDER_OPERATORS = ['=', '!=', 'in', 'notin', 'exists', '!exists'] as const;
export type BuilderOperator = (typeof BUILDER_OPERATORS)[number];

export const OPERATOR_LABELS: Record<BuilderOperator, string> = {
  '=': 'is',
  '!=': 'is not',
  in: 'is one of',
  notin: 'is none of',
  exists: 'exists',
  '!exists': 'does not exist',
};

/** Whether the operator takes values (one, or a comma-separated list). */
export function operatorTakesValues(op: BuilderOperator): boolean {
  return op !== 'exists' && op !== '!exists';
}

/** The term the builder makes; `values` is one value, or several separated by commas for in/notin. */
export function buildTerm(key: string, op: BuilderOperator, values: string): { term: string } | { problem: string } {
  const k = key.trim();
  if (!k) return { problem: 'a label key is required' };
  const list = values
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  let term: string;
  switch (op) {
    case '=':
    case '!=':
      if (list.length > 1) return { problem: `“${OPERATOR_LABELS[op]}” takes one value; use “is one of” for several` };
      term = `${k}${op}${list[0] ?? ''}`;
      break;
    case 'in':
    case 'notin':
      if (list.length === 0) return { problem: 'at least one value is required (several: separate them with commas)' };
      term = `${k} ${op} (${list.join(',')})`;
      break;
    case 'exists':
      term = k;
      break;
    case '!exists':
      term = `!${k}`;
      break;
  }
  const problem = selectorProblem(term);
  return problem ? { problem: problem.message } : { term };
}

/** The selector with a term added (all terms must hold). */
export function appendTerm(text: string, term: string): string {
  const t = text.trim();
  return t ? `${t},${term}` : term;
}
