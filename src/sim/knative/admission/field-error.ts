// Knative's apis.FieldError, reduced to what the webhook needs: leaf errors with paths that are
// prefixed on the way up (ViaField/ViaIndex), merged and sorted when rendered (field_error.go).

import { StatusError } from '../../api/contracts.js';
import { goQuote } from '../../api/go-strings.js';

/** One leaf error; `paths` are relative to where it was raised until prefixed. */
export interface FieldError {
  message: string;
  paths: string[];
  details?: string;
}

/** An error list; empty means valid. */
export type FieldErrors = FieldError[];

/** The name of the validating webhook, as in the apiserver's denial message. */
export const VALIDATION_WEBHOOK = 'validation.webhook.serving.knative.dev';

/** A single leaf error. */
export function fieldError(message: string, paths: string | string[], details?: string): FieldErrors {
  return [{ message, paths: typeof paths === 'string' ? [paths] : [...paths], ...(details ? { details } : {}) }];
}

/** apis.ErrDisallowedFields. */
export function errDisallowedFields(...paths: string[]): FieldErrors {
  return fieldError('must not set the field(s)', paths);
}

/** apis.ErrMissingField. */
export function errMissingField(...paths: string[]): FieldErrors {
  return fieldError('missing field(s)', paths);
}

/** apis.ErrInvalidValue: Go prints the value with fmt.Sprint, so no quotes. */
export function errInvalidValue(value: unknown, path: string, ...details: string[]): FieldErrors {
  return fieldError(`invalid value: ${String(value)}`, path, details.join(', ') || undefined);
}

/** apis.ErrInvalidKeyName: the key is Go-quoted, details are joined with ", ". */
export function errInvalidKeyName(key: string, path: string, ...details: string[]): FieldErrors {
  return fieldError(`invalid key name ${goQuote(key)}`, path, details.join(', ') || undefined);
}

/** apis.ErrOutOfBoundsValue. */
export function errOutOfBounds(value: number, lower: number, upper: number, path: string): FieldErrors {
  return fieldError(`expected ${lower} <= ${value} <= ${upper}`, path);
}

/** apis.ErrMissingOneOf. */
export function errMissingOneOf(...paths: string[]): FieldErrors {
  return fieldError('expected exactly one, got neither', paths);
}

/** apis.ErrMultipleOneOf. */
export function errMultipleOneOf(...paths: string[]): FieldErrors {
  return fieldError('expected exactly one, got both', paths);
}

/** Go's %q for names and keys. */
export { goQuote };

const isIndex = (part: string): boolean => part.startsWith('[') && part.endsWith(']');

/** Joins path parts as Go's flatten does: split on dots, drop empties, glue `[i]` onto the previous part. */
export function flattenPath(parts: string[]): string {
  const out: string[] = [];
  for (const part of parts) {
    for (const p of part.split('.')) {
      if (p === '') continue;
      if (out.length > 0 && isIndex(p)) out[out.length - 1] += p;
      else out.push(p);
    }
  }
  return out.join('.');
}

/** FieldError.ViaField: prefixes every path with the given fields. */
export function viaField(errs: FieldErrors, ...prefix: string[]): FieldErrors {
  return errs.map((e) => ({ ...e, paths: e.paths.map((p) => flattenPath([...prefix, p])) }));
}

/** FieldError.ViaIndex. */
export function viaIndex(errs: FieldErrors, index: number): FieldErrors {
  return viaField(errs, `[${index}]`);
}

/** FieldError.ViaFieldIndex: `err.ViaIndex(i).ViaField(field)`, giving `field[i]`. */
export function viaFieldIndex(errs: FieldErrors, field: string, index: number): FieldErrors {
  return viaField(viaIndex(errs, index), field);
}

/** FieldError.Error(): merge equal (message, details), sort and dedupe paths, sort by message then details. */
export function renderFieldErrors(errs: FieldErrors): string {
  const merged = new Map<string, FieldError>();
  for (const e of errs) {
    const key = `${e.message}\u0000${e.details ?? ''}`;
    const seen = merged.get(key);
    if (seen) seen.paths.push(...e.paths);
    else merged.set(key, { ...e, paths: [...e.paths] });
  }
  // Go sorts by byte order; plain `<` on ASCII strings agrees with it (localeCompare would not).
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const list = [...merged.values()].map((e) => ({ ...e, paths: [...new Set(e.paths)].sort(cmp) }));
  list.sort((a, b) => cmp(a.message, b.message) || cmp(a.details ?? '', b.details ?? ''));
  return list.map((e) => `${e.message}: ${e.paths.join(', ')}${e.details ? `\n${e.details}` : ''}`).join('\n');
}

/** The apiserver's rendering of a validating-webhook denial: 400 BadRequest with the wrapped message. */
export function webhookDenied(errs: FieldErrors): StatusError {
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message:
      `admission webhook "${VALIDATION_WEBHOOK}" denied the request: ` +
      `validation failed: ${renderFieldErrors(errs)}`,
    reason: 'BadRequest',
    code: 400,
  });
}

/** Throws the webhook denial when there is any error. */
export function denyIfAny(errs: FieldErrors): void {
  if (errs.length > 0) throw webhookDenied(errs);
}
