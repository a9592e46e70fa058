// Human output of `status`: the detail block of one service and the one-line-per-service list (plain with color
// off, for golden tests).
import type { Condition } from '../../core/knative-types.js';
import type { ServiceSummary } from '../../core/views/service-status-list.js';
import type { RevisionListRow } from '../../core/views/revision-list.js';
import type { serviceStatusView } from '../../core/views/service-status.js';
import { timeCell } from '../../ui/age.js';
import type { ColorScheme } from '../../ui/colors.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { printable } from '../../ui/sanitize.js';
import { renderTable, type Cell, type Column } from '../../ui/table.js';
import { cutToWidth } from '../../ui/text-width.js';
import {
  describeGradualRollout,
  describeGradualRolloutShort,
  rollingOutNote,
  type GradualRolloutView,
} from '../../core/gradual-rollout.js';
import { renderTraffic, type Readiness } from '../../ui/traffic-table.js';
import { describeRollout } from '../../ui/rollout-text.js';

export { describeRollout };

type StatusDoc = ReturnType<typeof serviceStatusView>;

/** Terminal policy for renderers (all optional: the defaults give plain, stable text). */
export interface RenderOptions {
  colors?: ColorScheme;
  unicode?: boolean;
  maxWidth?: number;
  relativeTimes?: boolean;
  now?: Date;
  /** Newest revisions shown in `status` besides the routed, tagged and latest ones; the rest are counted. */
  revisionLimit?: number;
}

/** The terminal's policy as RenderOptions: color, glyphs, width and relative times only on a terminal. */
export function renderOptions(io: IOStreams, now: Date): RenderOptions {
  const tty = io.isStdoutTTY();
  return {
    colors: io.colors().enabled ? io.colors() : undefined,
    unicode: io.unicodeEnabled(),
    maxWidth: tty ? io.terminalWidth() : undefined,
    relativeTimes: tty,
    now,
  };
}

function readyCell(status: string, c?: ColorScheme, text = status): Cell {
  if (!c) return text;
  return { text, style: status === 'True' ? c.success : status === 'False' ? c.fail : c.warn };
}

function conditionRows(conds: Condition[], c?: ColorScheme): Cell[][] {
  return conds.map((x) => [x.type, readyCell(x.status, c), x.reason ?? '-', x.message ?? '-']);
}

/** Revisions newest first (highest generation), as `status` shows them. */
function newestFirst(rows: readonly RevisionListRow[]): RevisionListRow[] {
  return [...rows].sort(
    (a, b) =>
      (b.generation ?? 0) - (a.generation ?? 0) ||
      (b.createdAt ?? '').localeCompare(a.createdAt ?? '') ||
      a.name.localeCompare(b.name),
  );
}

/** The detail view of one service: header, traffic with bars, revisions, conditions, warnings. */
export function renderServiceStatus(doc: StatusDoc, opts: RenderOptions = {}): string {
  const c = opts.colors;
  const bold = (s: string) => (c ? c.bold(s) : s);
  const now = opts.now ?? new Date();
  const lines: Array<[string, string]> = [
    ['Service', `${doc.name}${doc.namespace ? ` (namespace ${doc.namespace})` : ''}`],
    ['URL', doc.url ?? '-'],
    ['Ready', doc.ready.status + (doc.ready.status !== 'True' && doc.ready.reason ? ` (${doc.ready.reason})` : '')],
    ['Latest', `created ${doc.latestCreatedRevisionName ?? '-'}, ready ${doc.latestReadyRevisionName ?? '-'}`],
    ['Rollout', describeRollout(doc.rollout)],
  ];
  if (doc.gradualRollout.length) {
    const over = doc.rolloutDuration ? ` over rollout-duration ${doc.rolloutDuration}` : '';
    lines.push(['Knative', doc.gradualRollout.map(describeGradualRollout).join('; ') + over]);
  }
  const width = Math.max(...lines.map(([k]) => k.length)) + 1;
  // The Rollout value comes escaped (with its own second line); the others are escaped here.
  const text = lines.map(([k, v]) => `${`${k}:`.padEnd(width)} ${k === 'Rollout' ? v : printable(v)}`).join('\n');
  // On a terminal these lines are cut like table cells, so nothing wraps (-o yaml has them whole).
  const fit = (l: string) =>
    opts.maxWidth === undefined ? l : cutToWidth(l, opts.maxWidth, opts.unicode === false ? '~' : '…');
  let out = text.split('\n').map(fit).join('\n') + '\n';

  const readiness: Readiness = {};
  for (const r of doc.revisions) readiness[r.name] = r.ready.status;
  out += `\n${bold('Traffic')}\n`;
  // Fitted like every table: the bar narrows first and URLs are cut last (`bgctl url` prints them whole).
  out += renderTraffic(doc.traffic, {
    readiness,
    latestRevisionName: doc.latestReadyRevisionName,
    colors: c,
    unicode: opts.unicode,
    maxWidth: opts.maxWidth,
  });

  if (doc.revisions.length) {
    const limit = opts.revisionLimit ?? 10;
    const rows = newestFirst(doc.revisions);
    // The newest few, plus every revision that is routed, tagged or latest, wherever it sits.
    const shown = rows.filter(
      (r, i) => i < limit || r.percent > 0 || r.tags.length > 0 || r.latestCreated || r.latestReady,
    );
    out += `\n${bold('Revisions')}\n`;
    // REASON only when some revision is not Ready: a healthy service gets a narrower table.
    const reasons = shown.some((r) => r.ready.status !== 'True');
    const columns: Column[] = [
      { header: 'name' },
      { header: 'ready' },
      { header: 'traffic', align: 'right' },
      { header: 'tags', cut: 'early' },
      { header: 'age' },
    ];
    if (reasons) columns.push({ header: 'reason', cut: 'early' });
    out += renderTable(
      columns,
      shown.map((r) => [
        r.name,
        readyCell(r.ready.status, c),
        `${r.percent}%`,
        r.tags.join(',') || '-',
        timeCell(r.createdAt, now, opts.relativeTimes ?? false),
        ...(reasons ? [r.ready.status === 'True' ? '' : (r.ready.reason ?? '')] : []),
      ]),
      { maxWidth: opts.maxWidth, unicode: opts.unicode, headerStyle: c?.bold },
    );
    if (rows.length > shown.length)
      out += `… and ${rows.length - shown.length} older (bgctl revisions ${printable(doc.name)})\n`.replace(
        '…',
        opts.unicode ? '…' : '...',
      );
  }

  if (doc.conditions.length) {
    out += `\n${bold('Conditions not True')}\n`;
    out += renderTable(
      [
        { header: 'type' },
        { header: 'status' },
        { header: 'reason', cut: 'early' },
        { header: 'message', cut: 'early', minWidth: 20 },
      ],
      conditionRows(doc.conditions, c),
      {
        maxWidth: opts.maxWidth,
        unicode: opts.unicode,
        headerStyle: c?.bold,
      },
    );
  }
  return out;
}

