// A delaying work queue keyed by object. Adding a key that is already waiting keeps the earlier
// time (coalescing). After a pass that wrote, the same key waits `dwellMs` before it runs again,
// so every state an object goes through stays visible long enough for a poller to see it.
import { systemClock, type SimClock } from '../clock.js';

/** What a reconcile pass reports back to the queue. */
export interface PassResult {
  wrote: boolean;
  /** Run this key again after so many ms (the reconciler is waiting on a clock, not an event). */
  requeueAfterMs?: number;
}

/** Options of the work queue. */
export interface QueueOptions {
  dwellMs: number;
  onError?: (key: string, err: unknown) => void;
  /** What due times are measured on; default the system clock. */
  clock?: SimClock;
}

interface Item {
  due: number;
  seq: number;
}

/** Runs `handle(key)` for queued keys, one at a time, in due order. */
export class WorkQueue {
  private readonly items = new Map<string, Item>();
  private readonly lastWrite = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private cancelTimer: (() => void) | undefined;
  private timerDue = Infinity;
  private seq = 0;
  /** Keys the running pass batch has yet to handle: a timer for them would fire with nothing left to do. */
  private readonly batch = new Set<string>();
  private stopped = false;
  private readonly clock: SimClock;

  constructor(
    private readonly handle: (key: string) => PassResult,
    private readonly opts: QueueOptions,
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  /** Schedules `key` in `delayMs` (or earlier if it is already scheduled earlier). */
  add(key: string, delayMs: number): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const due = Math.max(now + delayMs, (this.lastWrite.get(key) ?? -Infinity) + this.opts.dwellMs);
    const cur = this.items.get(key);
    if (cur && cur.due <= due) return;
    this.items.set(key, { due, seq: cur?.seq ?? ++this.seq });
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.items.clear();
  }

  private arm(): void {
    let next = Infinity;
    for (const [key, it] of this.items) if (!this.batch.has(key)) next = Math.min(next, it.due);
    if (next === Infinity || next >= this.timerDue) return;
    this.cancelTimer?.();
    this.timerDue = next;
    this.cancelTimer = this.clock.after(next - this.clock.now(), () => this.run());
  }

  private run(): void {
    // Only what this timer was armed for: after a stall, later items get timers of their own, so
    // timers due in between (a poller's, say) still run between two writes to the same object.
    const cutoff = this.timerDue;
    this.cancelTimer = undefined;
    this.timerDue = Infinity;
    const due = [...this.items.entries()]
      .filter(([, it]) => it.due <= cutoff)
      .sort((a, b) => a[1].due - b[1].due || a[1].seq - b[1].seq);
    for (const [key] of due) this.batch.add(key);
    for (const [key] of due) {
      if (this.stopped) return;
      this.items.delete(key);
      this.batch.delete(key);
      let res: PassResult = { wrote: false };
      try {
        res = this.handle(key);
        this.failures.delete(key);
      } catch (err) {
        // Level-triggered: retry with backoff; a conflict or a racing delete resolves itself.
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        this.opts.onError?.(key, err);
        res = { wrote: false, requeueAfterMs: Math.min(2000, 20 * 2 ** n) };
      }
      if (res.wrote) {
        const at = this.clock.now();
        this.lastWrite.set(key, at);
        // The pass's own writes re-queued it before the dwell was known.
        const again = this.items.get(key);
        if (again) again.due = Math.max(again.due, at + this.opts.dwellMs);
      }
      if (res.requeueAfterMs !== undefined) this.add(key, res.requeueAfterMs);
    }
    this.arm();
  }
}
