/**
 * The rules of the fleet view: role and join state from K10's objects,
 * failed actions in the last 24 hours (and the latest of them), auth
 * problems, the summary tiles.
 */
import { describe, expect, it } from 'vitest';
import type { FleetRow } from '../../../shared/contract/index.js';
import {
  DAY_MS,
  FAILED_MESSAGE_MAX,
  hasFailedActions,
  isAuthProblem,
  latencyChanged,
  latestFailures,
  projectAction,
  projectClusterInfo,
  projectMcCluster,
  recentFailures,
  roleFacts,
  summarize,
  type ActionFailure,
  type McCluster,
} from '../../../main/fleet/fleet-row.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const primary: McCluster = { name: 'hq', type: 'primary', labels: { 'dist.kio.kasten.io/cluster-type': 'primary', env: 'prod' } };
const member: McCluster = { name: 'edge-1', type: 'secondary', labels: { 'dist.kio.kasten.io/cluster-type': 'secondary' } };

describe('role and join state', () => {
  it('a Cluster labelled primary in kasten-io-mc makes a primary, named after that Cluster', () => {
    expect(roleFacts({ mcClusters: [member, primary], clusterInfo: null, joinStatus: null })).toMatchObject({ role: 'primary', primaryName: 'hq', primaryCluster: primary, joinState: 'none' });
  });

  it('mc-cluster-info makes a joined secondary, with its primary and its own name there', () => {
    expect(roleFacts({ mcClusters: [], clusterInfo: { clusterName: 'edge-1', primaryName: 'hq', primaryIngress: 'https://hq/k10' }, joinStatus: { status: 'joined' } })).toEqual({
      role: 'secondary',
      primaryName: 'hq',
      clusterName: 'edge-1',
      primaryIngress: 'https://hq/k10',
      joinState: 'joined',
    });
  });

  it('neither makes a standalone cluster, once both were read', () => {
    expect(roleFacts({ mcClusters: [], clusterInfo: null, joinStatus: null })).toEqual({ role: 'standalone', joinState: 'none' });
    // Clusters in kasten-io-mc that are not a primary (left behind) do not make a primary.
    expect(roleFacts({ mcClusters: [member], clusterInfo: null, joinStatus: null }).role).toBe('standalone');
  });

  it('what cannot be read makes unknown, not standalone', () => {
    expect(roleFacts({ mcClusters: undefined, clusterInfo: null, joinStatus: null }).role).toBe('unknown');
    expect(roleFacts({ mcClusters: [], clusterInfo: undefined, joinStatus: undefined })).toEqual({ role: 'unknown', joinState: 'unknown' });
  });

  it('a join in progress, and a rejected one with its reason', () => {
    expect(roleFacts({ mcClusters: [], clusterInfo: null, joinStatus: { status: 'joining' } })).toMatchObject({ role: 'standalone', joinState: 'joining' });
    expect(roleFacts({ mcClusters: [], clusterInfo: null, joinStatus: { status: 'rejected', msg: 'the join token was revoked' } })).toMatchObject({
      joinState: 'rejected',
      joinMessage: 'the join token was revoked',
    });
  });

  it('a status still saying joined without mc-cluster-info is a disconnected cluster', () => {
    expect(roleFacts({ mcClusters: [], clusterInfo: null, joinStatus: { status: 'joined' } })).toMatchObject({
      role: 'standalone',
      joinState: 'disconnected',
      joinMessage: expect.stringContaining('Disconnected'),
    });
  });
});

describe('projections keep only what the row needs', () => {
  it('mc-cluster-info: names and ingress, never the session token', () => {
    const info = projectClusterInfo({ metadata: { name: 'mc-cluster-info' }, data: { clusterName: b64('edge-1'), primaryName: b64('hq'), primaryIngress: b64('https://hq/k10'), token: b64('secret-session') } });
    expect(info).toEqual({ clusterName: 'edge-1', primaryName: 'hq', primaryIngress: 'https://hq/k10' });
    expect(JSON.stringify(info)).not.toContain('secret-session');
  });

  it('a Cluster: name, type, labels and ingress', () => {
    expect(projectMcCluster({ metadata: { name: 'hq', labels: { 'dist.kio.kasten.io/cluster-type': 'primary' } }, spec: { k10: { ingress: { url: 'https://hq/k10' } } } })).toEqual({
      name: 'hq',
      type: 'primary',
      labels: { 'dist.kio.kasten.io/cluster-type': 'primary' },
      ingress: 'https://hq/k10',
    });
  });

  it('an action: when it failed (end, else start), or 0', () => {
    expect(projectAction({ status: { state: 'Complete', endTime: '2025-01-01T00:00:00Z' } })).toBe(0);
    expect(projectAction({ status: { state: 'Failed', startTime: '2025-01-01T00:00:00Z', endTime: '2025-01-01T00:10:00Z' } })).toMatchObject({ at: Date.parse('2025-01-01T00:10:00Z') });
    expect(projectAction({ status: { state: 'Failed', startTime: '2025-01-01T00:00:00Z' } })).toMatchObject({ at: Date.parse('2025-01-01T00:00:00Z') });
  });

  it('a failed action keeps its kind, policy, application and Kasten\'s message, cut short when very long', () => {
    const backup = {
      metadata: { name: 'scheduled-x1', namespace: 'shop', labels: { 'k10.kasten.io/policyName': 'shop-backup', 'k10.kasten.io/appName': 'shop' } },
      spec: { subject: { kind: 'Application', name: 'shop' } },
      status: { state: 'Failed', endTime: '2025-01-01T00:10:00Z', error: { message: 'Failed to export: quota' } },
    };
    expect(projectAction(backup, 'BackupAction')).toEqual({
      at: Date.parse('2025-01-01T00:10:00Z'),
      kind: 'BackupAction',
      name: 'scheduled-x1',
      namespace: 'shop',
      policy: 'shop-backup',
      application: 'shop',
      message: 'Failed to export: quota',
    });
    // A RunAction names its policy as its subject; the object's own kind wins over the default.
    const run = { kind: 'RunAction', metadata: { name: 'run-1' }, spec: { subject: { kind: 'Policy', name: 'nightly' } }, status: { state: 'Failed', error: { message: 'x'.repeat(5_000) } } };
    const projected = projectAction(run, 'BackupAction');
    expect(projected).toMatchObject({ kind: 'RunAction', policy: 'nightly' });
    expect(projected !== 0 && projected.message!.length).toBe(FAILED_MESSAGE_MAX);
  });
});

