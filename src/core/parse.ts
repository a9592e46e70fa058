// Strict parsers for user-typed values: a guessed value (parseInt("50.5") === 50) would move real traffic.
import { UsageError } from './errors.js';
import { validateEnvName } from './names.js';
import { quoteInput } from './quote.js';

/** One `REF=PCT` pair of `--traffic`; REF is a revision name or a tag, resolved by the planner. */
export interface TrafficAssignment {
  ref: string;
  percent: number;
}

/** One `--env` item: `K=V` sets, `K-` removes. */
export type EnvChange = { name: string; value: string } | { name: string; remove: true };

/** An integer percent in 0..100; accepts a trailing `%` (as kn does). Refuses "50.5", "abc", "", "-1", "101". */
export function parsePercent(raw: string, flag = '--percent'): number {
  const text = raw.trim().replace(/%$/, '');
  if (!/^\d{1,3}$/.test(text)) {
    throw new UsageError(`invalid value ${quoteInput(raw)} for ${flag}: must be a whole number from 0 to 100`, {
      reason: 'InvalidPercent',
    });
  }
  const n = Number(text);
  if (n > 100)
    throw new UsageError(`invalid value ${quoteInput(raw)} for ${flag}: must be a whole number from 0 to 100`, {
      reason: 'InvalidPercent',
    });
  return n;
}

/** `REF=PCT,REF=PCT` (also repeatable flags joined by the caller); refs must be unique. */
export function parseTrafficSpec(raw: string | string[], flag = '--traffic'): TrafficAssignment[] {
  const items = (Array.isArray(raw) ? raw : [raw]).flatMap((r) => r.split(',')).map((s) => s.trim());
  if (items.length === 0 || items.every((s) => s === ''))
    throw new UsageError(`${flag} needs at least one REF=PCT`, { reason: 'InvalidTraffic' });
  const out: TrafficAssignment[] = [];
  for (const item of items) {
    const eq = item.lastIndexOf('=');
    if (eq <= 0) {
      throw new UsageError(`invalid ${flag} item ${quoteInput(item)}: expected REF=PCT, e.g. hello-00001=50`, {
        reason: 'InvalidTraffic',
      });
    }
    const ref = item.slice(0, eq).trim();
    if (ref === '@latest') {
      throw new UsageError(`${flag} does not accept @latest: bgctl pins every target by revision name`, {
        reason: 'InvalidTraffic',
        hint: 'name the revision or its tag (see bgctl revisions SERVICE)',
      });
    }
    if (out.some((a) => a.ref === ref))
      throw new UsageError(`${flag} names ${quoteInput(ref)} more than once`, { reason: 'InvalidTraffic' });
    out.push({ ref, percent: parsePercent(item.slice(eq + 1), `${flag} ${ref}`) });
  }
  return out;
}

/** `--steps 10,50,100`: strictly increasing percents in 1..100. A final 100 means "then promote". */
export function parseSteps(raw: string, flag = '--steps'): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const steps = parts.map((p) => parsePercent(p, flag));
  for (let i = 0; i < steps.length; i++) {
    if (steps[i] === 0)
      throw new UsageError(`invalid ${flag} ${quoteInput(raw)}: a step must be at least 1`, { reason: 'InvalidSteps' });
    if (i > 0 && steps[i] <= steps[i - 1]) {
      throw new UsageError(
        `invalid ${flag} ${quoteInput(raw)}: steps must increase (${steps[i - 1]} then ${steps[i]})`,
        {
          reason: 'InvalidSteps',
        },
      );
    }
  }
  return steps;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** The longest duration: 168h. Node fires a timer over 2^31-1 ms after 1 ms: `--pause 9999h` would skip the bake. */
export const MAX_DURATION_MS = 168 * UNIT_MS.h;

/** Go-style durations (`30s`, `1h30m`, `250ms`) to ms; a bare number is refused except `0` (as in Go and kubectl). */
export function parseDuration(raw: string, flag = '--timeout'): number {
  const text = raw.trim();
  if (text === '0') return 0;
  const re = /(\d+)(ms|h|m|s)/y;
  let total = 0;
  let pos = 0;
  const seen = new Set<string>();
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m || seen.has(m[2])) break;
    seen.add(m[2]);
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
  }
  if (text === '' || pos !== text.length) {
    throw new UsageError(
      `invalid duration ${quoteInput(raw)} for ${flag}: use a number with a unit, e.g. 30s, 5m, 1h30m`,
      {
        reason: 'InvalidDuration',
      },
    );
  }
  if (!(total <= MAX_DURATION_MS)) {
    throw new UsageError(`invalid duration ${quoteInput(raw)} for ${flag}: at most 168h (7 days)`, {
      reason: 'InvalidDuration',
    });
  }
  return total;
}

/** `--env K=V` sets, `--env K-` removes (kn's convention); the value may contain `=`. */
export function parseEnv(raw: string, flag = '--env'): EnvChange {
  const eq = raw.indexOf('=');
  if (eq < 0) {
    if (raw.endsWith('-') && raw.length > 1) return { name: validateEnvName(raw.slice(0, -1)), remove: true };
    throw new UsageError(`invalid ${flag} ${quoteInput(raw)}: expected KEY=VALUE, or KEY- to remove`, {
      reason: 'InvalidEnv',
    });
  }
  return { name: validateEnvName(raw.slice(0, eq)), value: raw.slice(eq + 1) };
}

/** Several `--env` values; a name given twice is refused rather than silently last-wins. */
export function parseEnvList(raws: string[], flag = '--env'): EnvChange[] {
  const out: EnvChange[] = [];
  for (const raw of raws) {
    const change = parseEnv(raw, flag);
    if (out.some((c) => c.name === change.name))
      throw new UsageError(`${flag} names ${quoteInput(change.name)} more than once`, { reason: 'InvalidEnv' });
    out.push(change);
  }
  return out;
}
