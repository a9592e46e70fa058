// `bgctl status -l app=shop --context a,b` (or SERVICE with several contexts): one table of every target, or one
// FleetStatus document. Reads the services once per context (the LIST that found them); nothing more.
import { fleetStatusDocument, fleetStatusItem } from '../../core/views/fleet.js';
import { writeDocument } from '../../ui/document.js';
import { printTable } from '../../ui/table.js';
import { printable } from '../../ui/sanitize.js';
import { gradualRolloutText, readyText } from '../read-views/read-print.js';
import type { CommandContext } from '../context.js';
import type { FleetFlags } from './flags.js';
import { resolveTargets } from './targets.js';

/** Prints the fleet status; exit 4 only when no context could be reached (targets.ts). */
export async function fleetStatus(ctx: CommandContext, service: string | undefined, flags: FleetFlags | undefined) {
  const { io, globals } = ctx;
  const found = await resolveTargets(ctx, service, flags);
  const items = found.targets.map((t) => fleetStatusItem(t, t.svc));
  const unreachable = found.unreachable.map(({ context, reason, message }) => ({ context, reason, message }));
  if (globals.output !== 'table') return writeDocument(io, globals.output, fleetStatusDocument(items, unreachable));
  const c = io.colors();
  // KNATIVE only when some target is in Knative's own gradual rollout: most fleets get the narrower table.
  const rolling = items.some((i) => i.gradualRollout);
  if (items.length === 0) io.err.write('No matching Knative services in the contexts reached.\n');
  else
    printTable(
      io,
      [
        { header: 'CONTEXT' },
        { header: 'NAMESPACE' },
        { header: 'SERVICE' },
        { header: 'PHASE' },
        { header: 'CANDIDATE', align: 'right' },
        { header: 'READY', cut: 'early' },
        ...(rolling ? [{ header: 'KNATIVE', cut: 'early' as const }] : []),
        { header: 'FLEET', cut: 'early' },
      ],
      items.map((i) => [
        i.context,
        i.namespace,
        i.service,
        i.phase,
        `${i.candidatePercent}%`,
        readyText(i.ready, i.reason),
        ...(rolling ? [gradualRolloutText(i) ?? '-'] : []),
        i.fleet ?? '-',
      ]),
    );
  for (const u of unreachable)
    io.err.write(c.warn(`Warning: context ${printable(u.context)} not reached: ${printable(u.message)}`) + '\n');
}
