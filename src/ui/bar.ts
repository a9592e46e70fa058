// Percent bars for traffic splits: `█`/`░` on a terminal, 7-bit `#`/`.` in pipes and logs (grep-friendly);
// color, when on, only tints the filled part.
import type { ColorScheme } from './colors.js';

export interface BarOptions {
  /** Cells; 20 by default (5% per cell). */
  width?: number;
  /** `█`/`░` when true, `#`/`.` when false. */
  unicode: boolean;
  colors?: ColorScheme;
}

/** Number of filled cells: rounded, but never empty for a non-zero share and never full below 100%. */
export function filledCells(percent: number, width: number): number {
  const p = Number.isFinite(percent) ? Math.min(100, Math.max(0, percent)) : 0;
  let n = Math.round((p / 100) * width);
  if (p > 0 && n === 0) n = 1;
  if (p < 100 && n === width) n = width - 1;
  return n;
}

/** A fixed-width bar for percent (0–100; undefined counts as 0, as Knative treats an omitted percent). */
export function percentBar(percent: number | undefined, opts: BarOptions): string {
  const width = opts.width ?? 20;
  const n = filledCells(percent ?? 0, width);
  const [full, empty] = opts.unicode ? ['█', '░'] : ['#', '.'];
  const filled = full.repeat(n);
  const rest = empty.repeat(width - n);
  return opts.colors ? opts.colors.accent(filled) + opts.colors.muted(rest) : filled + rest;
}

/** Percent as text, right-aligned to 4 characters ("  0%", " 50%", "100%"). */
export function percentText(percent: number | undefined): string {
  return `${percent ?? 0}%`.padStart(4);
}
