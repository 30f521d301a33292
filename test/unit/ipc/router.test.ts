import { describe, expect, it } from 'vitest';
import { AppError, type FleetChangedEvent, type Settings } from '../../../shared/contract/index.js';
import { createRouter, type RouterEvent } from '../../../main/ipc/router.js';
import type { Logger } from '../../../main/log.js';
import type { CallContext } from '../../../main/ipc/types.js';

const ctx: CallContext = { transport: 'test' };

const settings: Settings = { fleet: { sort: { column: 'name', direction: 'asc' }, filter: '', roleFilter: [], stateFilter: 'all' } };

function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const put = (level: string) => (m: string, f?: object) => void lines.push(`${level} ${m} ${f ? JSON.stringify(f) : ''}`);
  return { lines, debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

function routerWithLab(opts: { validateOutputs?: boolean } = {}) {
  const log = memoryLog();
  const router = createRouter({ log, validateOutputs: opts.validateOutputs ?? true });
  const seen: unknown[] = [];
  router.register({
    'lab:start': (args) => {
      seen.push(args);
      return { running: true, clusters: Array.from({ length: args.clusters }, (_, i) => `cluster-${i + 1}`) };
    },
    'settings:get': () => settings,
  });
  return { router, log, seen };
}

describe('router: which channels it answers', () => {
  it('refuses a channel the contract does not declare, without calling anything', async () => {
    const { router } = routerWithLab();
    const r = await router.call('shell:exec', { cmd: 'rm -rf /' }, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'INVALID_ARGS', message: expect.stringContaining('Unknown channel "shell:exec"') } });
  });

  it('refuses a channel name that is not a string, or an inherited property name', async () => {
    const { router } = routerWithLab();
    for (const bad of [42, null, undefined, { toString: () => 'lab:start' }, '__proto__', 'constructor', 'toString']) {
      const r = await router.call(bad, {}, ctx);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('INVALID_ARGS');
    }
  });

  it('answers a declared channel nobody registered with INTERNAL, naming the channel', async () => {
    const { router, log } = routerWithLab();
    const r = await router.call('fleet:snapshot', {}, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('fleet:snapshot') } });
    expect(log.lines.join('\n')).toContain('no handler');
  });

  it('lists the contract channels still without a handler', () => {
    const { router } = routerWithLab();
    const missing = router.unregistered();
    expect(missing).toContain('fleet:snapshot');
    expect(missing).toContain('kubeconfig:scan');
    expect(missing).not.toContain('lab:start');
  });

  it('refuses to register a channel twice', () => {
    const { router } = routerWithLab();
    expect(() => router.register({ 'settings:get': () => settings })).toThrow(/registered twice/);
  });

  it('refuses to register a channel the contract does not declare', () => {
    const router = createRouter();
    const bogus = { 'shell:exec': () => null } as unknown as Parameters<typeof router.register>[0];
    expect(() => router.register(bogus)).toThrow(/no such channel/);
  });
});

describe('router: typed from the contract (these lines are checked by tsc -b)', () => {
  it('rejects, at compile time, handlers and calls that do not fit the contract', async () => {
    const router = createRouter({ validateOutputs: false });
    // @ts-expect-error the result is not a LabStatus
    router.register({ 'lab:status': () => ({ running: 'yes' }) });
    // @ts-expect-error no such channel in the contract
    expect(() => router.register({ 'shell:exec': () => null })).toThrow();
    // @ts-expect-error clusters is a number
    await router.invoke('lab:start', { clusters: 'three' }, ctx);
    const r = await router.invoke('lab:status', {}, ctx);
    // The typed call's result has the contract's type (this assignment compiles)…
    const running: boolean | undefined = r.ok ? r.result.running : undefined;
    // …while at run time, outside development, nothing re-checks what the mistyped handler returned.
    expect(running).toBe('yes');
  });
});

describe('router: argument validation', () => {
  it('passes parsed arguments, with the schema defaults applied, to the handler', async () => {
    const { router, seen } = routerWithLab();
    const r = await router.call('lab:start', {}, ctx);
    expect(r).toEqual({ ok: true, result: { running: true, clusters: ['cluster-1', 'cluster-2', 'cluster-3'] } });
    expect(seen).toEqual([{ clusters: 3 }]);
  });

  it('treats missing arguments as an empty object', async () => {
    const { router } = routerWithLab();
    expect(await router.call('settings:get', undefined, ctx)).toEqual({ ok: true, result: settings });
  });

  it('names the field that is wrong, for several channels, and never runs the handler', async () => {
    const log = memoryLog();
    const router = createRouter({ log });
    let calls = 0;
    const count = () => {
      calls++;
      throw new Error('must not run');
    };
    router.register({ 'lab:start': count, 'kubeconfig:scan': count, 'kubeconfig:import': count, 'app:open-external': count, 'clusters:remove': count, 'settings:set': count });

    const cases: Array<[string, unknown, RegExp]> = [
      ['lab:start', { clusters: 0 }, /lab:start: clusters: /],
      ['lab:start', { clusters: 2.5 }, /clusters: .*expected int/],
      ['kubeconfig:scan', { source: { kind: 'files', paths: [] } }, /source\.paths: /],
      ['kubeconfig:scan', { source: { kind: 'ftp' } }, /source\.kind: /],
      ['kubeconfig:import', { scanId: 's', selections: [{ candidateId: 'c', name: 'Not A Name' }] }, /selections\[0\]\.name: lowercase letters/],
      ['app:open-external', { url: 42 }, /url: .*string/i],
      ['clusters:remove', { ids: [] }, /ids: /],
      ['settings:set', { settings: { fleet: { sort: { column: 'name', direction: 'sideways' }, filter: '', roleFilter: [] } } }, /settings\.fleet\.sort\.direction: /],
      ['lab:start', 'three', /\(the arguments\): /],
    ];
    for (const [channel, args, message] of cases) {
      const r = await router.call(channel, args, ctx);
      expect(r.ok, channel).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('INVALID_ARGS');
        expect(r.error.message).toMatch(message);
      }
    }
    expect(calls).toBe(0);
  });

  it('does not echo a rejected value back (it could be a pasted secret)', async () => {
    const { router } = routerWithLab();
    const r = await router.call('lab:start', { clusters: 'sk-very-secret-value-0123456789' }, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).not.toContain('sk-very-secret');
  });
});

