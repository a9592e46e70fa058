// bgctl split SERVICE --percent N | --traffic REF=PCT,…: N% to the candidate, the rest to stable; with gates, the
// candidate is then judged for --pause (gates.ts).
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
  const judging = opts.gates && !opts.write.dryRun;
  // Gates are checked against Prometheus before the write: a bad query is exit 2, no Prometheus exit 7.
  const gates = judging ? await import('./gates.js') : undefined;
  const judge = gates && opts.gates ? await gates.openSplitJudge(ctx, service, opts.gates) : undefined;
  const outcome = await runTrafficStep(ctx, { service, intent, flags: opts.write, question });
  if (!gates || !judge || !opts.gates) return printOutcome(ctx, outcome);
  await gates.judgeSplitOutcome(ctx, service, outcome, judge, opts.gates, opts.write);
}
