/**
 * Manifests of the Kasten objects Flotilla writes (KASTEN-MC.md): pure
 * builders, so the app, the CLI and the tests write the same objects.
 */
import { JOIN_TOKEN_GENERATE_NAME, JOIN_TOKEN_SECRET_TYPE, K10_NAMESPACE, K10_RELEASE, KASTEN_GROUPS, KASTEN_VERSION, LABELS, MC_NAMESPACE } from './kinds.js';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * The Bootstrap that promotes a cluster to primary: K10 answers with a
 * Cluster of the same name in kasten-io-mc. [doc]
 */
export function bootstrapManifest(opts: { clusterName: string; ingressUrl: string }): Manifest {
  return {
    apiVersion: `${KASTEN_GROUPS.dist}/${KASTEN_VERSION}`,
    kind: 'Bootstrap',
    metadata: { name: 'bootstrap', namespace: MC_NAMESPACE },
    spec: {
      clusters: {
        [opts.clusterName]: {
          name: opts.clusterName,
          primary: true,
          k10: { namespace: K10_NAMESPACE, releaseName: K10_RELEASE, ingress: { url: opts.ingressUrl } },
        },
      },
    },
  };
}

/** A join-token Secret: K10 fills `data.token` within seconds. [doc] The display name label is ours. */
export function joinTokenSecretManifest(opts: { displayName?: string } = {}): Manifest {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      generateName: JOIN_TOKEN_GENERATE_NAME,
      namespace: MC_NAMESPACE,
      ...(opts.displayName ? { labels: { [LABELS.tokenName]: opts.displayName } } : {}),
    },
    type: JOIN_TOKEN_SECRET_TYPE,
  };
}
