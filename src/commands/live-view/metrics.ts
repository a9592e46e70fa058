// One Prometheus sample of the live view: request rate, error rate and p95 of every revision with traffic or a
// tag (and the rollout's stable and candidate), with the queries of the metric gates' preset. A failure is the
// sample's error, never the watch's end: the next tick tries again.
import { PRESETS, pickPreset, type PresetName } from '../../core/gates/presets.js';
import { renderQuery } from '../../core/gates/query.js';
import type { KnativeService } from '../../core/knative-types.js';
import {
  pushBounded,
  type LiveMetrics,
  type MeasuredRevision,
  type RevisionSample,
} from '../../core/views/live-view.js';
import type { PrometheusClient } from '../../metrics/prometheus.js';
import { analysisRoles } from '../analyze/analysis.js';

/** Queries in flight at once, as analyze. */
const CONCURRENCY = 4;

export interface MetricsSampler {
  /** Takes one sample of the service's revisions and returns the metrics with it added to the history. */
  sample(svc: KnativeService, namespace: string): Promise<LiveMetrics>;
  /** The metrics so far, re-labelled for the service as it is now (traffic shares, roles) without sampling. */
  current(svc: KnativeService): LiveMetrics;
}

export interface MetricsSamplerOptions {
  prom: PrometheusClient;
  windowMs: number;
  /** Samples kept per revision for the sparkline. */
  historySize: number;
  signal: AbortSignal;
}

/** A sampler keeping a bounded history per revision; the preset is picked (`auto`) on the first sample that can. */
export function metricsSampler(opts: MetricsSamplerOptions): MetricsSampler {
  const { prom, windowMs, historySize } = opts;
  const windowSeconds = Math.max(1, Math.round(windowMs / 1000));
  let preset: PresetName | undefined;
  const history = new Map<string, (number | undefined)[]>();
  const latest = new Map<string, RevisionSample | undefined>();
  let error: string | undefined;

  const measured = (svc: KnativeService): MeasuredRevision[] =>
    analysisRoles(svc).revisions.map((r) => ({
      name: r.name,
      role: r.role,
      percent: r.percent,
      tags: r.tags,
      latest: latest.get(r.name),
      history: history.get(r.name) ?? [],
    }));
  const current = (svc: KnativeService): LiveMetrics => ({
    prometheus: prom.displayUrl,
    windowSeconds,
    revisions: measured(svc),
    ...(error !== undefined && { error }),
  });

  const measure = async (svc: KnativeService, namespace: string): Promise<Map<string, RevisionSample>> => {
    preset ??= pickPreset(await prom.seriesNames());
    const queries = PRESETS[preset].queries;
    const names = analysisRoles(svc).revisions.map((r) => r.name);
    const out = new Map<string, RevisionSample>(names.map((n) => [n, {}]));
    const jobs = names.flatMap((revision) => {
      const q = (template: string) =>
        renderQuery(template, { namespace, service: svc.metadata.name, revision, windowMs });
      const s = out.get(revision) as RevisionSample;
      return [
        async () => {
          const n = await prom.queryBuiltinValue(q(queries.requests));
          s.requestRate = n === undefined ? undefined : n / windowSeconds;
        },
        async () => void (s.errorRate = await prom.queryBuiltinValue(q(queries['error-rate']))),
        async () => void (s.p95Ms = await prom.queryBuiltinValue(q(queries['latency-p95']))),
      ];
    });
    let next = 0;
    let failed = false;
    const worker = async () => {
      try {
        while (next < jobs.length && !failed) await jobs[next++]();
      } catch (err) {
        // The first failure is the sample's; the queued queries are not sent.
        failed = true;
        throw err;
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));
    return out;
  };

  return {
    current,
    async sample(svc, namespace) {
      let samples: Map<string, RevisionSample> | undefined;
      try {
        samples = await measure(svc, namespace);
        error = undefined;
      } catch (err) {
        if (opts.signal.aborted) throw err;
        // PrometheusClient's messages carry no credential; they are escaped when rendered.
        error = err instanceof Error ? err.message : String(err);
      }
      const names = new Set([...history.keys(), ...analysisRoles(svc).revisions.map((r) => r.name)]);
      for (const name of names) {
        const s = samples?.get(name);
        latest.set(name, s);
        history.set(name, pushBounded(history.get(name) ?? [], s?.requestRate, historySize));
      }
      return current(svc);
    },
  };
}
