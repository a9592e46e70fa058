// What the playground's ingress answered, per revision, in Knative's own metric names: the queue-proxy request
// histogram of current Knative (OpenTelemetry, seconds), the same under its v1.19.0–v1.19.7 / v1.20.0 name with
// whole seconds, or the OpenCensus counter and histogram of Knative 1.18 and older (milliseconds). Rendered as
// Prometheus text exposition format 0.0.4 by render().
import { createHash } from 'node:crypto';

/**
 * Which Knative generation's series are served: `knative` the current histogram, `knative-1.19` its first name
 * and whole-second values (v1.19.0–v1.19.7, v1.20.0), `legacy` the OpenCensus series of 1.18 and older.
 */
export type MetricsFormat = 'knative' | 'knative-1.19' | 'legacy';
export const METRICS_FORMATS: readonly MetricsFormat[] = ['knative', 'knative-1.19', 'legacy'];

/** The revision a request was served by, as the metric labels need it. */
export interface RevisionIdentity {
  namespace: string;
  /** Empty for a revision of a Configuration without a Service. */
  service: string;
  configuration: string;
  revision: string;
}

/** knative/serving pkg/queue/request_metric.go `latencyBounds` (seconds). */
export const KNATIVE_LATENCY_BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
/** knative/serving knative-v1.18.0 pkg/queue/request_metric.go `defaultLatencyDistribution` (milliseconds). */
export const LEGACY_LATENCY_BOUNDS_MS = [
  5, 10, 20, 40, 60, 80, 100, 150, 200, 250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1000, 2000, 5000, 10000,
  20000, 50000, 100000,
];
/**
 * The codes a Ready revision of the playground answers with. Their series exist at 0 from the moment the revision
 * is Ready, so Prometheus has a sample before the first request and increase() counts that request.
 */
export const PREDECLARED_CODES = [200, 500];

export const KNATIVE_HISTOGRAM = 'kn_serving_invocation_duration_seconds';
/** knative/serving knative-v1.19.0 … v1.19.7 and v1.20.0: `kn.queueproxy.app.duration`, unit `s`. */
export const KNATIVE_1_19_HISTOGRAM = 'kn_queueproxy_app_duration_seconds';
export const LEGACY_COUNTER = 'revision_app_request_count';
export const LEGACY_HISTOGRAM = 'revision_app_request_latencies';

class Histogram {
  /** Per bucket, not cumulative; the last slot is the +Inf bucket. */
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly bounds: number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }
  observe(v: number): void {
    let i = this.bounds.findIndex((b) => v <= b);
    if (i < 0) i = this.bounds.length;
    this.counts[i]++;
    this.sum += v;
    this.count++;
  }
}

interface RevisionSeries {
  id: RevisionIdentity;
  byCode: Map<number, Histogram>;
}

/** Per-revision request counts and latencies, in one format. */
export class RequestMetrics {
  private readonly revisions = new Map<string, RevisionSeries>();
  private readonly listeners = new Set<() => void>();

  constructor(readonly format: MetricsFormat = 'knative') {}

  /** Makes a revision's series exist (at 0 for PREDECLARED_CODES); a no-op when they already do. */
  declare(id: RevisionIdentity): void {
    this.seriesOf(id);
  }

  /** Drops a deleted revision's series, as its pods' series vanish from a cluster. */
  forget(namespace: string, revision: string): void {
    this.revisions.delete(`${namespace}/${revision}`);
  }

  /** Records one answered request. */
  record(id: RevisionIdentity, code: number, seconds: number): void {
    const rev = this.seriesOf(id);
    let h = rev.byCode.get(code);
    if (!h) rev.byCode.set(code, (h = this.histogram()));
    h.observe(recorded(this.format, seconds));
    for (const l of [...this.listeners]) l();
  }

  /** Calls `fn` after every recorded request; returns the unsubscribe function. */
  onRecord(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Requests recorded for a revision, by status code. */
  counts(namespace: string, revision: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [code, h] of this.revisions.get(`${namespace}/${revision}`)?.byCode ?? []) out[code] = h.count;
    return out;
  }

  /** The Prometheus text exposition (format 0.0.4) of every series. */
  render(): string {
    const revs = [...this.revisions.values()].sort((a, b) =>
      `${a.id.namespace}/${a.id.revision}` < `${b.id.namespace}/${b.id.revision}` ? -1 : 1,
    );
    const series = revs.flatMap((r) =>
      [...r.byCode.entries()].sort(([a], [b]) => a - b).map(([code, h]) => ({ id: r.id, code, h })),
    );
    if (this.format === 'legacy') return renderLegacy(series);
    return renderOtel(this.format === 'knative' ? KNATIVE_HISTOGRAM : KNATIVE_1_19_HISTOGRAM, series);
  }

