// bgctl promote SERVICE [--retire] [--previous-tag previous]: 100% to the candidate; the old stable
// stays routable at 0% under a tag (annotated no-gc) for an instant rollback, unless --retire.
import type { Intent, Plan } from '../../core/plan-types.js';
import type { CommandContext } from '../context.js';
import { resolveService } from '../service-arg.js';
import { runTrafficStep } from '../traffic-step/run.js';
import { printOutcome } from '../traffic-step/show.js';
import type { PromoteOptions } from './options.js';

function question(p: Plan): string {
  const st = p.state;
  if (!st?.candidate.revision) return `Promote the candidate of ${p.service.name}?`;
  const keep = st.previousTag
    ? `, keeping ${st.stable.revision} at 0% under tag "${st.previousTag}"`
    : `, retiring ${st.stable.revision}`;
  return `Send 100% of the traffic of ${p.service.name} to ${st.candidate.revision}${keep}?`;
}

export async function run(opts: PromoteOptions, ctx: CommandContext): Promise<void> {
  const service = await resolveService(ctx, opts.service, 'promote');
  const intent: Intent = { kind: 'promote' };
  if (opts.retire) intent.retire = true;
  if (opts.takeOver) intent.adoptTraffic = {};
  if (opts.previousTag !== undefined) intent.previousTag = opts.previousTag;
  printOutcome(ctx, await runTrafficStep(ctx, { service, intent, flags: opts.write, question }));
}
