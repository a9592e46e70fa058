// bgctl split SERVICE --percent N | --traffic REF=PCT,…: N% to the candidate, the rest to stable.
import type { Intent, Plan } from '../../core/plan-types.js';
import { resolveValue } from '../../ui/resolve.js';
import type { CommandContext } from '../context.js';
import { resolveService } from '../service-arg.js';
import { runTrafficStep } from '../traffic-step/run.js';
import { printOutcome } from '../traffic-step/show.js';
import type { SplitOptions } from './options.js';

function question(p: Plan): string {
  const st = p.state;
  if (!st?.candidate.revision) return `Change the traffic split of ${p.service.name}?`;
  return (
    `Send ${st.percent}% of the traffic of ${p.service.name} to ${st.candidate.revision} ` +
    `(the rest stays on ${st.stable.revision})?`
  );
}

export async function run(opts: SplitOptions, ctx: CommandContext): Promise<void> {
  const service = await resolveService(ctx, opts.service, 'split');
  const intent: Intent = { kind: 'split' };
  if (opts.takeOver) intent.adoptTraffic = {};
  if (opts.traffic) intent.traffic = opts.traffic;
  else {
    intent.percent = await resolveValue(ctx.io, ctx.prompter(), {
      flag: '--percent',
      value: opts.percent,
      prompt: (p) => p.number(`Percent of the traffic of ${service} for the candidate`, { min: 0, max: 100 }),
    });
  }
  printOutcome(ctx, await runTrafficStep(ctx, { service, intent, flags: opts.write, question }));
}
