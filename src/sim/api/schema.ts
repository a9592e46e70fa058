// Structural schemas (the CRDs' openAPIV3Schema): pruning, defaults, type and required checks, OpenAPI and explain.

import { KNATIVE_STRUCTURE } from './knative-structure.js';
import { META_ORDER } from './object-meta.js';

/** A structural schema node. */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  /** A regular expression every string value must match (apiextensions checks strings only). */
  pattern?: string;
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema;
  required?: string[];
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  /** How server-side apply merges a list: atomic (whole), set (of scalars), map (by list-map-keys). */
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  /** `atomic`: server-side apply replaces and owns the object whole. */
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const strMap = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: { type: 'string' },
});

// Our descriptions laid over the CRDs' structure (knative-structure.ts): upstream decides which
// fields exist, their types, required lists and defaults; the prose is the playground's own.
function described(structure: Schema, prose: Schema): Schema {
  const out: Schema = { ...structure, ...(prose.description ? { description: prose.description } : {}) };
  if (structure.properties) {
    out.properties = Object.fromEntries(
      Object.entries(structure.properties).map(([k, v]) => [
        k,
        prose.properties?.[k] ? described(v, prose.properties[k]) : v,
      ]),
    );
  }
  if (structure.items && prose.items) out.items = described(structure.items, prose.items);
  return out;
}

// Where a property has no prose here, the published schema takes ours from knative-field-docs.ts.
const trafficTarget: Schema = described(KNATIVE_STRUCTURE.trafficTarget, {
  description: 'One entry of the routing table: a Revision or Configuration, its share and an optional tag.',
});

const traffic: Schema = { type: 'array', items: trafficTarget };

const container: Schema = { description: "One container of the Revision's pod." };

const revisionSpec: Schema = described(KNATIVE_STRUCTURE.revisionSpec, {
  description: 'What the Revision runs: its containers, volumes and request limits.',
  properties: { containers: { items: container } },
});

const template: Schema = {
  type: 'object',
  properties: {
    metadata: described(KNATIVE_STRUCTURE.templateMetadata, {
      properties: { labels: strMap('Labels for the Revision.'), annotations: strMap('Annotations for the Revision.') },
    }),
    spec: revisionSpec,
  },
};

const statusOf = (kind: keyof typeof KNATIVE_STRUCTURE.status): Schema => described(KNATIVE_STRUCTURE.status[kind], {});

function root(kind: keyof typeof KNATIVE_STRUCTURE.status, description: string, spec: Schema): Schema {
  return {
    type: 'object',
    description,
    properties: {
      apiVersion: str(),
      kind: str(),
      metadata: { type: 'object' },
      spec,
      status: statusOf(kind),
    },
  };
}

/** The structural schema of a Knative kind, or undefined (namespaces are built in). */
export function schemaFor(kind: string): Schema | undefined {
  switch (kind) {
    case 'Service':
      return root(kind, 'A workload with its URL: it owns one Configuration and one Route and keeps both in step.', {
        type: 'object',
        description: 'The template of new Revisions, and how requests are split between Revisions.',
        properties: { template, traffic },
      });
    case 'Configuration':
      return root(kind, 'The template of a workload; each change to it leaves a new, unchangeable Revision.', {
        type: 'object',
        description: 'The template of new Revisions.',
        properties: { template },
      });
    case 'Revision':
      return root(kind, 'One version of a workload: its code and settings, fixed once created.', revisionSpec);
    case 'Route':
      return root(kind, 'Sends requests to Revisions by share, under one URL and one more per tag.', {
        type: 'object',
        description: 'How requests are split between Revisions.',
        properties: { traffic },
      });
    default:
      return undefined;
  }
}

/** The ObjectMeta fields a request may carry; anything else under metadata is pruned. */
export const OBJECT_META_FIELDS = new Set([...META_ORDER, 'selfLink']);

/** What pruning and type checking found. */
export interface SchemaReport {
  unknown: string[];
  typeErrors: Array<{ field: string; actual: string; expected: string }>;
  /** Strings that do not match their schema's `pattern`. */
  patternErrors: Array<{ field: string; value: string; pattern: string }>;
  /** Fields a `required` list names that are absent (after defaulting). */
  missing: string[];
  /** Items of a list-type map whose keys an earlier item already has: the item's path and its keys. */
  duplicates: Array<{ field: string; key: Record<string, unknown> }>;
}

