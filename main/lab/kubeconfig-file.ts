/**
 * The kubeconfig a lab fleet hands out: one cluster and one context per
 * emulated cluster, named alike (`cluster-1`), and every user of every
 * cluster, so that `kubectl --context cluster-1 --user cluster-1-viewer`
 * works. Everything is embedded (`*-data`), so the file stands alone.
 */
import { stringify } from 'yaml';

/** One way to sign in to a lab cluster: a bearer token or a client certificate. */
export interface LabUserCredential {
  /** Kubeconfig user name, e.g. `cluster-1-admin`, `cluster-1-admin-cert`. */
  name: string;
  token?: string;
  certPem?: string;
  keyPem?: string;
}

export interface LabKubeconfigCluster {
  name: string;
  /** `https://127.0.0.1:<port>` */
  server: string;
  caPem: string;
  /** The first is the context's user, the cluster's admin. */
  users: LabUserCredential[];
}

const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');

/** Builds the kubeconfig object; the first cluster is the current context. */
export function buildLabKubeconfig(clusters: LabKubeconfigCluster[]): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: clusters.map((c) => ({
      name: c.name,
      cluster: { server: c.server, 'certificate-authority-data': b64(c.caPem) },
    })),
    users: clusters.flatMap((c) =>
      c.users.map((u) => ({
        name: u.name,
        user: {
          ...(u.token !== undefined ? { token: u.token } : {}),
          ...(u.certPem !== undefined ? { 'client-certificate-data': b64(u.certPem) } : {}),
          ...(u.keyPem !== undefined ? { 'client-key-data': b64(u.keyPem) } : {}),
        },
      })),
    ),
    contexts: clusters.map((c) => ({
      name: c.name,
      context: { cluster: c.name, ...(c.users[0] ? { user: c.users[0].name } : {}) },
    })),
    'current-context': clusters[0]?.name ?? '',
  };
}

/** YAML as kubectl writes it: block style, no line folding of long base64 values. */
export function serializeKubeconfig(config: object): string {
  return stringify(config, { lineWidth: 0 });
}
