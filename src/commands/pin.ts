// bgctl pin SERVICE [--revision R]: 100% to one revision by name, replacing latestRevision targets.
import { validateRevisionName } from '../core/names.js';
import type { Intent, Plan } from '../core/plan-types.js';
import type { CommandContext } from './context.js';
import { runStepVerb, writeFlags } from './step-engine/step-verb.js';

function pinnedTo(p: Plan): string {
  return p.desired.find((t) => t.percent === 100)?.revisionName ?? 'one revision';
}

/** Pins the service's traffic. */
export async function run(ctx: CommandContext, service: string | undefined, opts: Record<string, any>): Promise<void> {
  const flags = writeFlags(opts);
  const intent: Intent = { kind: 'pin' };
  if (opts.revision !== undefined) intent.revision = validateRevisionName(opts.revision);
  if (opts.takeOver) intent.takeOver = true;
  await runStepVerb(ctx, 'pin', service, flags, {
    intent,
    question: (p) => `Pin 100% of the traffic of ${p.service.name} to ${pinnedTo(p)}?`,
  });
}
