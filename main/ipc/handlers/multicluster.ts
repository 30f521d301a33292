/**
 * The multi-cluster channels (shared/contract/multicluster.ts) over
 * MulticlusterService: arguments are already validated and defaulted by the
 * router; this only maps them.
 */
import type { multiclusterChannels } from '../../../shared/contract/index.js';
import type { MulticlusterService } from '../../multicluster/multicluster-service.js';
import type { HandlerMap } from '../types.js';

type McChannel = keyof typeof multiclusterChannels;

export function multiclusterHandlers(mc: MulticlusterService): HandlerMap<McChannel> {
  return {
    'promote:plan': ({ clusterId }) => mc.planPromote(clusterId),
    'promote:render': ({ name, ingressUrl }) => mc.renderPromote(name, ingressUrl),
    'promote:check-url': ({ url }) => mc.checkUrl(url),
    'promote:run': ({ clusterId, name, ingressUrl }) => mc.promote(clusterId, name, ingressUrl),

    'tokens:list': ({ clusterId }) => mc.listTokens(clusterId),
    'tokens:create': ({ clusterId, name }) => mc.createToken(clusterId, name),
    'tokens:revoke': async ({ clusterId, secretName }) => {
      await mc.revokeToken(clusterId, secretName);
      return null;
    },
    'tokens:reveal': ({ clusterId, secretName }) => mc.revealToken(clusterId, secretName),
    'tokens:copy': ({ clusterId, secretName, clearAfterMs }) => mc.copyToken(clusterId, secretName, clearAfterMs),
    'tokens:clear-clipboard': () => mc.clearClipboard(),
    'tokens:qr': ({ clusterId, secretName }) => mc.qrToken(clusterId, secretName),
    'tokens:seal': ({ clusterId, secretName, passphrase, expiresInHours, path }) => mc.sealToken(clusterId, secretName, passphrase, expiresInHours, path),

    'join:load-token': ({ source }) => mc.loadToken(source),
    'join:plan': ({ clusterId }) => mc.planJoin(clusterId),
    'join:start': ({ clusterId, tokenRef, name, ingressUrl, primaryIngress, waitSeconds }) => mc.startJoin(clusterId, tokenRef, { name, ingressUrl, primaryIngress, waitSeconds }),
    'join:reset': ({ clusterId }) => mc.resetJoin(clusterId),
    'join:many': (args) => mc.joinMany(args),

    'grant:plan': ({ primaryId }) => mc.planGrant(primaryId),
    'grant:apply': ({ primaryId, ...req }) => mc.applyGrant(primaryId, req),
    'mc:clusters': ({ primaryId }) => mc.mcClusters(primaryId),
    'labels:set': ({ primaryId, clusterName, set, remove }) => mc.setLabels(primaryId, clusterName, set, remove),
    'disconnect:run': ({ primaryId, ...req }) => mc.disconnect(primaryId, req),
    'demote:run': ({ primaryId, waitSeconds }) => mc.demote(primaryId, waitSeconds),

    'audit:list': (filter) => mc.listAudit(filter),
    'audit:export': (filter) => mc.exportAudit(filter),
  };
}
