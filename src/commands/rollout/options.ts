// bgctl rollout [SERVICE] …: the wizard's and the pipeline's flags, parsed strictly before anything is read or written.
import { Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parseDuration, parseEnvList, parseSteps, type EnvChange } from '../../core/parse.js';
import { parsePath, parseVerifyFlags, type VerifyFlags } from '../../core/verify.js';
import type { WriteFlags } from '../write-flags.js';
import { parseAnnotations } from '../traffic-step/annotations.js';
import { collect, optionalRevision, optionalTag } from '../options-common.js';
import { defineVerb, fromEnv, type VerbInput } from '../verb.js';
import { addGateFlags, addGateIntervalFlag, parseGateSettings, type GateSettings } from '../gate-flags.js';
import { parseNotifyFlags, type NotifySettings } from '../notify-flags.js';
import { parseWriteFlags } from '../write-flags.js';
import { parseImage } from '../deploy/options.js';
import {
  addFleetRunFlags,
  addTargetFlags,
  parseFleetRunFlags,
  parseTargetFlags,
  type FleetFlags,
  type FleetRunFlags,
} from '../fleet/flags.js';

import { UNTIL_PHASES, type UntilPhase } from '../../core/phase-table.js';
import { quoteInput } from '../../core/quote.js';

/** Phases --until accepts (core/phase-table.ts). */
export type { UntilPhase };

/** The HTTP checks of the tag URL, as typed (verify's own parser validates them). */
export interface VerifySettings {
  path?: string;
  expectStatus?: string;
  expectBody?: string;
  requests?: string;
  maxLatency?: string;
  ingress?: string;
}

export interface RolloutOptions {
  service?: string;
  /** --image, else BGCTL_IMAGE; asked on a terminal when a new revision is needed and neither is set. */
  image?: string;
  env: EnvChange[];
  /** The raw --env values, for the equivalent command lines. */
  envRaw: string[];
  /** Template annotations of the new revision (null removes). */
  annotations: Record<string, string | null>;
  annotationRaw: string[];
  revision?: string;
  tag?: string;
  stableTag?: string;
  previousTag?: string;
  retire: boolean;
  /** The candidate's traffic levels, increasing; a final 100 means promote. */
  percents: number[];
  pauseMs: number;
  verify: VerifySettings;
  noVerify: boolean;
  rollbackOnFailure: boolean;
  until: UntilPhase;
  resume: boolean;
  abort: boolean;
  takeOver: boolean;
  /** Metric gates judged during each --pause after a split; absent when no gate is given. */
  gates?: GateSettings;
  /** Where each phase change is POSTed (--notify, BGCTL_NOTIFY_URL); absent without URLs. */
  notify?: NotifySettings;
  /** --prometheus without gates (checked): the wizard offers gates on it (else on BGCTL_PROMETHEUS_URL). */
  prometheus?: string;
  /** Synthetic requests per second to the tag URL during a staged analysis window (needs gates). */
  analysisLoad?: number;
  write: WriteFlags;
  /** Set by a fleet rollout (never a flag): the fleet id each target's record carries. */
  fleet?: string;
  /** Set with --image-tag (never a flag): the own image `image` was made from; a different one now is a drift. */
  retagOf?: string;
  /** Several targets (-l, -A, --all-contexts, --context a,b): run by commands/fleet; absent for one service. */
  targets?: FleetFlags;
  /** --first-wave, --max-parallel, --continue-on-failure, --image-tag, --context-ingress, --fleet; absent when none. */
  fleetRun?: FleetRunFlags;
}

const MAX_ANALYSIS_LOAD = 1000;

/** The settings in the shape runVerification takes (--verify-path is verify's --path). */
export function verifyFlags(v: VerifySettings): VerifyFlags {
  const f: VerifyFlags = {};
  if (v.path !== undefined) f.path = v.path;
  if (v.expectStatus !== undefined) f.expectStatus = v.expectStatus;
  if (v.expectBody !== undefined) f.expectBody = v.expectBody;
  if (v.requests !== undefined) f.requests = v.requests;
  if (v.maxLatency !== undefined) f.maxLatency = v.maxLatency;
  if (v.ingress !== undefined) f.ingress = v.ingress;
  return f;
}

