// The typed form of metric gates (docs/metric-gates.md). Everything here is data: parsing,
// queries and evaluation live in their own files of this folder, and none of them does I/O.

/** The measures bgctl knows how to query from a preset. */
export const BUILTIN_MEASURES = ['error-rate', 'latency-p50', 'latency-p95', 'latency-p99', 'requests'] as const;
export type BuiltinMeasure = (typeof BUILTIN_MEASURES)[number];

/**
 * What a measure's values are, which decides the units a threshold may carry: `percent` takes
 * `2%`, `duration` takes `800ms`/`1.5s` (held in milliseconds), `count` and `number` take bare numbers.
 */
export type MeasureUnit = 'percent' | 'duration' | 'count' | 'number';

export const BUILTIN_UNITS: Readonly<Record<BuiltinMeasure, MeasureUnit>> = {
  'error-rate': 'percent',
  'latency-p50': 'duration',
  'latency-p95': 'duration',
  'latency-p99': 'duration',
  requests: 'count',
};

/** No `==`/`!=`: measured rates and quantiles are interpolated floats, equality means nothing there. */
export type GateOperator = '<' | '<=' | '>' | '>=';

/** A threshold in the measure's own unit (percent 0–100, milliseconds, a count, a plain number). */
export type Threshold =
  | { kind: 'absolute'; value: number }
  /** `stable+X`, `stable-X` (X in the measure's unit) or `stable*F` (F a plain factor). */
  | { kind: 'relative'; op: '+' | '-' | '*'; operand: number };

export interface Gate {
  /** Canonical text without spaces, e.g. `latency-p99<800ms`: the gate's identity in output. */
  text: string;
  measure: string;
  builtin: boolean;
  unit: MeasureUnit;
  op: GateOperator;
  threshold: Threshold;
}

/** A `--gate-query NAME=PROMQL`: a custom measure with its query template. */
export interface CustomQuery {
  name: string;
  /** PromQL with `{{namespace}} {{service}} {{revision}} {{window}}` placeholders. */
  template: string;
}

export function isBuiltinMeasure(name: string): name is BuiltinMeasure {
  return (BUILTIN_MEASURES as readonly string[]).includes(name);
}
