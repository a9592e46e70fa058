// Traffic targets as tables: the current split (status) and a before/after plan (dry runs,
// confirmations). Field meanings follow Knative: an omitted percent is 0, `latestRevision: true`
// follows the newest ready revision and is shown as "@latest" (as kn does).
import type { ConditionStatus, TrafficTarget } from '../core/knative-types.js';
import { pairTraffic, routeRef, type TrafficChange } from '../core/traffic.js';
import { percentBar, percentText } from './bar.js';
import type { ColorScheme } from './colors.js';
import type { IOStreams } from './iostreams.js';
import { renderTable, type Cell, type Column } from './table.js';

/** Ready condition status per revision name. */
export type Readiness = Record<string, ConditionStatus>;

/** Rendering options; the defaults (no colors, ASCII, no width limit) give stable golden text. */
export interface TrafficRenderOptions {
  readiness?: Readiness;
  /** Names the revision behind `latestRevision: true` targets that carry no revisionName. */
  latestRevisionName?: string;
  colors?: ColorScheme;
  unicode?: boolean;
  barWidth?: number;
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
  const text = `${percentBar(percent, bar)} ${percentText(percent)}`;
  if (!opts.colors) return text;
  // This column is never truncated, so the style can return the pre-colored bar as a whole.
  const colored = `${percentBar(percent, { ...bar, colors: opts.colors })} ${percentText(percent)}`;
  return { text, style: () => colored };
}

/** The current split: REVISION, TAG, TRAFFIC (bar and percent), READY, URL. */
export function renderTraffic(targets: readonly TrafficTarget[], opts: TrafficRenderOptions = {}): string {
  const columns: Column[] = [
    { header: 'revision' },
    { header: 'tag' },
    { header: 'traffic' },
    { header: 'ready' },
    { header: 'url', truncate: true, minWidth: 16 },
  ];
  const rows = targets.map((t): Cell[] => [
    revisionLabel(t, opts.latestRevisionName),
    t.tag ?? '-',
    trafficCell(t.percent, opts),
    readyCell(resolvedName(t, opts.latestRevisionName), opts),
    t.url ?? '-',
  ]);
  return renderTable(columns, rows, { maxWidth: opts.maxWidth, unicode: opts.unicode, headerStyle: opts.colors?.bold });
}

/**
 * A plan: one row per target with a marker (+ added, - removed, ~ changed, blank unchanged),
 * the tag (old → new when re-tagged), the percent before, a bar for the percent after, and readiness.
 */
export function renderTrafficPlan(
  before: readonly TrafficTarget[],
  after: readonly TrafficTarget[],
  opts: TrafficRenderOptions = {},
): string {
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
    { header: 'tag' },
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
  return renderTable(columns, rows, { maxWidth: opts.maxWidth, unicode: opts.unicode, headerStyle: c?.bold });
}

function ioOptions(io: IOStreams, opts: Pick<TrafficRenderOptions, 'readiness' | 'latestRevisionName'>): TrafficRenderOptions {
  return {
    ...opts,
    colors: io.colors().enabled ? io.colors() : undefined,
    unicode: io.unicodeEnabled(),
    maxWidth: io.isStdoutTTY() ? io.terminalWidth() : undefined,
  };
}

/** Prints the current split on stdout with the terminal's color, glyph and width policy. */
export function printTraffic(io: IOStreams, targets: readonly TrafficTarget[], opts: Pick<TrafficRenderOptions, 'readiness' | 'latestRevisionName'> = {}): void {
  io.out.write(renderTraffic(targets, ioOptions(io, opts)));
}

/**
 * Prints a before/after plan with the terminal's color, glyph and width policy: on stdout by
 * default (a --dry-run result), on stderr with `stream: 'err'` (context for a confirmation prompt).
 */
export function printTrafficPlan(
  io: IOStreams,
  before: readonly TrafficTarget[],
  after: readonly TrafficTarget[],
  opts: Pick<TrafficRenderOptions, 'readiness' | 'latestRevisionName'> & { stream?: 'out' | 'err' } = {},
): void {
  const { stream = 'out', ...rest } = opts;
  io[stream].write(renderTrafficPlan(before, after, ioOptions(io, rest)));
}
