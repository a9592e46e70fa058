// bgctl deploy [SERVICE] --image IMG [--env K=V|K-]… [--annotation K=V|K-]… [--revision-name N]
import { UsageError } from '../../core/errors.js';
import { parseEnvList, type EnvChange } from '../../core/parse.js';
import { parseAnnotations } from '../traffic-step/annotations.js';
import type { WriteFlags } from '../write-flags.js';
import { defineVerb, fromEnv } from '../verb.js';
import { parseStepWriteFlags } from '../write-flags.js';
import { SERVICE_ARG, collect, optionalRevision, optionalTag } from '../options-common.js';
import { quoteInput } from '../../core/quote.js';

export interface DeployOptions {
  service?: string;
  /** --image, else BGCTL_IMAGE when no other template change was asked for; else asked on a terminal. */
  image?: string;
  env: EnvChange[];
  /** Template annotations of the new revision (null removes). */
  annotations: Record<string, string | null>;
  revisionName?: string;
  tag?: string;
  stableTag?: string;
  takeOver: boolean;
  write: WriteFlags;
}

/** An image reference as typed: non-empty, no whitespace (the registry judges the rest). */
export function parseImage(raw: string, flag = '--image'): string {
  const image = raw.trim();
  if (image === '' || /\s/.test(image))
    throw new UsageError(
      `invalid ${flag} ${quoteInput(raw)}: expected an image reference such as ghcr.io/acme/hello:v2`,
      {
        reason: 'InvalidImage',
      },
    );
  return image;
}

export const deployVerb = defineVerb<DeployOptions>({
  name: 'deploy',
  summary: 'create a new revision from a template change; pins first so it starts at 0%',
  description:
    'Changes the image, environment or annotations of spec.template, so Knative creates a new revision. If the ' +
    'service is unpinned, the serving revision is pinned in the same write, so the new revision gets 0% of ' +
    'traffic. Waits until the new revision is Ready (or failed).\n\n' +
    'deploy moves no traffic, but it writes the Service: like every verb that writes, it asks on a terminal and ' +
    'needs --yes elsewhere.',
  args: SERVICE_ARG,
  writes: true,
  notifies: true,
  examples: [
    'bgctl deploy hello --image ghcr.io/acme/hello:v2 --yes',
    'bgctl deploy hello --env MODE=blue --annotation autoscaling.knative.dev/min-scale=1 --yes',
    'BGCTL_IMAGE=ghcr.io/acme/hello:v3 bgctl deploy hello --dry-run',
  ],
  flags: (cmd) =>
    cmd
      .option('--image <image>', 'container image of the new revision (also BGCTL_IMAGE)')
      .option('--env <KEY=VALUE|KEY->', 'set (KEY=VALUE) or remove (KEY-) an environment variable; repeatable', collect)
      .option(
        '--annotation <KEY=VALUE|KEY->',
        'set or remove a revision template annotation, e.g. autoscaling.knative.dev/min-scale=1; repeatable',
        collect,
      )
      .option('--revision-name <name>', 'name the new revision (must start with "SERVICE-")')
      .option('--tag <tag>', 'tag the candidate will get when staged (default "candidate")')
      .option('--stable-tag <tag>', 'tag the serving revision will get when staged (default "stable")')
      .option('--take-over', 'close a rollout in progress (recorded as aborted) and start a new one'),
  parse: ({ arg, flags, env }) => {
    const write = parseStepWriteFlags(flags, env);
    const envChanges = parseEnvList(flags.list('env'));
    const annotations = parseAnnotations(flags.list('annotation'));
    const flagImage = flags.string('image');
    const revisionName = optionalRevision(flags.string('revisionName'));
    // --env, --annotation or --revision-name alone also make a new revision: BGCTL_IMAGE is for a bare deploy.
    const otherChange = envChanges.length > 0 || Object.keys(annotations).length > 0 || revisionName !== undefined;
    const image =
      flagImage !== undefined
        ? parseImage(flagImage)
        : otherChange
          ? undefined
          : fromEnv(env, 'BGCTL_IMAGE', (raw) => parseImage(raw, 'BGCTL_IMAGE'));
    return {
      service: arg,
      image,
      env: envChanges,
      annotations,
      revisionName,
      tag: optionalTag(flags.string('tag')),
      stableTag: optionalTag(flags.string('stableTag')),
      takeOver: flags.given('takeOver'),
      write,
    };
  },
  load: () => import('./run.js'),
});
