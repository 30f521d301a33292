/**
 * The permissions form's rules: a draft from main's plan, the request it
 * makes (or what is wrong with it), and how subjects and cluster targets
 * read. Pure, so they are tested without a DOM.
 */
import type { ClusterTarget, Subject } from '../../../shared/contract/index.js';
import { K10_CLUSTER_ROLES } from '../../../shared/kasten/kinds.js';
import { kastenNameProblem } from '../../../shared/kasten/names.js';
import { parseLabelSelector, SelectorError } from '../../../shared/selectors.js';
import type { GrantPlan, GrantRequest } from '../../store/permissions.slice.js';

export type K10ClusterRole = (typeof K10_CLUSTER_ROLES)[number];
export { K10_CLUSTER_ROLES };

export const ROLE_HELP: Record<K10ClusterRole, string> = {
  'k10-multi-cluster-admin': 'Everything on the chosen clusters’ K10, through the primary.',
  'k10-multi-cluster-basic': 'Day-to-day work (applications, policies, restores) on the chosen clusters.',
  'k10-multi-cluster-config-view': 'Read-only view of the chosen clusters’ K10 configuration.',
};

export type ClustersMode = 'all' | 'names' | 'selector';

export interface SubjectDraft {
  kind: Subject['kind'];
  name: string;
  namespace: string;
}

export interface GrantDraft {
  name: string;
  role: K10ClusterRole;
  subjects: SubjectDraft[];
  clustersMode: ClustersMode;
  clusterNames: string[];
  selector: string;
  mcAdmin: boolean;
}

function modeOf(clusters: readonly ClusterTarget[]): { mode: ClustersMode; names: string[]; selector: string } {
  const names = clusters.flatMap((c) => ('name' in c ? [c.name] : []));
  const selectors = clusters.flatMap((c) => ('selector' in c ? [c.selector] : []));
  if (names.length > 0) return { mode: 'names', names, selector: '' };
  if (selectors.length === 1 && selectors[0] !== '') return { mode: 'selector', names: [], selector: selectors[0]! };
  return { mode: 'all', names: [], selector: '' };
}

/** The form as main suggests it; k10-mc-admin pre-checked when the user does not already have it. */
export function draftFromPlan(plan: GrantPlan): GrantDraft {
  const { mode, names, selector } = modeOf(plan.suggested.clusters);
  return {
    name: plan.suggested.name,
    role: plan.suggested.role,
    subjects: plan.suggested.subjects.map((s) => ({ kind: s.kind, name: s.name, namespace: s.namespace ?? '' })),
    clustersMode: mode,
    clusterNames: names,
    selector,
    mcAdmin: !plan.hasMcAdmin,
  };
}

export function emptySubject(): SubjectDraft {
  return { kind: 'User', name: '', namespace: '' };
}

export function selectorProblem(selector: string): string | undefined {
  try {
    parseLabelSelector(selector);
    return undefined;
  } catch (err) {
    return err instanceof SelectorError ? err.message : String(err);
  }
}

/** The `grant:apply` request of a draft, or every problem that stops it. */
export function grantRequest(draft: GrantDraft): { request: GrantRequest } | { problems: string[] } {
  const problems: string[] = [];
  const nameProblem = kastenNameProblem(draft.name.trim());
  if (nameProblem) problems.push(`Name: ${nameProblem}.`);
  const subjects: Subject[] = [];
  for (const s of draft.subjects) {
    const name = s.name.trim();
    if (!name) continue;
    if (s.kind === 'ServiceAccount') {
      if (!s.namespace.trim()) problems.push(`The service account “${name}” needs a namespace.`);
      subjects.push({ kind: s.kind, name, namespace: s.namespace.trim() });
    } else {
      subjects.push({ kind: s.kind, name });
    }
  }
  if (subjects.length === 0) problems.push('Add at least one user, group or service account.');
  let clusters: ClusterTarget[];
  if (draft.clustersMode === 'all') clusters = [{ selector: '' }];
  else if (draft.clustersMode === 'names') {
    clusters = draft.clusterNames.map((name) => ({ name }));
    if (clusters.length === 0) problems.push('Choose at least one cluster.');
  } else {
    const selector = draft.selector.trim();
    const p = selector ? selectorProblem(selector) : 'a selector is required (or choose all clusters)';
    if (p) problems.push(`Cluster selector: ${p}.`);
    clusters = [{ selector }];
  }
  if (problems.length > 0) return { problems };
  return { request: { name: draft.name.trim(), role: draft.role, subjects, clusters, mcAdmin: draft.mcAdmin } };
}

export function describeSubject(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount ${s.namespace ?? 'default'}/${s.name}` : `${s.kind} ${s.name}`;
}

export function describeTarget(c: ClusterTarget): string {
  if ('name' in c) return c.name;
  return c.selector === '' ? 'all clusters (current and future)' : `clusters matching ${c.selector}`;
}
