/**
 * Whether a target holds what a distribution sends it, decided by Flotilla
 * from the objects themselves: the global definitions on the primary (as
 * they would land, references pointed at kasten-io) against the copies in
 * the target's kasten-io. Pure, so every rule here has a unit test.
 */
import type { ClusterSync, FieldDiff, SyncState } from '../../shared/contract/index.js';
import { K10_NAMESPACE, MC_NAMESPACE } from '../../shared/kasten/kinds.js';

/** Worst first: what a distribution's (and a cluster's) state rolls up to. */
export const SEVERITY: readonly SyncState[] = ['failed', 'unreachable', 'modified', 'missing', 'syncing', 'synced'];

export function worst(states: Iterable<SyncState>): SyncState {
  let best = SEVERITY.length - 1;
  for (const s of states) best = Math.min(best, SEVERITY.indexOf(s));
  return SEVERITY[best]!;
}

/** References inside global resources point into kasten-io-mc; on a target they point at the copies in kasten-io. [doc] */
export function retarget(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(retarget);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = k === 'namespace' && v === MC_NAMESPACE ? K10_NAMESPACE : retarget(v);
    return out;
  }
  return value;
}

function show(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Leaf-by-leaf differences between two JSON values, under `prefix`. */
export function diffValues(prefix: string, expected: unknown, actual: unknown, out: FieldDiff[] = []): FieldDiff[] {
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (isObj(expected) && isObj(actual)) {
    for (const k of new Set([...Object.keys(expected), ...Object.keys(actual)])) diffValues(`${prefix}.${k}`, expected[k], actual[k], out);
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    expected.forEach((e, i) => diffValues(`${prefix}[${i}]`, e, actual[i], out));
    return out;
  }
  if (JSON.stringify(expected) !== JSON.stringify(actual)) {
    const e = show(expected);
    const a = show(actual);
    out.push({ path: prefix, ...(e !== undefined ? { expected: e } : {}), ...(a !== undefined ? { actual: a } : {}) });
  }
  return out;
}

/** An object a distribution sends: its kind and name, and what must match on the target. */
export interface ExpectedCopy {
  kind: 'Policy' | 'Profile' | 'Secret';
  name: string;
  /** Policies and Profiles: their spec (retargeted). Secrets: their data (compared, never shown). */
  content: unknown;
}

/** A copy as read on the target; undefined when it is not there. */
export type ActualCopy = { content: unknown } | undefined;

/**
 * The state of one reachable target. `reported` is what the primary's K10
 * says of it (undocumented; absent on a real cluster).
 */
export function targetState(name: string, expected: readonly ExpectedCopy[], actual: readonly ActualCopy[], reported?: { state?: string; message?: string }): ClusterSync {
  const missing = expected.filter((_, i) => !actual[i]).map((e) => `${e.kind} ${e.name}`);
  if (missing.length) {
    if (reported?.state === 'Failed') return { name, state: 'failed', message: reported.message ?? 'K10 could not apply it (no reason given)' };
    if (reported?.state === 'Syncing') return { name, state: 'syncing', message: `waiting for ${missing.join(', ')}` };
    return { name, state: 'missing', message: `not on the cluster: ${missing.join(', ')}` };
  }
  const diff: FieldDiff[] = [];
  expected.forEach((e, i) => {
    const got = actual[i]!.content;
    if (e.kind === 'Secret') {
      // Secret values are compared, never shown: only which key differs.
      for (const d of diffValues('data', e.content ?? {}, got ?? {})) diff.push({ path: `Secret ${e.name}: ${d.path}`, expected: '(the global value)', actual: d.actual === undefined ? '(missing)' : '(differs)' });
    } else {
      for (const d of diffValues('spec', e.content, got)) diff.push({ ...d, path: `${e.kind} ${e.name}: ${d.path}` });
    }
  });
  if (diff.length) return { name, state: 'modified', message: `${diff.length === 1 ? 'a field differs' : `${diff.length} fields differ`} from the global definition (a local edit; the next sync overwrites it)`, diff };
  return { name, state: 'synced' };
}
