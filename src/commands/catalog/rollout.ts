// Specs of the rollout verbs: the wizard / unattended pipeline, and the self-contained demo.
import { Option } from 'commander';
import type { CommandSpec } from '../catalog.js';
import { collect } from './repeatable.js';

export const ROLLOUT_COMMANDS: CommandSpec[] = [
  {
    name: 'rollout',
    summary: 'walk a blue-green rollout step by step (wizard), or run it unattended with --yes',
    description:
      'On a terminal, a wizard: pick the service, see where it stands, deploy or pick the new revision, ' +
      'stage it at 0% under a tag, verify the tag URL, split, promote, retire. Before each change it shows ' +
      'the planned traffic and the equivalent step command.\n\n' +
      'With --yes (required without a terminal) the same sequence runs unattended. The rollout state is ' +
      'recorded on the Service with each traffic change, so --resume continues it from any machine and ' +
      '--abort returns all traffic to the stable revision.',
    args: { name: '[service]', description: 'the Knative Service (prompted on a terminal when omitted)' },
    writes: true,
    options: (cmd) =>
      cmd
        .option('--image <image>', 'image of the new revision (also $BGCTL_IMAGE)')
        .option('--env <KEY=VALUE>', 'set (KEY=VALUE) or remove (KEY-) an env var of the new revision; repeatable', collect)
        .option('--annotation <KEY=VALUE|KEY->', 'set or remove a template annotation of the new revision (e.g. autoscaling.knative.dev/min-scale=1); repeatable', collect)
        .option('--revision <name>', 'use this existing revision as the candidate instead of deploying one')
        .option('--tag <tag>', 'tag of the candidate revision (default "candidate")')
        .option('--stable-tag <tag>', 'tag of the stable revision (default "stable")')
        .option('--previous-tag <tag>', 'tag kept on the old revision after promote (default "previous")')
        .option('--retire', 'after promote, drop the old revision from traffic instead of keeping it tagged at 0%')
        .option('--steps <list>', 'candidate percents, e.g. 10,50,100 (a final 100 means promote)', '50,100')
        .option('--pause <duration>', 'wait this long between traffic steps, e.g. 30s (at most 168h)')
        .option('--verify-path <path>', 'path requested on the tag URL (default /)')
        .option('--expect-status <codes>', 'accepted HTTP status of each request, e.g. 200, 200,204 or 2xx (default 200)')
        .option('--expect-body <regex>', 'regular expression each response body must match in its first 1 MiB')
        .option('--requests <n>', 'number of requests sent to the tag URL (default 10)')
        .option('--max-latency <duration>', 'slowest acceptable response, e.g. 500ms')
        .option('--ingress <host:port>', 'connect there and send the tag URL as Host header (also $BGCTL_INGRESS)')
        .option('--no-verify', 'skip the HTTP checks of the tag URL')
        .option('--no-rollback', 'on a failed verification or revision, leave the rollout as it is (resumable)')
        .addOption(new Option('--until <phase>', 'stop there (exit 8, resumable): staged, verified, split (after the last planned split, before promote), promoted').choices(['staged', 'verified', 'split', 'promoted']))
        .option('--resume', 'continue the rollout in progress from its recorded phase')
        .option('--abort', 'return all traffic to the stable revision and close the rollout in progress')
        .option('--take-over', 'start a new rollout even though another one is in progress (it is recorded as aborted); when resuming, continue from traffic someone else changed'),
    example:
      '  bgctl rollout                                   # wizard\n' +
      '  bgctl rollout hello --image ghcr.io/acme/hello:v2 --yes\n' +
      '  bgctl rollout hello --image IMG --steps 10,50,100 --pause 1m --expect-body ok --yes -o json\n' +
      '  bgctl rollout hello --image IMG --until staged --yes && bgctl rollout hello --resume --yes\n' +
      '  bgctl rollout hello --abort --yes',
    load: () => import('../rollout.js'),
  },
  {
    name: 'demo',
    summary: 'start the playground in-process with a sample service and run a rollout on it',
    description:
      'Starts the local Knative playground, creates the sample service "hello", and runs a complete ' +
      'blue-green rollout on it: the wizard on a terminal, narrated unattended steps otherwise. ' +
      'Everything stops when the demo ends.',
    options: (cmd) =>
      cmd
        .option('--image <image>', 'image of the new revision', 'ghcr.io/bgctl/hello:v2')
        .option('--steps <list>', 'candidate percents (a final 100 means promote)', '50,100'),
    example: '  bgctl demo\n  bgctl demo -o json',
    load: () => import('../demo.js'),
  },
];
