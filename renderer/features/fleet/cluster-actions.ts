/**
 * What can be done to a cluster from the fleet view, from its row alone:
 * a standalone cluster with K10 can be promoted, a standalone one can join
 * a primary (and start over after a rejected join), a primary has its
 * tokens, one-click join, permissions, Cluster objects, disconnect and
 * demote; a secondary leads to its primary when the fleet holds it. Pure,
 * so the rules are tested without a DOM.
 */
import type { FleetRow } from '../../../shared/contract/index.js';

export const CLUSTER_ACTIONS = [
  'check-now',
  'open-k10',
  'copy-server',
  'start-over',
  'promote',
  'join',
  'mc-clusters',
  'tokens',
  'join-clusters',
  'permissions',
  'disconnect',
  'demote',
  'open-primary',
  'audit',
  'remove',
] as const;
export type ClusterActionId = (typeof CLUSTER_ACTIONS)[number];

export const ACTION_LABELS: Record<ClusterActionId, string> = {
  'check-now': 'Check now',
  'open-k10': 'Open K10 dashboard',
  'copy-server': 'Copy server URL',
  remove: 'Remove from Flotilla…',
  'start-over': 'Start over…',
  promote: 'Promote to primary…',
  join: 'Join a primary…',
  'mc-clusters': 'Clusters and labels',
  tokens: 'Manage tokens',
  'join-clusters': 'Join clusters…',
  permissions: 'Permissions',
  disconnect: 'Disconnect a secondary…',
  demote: 'Demote…',
  'open-primary': 'Open its primary',
  audit: 'Audit log',
};

/** Actions that change a cluster in a way that is hard to undo: shown in red. */
export const DANGEROUS_ACTIONS: ReadonlySet<ClusterActionId> = new Set(['demote', 'disconnect', 'remove']);

/** The fleet row of the primary a secondary belongs to (matched by the primary's Kasten name). */
export function primaryRowOf(row: FleetRow, rows: Readonly<Record<string, FleetRow>>): FleetRow | undefined {
  if (row.role !== 'secondary' || !row.primaryName) return undefined;
  return Object.values(rows).find((r) => r.role === 'primary' && r.primaryName === row.primaryName);
}

/** The Kasten names of the primaries the fleet holds, to tell whether a secondary's primary is here. */
export function primaryNames(rows: Readonly<Record<string, FleetRow>>): ReadonlySet<string> {
  const names = new Set<string>();
  for (const r of Object.values(rows)) if (r.role === 'primary' && r.primaryName) names.add(r.primaryName);
  return names;
}

/** The actions a cluster offers, most relevant first; `primaryInFleet`: a secondary's primary is a fleet row. */
export function clusterActions(row: FleetRow, primaryInFleet = false): ClusterActionId[] {
  const actions: ClusterActionId[] = [];
  switch (row.role) {
    case 'primary':
      actions.push('mc-clusters', 'tokens', 'join-clusters', 'permissions', 'disconnect', 'demote');
      break;
    case 'standalone':
      if (row.joinState === 'rejected') actions.push('start-over');
      if (row.k10Version !== undefined) actions.push('promote');
      actions.push('join');
      break;
    case 'secondary':
      if (primaryInFleet) actions.push('open-primary');
      break;
    case 'unknown':
      break;
  }
  actions.push('audit');
  return actions;
}

/**
 * A row's menu (its ⋯ button, a right-click, the context-menu key): the
 * everyday actions on the cluster itself first, then its multi-cluster
 * actions and the audit log, and removal last.
 */
export function rowMenuActions(row: FleetRow, primaryInFleet = false): ClusterActionId[] {
  return ['check-now', 'open-k10', 'copy-server', ...clusterActions(row, primaryInFleet), 'remove'];
}

/** How a cluster stands in the fleet's multi-cluster, in words: "Member of prod", "Primary “prod”", "No primary". */
export function membershipText(row: FleetRow): string {
  if (row.role === 'primary') return row.primaryName ? `Is the primary “${row.primaryName}”` : 'Is a primary';
  if (row.role === 'secondary') return row.primaryName ? `Member of ${row.primaryName}` : 'Member of a primary';
  if (row.role === 'unknown') return 'Not known';
  return 'No primary';
}
