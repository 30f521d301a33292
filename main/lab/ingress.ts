/**
 * The lab's ingress controller. A lab cluster's HTTPS listener is also its
 * ingress (it serves `/k10/` to other clusters' K10s, see k10-host.ts), so,
 * as a real controller does, the cluster writes where it can be reached into
 * the status of every Ingress of its class (`spec.ingressClassName: lab`):
 *
 *   status.loadBalancer.ingress: [{ ip: 127.0.0.1, ports: [{ port: <listener port>, protocol: TCP }] }]
 *
 * That is the most an Ingress can say of an address like
 * `https://127.0.0.1:40123`: a rule's `host` must be a DNS name (an IP is
 * refused) and cannot carry a port, so the address lives in the status,
 * whose entries list their ports since Kubernetes 1.26. The status follows
 * the listener: it is (re)written each time the cluster comes up, so it
 * names the port the cluster listens on now, and a restart that kept the
 * port (the usual case, see cluster.ts) writes nothing. No annotation
 * carries anything a real cluster would not have: a client reading the
 * lab's Ingresses reads them as it would a real cluster's.
 *
 * It routes nothing: what answers is the listener, whatever the Ingress
 * says. Ingresses of another class, or none, are left alone.
 */
import { ApiError } from './api-error.js';
import type { KubeObject, ResourceType } from './resources.js';
import { resourceByKind } from './resources.js';
import type { ObjectStore } from './store.js';

/** The IngressClass name the lab's listener answers for. [ours] */
export const LAB_INGRESS_CLASS = 'lab';

/** What the controller needs of its cluster. */
export interface IngressControllerHost {
  readonly store: ObjectStore;
  /** The port the cluster listens on (meaningful while up). */
  readonly port: number;
  readonly up: boolean;
  onUpChange(listener: (up: boolean) => void): () => void;
}

const INGRESS: ResourceType = resourceByKind('networking.k8s.io/v1', 'Ingress')!;

/** The status the lab writes on an Ingress of its class. */
export function labIngressStatus(port: number): { loadBalancer: { ingress: { ip: string; ports: { port: number; protocol: 'TCP' }[] }[] } } {
  return { loadBalancer: { ingress: [{ ip: '127.0.0.1', ports: [{ port, protocol: 'TCP' }] }] } };
}

/**
 * Keeps the status of the cluster's Ingresses of class `lab` while the
 * cluster is up. Returns a function that stops it for good.
 */
export function attachIngressController(host: IngressControllerHost): () => void {
  let unwatch: (() => void) | undefined;
  const pending = new Set<string>();
  let scheduled = false;

  const reconcile = (key: string) => {
    const [namespace, name] = key.split('/');
    const obj = host.store.get(INGRESS, namespace, name);
    if (!obj || obj.metadata.deletionTimestamp || !ours(obj)) return;
    const wanted = labIngressStatus(host.port);
    if (JSON.stringify(obj.status) === JSON.stringify(wanted)) return;
    try {
      host.store.update(INGRESS, { ...obj, status: wanted } as KubeObject, { subresource: 'status' });
    } catch (err) {
      // Gone or changed since the event: the next event brings it back here.
      if (err instanceof ApiError && (err.code === 404 || err.code === 409)) return;
      process.emitWarning(`lab ingress controller: could not write the status of Ingress ${key}: ${(err as Error).message}`);
    }
  };

  const flush = () => {
    scheduled = false;
    const keys = [...pending];
    pending.clear();
    if (!host.up) return;
    for (const key of keys) reconcile(key);
  };

  const start = () => {
    if (unwatch) return;
    // Writes wait for the current commit to reach every watcher: a write from inside the
    // delivery of another would reach the watchers after it before the event that caused it.
    unwatch = host.store.watch(INGRESS, {}, (e) => {
      if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
      const obj = e.object as KubeObject;
      if (!ours(obj)) return;
      pending.add(`${obj.metadata.namespace}/${obj.metadata.name}`);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    });
  };

  const stop = () => {
    unwatch?.();
    unwatch = undefined;
    pending.clear();
  };

  const offUp = host.onUpChange((up) => (up ? start() : stop()));
  if (host.up) start();
  return () => {
    offUp();
    stop();
  };
}

function ours(obj: KubeObject): boolean {
  return (obj.spec as { ingressClassName?: unknown } | undefined)?.ingressClassName === LAB_INGRESS_CLASS;
}