  private histogram(): Histogram {
    return new Histogram(this.format === 'legacy' ? LEGACY_LATENCY_BOUNDS_MS : KNATIVE_LATENCY_BOUNDS_S);
  }

  private seriesOf(id: RevisionIdentity): RevisionSeries {
    const key = `${id.namespace}/${id.revision}`;
    let rev = this.revisions.get(key);
    if (!rev) {
      rev = { id: { ...id }, byCode: new Map(PREDECLARED_CODES.map((c) => [c, this.histogram()])) };
      this.revisions.set(key, rev);
    }
    return rev;
  }
}

/** The value upstream records for a request of `seconds`, in the histogram's unit. */
function recorded(format: MetricsFormat, seconds: number): number {
  // Knative 1.18: latency.Milliseconds(), whole milliseconds. v1.19.0–v1.19.8 and v1.20.0–v1.20.1:
  // float64(latency / time.Second), an integer division of the Duration, so whole seconds rounded down.
  if (format === 'legacy') return Math.floor(seconds * 1000);
  return format === 'knative-1.19' ? Math.floor(seconds) : seconds;
}

type Series = { id: RevisionIdentity; code: number; h: Histogram };
type Labels = Array<[string, string]>;

function renderOtel(name: string, series: Series[]): string {
  // Upstream these kn_* names are resource attributes (on target_info); here they sit on each series, where
  // the OTLP receiver of Prometheus (promote_resource_attributes) or a Collector (resource_to_telemetry_conversion)
  // puts them.
  const labels = (s: Series): Labels => [
    ['http_response_status_code', String(s.code)],
    ['k8s_namespace_name', s.id.namespace],
    ['kn_configuration_name', s.id.configuration],
    ['kn_revision_name', s.id.revision],
    ['kn_service_name', s.id.service],
  ];
  return [
    `# HELP ${name} The duration of task execution`,
    `# TYPE ${name} histogram`,
    ...series.flatMap((s) => histogramLines(name, labels(s), s.h)),
    '',
  ].join('\n');
}

function renderLegacy(series: Series[]): string {
  // The resource labels of pkg/metrics/tags.go augmentWithRevision, then the view's tag keys.
  const labels = (s: Series): Labels => [
    ['configuration_name', s.id.configuration],
    ['container_name', 'queue-proxy'],
    ['namespace_name', s.id.namespace],
    ['pod_name', podName(s.id)],
    ['response_code', String(s.code)],
    ['response_code_class', `${Math.floor(s.code / 100)}xx`],
    ['revision_name', s.id.revision],
    ['service_name', s.id.service || 'unknown'],
  ];
  return [
    `# HELP ${LEGACY_COUNTER} The number of requests that are routed to user-container`,
    `# TYPE ${LEGACY_COUNTER} counter`,
    ...series.map((s) => `${LEGACY_COUNTER}${labelText(labels(s))} ${s.h.count}`),
    `# HELP ${LEGACY_HISTOGRAM} The response time in millisecond`,
    `# TYPE ${LEGACY_HISTOGRAM} histogram`,
    ...series.flatMap((s) => histogramLines(LEGACY_HISTOGRAM, labels(s), s.h)),
    '',
  ].join('\n');
}

function histogramLines(name: string, labels: Labels, h: Histogram): string[] {
  const lines: string[] = [];
  let cumulative = 0;
  h.bounds.forEach((b, i) => {
    cumulative += h.counts[i];
    lines.push(`${name}_bucket${labelText([...labels, ['le', formatNumber(b)]])} ${cumulative}`);
  });
  lines.push(`${name}_bucket${labelText([...labels, ['le', '+Inf']])} ${h.count}`);
  lines.push(`${name}_sum${labelText(labels)} ${formatNumber(h.sum)}`);
  lines.push(`${name}_count${labelText(labels)} ${h.count}`);
  return lines;
}

/** `{a="1",b="2"}`; empty values are left out (Prometheus treats an empty label as an absent one). */
function labelText(labels: Labels): string {
  const parts = labels.filter(([, v]) => v !== '').map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return `{${parts.join(',')}}`;
}

/** The escapes of the text format: backslash, double quote and line feed. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(n: number): string {
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return Number.isNaN(n) ? 'NaN' : String(n);
}

/** A stable pod name in the shape of a Deployment's pods (`<revision>-deployment-<hash>-<hash>`). */
function podName(id: RevisionIdentity): string {
  const hash = createHash('sha256').update(`${id.namespace}/${id.revision}`).digest('hex');
  return `${id.revision}-deployment-${hash.slice(0, 10)}-${hash.slice(10, 15)}`;
}
