// Patch algorithms: RFC 7386 merge patch, RFC 6902 JSON patch, and deep equality.
import { badRequest, jsonPatchFailed } from './status.js';

type Json = unknown;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386: null deletes, objects merge, everything else (arrays included) replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Deep equality over JSON values (key order ignored). */
export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

class PatchFailure extends Error {}

function parsePointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchFailure(`bad pointer ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function resolveParent(doc: Json, tokens: string[]): { parent: Record<string, unknown> | unknown[]; key: string } {
  let cur: Json = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)];
    else if (isObj(cur) && t in cur) cur = cur[t];
    else throw new PatchFailure('missing path');
  }
  if (!Array.isArray(cur) && !isObj(cur)) throw new PatchFailure('parent is not a container');
  return { parent: cur, key: tokens[tokens.length - 1] };
}

function arrayIndex(arr: unknown[], t: string, forAdd: boolean): number {
  if (forAdd && t === '-') return arr.length;
  if (!/^(0|[1-9][0-9]*)$/.test(t)) throw new PatchFailure('bad index');
  const i = Number(t);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new PatchFailure('index out of range');
  return i;
}

function getAt(doc: Json, tokens: string[]): Json {
  let cur: Json = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)];
    else if (isObj(cur) && Object.prototype.hasOwnProperty.call(cur, t)) cur = cur[t];
    else throw new PatchFailure('missing path');
  }
  return cur;
}

function remove(doc: Json, tokens: string[]): Json {
  if (tokens.length === 0) throw new PatchFailure('cannot remove root');
  const { parent, key } = resolveParent(doc, tokens);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, false), 1)[0];
  if (!Object.prototype.hasOwnProperty.call(parent, key)) throw new PatchFailure('missing path');
  const v = parent[key];
  delete parent[key];
  return v;
}

function add(doc: Json, tokens: string[], value: Json): Json {
  if (tokens.length === 0) return value;
  const { parent, key } = resolveParent(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true), 0, value);
  else parent[key] = value;
  return doc;
}

/** RFC 6902 over a copy; a non-array body is 400, any failing op (a `test` included) is the fixed 422. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) {
    throw badRequest(`json: cannot unmarshal ${goJsonKind(ops)} into Go value of type jsonpatch.Patch`);
  }
  let doc = structuredClone(target);
  try {
    for (const op of ops) {
      if (!isObj(op) || typeof op.path !== 'string') throw new PatchFailure('bad op');
      const path = parsePointer(op.path);
      switch (op.op) {
        case 'add':
          if (!('value' in op)) throw new PatchFailure('missing value');
          doc = add(doc, path, structuredClone(op.value));
          break;
        case 'remove':
          remove(doc, path);
          break;
        case 'replace':
          if (!('value' in op)) throw new PatchFailure('missing value');
          if (path.length === 0) doc = structuredClone(op.value);
          else {
            getAt(doc, path);
            const { parent, key } = resolveParent(doc, path);
            if (Array.isArray(parent)) parent[arrayIndex(parent, key, false)] = structuredClone(op.value);
            else parent[key] = structuredClone(op.value);
          }
          break;
        case 'move': {
          if (typeof op.from !== 'string') throw new PatchFailure('missing from');
          const v = remove(doc, parsePointer(op.from));
          doc = add(doc, path, v);
          break;
        }
        case 'copy':
          if (typeof op.from !== 'string') throw new PatchFailure('missing from');
          doc = add(doc, path, structuredClone(getAt(doc, parsePointer(op.from))));
          break;
        case 'test':
          if (!deepEqual(getAt(doc, path), op.value)) throw new PatchFailure('test failed');
          break;
        default:
          throw new PatchFailure(`unknown op ${String(op.op)}`);
      }
    }
  } catch (err) {
    if (err instanceof PatchFailure) throw jsonPatchFailed();
    throw err;
  }
  return doc;
}

/** Leaf paths of a JSON value: objects are walked, arrays and scalars are leaves (atomic lists). */
export function leafPaths(v: Json, prefix: string[] = [], out: string[][] = []): string[][] {
  if (isObj(v) && Object.keys(v).length > 0) {
    for (const [k, child] of Object.entries(v)) leafPaths(child, [...prefix, k], out);
  } else if (prefix.length > 0) out.push(prefix);
  return out;
}

/** The value at a path of object keys, or undefined. */
export function valueAt(v: Json, path: string[]): Json {
  let cur: Json = v;
  for (const k of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Deletes a path of object keys, then any objects it left empty. */
export function deleteAt(v: Json, path: string[]): void {
  const chain: Record<string, unknown>[] = [];
  let cur: Json = v;
  for (const k of path.slice(0, -1)) {
    if (!isObj(cur)) return;
    chain.push(cur);
    cur = cur[k];
  }
  if (!isObj(cur)) return;
  delete cur[path[path.length - 1]];
  for (let i = chain.length - 1; i >= 0; i--) {
    const child = chain[i][path[i]];
    if (isObj(child) && Object.keys(child).length === 0) delete chain[i][path[i]];
    else break;
  }
}

/** Merge used by server-side apply: objects merge recursively, arrays and scalars replace. */
export function applyMerge(target: Json, applied: Json): Json {
  if (!isObj(applied) || !isObj(target)) return structuredClone(applied);
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(applied)) out[k] = applyMerge(out[k], v);
  return out;
}

export { isObj };

/** The kind of a JSON value as Go's UnmarshalTypeError names it. */
function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * Under Strict or Warn field validation (Warn is the default) the apiserver first decodes a JSON or
 * merge patch strictly (patch.go applyJSPatch): its type error, to follow `error decoding patch: `.
 */
export function strictPatchDecodeError(type: 'json' | 'merge', body: Json): string | undefined {
  if (body === null) return undefined;
  if (type === 'merge') {
    return isObj(body)
      ? undefined
      : `json: cannot unmarshal ${goJsonKind(body)} into Go value of type map[string]interface {}`;
  }
  if (!Array.isArray(body))
    return `json: cannot unmarshal ${goJsonKind(body)} into Go value of type []handlers.jsonPatchOp`;
  for (const op of body) {
    if (op === null) continue;
    if (!isObj(op)) return `json: cannot unmarshal ${goJsonKind(op)} into Go value of type handlers.jsonPatchOp`;
    for (const field of ['op', 'path', 'from'] as const) {
      const v = op[field];
      if (v !== undefined && v !== null && typeof v !== 'string')
        return `json: cannot unmarshal ${goJsonKind(v)} into Go struct field jsonPatchOp.${field} of type string`;
    }
  }
  return undefined;
}