/** Checks every rollout flag; throws UsageError naming the flag. */
export function parseRolloutInput({ arg, flags, env }: VerbInput): RolloutOptions {
  const envRaw = flags.list('env');
  const annotationRaw = flags.list('annotation');
  const percentsRaw = flags.string('percents');
  const stepsRaw = flags.string('steps');
  if (percentsRaw !== undefined && stepsRaw !== undefined)
    throw new UsageError('--steps is the old name of --percents: pass one of them', { reason: 'ConflictingFlags' });
  const flagImage = flags.string('image');
  const verify: VerifySettings = flags.strings(
    {
      path: 'verifyPath',
      expectStatus: 'expectStatus',
      expectBody: 'expectBody',
      requests: 'requests',
      maxLatency: 'maxLatency',
      ingress: 'ingress',
    },
    ['ingress'],
  );
  const out: RolloutOptions = {
    service: arg,
    image: flagImage !== undefined ? parseImage(flagImage) : undefined,
    env: parseEnvList(envRaw),
    envRaw,
    annotations: parseAnnotations(annotationRaw),
    annotationRaw,
    revision: optionalRevision(flags.string('revision')),
    tag: optionalTag(flags.string('tag')),
    stableTag: optionalTag(flags.string('stableTag')),
    previousTag: optionalTag(flags.string('previousTag')),
    retire: flags.given('retire'),
    percents:
      stepsRaw !== undefined ? parseSteps(stepsRaw, '--steps') : parseSteps(percentsRaw ?? '50,100', '--percents'),
    pauseMs: parseDuration(flags.string('pause') ?? '0s', '--pause'),
    verify,
    noVerify: !flags.enabled('verify'),
    rollbackOnFailure: flags.enabled('rollback'),
    until: parseUntil(flags.string('until')),
    resume: flags.given('resume'),
    abort: flags.given('abort'),
    takeOver: flags.given('takeOver'),
    write: parseWriteFlags(flags),
  };
  const targets = parseTargetFlags(flags, flags.given('allNamespaces'));
  if (targets) out.targets = targets;
  const fleetRun = parseFleetRunFlags(flags);
  if (fleetRun) out.fleetRun = fleetRun;
  refuseFleetConflicts(out);
  const gates = parseGateSettings(flags, env, { perContext: fleetRun?.contextPrometheus !== undefined });
  if (gates) out.gates = gates;
  else if (fleetRun?.contextPrometheus !== undefined)
    throw new UsageError('--context-prometheus names the Prometheus of gates: add --gate or --gates', {
      reason: 'MissingFlag',
      hint: "e.g. --pause 2m --gate 'error-rate<2%' --context-prometheus prod-eu=http://prometheus.monitoring:9090",
    });
  else if (flags.string('prometheus') !== undefined) out.prometheus = flags.string('prometheus');
  const notify = parseNotifyFlags(flags, env);
  if (notify) out.notify = notify;
  const load = flags.string('analysisLoad');
  if (load !== undefined) out.analysisLoad = parseAnalysisLoad(load, out);
  if (gates && !out.abort) requireAnalysisWindow(out);
  // The same parser verify uses, so a bad value fails here, before the rollout writes anything.
  if (verify.path !== undefined) parsePath(verify.path, '--verify-path');
  // BGCTL_INGRESS matters only when the tag URL is checked: a stale value never blocks --abort or --no-verify.
  // (--analysis-load sends its requests to the tag URL too.)
  const tagUrlUsed = !out.noVerify || flags.string('analysisLoad') !== undefined;
  const envIngress = out.abort || !tagUrlUsed ? undefined : env.BGCTL_INGRESS;
  parseVerifyFlags(verifyFlags(verify), envIngress);
  if (verify.ingress === undefined && envIngress) verify.ingress = envIngress;
  if (out.resume && out.abort)
    throw new UsageError('pass either --resume or --abort, not both', { reason: 'ConflictingFlags' });
  if (out.fleetRun?.fleet !== undefined && !out.resume && !out.abort)
    throw new UsageError('--fleet names a fleet to continue or undo: pass it with --resume or --abort', {
      reason: 'ConflictingFlags',
      hint: 'a new rollout starts a fleet of its own, with a new id',
    });
  const changes =
    out.image !== undefined ||
    out.env.length > 0 ||
    out.revision !== undefined ||
    annotationRaw.length > 0 ||
    out.fleetRun?.imageTag !== undefined;
  if ((out.resume || out.abort) && changes) {
    throw new UsageError(
      `--${out.resume ? 'resume' : 'abort'} works on the recorded rollout; ` +
        'drop --image, --image-tag, --env, --annotation and --revision',
      { reason: 'ConflictingFlags' },
    );
  }
  if (out.revision !== undefined && (out.image !== undefined || out.env.length > 0 || annotationRaw.length > 0)) {
    throw new UsageError(
      'pass either --revision (an existing revision) or --image/--env/--annotation (a new one), not both',
      { reason: 'ConflictingFlags' },
    );
  }
  if (!out.write.wait) {
    throw new UsageError(
      'bgctl rollout waits for each step before the next; ' +
        'use the step commands (deploy, stage, split, promote) with --no-wait',
      { reason: 'ConflictingFlags' },
    );
  }
  if (out.tag && out.stableTag && out.tag === out.stableTag)
    throw new UsageError(`--tag and --stable-tag must differ (both ${quoteInput(out.tag)})`, { reason: 'SameTags' });
  // BGCTL_IMAGE only where no other source of the new revision was given.
  if (!changes && !out.resume && !out.abort) {
    const image = fromEnv(env, 'BGCTL_IMAGE', (raw) => parseImage(raw, 'BGCTL_IMAGE'));
    if (image !== undefined) out.image = image;
  }
  return out;
}

