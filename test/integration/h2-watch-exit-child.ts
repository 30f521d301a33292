/**
 * Child of kube-http2.test.ts: a primary promoted and two secondaries joined
 * over HTTP/2 (their status watches stopped by the waits while K10 still
 * writes to them), then the services and the lab stopped; prints "closed"
 * and must then exit by itself, nothing left holding the event loop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryClipboard } from '../../main/host/clipboard.js';
import { startLabFleet } from '../../main/lab/fleet.js';
import { silentLogger } from '../../main/log.js';
import { MemorySecretStore } from '../../main/secrets/memory-store.js';
import { createServices } from '../../main/services.js';
import { routerCalls } from '../support/router-calls.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-h2-exit-'));
const kubeconfig = join(dir, 'lab.kubeconfig');
const lab = await startLabFleet({ clusters: 3, kubeconfigPath: kubeconfig });
const services = await createServices({
  host: { shell: 'cli', userDataDir: join(dir, 'user-data'), clipboard: new MemoryClipboard() },
  kubeconfigFile: kubeconfig,
  secrets: new MemorySecretStore(),
  log: silentLogger,
});
const { call } = routerCalls(() => services.router);
const id = (name: string) => `kubeconfig:${name}`;
await call('promote:run', { clusterId: id('cluster-1'), name: 'cluster-1', ingressUrl: lab.cluster('cluster-1').k10IngressUrl });
const joined = await call('join:many', { primaryId: id('cluster-1'), secondaries: [{ clusterId: id('cluster-2') }, { clusterId: id('cluster-3') }] });
if (joined.results.some((r) => r.state !== 'joined')) throw new Error(JSON.stringify(joined.results));
await services.stop();
await lab.stop();
rmSync(dir, { recursive: true, force: true });
console.log('closed');
