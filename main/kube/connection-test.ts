/**
 * "Test connection" for one kubeconfig context: is the cluster reachable and
 * how fast, which Kubernetes, is K10 installed and which version, who does
 * the cluster say we are — and if anything fails, what and what to do, in
 * words. Never throws: every outcome is a ConnectionTest.
 *
 * K10 is detected from the Deployments in kasten-io labelled
 * app.kubernetes.io/version (the version too); when those cannot be read,
 * from discovery of the config.kio.kasten.io group (installed, version
 * unknown). The identity comes from a SelfSubjectReview
 * (authentication.k8s.io/v1, GA in 1.28; v1beta1 before that).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { AppError, type ConnectionTest } from '../../shared/contract/index.js';
import { K10_NAMESPACE, KASTEN_GROUPS, LABELS } from '../../shared/kasten/kinds.js';
import type { SearchPath } from './exec-path.js';
import { ClusterClient, type RawResponse } from './cluster-client.js';
import { httpError, seconds } from './errors.js';
import { Limiter } from './limiter.js';

export interface ConnectionTestOptions {
  /** For the whole test (default 10 s); each step gets what is left. */
  timeoutMs?: number;
  /** The name to use in messages; the kubeconfig's current context by default. */
  name?: string;
  /** PATH for exec plugins (the login shell's by default). */
  execPath?: () => Promise<SearchPath>;
  /** The fleet-wide limiter (the cluster pool's), so tests of many contexts count against the same bound. */
  limiter?: Limiter;
}

interface VersionInfo {
  gitVersion?: string;
  major?: string;
  minor?: string;
}

interface DeploymentList {
  items?: { metadata?: { name?: string; labels?: Record<string, string> } }[];
}

interface SelfSubjectReview {
  status?: { userInfo?: { username?: string; groups?: string[] } };
}

/**
 * The K10 version from K10's Deployments: catalog-svc's label when present,
 * else the most common value (a K10 mid-upgrade has two).
 */
export function k10VersionFrom(deployments: { name?: string; version?: string }[]): string | undefined {
  const catalog = deployments.find((d) => d.name === 'catalog-svc' && d.version);
  if (catalog) return catalog.version;
  const counts = new Map<string, number>();
  for (const d of deployments) if (d.version) counts.set(d.version, (counts.get(d.version) ?? 0) + 1);
  let best: string | undefined;
  let n = 0;
  for (const [v, c] of counts) if (c > n || (c === n && best !== undefined && v > best)) [best, n] = [v, c];
  return best;
}

/** Tests one context. See the module comment; never throws. */
export async function testConnection(kc: KubeConfig, opts: ConnectionTestOptions = {}): Promise<ConnectionTest> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const name = opts.name ?? (kc.getCurrentContext() || kc.getCurrentCluster()?.name || 'cluster');
  const deadline = Date.now() + timeoutMs;
  let client: ClusterClient;
  try {
    client = new ClusterClient(kc, {
      name,
      timeoutMs,
      execPath: opts.execPath,
      // A test is one person waiting: no retries that would outlast the timeout.
      retry: { maxRetries: 1, maxDelayMs: Math.min(2_000, timeoutMs / 4), baseDelayMs: 200 },
      limiter: opts.limiter ?? new Limiter({ global: 4, perKey: 4 }),
    });
  } catch (err) {
    return { reachable: false, error: asAppError(err, name).toDto() };
  }
  const left = () => Math.max(1, deadline - Date.now());
  // Steps after the first get what is left of the time; a timeout is reported against the whole of it.
  const overall = (e: AppError) =>
    e.code === 'TIMEOUT' ? new AppError('TIMEOUT', `${name} did not answer within ${seconds(timeoutMs)} (${client.server}). The cluster may be overloaded or far away, or a firewall drops the traffic; try again, or check the network path to it.`, name) : e;

  try {
    let version: RawResponse;
    try {
      version = await client.send({ path: '/version', timeoutMs: left(), retry: false });
    } catch (err) {
      return { reachable: false, error: overall(asAppError(err, name)).toDto() };
    }
    const result: ConnectionTest = { reachable: true, latencyMs: Math.round(version.latencyMs) };
    const errors: AppError[] = [];
    if (version.status === 200) {
      const v = parse<VersionInfo>(version.body);
      result.kubernetesVersion = v?.gitVersion ?? (v?.major ? `v${v.major}.${v.minor ?? '?'}` : undefined);
    } else {
      errors.push(httpError(version.status, version.body, client.errorContext({ path: '/version' })));
      if (version.status === 401) return { ...result, error: errors[0].toDto() };
    }

    const [identity, k10] = await Promise.all([
      whoAmI(client, left).catch((err: unknown) => {
        errors.push(asAppError(err, name));
        return undefined;
      }),
      k10Install(client, left, errors),
    ]);
    if (identity) result.identity = identity;
    if (k10) result.k10 = k10;
    if (errors.length) result.error = overall(pickError(errors)).toDto();
    return result;
  } finally {
    client.close();
  }
}

