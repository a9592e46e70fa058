// bgctl promote [SERVICE] [--retire] [--previous-tag previous] [--take-over]
import type { WriteFlags } from '../write-flags.js';
import { defineVerb } from '../verb.js';
import { parseStepWriteFlags } from '../write-flags.js';
import { SERVICE_ARG, optionalTag } from '../options-common.js';
import { TAKE_OVER_TRAFFIC } from '../split/options.js';

export interface PromoteOptions {
  service?: string;
  retire: boolean;
  previousTag?: string;
  takeOver: boolean;
  write: WriteFlags;
}

export const promoteVerb = defineVerb<PromoteOptions>({
  name: 'promote',
  summary: '100% to the candidate; keep the old revision tagged at 0% for an instant rollback',
  description:
    'Sends all traffic to the candidate and closes the rollout. The old stable revision stays routable at 0% ' +
    'under --previous-tag and is marked so that Knative does not garbage-collect it, so bgctl rollback is one ' +
    'write away; --retire drops it from the traffic instead.',
  args: SERVICE_ARG,
  writes: true,
  notifies: true,
  examples: ['bgctl promote hello --yes', 'bgctl promote hello --retire --yes'],
  flags: (cmd) =>
    cmd
      .option('--retire', 'drop the old revision from the traffic (Knative may garbage-collect it)')
      .option('--previous-tag <tag>', 'tag kept on the old revision (default "previous")')
      .option('--take-over', TAKE_OVER_TRAFFIC),
  parse: ({ arg, flags, env }) => {
    const write = parseStepWriteFlags(flags, env);
    return {
      service: arg,
      retire: flags.given('retire'),
      previousTag: optionalTag(flags.string('previousTag')),
      takeOver: flags.given('takeOver'),
      write,
    };
  },
  load: () => import('./run.js'),
});
