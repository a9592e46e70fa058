// bgctl pin [SERVICE] [--revision R] [--take-over]
import type { WriteFlags } from '../write-flags.js';
import { defineVerb } from '../verb.js';
import { parseStepWriteFlags } from '../write-flags.js';
import { SERVICE_ARG, optionalRevision } from '../options-common.js';

export interface PinOptions {
  service?: string;
  /** Default: the revision serving now. */
  revision?: string;
  takeOver: boolean;
  write: WriteFlags;
}

export const pinVerb = defineVerb<PinOptions>({
  name: 'pin',
  summary: 'pin 100% of traffic to the current (or a named) revision by name',
  description:
    'Replaces latestRevision targets with the revision that serves now (or --revision) at 100%, pinned by name, ' +
    'so that the next deploy starts at 0% instead of taking all traffic once Ready. Tags stay at 0%.',
  args: SERVICE_ARG,
  writes: true,
  notifies: true,
  examples: ['bgctl pin hello --yes', 'bgctl pin hello --revision hello-00001 --dry-run'],
  flags: (cmd) =>
    cmd
      .option('--revision <name>', 'the revision to pin (default: the one serving now)')
      .option('--take-over', 'close a rollout in progress (recorded as aborted) and pin'),
  parse: ({ arg, flags, env }) => ({
    service: arg,
    revision: optionalRevision(flags.string('revision')),
    takeOver: flags.given('takeOver'),
    write: parseStepWriteFlags(flags, env),
  }),
  load: () => import('./run.js'),
});
