// The live view of one service (`status --watch`, and the wizard's pauses): traffic per revision and tag,
// readiness, the rollout phase and, with Prometheus, each measured revision's request rate, error rate and p95
// with a bounded history of request rates. Pure: the sampler (src/commands/live-view) fills it in.
import { document } from '../document.js';
import type { ConditionStatus, KnativeService, Revision } from '../knative-types.js';
import { deriveRollout, type RolloutView } from './rollout-status.js';
import { ready, trafficRows, type ReadyView, type TrafficRow } from './rows.js';

/** One sample of one revision; a measure without data (no requests yet) is undefined. */
export interface RevisionSample {
  /** Requests per second over the window. */
  requestRate?: number;
  /** Percent of 5xx answers over the window. */
  errorRate?: number;
  /** Milliseconds. */
  p95Ms?: number;
}

export interface MeasuredRevision {
  name: string;
  role: 'stable' | 'candidate' | 'other';
  /** Its share of the traffic, percent. */
  percent: number;
  tags: string[];
  /** The latest sample; undefined when the latest query failed or none ran yet. */
  latest?: RevisionSample;
  /** Request rates of the last samples, oldest first; undefined where a sample failed. */
  history: (number | undefined)[];
}

export interface LiveMetrics {
  /** The Prometheus URL as it may be printed (no credentials). */
  prometheus: string;
  windowSeconds: number;
  revisions: MeasuredRevision[];
  /** Why the latest sample failed (already redacted); the watch goes on. */
  error?: string;
}

export interface LiveView {
  name: string;
  namespace?: string;
  url?: string;
  ready: ReadyView;
  latestReadyRevisionName?: string;
  traffic: TrafficRow[];
  /** Ready status of each revision, by name. */
  readiness: Record<string, ConditionStatus>;
  rollout: RolloutView;
  metrics?: LiveMetrics;
  /** A cluster read that failed while watching (already redacted); the watch goes on. */
  clusterError?: string;
}

/** The live view of a service, its revisions and (when asked) the metrics sampled so far. */
export function liveView(
  svc: KnativeService,
  revisions: readonly Revision[],
  extra: { metrics?: LiveMetrics; clusterError?: string } = {},
): LiveView {
  const readiness: Record<string, ConditionStatus> = {};
  for (const r of revisions) readiness[r.metadata.name] = ready(r).status;
  return {
    name: svc.metadata.name,
    namespace: svc.metadata.namespace,
    url: svc.status?.url,
    ready: ready(svc),
    latestReadyRevisionName: svc.status?.latestReadyRevisionName,
    traffic: trafficRows(svc),
    readiness,
    rollout: deriveRollout(svc),
    ...(extra.metrics && { metrics: extra.metrics }),
    ...(extra.clusterError && { clusterError: extra.clusterError }),
  };
}

/** `values` with `v` appended, keeping the last `size` (the ring of a sparkline). */
export function pushBounded<T>(values: readonly T[], v: T, size: number): T[] {
  const out = [...values, v];
  return out.length > size ? out.slice(out.length - size) : out;
}

/** A number as one -o json line carries it: rounded to `digits` decimals; no data (or NaN, ±Inf) is null. */
function rounded(v: number | undefined, digits: number): number | null {
  if (v === undefined || !Number.isFinite(v)) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * The LiveStatus document of `status --watch -o json|yaml`, one per change. Without the history (it moves on
 * every sample) and with values rounded, so that equal documents mean nothing a reader would notice changed.
 */
export function liveStatusDocument(view: LiveView) {
  const m = view.metrics;
  return document('LiveStatus', {
    name: view.name,
    namespace: view.namespace,
    url: view.url,
    ready: view.ready,
    latestReadyRevisionName: view.latestReadyRevisionName,
    traffic: view.traffic.map((t) => {
      const name = t.revisionName ?? (t.latestRevision ? view.latestReadyRevisionName : undefined);
      return { ...t, ready: (name && view.readiness[name]) || null };
    }),
    rollout: view.rollout,
    ...(m && {
      metrics: {
        prometheus: m.prometheus,
        windowSeconds: m.windowSeconds,
        error: m.error ?? null,
        revisions: m.revisions.map((r) => ({
          name: r.name,
          role: r.role,
          percent: r.percent,
          tags: r.tags,
          requestRate: rounded(r.latest?.requestRate, 2),
          errorRate: rounded(r.latest?.errorRate, 2),
          latencyP95Ms: rounded(r.latest?.p95Ms, 1),
        })),
      },
    }),
    ...(view.clusterError && { clusterError: view.clusterError }),
  });
}
