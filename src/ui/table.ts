// Column tables in the kubectl layout: upper-case headers, columns three spaces apart, no borders.
// Widths are measured on plain text and styles are applied after padding and truncation, so
// color never shifts a column. Truncation happens on a terminal only; pipes get full values.
import type { IOStreams } from './iostreams.js';
import { printable } from './sanitize.js';

/** A cell: plain text, or text plus a style applied after layout (e.g. a color). */
export type Cell = string | { text: string; style?: (s: string) => string };

/** Column definition. */
export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** May be shortened (with an ellipsis) when the table is wider than the terminal. */
  truncate?: boolean;
  /** Truncation never goes below this many characters (default 8, or the header width if larger). */
  minWidth?: number;
}

/** Layout options. */
export interface TableOptions {
  /** Truncate truncatable columns to fit this width; no truncation when undefined. */
  maxWidth?: number;
  /** Style for the header row (e.g. bold); none by default. */
  headerStyle?: (s: string) => string;
  /** `…` when true, `~` otherwise (7-bit output). */
  unicode?: boolean;
}

const GAP = '   ';

/** Display width of plain text: one column per code point (bgctl prints no wide characters). */
export function textWidth(s: string): number {
  return Array.from(s).length;
}

// Cells often carry cluster strings: shown with control characters escaped, so a value can
// neither drive the terminal nor break its row; widths are measured on what is shown.
function textOf(c: Cell): string {
  return printable(typeof c === 'string' ? c : c.text);
}

/** Shortens s to width columns, marking the cut with the ellipsis. */
export function truncate(s: string, width: number, ellipsis = '…'): string {
  const chars = Array.from(s);
  if (chars.length <= width) return s;
  if (width <= textWidth(ellipsis)) return chars.slice(0, width).join('');
  return chars.slice(0, width - textWidth(ellipsis)).join('') + ellipsis;
}

/** Shrinks truncatable columns, widest first, until the row fits maxWidth or nothing can shrink. */
function fitWidths(columns: Column[], widths: number[], maxWidth: number): number[] {
  const out = [...widths];
  const total = () => out.reduce((a, b) => a + b, 0) + GAP.length * (out.length - 1);
  const floor = columns.map((c) => Math.max(c.minWidth ?? 8, textWidth(c.header.toUpperCase())));
  while (total() > maxWidth) {
    let widest = -1;
    for (let i = 0; i < out.length; i++) {
      if (columns[i].truncate && out[i] > floor[i] && (widest < 0 || out[i] > out[widest])) widest = i;
    }
    if (widest < 0) break;
    out[widest] -= 1;
  }
  return out;
}

/** Renders header plus rows as text lines, each ending in a newline, without trailing blanks. */
export function renderTable(columns: Column[], rows: Cell[][], opts: TableOptions = {}): string {
  const headers = columns.map((c) => c.header.toUpperCase());
  let widths = columns.map((_, i) => Math.max(textWidth(headers[i]), ...rows.map((r) => textWidth(textOf(r[i] ?? '')))));
  if (opts.maxWidth !== undefined) widths = fitWidths(columns, widths, opts.maxWidth);
  const ellipsis = opts.unicode === false ? '~' : '…';

  const line = (cells: Cell[], headerRow: boolean) => {
    const parts = columns.map((col, i) => {
      const cell = cells[i] ?? '';
      const text = truncate(textOf(cell), widths[i], ellipsis);
      const pad = ' '.repeat(widths[i] - textWidth(text));
      const style = headerRow ? opts.headerStyle : typeof cell === 'string' ? undefined : cell.style;
      const shown = style && text !== '' ? style(text) : text;
      return col.align === 'right' ? pad + shown : shown + pad;
    });
    return parts.join(GAP).replace(/ +$/, '') + '\n';
  };
  return [line(headers, true), ...rows.map((r) => line(r, false))].join('');
}

/** Prints a table on stdout, fitted to the terminal width only when stdout is a terminal. */
export function printTable(io: IOStreams, columns: Column[], rows: Cell[][]): void {
  const tty = io.isStdoutTTY();
  io.out.write(
    renderTable(columns, rows, {
      maxWidth: tty ? io.terminalWidth() : undefined,
      headerStyle: io.colors().enabled ? io.colors().bold : undefined,
      unicode: io.unicodeEnabled(),
    }),
  );
}
