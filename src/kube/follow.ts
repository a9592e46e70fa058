// Follows one service for as long as the caller wants: a watch from a resourceVersion, resumed from the last seen
// RV when the stream closes, a fresh LIST after a 410, transient failures retried with backoff. client-node 1.4's
// watch has no timeout and passes ERROR events on as ordinary events, so both are handled here. waitForService
// (wait.ts) and the live view of `status --watch` are both built on it.
import { FailedError, type BgctlError } from '../core/errors.js';
import type { KnativeService } from '../core/knative-types.js';
import type { KnativeClient, WatchEventType, WatchHandle } from './client.js';
import { transientOf } from './errors.js';
import { backoffDelay, defaultRetryPolicy, type RetryPolicy } from './retry.js';

export interface FollowOptions {
  /** Ends the follow: the promise resolves (an abort is how a follow is meant to end). */
  signal: AbortSignal;
  /** Start watching from here (the resourceVersion of an object already seen); without it, LIST first. */
  fromResourceVersion?: string;
  /** Every state of the service seen: the LIST's, then each ADDED/MODIFIED event's. */
  onService(svc: KnativeService): void;
  /** Ends the "deleted while …" and "not found" messages, e.g. "waiting for it". */
  doing?: string;
  /** Reconnect backoff after failures (sleep/random injectable). */
  retry?: Partial<RetryPolicy>;
  /** Consecutive failed reconnects before giving up (default 5). */
  maxReconnectFailures?: number;
}

/**
 * Calls onService for every state of the service until `signal` aborts (then resolves). Rejects with
 * FailedError when the service is deleted (reason Deleted) or missing on a LIST (NotFound), or with the error
 * of a failure that is not transient or kept failing.
 */
export function followService(client: KnativeClient, name: string, opts: FollowOptions): Promise<void> {
  const policy = defaultRetryPolicy(opts.retry);
  const maxFailures = opts.maxReconnectFailures ?? 5;
  const doing = opts.doing ?? 'watching it';
  const { signal } = opts;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let handle: WatchHandle | undefined;
    let lastRV = opts.fromResourceVersion;
    let relist = false;
    let eventsThisStream = 0;
    let failures = 0;
    let emptyCloses = 0;

    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      handle?.stop();
      if (err) reject(err);
      else resolve();
    };
    const onAbort = () => finish();
    if (signal.aborted) return finish();
    signal.addEventListener('abort', onAbort, { once: true });

    const seen = (svc: KnativeService) => {
      try {
        opts.onService(svc);
      } catch (err) {
        finish(err);
      }
    };

    const onEvent = (type: WatchEventType, obj: any) => {
      if (settled) return;
      eventsThisStream++;
      failures = 0;
      emptyCloses = 0;
      if (type === 'ERROR') {
        // 410 Expired: our RV fell out of the server's history; the server closes the stream next.
        if (obj?.code === 410) relist = true;
        return;
      }
      const rv = obj?.metadata?.resourceVersion;
      if (rv) lastRV = rv;
      if (type === 'BOOKMARK') return;
      if (type === 'DELETED')
        return finish(new FailedError(`service "${name}" was deleted while ${doing}`, { reason: 'Deleted' }));
      seen(obj as KnativeService);
    };

    const onDone = (err: BgctlError | null) => {
      handle = undefined;
      if (settled) return;
      if (err && err.reason === 'Expired') relist = true;
      else if (err) {
        if (!transientOf(err) || ++failures > maxFailures) return finish(err);
      } else if (eventsThisStream === 0) {
        emptyCloses++;
      }
      // Resumed at once after a clean stream with events; repeated empty or failed streams back off.
      const n = Math.max(failures, emptyCloses);
      const ms = n > 1 ? backoffDelay(Math.min(n - 2, 6), policy) : 0;
      (ms ? policy.sleep(ms, signal) : Promise.resolve()).then(connect, (e) => finish(signal.aborted ? undefined : e));
    };

    const connect = async () => {
      if (settled) return;
      try {
        if (relist || lastRV === undefined) {
          const snap = await client.getServiceSnapshot(name);
          if (settled) return;
          relist = false;
          if (!snap.service)
            return finish(
              new FailedError(`service "${name}" not found in namespace "${client.namespace}"`, { reason: 'NotFound' }),
            );
          seen(snap.service);
          if (settled) return;
          lastRV = snap.resourceVersion || snap.service.metadata.resourceVersion;
        }
        eventsThisStream = 0;
        const h = await client.watchService(name, lastRV, onEvent, onDone);
        if (settled) h.stop();
        else handle = h;
      } catch (err) {
        finish(signal.aborted ? undefined : err);
      }
    };

    void connect();
  });
}
