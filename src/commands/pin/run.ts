// bgctl pin SERVICE [--revision R]: 100% to one revision by name, replacing latestRevision targets.
import type { Intent, Plan } from '../../core/plan-types.js';
import type { CommandContext } from '../context.js';
import { runStepVerb } from '../step-engine/step-verb.js';
import type { PinOptions } from './options.js';

function pinnedTo(p: Plan): string {
  return p.desired.find((t) => t.percent === 100)?.revisionName ?? 'one revision';
}

/** Pins the service's traffic. */
export async function run(opts: PinOptions, ctx: CommandContext): Promise<void> {
  const intent: Intent = { kind: 'pin' };
  if (opts.revision !== undefined) intent.revision = opts.revision;
  if (opts.takeOver) intent.takeOver = true;
  await runStepVerb(ctx, 'pin', opts.service, opts.write, {
    intent,
    question: (p) => `Pin 100% of the traffic of ${p.service.name} to ${pinnedTo(p)}?`,
  });
}
