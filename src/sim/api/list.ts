// LIST with selectors and limit/continue pagination over a consistent snapshot.
import type { KObject, ListOptions, ListResult, ResourceDef } from './contracts.js';
import { compileSelectors, isTrivial } from './selectors.js';
import { badRequest, expired, CONTINUE_EXPIRED_MSG } from './status.js';
import type { Store } from './store.js';

interface Token {
  rv: number;
  ns: string;
  name: string;
}

function encodeToken(t: Token): string {
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv: t.rv, start: `${t.ns}/${t.name}\u0000`, ns: t.ns, name: t.name }),
  ).toString('base64url');
}

function decodeToken(s: string): Token {
  try {
    const t = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (t.v !== 'meta.k8s.io/v1' || !Number.isInteger(t.rv) || typeof t.ns !== 'string' || typeof t.name !== 'string')
      throw new Error('bad');
    return { rv: t.rv, ns: t.ns, name: t.name };
  } catch {
    throw badRequest(`invalid continue token: continue key is not valid: ${s}`);
  }
}

type Scope = Map<string, { names: string[]; objs: Map<string, KObject> }>;

/** The objects of `def` in scope as they were at `rv`, undoing later history when needed. */
function snapshot(store: Store, def: ResourceDef, namespace: string | undefined, rv: number): Scope {
  const scope: Scope = new Map();
  for (const ns of store.namespaces(def, namespace)) scope.set(ns, store.bucket(def, ns)!);
  const later = store.since(rv).filter((e) => e.def === def && (namespace === undefined || e.namespace === namespace));
  if (!later.length) return scope;
  const touched = new Map<string, Map<string, KObject>>();
  const mapFor = (ns: string): Map<string, KObject> => {
    let m = touched.get(ns);
    if (!m) touched.set(ns, (m = new Map(scope.get(ns)?.objs ?? [])));
    return m;
  };
  for (let i = later.length - 1; i >= 0; i--) {
    const e = later[i];
    const m = mapFor(e.namespace);
    if (e.type === 'ADDED') m.delete(e.object.metadata.name);
    else m.set(e.object.metadata.name, e.old!);
  }
  for (const [ns, objs] of touched) {
    if (objs.size === 0) scope.delete(ns);
    else scope.set(ns, { names: [...objs.keys()].sort(), objs });
  }
  return new Map([...scope.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function lowerBound(names: string[], after: string): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (names[mid] <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Lists objects; items are copies, and a continue token pins the first page's resourceVersion. */
export function listObjects(
  store: Store,
  def: ResourceDef,
  namespace: string | undefined,
  opts: ListOptions,
  builtinNamespace: boolean,
): ListResult {
  const match = compileSelectors(opts.labelSelector, opts.fieldSelector, builtinNamespace);
  let rv = store.currentRv();
  let start: { ns: string; name: string } | undefined;
  if (opts.continue) {
    if (opts.resourceVersion && opts.resourceVersion !== '0')
      throw badRequest('specifying resource version is not allowed when using continue');
    const t = decodeToken(opts.continue);
    if (t.rv < store.oldestReplayable()) throw expired(CONTINUE_EXPIRED_MSG);
    rv = t.rv;
    start = { ns: t.ns, name: t.name };
  }
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
  const scope = snapshot(store, def, namespace, rv);
  const items: KObject[] = [];
  let last: { ns: string; name: string } | undefined;
  let more = false;
  let remaining = 0;
  const countRemaining = isTrivial(match);
  outer: for (const [ns, b] of scope) {
    if (start && ns < start.ns) continue;
    let i = start && ns === start.ns ? lowerBound(b.names, start.name) : 0;
    for (; i < b.names.length; i++) {
      const obj = b.objs.get(b.names[i])!;
      if (!match(obj)) continue;
      if (items.length >= limit) {
        more = true;
        if (!countRemaining) break outer;
        remaining++;
        continue;
      }
      items.push(structuredClone(obj));
      last = { ns, name: b.names[i] };
    }
  }
  const result: ListResult = { items, resourceVersion: String(rv) };
  if (more && last) {
    result.continue = encodeToken({ rv, ...last });
    if (countRemaining) result.remainingItemCount = remaining;
  }
  return result;
}
