// bgctl pin SERVICE [--revision R]: 100% to one revision by name, replacing latestRevision targets.
import { validateRevisionName } from '../core/names.js';
import type { Intent, Plan } from '../core/plan-types.js';
import type { CommandContext } from './context.js';
import { resolveService } from './service-arg.js';
import { runTrafficStep } from './traffic-step/run.js';
import { printOutcome } from './traffic-step/show.js';
import { writeFlags } from './traffic-step/write-flags.js';

function pinnedTo(p: Plan): string {
  return p.desired.find((t) => t.percent === 100)?.revisionName ?? 'one revision';
}

/** Pins the service's traffic. */
export async function run(ctx: CommandContext, service: string | undefined, opts: Record<string, any>): Promise<void> {
  const flags = writeFlags(opts);
  const intent: Intent = { kind: 'pin' };
  if (opts.revision !== undefined) intent.revision = validateRevisionName(opts.revision);
  if (opts.takeOver) intent.takeOver = true;
  const name = await resolveService(ctx, service, 'pin');
  const question = (p: Plan) => `Pin 100% of the traffic of ${p.service.name} to ${pinnedTo(p)}?`;
  printOutcome(ctx, await runTrafficStep(ctx, { service: name, intent, flags, question }));
}
