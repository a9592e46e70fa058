// What a fleet shows while it runs, on stderr: on a terminal one line per target (context, namespace, service,
// status, percent) redrawn in place; elsewhere one line per target each time its status changes. The targets'
// own narration is not shown (it would interleave); --verbose passes it through, each line prefixed by its target.
import { targetLabel, type FleetTarget } from '../../core/fleet.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { LiveRegion } from '../../ui/live-region.js';
import { printable } from '../../ui/sanitize.js';
import { renderTable, truncate } from '../../ui/table.js';

interface Line {
  status: string;
  percent?: number;
}

export class FleetProgress {
  readonly #lines = new Map<string, Line>();
  readonly #region: LiveRegion | undefined;

  constructor(
    private readonly io: IOStreams,
    private readonly targets: readonly FleetTarget[],
  ) {
    for (const t of targets) this.#lines.set(targetLabel(t), { status: 'waiting' });
    this.#region = io.isStderrTTY() ? new LiveRegion(io.err, true) : undefined;
    this.#draw();
  }

  /** A target's new status (a phase, `running`, an outcome); a repeat of the shown one writes nothing. */
  set(t: FleetTarget, status: string, percent?: number): void {
    const key = targetLabel(t);
    const prev = this.#lines.get(key);
    if (prev && prev.status === status && prev.percent === percent) return;
    this.#lines.set(key, { status, ...(percent !== undefined && { percent }) });
    if (this.#region) this.#draw();
    else {
      const at = percent !== undefined && status === 'split' ? ` ${percent}%` : '';
      this.io.err.write(printable(`${key}: ${status}${at}`) + '\n');
    }
  }

  /** A line a target's run wrote to its stderr (shown with --verbose only, prefixed). */
  narrate(t: FleetTarget, line: string): void {
    if (this.#region) return;
    this.io.err.write(printable(`[${targetLabel(t)}] ${line}`) + '\n');
  }

  #draw(): void {
    if (!this.#region) return;
    const { shown, hidden } = this.#fitted();
    const rows = shown.map((t) => {
      const l = this.#lines.get(targetLabel(t)) ?? { status: 'waiting' };
      return [t.context, t.namespace, t.service, l.status, l.percent !== undefined ? `${l.percent}%` : ''];
    });
    const text = renderTable(
      [
        { header: 'CONTEXT' },
        { header: 'NAMESPACE' },
        { header: 'SERVICE' },
        { header: 'STATUS' },
        { header: '%', align: 'right' },
      ],
      rows,
      { maxWidth: this.io.terminalWidth(), unicode: this.io.unicodeEnabled() },
    );
    const lines = text.split('\n').filter((l) => l !== '');
    if (hidden.length) {
      const dots = this.io.unicodeEnabled() ? '…' : '...';
      const more = `${dots} and ${hidden.length} more: ${summary(hidden, this.#lines)}`;
      lines.push(truncate(printable(more), this.io.terminalWidth(), dots));
    }
    this.#region.show(lines);
  }

  /**
   * The targets that fit the terminal's height (a cursor-up cannot reach above the screen's top, so a taller block
   * would leave a copy at each redraw): the ones in progress or failed first, the rest counted on a last line.
   */
  #fitted(): { shown: FleetTarget[]; hidden: FleetTarget[] } {
    const room = Math.max(1, this.io.terminalHeight() - 3);
    if (this.targets.length <= room + 1) return { shown: [...this.targets], hidden: [] };
    const quiet = (t: FleetTarget) => QUIET.has(this.#lines.get(targetLabel(t))?.status ?? 'waiting');
    const picked = new Set([...this.targets.filter((t) => !quiet(t)), ...this.targets.filter(quiet)].slice(0, room));
    return { shown: this.targets.filter((t) => picked.has(t)), hidden: this.targets.filter((t) => !picked.has(t)) };
  }
}

/** Statuses with nothing to watch: shown only when there is room. */
const QUIET = new Set(['waiting', 'promoted', 'not started', 'unchanged', 'skipped']);

function summary(targets: readonly FleetTarget[], lines: ReadonlyMap<string, Line>): string {
  const counts = new Map<string, number>();
  for (const t of targets) {
    const status = lines.get(targetLabel(t))?.status ?? 'waiting';
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}
