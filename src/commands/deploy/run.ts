// bgctl deploy SERVICE --image IMG [--env K=V|K-]… [--annotation K=V|K-]…: a new revision from a
// template change; the planner pins the serving revision in the same write when the service is unpinned.
import type { Intent, Plan } from '../../core/plan-types.js';
import { resolveValue } from '../../ui/resolve.js';
import type { CommandContext } from '../context.js';
import { runStepVerb } from '../step-engine/step-verb.js';
import { parseImage, type DeployOptions } from './options.js';

function question(p: Plan): string {
  const image = p.template?.spec.containers[0]?.image;
  const pin = p.trafficChanged ? `, pinning ${p.desired.find((t) => (t.percent ?? 0) > 0)?.revisionName} first so it starts at 0%` : '';
  return `Deploy ${image ?? 'the new template'} as a new revision of ${p.service.name}${pin}?`;
}

/** Deploys a new revision. */
export async function run(opts: DeployOptions, ctx: CommandContext): Promise<void> {
  const { env, annotations, image, revisionName, tag, stableTag } = opts;
  await runStepVerb(ctx, 'deploy', opts.service, opts.write, async (name) => {
    const intent: Intent = { kind: 'deploy', env };
    if (Object.keys(annotations).length) intent.annotations = annotations;
    // The image is the one value a deploy needs; --env, --annotation or --revision-name alone also make a new revision.
    intent.image = image ?? (env.length || revisionName || intent.annotations
      ? undefined
      : await resolveValue(ctx.io, ctx.prompter(), { flag: '--image', value: undefined, env: 'BGCTL_IMAGE', parse: (raw) => parseImage(raw, 'BGCTL_IMAGE'), prompt: async (p) => parseImage(await p.input(`Image of the new revision of ${name}`)) }));
    if (intent.image === undefined) delete intent.image;
    if (revisionName) intent.revisionName = revisionName;
    if (tag) intent.tag = tag;
    if (stableTag) intent.stableTag = stableTag;
    if (opts.takeOver) intent.takeOver = true;
    return {
      intent,
      question,
      summary: (o) => (o.newRevision ? [`New revision: ${o.newRevision} (0% of the traffic)`] : []),
      next: (o) => (o.newRevision ? `bgctl stage ${name}${tag ? ` --tag ${tag}` : ''}` : undefined),
    };
  });
}