describe('router: errors are values', () => {
  it('passes an AppError through with its code, message and cluster', async () => {
    const router = createRouter();
    router.register({
      'fleet:refresh': () => {
        throw new AppError('UNAUTHORIZED', 'cluster-2 refused the credentials (401): re-import its kubeconfig.', 'cluster-2');
      },
    });
    expect(await router.call('fleet:refresh', { id: 'x' }, ctx)).toEqual({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'cluster-2 refused the credentials (401): re-import its kubeconfig.', cluster: 'cluster-2' },
    });
  });

  it('keeps a credential quoted in an AppError message out of the renderer', async () => {
    const router = createRouter();
    router.register({
      'fleet:refresh': () => {
        throw new AppError('EXEC_PLUGIN', 'the plugin printed: {"token":"s3cr3t-plugin-token"} with Authorization: Bearer abcdefghijklmnop', 'cluster-2');
      },
    });
    const r = await router.call('fleet:refresh', {}, ctx);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.message).not.toContain('s3cr3t-plugin-token');
      expect(r.error.message).not.toContain('abcdefghijklmnop');
      expect(r.error.message).toContain('the plugin printed');
    }
  });

  it('turns any other exception into INTERNAL with a reference, keeps the details out of the answer and secrets out of the log', async () => {
    const log = memoryLog();
    const router = createRouter({ log });
    router.register({
      'fleet:refresh': async () => {
        throw new TypeError('Cannot read properties of undefined (Authorization: Bearer abcDEF1234567890abcDEF1234567890xyz)');
      },
    });
    const r = await router.call('fleet:refresh', {}, ctx);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INTERNAL');
    expect(r.error.message).toMatch(/while handling fleet:refresh \(reference [0-9a-f]{8}\)/);
    expect(r.error.message).not.toMatch(/Cannot read|Bearer|at .*\.ts/);
    const ref = /reference ([0-9a-f]{8})/.exec(r.error.message)![1];
    const logged = log.lines.join('\n');
    expect(logged).toContain(ref);
    expect(logged).toContain('TypeError');
  });

  it('never rejects, even when a handler throws a non-Error', async () => {
    const router = createRouter();
    router.register({
      'fleet:refresh': () => {
        throw 'a string';
      },
    });
    await expect(router.call('fleet:refresh', {}, ctx)).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('in development, refuses a result that does not match the contract', async () => {
    const log = memoryLog();
    const router = createRouter({ log, validateOutputs: true });
    router.register({ 'lab:status': () => ({ running: 'yes' }) as never });
    const r = await router.call('lab:status', {}, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.stringMatching(/lab:status does not match the contract .*running/) } });
  });

  it('outside development, returns results without checking them (no cost on hot paths)', async () => {
    const router = createRouter({ validateOutputs: false });
    router.register({ 'lab:status': () => ({ running: 'yes' }) as never });
    expect(await router.call('lab:status', {}, ctx)).toEqual({ ok: true, result: { running: 'yes' } });
  });
});

describe('router: events', () => {
  const changed: FleetChangedEvent = {
    version: 2,
    upserts: [],
    removed: ['c1'],
    summary: { clusters: 0, reachable: 0, unreachable: 0, authProblems: 0, failedActions: 0, primaries: 0, secondaries: 0 },
  };

  it('delivers emitted events to every subscriber until it unsubscribes', () => {
    const router = createRouter({ validateOutputs: true });
    const a: RouterEvent[] = [];
    const b: RouterEvent[] = [];
    const offA = router.subscribe((e) => a.push(e));
    router.subscribe((e) => b.push(e));
    router.events.emit('fleet:changed', changed);
    offA();
    router.events.emit('lab:changed', { running: false, clusters: [] });
    expect(a).toEqual([{ event: 'fleet:changed', payload: changed }]);
    expect(b.map((e) => e.event)).toEqual(['fleet:changed', 'lab:changed']);
  });

  it('keeps delivering to other subscribers when one throws', () => {
    const log = memoryLog();
    const router = createRouter({ log });
    const got: string[] = [];
    router.subscribe(() => {
      throw new Error('window closed');
    });
    router.subscribe((e) => got.push(e.event));
    router.events.emit('lab:changed', { running: true, clusters: ['cluster-1'] });
    expect(got).toEqual(['lab:changed']);
    expect(log.lines.join('\n')).toContain('window closed');
  });

  it('in development, drops an event that does not match the contract and logs why', () => {
    const log = memoryLog();
    const router = createRouter({ log, validateOutputs: true });
    const got: RouterEvent[] = [];
    router.subscribe((e) => got.push(e));
    router.events.emit('lab:changed', { running: true } as never);
    expect(got).toEqual([]);
    expect(log.lines.join('\n')).toMatch(/lab:changed .*clusters/);
  });
});
