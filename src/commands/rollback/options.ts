// bgctl rollback [SERVICE]
import type { WriteFlags } from '../write-flags.js';
import { defineVerb } from '../verb.js';
import { parseStepWriteFlags } from '../write-flags.js';
import { SERVICE_ARG } from '../options-common.js';

export interface RollbackOptions {
  service?: string;
  write: WriteFlags;
}

export const rollbackVerb = defineVerb<RollbackOptions>({
  name: 'rollback',
  summary: '100% back to the stable revision of the current or last rollout',
  description:
    'Sends the traffic back to the stable revision: of the rollout in progress (which is recorded as rolled ' +
    'back), or of the last promoted one (its old revision, kept at 0% by promote). The candidate stays tagged at ' +
    '0% for inspection.',
  args: SERVICE_ARG,
  writes: true,
  notifies: true,
  examples: ['bgctl rollback hello --yes', 'bgctl rollback hello --dry-run -o json'],
  parse: ({ arg, flags, env }) => ({ service: arg, write: parseStepWriteFlags(flags, env) }),
  load: () => import('./run.js'),
});