/**
 * The items of a list-type map that repeat the keys of an earlier item, as apiextensions'
 * listtype validation reports them: the second appearance of each key only, absent key fields left out.
 */
function duplicateKeys(items: unknown[], keyFields: string[]): Array<{ index: number; key: Record<string, unknown> }> {
  const seen = new Map<string, number>();
  const out: Array<{ index: number; key: Record<string, unknown> }> = [];
  items.forEach((item, index) => {
    const key: Record<string, unknown> = {};
    if (item && typeof item === 'object')
      for (const f of keyFields) if (f in item) key[f] = (item as Record<string, unknown>)[f];
    const text = JSON.stringify(keyFields.map((f) => (f in key ? [key[f]] : [])));
    const times = seen.get(text) ?? 0;
    seen.set(text, times + 1);
    if (times === 1) out.push({ index, key });
  });
  return out;
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function matchesType(v: unknown, t: Schema['type']): boolean {
  switch (t) {
    case undefined:
      return true;
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    default:
      return typeof v === t;
  }
}

/**
 * Prunes unknown fields (and nulls, which non-nullable fields drop) in place, fills in schema
 * defaults, and reports unknown fields, type mismatches and missing required fields.
 * `status` is skipped: the main endpoint ignores it anyway.
 */
export function pruneAndCheck(obj: Record<string, unknown>, schema: Schema, skip: string[] = []): SchemaReport {
  const report: SchemaReport = { unknown: [], typeErrors: [], patternErrors: [], missing: [], duplicates: [] };
  const walk = (value: unknown, s: Schema, path: string): void => {
    if (s.pattern !== undefined && typeof value === 'string' && !new RegExp(s.pattern).test(value)) {
      report.patternErrors.push({ field: path, value, pattern: s.pattern });
    }
    if (s.type === 'object' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const rec = value as Record<string, unknown>;
      for (const key of Object.keys(rec)) {
        const child = path ? `${path}.${key}` : key;
        if (skip.includes(child)) continue;
        const sub = s.properties?.[key] ?? s.additionalProperties;
        if (rec[key] === null) {
          delete rec[key];
          continue;
        }
        if (!sub) {
          if (
            !s['x-kubernetes-preserve-unknown-fields'] &&
            !(s.properties === undefined && s.additionalProperties === undefined)
          ) {
            report.unknown.push(child);
            delete rec[key];
          }
          continue;
        }
        if (!matchesType(rec[key], sub.type)) {
          report.typeErrors.push({ field: child, actual: typeName(rec[key]), expected: sub.type ?? '' });
          continue;
        }
        walk(rec[key], sub, child);
      }
      for (const [key, sub] of Object.entries(s.properties ?? {})) {
        if (sub.default !== undefined && rec[key] === undefined) rec[key] = structuredClone(sub.default);
      }
      for (const key of s.required ?? [])
        if (rec[key] === undefined) report.missing.push(path ? `${path}.${key}` : key);
    } else if (s.type === 'array' && Array.isArray(value) && s.items) {
      const keys = s['x-kubernetes-list-map-keys'];
      if (s['x-kubernetes-list-type'] === 'map' && keys?.length)
        for (const d of duplicateKeys(value, keys))
          report.duplicates.push({ field: `${path}[${d.index}]`, key: d.key });
      value.forEach((item, i) => {
        if (!matchesType(item, s.items!.type))
          report.typeErrors.push({ field: `${path}[${i}]`, actual: typeName(item), expected: s.items!.type ?? '' });
        else walk(item, s.items!, `${path}[${i}]`);
      });
    }
  };
  walk(obj, schema, '');
  const meta = obj.metadata as Record<string, unknown> | undefined;
  if (meta && typeof meta === 'object') {
    for (const key of Object.keys(meta)) {
      if (!OBJECT_META_FIELDS.has(key)) {
        report.unknown.push(`metadata.${key}`);
        delete meta[key];
      }
    }
  }
  return report;
}
