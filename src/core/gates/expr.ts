// `--gate EXPR`: MEASURE OP VALUE, e.g. `error-rate<2%`, `latency-p95<=stable*1.5`, `requests>=100`.
import { UsageError } from '../errors.js';
import { hasControlChars, quoteInput } from '../quote.js';
import { BUILTIN_MEASURES, BUILTIN_UNITS, isBuiltinMeasure } from './types.js';
import type { Gate, GateOperator, MeasureUnit, Threshold } from './types.js';
import { parseUnitValue } from './units.js';

/** Longest gate expression accepted; real ones are a few dozen characters. */
export const MAX_GATE_LENGTH = 200;

const SHAPE = /^([^<>=!]*?)\s*(<=|>=|==|!=|=<|=>|<|>|=)\s*(.*)$/s;
const MEASURE_NAME = /^[a-z][a-z0-9_-]*$/;
const OPERATORS: readonly string[] = ['<', '<=', '>', '>='];

const SYNTAX_HINT = 'write MEASURE OP VALUE, e.g. error-rate<2%, latency-p99<800ms, latency-p95<=stable*1.5';

/**
 * One gate. `customMeasures` are the names defined by --gate-query (or a gates file); `where`
 * names the source in messages (`--gate`, `gates[2] in gates.yaml`).
 */
export function parseGate(raw: string, customMeasures: Iterable<string> = [], where = '--gate'): Gate {
  const fail = (why: string, hint = SYNTAX_HINT, reason = 'InvalidGate'): never => {
    throw new UsageError(`invalid ${where} ${quoteInput(raw)}: ${why}`, { reason, hint });
  };
  if (raw.length > MAX_GATE_LENGTH) fail(`longer than ${MAX_GATE_LENGTH} characters`);
  if (hasControlChars(raw)) fail('contains control characters');
  const m = SHAPE.exec(raw.trim());
  if (!m) fail('no comparison operator (one of < <= > >=)');
  const [, measure, opText, rhs] = m as RegExpExecArray;
  if (measure === '') fail('no measure before the operator');
  if (!MEASURE_NAME.test(measure)) fail(`${quoteInput(measure)} is not a measure name`);
  const op = operator(opText, fail);
  const custom = new Set(customMeasures);
  if (!isBuiltinMeasure(measure) && !custom.has(measure)) {
    const known = [...BUILTIN_MEASURES, ...[...custom].sort()].join(', ');
    fail(
      `unknown measure ${quoteInput(measure)}`,
      `measures: ${known}; define others with --gate-query NAME=PROMQL`,
      'UnknownMeasure',
    );
  }
  const unit: MeasureUnit = isBuiltinMeasure(measure) ? BUILTIN_UNITS[measure] : 'number';
  if (rhs === '') fail('no value after the operator');
  const [threshold, rhsText] = parseThreshold(rhs, unit, fail);
  // "At least 0 requests" holds with no data at all, and no data is never a pass.
  if (measure === 'requests' && threshold.kind === 'absolute' && op === '>=' && threshold.value < 1)
    fail('a minimum of 0 requests judges nothing: ask for at least 1, e.g. requests>=100');
  return {
    text: `${measure}${op}${rhsText}`,
    measure,
    builtin: isBuiltinMeasure(measure),
    unit,
    op,
    threshold,
  };
}

function operator(text: string, fail: (why: string, hint?: string) => never): GateOperator {
  if (OPERATORS.includes(text)) return text as GateOperator;
  if (text === '=<' || text === '=>') return fail(`write ${text[1]}= instead of ${text}`);
  return fail(
    `${text} is not supported: measured rates and quantiles are never exactly equal to anything`,
    'compare with one of < <= > >=, e.g. requests>=100',
  );
}

/** The threshold and its canonical text (spaces around the stable operator dropped). */
function parseThreshold(rhs: string, unit: MeasureUnit, fail: (why: string) => never): [Threshold, string] {
  if (!rhs.startsWith('stable')) {
    const v = parseUnitValue(rhs, unit, 'absolute');
    return typeof v === 'number' ? [{ kind: 'absolute', value: v }, rhs] : fail(v);
  }
  const m = /^stable(?:\s*([-+*])\s*(.*))?$/s.exec(rhs);
  if (!m) return fail('after "stable" write +X, -X or *F, e.g. stable+1% or stable*1.5');
  if (m[1] === undefined) return [{ kind: 'relative', op: '*', operand: 1 }, 'stable'];
  const op = m[1] as '+' | '-' | '*';
  const v = parseUnitValue(m[2], unit, op === '*' ? 'factor' : 'offset');
  return typeof v === 'number' ? [{ kind: 'relative', op, operand: v }, `stable${op}${m[2]}`] : fail(v);
}
