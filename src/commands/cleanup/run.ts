// bgctl cleanup SERVICE [--delete-revisions] [--force]: drop untagged 0% targets and retired tags,
// optionally delete revisions nothing routes to; the last rollback target stays unless --force.
import type { Intent, Plan } from '../../core/plan-types.js';
import type { CommandContext } from '../context.js';
import { resolveService } from '../service-arg.js';
import { runTrafficStep } from '../traffic-step/run.js';
import { printOutcome } from '../traffic-step/show.js';
import type { CleanupOptions } from './options.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function question(p: Plan): string {
  const removed = p.diff.filter((r) => r.change === 'removed').length;
  const deleted = p.deleteRevisions.length;
  const parts = [
    removed ? `remove ${plural(removed, 'traffic target')}` : '',
    deleted ? `delete ${plural(deleted, 'revision')} (${p.deleteRevisions.join(', ')})` : '',
  ].filter(Boolean);
  return `Clean up ${p.service.name}: ${parts.join(' and ') || 'update annotations'}?`;
}

export async function run(opts: CleanupOptions, ctx: CommandContext): Promise<void> {
  const service = await resolveService(ctx, opts.service, 'cleanup');
  const intent: Intent = { kind: 'cleanup' };
  if (opts.deleteRevisions) intent.deleteRevisions = true;
  if (opts.force) intent.force = true;
  printOutcome(ctx, await runTrafficStep(ctx, { service, intent, flags: opts.write, question }));
}
