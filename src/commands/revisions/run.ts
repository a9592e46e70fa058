// `bgctl revisions SERVICE`. The table streams: rows are printed as each LIST page arrives, with fixed column
// widths (a later, longer value shifts its own line rather than holding output back).
import type { KnativeService, Revision } from '../../core/knative-types.js';
import { revisionListView, revisionRows, type RevisionListRow } from '../../core/views/revision-list.js';
import { timeCell } from '../../ui/age.js';
import { writeDocument } from '../../ui/document.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { printable } from '../../ui/sanitize.js';
import { fitWidths } from '../../ui/table.js';
import { cutToWidth, displayWidth } from '../../ui/text-width.js';
import type { CommandContext } from '../context.js';
import type { RevisionsOptions } from './options.js';
import { renderOptions, type RenderOptions } from '../read-views/read-print.js';
import { resolveService } from '../service-arg.js';

interface FixedColumn {
  header: string;
  width: number;
  align?: 'right';
  /** Cut to the width on a terminal (never in pipes), `early` before `late` (see ui/table.ts). */
  cut?: 'early' | 'late';
  cutFrom?: 'start';
  minWidth?: number;
  /** Narrowed below its width by a terminal too narrow for the other columns: cut as well. */
  squeezed?: boolean;
  cell(r: RevisionListRow): string;
  style?(r: RevisionListRow, text: string): string;
}

/** Revision names the Service itself mentions (latest created/ready, traffic targets). */
function knownRevisionNames(svc: KnativeService): string[] {
  const s = svc.status;
  const targets = [...(svc.spec.traffic ?? []), ...(s?.traffic ?? [])];
  return [s?.latestCreatedRevisionName, s?.latestReadyRevisionName, ...targets.map((t) => t.revisionName)].filter(
    (n): n is string => !!n,
  );
}

/**
 * The columns, sized from the service (its revision names, those its status or traffic mention) and the time format.
 * On a terminal, TAGS and REASON are cut first (REASON takes what room is left), then IMAGE from its start.
 */
export function revisionColumns(svc: KnativeService, opts: RenderOptions): FixedColumn[] {
  const columns = naturalColumns(svc, opts);
  if (opts.maxWidth === undefined) return columns;
  const maxWidth = opts.maxWidth;
  const widths = fitWidths(
    columns,
    columns.map((c) => (c.header === 'REASON' ? maxWidth : c.width)),
    maxWidth,
  );
  return columns.map((c, i) => ({ ...c, width: widths[i], squeezed: !c.cut && widths[i] < c.width }));
}

function imageWidth(svc: KnativeService): number {
  const image = svc.spec.template?.spec?.containers?.[0]?.image;
  return image ? Math.min(36, Math.max('IMAGE'.length, displayWidth(printable(image)))) : 36;
}

function naturalColumns(svc: KnativeService, opts: RenderOptions): FixedColumn[] {
  const c = opts.colors;
  const service = svc.metadata.name;
  const now = opts.now ?? new Date();
  const relative = opts.relativeTimes ?? false;
  return [
    // Generated names are SERVICE-00001: six characters past the service name. A longer custom name
    // (spec.template.metadata.name) shifts only its own line unless the Service already names it.
    {
      header: 'NAME',
      width: Math.max(
        'NAME'.length,
        service.length + 6,
        ...knownRevisionNames(svc).map((n) => Array.from(printable(n)).length),
      ),
      cell: (r) => r.name,
    },
    {
      header: 'READY',
      width: 7,
      cell: (r) => r.ready.status,
      style: (r, t) =>
        !c ? t : r.ready.status === 'True' ? c.success(t) : r.ready.status === 'False' ? c.fail(t) : c.warn(t),
    },
    { header: 'TRAFFIC', width: 7, align: 'right', cell: (r) => `${r.percent}%` },
    { header: 'TAGS', width: 16, cut: 'early', minWidth: 4, cell: (r) => r.tags.join(',') || '-' },
    { header: 'GEN', width: 3, align: 'right', cell: (r) => (r.generation === undefined ? '-' : String(r.generation)) },
    { header: 'AGE', width: relative ? 7 : 20, cell: (r) => timeCell(r.createdAt, now, relative) },
    // As wide as the template's image (revisions of one service mostly differ in the tag), at most 36.
    {
      header: 'IMAGE',
      width: imageWidth(svc),
      cut: 'late',
      cutFrom: 'start',
      minWidth: 12,
      cell: (r) => r.image ?? '-',
    },
    // In pipes the last column is never padded, so its width there is only the header's.
    {
      header: 'REASON',
      width: 6,
      cut: 'early',
      minWidth: 0,
      cell: (r) => (r.ready.status === 'True' ? '' : [r.ready.reason, r.ready.message].filter(Boolean).join(': ')),
    },
  ];
}

function line(
  columns: FixedColumn[],
  cells: string[],
  opts: RenderOptions,
  styles?: Array<((t: string) => string) | undefined>,
): string {
  const fitted = opts.maxWidth !== undefined;
  const parts: string[] = [];
  columns.forEach((col, i) => {
    // A width of 0 on a terminal: no room was left for the column (see fitWidths).
    if (fitted && col.width === 0) return;
    let text = printable(cells[i]);
    if (fitted && (col.cut || col.squeezed))
      text = cutToWidth(text, col.width, opts.unicode === false ? '~' : '…', col.cutFrom);
    const pad = ' '.repeat(Math.max(0, col.width - displayWidth(text)));
    const shown = styles?.[i] && text ? (styles[i] as (t: string) => string)(text) : text;
    parts.push(col.align === 'right' ? pad + shown : shown + pad);
  });
  return parts.join('   ').replace(/ +$/, '') + '\n';
}

/** Prints the header, then the rows of each page as it arrives; returns the row count (nothing printed for none). */
export async function streamRevisionTable(
  io: IOStreams,
  svc: KnativeService,
  pages: AsyncIterable<Revision[]>,
  opts: RenderOptions,
): Promise<number> {
  const columns = revisionColumns(svc, opts);
  let count = 0;
  for await (const page of pages) {
    if (page.length === 0) continue;
    if (count === 0) {
      const headerStyle = opts.colors ? opts.colors.bold : undefined;
      io.out.write(
        line(
          columns,
          columns.map((c) => c.header),
          opts,
          columns.map(() => headerStyle),
        ),
      );
    }
    let text = '';
    for (const row of revisionRows(svc, page)) {
      text += line(
        columns,
        columns.map((c) => c.cell(row)),
        opts,
        columns.map((c) =>
          c.style ? (t: string) => (c.style as NonNullable<FixedColumn['style']>)(row, t) : undefined,
        ),
      );
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
