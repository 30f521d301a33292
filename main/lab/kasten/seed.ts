/**
 * What a fresh cluster with K10 installed holds: K10's deployments in
 * kasten-io (carrying the K10 version), and unless the cluster is to be bare,
 * K10's Ingress `k10-ingress`, a few application namespaces with their
 * Applications, Policies protecting them, the last day's actions (mostly
 * complete, some failed, one now and then running) and the restore points
 * the complete backups left.
 *
 * Deterministic: everything follows from the cluster's name through a seeded
 * PRNG (timestamps from `now` too), so a fleet looks the same on every start
 * and two clusters differ. Cheap: some 60 objects, well under 5 ms.
 */
import { K10_NAMESPACE, K10_RELEASE, LABELS } from '../../../shared/kasten/kinds.js';
import { LAB_INGRESS_CLASS } from '../ingress.js';
import type { KubeObject } from '../resources.js';
import { kubeTime, type ObjectStore } from '../store.js';
import { RT, isAlreadyExists, secretData } from './context.js';

export interface SeedOptions {
  clusterName: string;
  /** The K10 version; chosen from the cluster's name when absent. */
  k10Version?: string;
  /** A PRNG in [0, 1); a generator seeded from the cluster name when absent. */
  random?: () => number;
  /** K10 only: no applications, policies or actions. */
  empty?: boolean;
  /** Reference time of action timestamps (ms since epoch); now when absent. */
  now?: number;
}

/** What was seeded, for logs and tests. */
export interface SeedSummary {
  k10Version: string;
  appNamespaces: string[];
  policies: string[];
  actions: { complete: number; failed: number; running: number };
}

const HOUR = 3600_000;
const K10_SERVICES = [
  'aggregatedapis-svc', 'auth-svc', 'catalog-svc', 'controllermanager-svc', 'crypto-svc', 'dashboardbff-svc',
  'executor-svc', 'frontend-svc', 'gateway', 'jobs-svc', 'kanister-svc', 'logging-svc', 'metering-svc', 'state-svc',
];
/** Mostly the current release, some clusters a patch behind or ahead, one in a while on 6.5. */
const VERSIONS = ['7.0.5', '7.0.5', '7.0.5', '7.0.5', '7.0.5', '7.0.4', '7.0.4', '7.0.6', '6.5.14'];
const APPS = [
  'billing', 'catalog', 'checkout', 'crm', 'elastic', 'gitlab', 'grafana', 'inventory', 'jenkins', 'kafka',
  'keycloak', 'mariadb', 'mongodb', 'mysql', 'orders', 'payments', 'postgres', 'rabbitmq', 'redis', 'wordpress',
];
const FREQUENCIES = ['@hourly', '@hourly', '@daily', '@daily', '@daily', '@weekly'];
const FAILURES = [
  'Failed to snapshot volumes: timed out waiting for VolumeSnapshot to become ready',
  'Failed to export: failed to connect to object store: dial tcp 10.0.3.17:443: i/o timeout',
  'Failed to run blueprint action: container "kanister-sidecar" exited with code 1',
  'Failed to export: location profile lab-s3 is over its storage quota',
  'Failed to backup application: PersistentVolumeClaim data-0 is not bound',
];
const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';
const PROFILE = 'lab-s3';

/** FNV-1a: a 32-bit seed from the cluster name. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: small, fast, good enough to vary a lab. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seeds K10's objects into a cluster's store. Namespaces `default`,
 * `kube-system` and `kasten-io` are expected to exist; app namespaces are
 * created here. Objects that already exist are left alone.
 */
