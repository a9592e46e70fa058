// bgctl stage SERVICE [--tag v2] [--stable-tag stable] [--revision R]: the candidate at 0% under a
// tag, the stable revision tagged too; prints both tag URLs so the candidate can be tested.
import type { KnativeService } from '../../core/knative-types.js';
import type { Intent, Plan } from '../../core/plan-types.js';
import type { CommandContext } from '../context.js';
import { resolveService } from '../service-arg.js';
import type { StepOutcome } from '../traffic-step/engine.js';
import { runTrafficStep } from '../traffic-step/run.js';
import { printOutcome } from '../traffic-step/show.js';
import type { StageOptions } from './options.js';

function urlOf(svc: KnativeService, tag: string): string {
  return (
    svc.status?.traffic?.find((t) => t.tag === tag)?.url ??
    `(not assigned yet: bgctl url ${svc.metadata.name} --tag ${tag})`
  );
}

/** The lines that end a stage: the candidate's tag URL, then the stable one. */
export function stageSummary(o: StepOutcome): string[] {
  const st = o.plan.state;
  if (!st?.candidate.revision) return [];
  return [
    `Candidate ${st.candidate.revision} (tag ${st.candidate.tag}): ${urlOf(o.service, st.candidate.tag)}`,
    `Stable ${st.stable.revision} (tag ${st.stable.tag}): ${urlOf(o.service, st.stable.tag)}`,
  ];
}

function question(p: Plan): string {
  const st = p.state;
  if (!st?.candidate.revision) return `Stage the candidate of ${p.service.name}?`;
  return (
    `Route ${st.candidate.revision} at 0% under tag "${st.candidate.tag}" ` +
    `(stable ${st.stable.revision} tagged "${st.stable.tag}")?`
  );
}

export async function run(opts: StageOptions, ctx: CommandContext): Promise<void> {
  const service = await resolveService(ctx, opts.service, 'stage');
  const intent: Intent = { kind: 'stage' };
  if (opts.tag !== undefined) intent.tag = opts.tag;
  if (opts.stableTag !== undefined) intent.stableTag = opts.stableTag;
  if (opts.revision !== undefined) intent.revision = opts.revision;
  if (opts.takeOver) intent.takeOver = true;
  const outcome = await runTrafficStep(ctx, { service, intent, flags: opts.write, question });
  printOutcome(ctx, outcome, { summary: stageSummary(outcome) });
}
