// One evaluation of the gates: the candidate's measured values against thresholds, some of them
// relative to the stable revision over the same window. No data is never a pass: a gate without
// enough requests behind its value waits (insufficient-data) and, once the window has ended,
// fails with reason InsufficientData.
import type { Gate, GateOperator, MeasureUnit } from './types.js';
import { formatUnitValue } from './units.js';

/** The minimum number of requests when no `requests>=N` gate names one. */
export const IMPLICIT_MIN_REQUESTS = 10;

/** One revision's values over the window, by measure name; missing or NaN = no data. */
export interface MeasuredRevision {
  revision: string;
  values: Readonly<Record<string, number | undefined>>;
}

export interface EvaluationInput {
  gates: readonly Gate[];
  candidate: MeasuredRevision;
  stable?: MeasuredRevision;
  /** The window has ended: what is still waiting for data fails now. */
  final: boolean;
  /** The series the request count came from, named when data is missing. */
  requestSeries: string;
}

export type Verdict = 'pass' | 'fail' | 'insufficient-data';
/** InvalidData: a value no traffic can have (negative), as a lying or broken exporter may answer. */
export type FailReason = 'ThresholdCrossed' | 'InsufficientData' | 'InvalidData';

/** One gate's outcome: a row of the measures × revisions table and of the -o json result. */
export interface GateVerdict {
  gate: string;
  measure: string;
  unit: MeasureUnit;
  revision: string;
  value?: number;
  stableRevision?: string;
  stableValue?: number;
  /** The resolved threshold, absent when a relative gate's stable value is missing. */
  threshold?: number;
  verdict: Verdict;
  reason?: FailReason;
  /** One sentence for people, e.g. "error-rate 3.1% is not < 2%". */
  message: string;
}

/** The requests a gate's value needs behind it: the largest `requests>=N` / `requests>N`, else 10. */
export function minimumRequests(gates: readonly Gate[]): number {
  const mins = gates.filter(isRequestsMinimum).map((g) => (g.op === '>' ? g.threshold.value + 1 : g.threshold.value));
  return mins.length > 0 ? Math.max(...mins) : IMPLICIT_MIN_REQUESTS;
}

function isRequestsMinimum(g: Gate): g is Gate & { threshold: { kind: 'absolute'; value: number } } {
  return g.measure === 'requests' && g.threshold.kind === 'absolute' && (g.op === '>' || g.op === '>=');
}

/** Prometheus' increase() extrapolates (10 requests may read 9.97); a request count is whole. */
function requestCount(rev: MeasuredRevision | undefined): number {
  const v = rev?.values.requests;
  return v === undefined || !Number.isFinite(v) ? 0 : Math.round(v);
}

function valueOf(rev: MeasuredRevision | undefined, measure: string): number | undefined {
  const v = rev?.values[measure];
  return v === undefined || Number.isNaN(v) ? undefined : measure === 'requests' ? Math.round(v) : v;
}

export function compare(value: number, op: GateOperator, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
  }
}

/** The verdict of every gate for this evaluation, in the order of the gates. */
export function evaluateGates(input: EvaluationInput): GateVerdict[] {
  const min = minimumRequests(input.gates);
  return input.gates.map((g) => evaluateGate(g, input, min));
}

function evaluateGate(g: Gate, input: EvaluationInput, min: number): GateVerdict {
  const { candidate, stable } = input;
  const fmt = (v: number) => formatUnitValue(v, g.unit);
  const base: GateVerdict = {
    gate: g.text,
    measure: g.measure,
    unit: g.unit,
    revision: candidate.revision,
    value: valueOf(candidate, g.measure),
    ...(stable && { stableRevision: stable.revision, stableValue: valueOf(stable, g.measure) }),
    ...(g.threshold.kind === 'absolute' && { threshold: g.threshold.value }),
    verdict: 'pass',
    message: '',
  };
  const waiting = (why: string): GateVerdict =>
    input.final
      ? { ...base, verdict: 'fail', reason: 'InsufficientData', message: `${g.text}: ${why}` }
      : { ...base, verdict: 'insufficient-data', message: `${g.text}: ${why}` };
  const invalid = (who: string, measure: string, v: number): GateVerdict => ({
    ...base,
    verdict: 'fail',
    reason: 'InvalidData',
    message: `${g.text}: ${measure} of ${who} is ${formatUnitValue(v, 'number')}, which no traffic can have`,
  });
  const rawRequests = candidate.values.requests;
  if (rawRequests !== undefined && rawRequests < 0) return invalid(candidate.revision, 'requests', rawRequests);
  const seen = requestCount(candidate);
  const tooFew = (who: string, n: number) =>
    `${who} saw ${n} request${n === 1 ? '' : 's'} in ${input.requestSeries}, needs at least ${min}`;

  if (isRequestsMinimum(g)) {
    if (compare(seen, g.op, g.threshold.value)) return pass(base, g, seen, g.threshold.value, fmt);
    return waiting(tooFew(candidate.revision, seen));
  }
  if (seen < min) return waiting(tooFew(candidate.revision, seen));
  if (base.value === undefined) return waiting(`no value for ${g.measure} from ${candidate.revision}`);
  if (base.value < 0) return invalid(candidate.revision, g.measure, base.value);
  if (base.value === Infinity) {
    // histogram_quantile's +Inf: slower than the largest bucket, beyond any threshold whatever the operator.
    return {
      ...base,
      verdict: 'fail',
      reason: 'ThresholdCrossed',
      message: `${g.measure} of ${candidate.revision} is +Inf (beyond the largest histogram bucket) (${g.text})`,
    };
  }
  let threshold: number;
  if (g.threshold.kind === 'absolute') {
    threshold = g.threshold.value;
  } else {
    if (stable === undefined) return waiting('no stable revision to compare with');
    if (stable.values.requests !== undefined && stable.values.requests < 0) {
      return invalid(`stable ${stable.revision}`, 'requests', stable.values.requests);
    }
    const stableSeen = requestCount(stable);
    if (stableSeen < min) return waiting(tooFew(`stable ${stable.revision}`, stableSeen));
    if (base.stableValue === undefined) return waiting(`no value for ${g.measure} from stable ${stable.revision}`);
    if (base.stableValue < 0) return invalid(`stable ${stable.revision}`, g.measure, base.stableValue);
    if (base.stableValue === Infinity) {
      return {
        ...base,
        verdict: 'fail',
        reason: 'InsufficientData',
        message: `${g.text}: ${g.measure} of stable ${stable.revision} is +Inf, no threshold to compare with`,
      };
    }
    const { op, operand } = g.threshold;
    threshold =
      op === '+' ? base.stableValue + operand : op === '-' ? base.stableValue - operand : base.stableValue * operand;
  }
  if (compare(base.value, g.op, threshold)) return pass(base, g, base.value, threshold, fmt);
  return {
    ...base,
    threshold,
    verdict: 'fail',
    reason: 'ThresholdCrossed',
    message: `${g.measure} of ${candidate.revision} is ${fmt(base.value)}, not ${g.op} ${fmt(threshold)} (${g.text})`,
  };
}

function pass(base: GateVerdict, g: Gate, value: number, threshold: number, fmt: (v: number) => string): GateVerdict {
  const message = `${g.measure} of ${base.revision} is ${fmt(value)}, ${g.op} ${fmt(threshold)}`;
  return { ...base, value, threshold, verdict: 'pass', message };
}