export function seedK10(store: ObjectStore, opts: SeedOptions): SeedSummary {
  const random = opts.random ?? seededRandom(hashName(opts.clusterName));
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const now = opts.now ?? Date.now();
  const used = new Set<string>();
  const suffix = (prefix: string) => {
    for (;;) {
      let s = prefix;
      for (let i = 0; i < 5; i++) s += SUFFIX[Math.floor(random() * SUFFIX.length)];
      if (!used.has(s)) {
        used.add(s);
        return s;
      }
    }
  };
  const put = (rt: (typeof RT)[keyof typeof RT], obj: { metadata: KubeObject['metadata'] } & Record<string, unknown>) => {
    try {
      store.create(rt, { ...obj, apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version, kind: rt.kind });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  };

  const version = opts.k10Version ?? pick(VERSIONS);
  const summary: SeedSummary = { k10Version: version, appNamespaces: [], policies: [], actions: { complete: 0, failed: 0, running: 0 } };
  if (!store.get(RT.namespace, undefined, K10_NAMESPACE)) put(RT.namespace, { metadata: { name: K10_NAMESPACE } });
  for (const svc of K10_SERVICES) {
    const labels = { app: 'k10', component: svc, 'app.kubernetes.io/name': 'k10', 'app.kubernetes.io/instance': 'k10', [LABELS.version]: version, 'helm.sh/chart': `k10-${version}` };
    put(RT.deployment, {
      metadata: { name: svc, namespace: K10_NAMESPACE, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'k10', component: svc } },
        template: { metadata: { labels: { app: 'k10', component: svc } }, spec: { containers: [{ name: svc, image: `gcr.io/kasten-images/${svc}:${version}` }] } },
      },
      status: { observedGeneration: 1, replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1 },
    });
  }
  // Part of K10's install, so bare (--empty) clusters have it too.
  // K10's dashboard and multi-cluster ingress, as the Helm chart makes it with `ingress.create=true`
  // (a path of `/<release>/` to the gateway service) and `ingress.tls.enabled=true`, with no
  // `ingress.host`: what answers is the cluster's own listener, whose address, 127.0.0.1 and a port,
  // no rule host can hold (hosts are DNS names, without ports). The lab's ingress controller
  // (../ingress.ts) writes that address into the status, with the port the cluster listens on now.
  // The TLS entry lists no hosts: TLS for the controller's default host with its own certificate.
  put(RT.ingress, {
    metadata: {
      name: 'k10-ingress',
      namespace: K10_NAMESPACE,
      labels: { app: 'k10', 'app.kubernetes.io/name': 'k10', 'app.kubernetes.io/instance': K10_RELEASE, 'app.kubernetes.io/managed-by': 'Helm', 'helm.sh/chart': `k10-${version}` },
      annotations: { 'meta.helm.sh/release-name': K10_RELEASE, 'meta.helm.sh/release-namespace': K10_NAMESPACE },
    },
    spec: {
      ingressClassName: LAB_INGRESS_CLASS,
      tls: [{}],
      rules: [{ http: { paths: [{ path: `/${K10_RELEASE}/`, pathType: 'Prefix', backend: { service: { name: 'gateway', port: { number: 80 } } } }] } }],
    },
  });

  if (opts.empty) return summary;

  const pool = [...APPS];
  const apps: string[] = [];
  for (let n = int(2, 5); n > 0; n--) apps.push(pool.splice(Math.floor(random() * pool.length), 1)[0]);
  apps.sort();
  summary.appNamespaces = apps;
  for (const ns of apps) {
    put(RT.namespace, { metadata: { name: ns, labels: { 'app.kubernetes.io/part-of': ns } } });
    put(RT.application, { metadata: { name: ns, namespace: ns }, spec: {} });
  }

  // Policies protect most apps; an app left out stays unprotected, as in real fleets.
  const protectedApps = apps.slice(0, Math.max(1, Math.min(apps.length, int(2, 4))));
  let exports = false;
  for (const ns of protectedApps) {
    const frequency = pick(FREQUENCIES);
    const exporting = random() < 0.5;
    exports ||= exporting;
    const name = `${ns}-backup`;
    summary.policies.push(name);
    put(RT.policy, {
      metadata: { name, namespace: K10_NAMESPACE },
      spec: {
        comment: `Protects ${ns}`,
        frequency,
        retention: frequency === '@hourly' ? { hourly: 24, daily: 7, weekly: 4, monthly: 12 } : { daily: 7, weekly: 4, monthly: 12, yearly: 1 },
        actions: [
          { action: 'backup' },
          ...(exporting ? [{ action: 'export', exportParameters: { frequency: '@daily', profile: { name: PROFILE, namespace: K10_NAMESPACE }, exportData: { enabled: true } } }] : []),
        ],
        selector: { matchExpressions: [{ key: 'k10.kasten.io/appNamespace', operator: 'In', values: [ns] }] },
        ...(random() < 0.1 ? { paused: true } : {}),
      },
      status: { validation: 'Success' },
    });

    // The last day's runs, newest first; the newest may still be running.
    const runs = frequency === '@hourly' ? int(3, 6) : frequency === '@daily' ? 1 : int(0, 1);
    const spacing = frequency === '@hourly' ? HOUR : 20 * HOUR;
    for (let i = 0; i < runs; i++) {
      const start = now - i * spacing - int(1, 50) * 60_000;
      const state = i === 0 && random() < 0.15 ? 'Running' : random() < 0.2 ? 'Failed' : 'Complete';
      summary.actions[state === 'Running' ? 'running' : state === 'Failed' ? 'failed' : 'complete']++;
      const error = state === 'Failed' ? pick(FAILURES) : undefined;
      const end = state === 'Running' ? undefined : start + int(1, 25) * 60_000;
      const status = (extra: Record<string, unknown> = {}) => ({
        state,
        startTime: kubeTime(new Date(start)),
        ...(end ? { endTime: kubeTime(new Date(end)) } : {}),
        ...(state === 'Running' ? { progress: int(5, 95) } : { progress: 100 }),
        ...(error ? { error: { message: error } } : {}),
        ...extra,
      });
      const policyLabels = { [LABELS.policyName]: name, 'k10.kasten.io/policyNamespace': K10_NAMESPACE };
      const subject = { apiVersion: 'apps.kio.kasten.io/v1alpha1', kind: 'Application', name: ns, namespace: ns };
      put(RT.runAction, {
        metadata: { name: suffix('policy-run-'), namespace: K10_NAMESPACE, labels: policyLabels },
        spec: { subject: { apiVersion: 'config.kio.kasten.io/v1alpha1', kind: 'Policy', name, namespace: K10_NAMESPACE } },
        status: status(),
      });
      const backup = suffix('scheduled-');
      put(RT.backupAction, {
        metadata: { name: backup, namespace: ns, labels: { ...policyLabels, 'k10.kasten.io/appName': ns } },
        spec: { subject },
        status: status(),
      });
      if (state === 'Complete') {
        put(RT.restorePoint, {
          metadata: { name: backup, namespace: ns, labels: { ...policyLabels, 'k10.kasten.io/appName': ns } },
          spec: { restorePointContentRef: { name: `${ns}-${backup}` } },
          status: { actionTime: kubeTime(new Date(end!)), logicalSize: int(50, 5000) * 1_048_576, physicalSize: int(10, 1000) * 1_048_576 },
        });
        if (exporting) {
          put(RT.exportAction, {
            metadata: { name: suffix('export-'), namespace: ns, labels: { ...policyLabels, 'k10.kasten.io/appName': ns } },
            spec: { subject: { kind: 'RestorePoint', name: backup, namespace: ns }, profile: { name: PROFILE, namespace: K10_NAMESPACE } },
            status: { state: 'Complete', startTime: kubeTime(new Date(end!)), endTime: kubeTime(new Date(end! + int(2, 20) * 60_000)), progress: 100 },
          });
          summary.actions.complete++;
        }
      }
    }
  }

  if (exports) {
    // Exports need a location profile; fake credentials, never real ones.
    const secretName = `k10-s3-secret-${PROFILE}`;
    put(RT.secret, {
      metadata: { name: secretName, namespace: K10_NAMESPACE },
      type: 'secrets.kanister.io/aws',
      data: secretData({ aws_access_key_id: `LAB${Math.floor(random() * 1e12).toString(36).toUpperCase()}`, aws_secret_access_key: `lab-secret-${Math.floor(random() * 1e12).toString(36)}` }),
    });
    put(RT.profile, {
      metadata: { name: PROFILE, namespace: K10_NAMESPACE },
      spec: {
        type: 'Location',
        locationSpec: {
          type: 'ObjectStore',
          credential: { secretType: 'AwsAccessKey', secret: { apiVersion: 'v1', kind: 'secret', name: secretName, namespace: K10_NAMESPACE } },
          objectStore: { objectStoreType: 'S3', name: `${opts.clusterName}-backups`.slice(0, 63), endpoint: 'https://s3.lab.invalid', region: 'us-east-1' },
        },
      },
      status: { validation: 'Success' },
    });
  }
  return summary;
}
