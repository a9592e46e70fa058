// Object-meta helpers of the registry: timestamps, generated names, comparisons, key order.
import type { KObject } from './contracts.js';

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The object without metadata and status: what a generation bump compares. */
export function withoutMetaStatus(o: KObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = o;
  return rest;
}

/**
 * The object without resourceVersion and the managedFields timestamps: what a no-op update
 * compares. A change of field ownership alone is a write, as on the apiserver (kubectl's
 * client-side to server-side apply migration relies on it).
 */
export function withoutVolatile(o: KObject): Record<string, unknown> {
  const { resourceVersion: _rv, managedFields: mf, ...meta } = o.metadata;
  const ownership = Array.isArray(mf)
    ? mf.map((e) => (e && typeof e === 'object' ? { ...(e as Record<string, unknown>), time: undefined } : e))
    : undefined;
  return { ...o, metadata: { ...meta, managedFields: ownership } };
}

/** RFC 3339 to the second, as the apiserver writes timestamps. */
export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** generateName: the prefix cut to 58 characters plus 5 random characters. */
export function generateName(prefix: string): string {
  let s = prefix.slice(0, 58);
  for (let i = 0; i < 5; i++) s += GENERATE_CHARS[Math.floor(Math.random() * GENERATE_CHARS.length)];
  return s;
}

/** The ObjectMeta fields in the order the apiserver writes them. */
export const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

/** Puts metadata keys and top-level keys in the apiserver's order, so output reads naturally. */
export function ordered(obj: KObject): KObject {
  const meta: Record<string, unknown> = {};
  for (const k of META_ORDER) if (obj.metadata[k] !== undefined) meta[k] = obj.metadata[k];
  for (const [k, v] of Object.entries(obj.metadata)) if (!(k in meta) && v !== undefined) meta[k] = v;
  const out: Record<string, unknown> = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: meta };
  for (const [k, v] of Object.entries(obj)) if (!(k in out) && v !== undefined) out[k] = v;
  return out as KObject;
}
