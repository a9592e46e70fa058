// bgctl split [SERVICE] --percent N | --traffic REF=PCT,… [--take-over]
import { UsageError } from '../../core/errors.js';
import { parsePercent, parseTrafficSpec, type TrafficAssignment } from '../../core/parse.js';
import type { WriteFlags } from '../write-flags.js';
import { defineVerb } from '../verb.js';
import { parseWriteFlags } from '../write-flags.js';
import { SERVICE_ARG, collect } from '../options-common.js';

export interface SplitOptions {
  service?: string;
  /** The candidate's percent; asked on a terminal when neither it nor traffic is given. */
  percent?: number;
  /** An explicit split by revision name or tag. */
  traffic?: TrafficAssignment[];
  takeOver: boolean;
  write: WriteFlags;
}

const TAKE_OVER =
  'continue although someone else changed the traffic since bgctl recorded the rollout ' +
  '(their change is built on, not restored)';

export const splitVerb = defineVerb<SplitOptions>({
  name: 'split',
  summary: 'send N% of traffic to the candidate, the rest to the stable revision',
  description:
    'Moves the traffic of the rollout in progress: --percent N gives the candidate N% and the stable revision the ' +
    'rest; --traffic names every share by revision or tag. Both revisions stay pinned by name and keep their tags. ' +
    'A traffic change bgctl did not make since it recorded the rollout is refused (exit 5) unless --take-over.',
  args: SERVICE_ARG,
  writes: true,
  examples: [
    'bgctl split hello --percent 50 --yes',
    'bgctl split hello --traffic stable=90,v2=10 --yes',
    'bgctl split hello --dry-run=server --percent 10',
  ],
  flags: (cmd) =>
    cmd
      .option('--percent <n>', 'percent for the candidate (0-100)')
      .option(
        '--traffic <REF=PCT,...>',
        'explicit split by revision name or tag, e.g. stable=50,v2=50; repeatable',
        collect,
      )
      .option('--take-over', TAKE_OVER),
  parse: ({ arg, flags }) => {
    const write = parseWriteFlags(flags);
    const percent = flags.string('percent');
    const traffic = flags.list('traffic');
    if (percent !== undefined && traffic.length > 0)
      throw new UsageError('pass either --percent or --traffic, not both', { reason: 'ConflictingFlags' });
    return {
      service: arg,
      percent: percent === undefined ? undefined : parsePercent(percent),
      traffic: traffic.length > 0 ? parseTrafficSpec(traffic) : undefined,
      takeOver: flags.given('takeOver'),
      write,
    };
  },
  load: () => import('./run.js'),
});

export { TAKE_OVER as TAKE_OVER_TRAFFIC };
