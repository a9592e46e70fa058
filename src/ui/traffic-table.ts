// Traffic targets as tables: the current split (status) and a before/after plan (dry runs, confirmations). As in
// Knative, an omitted percent is 0; `latestRevision: true` is shown as "@latest" (as kn does).
import type { ConditionStatus, TrafficTarget } from '../core/knative-types.js';
import { pairTraffic, routeRef, type TrafficChange } from '../core/traffic.js';
import { percentBar, percentText } from './bar.js';
import type { ColorScheme } from './colors.js';
import type { IOStreams } from './iostreams.js';
import { naturalTableWidth, renderTable, type Cell, type Column } from './table.js';

export type Readiness = Record<string, ConditionStatus>;

/** Rendering options; the defaults (no colors, ASCII, no width limit) give stable golden text. */
export interface TrafficRenderOptions {
  readiness?: Readiness;
  latestRevisionName?: string;
  colors?: ColorScheme;
  unicode?: boolean;
  /** Cells of the percent bar (20 by default; 0: the percent alone). */
  barWidth?: number;
  /** The terminal's width: the bar narrows first, then cells are cut (URLs last); undefined in pipes. */
  maxWidth?: number;
}

const MARKERS: Record<TrafficChange, string> = { added: '+', removed: '-', changed: '~', unchanged: ' ' };

/** The revision a target routes to, if known (for readiness lookups). */
function resolvedName(t: TrafficTarget, latest: string | undefined): string | undefined {
  return t.revisionName ?? (t.latestRevision ? latest : undefined);
}

/** "hello-00002", "@latest (hello-00002)" or "@latest". */
export function revisionLabel(t: TrafficTarget, latestRevisionName?: string): string {
  if (!t.latestRevision) return routeRef(t);
  const name = t.revisionName ?? latestRevisionName;
  return name ? `@latest (${name})` : '@latest';
}

function readyCell(name: string | undefined, opts: TrafficRenderOptions): Cell {
  const status = name ? opts.readiness?.[name] : undefined;
  if (!status) return '-';
  const c = opts.colors;
  if (!c) return status;
  return { text: status, style: status === 'True' ? c.success : status === 'False' ? c.fail : c.warn };
}

function trafficCell(percent: number | undefined, opts: TrafficRenderOptions): Cell {
  const bar = { width: opts.barWidth ?? 20, unicode: opts.unicode ?? false };
  if (bar.width === 0) return percentText(percent).trim();
  const text = `${percentBar(percent, bar)} ${percentText(percent)}`;
  if (!opts.colors) return text;
  // The bar is colored cell by cell, so the style swaps in the colored bar, unless the cell was cut.
  const colored = `${percentBar(percent, { ...bar, colors: opts.colors })} ${percentText(percent)}`;
  return { text, style: (shown) => (shown === text ? colored : shown) };
}

/** The current split: REVISION, TAG, TRAFFIC (bar and percent), READY, URL. */
export function renderTraffic(targets: readonly TrafficTarget[], opts: TrafficRenderOptions = {}): string {
  return fitBar(opts, (o) => trafficTable(targets, o));
}

function trafficTable(targets: readonly TrafficTarget[], opts: TrafficRenderOptions): [Column[], Cell[][]] {
  const columns: Column[] = [
    { header: 'revision' },
    { header: 'tag', cut: 'early' },
    { header: 'traffic' },
    { header: 'ready' },
    { header: 'url', cut: 'late', minWidth: 16 },
  ];
  const rows = targets.map((t): Cell[] => [
    revisionLabel(t, opts.latestRevisionName),
    t.tag ?? '-',
    trafficCell(t.percent, opts),
    readyCell(resolvedName(t, opts.latestRevisionName), opts),
    t.url ?? '-',
  ]);
  return [columns, rows];
}

