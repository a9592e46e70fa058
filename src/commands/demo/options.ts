// bgctl demo [--image IMG] [--percents LIST]
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
}

export const demoVerb = defineVerb<DemoOptions>({
  name: 'demo',
  summary: 'start the playground in-process with a sample service and run a rollout on it',
  description:
    'Starts the local Knative playground, creates the sample service "hello", and runs a complete blue-green ' +
    'rollout on it: the wizard on a terminal (press Enter at every prompt to go forward), narrated unattended ' +
    'steps otherwise. Everything stops when the demo ends.',
  examples: ['bgctl demo', 'bgctl demo --image ghcr.io/bgctl/hello:v3 --percents 10,50,100', 'bgctl demo -o json'],
  flags: (cmd) =>
    cmd
      .option('--image <image>', "image of the new revision (default: the sample's next version)")
      .option('--percents <list>', "the candidate's traffic levels (a final 100 means promote; default 50,100)")
      .addOption(new Option('--steps <list>', 'old name of --percents').hideHelp()),
  parse: ({ flags }) => {
    const image = flags.string('image');
    const steps = flags.string('steps');
    if (steps !== undefined && flags.string('percents') !== undefined)
      throw new UsageError('--steps is the old name of --percents: pass one of them', { reason: 'ConflictingFlags' });
    const percents = steps ?? flags.string('percents') ?? '50,100';
    parseSteps(percents, steps !== undefined ? '--steps' : '--percents');
    return { image: image === undefined ? undefined : parseImage(image), percents };
  },
  load: () => import('./run.js'),
});
