// `bgctl status [SERVICE]`: one service in detail (traffic, revisions, conditions, rollout phase,
// the next command), or one line per service of the namespace (or of all namespaces with -A).
// With --watch, a live view of SERVICE (watch.ts). The list form reads services only, one paged LIST, so it stays
// fast on thousands of services.
import { serviceStatusListView } from '../../core/views/service-status-list.js';
import { serviceStatusView } from '../../core/views/service-status.js';
import { writeDocument } from '../../ui/document.js';
import { printable } from '../../ui/sanitize.js';
import type { CommandContext } from '../context.js';
import type { StatusOptions } from './options.js';
import { typed } from '../typed.js';
import { renderOptions, renderServiceList, renderServiceStatus } from '../read-views/read-print.js';

/** `bgctl status`. */
export async function run(opts: StatusOptions, ctx: CommandContext): Promise<void> {
  const { io, globals } = ctx;
  const { service, allNamespaces, chunkSize: pageSize } = opts;
  const { isFleet, refuseContextConflict } = await import('../fleet/flags.js');
  refuseContextConflict(opts.targets, globals);
  if (isFleet(opts.targets, globals)) {
    const { fleetStatus } = await import('../fleet/status.js');
    return fleetStatus(ctx, service, { ...opts.targets, ...(allNamespaces && { allNamespaces: true }) });
  }
  if (service !== undefined && opts.watch) {
    const { watchStatus } = await import('./watch.js');
    return watchStatus(service, opts.watch, ctx);
  }
  const client = await ctx.kube();

  if (service === undefined) {
    const services = await client.listServices({ allNamespaces, pageSize });
    services.sort(
      (a, b) =>
        (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
        a.metadata.name.localeCompare(b.metadata.name),
    );
    const doc = serviceStatusListView(services, { namespace: client.namespace, allNamespaces });
    if (globals.output !== 'table') return writeDocument(io, globals.output, doc);
    if (doc.items.length === 0) {
      io.err.write(
        allNamespaces
          ? 'No Knative services found in any namespace.\n'
          : `No Knative services found in namespace ${client.namespace}.\n`,
      );
      return;
    }
    io.out.write(renderServiceList(doc.items, { ...renderOptions(io, ctx.now()), allNamespaces }));
    return;
  }

  const [svc, revisions] = await Promise.all([client.getService(service), client.listRevisions(service)]);
  const doc = serviceStatusView(svc, revisions);
  if (globals.output !== 'table') return writeDocument(io, globals.output, doc);
  io.out.write(renderServiceStatus(doc, renderOptions(io, ctx.now())));
  const c = io.colors();
  for (const w of doc.warnings) io.err.write(c.warn(`Warning: ${printable(w)}`) + '\n');
  if (doc.next) io.err.write(c.muted(printable(typed(io, `Next: ${doc.next.command}   # ${doc.next.why}`))) + '\n');
}
