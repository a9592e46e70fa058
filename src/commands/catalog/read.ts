// Specs of the read verbs (status, revisions, url, history), verify, and completion.
import type { Command } from 'commander';
import type { CommandSpec } from '../catalog.js';

/** The verification flags, shared with the wizard's spec (`rollout` verifies with the same flags). */
export function addVerifyOptions(cmd: Command): Command {
  return cmd
    .option('--path <path>', 'path requested on the tag URL', '/')
    .option('--requests <n>', 'number of GET requests to send', '10')
    .option('--expect-status <codes>', 'accepted status codes, e.g. 200, 200,204 or 2xx', '200')
    .option('--expect-body <regex>', 'every response body must match this regular expression in its first 1 MiB')
    .option('--max-latency <duration>', 'fail when the p95 latency exceeds this, e.g. 300ms')
    .option('--ingress <host:port>', "connect here and send the tag URL's Host header (also BGCTL_INGRESS)")
    .option('--http-timeout <duration>', 'timeout of each request (at most 168h)', '10s');
}

const chunkSize = (cmd: Command) => cmd.option('--chunk-size <n>', 'items per LIST request (pages of the API server)');

// The completion command is built by cli.ts like every other; keeping a handle on it lets the
// generator read the whole program (global flags, write flags) instead of a copy of their list.
let completionCommand: Command | undefined;

/** The program the completion verb was registered in (set while cli.ts builds it). */
export function completionProgram(): Command | undefined {
  return completionCommand?.parent ?? undefined;
}

export const READ_COMMANDS: CommandSpec[] = [
  {
    name: 'status',
    summary: 'show traffic, revisions, tags and the rollout phase of a service (or list services)',
    description:
      'With SERVICE: its URL, readiness, traffic split with a bar per target, tag URLs, revisions, ' +
      'conditions that are not True, the rollout phase recorded by bgctl, and the next command. ' +
      'Without SERVICE: one line per service of the namespace (-A: of all namespaces).',
    args: { name: '[service]', description: 'the Knative Service (omit to list services)' },
    options: (cmd) => chunkSize(cmd.option('-A, --all-namespaces', 'list the services of all namespaces')),
    example: '  bgctl status hello\n  bgctl status -A -o json\n  bgctl status -n prod',
    load: () => import('../status.js'),
  },
  {
    name: 'revisions',
    summary: 'list the revisions of a service with readiness, traffic, tags and age',
    description: 'Rows are printed as each page of the list arrives, in the order the API lists them.',
    args: { name: '[service]', description: 'the Knative Service' },
    options: chunkSize,
    example: '  bgctl revisions hello\n  bgctl revisions hello -o json',
    load: () => import('../revisions.js'),
  },
  {
    name: 'url',
    summary: "print a service's URL, or one tag's URL",
    args: { name: '[service]', description: 'the Knative Service' },
    options: (cmd) => cmd.option('--tag <tag>', 'print the URL of this tag instead of the main URL'),
    example: '  bgctl url hello\n  curl "$(bgctl url hello --tag candidate)"',
    load: () => import('../url.js'),
  },
  {
    name: 'history',
    summary: 'list the rollouts recorded on a service',
    description: 'The rollout in progress (marked *) and past rollouts, newest first, from the bgctl.dev/ annotations.',
    args: { name: '[service]', description: 'the Knative Service' },
    example: '  bgctl history hello\n  bgctl history hello -o json',
    load: () => import('../history.js'),
  },
  {
    name: 'verify',
    summary: "send HTTP checks to a tag URL; exit 3 when they fail",
    description:
      'Sends --requests GETs, one after another, to the tag URL plus --path and checks each status and body; ' +
      'the p95 latency is compared with --max-latency. Nothing is retried: every failure counts. The tag defaults ' +
      'to the candidate tag of the rollout in progress, else "candidate". A pass on a staged rollout is ' +
      'recorded (phase verified), and a failure on a verified one takes it back (phase staged), unless --no-record. Exit 3: the checks failed; exit 4: the endpoint was never reached.',
    args: { name: '[service]', description: 'the Knative Service' },
    options: (cmd) =>
      addVerifyOptions(cmd.option('--tag <tag>', 'tag to check (default: the rollout candidate tag, else "candidate")')).option(
        '--no-record',
        'do not record the result on the rollout in progress',
      ),
    example:
      '  bgctl verify hello --tag candidate --expect-body "Hello" --max-latency 500ms\n' +
      '  bgctl verify hello --ingress 127.0.0.1:8080 --requests 50 -o json',
    load: () => import('../verify.js'),
  },
  {
    name: 'completion',
    summary: 'print a shell completion script (bash, zsh or fish)',
    description: 'With -o json|yaml the script comes in a CompletionScript document (fields shell and script).',
    args: { name: '<shell>', description: 'bash, zsh or fish' },
    options: (cmd) => {
      cmd.registeredArguments[0]?.choices(['bash', 'zsh', 'fish']);
      completionCommand = cmd;
    },
    example:
      '  source <(bgctl completion bash)            # bash, e.g. in ~/.bashrc\n' +
      '  source <(bgctl completion zsh)             # zsh, e.g. in ~/.zshrc\n' +
      '  bgctl completion fish | source             # fish',
    load: () => import('../completion.js'),
  },
];