describe('failed actions in the last 24 hours', () => {
  it('counts failures inside the window and says when the oldest leaves it', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const failures = [0, now - 1_000, now - 3 * 3600_000, now - DAY_MS - 1, 0].map(failure);
    expect(recentFailures(failures, now)).toEqual({ count: 2, nextExpiry: now - 3 * 3600_000 + DAY_MS });
    expect(recentFailures([0, 0], now)).toEqual({ count: 0 });
  });

  it('lists the newest failures of the window first, at most as many as asked, with the total', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    const failures = [now - 5_000, 0, now - 1_000, now - DAY_MS - 1, now - 3_000].map(failure);
    const { latest, total } = latestFailures(failures, now, 2);
    expect(total).toBe(3);
    expect(latest.map((f) => f.at)).toEqual([now - 1_000, now - 3_000]);
  });
});

function failure(at: number): ActionFailure {
  return at === 0 ? 0 : { at, kind: 'RunAction', name: `run-${at}` };
}

function row(over: Partial<FleetRow>): FleetRow {
  return {
    id: 'x',
    name: 'x',
    server: 'https://x',
    source: 'imported',
    labels: {},
    role: 'standalone',
    joinState: 'none',
    reachability: { state: 'reachable', latencyMs: 5 },
    counts: { failedActions24h: 0 },
    ...over,
  };
}

describe('what is wrong with a row, and the summary', () => {
  const at = '2025-01-01T00:00:00Z';
  it('an auth problem: a 401 or a 403 from a cluster that answers', () => {
    expect(isAuthProblem(row({}))).toBe(false);
    expect(isAuthProblem(row({ lastError: { code: 'FORBIDDEN', message: 'no', at } }))).toBe(true);
    expect(isAuthProblem(row({ lastError: { code: 'UNAUTHORIZED', message: 'expired', at } }))).toBe(true);
    expect(isAuthProblem(row({ lastError: { code: 'SERVER', message: '500', at } }))).toBe(false);
    // Gone away: unreachable, whatever it said before.
    expect(isAuthProblem(row({ reachability: { state: 'unreachable' }, lastError: { code: 'FORBIDDEN', message: 'no', at } }))).toBe(false);
  });

  it('failed actions: at least one in the last 24 hours', () => {
    expect(hasFailedActions(row({}))).toBe(false);
    expect(hasFailedActions(row({ counts: { failedActions24h: 1 } }))).toBe(true);
    expect(hasFailedActions(row({ counts: {} }))).toBe(false);
  });

  it('counts clusters, reachable and unreachable ones, auth problems, failed actions, primaries and secondaries', () => {
    expect(
      summarize([
        row({ role: 'primary' }),
        row({ role: 'secondary', counts: { failedActions24h: 2 } }),
        row({ role: 'secondary', reachability: { state: 'unreachable' } }),
        row({ reachability: { state: 'checking' } }),
        row({ lastError: { code: 'UNAUTHORIZED', message: 'expired', at }, counts: { failedActions24h: 1 } }),
      ]),
    ).toEqual({ clusters: 5, reachable: 3, unreachable: 1, authProblems: 1, failedActions: 2, primaries: 1, secondaries: 2 });
  });

  it('reports latency that moved noticeably, not every jitter', () => {
    expect(latencyChanged(undefined, 3)).toBe(true);
    expect(latencyChanged(3, 9)).toBe(false);
    expect(latencyChanged(40, 45)).toBe(false);
    expect(latencyChanged(40, 90)).toBe(true);
    expect(latencyChanged(1_000, 1_100)).toBe(false);
  });
});
