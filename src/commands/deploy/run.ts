// bgctl deploy SERVICE --image IMG [--env K=V|K-]… [--annotation K=V|K-]…: a new revision from a
// template change; the planner pins the serving revision in the same write when the service is unpinned.
import type { Intent, Plan } from '../../core/plan-types.js';
import { resolveValue } from '../../ui/resolve.js';
import type { CommandContext } from '../context.js';
import { resolveService } from '../service-arg.js';
import { runTrafficStep } from '../traffic-step/run.js';
import { printOutcome } from '../traffic-step/show.js';
import { parseImage, type DeployOptions } from './options.js';

/** deploy writes the Service's template (and a pin) but moves no traffic: its question and refusal say so. */
function question(p: Plan): string {
  const image = p.template?.spec.containers[0]?.image;
  const pin = p.trafficChanged ? ` and pin ${p.desired.find((t) => (t.percent ?? 0) > 0)?.revisionName} by name` : '';
  return (
    `Write service ${p.service.name}: deploy ${image ?? 'the new template'} as a new revision${pin} ` +
    '(no traffic moves, it starts at 0%)?'
  );
}

/** The usage error's message off a terminal without --yes. */
export const DEPLOY_YES_REQUIRED =
  'not running interactively: bgctl deploy writes the Service only with --yes (it moves no traffic)';

export async function run(opts: DeployOptions, ctx: CommandContext): Promise<void> {
  const service = await resolveService(ctx, opts.service, 'deploy');
  const intent: Intent = { kind: 'deploy', env: opts.env };
  if (Object.keys(opts.annotations).length) intent.annotations = opts.annotations;
  if (opts.revisionName) intent.revisionName = opts.revisionName;
  // The image is the one value a deploy needs; --env, --annotation or --revision-name alone also make a new revision.
  const otherChange = opts.env.length > 0 || intent.annotations !== undefined || opts.revisionName !== undefined;
  const image =
    opts.image ??
    (otherChange
      ? undefined
      : await resolveValue(ctx.io, ctx.prompter(), {
          flag: '--image',
          value: undefined,
          env: 'BGCTL_IMAGE',
          prompt: async (p) => parseImage(await p.input(`Image of the new revision of ${service}`)),
        }));
  if (image !== undefined) intent.image = image;
  if (opts.tag) intent.tag = opts.tag;
  if (opts.stableTag) intent.stableTag = opts.stableTag;
  if (opts.takeOver) intent.takeOver = true;
  const outcome = await runTrafficStep(ctx, {
    service,
    intent,
    flags: opts.write,
    question,
    confirm: { withoutTerminal: DEPLOY_YES_REQUIRED },
  });
  printOutcome(ctx, outcome, {
    summary: outcome.newRevision ? [`New revision: ${outcome.newRevision} (0% of the traffic)`] : [],
    next: outcome.newRevision ? `bgctl stage ${service}${opts.tag ? ` --tag ${opts.tag}` : ''}` : undefined,
  });
}
