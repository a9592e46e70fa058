// The live view as lines (a pure function of the view model and the terminal policy): the service header, the
// rollout phase, the traffic table with bars and readiness, and with Prometheus a table of request rate, error
// rate, p95 and a sparkline per revision. Every cluster and HTTP string goes through printable() (tables do it
// per cell); on a terminal every line is cut to the width, so a redraw can count its lines.
import type { LiveView, MeasuredRevision } from '../core/views/live-view.js';
import type { ColorScheme } from './colors.js';
import { rolloutLines } from './rollout-text.js';
import { printable } from './sanitize.js';
import { sparkline } from './sparkline.js';
import { renderTable, type Cell, type Column } from './table.js';
import { cutToWidth } from './text-width.js';
import { renderTraffic } from './traffic-table.js';

export interface LiveRenderOptions {
  colors?: ColorScheme;
  unicode?: boolean;
  /** The terminal's width: every line is cut to it; undefined in pipes. */
  maxWidth?: number;
  /** Samples in the sparkline column; 0 (or unset) leaves the column out, as 7-bit output does. */
  sparklineWidth?: number;
}

const dash = '-';

/** `12.3/s`, or `-` without data. */
export function formatRate(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? dash : `${v.toFixed(1)}/s`;
}

/** `0.5%`, or `-` without data. */
export function formatPercent(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? dash : `${v.toFixed(1)}%`;
}

/** `21ms`, `1.25s`, `+Inf` (the +Inf bucket), or `-` without data. */
export function formatLatency(ms: number | undefined): string {
  if (ms === undefined || Number.isNaN(ms)) return dash;
  if (ms === Infinity) return '+Inf';
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
}

function windowText(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

function metricRows(revisions: readonly MeasuredRevision[], opts: LiveRenderOptions): [Column[], Cell[][]] {
  const trend = (opts.sparklineWidth ?? 0) > 0;
  const columns: Column[] = [
    { header: 'revision' },
    { header: 'role', cut: 'early' },
    { header: 'traffic', align: 'right' },
    { header: 'rate', align: 'right' },
    { header: 'errors', align: 'right' },
    { header: 'p95', align: 'right' },
    ...(trend ? [{ header: 'trend', cut: 'early' as const, minWidth: 0 }] : []),
  ];
  const c = opts.colors;
  const rows = revisions.map((r): Cell[] => {
    const errors = formatPercent(r.latest?.errorRate);
    const bad = (r.latest?.errorRate ?? 0) > 0;
    return [
      r.name,
      r.role === 'other' ? r.tags.join(',') || dash : r.role,
      `${r.percent}%`,
      formatRate(r.latest?.requestRate),
      c && bad ? { text: errors, style: c.fail } : errors,
      formatLatency(r.latest?.p95Ms),
      ...(trend ? [sparkline(r.history, opts.sparklineWidth)] : []),
    ];
  });
  return [columns, rows];
}

/** The live view as lines without line ends, ready for a LiveRegion. */
export function renderLiveView(view: LiveView, opts: LiveRenderOptions = {}): string[] {
  const c = opts.colors;
  const fit = (line: string) =>
    opts.maxWidth === undefined ? line : cutToWidth(line, opts.maxWidth, opts.unicode ? '…' : '~');
  const bold = (s: string) => (c ? c.bold(s) : s);
  const tableLines = (text: string) => text.replace(/\n$/, '').split('\n');

  const ns = view.namespace ? ` (namespace ${view.namespace})` : '';
  const why = view.ready.status !== 'True' && view.ready.reason ? ` (${view.ready.reason})` : '';
  const readyText = view.ready.status + why;
  const [phase, roles] = rolloutLines(view.rollout);
  const lines: string[] = [
    fit(printable(`Service: ${view.name}${ns}`)),
    fit(printable(`URL:     ${view.url ?? dash}`)),
    fit(printable(`Ready:   ${readyText}`)),
    fit(printable(`Rollout: ${phase}`)),
    ...(roles ? [fit(`  ${printable(roles)}`)] : []),
    '',
    bold('Traffic'),
    ...tableLines(
      renderTraffic(view.traffic, {
        readiness: view.readiness,
        latestRevisionName: view.latestReadyRevisionName,
        colors: c,
        unicode: opts.unicode,
        maxWidth: opts.maxWidth,
      }),
    ),
  ];

  const m = view.metrics;
  if (m) {
    lines.push('', bold(fit(printable(`Metrics (last ${windowText(m.windowSeconds)}, ${m.prometheus})`))));
    if (m.revisions.length) {
      const [columns, rows] = metricRows(m.revisions, opts);
      lines.push(
        ...tableLines(
          renderTable(columns, rows, { maxWidth: opts.maxWidth, unicode: opts.unicode, headerStyle: c?.bold }),
        ),
      );
    } else {
      lines.push('no revision with traffic or a tag to measure');
    }
    if (m.error) lines.push(warn(fit(printable(`Prometheus error: ${m.error}`)), c));
  }
  if (view.clusterError) lines.push(warn(fit(printable(`Cluster error: ${view.clusterError}`)), c));
  return lines;
}

function warn(line: string, c: ColorScheme | undefined): string {
  return c ? c.warn(line) : line;
}
