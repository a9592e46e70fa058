// Bounded retries with jittered exponential backoff (client-node 1.4 never retries): 429 (honouring Retry-After),
// 5xx and connection resets. Sleep and randomness are injectable.

import { setTimeout as delay } from 'node:timers/promises';
import { CancelError } from '../core/errors.js';
import { transientOf } from './errors.js';

/** How long to wait (ms), abortable. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Retry knobs; every field has a default. */
export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this. */
  maxRetryAfterMs: number;
  sleep: Sleep;
  random: () => number;
  signal?: AbortSignal;
  /** Told before each wait, e.g. for the --verbose trace. */
  onRetry?: (info: { attempt: number; delayMs: number; error: Error }) => void;
}

/** The real, abortable sleep. */
export const realSleep: Sleep = async (ms, signal) => {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    if (signal?.aborted)
      throw signal.reason instanceof Error && 'exitCode' in signal.reason
        ? signal.reason
        : new CancelError('cancelled');
    throw err;
  }
};

/** Defaults: 5 attempts, 200 ms doubling to at most 5 s, Retry-After capped at 10 s. */
export function defaultRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    maxAttempts: 5,
    baseDelayMs: 200,
    maxDelayMs: 5_000,
    maxRetryAfterMs: 10_000,
    sleep: realSleep,
    random: Math.random,
    ...overrides,
  };
}

/** "Equal jitter" backoff for retry number `retry` (from 0): half the exponential step fixed, half random. */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(step / 2 + policy.random() * (step / 2));
}

/** The wait before the next attempt: the server's Retry-After (capped) wins over backoff. */
export function retryDelay(err: unknown, retry: number, policy: RetryPolicy): number {
  const after = transientOf(err)?.retryAfterMs;
  if (after !== undefined) return Math.min(after, policy.maxRetryAfterMs);
  return backoffDelay(retry, policy);
}

/**
 * Runs `fn` until it succeeds, fails for good, or attempts run out. `safeToRepeat`: reads and conditional writes
 * 'always'; other writes only when the server did not process them (429).
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  safeToRepeat: 'always' | 'if-not-processed' = 'always',
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const mark = transientOf(err);
      const repeatable = mark !== undefined && (safeToRepeat === 'always' || mark.notProcessed);
      if (!repeatable || attempt >= policy.maxAttempts || policy.signal?.aborted) throw err;
      const ms = retryDelay(err, attempt - 1, policy);
      policy.onRetry?.({ attempt, delayMs: ms, error: err as Error });
      await policy.sleep(ms, policy.signal);
    }
  }
}
