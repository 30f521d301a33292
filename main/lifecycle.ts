/**
 * One place where everything that must be stopped registers: services,
 * watches, timers (token masking, clipboard clearing), servers. Stopping the
 * app, the preview or a CLI command is one `dispose()`, which stops them in
 * the reverse order of their registration (what started last depends on
 * what started first) and never lets one failure keep the rest running.
 */
export interface Disposable {
  dispose(): void | Promise<void>;
}

export type DisposeFn = () => void | Promise<void>;

export class Lifecycle implements Disposable {
  private readonly items: Array<{ name: string; dispose: DisposeFn }> = [];
  private disposing: Promise<void> | undefined;

  constructor(private readonly onError: (name: string, err: unknown) => void = () => undefined) {}

  /** Registers something to stop; returns it, so `const x = life.add('x', make())` reads naturally. */
  add<T extends Disposable | DisposeFn>(name: string, item: T): T {
    const dispose = typeof item === 'function' ? (item as DisposeFn) : () => (item as Disposable).dispose();
    if (this.disposing) {
      // Registered while stopping (a late start): stop it at once rather than leak it.
      void Promise.resolve().then(dispose).catch((err: unknown) => this.onError(name, err));
      return item;
    }
    this.items.push({ name, dispose });
    return item;
  }

  get disposed(): boolean {
    return this.disposing !== undefined;
  }

  /** Stops everything, last registered first; safe to call twice (the second call waits for the first). */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      for (const item of this.items.reverse()) {
        try {
          await item.dispose();
        } catch (err) {
          this.onError(item.name, err);
        }
      }
      this.items.length = 0;
    })();
    return this.disposing;
  }
}
