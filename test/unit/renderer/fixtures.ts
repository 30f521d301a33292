/**
 * Builders for the DTOs renderer tests need, and a fake main process: an Api
 * whose handlers each test sets, which records every call and can push
 * events, so store slices are tested in Node without a DOM or a bridge.
 */
import type { Api } from '../../../renderer/api.js';
import type {
  ArgsIn,
  Candidate,
  Channel,
  EventName,
  EventPayload,
  FleetRow,
  FleetSummary,
  Result,
  ResultOf,
  Token,
} from '../../../shared/contract/index.js';

export function fleetRow(name: string, overrides: Partial<FleetRow> = {}): FleetRow {
  return {
    id: `id-${name}`,
    name,
    server: `https://127.0.0.1:6443/${name}`,
    source: 'imported',
    labels: {},
    role: 'standalone',
    joinState: 'none',
    reachability: { state: 'reachable', latencyMs: 10 },
    kubernetesVersion: 'v1.32.0',
    k10Version: '8.0.1',
    counts: { applications: 1, policies: 1, actions: 1, failedActions24h: 0 },
    ...overrides,
  };
}

export function summaryOf(rows: readonly FleetRow[]): FleetSummary {
  return {
    clusters: rows.length,
    reachable: rows.filter((r) => r.reachability.state === 'reachable').length,
    unreachable: rows.filter((r) => r.reachability.state === 'unreachable').length,
    authProblems: rows.filter((r) => r.reachability.state !== 'unreachable' && (r.lastError?.code === 'UNAUTHORIZED' || r.lastError?.code === 'FORBIDDEN')).length,
    failedActions: rows.filter((r) => (r.counts.failedActions24h ?? 0) > 0).length,
    primaries: rows.filter((r) => r.role === 'primary').length,
    secondaries: rows.filter((r) => r.role === 'secondary').length,
  };
}

export function candidate(id: string, overrides: Partial<Candidate> = {}): Candidate {
  return {
    id,
    contextName: `ctx-${id}`,
    clusterName: `cluster-${id}`,
    userName: `user-${id}`,
    server: `https://10.0.0.1:6443`,
    authKind: 'token',
    problems: [],
    suggestedName: `name-${id}`,
    ...overrides,
  };
}

type Handler<C extends Channel> = (args: ArgsIn<C>) => Result<ResultOf<C>> | Promise<Result<ResultOf<C>>>;
export type Handlers = { [C in Channel]?: Handler<C> };

export interface FakeMain {
  api: Api;
  handlers: Handlers;
  /** Every call, in order. */
  calls: { channel: Channel; args: unknown }[];
  callsTo<C extends Channel>(channel: C): ArgsIn<C>[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  listenerCount(): number;
}

export const ok = <T>(result: T): { ok: true; result: T } => ({ ok: true, result });

/** A fake main; channels without a handler answer INTERNAL, as a missing one would be a bug. */
export function fakeMain(handlers: Handlers = {}): FakeMain {
  const calls: FakeMain['calls'] = [];
  const listeners = new Map<string, Set<(payload: never) => void>>();
  const api: Api = {
    async invoke(channel, args) {
      calls.push({ channel, args });
      const handler = handlers[channel] as Handler<typeof channel> | undefined;
      if (!handler) return { ok: false, error: { code: 'INTERNAL', message: `no fake handler for ${channel}` } };
      return handler(args);
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (payload: never) => void;
      set.add(l);
      return () => set.delete(l);
    },
  };
  return {
    api,
    handlers,
    calls,
    callsTo: <C extends Channel>(channel: C) => calls.filter((c) => c.channel === channel).map((c) => c.args as ArgsIn<C>),
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) (l as (p: typeof payload) => void)(payload);
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  };
}

/** A promise with its resolve exposed, to hold a fake call open. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export function token(name: string, overrides: Partial<Token> = {}): Token {
  return {
    secretName: `join-token-secret-${name}`,
    name,
    createdAt: '2026-01-01T00:00:00Z',
    ready: true,
    fingerprint: 'ABCD-EFGH-IJKL-MNOP',
    joinedSince: 0,
    ...overrides,
  };
}
