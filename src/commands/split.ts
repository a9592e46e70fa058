// bgctl split SERVICE --percent N | --traffic REF=PCT,…: N% to the candidate, the rest to stable.
import { UsageError } from '../core/errors.js';
import { parsePercent, parseTrafficSpec } from '../core/parse.js';
import type { Intent, Plan } from '../core/plan-types.js';
import { resolveValue } from '../ui/resolve.js';
import type { CommandContext } from './context.js';
import { resolveService } from './service-arg.js';
import { runTrafficStep } from './traffic-step/run.js';
import { printOutcome } from './traffic-step/show.js';
import { writeFlags } from './traffic-step/write-flags.js';

function question(p: Plan): string {
  const st = p.state;
  if (!st?.candidate.revision) return `Change the traffic split of ${p.service.name}?`;
  return `Send ${st.percent}% of the traffic of ${p.service.name} to ${st.candidate.revision} (the rest stays on ${st.stable.revision})?`;
}

/** Splits traffic between the stable and candidate revisions. */
export async function run(ctx: CommandContext, service: string | undefined, opts: Record<string, any>): Promise<void> {
  const flags = writeFlags(opts);
  if (opts.percent !== undefined && opts.traffic !== undefined) throw new UsageError('pass either --percent or --traffic, not both', { reason: 'ConflictingFlags' });
  const percent = opts.percent === undefined ? undefined : parsePercent(opts.percent);
  const traffic = opts.traffic === undefined ? undefined : parseTrafficSpec(opts.traffic);
  const name = await resolveService(ctx, service, 'split');
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
  printOutcome(ctx, await runTrafficStep(ctx, { service: name, intent, flags, question }));
}
