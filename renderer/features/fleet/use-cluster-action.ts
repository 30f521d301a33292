/**
 * Carries out a cluster action chosen in a row's menu or the detail panel:
 * most lead to a screen (promote, join, the primary's Multi-cluster views,
 * the audit log); check now, open K10 and copy the server URL act at once;
 * the ones that ask first (start over, demote, remove) open their dialog
 * through `openDialog`.
 */
import { useCallback } from 'react';
import { appStore } from '../../store/store.js';
import { primaryRowOf, type ClusterActionId } from './cluster-actions.js';

export type FleetDialog = { kind: 'start-over' | 'demote' | 'remove'; id: string };

export function useClusterAction(openDialog: (dialog: FleetDialog) => void): (action: ClusterActionId, id: string) => void {
  return useCallback(
    (action, id) => {
      const s = appStore.getState();
      const row = s.rowsById[id];
      if (!row) return;
      switch (action) {
        case 'check-now':
          return void s.refreshFleet(id);
        case 'open-k10':
          return void s.openK10Dashboard(id);
        case 'copy-server':
          return void s.copyServerUrl(id);
        case 'remove':
          return openDialog({ kind: 'remove', id });
        case 'promote':
          return void s.openPromote(id);
        case 'join':
          return void s.openJoin(id);
        case 'start-over':
          return openDialog({ kind: 'start-over', id });
        case 'demote':
          return openDialog({ kind: 'demote', id });
        case 'mc-clusters':
        case 'disconnect':
          return s.openMulticluster(id, 'clusters');
        case 'tokens':
          return s.openMulticluster(id, 'tokens');
        case 'join-clusters':
          return s.openMulticluster(id, 'join');
        case 'permissions':
          return s.openMulticluster(id, 'permissions');
        case 'open-primary': {
          const primary = primaryRowOf(row, s.rowsById);
          return primary ? s.openMulticluster(primary.id, 'clusters') : undefined;
        }
        case 'audit':
          return void s.openAudit({ cluster: row.name });
      }
    },
    [openDialog],
  );
}
