// Time and timers of the simulated control plane. The playground keeps the system clock; tests pass a clock they
// move by hand, so every controller delay happens when the test says, not after a wall-clock wait.

/** The clock the registry's housekeeping and the Knative controllers schedule on. */
export interface SimClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once `ms` have passed on this clock; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The system clock: Date.now and unref'd timers (they never keep the process alive). */
export const systemClock: SimClock = {
  now: () => Date.now(),
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref?.();
    return () => clearTimeout(t);
  },
};
