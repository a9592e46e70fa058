// bgctl cleanup SERVICE [--delete-revisions] [--force]: drop untagged 0% targets and retired tags,
// optionally delete revisions nothing routes to; the last rollback target stays unless --force.
import type { Intent, Plan } from '../core/plan-types.js';
import type { CommandContext } from './context.js';
import { resolveService } from './service-arg.js';
import { runTrafficStep } from './traffic-step/run.js';
import { printOutcome } from './traffic-step/show.js';
import { writeFlags } from './traffic-step/write-flags.js';

function question(p: Plan): string {
  const removed = p.diff.filter((r) => r.change === 'removed').length;
  const parts = [removed ? `remove ${removed} traffic target${removed === 1 ? '' : 's'}` : '', p.deleteRevisions.length ? `delete ${p.deleteRevisions.length} revision${p.deleteRevisions.length === 1 ? '' : 's'} (${p.deleteRevisions.join(', ')})` : ''].filter(Boolean);
  return `Clean up ${p.service.name}: ${parts.join(' and ') || 'update annotations'}?`;
}

/** Cleans up the service's traffic list and, optionally, its unrouted revisions. */
export async function run(ctx: CommandContext, service: string | undefined, opts: Record<string, any>): Promise<void> {
  const flags = writeFlags(opts);
  const intent: Intent = { kind: 'cleanup' };
  if (opts.deleteRevisions) intent.deleteRevisions = true;
  if (opts.force) intent.force = true;
  const name = await resolveService(ctx, service, 'cleanup');
  printOutcome(ctx, await runTrafficStep(ctx, { service: name, intent, flags, question }));
}
