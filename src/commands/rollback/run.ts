// bgctl rollback SERVICE: bgctl's whole share back to the stable revision of the current or last rollout.
import type { Plan } from '../../core/plan-types.js';
import type { CommandContext } from '../context.js';
import { runStepVerb } from '../step-engine/step-verb.js';
import type { RollbackOptions } from './options.js';

function question(p: Plan): string {
  const stable = p.state?.stable.revision;
  return stable ? `Send the traffic of ${p.service.name} back to ${stable}?` : `Roll back ${p.service.name}?`;
}

/** Rolls back to the stable revision. */
export async function run(opts: RollbackOptions, ctx: CommandContext): Promise<void> {
  await runStepVerb(ctx, 'rollback', opts.service, opts.write, { intent: { kind: 'rollback' }, question });
}
