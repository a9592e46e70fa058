// Shows a block of lines that changes over time. On a terminal the block is redrawn in place: cursor up over
// the previous block, each line cleared and rewritten, the rest of the old block cleared. Elsewhere (pipes,
// logs) each new block is printed below the last, after a blank line. Either way a block equal to the one shown
// is not written again, so a pipe gets one block per change, not one per tick.
import type { Writable } from 'node:stream';

const ESC = '\u001b[';

export class LiveRegion {
  #shown: string[] | undefined;

  /**
   * `inPlace`: redraw with cursor escapes (only on a terminal, whose lines are cut to its width); `height`: the
   * terminal's rows, read at every redraw. A cursor-up cannot reach above the top of the screen, so a block taller
   * than the terminal would leave a copy of itself at each redraw: its end is cut and counted on a last line.
   */
  constructor(
    private readonly out: Writable,
    private readonly inPlace: boolean,
    private readonly height?: () => number,
  ) {}

  /** Shows `lines` (no line ends) unless they are what is shown; true when something was written. */
  show(all: readonly string[]): boolean {
    const lines = this.fitted(all);
    const prev = this.#shown;
    if (prev && prev.length === lines.length && prev.every((l, i) => l === lines[i])) return false;
    this.#shown = [...lines];
    if (!this.inPlace) {
      this.out.write((prev ? '\n' : '') + lines.map((l) => l + '\n').join(''));
      return true;
    }
    // From the start of the line below the block: up over it, then clear-line before every line written and
    // clear-below after the last, for a block shorter than the one before.
    const up = prev && prev.length > 0 ? `\r${ESC}${prev.length}A` : '';
    this.out.write(up + lines.map((l) => `${ESC}2K${l}\n`).join('') + (prev ? `${ESC}J` : ''));
    return true;
  }

  private fitted(lines: readonly string[]): readonly string[] {
    if (!this.inPlace || !this.height) return lines;
    // One row is left for the cursor below the block.
    const room = Math.max(2, this.height() - 1);
    if (lines.length <= room) return lines;
    const hidden = lines.length - room + 1;
    return [
      ...lines.slice(0, room - 1),
      `(${hidden} more line${hidden === 1 ? '' : 's'}: a taller terminal shows them)`,
    ];
  }
}
