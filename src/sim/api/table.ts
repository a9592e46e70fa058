// meta.k8s.io/v1 Table responses: CRD printer columns, namespace Name/Status/Age.
import type { KObject, PrinterColumn, ResourceDef } from './contracts.js';

// Our words: the apiserver sends ObjectMeta.name's API doc here, which is upstream's prose.
const NAME_DESCRIPTION = "The object's name: unique among its kind in its namespace, set at creation, never changed.";

/** What `includeObject` asks rows to carry. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** apimachinery duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${Math.floor(days / 365)}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

/**
 * The JSONPath subset CRD printer columns use: `.a.b`, `['x\.y']` keys, `[n]` and
 * `[?(@.k=='v')]` filters. Returns every match, like client-go's FindResults.
 */
export function evalJsonPath(obj: unknown, path: string): unknown[] {
  let cur: unknown[] = [obj];
  let i = 0;
  const s = path.replace(/^\{|\}$/g, '');
  while (i < s.length && cur.length) {
    if (s[i] === '.') {
      const m = /^\.([A-Za-z0-9_-]+)/.exec(s.slice(i));
      if (!m) return [];
      cur = cur.flatMap((v) => (isRecord(v) && m[1] in v ? [v[m[1]]] : []));
      i += m[0].length;
    } else if (s.startsWith("['", i)) {
      const end = s.indexOf("']", i);
      const key = s.slice(i + 2, end).replace(/\\\./g, '.');
      cur = cur.flatMap((v) => (isRecord(v) && key in v ? [v[key]] : []));
      i = end + 2;
    } else if (s.startsWith('[?(', i)) {
      const end = s.indexOf(')]', i);
      const m = /^@\.([A-Za-z0-9_]+)\s*==\s*['"](.*)['"]$/.exec(s.slice(i + 3, end));
      if (!m) return [];
      cur = cur.flatMap((v) => (Array.isArray(v) ? v.filter((x) => isRecord(x) && String(x[m[1]]) === m[2]) : []));
      i = end + 2;
    } else if (s[i] === '[') {
      const end = s.indexOf(']', i);
      const n = Number(s.slice(i + 1, end));
      cur = cur.flatMap((v) => (Array.isArray(v) && n < v.length ? [v[n]] : []));
      i = end + 1;
    } else return [];
  }
  return cur;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cell(col: PrinterColumn, obj: KObject, now: number): unknown {
  const found = evalJsonPath(obj, col.jsonPath);
  if (!found.length || found[0] === undefined) return null;
  const v = found[0];
  switch (col.type) {
    case 'date': {
      const t = typeof v === 'string' ? Date.parse(v) : NaN;
      return Number.isNaN(t) ? '<invalid>' : humanDuration(now - t);
    }
    case 'string':
      return typeof v === 'string' ? v : JSON.stringify(v);
    default:
      return v;
  }
}

/** Column definitions: Name first, then the resource's printer columns. */
export function columnDefinitions(def: ResourceDef): Array<Record<string, unknown>> {
  return [
    { name: 'Name', type: 'string', format: 'name', description: NAME_DESCRIPTION, priority: 0 },
    ...def.printerColumns.map((c) => ({
      name: c.name,
      type: c.type,
      format: '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
  ];
}

/** One row of a Table. */
export function tableRow(
  def: ResourceDef,
  obj: KObject,
  include: IncludeObject,
  now = Date.now(),
): Record<string, unknown> {
  const row: Record<string, unknown> = {
    cells: [obj.metadata.name, ...def.printerColumns.map((c) => cell(c, obj, now))],
  };
  if (include === 'Object') row.object = obj;
  else if (include === 'Metadata')
    row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
  return row;
}

/** A Table of objects; `withColumns` false gives the NoHeaders form used after the first watch event. */
export function toTable(
  def: ResourceDef,
  objs: KObject[],
  meta: Record<string, unknown>,
  include: IncludeObject,
  withColumns = true,
): Record<string, unknown> {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? columnDefinitions(def) : null,
    rows: objs.map((o) => tableRow(def, o, include, now)),
  };
}

/** True when the Accept header asks for a meta.k8s.io Table (v1 or v1beta1). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    return params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io';
  });
}
