// `bgctl history SERVICE`: the rollouts recorded on the service, newest first, the current one marked.
import { isInProgress } from '../../core/state.js';
import { historyView } from '../../core/views/history.js';
import { timeCell } from '../../ui/age.js';
import { writeDocument } from '../../ui/document.js';
import { printable } from '../../ui/sanitize.js';
import { renderTable, type Cell } from '../../ui/table.js';
import type { HistoryOptions } from './options.js';
import type { CommandContext } from '../context.js';
import { renderOptions, type RenderOptions } from '../read-views/read-print.js';
import { resolveService } from '../service-arg.js';

type HistoryDoc = ReturnType<typeof historyView>;

/** The history table; an open rollout is marked `*` in a gutter before the ID, there only when one is open. */
export function renderHistory(doc: HistoryDoc, opts: RenderOptions = {}): string {
  const now = opts.now ?? new Date();
  const rel = opts.relativeTimes ?? false;
  const c = opts.colors;
  const arrow = opts.unicode ? '→' : '->';
  const gutter = doc.items.some((h) => isInProgress(h.phase));
  // Shown only once some rollout was judged by metric gates.
  const gates = doc.items.some((h) => h.gates);
  const rows = doc.items.map((h): Cell[] => {
    const open = isInProgress(h.phase);
    const phase: Cell =
      c && open
        ? { text: h.phase, style: c.accent }
        : c && (h.phase === 'aborted' || h.phase === 'rolled-back')
          ? { text: h.phase, style: c.warn }
          : h.phase;
    return [
      gutter ? `${open ? '*' : ' '} ${h.id}` : h.id,
      phase,
      h.stable.revisionName,
      h.candidate.revisionName ?? '-',
      `${h.stable.tag} ${arrow} ${h.candidate.tag}`,
      h.updatedBy === h.startedBy ? h.startedBy : `${h.startedBy}, ${h.updatedBy}`,
      timeCell(h.startedAt, now, rel),
      timeCell(h.updatedAt, now, rel),
      ...(gates ? [h.gates ? `${h.gates.verdict} (${h.gates.evaluations})` : '-'] : []),
      h.reason ?? '',
    ];
  });
  return renderTable(
    [
      { header: gutter ? '  id' : 'id' },
      { header: 'phase' },
      { header: 'stable' },
      { header: 'candidate' },
      { header: 'tags', cut: 'early' },
      { header: 'by', cut: 'early' },
      { header: 'started' },
      { header: 'updated' },
      ...(gates ? [{ header: 'gates' }] : []),
      { header: 'reason', cut: 'early' },
    ],
    rows,
    { maxWidth: opts.maxWidth, unicode: opts.unicode, headerStyle: c?.bold },
  );
}

/** `bgctl history`. */
export async function run(opts: HistoryOptions, ctx: CommandContext): Promise<void> {
  const { io, globals } = ctx;
  const service = await resolveService(ctx, opts.service, 'history');
  const client = await ctx.kube();
  const doc = historyView(await client.getService(service));
  const warn = (s: string) => io.err.write(io.colors().warn(`Warning: ${printable(s)}`) + '\n');
  if (globals.output !== 'table') {
    for (const e of doc.errors) warn(e);
    return writeDocument(io, globals.output, doc);
  }
  if (doc.items.length) io.out.write(renderHistory(doc, renderOptions(io, ctx.now())));
  for (const e of doc.errors) warn(e);
  if (!doc.items.length)
    io.err.write(
      `No rollouts recorded on service ${service}.` +
        `${doc.errors.length ? '' : ` Start one with: bgctl rollout ${service}`}\n`,
    );
}
