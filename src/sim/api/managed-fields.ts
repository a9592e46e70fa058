// Field ownership for server-side apply, simplified: per-manager sets of paths (lists are atomic
// but for those the schema merges item by item, see associative-lists.ts), stored as real
// managedFields entries with FieldsV1 tries. An update owns, besides the leaves it
// changed, every object it added (structured-merge-diff's Compare), serialized as a `.` entry.
import type { KObject, ResourceDef } from './contracts.js';
import { applyMerge, deepEqual, deleteAt, isObj, valueAt } from './patch.js';
import { failure } from './status.js';
import { KUBECTL_APPLY_MANAGER, lastAppliedLeaves, pathKey, syncLastApplied } from './last-applied.js';
import {
  appliedListErrors,
  appliedSet,
  fieldsKey,
  keyedView,
  listView,
  orderMergedLists,
  renderSegment,
  segmentOf,
} from './associative-lists.js';

interface Entry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

const SYSTEM_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/** The paths an apply of a keyed object owns, but for apiVersion/kind and system metadata (nobody's). */
function ownablePaths(obj: unknown, kind: string, subresource?: string): string[][] {
  return appliedSet(obj, kind).filter((p) => {
    if (p[0] === 'apiVersion' || p[0] === 'kind') return false;
    if (p[0] === 'metadata') return p.length > 1 && !SYSTEM_META.has(p[1]);
    return subresource === 'status' ? p[0] === 'status' : p[0] !== 'status';
  });
}

const key = pathKey;

interface Trie {
  member: boolean;
  children: Map<string, Trie>;
}

/** FieldsV1 of a set of paths: a path that is a member and has children gets `.`; keys in order. */
function toFields(paths: string[][]): Record<string, unknown> {
  const root: Trie = { member: false, children: new Map() };
  for (const p of paths) {
    let cur = root;
    for (const k of p) {
      let next = cur.children.get(k);
      if (!next) cur.children.set(k, (next = { member: false, children: new Map() }));
      cur = next;
    }
    cur.member = true;
  }
  const emit = (t: Trie): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (t.member && t.children.size > 0) out['.'] = {};
    // Go orders field names bytewise; these keys are ASCII in practice.
    const keys = [...t.children.keys()].map((k) => [fieldsKey(k), k] as const);
    for (const [text, k] of keys.sort((a, b) => byBytes(a[0], b[0]))) out[text] = emit(t.children.get(k)!);
    return out;
  };
  return emit(root);
}

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** Member paths of a FieldsV1 trie: nodes marked `.`, and nodes with no fields below them. */
function fromFields(f: Record<string, unknown>, prefix: string[] = [], out: string[][] = []): string[][] {
  const keys = Object.keys(f).filter((k) => segmentOf(k) !== undefined);
  if (prefix.length > 0 && (keys.length === 0 || '.' in f)) out.push(prefix);
  for (const k of keys) fromFields(f[k] as Record<string, unknown>, [...prefix, segmentOf(k)!], out);
  return out;
}

interface Comparison {
  added: string[][];
  modified: string[][];
  removed: string[][];
}

const isMap = (v: unknown): v is Record<string, unknown> => isObj(v) && Object.keys(v).length > 0;

/**
 * structured-merge-diff's Compare (typed/compare.go) over keyed objects: leaves that appear,
 * change or go, plus every non-empty object (list items included) that appears or goes. Empty
 * objects count as leaves.
 */
function compare(lhs: unknown, rhs: unknown, path: string[], out: Comparison): void {
  if (!isMap(lhs) && !isMap(rhs)) {
    if (lhs === undefined) out.added.push(path);
    else if (rhs === undefined) out.removed.push(path);
    else if (!deepEqual(lhs, rhs)) out.modified.push(path);
    return;
  }
  const l = isMap(lhs) ? lhs : {};
  const r = isMap(rhs) ? rhs : {};
  for (const k of new Set([...Object.keys(l), ...Object.keys(r)])) compare(l[k], r[k], [...path, k], out);
  if (lhs === undefined) out.added.push(path);
  else if (rhs === undefined) out.removed.push(path);
}