/** Tests many contexts, `concurrency` at a time, results in input order. */
export async function testConnections(configs: KubeConfig[], opts: ConnectionTestOptions & { concurrency?: number; names?: string[] } = {}): Promise<ConnectionTest[]> {
  const results: ConnectionTest[] = new Array(configs.length);
  let next = 0;
  const worker = async () => {
    while (next < configs.length) {
      const i = next++;
      results[i] = await testConnection(configs[i], { ...opts, name: opts.names?.[i] ?? opts.name });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, configs.length) }, worker));
  return results;
}

/** The most useful error to show: credentials first, then permissions, then the rest. */
function pickError(errors: AppError[]): AppError {
  const rank = (e: AppError) => ['UNAUTHORIZED', 'EXEC_PLUGIN', 'TLS', 'TIMEOUT', 'UNREACHABLE', 'FORBIDDEN'].indexOf(e.code);
  return [...errors].sort((a, b) => (rank(a) < 0 ? 99 : rank(a)) - (rank(b) < 0 ? 99 : rank(b)))[0];
}

async function whoAmI(client: ClusterClient, left: () => number): Promise<ConnectionTest['identity']> {
  for (const version of ['v1', 'v1beta1']) {
    const path = `/apis/authentication.k8s.io/${version}/selfsubjectreviews`;
    const res = await client.send({
      method: 'POST',
      path,
      body: { apiVersion: `authentication.k8s.io/${version}`, kind: 'SelfSubjectReview' },
      timeoutMs: left(),
    });
    // Clusters before 1.28 (v1) or 1.27 (v1beta1) do not have it: no identity, and no error either.
    if (res.status === 404) continue;
    if (res.status !== 201 && res.status !== 200) throw httpError(res.status, res.body, client.errorContext({ method: 'POST', path }));
    const info = parse<SelfSubjectReview>(res.body)?.status?.userInfo;
    return info?.username !== undefined ? { username: info.username, groups: info.groups ?? [] } : undefined;
  }
  return undefined;
}

async function k10Install(client: ClusterClient, left: () => number, errors: AppError[]): Promise<ConnectionTest['k10']> {
  const path = `/apis/apps/v1/namespaces/${K10_NAMESPACE}/deployments`;
  try {
    const res = await client.send({ path, query: { labelSelector: LABELS.version }, timeoutMs: left() });
    if (res.status === 200) {
      const list = parse<DeploymentList>(res.body);
      const deployments = (list?.items ?? []).map((d) => ({ name: d.metadata?.name, version: d.metadata?.labels?.[LABELS.version] }));
      const version = k10VersionFrom(deployments);
      if (version) return { installed: true, version };
    } else if (res.status !== 404) {
      errors.push(httpError(res.status, res.body, client.errorContext({ path, query: { labelSelector: LABELS.version } })));
    }
    // No labelled Deployments, or not allowed to see them: ask discovery whether K10's API is there.
    const group = `/apis/${KASTEN_GROUPS.config}`;
    const disco = await client.send({ path: group, timeoutMs: left() });
    if (disco.status === 200) return { installed: true };
    if (disco.status === 404) return { installed: false };
    errors.push(httpError(disco.status, disco.body, client.errorContext({ path: group })));
    return undefined;
  } catch (err) {
    errors.push(asAppError(err, client.name));
    return undefined;
  }
}

function parse<T>(body: Buffer): T | undefined {
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

function asAppError(err: unknown, cluster: string): AppError {
  if (err instanceof AppError) return err;
  return new AppError('INTERNAL', `${cluster}: the connection test failed unexpectedly: ${(err as Error)?.message ?? String(err)}`, cluster);
}
