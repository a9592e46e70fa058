// bgctl rollback SERVICE: bgctl's whole share back to the stable revision of the current or last rollout.
import type { Plan } from '../core/plan-types.js';
import type { CommandContext } from './context.js';
import { resolveService } from './service-arg.js';
import { runTrafficStep } from './traffic-step/run.js';
import { printOutcome } from './traffic-step/show.js';
import { writeFlags } from './traffic-step/write-flags.js';

function question(p: Plan): string {
  const stable = p.state?.stable.revision;
  return stable ? `Send the traffic of ${p.service.name} back to ${stable}?` : `Roll back ${p.service.name}?`;
}

/** Rolls back to the stable revision. */
export async function run(ctx: CommandContext, service: string | undefined, opts: Record<string, any>): Promise<void> {
  const flags = writeFlags(opts);
  const name = await resolveService(ctx, service, 'rollback');
  printOutcome(ctx, await runTrafficStep(ctx, { service: name, intent: { kind: 'rollback' }, flags, question }));
}
