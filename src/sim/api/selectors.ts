// Label and field selectors, parsed once and matched per object.
import type { KObject } from './contracts.js';
import { badRequest } from './status.js';

type LabelReq =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/** A compiled selector: true when the object matches. */
export type Matcher = (obj: KObject) => boolean;

const everything: Matcher = () => true;

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim());
}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;

function parseLabelReq(term: string): LabelReq {
  let m = /^!\s*(\S+)$/.exec(term);
  if (m) return { op: 'notexists', key: checkKey(m[1]) };
  m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
  if (m) {
    const values = m[3].split(',').map((v) => v.trim());
    return { op: m[2] as 'in' | 'notin', key: checkKey(m[1]), values };
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: checkKey(m[1]), value: m[3] };
  if (/^[^=!\s()]+$/.test(term)) return { op: 'exists', key: checkKey(term) };
  throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw badRequest(`unable to parse requirement: invalid label key "${key}"`);
  return key;
}

/** Compiles a labelSelector (`=`, `==`, `!=`, `in`, `notin`, exists, `!exists`; comma = AND). */
export function compileLabelSelector(sel: string | undefined): Matcher {
  if (!sel || !sel.trim()) return everything;
  const reqs = splitTop(sel)
    .filter((t) => t !== '')
    .map(parseLabelReq);
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return reqs.every((r) => {
      const has = Object.prototype.hasOwnProperty.call(labels, r.key);
      const v = labels[r.key];
      switch (r.op) {
        case 'eq':
          return has && v === r.value;
        case 'neq':
          return !has || v !== r.value;
        case 'in':
          return has && r.values.includes(v);
        case 'notin':
          return !has || !r.values.includes(v);
        case 'exists':
          return has;
        case 'notexists':
          return !has;
      }
    });
  };
}

const FIELD_GETTERS: Record<string, (o: KObject) => string> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
  name: (o) => o.metadata.name,
  'status.phase': (o) => String(o.status?.phase ?? ''),
};

/** Compiles a fieldSelector; CRs allow metadata.name/namespace only, namespaces also status.phase and name. */
export function compileFieldSelector(sel: string | undefined, builtinNamespace: boolean): Matcher {
  if (!sel || !sel.trim()) return everything;
  const allowed = builtinNamespace
    ? ['metadata.name', 'metadata.namespace', 'status.phase', 'name']
    : ['metadata.name', 'metadata.namespace'];
  const tests = sel.split(',').map((term) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term.trim());
    if (!m) throw badRequest(`invalid selector: '${sel}'; can't understand '${term}'`);
    const [, field, op, value] = m;
    if (!allowed.includes(field)) throw badRequest(`field label not supported: ${field}`);
    const get = FIELD_GETTERS[field];
    return (o: KObject) => (get(o) === value) === (op !== '!=');
  });
  return (obj) => tests.every((t) => t(obj));
}

/** Both selectors together. */
export function compileSelectors(
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
  builtinNamespace: boolean,
): Matcher {
  const l = compileLabelSelector(labelSelector);
  const f = compileFieldSelector(fieldSelector, builtinNamespace);
  if (l === everything) return f;
  if (f === everything) return l;
  return (o) => l(o) && f(o);
}

/** The name a `metadata.name=x` field selector pins, for single-object watches. */
export function isTrivial(m: Matcher): boolean {
  return m === everything;
}