/** The fleet flags that cannot go together (the ones that need the global --context are checked by fleet/run.ts). */
function refuseFleetConflicts(o: RolloutOptions): void {
  const t = o.targets;
  if (t?.selector !== undefined && o.service !== undefined)
    throw new UsageError('pass SERVICE or --selector, not both', { reason: 'ConflictingFlags' });
  if (t && o.service === undefined && t.selector === undefined)
    throw new UsageError('a rollout across namespaces or contexts needs SERVICE or --selector', {
      reason: 'MissingArgument',
      hint: 'e.g. bgctl rollout -l app=shop --all-contexts --image-tag v2 --yes',
    });
  if (o.fleetRun?.imageTag !== undefined && o.image !== undefined)
    throw new UsageError('pass either --image (one image for all) or --image-tag, not both', {
      reason: 'ConflictingFlags',
    });
  if (o.fleetRun?.imageTag !== undefined && o.revision !== undefined)
    throw new UsageError('pass either --revision or --image-tag, not both', { reason: 'ConflictingFlags' });
  if (t && o.revision !== undefined)
    throw new UsageError('--revision names one revision of one service: a fleet deploys a new one everywhere', {
      reason: 'ConflictingFlags',
    });
}

function parseAnalysisLoad(raw: string, o: RolloutOptions): number {
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || n < 1 || n > MAX_ANALYSIS_LOAD) {
    throw new UsageError(`invalid --analysis-load ${quoteInput(raw)}: requests per second, 1 to ${MAX_ANALYSIS_LOAD}`, {
      reason: 'InvalidNumber',
    });
  }
  if (!o.gates)
    throw new UsageError('--analysis-load feeds the gates: add --gate or --gates', { reason: 'MissingFlag' });
  return n;
}

/** Gates judge traffic while the rollout waits: they need a pause, and a traffic level (or load) to judge. */
function requireAnalysisWindow(o: RolloutOptions): void {
  if (o.pauseMs === 0) {
    throw new UsageError('gates judge the candidate while it serves traffic: pass --pause, the time at each level', {
      reason: 'MissingFlag',
      hint: "e.g. --pause 2m --gate 'error-rate<2%' (evaluated every --gate-interval during each pause)",
    });
  }
  if (!o.percents.some((p) => p < 100) && o.analysisLoad === undefined) {
    throw new UsageError('gates need a traffic level before promote: --percents has none', {
      reason: 'MissingFlag',
      hint: 'e.g. --percents 10,50,100, or --analysis-load RPS to judge the candidate at 0% on synthetic requests',
    });
  }
}

const UNTIL = Object.keys(UNTIL_PHASES) as UntilPhase[];

function parseUntil(raw: string | undefined): UntilPhase {
  if (raw === undefined) return 'promoted';
  if (!(UNTIL as readonly string[]).includes(raw))
    throw new UsageError(`invalid value ${quoteInput(raw)} for --until: use ${UNTIL.join(', ')}`, {
      reason: 'InvalidChoice',
    });
  return raw as UntilPhase;
}

