// How an evaluation of the gates shows on stderr: one line in a pipe, a table (redrawn in place) on a terminal.
// Gate texts are the user's own, revision names the cluster's: both go through printable().
import type { GateOutcome } from '../../core/gates/tracker.js';
import type { GateVerdict } from '../../core/gates/evaluate.js';
import { formatUnitValue } from '../../core/gates/units.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { printable } from '../../ui/sanitize.js';
import { renderTable, type Cell } from '../../ui/table.js';

export interface EvaluationShown {
  percent: number;
  evaluation: number;
  elapsedMs: number;
  durationMs: number;
  windowMs: number;
  verdicts: readonly GateVerdict[];
  outcome: GateOutcome;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;
const value = (v: number | undefined, g: GateVerdict) => (v === undefined ? '-' : formatUnitValue(v, g.unit));
const shownVerdict = (g: GateVerdict) => (g.verdict === 'insufficient-data' ? 'waiting' : g.verdict);

function heading(e: EvaluationShown): string {
  const where = e.percent > 0 ? `at ${e.percent}%` : 'on synthetic load';
  const end = e.outcome === 'passed' ? ': passed' : e.outcome === 'failed' ? ': FAILED' : '';
  return (
    `Gates ${where}, evaluation ${e.evaluation} ` +
    `(${seconds(e.elapsedMs)} of ${seconds(e.durationMs)}, window ${seconds(e.windowMs)})${end}`
  );
}

/** One line per evaluation: each gate's verdict and value, then the failing gates' reasons when it failed. */
export function evaluationLine(e: EvaluationShown, io: IOStreams): string {
  const c = io.colors();
  const gates = e.verdicts.map((g) => `${printable(g.gate)} ${shownVerdict(g)} ${value(g.value, g)}`).join(' · ');
  const line = `${heading(e)}: ${gates}`;
  const failing = e.outcome === 'failed' ? e.verdicts.filter((g) => g.verdict !== 'pass') : [];
  return [line, ...failing.map((g) => `  ${c.failIcon} ${printable(g.message)}`)].join('\n');
}

/** The measures × revisions table of one evaluation (gate, candidate value, stable value, threshold, verdict). */
export function evaluationTable(e: EvaluationShown, io: IOStreams): string {
  const c = io.colors();
  const style = (v: string) => (v === 'pass' ? c.success : v === 'fail' ? c.fail : c.warn);
  const first = e.verdicts[0];
  const rows: Cell[][] = e.verdicts.map((g) => [
    printable(g.gate),
    value(g.value, g),
    g.stableRevision ? value(g.stableValue, g) : '-',
    value(g.threshold, g),
    { text: shownVerdict(g), style: style(g.verdict) },
  ]);
  const table = renderTable(
    [
      { header: 'gate' },
      { header: first ? printable(first.revision) : 'candidate', align: 'right', cut: 'early' },
      { header: first?.stableRevision ? printable(first.stableRevision) : 'stable', align: 'right', cut: 'early' },
      { header: 'threshold', align: 'right' },
      { header: 'verdict' },
    ],
    rows,
    { maxWidth: io.terminalWidth(), headerStyle: c.enabled ? c.bold : undefined, unicode: io.unicodeEnabled() },
  );
  const failing = e.outcome === 'failed' ? e.verdicts.filter((g) => g.verdict !== 'pass') : [];
  return `${heading(e)}\n${table}` + failing.map((g) => `${c.failIcon} ${printable(g.message)}\n`).join('');
}
