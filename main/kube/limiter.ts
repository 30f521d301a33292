/**
 * Bounded concurrency across clusters: at most `global` tasks run at once,
 * at most `perKey` of them for one key (one cluster), and waiting tasks are
 * served round-robin by key, so a cluster with a long queue or slow answers
 * takes its share and no more. One slow cluster can never hold more than
 * `perKey` of the slots, and a cluster that queued one request is served
 * after at most one task of each other waiting cluster.
 *
 * Two priorities: `low` tasks (opening watches) run only when no `normal`
 * task (lists, gets) could take the slot. At start-up that puts the lists
 * that fill a fleet's rows before its thousands of watch connections; later,
 * when nothing else waits, watches open as fast as slots free up.
 *
 * O(1) per acquire and release: only keys that have work waiting and room
 * under their cap sit in a ready ring.
 */

export interface LimiterOptions {
  /** Tasks running at once, all keys together. */
  global: number;
  /** Tasks running at once for one key. */
  perKey: number;
}

export type Priority = 'normal' | 'low';

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface KeyState {
  running: number;
  /** Index 0: normal, 1: low. */
  waiting: [Waiter[], Waiter[]];
  /** In the ready ring of that priority now. */
  ready: [boolean, boolean];
}

class Ring {
  items: string[] = [];
  head = 0;

  get empty(): boolean {
    return this.head >= this.items.length;
  }

  push(key: string): void {
    this.items.push(key);
  }

  shift(): string | undefined {
    const key = this.items[this.head++];
    // Compact once the consumed head dominates.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return key;
  }
}

const LEVEL: Record<Priority, 0 | 1> = { normal: 0, low: 1 };

export class Limiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly rings: [Ring, Ring] = [new Ring(), new Ring()];
  private running = 0;

  constructor(readonly options: LimiterOptions) {
    if (!(options.global >= 1 && options.perKey >= 1)) throw new Error('Limiter: global and perKey must be at least 1');
  }

  /** Tasks running now (all keys). */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot (all keys, both priorities). */
  get queued(): number {
    let n = 0;
    for (const s of this.keys.values()) n += s.waiting[0].length + s.waiting[1].length;
    return n;
  }

  /**
   * Runs `task` when a slot is free for `key`. Waiting ends early with the
   * signal's reason if `signal` aborts first; a running task is not touched.
   */
  async run<T>(key: string, task: () => Promise<T>, signal?: AbortSignal, priority: Priority = 'normal'): Promise<T> {
    const release = await this.acquire(key, signal, priority);
    try {
      return await task();
    } finally {
      release();
    }
  }

  /** Takes a slot for `key`; call the returned function exactly once to give it back. */
  acquire(key: string, signal?: AbortSignal, priority: Priority = 'normal'): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const level = LEVEL[priority];
    const state = this.state(key);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.release(key);
    };
    const nothingAhead = state.waiting[0].length === 0 && (level === 0 || (state.waiting[1].length === 0 && this.rings[0].empty));
    if (this.running < this.options.global && state.running < this.options.perKey && nothingAhead) {
      this.running++;
      state.running++;
      return Promise.resolve(release);
    }
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = { resolve: () => resolve(release), reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const queue = state.waiting[level];
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          this.forget(key, state);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      state.waiting[level].push(waiter);
      this.markReady(key, state);
      this.dispatch();
    });
  }

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      s = { running: 0, waiting: [[], []], ready: [false, false] };
      this.keys.set(key, s);
    }
    return s;
  }

  private markReady(key: string, s: KeyState): void {
    if (s.running >= this.options.perKey) return;
    for (const level of [0, 1] as const) {
      if (!s.ready[level] && s.waiting[level].length > 0) {
        s.ready[level] = true;
        this.rings[level].push(key);
      }
    }
  }

  private release(key: string): void {
    const s = this.keys.get(key);
    this.running--;
    if (s) {
      s.running--;
      this.markReady(key, s);
      this.forget(key, s);
    }
    this.dispatch();
  }

  private dispatch(): void {
    while (this.running < this.options.global) {
      if (this.rings[0].empty && this.rings[1].empty) return;
      const level: 0 | 1 = this.rings[0].empty ? 1 : 0;
      const key = this.rings[level].shift()!;
      const s = this.keys.get(key);
      if (!s) continue;
      s.ready[level] = false;
      // A key can be in the ring after reaching its cap through the other priority: it comes back when a slot frees.
      if (s.running >= this.options.perKey) continue;
      const waiter = s.waiting[level].shift();
      if (!waiter) {
        this.forget(key, s);
        continue;
      }
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      this.running++;
      s.running++;
      // Back of the ring: the other waiting keys go first.
      this.markReady(key, s);
      waiter.resolve();
    }
  }

  /** Drops the state of a key with nothing running or waiting (clusters come and go). */
  private forget(key: string, s: KeyState): void {
    if (s.running === 0 && s.waiting[0].length === 0 && s.waiting[1].length === 0 && !s.ready[0] && !s.ready[1]) this.keys.delete(key);
  }
}
