// bgctl stage [SERVICE] [--tag v2] [--stable-tag stable] [--revision R] [--take-over]
import type { WriteFlags } from '../write-flags.js';
import { defineVerb } from '../verb.js';
import { parseStepWriteFlags } from '../write-flags.js';
import { SERVICE_ARG, optionalRevision, optionalTag } from '../options-common.js';

export interface StageOptions {
  service?: string;
  tag?: string;
  stableTag?: string;
  /** Default: the latest created revision. */
  revision?: string;
  takeOver: boolean;
  write: WriteFlags;
}

export const stageVerb = defineVerb<StageOptions>({
  name: 'stage',
  summary: 'route the candidate at 0% under a tag and print its URL',
  description:
    'Adds the candidate (default: the latest created revision) at 0% under --tag and tags the serving revision ' +
    'with --stable-tag, both pinned by name. The tag URL serves only the candidate; the main URL still serves ' +
    'the stable revision.',
  args: SERVICE_ARG,
  writes: true,
  notifies: true,
  examples: ['bgctl stage hello --tag v2 --yes', 'bgctl stage hello --revision hello-00003 --dry-run'],
  flags: (cmd) =>
    cmd
      .option('--tag <tag>', 'tag of the candidate (default "candidate", or the one given to deploy)')
      .option('--stable-tag <tag>', 'tag of the stable revision (default "stable")')
      .option('--revision <name>', 'the candidate revision (default: the latest created one)')
      .option('--take-over', 'close a rollout in progress (recorded as aborted) and stage anew'),
  parse: ({ arg, flags, env }) => {
    const write = parseStepWriteFlags(flags, env);
    return {
      service: arg,
      tag: optionalTag(flags.string('tag')),
      stableTag: optionalTag(flags.string('stableTag')),
      revision: optionalRevision(flags.string('revision')),
      takeOver: flags.given('takeOver'),
      write,
    };
  },
  load: () => import('./run.js'),
});
