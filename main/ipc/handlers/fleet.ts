import type { Args } from '../../../shared/contract/index.js';
import type { ClusterRegistry } from '../../clusters/types.js';
import type { FleetService } from '../../fleet/fleet-service.js';
import type { HandlerMap } from '../types.js';

/**
 * The fleet's channels: `fleet:snapshot`, `fleet:refresh`,
 * `fleet:failed-actions` and `fleet:k10-dashboard` (one cluster's detail, on
 * demand), and
 * `clusters:remove` (registry.remove — keychain entries go too — then the
 * rows, without waiting for the registry's change notification).
 */
export function fleetHandlers(fleet: FleetService, registry: ClusterRegistry): HandlerMap<'fleet:snapshot' | 'fleet:refresh' | 'fleet:failed-actions' | 'fleet:k10-dashboard' | 'clusters:remove'> {
  return {
    // The fleet's watches open on the first look at it (the CLI's other commands never open them).
    'fleet:snapshot': async () => {
      await fleet.start();
      return fleet.snapshot();
    },
    'fleet:refresh': async (args: Args<'fleet:refresh'>) => {
      await fleet.start();
      await fleet.refresh(args.id);
      return null;
    },
    'fleet:failed-actions': async (args: Args<'fleet:failed-actions'>) => {
      await fleet.start();
      return fleet.failedActions(args.clusterId, args.limit);
    },
    'fleet:k10-dashboard': async (args: Args<'fleet:k10-dashboard'>) => {
      await fleet.start();
      return fleet.k10Dashboard(args.clusterId);
    },
    'clusters:remove': async (args: Args<'clusters:remove'>) => {
      const removed = await registry.remove(args.ids);
      fleet.reconcile();
      return { removed };
    },
  };
}
