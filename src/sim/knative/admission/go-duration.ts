// Go's time.ParseDuration, for the rollout-duration annotation: "300ms", "-1.5h", "2h45m", "0".

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n, // U+00B5 micro sign
  μs: 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_NS = (1n << 63n) - 1n;

/** Nanoseconds of a Go duration string, or undefined where Go's ParseDuration returns an error. */
export function parseGoDuration(input: string): bigint | undefined {
  let s = input;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  const part = /^(\d*)(?:\.(\d*))?([^\d.]+)/;
  while (s !== '') {
    const m = part.exec(s);
    if (!m) return undefined; // a number without a unit, or garbage
    const [whole, intDigits, fracDigits = '', unitText] = m;
    if (intDigits === '' && fracDigits === '') return undefined;
    // The unit runs until the next digit or dot, as in Go.
    const unit = UNIT_NS[unitText];
    if (unit === undefined) return undefined;
    let ns = BigInt(intDigits || '0') * unit;
    if (fracDigits !== '') ns += (BigInt(fracDigits) * unit) / 10n ** BigInt(fracDigits.length);
    total += ns;
    if (total > MAX_NS + (negative ? 1n : 0n)) return undefined;
    s = s.slice(whole.length);
  }
  return negative ? -total : total;
}
