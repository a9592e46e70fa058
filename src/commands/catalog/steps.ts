// Specs of the step verbs: the blue-green procedure (docs/cli.md) one write at a time (pin, deploy, stage,
// split, promote, rollback, cleanup). Each adds the shared write flags (--dry-run, --yes, --wait, --timeout).
import type { CommandSpec } from '../catalog.js';
import { collect } from './repeatable.js';

const SERVICE_ARG = { name: '[service]', description: 'the Knative Service (on a terminal, picked from a list when omitted)' };

export const STEP_COMMANDS: CommandSpec[] = [
  {
    name: 'pin',
    summary: 'pin 100% of traffic to the current (or a named) revision by name',
    description:
      'Replaces latestRevision targets with the revision that serves now (or --revision) at 100%, pinned by ' +
      'name, so that the next deploy starts at 0% instead of taking all traffic once Ready. Tags stay at 0%.',
    args: SERVICE_ARG,
    options: (cmd) => cmd.option('--revision <name>', 'the revision to pin (default: the one serving now)').option('--take-over', 'close a rollout in progress (recorded as aborted) and pin'),
    writes: true,
    example: '  bgctl pin hello --yes\n  bgctl pin hello --revision hello-00001 --dry-run',
    load: () => import('../pin.js'),
  },
  {
    name: 'deploy',
    summary: 'create a new revision from a template change; pins first so it starts at 0%',
    description:
      'Changes the image and environment of spec.template, so Knative creates a new revision. If the service ' +
      'is unpinned, the serving revision is pinned in the same write, so the new revision gets 0% of traffic. ' +
      'Waits until the new revision is Ready (or failed).',
    args: SERVICE_ARG,
    options: (cmd) =>
      cmd
        .option('--image <image>', 'container image of the new revision (also BGCTL_IMAGE)')
        .option('--env <KEY=VALUE|KEY->', 'set (KEY=VALUE) or remove (KEY-) an environment variable; repeatable', collect)
        .option('--annotation <KEY=VALUE|KEY->', 'set or remove a revision template annotation, e.g. autoscaling.knative.dev/min-scale=1; repeatable', collect)
        .option('--revision-name <name>', 'name the new revision (must start with "SERVICE-")')
        .option('--tag <tag>', 'tag the candidate will get when staged (default "candidate")')
        .option('--stable-tag <tag>', 'tag the serving revision will get when staged (default "stable")')
        .option('--take-over', 'close a rollout in progress (recorded as aborted) and start a new one'),
    writes: true,
    example: '  bgctl deploy hello --image ghcr.io/acme/hello:v2 --env MODE=blue --yes',
    load: () => import('../deploy.js'),
  },
  {
    name: 'stage',
    summary: 'route the candidate at 0% under a tag and print its URL',
    description:
      'Adds the candidate (default: the latest created revision) at 0% under --tag and tags the serving ' +
      'revision with --stable-tag, both pinned by name. The tag URL serves only the candidate; the main URL ' +
      'still serves the stable revision.',
    args: SERVICE_ARG,
    options: (cmd) =>
      cmd
        .option('--tag <tag>', 'tag of the candidate (default "candidate", or the one given to deploy)')
        .option('--stable-tag <tag>', 'tag of the stable revision (default "stable")')
        .option('--revision <name>', 'the candidate revision (default: the latest created one)')
        .option('--take-over', 'close a rollout in progress (recorded as aborted) and stage anew'),
    writes: true,
    example: '  bgctl stage hello --tag v2 --yes',
    load: () => import('../stage.js'),
  },
  {
    name: 'split',
    summary: 'send N% of traffic to the candidate, the rest to the stable revision',
    args: SERVICE_ARG,
    options: (cmd) =>
      cmd
        .option('--percent <n>', 'percent for the candidate (0-100)')
        .option('--traffic <REF=PCT,...>', 'explicit split by revision name or tag, e.g. stable=50,v2=50; repeatable', collect)
        .option('--take-over', 'continue although someone else changed the traffic since bgctl recorded the rollout (their change is built on, not restored)'),
    writes: true,
    example: '  bgctl split hello --percent 50 --yes\n  bgctl split hello --traffic stable=90,v2=10 --yes',
    load: () => import('../split.js'),
  },
  {
    name: 'promote',
    summary: '100% to the candidate; keep the old revision tagged at 0% for an instant rollback',
    args: SERVICE_ARG,
    options: (cmd) =>
      cmd
        .option('--retire', 'drop the old revision from the traffic (Knative may garbage-collect it)')
        .option('--previous-tag <tag>', 'tag kept on the old revision (default "previous")')
        .option('--take-over', 'continue although someone else changed the traffic since bgctl recorded the rollout (their change is built on, not restored)'),
    writes: true,
    example: '  bgctl promote hello --yes',
    load: () => import('../promote.js'),
  },
  {
    name: 'rollback',
    summary: '100% back to the stable revision of the current or last rollout',
    args: SERVICE_ARG,
    writes: true,
    example: '  bgctl rollback hello --yes',
    load: () => import('../rollback.js'),
  },
  {
    name: 'cleanup',
    summary: 'drop untagged 0% targets and retired tags; optionally delete unrouted revisions',
    args: SERVICE_ARG,
    options: (cmd) =>
      cmd
        .option('--delete-revisions', 'also delete revisions that no longer receive traffic (keeps no-gc ones)')
        .option('--force', 'also remove the last rollback target (the old revision kept by promote)'),
    writes: true,
    example: '  bgctl cleanup hello --dry-run\n  bgctl cleanup hello --delete-revisions --yes',
    load: () => import('../cleanup.js'),
  },
];
