/**
 * Editing the labels of a Cluster object on a primary: what changed between
 * the labels as they are and the draft (the `set` and `remove` of
 * `labels:set`, and the diff shown before saving), and what is wrong with a
 * label before it is added. The cluster-type label is K10's: shown, never
 * editable. Pure, so the rules are tested without a DOM.
 */
import { LABELS } from '../../../shared/kasten/kinds.js';
import { labelKeyErrors, labelValueErrors } from '../../../shared/selectors.js';

export type Labels = Readonly<Record<string, string>>;

/** Labels nobody edits here: K10 sets them. */
export const READ_ONLY_LABELS: readonly string[] = [LABELS.clusterType];

export function isReadOnlyLabel(key: string): boolean {
  return READ_ONLY_LABELS.includes(key);
}

export interface DiffLine {
  kind: '+' | '-';
  key: string;
  text: string;
}

export interface LabelChange {
  set: Record<string, string>;
  remove: string[];
  /** "+ env=prod", "- region=eu", sorted by key; a changed value is a "-" then a "+". */
  lines: DiffLine[];
}

export function formatLabel(key: string, value: string): string {
  return `${key}=${value}`;
}

/** The change from `original` to `draft`; read-only labels are left out whatever the draft says. */
export function labelChange(original: Labels, draft: Labels): LabelChange {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const lines: DiffLine[] = [];
  const keys = [...new Set([...Object.keys(original), ...Object.keys(draft)])].filter((k) => !isReadOnlyLabel(k)).sort();
  for (const key of keys) {
    const before = original[key];
    const after = draft[key];
    if (before === after) continue;
    if (before !== undefined) lines.push({ kind: '-', key, text: `- ${formatLabel(key, before)}` });
    if (after !== undefined) {
      set[key] = after;
      lines.push({ kind: '+', key, text: `+ ${formatLabel(key, after)}` });
    } else {
      remove.push(key);
    }
  }
  return { set, remove, lines };
}

export function hasChange(change: LabelChange): boolean {
  return change.lines.length > 0;
}

/** What is wrong with a label about to be added, in Kubernetes' words; empty when it can be added. */
export function newLabelProblems(key: string, value: string): string[] {
  const k = key.trim();
  if (!k) return ['a key is required'];
  if (isReadOnlyLabel(k)) return [`"${k}" is set by K10 and says whether a cluster is the primary; it cannot be changed here`];
  return [...labelKeyErrors(k).map((e) => `key: ${e}`), ...labelValueErrors(value.trim()).map((e) => `value: ${e}`)];
}
