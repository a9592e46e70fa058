// autoscaling.ValidateAnnotations (serving's pkg/apis/autoscaling/annotation_validation.go) with the
// stock config-autoscaler: class kpa, max-scale-limit 0, allow-zero-initial-scale false.
// Paths are the annotation keys, relative to the annotations map.

import { parseGoDuration } from './go-duration.js';
import { errInvalidValue, fieldError, type FieldErrors } from './field-error.js';

const G = 'autoscaling.knative.dev';
const KPA = `kpa.${G}`;
const HPA = `hpa.${G}`;
const SECOND = 1_000_000_000n;
const WINDOW_MIN = 6n * SECOND;
const WINDOW_MAX = 3600n * SECOND;
const MAX_INT32 = 2147483647;

/** kmap.KeyPriority: the first key present wins. */
function get(m: Record<string, string>, ...keys: string[]): [string, string] | undefined {
  for (const k of keys) if (k in m) return [k, m[k]];
  return undefined;
}

const KEYS = {
  class: [`${G}/class`],
  minScale: [`${G}/min-scale`, `${G}/minScale`],
  maxScale: [`${G}/max-scale`, `${G}/maxScale`],
  initialScale: [`${G}/initial-scale`, `${G}/initialScale`],
  activationScale: [`${G}/activation-scale`],
  metric: [`${G}/metric`],
  algorithm: [`${G}/metric-aggregation-algorithm`, `${G}/metricAggregationAlgorithm`],
  target: [`${G}/target`],
  utilization: [`${G}/target-utilization-percentage`, `${G}/targetUtilizationPercentage`],
  burst: [`${G}/target-burst-capacity`, `${G}/targetBurstCapacity`],
  panicWindow: [`${G}/panic-window-percentage`, `${G}/panicWindowPercentage`],
  panicThreshold: [`${G}/panic-threshold-percentage`, `${G}/panicThresholdPercentage`],
  window: [`${G}/window`],
  scaleDownDelay: [`${G}/scale-down-delay`, `${G}/scaleDownDelay`],
  retention: [`${G}/scale-to-zero-pod-retention-period`, `${G}/scaleToZeroPodRetentionPeriod`],
} as const;

/** strconv.ParseFloat's accepted syntax (decimal, exponent, inf, nan); undefined on a syntax or range error. */
export function parseGoFloat(v: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(v)) return NaN;
  if (!/^[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v) || v.includes('_')) return undefined;
  const n = Number(v);
  // A finite literal beyond float64 is ErrRange in Go.
  return Number.isFinite(n) ? n : undefined;
}

/** strconv.ParseInt(v, 10, bits): 'syntax' or 'range' on error. */
function parseGoInt(v: string, max: number): number | 'syntax' | 'range' {
  if (!/^[+-]?\d+$/.test(v)) return 'syntax';
  const n = Number(v);
  return n > max || n < -max - 1 ? 'range' : n;
}

/** Go's %v of a time.Duration for whole seconds (enough for 0s, 6s, 1h0m0s). */
function goDuration(ns: bigint): string {
  let s = ns / SECOND;
  if (s === 0n) return '0s';
  const h = s / 3600n;
  s %= 3600n;
  const m = s / 60n;
  s %= 60n;
  return h > 0n ? `${h}h${m}m${s}s` : m > 0n ? `${m}m${s}s` : `${s}s`;
}

function intGE0(m: Record<string, string>, keys: readonly string[], errs: FieldErrors): number {
  const kv = get(m, ...keys);
  if (!kv) return 0;
  const [k, v] = kv;
  const n = parseGoInt(v, MAX_INT32);
  if (n === 'range' || (typeof n === 'number' && n < 0))
    errs.push(...fieldError(`expected 0 <= ${v} <= ${MAX_INT32}`, k));
  else if (n === 'syntax') errs.push(...errInvalidValue(v, k));
  else return n;
  return 0;
}

function minMaxScale(m: Record<string, string>): FieldErrors {
  const errs: FieldErrors = [];
  const min = intGE0(m, KEYS.minScale, errs);
  const max = intGE0(m, KEYS.maxScale, errs);
  if (max !== 0 && max < min)
    errs.push(...fieldError(`max-scale=${max} is less than min-scale=${min}`, [`${G}/max-scale`, `${G}/min-scale`]));
  const act = get(m, ...KEYS.activationScale);
  if (act) {
    const [k, v] = act;
    const n = parseGoInt(v, MAX_INT32);
    if (typeof n !== 'number') errs.push(...errInvalidValue(v, k));
    else if (min > n) errs.push(...fieldError(`min-scale=${min} is greater than activation-scale=${n}`, k));
    else if (max < n && max !== 0) errs.push(...fieldError(`max-scale=${max} is less than activation-scale=${n}`, k));
    else if (n < 2) errs.push(...fieldError(`activation-scale=${n} must be greater than 1`, k));
  }
  return errs;
}