/** READY as the lists show it: the status, with the reason when not True ("Unknown (RolloutInProgress)"). */
export function readyText(ready: string, reason: string | undefined): string {
  return ready + (ready !== 'True' && reason ? ` (${reason})` : '');
}

/** Knative's rollouts in flight of one service in short form with their note, or undefined when none. */
export function gradualRolloutText(s: Pick<ServiceSummary, 'gradualRollout' | 'rolloutDuration'>): string | undefined {
  if (!s.gradualRollout) return undefined;
  const moves = s.gradualRollout.map(describeGradualRolloutShort).join(', ');
  return `${moves ? `${moves} ` : ''}${rollingOutNote(s.rolloutDuration)}`;
}

function trafficSummary(s: ServiceSummary): string {
  const latestLabel = `@latest${s.latestReadyRevisionName ? ` (${s.latestReadyRevisionName})` : ''}`;
  // The entries of a gradual rollout in flight read as one move, where the first of them stands.
  const rolling = new Map<string, GradualRolloutView>();
  for (const g of s.gradualRollout ?? []) {
    for (const r of [...g.from, g]) rolling.set(`${g.tag ?? ''}/${r.revisionName}`, g);
  }
  const shown = new Set<GradualRolloutView>();
  const parts: string[] = [];
  for (const t of s.traffic) {
    const g = t.latestRevision ? rolling.get(`${t.tag ?? ''}/${t.revisionName ?? ''}`) : undefined;
    if (g) {
      if (!shown.has(g)) parts.push(describeGradualRolloutShort(g));
      shown.add(g);
    } else if (t.percent > 0) parts.push(`${t.revisionName ?? (t.latestRevision ? latestLabel : '?')} ${t.percent}%`);
  }
  const text = parts.join(', ') || '-';
  if (!s.gradualRollout) return text;
  return `${text} ${rollingOutNote(s.rolloutDuration)}`;
}

/** One row per service: NAMESPACE (with -A), NAME, READY, PHASE, TRAFFIC, URL. */
export function renderServiceList(
  items: readonly ServiceSummary[],
  opts: RenderOptions & { allNamespaces: boolean },
): string {
  const c = opts.colors;
  const columns: Column[] = [
    ...(opts.allNamespaces ? [{ header: 'namespace' }] : []),
    { header: 'name' },
    { header: 'ready', cut: 'early' },
    { header: 'phase' },
    { header: 'traffic', cut: 'early', minWidth: 16 },
    { header: 'url', cut: 'late', minWidth: 16 },
  ];
  const rows = items.map((s): Cell[] => [
    ...(opts.allNamespaces ? [s.namespace ?? '-'] : []),
    s.name,
    readyCell(s.ready, c, readyText(s.ready, s.reason)),
    s.phase,
    trafficSummary(s),
    s.url ?? '-',
  ]);
  return renderTable(columns, rows, { maxWidth: opts.maxWidth, unicode: opts.unicode, headerStyle: c?.bold });
}
