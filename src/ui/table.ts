// Column tables in the kubectl layout (upper-case headers, three spaces apart, no borders). Widths are measured on
// the escaped text before color, styles applied after padding and cutting; cutting to the terminal's width happens
// on a terminal only, pipes get whole values.
import type { IOStreams } from './iostreams.js';
import { printable } from './sanitize.js';
import { cutToWidth, displayWidth } from './text-width.js';

/** A cell: plain text, or text plus a style applied after layout (e.g. a color). */
export type Cell = string | { text: string; style?: (s: string) => string };

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** May be cut when too wide: `early` columns (reasons, messages, tags) before `late` ones (URLs, images). */
  cut?: 'early' | 'late';
  /** Cut the start instead of the end (images: the tag at the end tells revisions apart). */
  cutFrom?: 'end' | 'start';
  /** Cutting stops at this width (default 8, or the header's if larger); 0: hidden rather than cut below its header. */
  minWidth?: number;
}

export interface TableOptions {
  /** Cut cells so that no line is wider than this; nothing is cut when undefined (pipes). */
  maxWidth?: number;
  headerStyle?: (s: string) => string;
  /** `…` when true, `~` otherwise (7-bit output). */
  unicode?: boolean;
}

const GAP = '   ';

/** Display width of plain text (see text-width.ts): wide characters count two, marks none. */
export function textWidth(s: string): number {
  return displayWidth(s);
}

// Cluster strings are shown with control characters escaped (they can neither drive the terminal nor break a row).
function textOf(c: Cell): string {
  return printable(typeof c === 'string' ? c : c.text);
}

export function truncate(s: string, width: number, ellipsis = '…'): string {
  return cutToWidth(s, width, ellipsis);
}

/** Width of a row of columns of these widths; a column of width 0 is hidden with its gap. */
export function rowWidth(widths: readonly number[]): number {
  const shown = widths.filter((w) => w > 0);
  return shown.reduce((a, b) => a + b, 0) + GAP.length * Math.max(0, shown.length - 1);
}

/** Widths that fit maxWidth: `early` columns cut first (widest first), then `late`, then from the right edge. */
export function fitWidths(
  columns: readonly Pick<Column, 'header' | 'cut' | 'minWidth'>[],
  widths: readonly number[],
  maxWidth: number,
): number[] {
  const out = [...widths];
  const headerWidth = columns.map((c) => textWidth(c.header.toUpperCase()));
  const floor = columns.map((c, i) => (c.minWidth === 0 ? 0 : Math.max(c.minWidth ?? 8, headerWidth[i])));
  for (const stage of ['early', 'late'] as const) {
    while (rowWidth(out) > maxWidth) {
      let widest = -1;
      for (let i = 0; i < out.length; i++) {
        if (columns[i].cut === stage && out[i] > floor[i] && (widest < 0 || out[i] > out[widest])) widest = i;
      }
      if (widest < 0) break;
      out[widest] = out[widest] > headerWidth[widest] ? out[widest] - 1 : 0;
    }
  }
  for (let i = out.length - 1; i > 0 && rowWidth(out) > maxWidth; i--) {
    const over = rowWidth(out) - maxWidth;
    // Keep at least two columns of a cut column (a character and the ellipsis), else hide it.
    out[i] = out[i] - over >= 2 ? out[i] - over : 0;
  }
  if (rowWidth(out) > maxWidth) out[0] = Math.max(1, maxWidth);
  return out;
}

/** Widths of the columns with every value whole (what a pipe gets). */
function naturalWidths(columns: readonly Column[], rows: readonly Cell[][]): number[] {
  return columns.map((c, i) =>
    Math.max(textWidth(c.header.toUpperCase()), ...rows.map((r) => textWidth(textOf(r[i] ?? '')))),
  );
}

/** Width of the widest line the table has when nothing is cut. */
export function naturalTableWidth(columns: readonly Column[], rows: readonly Cell[][]): number {
  return rowWidth(naturalWidths(columns, rows).map((w) => Math.max(w, 1)));
}

/** Renders header plus rows as text lines, each ending in a newline, without trailing blanks. */
export function renderTable(columns: Column[], rows: Cell[][], opts: TableOptions = {}): string {
  const headers = columns.map((c) => c.header.toUpperCase());
  let widths = naturalWidths(columns, rows).map((w) => Math.max(w, 1));
  if (opts.maxWidth !== undefined) widths = fitWidths(columns, widths, opts.maxWidth);
  const ellipsis = opts.unicode === false ? '~' : '…';

  const line = (cells: Cell[], headerRow: boolean) => {
    const parts: string[] = [];
    columns.forEach((col, i) => {
      if (widths[i] === 0) return;
      const cell = cells[i] ?? '';
      const whole = textOf(cell);
      const text = cutToWidth(whole, widths[i], ellipsis, col.cutFrom);
      const pad = ' '.repeat(Math.max(0, widths[i] - textWidth(text)));
      const style = headerRow ? opts.headerStyle : typeof cell === 'string' ? undefined : cell.style;
      const shown = style && text !== '' ? style(text) : text;
      parts.push(col.align === 'right' ? pad + shown : shown + pad);
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
