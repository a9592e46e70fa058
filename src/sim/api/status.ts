// Constructors for the exact Status objects the kube-apiserver returns (apimachinery pkg/api/errors).
import { StatusError, groupResource, type ResourceDef, type Status } from './contracts.js';
import { goQuote } from './go-strings.js';

type Cause = { reason?: string; message?: string; field?: string };

/** A Status with `metadata: {}` always present, as the apiserver writes it. */
export function failure(code: number, reason: string, message: string, details?: Status['details']): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return new StatusError(status);
}

/** 404 `services.serving.knative.dev "x" not found`. */
export function notFound(def: Pick<ResourceDef, 'plural' | 'group'>, name: string): StatusError {
  return failure(404, 'NotFound', `${groupResource(def)} "${name}" not found`, detailsOf(def, name));
}

/** 409 `... "x" already exists`. */
export function alreadyExists(def: ResourceDef, name: string, retryAfterSeconds?: number): StatusError {
  const details = detailsOf(def, name);
  if (retryAfterSeconds) details.retryAfterSeconds = retryAfterSeconds;
  return failure(409, 'AlreadyExists', `${groupResource(def)} "${name}" already exists`, details);
}

/** The tail of the optimistic-lock message (apiserver store.go OptimisticLockErrorMsg). */
export const OPTIMISTIC_LOCK_MSG =
  'the object has been modified; please apply your changes to the latest version and try again';

/** 409 `Operation cannot be fulfilled on <GR> "x": <why>`. */
export function conflict(def: ResourceDef, name: string, why: string = OPTIMISTIC_LOCK_MSG): StatusError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResource(def)} "${name}": ${why}`,
    detailsOf(def, name),
  );
}

/** One field error, rendered like apimachinery field.Error. */
export interface FieldError {
  field: string;
  type:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueNotSupported'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueDuplicate';
  /** The full body, e.g. `Invalid value: "Foo": a lowercase …`. */
  body: string;
}

/** Go's %#v-ish rendering of a bad value in field errors: strings quoted, numbers bare. */
export function renderValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

/** field.Duplicate of a list-map item's keys, rendered as Go's %#v of a map[string]interface{}. */
export function duplicateValue(field: string, key: Record<string, unknown>): FieldError {
  const goValue = (v: unknown): string =>
    typeof v === 'string' ? goQuote(v) : Number.isInteger(v) ? `int64(${String(v)})` : String(v);
  const entries = Object.keys(key)
    .sort()
    .map((k) => `${goQuote(k)}:${goValue(key[k])}`);
  return {
    field,
    type: 'FieldValueDuplicate',
    body: `Duplicate value: map[string]interface {}{${entries.join(', ')}}`,
  };
}

/** field.Invalid. */
export function invalidValue(field: string, value: unknown, detail: string): FieldError {
  return { field, type: 'FieldValueInvalid', body: `Invalid value: ${renderValue(value)}: ${detail}` };
}

/** field.Required. */
export function requiredValue(field: string, detail?: string): FieldError {
  return { field, type: 'FieldValueRequired', body: detail ? `Required value: ${detail}` : 'Required value' };
}

/** 422 Invalid: `<Kind.group|resource> "x" is invalid: <field>: <body>` (a `[a, b]` list for several). */
export function invalid(
  qualified: string,
  name: string,
  errs: FieldError[],
  details: { group: string; kind: string },
): StatusError {
  const rendered = errs.map((e) => `${e.field}: ${e.body}`);
  const tail = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  return failure(422, 'Invalid', `${qualified} "${name}" is invalid: ${tail}`, {
    name,
    group: details.group,
    kind: details.kind,
    causes: errs.map((e) => ({ reason: e.type, message: e.body, field: e.field })),
  });
}

/** Invalid from a strategy/schema check: Kind.group and details.kind = the Kind. */
export function invalidKind(def: ResourceDef, name: string, errs: FieldError[]): StatusError {
  const qualified = def.group ? `${def.kind}.${def.group}` : def.kind;
  return invalid(qualified, name, errs, { group: def.group, kind: def.kind });
}

/** Invalid from the store (e.g. a missing resourceVersion on PUT): group-resource and plural. */
export function invalidStore(def: ResourceDef, name: string, errs: FieldError[]): StatusError {
  return invalid(groupResource(def), name, errs, { group: def.group, kind: def.plural });
}

/** 400 BadRequest with free text. */
export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

/** 403 Forbidden `<GR> "x" is forbidden: <why>`. */
export function forbidden(
  def: Pick<ResourceDef, 'plural' | 'group'>,
  name: string,
  why: string,
  causes?: Cause[],
): StatusError {
  const details: Status['details'] = detailsOf(def, name);
  if (causes) details.causes = causes;
  return failure(403, 'Forbidden', `${groupResource(def)} "${name}" is forbidden: ${why}`, details);
}

/** 401 Unauthorized. */
export function unauthorized(): StatusError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

/** The media types a custom resource accepts on PATCH. */
export const CR_PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/apply-patch+yaml',
];

/** 415 for a patch media type the resource does not accept. */
export function unsupportedMediaType(accepted: string[] = CR_PATCH_TYPES): StatusError {
  return failure(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );
}

/** 422 with the fixed text that replaces any JSON-patch failure. */
export function jsonPatchFailed(): StatusError {
  return failure(422, 'Invalid', 'the server rejected our request due to an error in our request');
}

/** 410 Expired. */
export function expired(message: string): StatusError {
  return failure(410, 'Expired', message);
}

/** The expired-continue message of apiserver storage/etcd3/errors.go. */
export const CONTINUE_EXPIRED_MSG =
  'The provided continue parameter is too old to display a consistent list result. ' +
  'You can start a new list without the continue parameter.';

/** 500 InternalError. */
export function internalError(err: string): StatusError {
  return failure(500, 'InternalError', `Internal error occurred: ${err}`, { causes: [{ message: err }] });
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(action: string, def: ResourceDef): StatusError {
  return failure(
    405,
    'MethodNotAllowed',
    `${action} is not supported on resources of kind "${groupResource(def)}"`,
    {},
  );
}

/** 404 for a path that is not served (the apiserver's generic NotFound). */
export function pathNotFound(): StatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

function detailsOf(def: Pick<ResourceDef, 'plural' | 'group'>, name: string): NonNullable<Status['details']> {
  const d: NonNullable<Status['details']> = { name, kind: def.plural };
  if (def.group) d.group = def.group;
  return d;
}
