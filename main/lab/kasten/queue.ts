/**
 * A controller work queue, as client-go's: watch callbacks only add keys, and
 * the work runs later, outside the store's event delivery (the store calls
 * watchers synchronously inside a write, so writing from a callback would
 * re-enter it). A key added several times before it runs runs once; a key
 * added while it runs runs again afterwards; one key never runs twice at once.
 * A failing reconcile is logged and never escapes.
 */
export type Reconcile = (key: string) => void | Promise<void>;

export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly running = new Set<string>();
  private readonly rerun = new Set<string>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private flush: NodeJS.Immediate | undefined;
  private active = false;

  constructor(
    private readonly reconcile: Reconcile,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    this.active = true;
    if (this.pending.size) this.schedule();
  }

  /** Drops every pending key and timer; keys running now finish on their own. */
  stop(): void {
    this.active = false;
    this.pending.clear();
    this.rerun.clear();
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    if (this.flush) clearImmediate(this.flush);
    this.flush = undefined;
  }

  /** Runs `key` soon, or after `delayMs` (the earliest of several delays wins). */
  add(key: string, delayMs = 0): void {
    if (!this.active) return;
    if (delayMs > 0) {
      const at = Date.now() + delayMs;
      const current = this.delayed.get(key);
      if (current && current.at <= at) return;
      if (current) clearTimeout(current.timer);
      const timer = setTimeout(() => {
        this.delayed.delete(key);
        this.add(key);
      }, delayMs);
      this.delayed.set(key, { at, timer });
      return;
    }
    if (this.running.has(key)) {
      this.rerun.add(key);
      return;
    }
    this.pending.add(key);
    this.schedule();
  }

  private schedule(): void {
    this.flush ??= setImmediate(() => {
      this.flush = undefined;
      const keys = [...this.pending];
      this.pending.clear();
      for (const key of keys) this.run(key);
    });
  }

  private run(key: string): void {
    if (!this.active) return;
    this.running.add(key);
    const done = () => {
      this.running.delete(key);
      if (this.rerun.delete(key)) this.add(key);
    };
    try {
      const result = this.reconcile(key);
      if (result instanceof Promise) {
        result.catch((err: unknown) => this.fail(key, err)).finally(done);
        return;
      }
    } catch (err) {
      this.fail(key, err);
    }
    done();
  }

  private fail(key: string, err: unknown): void {
    this.log(`reconcile ${key} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
