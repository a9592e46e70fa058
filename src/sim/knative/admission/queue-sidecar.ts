// Template annotations the webhook checks besides autoscaling ones (revision_validation.go
// validateQueueSidecarResourceAnnotations, knative.dev/networking ValidateAnnotations). Paths are
// relative to the template's `metadata.annotations`.

import { parseGoFloat } from './autoscaling.js';
import { errInvalidKeyName, errInvalidValue, fieldError, viaField, type FieldErrors } from './field-error.js';

const Q = 'queue.sidecar.serving.knative.dev';
/** kmap.KeyPriority of the deprecated percentage: the first key present wins. */
const PERCENTAGE = [`${Q}/resource-percentage`, `${Q}/resourcePercentage`] as const;
const QUANTITIES = [
  `${Q}/cpu-resource-request`,
  `${Q}/cpu-resource-limit`,
  `${Q}/memory-resource-request`,
  `${Q}/memory-resource-limit`,
  `${Q}/ephemeral-storage-resource-request`,
  `${Q}/ephemeral-storage-resource-limit`,
] as const;

const DEPRECATED =
  'Queue proxy resource percentage annotation is deprecated. ' +
  'Please use the available annotations to explicitly set resource values per service';

/** The syntax resource.ParseQuantity accepts (the CRD schema's quantity pattern). */
const QUANTITY =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

/** Go's `%v` of a float64 (strconv 'g', shortest): 0.1, 100, 1e-05, 1.5e+06, +Inf. */
export function goFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, e] = Math.abs(f).toExponential().split('e');
  const exp = Number(e);
  const sign = f < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${sign}${Math.abs(f)}`;
}

/** ViaKey(k): Go's flatten splits the bracketed key at its dots like any other path. */
const viaKey = (errs: FieldErrors, key: string): FieldErrors => viaField(errs, `[${key}]`);

const present = (m: Record<string, string>, keys: readonly string[]): string | undefined =>
  keys.find((k) => Object.prototype.hasOwnProperty.call(m, k));

/** The error-level findings of validateQueueSidecarResourceAnnotations. */
export function validateQueueSidecarAnnotations(m: Record<string, string>): FieldErrors {
  const errs: FieldErrors = [];
  const key = present(m, PERCENTAGE);
  if (key !== undefined) {
    const v = m[key];
    const f = parseGoFloat(v);
    if (f === undefined) errs.push(...viaKey(errInvalidValue(v, ''), key));
    else if (f < 0.1 || f > 100) errs.push(...viaKey(fieldError(`expected 0.1 <= ${goFloat(f)} <= 100`, ''), key));
  }
  for (const k of QUANTITIES) {
    if (present(m, [k]) !== undefined && !QUANTITY.test(m[k])) errs.push(...viaKey(errInvalidValue(m[k], ''), k));
  }
  return errs;
}

/** The warning-level finding: the deprecated percentage annotation (a FieldError without a path). */
export function queueSidecarWarnings(m: Record<string, string>): FieldErrors {
  return present(m, PERCENTAGE) === undefined ? [] : fieldError(DEPRECATED, []);
}

const NETWORKING_ALLOWED = new Set(
  [
    'ingress.class',
    'certificate.class',
    'disableAutoTLS',
    'disable-external-domain-tls',
    'httpOption',
    'ingress-class',
    'certificate-class',
    'disable-auto-tls',
    'http-protocol',
  ].map((k) => `networking.knative.dev/${k}`),
);

/** networking.ValidateAnnotations: any other key starting with networking.knative.dev is refused. */
export function validateNetworkingAnnotations(m: Record<string, string>): FieldErrors {
  return Object.keys(m)
    .filter((k) => k.startsWith('networking.knative.dev') && !NETWORKING_ALLOWED.has(k))
    .flatMap((k) => errInvalidKeyName(k, ''));
}
