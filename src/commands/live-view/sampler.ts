// The live view's loop, for `status --watch` and for anything else that shows a service live until a signal (the
// wizard's pauses): the Service is followed by a watch (kube/follow.ts: no polling, a re-list after 410), its
// revisions are read again on every change (readiness), and Prometheus, when given, is sampled every interval.
// Every new state is handed to onView; deciding whether it changed what is shown is the renderer's business.
import type { KnativeService, Revision } from '../../core/knative-types.js';
import { liveView, type LiveView } from '../../core/views/live-view.js';
import type { KnativeClient } from '../../kube/client.js';
import { followService } from '../../kube/follow.js';
import { metricsSampler, type MetricsSampler } from './metrics.js';

/** The look-back of the live rates: short enough to move with the traffic, long enough for a 15 s scrape. */
export const LIVE_WINDOW_MS = 60_000;
/** Samples per revision in the sparkline. */
export const HISTORY_SIZE = 30;

export interface LiveViewOptions {
  service: string;
  /** Ends the view: the promise resolves. */
  signal: AbortSignal;
  /** How often Prometheus is sampled. */
  intervalMs: number;
  prometheus?: { url: string; token?: string; trace?: (line: string) => void };
  onView(view: LiveView): void;
}

/**
 * Follows the service and calls onView with every new state until `signal` aborts (then resolves). Prometheus
 * failures are part of the view; a deleted or missing service rejects (FailedError, reason Deleted or NotFound).
 */
export async function followLiveView(client: KnativeClient, opts: LiveViewOptions): Promise<void> {
  // Also ended when the follow fails, so the sampling loop stops with it.
  const stop = new AbortController();
  const signal = AbortSignal.any([opts.signal, stop.signal]);
  let svc: KnativeService | undefined;
  let revisions: readonly Revision[] = [];
  let clusterError: string | undefined;
  let metrics: MetricsSampler | undefined;
  let wake: (() => void) | undefined;

  if (opts.prometheus) {
    const { PrometheusClient } = await import('../../metrics/prometheus.js');
    const prom = new PrometheusClient({
      url: opts.prometheus.url,
      token: opts.prometheus.token,
      signal,
      // The next tick is the retry; a slow Prometheus must not hold the view for a whole backoff series.
      attempts: 1,
      timeoutMs: Math.min(10_000, Math.max(2_000, opts.intervalMs)),
      trace: opts.prometheus.trace,
    });
    metrics = metricsSampler({ prom, windowMs: LIVE_WINDOW_MS, historySize: HISTORY_SIZE, signal });
  }

  const emit = () => {
    if (!svc || signal.aborted) return;
    opts.onView(liveView(svc, revisions, { metrics: metrics?.current(svc), clusterError }));
  };

  // Revisions are read again after every change of the service, one read at a time; changes that arrive
  // during a read are covered by one more read.
  let reading: Promise<void> | undefined;
  let again = false;
  const readRevisions = (): void => {
    if (reading) {
      again = true;
      return;
    }
    reading = (async () => {
      do {
        again = false;
        try {
          revisions = await client.listRevisions(opts.service);
          clusterError = undefined;
        } catch (err) {
          if (signal.aborted) return;
          clusterError = `cannot list the revisions: ${err instanceof Error ? err.message : String(err)}`;
        }
        emit();
      } while (again && !signal.aborted);
    })().finally(() => (reading = undefined));
  };

  const following = followService(client, opts.service, {
    signal,
    onService: (s) => {
      const first = !svc;
      svc = s;
      emit();
      readRevisions();
      if (first) wake?.();
    },
  }).finally(() => stop.abort());

  const sampling = (async () => {
    if (!metrics) return;
    while (!signal.aborted) {
      if (svc) {
        try {
          await metrics.sample(svc, svc.metadata.namespace ?? client.namespace);
        } catch {
          return; // aborted: the sampler reports every other failure in the view
        }
        emit();
      }
      await pause(svc ? opts.intervalMs : Infinity, signal, (w) => (wake = w));
    }
  })();

  await Promise.all([following, sampling]);
  await reading;
}

/** Resolves after `ms`, on abort, or when `onWake`'s function is called (the first state of the service). */
function pause(ms: number, signal: AbortSignal, onWake: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
    signal.addEventListener('abort', done, { once: true });
    onWake(done);
    if (signal.aborted) done();
  });
}
