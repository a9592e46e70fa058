// The lists server-side apply merges item by item, and the objects it owns whole, as the apiserver
// types an object: ObjectMeta's finalizers (a set) and ownerReferences (a map keyed by uid of
// atomic items), plus what a Knative CRD schema declares with x-kubernetes-list-type set/map and
// x-kubernetes-map-type atomic (the PodSpec's volumes and imagePullSecrets, keyed by name). A list
// with no list type is atomic and so is everything inside it, which is why the env and volumeMounts
// maps of a container are replaced with the atomic containers list. Ownership code works on objects
// of keys, so a merged list is seen as an object whose keys are its items' path elements, and an
// atomic object as a leaf.
import { isObj } from './patch.js';
import { schemaFor, type Schema } from './schema.js';

/** Marks a path segment that is a list item (`v:"x"` or `k:{"uid":"…"}` in FieldsV1), not a field. */
const ITEM = '\u0000';
/** Marks a leaf standing for an atomic object (its JSON text follows). */
const ATOM = '\u0001';

// apimachinery types.go: finalizers `+listType=set`; ownerReferences `+listType=map`,
// `+listMapKey=uid` of `+structType=atomic` items.
const OBJECT_META: Schema = {
  type: 'object',
  properties: {
    finalizers: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
    ownerReferences: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['uid'],
      items: { type: 'object', 'x-kubernetes-map-type': 'atomic' },
    },
  },
};

const types = new Map<string, Schema>();

/** How the apiserver types a kind's objects: its CRD schema if it has one, and ObjectMeta's lists. */
function typeOf(kind: string): Schema {
  let t = types.get(kind);
  if (!t) {
    t = { type: 'object', properties: { ...schemaFor(kind)?.properties, metadata: OBJECT_META } };
    types.set(kind, t);
  }
  return t;
}

const isMerged = (s: Schema | undefined): s is Schema =>
  s?.type === 'array' &&
  (s['x-kubernetes-list-type'] === 'set' ||
    (s['x-kubernetes-list-type'] === 'map' && (s['x-kubernetes-list-map-keys']?.length ?? 0) > 0));

const isAtomicMap = (s: Schema | undefined): boolean => s?.['x-kubernetes-map-type'] === 'atomic';

const childType = (s: Schema | undefined, field: string): Schema | undefined =>
  s?.properties?.[field] ?? s?.additionalProperties;

export const isItemSegment = (segment: string): boolean => segment.startsWith(ITEM);

/** The FieldsV1 key of a segment: `f:name` for a field, the element as is for a list item. */
export const fieldsKey = (segment: string): string => (isItemSegment(segment) ? segment.slice(1) : `f:${segment}`);

/** The segment of a FieldsV1 key, or undefined for `.` and anything else. */
export function segmentOf(fieldsKeyText: string): string | undefined {
  if (fieldsKeyText.startsWith('f:')) return fieldsKeyText.slice(2);
  if (fieldsKeyText.startsWith('v:') || fieldsKeyText.startsWith('k:')) return ITEM + fieldsKeyText;
  return undefined;
}

/** structured-merge-diff's path text: `.metadata.finalizers[="x"]`, `.spec.template.spec.volumes[name="cfg"]`. */
export function renderSegment(segment: string): string {
  if (!isItemSegment(segment)) return `.${segment}`;
  const body = segment.slice(3);
  if (segment[1] === 'v') return `[=${body}]`;
  const fields = JSON.parse(body) as Record<string, unknown>;
  return `[${Object.entries(fields)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}]`;
}

const goValueText = (v: unknown): string => (v === null ? 'null' : JSON.stringify(v));

/**
 * The path element of a merged list's item (typed/helpers.go listItemToPathElement): `v:<value>`
 * in a set, `k:{<key fields, sorted>}` in a map, an absent key field taking its schema default.
 */
function elementOf(item: unknown, s: Schema): { element: string; error?: undefined } | { error: string } {
  const keys = s['x-kubernetes-list-map-keys'];
  if (s['x-kubernetes-list-type'] === 'set' || !keys) {
    if (item === null) return { error: "associative list without keys has an element that's an explicit null" };
    if (Array.isArray(item)) return { error: 'not supported: associative list with lists as elements' };
    if (isObj(item)) return { error: "associative list without keys has an element that's a map type" };
    return { element: `v:${goValueText(item)}` };
  }
  if (item === null) return { error: 'associative list with keys may not have a null element' };
  if (!isObj(item)) return { error: 'associative list with keys may not have non-map elements' };
  const fields: Record<string, unknown> = {};
  for (const k of [...keys].sort()) {
    const value = k in item ? item[k] : s.items?.properties?.[k]?.default;
    if (value !== undefined) fields[k] = value;
  }
  if (Object.keys(fields).length === 0)
    return {
      error:
        `associative list with keys has an element that omits all key fields ${JSON.stringify(keys)} ` +
        "(and doesn't have default values for any key fields)",
    };
  return { element: `k:${JSON.stringify(fields)}` };
}

function keyed(v: unknown, s: Schema | undefined): unknown {
  if (!s) return v;
  if (Array.isArray(v)) return isMerged(s) ? (keyedList(v, s) ?? v) : v;
  if (!isObj(v)) return v;
  if (isAtomicMap(s)) return ATOM + JSON.stringify(v);
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) out[k] = keyed(child, childType(s, k));
  return out;
}

/** A merged list as an object keyed by element; undefined (it stays atomic) for an item with no key or a duplicate. */
function keyedList(list: unknown[], s: Schema): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const item of list) {
    const e = elementOf(item, s);
    if (e.error !== undefined || ITEM + e.element in out) return undefined;
    out[ITEM + e.element] = keyed(item, s.items);
  }
  return out;
}