export const rolloutVerb = defineVerb<RolloutOptions>({
  name: 'rollout',
  summary: 'walk a blue-green rollout step by step (wizard), or run it unattended with --yes',
  description:
    'On a terminal, a wizard: pick the service, see where it stands, deploy or pick the new revision, stage it ' +
    'at 0% under a tag, verify the tag URL, split, promote, retire. Before each change it shows the planned ' +
    'traffic and the equivalent step command.\n\n' +
    'With --yes (required without a terminal) the same sequence runs unattended. The rollout state is recorded ' +
    'on the Service with each traffic change, so --resume continues it from any machine and --abort returns all ' +
    'traffic to the stable revision.\n\n' +
    'Several targets (a label selector, every namespace, several contexts as a comma list, or every context) make ' +
    'a fleet: each target runs this unattended rollout, the first context first (the first wave), then the rest ' +
    'a few at a time; a failure stops the fleet and rolls back the rollouts in flight. Each record carries the ' +
    'fleet id, so resume and abort with the same targets act on the whole fleet. See docs/fleet.md.',
  args: { name: '[service]', description: 'the Knative Service (prompted on a terminal when omitted)' },
  writes: true,
  notifies: true,
  examples: [
    'bgctl rollout                                   # wizard',
    'bgctl rollout hello --image ghcr.io/acme/hello:v2 --yes',
    'bgctl rollout hello --image IMG --percents 10,50,100 --pause 1m --expect-body ok --yes -o json',
    'bgctl rollout hello --image IMG --until staged --yes && bgctl rollout hello --resume --yes',
    'bgctl rollout hello --abort --yes',
    'bgctl rollout -l app=shop --context prod-eu,prod-us --image-tag v2 --yes   # a fleet, in waves',
  ],
  manyContexts: true,
  flags: (cmd) =>
    addGateIntervalFlag(
      addGateFlags(
        addFleetRunFlags(addTargetFlags(cmd))
          .option('-A, --all-namespaces', 'the services of every namespace (with SERVICE or a selector)')
          .option('--image <image>', 'image of the new revision (also BGCTL_IMAGE)')
          .option(
            '--env <KEY=VALUE|KEY->',
            'set (KEY=VALUE) or remove (KEY-) an env var of the new revision; repeatable',
            collect,
          )
          .option(
            '--annotation <KEY=VALUE|KEY->',
            'set or remove a template annotation of the new revision ' +
              '(e.g. autoscaling.knative.dev/min-scale=1); repeatable',
            collect,
          )
          .option('--revision <name>', 'use this existing revision as the candidate instead of deploying one')
          .option('--tag <tag>', 'tag of the candidate revision (default "candidate")')
          .option('--stable-tag <tag>', 'tag of the stable revision (default "stable")')
          .option('--previous-tag <tag>', 'tag kept on the old revision after promote (default "previous")')
          .option('--retire', 'after promote, drop the old revision from traffic instead of keeping it tagged at 0%')
          .option(
            '--percents <list>',
            "the candidate's traffic levels, e.g. 10,50,100 (a final 100 means promote; default 50,100)",
          )
          .addOption(new Option('--steps <list>', 'old name of --percents').hideHelp())
          .option('--pause <duration>', 'wait this long at each traffic level before the next, e.g. 30s (at most 168h)')
          .option('--verify-path <path>', 'path requested on the tag URL (default /)')
          .option(
            '--expect-status <codes>',
            'accepted HTTP status of each request, e.g. 200, 200,204 or 2xx (default 200)',
          )
          .option('--expect-body <regex>', 'regular expression each response body must match in its first 1 MiB')
          .option('--requests <n>', 'number of requests sent to the tag URL (default 10)')
          .option('--max-latency <duration>', 'slowest acceptable response, e.g. 500ms')
          .option('--ingress <host:port>', 'connect there and send the tag URL as Host header (also BGCTL_INGRESS)')
          .option('--no-verify', 'skip the HTTP checks of the tag URL')
          .option('--no-rollback', 'on a failed verification or revision, leave the rollout as it is (resumable)')
          .addOption(
            new Option(
              '--until <phase>',
              'stop there (exit 8, resumable): staged, verified, ' +
                'split (after the last planned split, before promote), promoted',
            ).choices(UNTIL),
          )
          .option('--resume', 'continue the rollout in progress from its recorded phase')
          .option('--abort', 'return all traffic to the stable revision and close the rollout in progress')
          .option(
            '--take-over',
            'start a new rollout even though another one is in progress (it is recorded as aborted); ' +
              'when resuming, continue from traffic someone else changed',
          ),
      ),
    ).option(
      '--analysis-load <rps>',
      'before the first split, send this many requests per second to the tag URL for one pause, judged by the gates',
    ),
  parse: parseRolloutInput,
  load: () => import('./run.js'),
});
