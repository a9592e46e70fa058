// Waiting for the sim tests on the system clock: re-check a condition whenever the registry
// changes (or, for state outside the registry, on a short poll), with a deadline generous enough
// for a loaded 2-core machine. State of the controllers is awaited by moving a ManualClock
// (clock.ts) instead; test/repo/no-sleeps.test.ts keeps new sleeps and polls out of test/sim.
import type { Registry } from '../../src/sim/api/contracts.js';

/** Default deadline: only reached when the awaited state never comes. */
export const WAIT_MS = 20_000;

/** Resolves once `cond()` holds, checking after every registry change; rejects after `ms`. */
export function untilChange<T>(
  registry: Registry,
  cond: () => T | undefined | false,
  what: string,
  ms = WAIT_MS,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let stop = (): void => {};
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const check = (): boolean => {
      let v: T | undefined | false;
      try {
        v = cond();
      } catch (err) {
        clearTimeout(timer);
        stop();
        reject(err);
        return true;
      }
      if (!v) return false;
      clearTimeout(timer);
      stop();
      resolve(v);
      return true;
    };
    if (check()) return;
    // Registry listeners run synchronously inside the write; check after it has returned.
    stop = registry.onChange(() => queueMicrotask(check));
  });
}

/** Resolves once `cond()` holds, polling every `everyMs`; rejects after `ms`. For state the registry does not feed. */
export async function until<T>(
  cond: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms = WAIT_MS,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    // A poll, for state no registry change announces (HTTP watch streams, kubectl's request log).
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