/** A path a manager can own: apiVersion/kind, metadata itself and system metadata are nobody's. */
function ownable(p: string[], subresource?: string): boolean {
  if (p.length === 0 || p[0] === 'apiVersion' || p[0] === 'kind') return false;
  if (p[0] === 'metadata') return p.length > 1 && !SYSTEM_META.has(p[1]);
  return subresource === 'status' ? p[0] === 'status' : p[0] !== 'status';
}

/**
 * What the apiserver compares a create against: a custom resource's empty object has nothing,
 * a built-in one is Go's zero struct (`spec: {}`, `status: {}`).
 */
function emptyObject(def: ResourceDef): unknown {
  return def.group ? {} : { metadata: { creationTimestamp: null }, spec: {}, status: {} };
}

function compareOwnable(old: unknown, next: unknown, subresource?: string): Comparison {
  const out: Comparison = { added: [], modified: [], removed: [] };
  compare(old, next, [], out);
  const keep = (ps: string[][]) => ps.filter((p) => ownable(p, subresource));
  return { added: keep(out.added), modified: keep(out.modified), removed: keep(out.removed) };
}

function entriesOf(obj: KObject): Entry[] {
  return Array.isArray(obj.metadata.managedFields) ? (obj.metadata.managedFields as Entry[]) : [];
}

/** `.spec.traffic`, `.metadata.finalizers[="x"]`: the path form of structured-merge-diff. */
export function renderPath(p: string[]): string {
  return p.map(renderSegment).join('');
}

function setEntries(obj: KObject, entries: Entry[]): void {
  const kept = entries.filter((e) => Object.keys(e.fieldsV1).length > 0);
  if (kept.length) obj.metadata.managedFields = kept;
  else delete obj.metadata.managedFields;
}

function ownership(entries: Entry[]): Array<{ entry: Entry; paths: Set<string>; list: string[][] }> {
  return entries.map((entry) => {
    const list = fromFields(entry.fieldsV1);
    return { entry, paths: new Set(list.map(key)), list };
  });
}

/**
 * The managedFields an update or non-apply patch sets itself, to be stored as given (the way a
 * client rewrites ownership), or undefined to keep the stored ones: when absent, empty, not
 * well-formed, or on a subresource.
 */
export function managedFieldsGiven(obj: KObject, subresource?: string): Entry[] | undefined {
  const mf = obj.metadata.managedFields;
  if (subresource || !Array.isArray(mf) || mf.length === 0) return undefined;
  const wellFormed = mf.every(
    (e) =>
      isObj(e) &&
      (e.fieldsV1 === undefined ||
        (isObj(e.fieldsV1) && typeof e.manager === 'string' && (e.operation === 'Apply' || e.operation === 'Update'))),
  );
  if (!wellFormed) return undefined;
  return structuredClone(mf as Entry[]).filter((e) => e.fieldsV1 && Object.keys(e.fieldsV1).length > 0);
}

/**
 * Records a non-apply write as structured-merge-diff's Updater does: the manager takes what it
 * added or changed (objects it added included) and drops what it removed; other managers lose all
 * of these. The entry's time moves only when the manager took something.
 */
