// bgctl verify [SERVICE] [--tag T] [--path P] [--requests N] [--expect-status C] [--expect-body RE]
// [--max-latency D] [--ingress HOST:PORT] [--http-timeout D] [--no-record]
import type { Command } from 'commander';
import { parseVerifyFlags, type VerifyFlags } from '../../core/verify.js';
import { defineVerb, type FlagValues } from '../verb.js';

export interface VerifyVerbOptions {
  service?: string;
  /** Default: the candidate tag of the rollout in progress, else "candidate". */
  tag?: string;
  /** The checks as typed (already validated), --ingress falling back to BGCTL_INGRESS. */
  checks: VerifyFlags;
  /** Record a pass (or a failure of a verified rollout) on the rollout in progress. */
  record: boolean;
}

/** The HTTP check flags; the wizard's `rollout` takes the same checks under its own names. */
export function addVerifyFlags(cmd: Command): Command {
  return cmd
    .option('--path <path>', 'path requested on the tag URL', '/')
    .option('--requests <n>', 'number of GET requests to send', '10')
    .option('--expect-status <codes>', 'accepted status codes, e.g. 200, 200,204 or 2xx', '200')
    .option('--expect-body <regex>', 'every response body must match this regular expression in its first 1 MiB')
    .option('--max-latency <duration>', 'fail when the p95 latency exceeds this, e.g. 300ms')
    .option('--ingress <host:port>', "connect here and send the tag URL's Host header (also BGCTL_INGRESS)")
    .option('--http-timeout <duration>', 'timeout of each request (at most 168h)', '10s');
}

function checksOf(flags: FlagValues): VerifyFlags {
  const keys = {
    path: 'path',
    requests: 'requests',
    expectStatus: 'expectStatus',
    expectBody: 'expectBody',
    maxLatency: 'maxLatency',
    httpTimeout: 'httpTimeout',
    ingress: 'ingress',
  } as const;
  return flags.strings(keys, ['ingress']);
}

export const verifyVerb = defineVerb<VerifyVerbOptions>({
  name: 'verify',
  summary: 'send HTTP checks to a tag URL; exit 3 when they fail',
  description:
    'Sends --requests GETs, one after another, to the tag URL plus --path and checks each status and body; the ' +
    'p95 latency is compared with --max-latency. Nothing is retried: every failure counts. The tag defaults to ' +
    'the candidate tag of the rollout in progress, else "candidate".\n\n' +
    'A pass on a staged rollout is recorded (phase verified), and a failure on a verified one takes it back ' +
    '(phase staged), unless --no-record. Exit 3: the checks failed; exit 4: the endpoint was never reached.',
  args: { name: '[service]', description: 'the Knative Service' },
  examples: [
    'bgctl verify hello --tag candidate --expect-body "Hello" --max-latency 500ms',
    'bgctl verify hello --ingress 127.0.0.1:8080 --requests 50 -o json',
  ],
  flags: (cmd) =>
    addVerifyFlags(
      cmd.option('--tag <tag>', 'tag to check (default: the rollout candidate tag, else "candidate")'),
    ).option('--no-record', 'do not record the result on the rollout in progress'),
  parse: ({ arg, flags, env }) => {
    const checks = checksOf(flags);
    // A bad BGCTL_INGRESS is reported under its own name.
    parseVerifyFlags(checks, env.BGCTL_INGRESS);
    if (checks.ingress === undefined && env.BGCTL_INGRESS) checks.ingress = env.BGCTL_INGRESS;
    return { service: arg, tag: flags.string('tag'), checks, record: flags.enabled('record') };
  },
  load: () => import('./run.js'),
});
