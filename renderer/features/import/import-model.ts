/**
 * The import wizard's rules, pure: which contexts may be imported, what the
 * user chose for each (import or not, under which name, update or skip an
 * existing cluster), whether those names are valid, and the `kubeconfig:import`
 * selections that follow. The wizard and the store both use these.
 */
import type { Candidate, ConnectionTest, ImportSelection, ImportSource, Problem } from '../../../shared/contract/index.js';
import { kastenNameProblem } from '../../../shared/kasten/names.js';

export type SourceKind = ImportSource['kind'];

export const SOURCE_LABELS: Record<SourceKind, string> = {
  default: 'Default kubeconfig',
  env: '$KUBECONFIG',
  files: 'Files',
  folder: 'Folder',
  text: 'Paste text',
};

export interface CandidateChoice {
  selected: boolean;
  /** The name in Flotilla (editable). */
  name: string;
  onExisting: 'update' | 'skip';
}

/**
 * Problems the wizard itself resolves: a duplicate or taken name is fixed by
 * renaming or by choosing update/skip, so they never block a row.
 */
const RESOLVED_IN_WIZARD: ReadonlySet<Problem['code']> = new Set(['duplicate-name', 'already-imported']);

/** The errors that keep this context from being imported. */
export function blockingProblems(c: Candidate): Problem[] {
  return c.problems.filter((p) => p.severity === 'error' && !RESOLVED_IN_WIZARD.has(p.code));
}

export function isBlocked(c: Candidate): boolean {
  return blockingProblems(c).length > 0;
}

/** Every importable context selected, under the name main suggested; existing clusters skipped. */
export function initialChoices(candidates: readonly Candidate[]): Record<string, CandidateChoice> {
  const choices: Record<string, CandidateChoice> = {};
  for (const c of candidates) choices[c.id] = { selected: !isBlocked(c), name: c.suggestedName, onExisting: 'skip' };
  return choices;
}

/** Why a selected row's name cannot be used: invalid, or the same as another selected row. */
export function nameProblems(candidates: readonly Candidate[], choices: Readonly<Record<string, CandidateChoice>>): Record<string, string> {
  const problems: Record<string, string> = {};
  const seen = new Map<string, string>();
  for (const c of candidates) {
    const choice = choices[c.id];
    if (!choice?.selected || isBlocked(c)) continue;
    const invalid = kastenNameProblem(choice.name);
    if (invalid) {
      problems[c.id] = invalid;
      continue;
    }
    const first = seen.get(choice.name);
    if (first !== undefined) {
      problems[c.id] = `"${choice.name}" is already used by another selected context`;
      problems[first] ??= `"${choice.name}" is already used by another selected context`;
    } else {
      seen.set(choice.name, c.id);
    }
  }
  return problems;
}

/** What `kubeconfig:import` receives: the selected, unblocked rows. */
export function buildSelections(candidates: readonly Candidate[], choices: Readonly<Record<string, CandidateChoice>>): ImportSelection[] {
  return candidates
    .filter((c) => choices[c.id]?.selected && !isBlocked(c))
    .map((c) => {
      const choice = choices[c.id]!;
      return { candidateId: c.id, name: choice.name, onExisting: choice.onExisting };
    });
}

/** One path per line; blank lines ignored. */
export function parsePaths(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

export interface SourceFields {
  pathsText: string;
  folderPath: string;
  pastedText: string;
}

/** The source to scan, or what is missing to scan it. */
export function buildSource(kind: SourceKind, fields: SourceFields): { source: ImportSource } | { problem: string } {
  switch (kind) {
    case 'default':
    case 'env':
      return { source: { kind } };
    case 'files': {
      const paths = parsePaths(fields.pathsText);
      if (paths.length === 0) return { problem: 'Choose files, or type one path per line.' };
      return { source: { kind, paths } };
    }
    case 'folder': {
      const path = fields.folderPath.trim();
      if (!path) return { problem: 'Choose a folder, or type its path.' };
      return { source: { kind, path } };
    }
    case 'text':
      if (!fields.pastedText.trim()) return { problem: 'Paste the contents of a kubeconfig.' };
      return { source: { kind, text: fields.pastedText } };
  }
}

/** A connection test in one line: "Reachable · 12 ms · v1.32.0 · K10 8.0.1 · as admin". */
export function describeConnectionTest(t: ConnectionTest): string {
  if (!t.reachable || t.error) {
    return t.error ? `${t.error.code === 'INTERNAL' ? '' : `${t.error.code}: `}${t.error.message}` : 'Unreachable';
  }
  const parts = ['Reachable'];
  if (t.latencyMs !== undefined) parts.push(`${Math.round(t.latencyMs)} ms`);
  if (t.kubernetesVersion) parts.push(t.kubernetesVersion);
  if (t.k10) parts.push(t.k10.installed ? `K10 ${t.k10.version ?? '(version unknown)'}` : 'no K10');
  if (t.identity) parts.push(`as ${t.identity.username}`);
  return parts.join(' · ');
}
