// bgctl split SERVICE --percent N | --traffic REF=PCT,…: N% to the candidate, the rest to stable.
import type { Intent, Plan } from '../../core/plan-types.js';
import { resolveValue } from '../../ui/resolve.js';
import type { CommandContext } from '../context.js';
import { runStepVerb } from '../step-engine/step-verb.js';
import type { SplitOptions } from './options.js';

function question(p: Plan): string {
  const st = p.state;
  if (!st?.candidate.revision) return `Change the traffic split of ${p.service.name}?`;
  return `Send ${st.percent}% of the traffic of ${p.service.name} to ${st.candidate.revision} (the rest stays on ${st.stable.revision})?`;
}

/** Splits traffic between the stable and candidate revisions. */
export async function run(opts: SplitOptions, ctx: CommandContext): Promise<void> {
  const { percent, traffic } = opts;
  await runStepVerb(ctx, 'split', opts.service, opts.write, async (name) => {
    const intent: Intent = { kind: 'split' };
    if (opts.takeOver) intent.adoptTraffic = {};
    if (traffic) intent.traffic = traffic;
    else {
      intent.percent = percent ?? (await resolveValue(ctx.io, ctx.prompter(), {
        flag: '--percent',
        value: undefined,
        prompt: (p) => p.number(`Percent of the traffic of ${name} for the candidate`, { min: 0, max: 100 }),
      }));
    }
    return { intent, question };
  });
}
