// bgctl cleanup SERVICE [--delete-revisions] [--force]: drop untagged 0% targets and retired tags,
// optionally delete revisions nothing routes to; the last rollback target stays unless --force.
import type { Intent, Plan } from '../../core/plan-types.js';
import type { CommandContext } from '../context.js';
import { runStepVerb } from '../step-engine/step-verb.js';
import type { CleanupOptions } from './options.js';

function question(p: Plan): string {
  const removed = p.diff.filter((r) => r.change === 'removed').length;
  const parts = [removed ? `remove ${removed} traffic target${removed === 1 ? '' : 's'}` : '', p.deleteRevisions.length ? `delete ${p.deleteRevisions.length} revision${p.deleteRevisions.length === 1 ? '' : 's'} (${p.deleteRevisions.join(', ')})` : ''].filter(Boolean);
  return `Clean up ${p.service.name}: ${parts.join(' and ') || 'update annotations'}?`;
}

/** Cleans up the service's traffic list and, optionally, its unrouted revisions. */
export async function run(opts: CleanupOptions, ctx: CommandContext): Promise<void> {
  const intent: Intent = { kind: 'cleanup' };
  if (opts.deleteRevisions) intent.deleteRevisions = true;
  if (opts.force) intent.force = true;
  await runStepVerb(ctx, 'cleanup', opts.service, opts.write, { intent, question });
}