function floats(m: Record<string, string>): FieldErrors {
  const errs: FieldErrors = [];
  const ranged = (keys: readonly string[], lo: number, hi: number): void => {
    const kv = get(m, ...keys);
    if (!kv) return;
    const f = parseGoFloat(kv[1]);
    if (f === undefined) errs.push(...errInvalidValue(kv[1], kv[0]));
    else if (f < lo || f > hi) errs.push(...fieldError(`expected ${lo} <= ${kv[1]} <= ${hi}`, kv[0]));
  };
  ranged(KEYS.panicWindow, 1, 100);
  ranged(KEYS.panicThreshold, 110, 1000);
  const target = get(m, ...KEYS.target);
  if (target) {
    const f = parseGoFloat(target[1]);
    if (f === undefined) errs.push(...errInvalidValue(target[1], target[0]));
    else if (f < 0.01) errs.push(...fieldError(`target ${target[1]} should be at least 0.01`, target[0]));
  }
  ranged(KEYS.utilization, 1, 100);
  const burst = get(m, ...KEYS.burst);
  if (burst) {
    const f = parseGoFloat(burst[1]);
    if (f === undefined || (f < 0 && f !== -1)) errs.push(...errInvalidValue(burst[1], burst[0]));
  }
  return errs;
}

function durations(m: Record<string, string>): FieldErrors {
  const errs: FieldErrors = [];
  const window = get(m, ...KEYS.window);
  if (window) {
    const key = KEYS.window[0];
    const d = parseGoDuration(window[1]);
    if (d === undefined) errs.push(...errInvalidValue(window[1], key));
    else if (d < WINDOW_MIN || d > WINDOW_MAX)
      errs.push(...fieldError(`expected ${goDuration(WINDOW_MIN)} <= ${window[1]} <= ${goDuration(WINDOW_MAX)}`, key));
    else if (d % SECOND !== 0n) errs.push(...fieldError('must be specified with at most second precision', key));
  }
  const retention = get(m, ...KEYS.retention);
  if (retention) {
    const d = parseGoDuration(retention[1]);
    if (d === undefined) errs.push(...errInvalidValue(retention[1], retention[0]));
    else if (d < 0n || d > WINDOW_MAX)
      errs.push(...fieldError(`expected 0s <= ${retention[1]} <= ${goDuration(WINDOW_MAX)}`, retention[0]));
  }
  const delay = get(m, ...KEYS.scaleDownDelay);
  if (delay) {
    const d = parseGoDuration(delay[1]);
    if (d === undefined) errs.push(...errInvalidValue(delay[1], delay[0]));
    else if (d < 0n || d > WINDOW_MAX)
      errs.push(...fieldError(`expected 0s <= ${delay[1]} <= ${goDuration(WINDOW_MAX)}`, delay[0]));
    else if (d % SECOND !== 0n) errs.push(...fieldError('must be specified with at most second precision', delay[0]));
  }
  return errs;
}

/** autoscaling.ValidateAnnotations: every autoscaling annotation a template or Revision may carry. */
export function validateAutoscalingAnnotations(anns: Record<string, string> | undefined): FieldErrors {
  const m = anns ?? {};
  const errs: FieldErrors = [];
  const cls = get(m, ...KEYS.class);
  if (cls && cls[1].endsWith('.knative.dev') && cls[1] !== KPA && cls[1] !== HPA)
    errs.push(...errInvalidValue(cls[1], cls[0]));
  errs.push(...minMaxScale(m), ...floats(m), ...durations(m));
  const algorithm = get(m, ...KEYS.algorithm);
  if (
    cls?.[1] === KPA &&
    algorithm &&
    algorithm[1] !== '' &&
    !['linear', 'weighted-exponential', 'weightedExponential'].includes(algorithm[1])
  ) {
    errs.push(...errInvalidValue(algorithm[1], algorithm[0]));
  }
  const metric = get(m, ...KEYS.metric);
  if (metric) {
    const klass = cls?.[1] ?? KPA;
    const ok = klass === KPA ? ['concurrency', 'rps'].includes(metric[1]) : klass === HPA ? metric[1] !== '' : true;
    if (!ok) errs.push(...errInvalidValue(metric[1], KEYS.metric[0]));
  }
  const initial = get(m, ...KEYS.initialScale);
  if (initial) {
    const [k, v] = initial;
    const n = parseGoInt(v, Number.MAX_SAFE_INTEGER);
    if (typeof n !== 'number') errs.push(...errInvalidValue(v, k));
    else if (n < 0) errs.push(...errInvalidValue(v, `${k} must be greater than 0`));
    else if (n === 0) errs.push(...errInvalidValue(v, `${k}=0 not allowed by cluster`));
  }
  return errs;
}
