// `--gates FILE`: the same gates and queries as the flags, from a YAML document already parsed
// by the caller. Shape (docs/metric-gates.md):
//   gates:
//     - error-rate<2%
//     - { measure: latency-p95, op: "<=", value: stable*1.5 }
//   queries:
//     errors: sum(rate(my_errors_total{revision="{{revision}}"}[{{window}}]))
import { UsageError } from '../errors.js';
import { parseGate } from './expr.js';
import { validateQueryName, validateTemplate } from './query.js';
import { quoteInput } from '../quote.js';
import type { CustomQuery, Gate } from './types.js';

export const MAX_FILE_GATES = 100;
export const MAX_FILE_QUERIES = 50;

export interface GateSet {
  gates: Gate[];
  queries: CustomQuery[];
}

type Fail = (why: string, hint?: string) => never;

const SHAPE_HINT = 'gates: a list of "MEASURE OP VALUE" strings or {measure, op, value}; queries: a map NAME: PROMQL';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The gates of a parsed gates file; `file` names it in messages. */
export function gatesFromDocument(doc: unknown, file: string): GateSet {
  const fail: Fail = (why, hint = SHAPE_HINT) => {
    throw new UsageError(`invalid gates file ${quoteInput(file)}: ${why}`, { reason: 'InvalidGatesFile', hint });
  };
  if (!isPlainObject(doc)) return fail('expected a mapping with "gates" and optionally "queries"');
  const extra = Object.keys(doc).filter((k) => k !== 'gates' && k !== 'queries');
  if (extra.length > 0) fail(`unknown key ${quoteInput(extra[0])}`);
  const queries = queriesFrom(doc.queries, file, fail);
  const names = queries.map((q) => q.name);
  if (!Array.isArray(doc.gates) || doc.gates.length === 0) fail('"gates" must be a non-empty list');
  const list = doc.gates as unknown[];
  if (list.length > MAX_FILE_GATES) fail(`more than ${MAX_FILE_GATES} gates`);
  const gates = list.map((entry, i) =>
    parseGate(gateText(entry, i, fail), names, `gates[${i}] in ${quoteInput(file)}`),
  );
  return { gates, queries };
}

function queriesFrom(raw: unknown, file: string, fail: Fail): CustomQuery[] {
  if (raw === undefined || raw === null) return [];
  if (!isPlainObject(raw)) return fail('"queries" must be a mapping NAME: PROMQL');
  const entries = Object.entries(raw);
  if (entries.length > MAX_FILE_QUERIES) fail(`more than ${MAX_FILE_QUERIES} queries`);
  return entries.map(([name, template]) => {
    const where = `queries.${quoteInput(name)} in ${quoteInput(file)}`;
    if (typeof template !== 'string') fail(`queries.${quoteInput(name)} must be a PromQL string`);
    validateQueryName(name, where);
    return { name, template: validateTemplate((template as string).trim(), name, where) };
  });
}

/** An entry as gate text: a string as it is, an object {measure, op, value} joined. */
function gateText(entry: unknown, i: number, fail: Fail): string {
  if (typeof entry === 'string') return entry;
  if (!isPlainObject(entry)) return fail(`gates[${i}] must be a string or {measure, op, value}`);
  const extra = Object.keys(entry).filter((k) => !['measure', 'op', 'value'].includes(k));
  if (extra.length > 0) fail(`gates[${i}] has an unknown key ${quoteInput(extra[0])}`);
  const { measure, op, value } = entry;
  if (typeof measure !== 'string' || measure === '') fail(`gates[${i}].measure must be a measure name`);
  if (typeof op !== 'string' || op === '') fail(`gates[${i}].op must be one of < <= > >=`);
  // YAML reads `value: 100` as a number; `2%` or `stable*1.5` stay strings.
  if (typeof value === 'number' && Number.isFinite(value)) return `${measure}${op}${String(value)}`;
  if (typeof value !== 'string' || value === '')
    return fail(`gates[${i}].value must be a value such as 2%, 800ms, 100`);
  return `${measure}${op}${value}`;
}