/** A copy of `obj` (of kind `kind`) with its merged lists as objects keyed by item and its atomic objects as leaves. */
export function keyedView<T>(obj: T, kind: string): T {
  return keyed(obj, typeOf(kind)) as T;
}

function unkeyed(v: unknown, s: Schema | undefined): unknown {
  if (isAtomicMap(s) && typeof v === 'string' && v.startsWith(ATOM)) return JSON.parse(v.slice(1));
  if (!s || !isObj(v)) return v;
  if (isMerged(s))
    return Object.keys(v).every(isItemSegment) ? Object.values(v).map((item) => unkeyed(item, s.items)) : v;
  const out: Record<string, unknown> = {};
  for (const [k, child] of Object.entries(v)) out[k] = unkeyed(child, childType(s, k));
  return out;
}

/** Undoes keyedView: the keyed objects back to lists, in key order; atomic objects back to objects. */
export function listView<T>(obj: T, kind: string): T {
  return unkeyed(obj, typeOf(kind)) as T;
}

/**
 * The paths an apply of a keyed object owns (typed/tofieldset.go): leaves, atomic values, empty
 * objects, and each list item (a member even when it has fields below it, so it gets `.`); an
 * empty merged list owns nothing.
 */
export function appliedSet(obj: unknown, kind: string): string[][] {
  const out: string[][] = [];
  const walk = (v: unknown, s: Schema | undefined, path: string[]) => {
    if (isObj(v) && Object.keys(v).length > 0) {
      if (path.length > 0 && isItemSegment(path[path.length - 1])) out.push(path);
      for (const [k, child] of Object.entries(v))
        walk(child, isMerged(s) && isItemSegment(k) ? s.items : childType(s, k), [...path, k]);
    } else if (path.length > 0 && !(isMerged(s) && isObj(v))) out.push(path);
  };
  walk(obj, typeOf(kind), []);
  return out;
}

/**
 * Why structured-merge-diff cannot type an applied object (typed/validate.go): a merged list may
 * not hold duplicates, nor items it cannot key. Live objects may (they are typed allowing
 * duplicates), so only an apply is refused.
 */
export function appliedListErrors(obj: unknown, kind: string): string[] {
  const errs: string[] = [];
  const walk = (v: unknown, s: Schema | undefined, path: string) => {
    if (!s) return;
    if (Array.isArray(v)) {
      if (!isMerged(s)) return;
      const seen = new Set<string>();
      for (const [i, item] of v.entries()) {
        const e = elementOf(item, s);
        if (e.error !== undefined) {
          errs.push(`${path}: element ${i}: ${e.error}`);
          return; // upstream cannot report deeper once an element has no path
        }
        const text = renderSegment(ITEM + e.element);
        if (seen.has(text)) errs.push(`${path}: duplicate entries for key ${text}`);
        else walk(item, s.items, path + text);
        seen.add(text);
      }
      return;
    }
    if (!isObj(v) || isAtomicMap(s)) return;
    for (const [k, child] of Object.entries(v)) walk(child, childType(s, k), `${path}.${k}`);
  };
  walk(obj, typeOf(kind), '');
  return errs;
}

/**
 * The order of a merged list's items after an apply (typed/merge.go visitListItems): stored items
 * the apply leaves out keep their place, the ones it repeats follow the applied order, new ones
 * come where the applied list has them.
 */
function mergedOrder(stored: string[], applied: string[]): string[] {
  const inApplied = new Set(applied);
  const shared = applied.filter((k) => stored.includes(k));
  let nextShared: string | undefined = shared.shift();
  const out: string[] = [];
  const taken = new Set<string>();
  for (let l = 0, r = 0; l < stored.length || r < applied.length;) {
    if (l < stored.length && r < applied.length) {
      if (stored[l] === applied[r]) {
        taken.add(stored[l]);
        out.push(stored[l]);
        l++;
        r++;
        nextShared = shared.shift();
        continue;
      }
      if (inApplied.has(stored[l]) && nextShared !== undefined && nextShared !== stored[l]) {
        l++; // a shared item, but not the next one in applied order
        continue;
      }
    }
    if (l < stored.length) {
      if (!inApplied.has(stored[l])) {
        out.push(stored[l++]);
        continue;
      } else if (taken.has(stored[l])) l++;
    }
    if (r < applied.length) {
      const k = applied[r++];
      taken.add(k);
      out.push(k);
      if (nextShared === k) nextShared = shared.shift();
    }
  }
  return out;
}

/** Puts the items of each merged list of `merged` (keyed, the apply of `applied` over `stored`) in upstream's order. */
export function orderMergedLists(merged: unknown, stored: unknown, applied: unknown, kind: string): void {
  const walk = (m: unknown, st: unknown, ap: unknown, s: Schema | undefined) => {
    if (!s || !isObj(m) || !isObj(ap)) return;
    const list = isMerged(s);
    if (list && isObj(st) && [m, st, ap].every((o) => Object.keys(o as object).every(isItemSegment))) {
      const order = mergedOrder(Object.keys(st), Object.keys(ap));
      const items = { ...m };
      for (const k of Object.keys(m)) delete m[k];
      for (const k of order) if (k in items) m[k] = items[k];
      for (const k of Object.keys(items)) if (!(k in m)) m[k] = items[k];
    }
    for (const k of Object.keys(ap)) walk(m[k], isObj(st) ? st[k] : undefined, ap[k], list ? s.items : childType(s, k));
  };
  walk(merged, stored, applied, typeOf(kind));
}
