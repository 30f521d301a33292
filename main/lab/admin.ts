/**
 * The lab fleet's admin endpoint: plain HTTP on 127.0.0.1, guarded by a
 * random bearer token, so that a person (through `npm run lab -- fault …`) or
 * a test in another process can inflict faults on a running fleet.
 *
 *   GET  /clusters                       names, URLs, up or down
 *   POST /clusters                       {name?} adds a cluster
 *   POST /clusters/<name>/<action>       stop | start | cut-watches | compact | reset
 *                                        latency {ms} | failures {rate, status?, retryAfterSeconds?}
 *                                        expire {user} | deny {user, verb?, resource?, group?}
 *                                        reset-stats (zeroes its counters, answers the stats)
 *   GET  /clusters/<name>/stats          what serving it cost (LabClusterStats, see stats.ts);
 *                                        POST answers the same, for `npm run lab -- fault stats`
 *   GET  /stats                          every cluster's stats and their sum (LabFleetStats)
 *   POST /stats/reset                    zeroes every cluster's counters, answers the stats
 *   POST /objects                        {plural, object} creates the object in every running
 *                                        cluster at once, straight into its store (a burst of
 *                                        changes for benchmarks), answers {created}
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LabFleet } from './fleet.js';
import type { FaultState } from './apiserver.js';
import type { LabUser } from './cluster.js';
import { RESOURCE_TYPES, type KubeObject } from './resources.js';

export interface AdminEndpoint {
  url: string;
  token: string;
  close(): Promise<void>;
}

const USERS: LabUser['id'][] = ['admin', 'admin-cert', 'viewer'];
type FailureStatus = FaultState['failureStatus'];
const FAILURE_STATUSES: FailureStatus[] = [429, 500, 503];

export async function startAdminEndpoint(fleet: LabFleet, port = 0): Promise<AdminEndpoint> {
  const token = randomBytes(24).toString('base64url');
  const server: Server = createServer((req, res) => {
    handle(fleet, token, req, res).catch((err: Error) => reply(res, 400, { error: err.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return {
    url,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(fleet: LabFleet, token: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const given = Buffer.from(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    reply(res, 401, { error: 'missing or wrong admin token' });
    return;
  }
  const parts = new URL(req.url ?? '/', 'http://lab.invalid').pathname.split('/').filter(Boolean);
  const body = req.method === 'POST' ? await readJson(req) : {};
  if (parts[0] === 'stats' && parts.length <= 2) {
    if (parts[1] === 'reset' && req.method === 'POST') fleet.resetStats();
    else if (parts[1] !== undefined || req.method !== 'GET') {
      reply(res, 404, { error: 'the fleet stats are GET /stats, and POST /stats/reset' });
      return;
    }
    reply(res, 200, fleet.stats());
    return;
  }
  if (parts[0] === 'objects' && parts.length === 1 && req.method === 'POST') {
    const type = RESOURCE_TYPES.find((r) => r.plural === body.plural);
    if (!type) throw new Error(`plural must be one of ${RESOURCE_TYPES.map((r) => r.plural).join(', ')}`);
    const object = body.object as KubeObject | undefined;
    if (!object || typeof object !== 'object' || typeof object.metadata?.name !== 'string') throw new Error('object must be a Kubernetes object with metadata.name');
    let created = 0;
    for (const c of fleet.clusters) {
      if (!c.up) continue;
      c.store.create(type, structuredClone(object));
      created++;
    }
    reply(res, 200, { created });
    return;
  }
  if (parts[0] !== 'clusters') {
    reply(res, 404, { error: 'unknown path; see main/lab/admin.ts for the endpoints' });
    return;
  }
  if (parts.length === 1) {
    if (req.method === 'POST') {
      const c = await fleet.addCluster(typeof body.name === 'string' ? body.name : undefined);
      reply(res, 201, { name: c.name, url: c.apiUrl });
      return;
    }
    reply(res, 200, fleet.clusters.map((c) => ({ name: c.name, url: c.apiUrl, up: c.up })));
    return;
  }
  const cluster = fleet.clusters.find((c) => c.name === parts[1]);
  if (!cluster) {
    reply(res, 404, { error: `no cluster named ${parts[1]} in this lab fleet (it has ${fleet.clusters.map((c) => c.name).join(', ')})` });
    return;
  }
  const user = () => {
    if (!USERS.includes(body.user as LabUser['id'])) throw new Error(`user must be one of ${USERS.join(', ')}`);
    return body.user as LabUser['id'];
  };
  switch (parts[2]) {
    case 'stats':
      reply(res, 200, cluster.stats());
      return;
    case 'reset-stats':
      cluster.resetStats();
      reply(res, 200, cluster.stats());
      return;
    case 'stop':
      await cluster.stop();
      break;
    case 'start':
      await cluster.start();
      break;
    case 'cut-watches':
      cluster.cutWatches();
      break;
    case 'compact':
      cluster.compact();
      break;
    case 'reset':
      cluster.resetFaults();
      break;
    case 'latency':
      cluster.setLatency(Number(body.ms ?? 0));
      break;
    case 'failures': {
      const status = Number(body.status ?? 503);
      if (!FAILURE_STATUSES.includes(status as FailureStatus)) throw new Error(`status must be one of ${FAILURE_STATUSES.join(', ')}`);
      cluster.failRequests(Number(body.rate ?? 0), status as FailureStatus, Number(body.retryAfterSeconds ?? 1));
      break;
    }
    case 'expire':
      cluster.expireCredentials(user());
      break;
    case 'deny':
      cluster.deny(user(), {
        verb: body.verb as string | undefined,
        resource: body.resource as string | undefined,
        group: body.group as string | undefined,
      });
      break;
    default:
      reply(res, 404, { error: `unknown action ${parts[2] ?? ''}` });
      return;
  }
  reply(res, 200, { name: cluster.name, up: cluster.up, faults: { ...cluster.faults, expiredUsers: [...cluster.faults.expiredUsers] } });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 64 * 1024) throw new Error('body too large');
  }
  if (!text.trim()) return {};
  const parsed = JSON.parse(text) as unknown;
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('body must be a JSON object');
  return parsed as Record<string, unknown>;
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
