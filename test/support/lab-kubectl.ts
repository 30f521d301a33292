/**
 * A lab fleet with its kubeconfig in a temp folder and a kubectl session
 * pointed at it: the setup of every test file that drives the lab with the
 * real kubectl. One per file (beforeAll), closed in afterAll.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLabFleet, type LabFleet } from '../../main/lab/fleet.js';
import { RESOURCE_TYPES, type ResourceType } from '../../main/lab/resources.js';
import type { ObjectStore } from '../../main/lab/store.js';
import { KubectlSession } from './kubectl.js';

export interface KubectlLab {
  fleet: LabFleet;
  /** The fleet's kubeconfig file. */
  kubeconfig: string;
  kubectl: KubectlSession;
  /** A cluster's object store, to check what kubectl's requests left there. */
  store(cluster?: string): ObjectStore;
  close(): Promise<void>;
}

export async function startKubectlLab(name: string, clusters = 2): Promise<KubectlLab> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const kubeconfig = join(dir, 'kubeconfig');
  const fleet = await startLabFleet({ clusters, kubeconfigPath: kubeconfig, empty: true });
  const kubectl = new KubectlSession(kubeconfig);
  return {
    fleet,
    kubeconfig,
    kubectl,
    store: (cluster = 'cluster-1') => fleet.cluster(cluster).store,
    async close() {
      await kubectl.close();
      await fleet.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The registry entry of a resource, by plural (`configmaps`, `policies`). */
export function resource(plural: string): ResourceType {
  const rt = RESOURCE_TYPES.find((r) => r.plural === plural);
  if (!rt) throw new Error(`the lab serves no resource ${plural}`);
  return rt;
}
