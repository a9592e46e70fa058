// The table form of an Analysis: one row per revision (its measures), then one row per gate verdict.
import { formatUnitValue } from '../../core/gates/units.js';
import type { MeasureUnit } from '../../core/gates/types.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { printable } from '../../ui/sanitize.js';
import { renderTable, type Cell, type Column } from '../../ui/table.js';
import type { AnalysisDocument } from './analysis.js';

const show = (v: number | null | undefined, unit: MeasureUnit): string =>
  v === null || v === undefined ? '-' : formatUnitValue(v, unit);

export function renderAnalysis(doc: AnalysisDocument, io: IOStreams): string {
  const c = io.colors();
  const opts = {
    maxWidth: io.isStdoutTTY() ? io.terminalWidth() : undefined,
    headerStyle: c.enabled ? c.bold : undefined,
    unicode: io.unicodeEnabled(),
  };
  const custom = doc.revisions[0]?.custom ? Object.keys(doc.revisions[0].custom) : [];
  const columns: Column[] = [
    { header: 'revision' },
    { header: 'role' },
    { header: 'tags', cut: 'early' },
    { header: 'traffic', align: 'right' },
    { header: 'requests', align: 'right' },
    { header: 'rate', align: 'right' },
    { header: 'errors', align: 'right' },
    { header: 'p50', align: 'right' },
    { header: 'p95', align: 'right' },
    { header: 'p99', align: 'right' },
    ...custom.map((name): Column => ({ header: name, align: 'right' })),
  ];
  const rows: Cell[][] = doc.revisions.map((r) => [
    printable(r.name),
    r.role,
    printable(r.tags.join(',')) || '-',
    `${r.percent}%`,
    show(r.requests, 'count'),
    r.requestRate === null ? '-' : `${Number(r.requestRate.toPrecision(3))}/s`,
    show(r.errorRate, 'percent'),
    show(r.latencyMs.p50, 'duration'),
    show(r.latencyMs.p95, 'duration'),
    show(r.latencyMs.p99, 'duration'),
    ...custom.map((name) => show(r.custom?.[name], 'number')),
  ]);
  const head =
    `Service: ${printable(doc.service)} (namespace ${printable(doc.namespace ?? 'default')})\n` +
    `Metrics: ${printable(doc.prometheus)}, preset ${doc.preset}, window ${doc.windowSeconds}s\n\n`;
  let out = head + renderTable(columns, rows, opts);
  if (doc.gates.length === 0)
    return doc.verdict === 'none' ? out : `${out}\nVerdict: ${doc.verdict} (${doc.message})\n`;

  const style = (verdict: string) => (verdict === 'pass' ? c.success : verdict === 'fail' ? c.fail : c.warn);
  const gateRows: Cell[][] = doc.gates.map((g) => [
    printable(g.gate),
    printable(g.revision),
    show(g.value, g.unit),
    show(g.threshold, g.unit),
    g.stableRevision ? `${show(g.stableValue, g.unit)} (${printable(g.stableRevision)})` : '-',
    { text: g.verdict, style: style(g.verdict) },
    g.reason ?? '',
  ]);
  out +=
    '\n' +
    renderTable(
      [
        { header: 'gate' },
        { header: 'revision' },
        { header: 'value', align: 'right' },
        { header: 'threshold', align: 'right' },
        { header: 'stable', cut: 'early' },
        { header: 'verdict' },
        { header: 'reason' },
      ],
      gateRows,
      opts,
    );
  const failing = doc.gates.filter((g) => g.verdict !== 'pass');
  for (const g of failing) out += `${c.failIcon} ${printable(g.message)}\n`;
  out += `\nVerdict: ${doc.verdict}\n`;
  return out;
}
