/**
 * The limiter that keeps one slow cluster from holding up the fleet: global
 * and per-cluster caps, round-robin between clusters, and callers that give
 * up waiting.
 */
import { describe, expect, it } from 'vitest';
import { Limiter } from '../../../main/kube/limiter.js';

/** A task that runs until `finish()` is called, recording that it started. */
function gate(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { task: async () => (log.push(name), done), finish };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('Limiter', () => {
  it('never runs more than the global cap at once', async () => {
    const limiter = new Limiter({ global: 3, perKey: 10 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limiter.run(`k${i % 5}`, async () => {
          peak = Math.max(peak, ++running);
          await tick();
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(limiter.active).toBe(0);
  });

  it('never runs more than the per-key cap for one cluster, whatever the global room', async () => {
    const limiter = new Limiter({ global: 16, perKey: 2 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 10 }, () =>
        limiter.run('slow', async () => {
          peak = Math.max(peak, ++running);
          await tick();
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
  });

  it('serves a cluster with one request before the rest of a long queue of another', async () => {
    const limiter = new Limiter({ global: 1, perKey: 1 });
    const log: string[] = [];
    const first = gate(log, 'a0');
    const running = limiter.run('a', first.task);
    const queued = [1, 2, 3, 4].map((i) => limiter.run('a', async () => void log.push(`a${i}`)));
    const other = limiter.run('b', async () => void log.push('b0'));
    await tick();
    first.finish();
    await Promise.all([running, ...queued, other]);
    // a's queue was waiting on its own cap, so b, which was not, goes next.
    expect(log).toEqual(['a0', 'b0', 'a1', 'a2', 'a3', 'a4']);
  });

  it('lets other clusters through while one holds all its slots', async () => {
    const limiter = new Limiter({ global: 4, perKey: 2 });
    const log: string[] = [];
    const slow = [gate(log, 'slow1'), gate(log, 'slow2'), gate(log, 'slow3')];
    const slowRuns = slow.map((g) => limiter.run('slow', g.task));
    const fast = await Promise.all([1, 2, 3].map((i) => limiter.run('fast', async () => `fast${i}`)));
    expect(fast).toEqual(['fast1', 'fast2', 'fast3']);
    expect(log).toEqual(['slow1', 'slow2']);
    for (const g of slow) g.finish();
    await Promise.all(slowRuns);
    expect(log).toEqual(['slow1', 'slow2', 'slow3']);
  });

  it('stops waiting when the caller aborts, and the slot goes to the next', async () => {
    const limiter = new Limiter({ global: 1, perKey: 1 });
    const log: string[] = [];
    const holder = gate(log, 'holder');
    const held = limiter.run('a', holder.task);
    const controller = new AbortController();
    const abandoned = limiter.run('b', async () => void log.push('abandoned'), controller.signal);
    const next = limiter.run('c', async () => void log.push('next'));
    controller.abort(new Error('gave up'));
    await expect(abandoned).rejects.toThrow('gave up');
    holder.finish();
    await Promise.all([held, next]);
    expect(log).toEqual(['holder', 'next']);
    expect(limiter.queued).toBe(0);
  });

  it('gives the slot back when a task fails', async () => {
    const limiter = new Limiter({ global: 1, perKey: 1 });
    await expect(limiter.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limiter.run('a', async () => 'after')).toBe('after');
    expect(limiter.active).toBe(0);
  });
});

describe('Limiter round-robin', () => {
  it('alternates between clusters that both have long queues', async () => {
    const limiter = new Limiter({ global: 1, perKey: 4 });
    const log: string[] = [];
    const holder = gate(log, 'x');
    const held = limiter.run('x', holder.task);
    const runs = [
      ...[1, 2, 3].map((i) => limiter.run('a', async () => void log.push(`a${i}`))),
      ...[1, 2, 3].map((i) => limiter.run('b', async () => void log.push(`b${i}`))),
    ];
    holder.finish();
    await Promise.all([held, ...runs]);
    expect(log).toEqual(['x', 'a1', 'b1', 'a2', 'b2', 'a3', 'b3']);
  });
});

describe('Limiter priorities', () => {
  it('runs low-priority tasks (watch openings) only when no normal task waits for the slot', async () => {
    const limiter = new Limiter({ global: 1, perKey: 4 });
    const log: string[] = [];
    const holder = gate(log, 'holder');
    const held = limiter.run('a', holder.task);
    const runs = [
      limiter.run('a', async () => void log.push('watch-a'), undefined, 'low'),
      limiter.run('b', async () => void log.push('list-b1')),
      limiter.run('b', async () => void log.push('watch-b'), undefined, 'low'),
      limiter.run('c', async () => void log.push('list-c1')),
      limiter.run('b', async () => void log.push('list-b2')),
    ];
    holder.finish();
    await Promise.all([held, ...runs]);
    expect(log).toEqual(['holder', 'list-b1', 'list-c1', 'list-b2', 'watch-a', 'watch-b']);
  });

  it('lets a low-priority task straight through when nothing else waits', async () => {
    const limiter = new Limiter({ global: 2, perKey: 2 });
    expect(await limiter.run('a', async () => 'opened', undefined, 'low')).toBe('opened');
  });
});
