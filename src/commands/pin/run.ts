// bgctl pin SERVICE [--revision R]: 100% to one revision by name, replacing latestRevision targets.
import type { Intent, Plan } from '../../core/plan-types.js';
import type { CommandContext } from '../context.js';
import { resolveService } from '../service-arg.js';
import { runTrafficStep } from '../traffic-step/run.js';
import { printOutcome } from '../traffic-step/show.js';
import type { PinOptions } from './options.js';

function question(p: Plan): string {
  const to = p.desired.find((t) => t.percent === 100)?.revisionName ?? 'one revision';
  return `Pin 100% of the traffic of ${p.service.name} to ${to}?`;
}

export async function run(opts: PinOptions, ctx: CommandContext): Promise<void> {
  const service = await resolveService(ctx, opts.service, 'pin');
  const intent: Intent = { kind: 'pin' };
  if (opts.revision !== undefined) intent.revision = opts.revision;
  if (opts.takeOver) intent.takeOver = true;
  printOutcome(ctx, await runTrafficStep(ctx, { service, intent, flags: opts.write, question }));
}
