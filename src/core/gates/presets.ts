// Query templates for the built-in measures, per Knative metric format. Series and label names are
// Knative's (docs/metric-gates.md, "Presets", says which upstream file and commit each comes from).
// Every template selects one revision by namespace and revision name (unique in a namespace) and
// goes through renderQuery, so the same escaping covers presets and custom queries.
import { UsageError } from '../errors.js';
import type { BuiltinMeasure } from './types.js';

export const PRESET_NAMES = ['knative', 'knative-1.19', 'knative-legacy'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface Preset {
  name: PresetName;
  /** The counter series whose increase is the request count (named in InsufficientData messages). */
  requestSeries: string;
  /** Per built-in measure, a template in the measure's unit: percent, milliseconds, a count. */
  queries: Readonly<Record<BuiltinMeasure, string>>;
  /** Why this format's latencies are coarse, when they are (said next to the results, never hidden). */
  latencyCaveat?: string;
}

interface Shape {
  count: string;
  bucket: string;
  selector: string;
  fiveXx: string;
  /** Factor from the histogram's unit to milliseconds. */
  toMs: number;
  latencyCaveat?: string;
}

function build(name: PresetName, s: Shape): Preset {
  const all = `${s.count}{${s.selector}}`;
  const errors = `${s.count}{${s.selector},${s.fiveXx}}`;
  // `or vector(0)`: with no 5xx yet the error series does not exist, which means 0%, not "no data";
  // with no requests at all the division by an empty sum still gives no data.
  const errorRate = `100 * (sum(increase(${errors}[{{window}}])) or vector(0)) / sum(increase(${all}[{{window}}]))`;
  const scale = s.toMs === 1 ? '' : `${s.toMs} * `;
  const quantile = (q: string) =>
    `${scale}histogram_quantile(${q}, sum by (le) (rate(${s.bucket}{${s.selector}}[{{window}}])))`;
  return {
    name,
    requestSeries: s.count,
    ...(s.latencyCaveat && { latencyCaveat: s.latencyCaveat }),
    queries: {
      requests: `sum(increase(${all}[{{window}}]))`,
      'error-rate': errorRate,
      'latency-p50': quantile('0.5'),
      'latency-p95': quantile('0.95'),
      'latency-p99': quantile('0.99'),
    },
  };
}

const OTEL_SELECTOR = 'k8s_namespace_name="{{namespace}}",kn_revision_name="{{revision}}"';
const OTEL_FIVE_XX = 'http_response_status_code=~"5.."';

/** Knative v1.19.8, v1.20.1 and later: the OpenTelemetry histogram `kn.serving.invocation.duration` (seconds). */
const CURRENT = build('knative', {
  count: 'kn_serving_invocation_duration_seconds_count',
  bucket: 'kn_serving_invocation_duration_seconds_bucket',
  selector: OTEL_SELECTOR,
  fiveXx: OTEL_FIVE_XX,
  toMs: 1000,
});

/**
 * Knative v1.19.0–v1.19.7 and v1.20.0: the same histogram under its first name, `kn.queueproxy.app.duration`.
 * Those releases record `float64(latency / time.Second)`, whole seconds rounded down, so the quantiles say little.
 */
const V1_19 = build('knative-1.19', {
  count: 'kn_queueproxy_app_duration_seconds_count',
  bucket: 'kn_queueproxy_app_duration_seconds_bucket',
  selector: OTEL_SELECTOR,
  fiveXx: OTEL_FIVE_XX,
  toMs: 1000,
  latencyCaveat:
    'Knative v1.19.0-v1.19.7 and v1.20.0 record request durations in whole seconds, rounded down: ' +
    'every answer under 1s counts as 0s and reads as at most 5ms, so latency values are a lower bound ' +
    'and a latency gate under 1s cannot fail (fixed in v1.19.9 and v1.20.2)',
});

/** Knative up to 1.18: OpenCensus `revision_app_request_count` and `revision_app_request_latencies` (ms). */
const LEGACY = build('knative-legacy', {
  count: 'revision_app_request_count',
  bucket: 'revision_app_request_latencies_bucket',
  selector: 'namespace_name="{{namespace}}",revision_name="{{revision}}"',
  fiveXx: 'response_code_class="5xx"',
  toMs: 1,
});

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  knative: CURRENT,
  'knative-1.19': V1_19,
  'knative-legacy': LEGACY,
};

/** The order `auto` tries the presets in: the newest format first. */
const AUTO_ORDER: readonly Preset[] = [CURRENT, V1_19, LEGACY];

/** `--metrics-preset auto|knative|knative-1.19|knative-legacy`; `auto` is resolved later by pickPreset. */
export function parsePresetFlag(raw: string, flag = '--metrics-preset'): PresetName | 'auto' {
  if (raw === 'auto' || (PRESET_NAMES as readonly string[]).includes(raw)) return raw as PresetName | 'auto';
  throw new UsageError(`invalid value for ${flag}: must be one of auto, ${PRESET_NAMES.join(', ')}`, {
    reason: 'InvalidPreset',
  });
}

/**
 * `auto`: the preset whose request series Prometheus knows (the caller passes the answer of
 * /api/v1/label/__name__/values). Several present, as during a Knative upgrade: the newest, since
 * upgraded revisions report only that. None: a usage error, because every gate would be blind.
 */
export function pickPreset(seriesNames: readonly string[]): PresetName {
  const known = new Set(seriesNames);
  const found = AUTO_ORDER.find((p) => known.has(p.requestSeries));
  if (found) return found.name;
  const names = AUTO_ORDER.map((p) => p.requestSeries);
  throw new UsageError(`Prometheus has none of ${names.join(', ')}: no Knative request metrics to judge by`, {
    reason: 'NoKnativeMetrics',
    hint:
      'check that queue-proxy request metrics reach this Prometheus (request-metrics-protocol in ' +
      `config-observability), or name the format with --metrics-preset ${PRESET_NAMES.join('|')}`,
  });
}
