// The two associative lists of ObjectMeta (apimachinery types.go): `finalizers` is a set
// (`+listType=set`) and `ownerReferences` a map keyed by uid (`+listType=map`, `+listMapKey=uid`)
// of atomic OwnerReference structs (`+structType=atomic`). Ownership code works on objects of
// keys, so these lists are seen as objects whose keys are their items' path elements and whose
// values are leaves; every other list stays atomic.
import { isObj } from './patch.js';

/** Marks a path segment that is a list item (`v:"x"` or `k:{"uid":"…"}` in FieldsV1), not a field. */
const ITEM = '\u0000';

const LISTS: Record<string, (item: unknown) => string | undefined> = {
  finalizers: (item) => (typeof item === 'string' ? `v:${JSON.stringify(item)}` : undefined),
  ownerReferences: (item) =>
    isObj(item) && typeof item.uid === 'string' ? `k:${JSON.stringify({ uid: item.uid })}` : undefined,
};

export const isItemSegment = (segment: string): boolean => segment.startsWith(ITEM);

/** The FieldsV1 key of a segment: `f:name` for a field, the element as is for a list item. */
export const fieldsKey = (segment: string): string => (isItemSegment(segment) ? segment.slice(1) : `f:${segment}`);

/** The segment of a FieldsV1 key, or undefined for `.` and anything else. */
export function segmentOf(fieldsKeyText: string): string | undefined {
  if (fieldsKeyText.startsWith('f:')) return fieldsKeyText.slice(2);
  if (fieldsKeyText.startsWith('v:') || fieldsKeyText.startsWith('k:')) return ITEM + fieldsKeyText;
  return undefined;
}

/** structured-merge-diff's path text: `.metadata.finalizers[="x"]`, `.metadata.ownerReferences[uid="…"]`. */
export function renderSegment(segment: string): string {
  if (!isItemSegment(segment)) return `.${segment}`;
  const body = segment.slice(3);
  if (segment[1] === 'v') return `[=${body}]`;
  const fields = JSON.parse(body) as Record<string, unknown>;
  return `[${Object.entries(fields)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}]`;
}

/**
 * A copy of `obj` with metadata.finalizers and metadata.ownerReferences as objects keyed by item
 * (an ownerReference's value is its JSON text, a leaf, since the struct is atomic). A list with an
 * item that has no key (not a string, no uid) or a duplicate stays as it is, atomic.
 */
export function keyedView<T>(obj: T): T {
  if (!isObj(obj) || !isObj(obj.metadata)) return obj;
  const meta: Record<string, unknown> = { ...obj.metadata };
  for (const [field, keyOf] of Object.entries(LISTS)) {
    const list = meta[field];
    if (!Array.isArray(list)) continue;
    const keyed: Record<string, unknown> = {};
    const ok = list.every((item) => {
      const k = keyOf(item);
      if (k === undefined || ITEM + k in keyed) return false;
      keyed[ITEM + k] = typeof item === 'string' ? item : JSON.stringify(item);
      return true;
    });
    if (ok) meta[field] = keyed;
  }
  return { ...obj, metadata: meta };
}

/** Undoes keyedView: the keyed objects back to lists, in key order. */
export function listView<T>(obj: T): T {
  if (!isObj(obj) || !isObj(obj.metadata)) return obj;
  const meta: Record<string, unknown> = { ...obj.metadata };
  for (const field of Object.keys(LISTS)) {
    const keyed = meta[field];
    if (!isObj(keyed)) continue;
    meta[field] = Object.values(keyed).map((v) => (field === 'finalizers' ? v : JSON.parse(v as string)));
  }
  return { ...obj, metadata: meta };
}

const goValueText = (v: unknown): string => (v === null ? 'null' : JSON.stringify(v));

/**
 * Why structured-merge-diff cannot type an applied object's metadata lists (typed/validate.go):
 * an applied set or map-keyed list may not hold duplicates, nor items it cannot key. Live objects
 * may (they are typed allowing duplicates), so only an apply is refused.
 */
export function appliedListErrors(obj: unknown): string[] {
  if (!isObj(obj) || !isObj(obj.metadata)) return [];
  const errs: string[] = [];
  for (const field of Object.keys(LISTS)) {
    const list = obj.metadata[field];
    if (!Array.isArray(list)) continue;
    const path = `.metadata.${field}`;
    const seen = new Set<string>();
    for (const [i, item] of list.entries()) {
      const keyed = itemElement(field, item);
      if (keyed.error) {
        errs.push(`${path}: element ${i}: ${keyed.error}`);
        break; // upstream cannot report deeper once an element has no path
      }
      if (seen.has(keyed.text)) errs.push(`${path}: duplicate entries for key ${keyed.text}`);
      seen.add(keyed.text);
    }
  }
  return errs;
}

function itemElement(field: string, item: unknown): { text: string; error?: string } {
  if (field === 'finalizers') {
    if (item === null)
      return { text: '', error: "associative list without keys has an element that's an explicit null" };
    if (Array.isArray(item)) return { text: '', error: 'not supported: associative list with lists as elements' };
    if (isObj(item)) return { text: '', error: "associative list without keys has an element that's a map type" };
    return { text: `[=${goValueText(item)}]` };
  }
  if (item === null) return { text: '', error: 'associative list with keys may not have a null element' };
  if (!isObj(item)) return { text: '', error: 'associative list with keys may not have non-map elements' };
  if (!('uid' in item))
    return {
      text: '',
      error:
        'associative list with keys has an element that omits all key fields ["uid"] ' +
        "(and doesn't have default values for any key fields)",
    };
  return { text: `[uid=${goValueText(item.uid)}]` };
}
