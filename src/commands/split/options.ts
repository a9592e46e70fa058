// bgctl split [SERVICE] --percent N | --traffic REF=PCT,… [--take-over]
import { UsageError } from '../../core/errors.js';
import { parsePercent, parseTrafficSpec, type TrafficAssignment } from '../../core/parse.js';
import type { WriteFlags } from '../write-flags.js';
import { defineVerb } from '../verb.js';
import { addGateFlags, addGateIntervalFlag, parseGateSettings, type GateSettings } from '../gate-flags.js';
import { parseDuration } from '../../core/parse.js';
import { parseStepWriteFlags } from '../write-flags.js';
import { SERVICE_ARG, collect } from '../options-common.js';

export interface SplitOptions {
  service?: string;
  /** The candidate's percent; asked on a terminal when neither it nor traffic is given. */
  percent?: number;
  /** An explicit split by revision name or tag. */
  traffic?: TrafficAssignment[];
  takeOver: boolean;
  /** Metric gates judged for `pauseMs` after the split, and what a failure does; absent without gates. */
  gates?: GateSettings & { pauseMs: number; rollbackOnFailure: boolean };
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
    'A traffic change bgctl did not make since it recorded the rollout is refused (exit 5) unless --take-over.\n\n' +
    'With gates (--gate, --gates) and --pause, the candidate is then judged by Prometheus for that long: two ' +
    'consecutive failures, or a failure at the end, roll the rollout back to its stable revision and exit 3 ' +
    '(--no-rollback leaves the split); Prometheus unreachable exits 7 and leaves the split.',
  args: SERVICE_ARG,
  writes: true,
  notifies: true,
  examples: [
    'bgctl split hello --percent 50 --yes',
    'bgctl split hello --traffic stable=90,v2=10 --yes',
    'bgctl split hello --dry-run=server --percent 10',
    "bgctl split hello --percent 10 --pause 5m --gate 'error-rate<=stable+1%' --prometheus http://prometheus:9090 --yes",
  ],
  flags: (cmd) =>
    addGateIntervalFlag(
      addGateFlags(
        cmd
          .option('--percent <n>', 'percent for the candidate (0-100)')
          .option(
            '--traffic <REF=PCT,...>',
            'explicit split by revision name or tag, e.g. stable=50,v2=50; repeatable',
            collect,
          )
          .option('--take-over', TAKE_OVER)
          .option('--pause <duration>', 'after the split, judge the gates this long, e.g. 5m')
          .option('--no-rollback', 'when a gate fails, leave the split as it is (exit 3)'),
      ),
    ),
  parse: ({ arg, flags, env }) => {
    const write = parseStepWriteFlags(flags, env);
    const percent = flags.string('percent');
    const traffic = flags.list('traffic');
    if (percent !== undefined && traffic.length > 0)
      throw new UsageError('pass either --percent or --traffic, not both', { reason: 'ConflictingFlags' });
    const gates = parseGateSettings(flags, env);
    const pause = flags.string('pause');
    const pauseMs = pause === undefined ? 0 : parseDuration(pause, '--pause');
    if (gates && pauseMs === 0) {
      throw new UsageError('gates judge the candidate after the split: pass --pause, how long to judge it', {
        reason: 'MissingFlag',
        hint: "e.g. --pause 5m --gate 'error-rate<2%'",
      });
    }
    if (!gates && pause !== undefined)
      throw new UsageError('--pause on split is the time its gates judge: add --gate or --gates', {
        reason: 'MissingFlag',
      });
    return {
      service: arg,
      percent: percent === undefined ? undefined : parsePercent(percent),
      traffic: traffic.length > 0 ? parseTrafficSpec(traffic) : undefined,
      takeOver: flags.given('takeOver'),
      ...(gates && { gates: { ...gates, pauseMs, rollbackOnFailure: flags.enabled('rollback') } }),
      write,
    };
  },
  load: () => import('./run.js'),
});

export { TAKE_OVER as TAKE_OVER_TRAFFIC };
