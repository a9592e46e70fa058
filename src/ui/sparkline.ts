// A sparkline of recent samples (`▁▂▃▄▅▆▇█`), scaled from 0 to the largest sample shown, so a flat line of
// zeros stays at the bottom and one busy sample does not flatten the rest forever (it scrolls out). A missing
// sample (a failed query) is a space: a gap, not a zero.
const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** The last `width` samples as a sparkline (Unicode only; callers leave it out of 7-bit output). */
export function sparkline(values: readonly (number | undefined)[], width = values.length): string {
  const shown = values.slice(Math.max(0, values.length - width));
  const finite = shown.filter((v): v is number => v !== undefined && Number.isFinite(v) && v >= 0);
  const max = finite.length ? Math.max(...finite) : 0;
  return shown
    .map((v) => {
      if (v === undefined || !Number.isFinite(v) || v < 0) return ' ';
      if (max === 0) return LEVELS[0];
      return LEVELS[Math.min(LEVELS.length - 1, Math.round((v / max) * (LEVELS.length - 1)))];
    })
    .join('');
}