/** Renders a table with percent bars at the widest bar (20, 10 cells, none) that needs no cutting, else cuts cells. */
function fitBar(opts: TrafficRenderOptions, table: (o: TrafficRenderOptions) => [Column[], Cell[][]]): string {
  const render = (o: TrafficRenderOptions) => {
    const [columns, rows] = table(o);
    return renderTable(columns, rows, { maxWidth: o.maxWidth, unicode: o.unicode, headerStyle: o.colors?.bold });
  };
  if (opts.maxWidth === undefined || opts.barWidth !== undefined) return render(opts);
  for (const barWidth of [20, 10]) {
    const [columns, rows] = table({ ...opts, barWidth });
    if (naturalTableWidth(columns, rows) <= opts.maxWidth) return render({ ...opts, barWidth });
  }
  return render({ ...opts, barWidth: 0 });
}

/** A plan: per target a marker (+ - ~), the tag (old → new), the percent before, a bar for the one after, readiness. */
export function renderTrafficPlan(
  before: readonly TrafficTarget[],
  after: readonly TrafficTarget[],
  opts: TrafficRenderOptions = {},
): string {
  return fitBar(opts, (o) => planTable(before, after, o));
}

function planTable(
  before: readonly TrafficTarget[],
  after: readonly TrafficTarget[],
  opts: TrafficRenderOptions,
): [Column[], Cell[][]] {
  const c = opts.colors;
  const arrow = opts.unicode ? ' → ' : ' -> ';
  const rowStyle: Record<TrafficChange, ((s: string) => string) | undefined> = {
    added: c?.success,
    removed: c?.fail,
    changed: c?.warn,
    unchanged: c?.muted,
  };
  const columns: Column[] = [
    { header: '' },
    { header: 'revision' },
    { header: 'tag', cut: 'early' },
    { header: 'before', align: 'right' },
    { header: 'after' },
    { header: 'ready' },
  ];
  const rows = pairTraffic(before, after).map(({ change, before: b, after: a }): Cell[] => {
    const t = (a ?? b) as TrafficTarget;
    const style = rowStyle[change];
    const styled = (text: string): Cell => (style && change !== 'unchanged' ? { text, style } : text);
    const tag = b && a && b.tag !== a.tag ? `${b.tag ?? '-'}${arrow}${a.tag ?? '-'}` : (t.tag ?? '-');
    return [
      style ? { text: MARKERS[change], style } : MARKERS[change],
      styled(revisionLabel(t, opts.latestRevisionName)),
      styled(tag),
      b ? percentText(b.percent).trim() : '-',
      a ? trafficCell(a.percent, opts) : '-',
      readyCell(resolvedName(t, opts.latestRevisionName), opts),
    ];
  });
  return [columns, rows];
}

function ioOptions(
  io: IOStreams,
  opts: Pick<TrafficRenderOptions, 'readiness' | 'latestRevisionName'>,
): TrafficRenderOptions {
  return {
    ...opts,
    colors: io.colors().enabled ? io.colors() : undefined,
    unicode: io.unicodeEnabled(),
    maxWidth: io.isStdoutTTY() ? io.terminalWidth() : undefined,
  };
}

/** Prints the current split on stdout with the terminal's color, glyph and width policy. */
export function printTraffic(
  io: IOStreams,
  targets: readonly TrafficTarget[],
  opts: Pick<TrafficRenderOptions, 'readiness' | 'latestRevisionName'> = {},
): void {
  io.out.write(renderTraffic(targets, ioOptions(io, opts)));
}

/** Prints a before/after plan: on stdout (a --dry-run result), on stderr with `stream: 'err'` (before a prompt). */
export function printTrafficPlan(
  io: IOStreams,
  before: readonly TrafficTarget[],
  after: readonly TrafficTarget[],
  opts: Pick<TrafficRenderOptions, 'readiness' | 'latestRevisionName'> & { stream?: 'out' | 'err' } = {},
): void {
  const { stream = 'out', ...rest } = opts;
  io[stream].write(renderTrafficPlan(before, after, ioOptions(io, rest)));
}
