// Name validation and the object-shape checks the apiserver runs before storage.
import type { KObject, RequestContext, ResourceDef } from './contracts.js';
import { schemaFor, pruneAndCheck } from './schema.js';
import { goQuote } from './go-strings.js';
import { badRequest, duplicateValue, invalidKind, invalidValue, requiredValue, type FieldError } from './status.js';
import { isQualifiedName } from '../knative/admission/k8s-names.js';

/** apimachinery's TotalAnnotationSizeLimitB: keys plus values, in bytes. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * 1024;

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const LABEL_RE = new RegExp(`^${DNS1123_LABEL}$`);
const SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN}$`);

/** apimachinery's RFC 1123 label message (the double space is upstream's). */
export const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', " +
  "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', " +
  `regex used for validation is '${DNS1123_LABEL}')`;
/** apimachinery's RFC 1123 subdomain message. */
export const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " +
  "and must start and end with an alphanumeric character (e.g. 'example.com', " +
  `regex used for validation is '${DNS1123_SUBDOMAIN}')`;

/** Field errors for metadata.name: namespaces are RFC 1123 labels, the rest subdomains. */
export function nameErrors(def: ResourceDef, name: string | undefined): FieldError[] {
  if (!name) return [requiredValue('metadata.name', 'name or generateName is required')];
  const errs: FieldError[] = [];
  if (!def.namespaced) {
    if (name.length > 63) errs.push(invalidValue('metadata.name', name, 'must be no more than 63 characters'));
    if (!LABEL_RE.test(name)) errs.push(invalidValue('metadata.name', name, LABEL_MSG));
  } else {
    if (name.length > 253) errs.push(invalidValue('metadata.name', name, 'must be no more than 253 characters'));
    if (!SUBDOMAIN_RE.test(name)) errs.push(invalidValue('metadata.name', name, SUBDOMAIN_MSG));
  }
  return errs;
}

/** Throws 422 Invalid for a bad name. */
export function checkName(def: ResourceDef, name: string | undefined): void {
  const errs = nameErrors(def, name);
  if (errs.length) throw invalidKind(def, name ?? '', errs);
}

/** apimachinery ValidateAnnotations: keys are qualified names (any case), and the size budget holds. */
export function annotationErrors(annotations: Record<string, unknown>): FieldError[] {
  const field = 'metadata.annotations';
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalidValue(field, k, msg));
    size += Buffer.byteLength(k) + (typeof v === 'string' ? Buffer.byteLength(v) : 0);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT_B) {
    // field.TooLong of Kubernetes 1.32 (newer releases word it "must have at most N bytes").
    errs.push({
      field,
      type: 'FieldValueTooLong',
      body: `Too long: may not be more than ${TOTAL_ANNOTATION_SIZE_LIMIT_B} bytes`,
    });
  }
  return errs;
}

/** Label and annotation values must be strings; annotations also get ValidateAnnotations. */
export function checkStringMaps(def: ResourceDef, obj: KObject): void {
  const errs: FieldError[] = [];
  for (const field of ['labels', 'annotations'] as const) {
    const m = obj.metadata[field];
    if (m === undefined) continue;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) {
      errs.push(invalidValue(`metadata.${field}`, m, 'must be a map of strings'));
      continue;
    }
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== 'string') errs.push(invalidValue(`metadata.${field}.${k}`, v, 'must be a string'));
    }
    if (field === 'annotations') errs.push(...annotationErrors(m));
  }
  if (errs.length) throw invalidKind(def, obj.metadata.name, errs);
}

/**
 * Structural-schema step. Unknown fields are pruned (Strict -> 400 as the decoder refuses them before
 * anything else runs, Warn -> warnings, Ignore -> silently); then type mismatches and missing required
 * fields give one 422. `patchText` (the patch body) selects the patch form of the strict error.
 */
export function applySchema(def: ResourceDef, obj: KObject, ctx: RequestContext, patchText?: string): void {
  const schema = schemaFor(def.kind);
  if (!schema || def.group === '') return;
  const report = pruneAndCheck(obj as unknown as Record<string, unknown>, schema, ['status']);
  if (report.unknown.length) {
    const mode = ctx.fieldValidation ?? 'Warn';
    const texts = report.unknown.map((f) => `unknown field ${goQuote(f)}`);
    if (mode === 'Strict') {
      if (patchText !== undefined) {
        throw invalidKind(def, obj.metadata.name, [
          {
            field: 'patch',
            type: 'FieldValueInvalid',
            body: `Invalid value: ${goQuote(patchText)}: strict decoding error: ${texts.join(', ')}`,
          },
        ]);
      }
      throw badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ` +
          `strict decoding error: ${texts.join(', ')}`,
      );
    }
    if (mode === 'Warn') (ctx.warnings ??= []).push(...texts);
  }
  const errs = [
    ...report.typeErrors.map((e) =>
      invalidValue(e.field, e.actual, `${e.field} in body must be of type ${e.expected}: ${JSON.stringify(e.actual)}`),
    ),
    ...report.patternErrors.map((e) =>
      invalidValue(e.field, e.value, `${e.field} in body should match '${e.pattern}'`),
    ),
    ...report.missing.map((field) => requiredValue(field)),
    // apiextensions checks list-type maps after the schema proper.
    ...report.duplicates.map((d) => duplicateValue(d.field, d.key)),
  ];
  if (errs.length) throw invalidKind(def, obj.metadata.name, errs);
}