export function recordUpdate(
  old: KObject | undefined,
  next: KObject,
  manager: string,
  def: ResourceDef,
  now: string,
  subresource?: string,
): void {
  const { added, modified, removed } = compareOwnable(
    keyedView(old ?? emptyObject(def), def.kind),
    keyedView(next, def.kind),
    subresource,
  );
  const taken = [...added, ...modified];
  const takenKeys = new Set(taken.map(key));
  const removedKeys = new Set(removed.map(key));
  const apiVersion = apiVersionOf(def);
  const owners = ownership(entriesOf(next));
  let mine = owners.find(
    (o) => o.entry.manager === manager && o.entry.operation === 'Update' && o.entry.subresource === subresource,
  );
  for (const o of owners) {
    const list = o.list.filter((p) => !takenKeys.has(key(p)) && !removedKeys.has(key(p)));
    if (list.length !== o.list.length) {
      o.entry.fieldsV1 = toFields(list);
      o.list = list;
    }
  }
  if (taken.length) {
    if (!mine) {
      const entry: Entry = {
        manager,
        operation: 'Update',
        apiVersion,
        time: now,
        fieldsType: 'FieldsV1',
        fieldsV1: {},
      };
      if (subresource) entry.subresource = subresource;
      mine = { entry, paths: new Set(), list: [] };
      owners.push(mine);
    }
    mine.entry.fieldsV1 = toFields([...mine.list, ...taken]);
    mine.entry.apiVersion = apiVersion;
    mine.entry.time = now;
  }
  setEntries(
    next,
    owners.map((o) => o.entry),
  );
}

/**
 * Server-side apply of `body` by `manager` onto `current` (undefined when creating). Conflicts are
 * leaves another manager owns whose value would change; `force` takes them over instead.
 */
export function applyFields(
  current: KObject | undefined,
  body: KObject,
  manager: string,
  force: boolean,
  def: ResourceDef,
  now: string,
  subresource?: string,
): KObject {
  // The associative lists merge and are owned by item.
  body = keyedView(body, def.kind);
  const applied = ownablePaths(body, def.kind, subresource);
  const base: KObject = current
    ? keyedView(structuredClone(current), def.kind)
    : ({ apiVersion: body.apiVersion, kind: body.kind, metadata: { name: body.metadata.name } } as KObject);
  const owners = ownership(entriesOf(base));
  const mine = owners.find(
    (o) => o.entry.manager === manager && o.entry.operation === 'Apply' && o.entry.subresource === subresource,
  );
  // As structured-merge-diff: a leaf another manager owns conflicts only when the apply changes its
  // value; applied with the value it has, the leaf is shared and both keep it.
  const conflicts: Array<{ manager: Entry; path: string[] }> = [];
  const lost = new Map<Entry, Set<string>>();
  for (const p of applied) {
    // A list item with fields below it only conflicts through them (Compare reports no object as modified).
    if (isMap(valueAt(body, p)) || deepEqual(valueAt(base, p), valueAt(body, p))) continue;
    for (const o of owners) {
      if (o === mine || !o.paths.has(key(p))) continue;
      conflicts.push({ manager: o.entry, path: p });
      if (!lost.has(o.entry)) lost.set(o.entry, new Set());
      lost.get(o.entry)!.add(key(p));
    }
  }
  if (conflicts.length && !force) {
    // kubectl moving from client-side to server-side apply takes, without force, the fields whose
    // value still is the one its last-applied annotation recorded.
    const allowed =
      manager === KUBECTL_APPLY_MANAGER
        ? lastAppliedLeaves(base, apiVersionOf(def), (o) => keyedView(o, def.kind))
        : undefined;
    const left = allowed ? conflicts.filter((c) => !allowed.has(key(c.path))) : conflicts;
    if (left.length) throw conflictError(left);
  }
  let merged = applyMerge(base, body) as KObject;
  orderMergedLists(merged, base, body, def.kind);
  if (mine) pruneReleased(merged, mine.list, [applied, ...owners.filter((o) => o !== mine).map((o) => o.list)]);
  merged = listView(merged, def.kind);
  if (!isObj(merged.metadata)) merged.metadata = { name: body.metadata.name };
  // Forced: only the conflicting leaves change hands.
  for (const o of owners) {
    const gone = lost.get(o.entry);
    if (gone) o.entry.fieldsV1 = toFields(o.list.filter((p) => !gone.has(key(p))));
  }
  const apiVersion = apiVersionOf(def);
  const entry: Entry = mine?.entry ?? {
    manager,
    operation: 'Apply',
    apiVersion,
    time: now,
    fieldsType: 'FieldsV1',
    fieldsV1: {},
  };
  if (subresource) entry.subresource = subresource;
  entry.fieldsV1 = toFields(applied);
  entry.time = now;
  const entries = owners.map((o) => o.entry);
  if (!mine) entries.push(entry);
  setEntries(merged, entries);
  if (manager === KUBECTL_APPLY_MANAGER) syncLastApplied(merged, listView(body, def.kind));
  return merged;
}

