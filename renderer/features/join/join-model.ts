/** How a join's states read, on the join screen and in the one-click table; which clusters can join in one click. */
import type { FleetRow, JoinProgressState } from '../../../shared/contract/index.js';

export const JOIN_PROGRESS_LABELS: Record<JoinProgressState, string> = {
  writing: 'Writing the join objects',
  joining: 'Joining',
  joined: 'Joined',
  rejected: 'Rejected by the primary',
  failed: 'Failed',
  refused: 'Not started',
  timeout: 'Still joining',
};

/** The tone a state is shown in. */
export function joinTone(state: JoinProgressState): 'ok' | 'bad' | 'warn' | 'busy' {
  switch (state) {
    case 'joined':
      return 'ok';
    case 'rejected':
    case 'failed':
    case 'refused':
      return 'bad';
    case 'timeout':
      return 'warn';
    case 'writing':
    case 'joining':
      return 'busy';
  }
}

/** The stages a join goes through, for the stepper on the join screen. */
export const JOIN_STAGES = ['writing', 'joining', 'joined'] as const;

/** Fleet rows that can join this primary in one click: standalone, reachable from this workstation, not the primary. */
export function joinCandidates(rows: Readonly<Record<string, FleetRow>>, primaryId: string): FleetRow[] {
  return Object.values(rows)
    .filter((r) => r.id !== primaryId && r.role === 'standalone' && r.reachability.state === 'reachable')
    .sort((a, b) => a.name.localeCompare(b.name));
}
