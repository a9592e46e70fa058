// bgctl deploy SERVICE --image IMG [--env K=V|K-]… [--annotation K=V|K-]…: a new revision from a
// template change; the planner pins the serving revision in the same write when the service is unpinned.
import { UsageError } from '../core/errors.js';
import { validateRevisionName, validateTag } from '../core/names.js';
import { parseEnvList } from '../core/parse.js';
import type { Intent, Plan } from '../core/plan-types.js';
import { resolveValue } from '../ui/resolve.js';
import type { CommandContext } from './context.js';
import { parseAnnotations } from './traffic-step/annotations.js';
import { resolveService } from './service-arg.js';
import { runTrafficStep } from './traffic-step/run.js';
import { printOutcome } from './traffic-step/show.js';
import { writeFlags } from './traffic-step/write-flags.js';

/** An image reference as typed: non-empty, no whitespace (the registry judges the rest). */
export function parseImage(raw: string, flag = '--image'): string {
  const image = raw.trim();
  if (image === '' || /\s/.test(image)) throw new UsageError(`invalid ${flag} "${raw}": expected an image reference such as ghcr.io/acme/hello:v2`, { reason: 'InvalidImage' });
  return image;
}

function question(p: Plan): string {
  const image = p.template?.spec.containers[0]?.image;
  const pin = p.trafficChanged ? `, pinning ${p.desired.find((t) => (t.percent ?? 0) > 0)?.revisionName} first so it starts at 0%` : '';
  return `Deploy ${image ?? 'the new template'} as a new revision of ${p.service.name}${pin}?`;
}

/** Deploys a new revision. */
export async function run(ctx: CommandContext, service: string | undefined, opts: Record<string, any>): Promise<void> {
  const flags = writeFlags(opts);
  const env = parseEnvList(opts.env ?? []);
  const annotations = parseAnnotations(opts.annotation ?? []);
  const image = opts.image === undefined ? undefined : parseImage(opts.image);
  const revisionName = opts.revisionName === undefined ? undefined : validateRevisionName(opts.revisionName);
  const tag = opts.tag === undefined ? undefined : validateTag(opts.tag);
  const stableTag = opts.stableTag === undefined ? undefined : validateTag(opts.stableTag, undefined);
  const name = await resolveService(ctx, service, 'deploy');
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
  const outcome = await runTrafficStep(ctx, { service: name, intent, flags, question });
  printOutcome(ctx, outcome, {
    summary: outcome.newRevision ? [`New revision: ${outcome.newRevision} (0% of the traffic)`] : [],
    next: outcome.newRevision ? `bgctl stage ${name}${tag ? ` --tag ${tag}` : ''}` : undefined,
  });
}
