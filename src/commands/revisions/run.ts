// `bgctl revisions SERVICE`: the service's revisions with readiness, traffic, tags, image and age.
// The table streams: rows are printed as each LIST page arrives, in the API's order, with fixed
// column widths (a later, longer value shifts its own line rather than holding output back).
import type { KnativeService, Revision } from '../../core/knative-types.js';
import { revisionListView, revisionRows, type RevisionListRow } from '../../core/view-read.js';
import { timeCell } from '../../ui/age.js';
import { writeDocument } from '../../ui/document.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { printable } from '../../ui/sanitize.js';
import { truncate } from '../../ui/table.js';
import type { CommandContext } from '../context.js';
import type { RevisionsOptions } from './options.js';
import { renderOptions, type RenderOptions } from '../read-views/read-print.js';
import { resolveService } from '../service-arg.js';

interface FixedColumn {
  header: string;
  width: number;
  align?: 'right';
  /** Shortened to the width on a terminal (never in pipes). */
  truncate?: boolean;
  cell(r: RevisionListRow): string;
  style?(r: RevisionListRow, text: string): string;
}

/** Revision names the Service itself mentions (latest created/ready, traffic targets). */
function knownRevisionNames(svc: KnativeService): string[] {
  const s = svc.status;
  const targets = [...(svc.spec.traffic ?? []), ...(s?.traffic ?? [])];
  return [s?.latestCreatedRevisionName, s?.latestReadyRevisionName, ...targets.map((t) => t.revisionName)].filter((n): n is string => !!n);
}

/**
 * The columns, sized from what is known before the first page: the service (its generated
 * revision names, and any name its status or traffic mentions) and the time format.
 */
export function revisionColumns(svc: KnativeService, opts: RenderOptions): FixedColumn[] {
  const c = opts.colors;
  const service = svc.metadata.name;
  const now = opts.now ?? new Date();
  const relative = opts.relativeTimes ?? false;
  return [
    // Generated names are SERVICE-00001: six characters past the service name. A longer custom name
    // (spec.template.metadata.name) shifts only its own line unless the Service already names it.
    { header: 'NAME', width: Math.max('NAME'.length, service.length + 6, ...knownRevisionNames(svc).map((n) => Array.from(printable(n)).length)), cell: (r) => r.name },
    {
      header: 'READY',
      width: 7,
      cell: (r) => r.ready.status,
      style: (r, t) => (!c ? t : r.ready.status === 'True' ? c.success(t) : r.ready.status === 'False' ? c.fail(t) : c.warn(t)),
    },
    { header: 'TRAFFIC', width: 7, align: 'right', cell: (r) => `${r.percent}%` },
    { header: 'TAGS', width: 16, truncate: true, cell: (r) => r.tags.join(',') || '-' },
    { header: 'GEN', width: 3, align: 'right', cell: (r) => (r.generation === undefined ? '-' : String(r.generation)) },
    { header: 'AGE', width: relative ? 7 : 20, cell: (r) => timeCell(r.createdAt, now, relative) },
    { header: 'IMAGE', width: 36, truncate: true, cell: (r) => r.image ?? '-' },
    { header: 'REASON', width: 0, cell: (r) => (r.ready.status === 'True' ? '' : [r.ready.reason, r.ready.message].filter(Boolean).join(': ')) },
  ];
}

function line(columns: FixedColumn[], cells: string[], opts: RenderOptions, styles?: Array<((t: string) => string) | undefined>): string {
  const parts = columns.map((col, i) => {
    let text = printable(cells[i]);
    if (col.truncate && opts.maxWidth !== undefined) text = truncate(text, col.width, opts.unicode === false ? '~' : '…');
    const pad = ' '.repeat(Math.max(0, col.width - Array.from(text).length));
    const shown = styles?.[i] && text ? (styles[i] as (t: string) => string)(text) : text;
    return col.align === 'right' ? pad + shown : shown + pad;
  });
  return parts.join('   ').replace(/ +$/, '') + '\n';
}

/**
 * Prints the header, then the rows of each page as it arrives. Returns the number of rows; prints
 * nothing when there are none (the caller writes a note on stderr).
 */
export async function streamRevisionTable(io: IOStreams, svc: KnativeService, pages: AsyncIterable<Revision[]>, opts: RenderOptions): Promise<number> {
  const columns = revisionColumns(svc, opts);
  let count = 0;
  for await (const page of pages) {
    if (page.length === 0) continue;
    if (count === 0) {
      const headerStyle = opts.colors ? opts.colors.bold : undefined;
      io.out.write(line(columns, columns.map((c) => c.header), opts, columns.map(() => headerStyle)));
    }
    let text = '';
    for (const row of revisionRows(svc, page)) {
      text += line(columns, columns.map((c) => c.cell(row)), opts, columns.map((c) => (c.style ? (t: string) => (c.style as NonNullable<FixedColumn['style']>)(row, t) : undefined)));
    }
    io.out.write(text);
    count += page.length;
  }
  return count;
}

/** `bgctl revisions`. */
export async function run(opts: RevisionsOptions, ctx: CommandContext): Promise<void> {
  const { io, globals } = ctx;
  const pageSize = opts.chunkSize;
  const service = await resolveService(ctx, opts.service, 'revisions');
  const client = await ctx.kube();
  // The service first: it says which revisions carry traffic and tags, and a 404 reads better.
  const svc = await client.getService(service);
  const pages = client.revisionPages(service, { pageSize });
  if (globals.output !== 'table') {
    const all: Revision[] = [];
    for await (const page of pages) all.push(...page);
    writeDocument(io, globals.output, revisionListView(svc, all));
    return;
  }
  const n = await streamRevisionTable(io, svc, pages, renderOptions(io, ctx.now()));
  if (n === 0) io.err.write(`No revisions found for service ${printable(service)}.\n`);
}
