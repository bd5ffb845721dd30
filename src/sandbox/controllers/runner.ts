/** A tiny keyed work loop for the sandbox's built-in controllers: coalesces triggers, runs off the request path. */

export class KeyedLoop {
  private readonly pending = new Set<string>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly work: (key: string) => void,
    private readonly onError: (key: string, err: unknown) => void,
  ) {}

  enqueue(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.drain());
    }
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const k of keys) {
      if (this.stopped) return;
      try {
        this.work(k);
      } catch (err) {
        this.onError(k, err);
      }
    }
  }
}

/** The identity the built-in controllers write as. */
export const CONTROLLER_USER = { name: 'system:kube-controller-manager', groups: ['system:authenticated'] };
