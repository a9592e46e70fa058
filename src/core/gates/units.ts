// Numbers with units on the right side of a gate, and the same values printed back. Each unit
// belongs to one kind of measure: a `%` on a latency or `ms` on an error rate is a mistake that
// would otherwise compare 2 against milliseconds, so it is refused instead of converted.
import type { MeasureUnit } from './types.js';

/** Upper bounds that keep thresholds meaningful and their text short. */
export const MAX_LATENCY_MS = 3_600_000;
export const MAX_COUNT = 1_000_000_000;

const DECIMAL = /^(\d{1,12}(\.\d{1,6})?|\.\d{1,6})$/;

export type ValueRole = 'absolute' | 'offset' | 'factor';

/** The value in the measure's unit, or a sentence saying what was expected (no throwing here). */
export function parseUnitValue(text: string, unit: MeasureUnit, role: ValueRole): number | string {
  if (role === 'factor') return decimal(text) ?? 'a factor is a plain number, e.g. stable*1.5';
  const negative = unit === 'number' && role === 'absolute' && text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  switch (unit) {
    case 'percent': {
      const n = body.endsWith('%') ? decimal(body.slice(0, -1)) : undefined;
      if (n === undefined) return 'an error rate takes a percentage, e.g. 2% or 0.5%';
      return n <= 100 ? n : 'a percentage is at most 100%';
    }
    case 'duration': {
      const m = /^(.*?)(ms|s)$/.exec(body);
      const n = m ? decimal(m[1]) : undefined;
      if (m === null || n === undefined) return 'a latency takes a duration in ms or s, e.g. 800ms or 1.5s';
      const ms = m[2] === 's' ? n * 1000 : n;
      return ms <= MAX_LATENCY_MS ? ms : 'a latency threshold is at most 1h (3600s)';
    }
    case 'count': {
      if (!/^\d{1,10}$/.test(body)) return 'a request count is a whole number without a unit, e.g. 100';
      const n = Number(body);
      return n <= MAX_COUNT ? n : `a request count is at most ${MAX_COUNT}`;
    }
    case 'number': {
      const n = decimal(body);
      if (n === undefined) return 'a custom measure takes a plain number without a unit, e.g. 0.5';
      return negative ? -n : n;
    }
  }
}

function decimal(text: string): number | undefined {
  return DECIMAL.test(text) ? Number(text) : undefined;
}

/** A value as a gate would write it: `1.5%`, `800ms`, `120`; rounded for reading, never in math. */
export function formatUnitValue(value: number, unit: MeasureUnit): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
  const short = (n: number) => String(Number(n.toPrecision(6)));
  switch (unit) {
    case 'percent':
      return `${short(value)}%`;
    case 'duration':
      return `${short(value)}ms`;
    case 'count':
      return String(Math.round(value));
    case 'number':
      return short(value);
  }
}
