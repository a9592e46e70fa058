// bgctl demo [--image IMG] [--percents LIST] [--no-metrics] [--fleet] [--yes]
import { Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parseSteps } from '../../core/parse.js';
import { parseImage } from '../deploy/options.js';
import { defineVerb } from '../verb.js';

export interface DemoOptions {
  /** The new revision's image; unset: the demo's next image (offered as the default on a terminal). */
  image?: string;
  /** As typed, for the rollout's own parser. */
  percents: string;
  /** false with --no-metrics: no Prometheus, no gates, even with one on PATH. */
  metrics: boolean;
  /** --fleet: a fleet rollout across three playground clusters (demo/fleet.ts). */
  fleet: boolean;
  /** --yes: unattended even on a terminal. */
  yes: boolean;
}

export const demoVerb = defineVerb<DemoOptions>({
  name: 'demo',
  summary: 'start the playground in-process with a sample service and run a rollout on it',
  description:
    'Starts the local Knative playground, creates the sample service "hello", and runs a complete blue-green ' +
    'rollout on it: the wizard on a terminal (press Enter at every prompt to go forward), narrated unattended ' +
    "steps otherwise. With a `prometheus` binary on PATH it also starts Prometheus on the playground's metrics, " +
    'with load on the service, and the rollout is judged by metric gates during its pauses. ' +
    'With --fleet it starts three playground clusters instead and rolls the release out across them as a fleet: ' +
    'the first cluster first, then the other two, with one progress line per cluster (docs/fleet.md). ' +
    '--yes runs it unattended on a terminal too. Everything stops when the demo ends.',
  examples: [
    'bgctl demo',
    'bgctl demo --image ghcr.io/bgctl/hello:v3 --percents 10,50,100',
    'bgctl demo -o json',
    'bgctl demo --no-metrics',
    'bgctl demo --fleet',
  ],
  flags: (cmd) =>
    cmd
      .option('--image <image>', "image of the new revision (default: the sample's next version)")
      .option('--percents <list>', "the candidate's traffic levels (a final 100 means promote; default 50,100)")
      .option('--no-metrics', 'no Prometheus and no metric gates, even with prometheus on PATH')
      .option('--fleet', 'roll out across three playground clusters, the first one first (a fleet)')
      .option('-y, --yes', 'run unattended: no prompt, even on a terminal')
      .addOption(new Option('--steps <list>', 'old name of --percents').hideHelp()),
  parse: ({ flags }) => {
    const image = flags.string('image');
    const steps = flags.string('steps');
    if (steps !== undefined && flags.string('percents') !== undefined)
      throw new UsageError('--steps is the old name of --percents: pass one of them', { reason: 'ConflictingFlags' });
    const percents = steps ?? flags.string('percents') ?? '50,100';
    parseSteps(percents, steps !== undefined ? '--steps' : '--percents');
    return {
      image: image === undefined ? undefined : parseImage(image),
      percents,
      metrics: flags.enabled('metrics'),
      fleet: flags.given('fleet'),
      yes: flags.given('yes'),
    };
  },
  load: () => import('./run.js'),
});