/**
 * merge/update.go prune: what the applier applied last time, and every object above it (named
 * fields count as members), goes whole when no manager, this apply included, owns it or anything
 * below it, so fields nobody owns (what admission defaulted) go with the object that held them. A
 * map the removal empties becomes null upstream, which the apiserver (ObjectMeta) and Knative's
 * webhook round trip then drop: it goes here too, even when a manager owns it as `.`.
 */
function pruneReleased(merged: KObject, last: string[][], owners: string[][][]): void {
  const owned = new Set<string>(['metadata']); // every apply sends metadata.name
  const released = new Map<string, string[]>();
  const closure = (p: string[], into: (q: string[]) => void) => {
    for (let i = 1; i <= p.length; i++) into(p.slice(0, i));
  };
  for (const list of owners) for (const p of list) closure(p, (q) => owned.add(key(q)));
  for (const p of last) closure(p, (q) => released.set(key(q), q));
  const topFirst = [...released.values()].sort((a, b) => a.length - b.length);
  for (const p of topFirst) if (!owned.has(key(p))) deleteAt(merged, p);
}

/**
 * The apiserver types an applied object before merging it (managedfields structuredmerge.go);
 * an object it cannot type is answered 500 with no reason, the error text as is.
 */
export function refuseUntypableApply(applied: KObject): void {
  const errs = appliedListErrors(applied, applied.kind);
  if (!errs.length) return;
  const text = errs.length === 1 ? errs[0] : ['errors:', ...errs.map((e) => `  ${e}`)].join('\n');
  const gv = applied.apiVersion;
  const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
  const nn = `${applied.metadata.namespace ?? ''}/${applied.metadata.name}`;
  const gvknn = `${nn}; ${group}/${version}, Kind=${applied.kind}`;
  const e = failure(500, '', `failed to create typed patch object (${gvknn}): ${text}`);
  delete (e.status as { reason?: string }).reason;
  throw e;
}

const apiVersionOf = (def: ResourceDef): string => (def.group ? `${def.group}/${def.version}` : def.version);

function printManager(e: Entry): string {
  const name = JSON.stringify(e.manager) + (e.subresource ? ` with subresource ${JSON.stringify(e.subresource)}` : '');
  return e.operation === 'Update' ? `${name} using ${e.apiVersion}` : name;
}

/** 409 with FieldManagerConflict causes (apimachinery managedfields/internal/conflict.go). */
function conflictError(conflicts: Array<{ manager: Entry; path: string[] }>) {
  let message: string;
  if (conflicts.length === 1) {
    const [only] = conflicts;
    message = `Apply failed with 1 conflict: conflict with ${printManager(only.manager)}: ${renderPath(only.path)}`;
  } else {
    const byManager = new Map<string, { entry: Entry; paths: string[] }>();
    for (const c of conflicts) {
      const k = printManager(c.manager);
      if (!byManager.has(k)) byManager.set(k, { entry: c.manager, paths: [] });
      byManager.get(k)!.paths.push(renderPath(c.path));
    }
    const lines: string[] = [];
    for (const k of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${k}:`);
      for (const p of byManager.get(k)!.paths) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return failure(409, 'Conflict', message, {
    causes: conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${printManager(c.manager)}`,
      field: renderPath(c.path),
    })),
  });
}
