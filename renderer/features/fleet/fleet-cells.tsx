/** The small pieces a fleet row and the detail panel show: role, join state, reachability, actions, labels, last-known values. */
import type { ReactNode } from 'react';
import type { ClusterRole, FleetRow } from '../../../shared/contract/index.js';
import { useNow } from '../../components/use-now.js';
import { formatAgo, formatCount, formatLatency } from '../../format.js';

/**
 * While a cluster is unreachable, every value its row shows was read before
 * it went away: "last known, 4 min ago" (from when it last answered), or
 * "last known" when it never answered since Flotilla started. Undefined for
 * a cluster that answers.
 */
export function lastKnownNote(row: FleetRow, now: number = Date.now()): string | undefined {
  if (row.reachability.state !== 'unreachable') return undefined;
  const seen = row.reachability.lastSeenAt;
  return seen ? `last known, ${formatAgo(seen, now)}` : 'last known';
}

/**
 * A value that may be stale: as is while the cluster answers; else in the
 * last-known style, with its age in a tooltip and for screen readers (the
 * age moves every 30 s while shown). Nothing to mark when there is no value.
 */
export function LastKnown({ row, children, present = true }: { row: FleetRow; children: ReactNode; present?: boolean }) {
  // The clock only where a value is stale: a row has eight of these, and most rows answer.
  if (row.reachability.state !== 'unreachable' || !present) return <>{children}</>;
  return <StaleValue row={row}>{children}</StaleValue>;
}

function StaleValue({ row, children }: { row: FleetRow; children: ReactNode }) {
  const now = useNow(true, 30_000);
  const note = lastKnownNote(row, now)!;
  return (
    <span className="last-known" title={note} data-testid="last-known" data-note={note}>
      {children}
      <span className="visually-hidden"> ({note})</span>
    </span>
  );
}

const ROLE_LABELS: Record<ClusterRole, string> = {
  primary: 'Primary',
  secondary: 'Secondary',
  standalone: 'Standalone',
  unknown: 'Unknown',
};

export function RoleBadge({ role, primaryName }: { role: ClusterRole; primaryName?: string }) {
  return (
    <span className={`role role--${role}`} title={primaryName ? `Secondary of ${primaryName}` : undefined}>
      {ROLE_LABELS[role]}
    </span>
  );
}

export const ROLE_FILTER_LABELS = ROLE_LABELS;

const JOIN_LABELS: Record<FleetRow['joinState'], string> = {
  none: '—',
  joining: 'Joining',
  joined: 'Joined',
  rejected: 'Rejected',
  disconnected: 'Disconnected',
  unknown: 'Unknown',
};

export function JoinStateText({ row }: { row: FleetRow }) {
  return (
    <span className={`join join--${row.joinState}`} title={row.joinMessage}>
      {JOIN_LABELS[row.joinState]}
    </span>
  );
}

export function Reachability({ reachability }: { reachability: FleetRow['reachability'] }) {
  const text =
    reachability.state === 'reachable'
      ? formatLatency(reachability.latencyMs) || 'Reachable'
      : reachability.state === 'unreachable'
        ? 'Unreachable'
        : 'Checking…';
  return (
    <span className={`reach reach--${reachability.state}`}>
      <span className="reach-dot" aria-hidden="true" />
      <span className="visually-hidden">{reachability.state === 'reachable' ? 'Reachable, ' : ''}</span>
      {text}
    </span>
  );
}

export function ActionsCount({ counts }: { counts: FleetRow['counts'] }) {
  const failed = counts.failedActions24h ?? 0;
  return (
    <span className="actions-count">
      {formatCount(counts.actions)}
      {failed > 0 && (
        <span className="failed-pill" title={`${failed} failed in the last 24 hours`} data-testid="failed-actions">
          {failed} failed
        </span>
      )}
    </span>
  );
}

/** Labels as chips; `hide` leaves out keys shown elsewhere (the role column says what cluster-type does). */
export function LabelChips({ labels, limit, hide = [] }: { labels: Record<string, string>; limit?: number; hide?: readonly string[] }) {
  const keys = Object.keys(labels).filter((k) => !hide.includes(k)).sort();
  if (keys.length === 0) return <span className="muted">—</span>;
  const shown = limit === undefined ? keys : keys.slice(0, limit);
  return (
    <span className="labels">
      {shown.map((k) => (
        <span key={k} className="label-chip">
          {labels[k] === '' ? k : `${k}=${labels[k]}`}
        </span>
      ))}
      {shown.length < keys.length && <span className="muted">+{keys.length - shown.length}</span>}
    </span>
  );
}

/** Which primary a cluster is a member of: the primary's name for a secondary; a primary is its own. */
export function MemberOf({ row }: { row: FleetRow }) {
  if (row.role === 'secondary') return <span className="member-of">{row.primaryName ?? 'a primary'}</span>;
  if (row.role === 'primary') return <span className="member-of member-of--self" title={row.primaryName ? `The primary “${row.primaryName}”` : undefined}>itself (primary)</span>;
  return <span className="muted">—</span>;
}
