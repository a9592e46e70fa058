// A clock the sim tests move by hand (the playground's `clock` option). Nothing the control plane
// schedules on it runs until the test advances it, and then everything due runs at once, in due
// order, synchronously: the controllers' writes, the watch events they cause, the next timers.
import type { SimClock } from '../../src/sim/clock.js';

/** 2026-01-01T00:00:00Z, where every manual clock starts unless told otherwise. */
export const T0 = Date.parse('2026-01-01T00:00:00Z');

/** How far runUntil moves the clock before it gives up (simulated time, not wall time). */
export const RUN_LIMIT_MS = 10 * 60_000;

interface Timer {
  due: number;
  seq: number;
  fn: () => void;
}

/** A SimClock that only moves when told to. */
export class ManualClock implements SimClock {
  private t: number;
  private seq = 0;
  private readonly timers = new Set<Timer>();

  constructor(start = T0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { due: this.t + Math.max(0, ms), seq: ++this.seq, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (let next = this.next(); next && next.due <= end; next = this.next()) this.fire(next);
    this.t = end;
  }

  /** Every timer runs, one at a time in due order, until `cond()` holds; returns its value. */
  runUntil<T>(cond: () => T | undefined | false, what: string, limitMs = RUN_LIMIT_MS): T {
    const end = this.t + limitMs;
    for (;;) {
      const v = cond();
      if (v) return v;
      const next = this.next();
      if (!next) throw new Error(`${what}: never happened (nothing left scheduled at +${this.t - T0} ms)`);
      if (next.due > end) throw new Error(`${what}: not within ${limitMs} ms of simulated time`);
      this.fire(next);
    }
  }

  /** Runs timers until nothing is scheduled before now + `ms` (the control plane is quiet). */
  settle(ms = 1_000): void {
    for (let next = this.next(); next && next.due <= this.t + ms; next = this.next()) this.fire(next);
  }

  private next(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers) if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    return best;
  }

  private fire(timer: Timer): void {
    this.timers.delete(timer);
    this.t = Math.max(this.t, timer.due);
    timer.fn();
  }
}
