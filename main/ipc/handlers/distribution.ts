/**
 * The global resources and distributions channels
 * (shared/contract/distribution.ts) over DistributionService.
 */
import type { distributionChannels } from '../../../shared/contract/index.js';
import type { DistributionService } from '../../distribution/distribution-service.js';
import { revealed } from '../../multicluster/tokens.js';
import type { HandlerMap } from '../types.js';

type DistributionChannel = keyof typeof distributionChannels;

export function distributionHandlers(d: DistributionService): HandlerMap<DistributionChannel> {
  return {
    'profiles:list': ({ primaryId }) => d.listProfiles(primaryId),
    'profiles:save': ({ primaryId, profile, credentials, create }) => d.saveProfile(primaryId, profile, credentials, create),
    'profiles:delete': async ({ primaryId, name }) => {
      await d.deleteProfile(primaryId, name);
      return null;
    },
    'policies:list': ({ primaryId }) => d.listPolicies(primaryId),
    'policies:save': ({ primaryId, policy, create }) => d.savePolicy(primaryId, policy, create),
    'policies:delete': async ({ primaryId, name }) => {
      await d.deletePolicy(primaryId, name);
      return null;
    },
    'distributions:list': ({ primaryId, name }) => d.list(primaryId, name),
    'distributions:save': ({ primaryId, name, targets, sources, create }) => d.saveDistribution(primaryId, name, targets, sources, create),
    'distributions:delete': ({ primaryId, name }) => d.deleteDistribution(primaryId, name),
    'distributions:sync': async ({ primaryId, name }) => {
      await d.forceSync(primaryId, name);
      return null;
    },
    'resources:yaml': async ({ primaryId, kind, name }) => ({ yaml: await d.yaml(primaryId, kind, name, false) }),
    'resources:reveal-yaml': async ({ primaryId, kind, name }) => ({ yaml: revealed(await d.yaml(primaryId, kind, name, true)) }),
  };
}
