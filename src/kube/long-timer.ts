// setTimeout that never overflows: Node fires a timer over 2^31-1 ms (~24.8 days) after 1 ms instead, which would
// end a bake pause or a wait at once. parseDuration caps flags well below; this guards any other caller.

export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The two timer functions used (a test seam). */
export interface TimerApi {
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: any) => void;
}

const realTimers: TimerApi = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h) };

/** Runs `fn` after `ms` (any length; negative or NaN: 0) via timers of at most MAX_TIMER_MS; returns the canceller. */
export function setLongTimeout(fn: () => void, ms: number, timers: TimerApi = realTimers): () => void {
  let handle: unknown;
  const arm = (left: number) => {
    const now = Math.min(left, MAX_TIMER_MS);
    handle = timers.setTimeout(() => (left > now ? arm(left - now) : fn()), now);
  };
  arm(ms > 0 ? ms : 0);
  return () => timers.clearTimeout(handle);
}
