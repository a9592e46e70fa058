// bgctl rollback SERVICE: the traffic back to the stable revision of the current or last rollout.
import type { Plan } from '../../core/plan-types.js';
import type { CommandContext } from '../context.js';
import { resolveService } from '../service-arg.js';
import { runTrafficStep } from '../traffic-step/run.js';
import { printOutcome } from '../traffic-step/show.js';
import type { RollbackOptions } from './options.js';

function question(p: Plan): string {
  const stable = p.state?.stable.revision;
  return stable ? `Send the traffic of ${p.service.name} back to ${stable}?` : `Roll back ${p.service.name}?`;
}

export async function run(opts: RollbackOptions, ctx: CommandContext): Promise<void> {
  const service = await resolveService(ctx, opts.service, 'rollback');
  printOutcome(ctx, await runTrafficStep(ctx, { service, intent: { kind: 'rollback' }, flags: opts.write, question }));
}
