// The schema the OpenAPI documents publish for a Knative kind: the validation schema (schema.ts) completed with
// every field of Knative's CRD (knative-fields.ts), so `kubectl explain` knows what a real cluster knows.
// Validation wins where both speak; the published schema only adds.
import { fieldDoc } from './knative-field-docs.js';
import { KNATIVE_FIELDS } from './knative-fields.js';
import { schemaFor, type Schema } from './schema.js';

function merge(v: Schema | undefined, f: Schema | undefined, parent: string, name: string, describe: boolean): Schema {
  const out: Schema = {};
  const type = v?.type ?? f?.type;
  if (type) out.type = type;
  const format = v?.format ?? f?.format;
  if (format) out.format = format;
  const description = v?.description ?? (describe ? fieldDoc(parent, name) : undefined);
  if (description) out.description = description;
  const required = [...new Set([...(v?.required ?? []), ...(f?.required ?? [])])];
  if (required.length) out.required = required;
  if (v?.properties || f?.properties) {
    out.properties = {};
    for (const k of new Set([...Object.keys(v?.properties ?? {}), ...Object.keys(f?.properties ?? {})])) {
      out.properties[k] = merge(v?.properties?.[k], f?.properties?.[k], name, k, true);
    }
  }
  if (v?.items || f?.items) out.items = merge(v?.items, f?.items, parent, name, false);
  if (v?.additionalProperties || f?.additionalProperties)
    out.additionalProperties = merge(v?.additionalProperties, f?.additionalProperties, parent, name, false);
  if (v?.['x-kubernetes-preserve-unknown-fields'] || f?.['x-kubernetes-preserve-unknown-fields'])
    out['x-kubernetes-preserve-unknown-fields'] = true;
  return out;
}

const cache = new Map<string, Schema | undefined>();

/** The published schema of a Knative kind, or undefined for kinds that are not Knative's. */
export function publishedSchema(kind: string): Schema | undefined {
  if (!cache.has(kind)) {
    const v = schemaFor(kind);
    const f = KNATIVE_FIELDS[kind];
    cache.set(
      kind,
      v && merge(v, f && { type: 'object', properties: { spec: f.spec, status: f.status } }, '', kind, false),
    );
  }
  return cache.get(kind);
}
