// The flags that pick several targets (-l/--selector, --all-contexts; -A on rollout) and pace a fleet rollout
// (--first-wave, --max-parallel, --continue-on-failure, --image-tag). `--context a,b` is a global flag (program.ts).
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { isFleetId, parseSelector } from '../../core/fleet.js';
import { parseImageTag } from '../../core/image-ref.js';
import { parseIngress, quoteAddress } from '../../core/verify.js';
import { parsePrometheusUrl, rejectedUrl } from '../../metrics/url.js';
import { collect } from '../options-common.js';
import type { GlobalOptions } from '../context.js';
import type { GateSettings } from '../gate-flags.js';
import type { FlagValues } from '../verb.js';
import { quoteInput } from '../../core/quote.js';

/** How targets are found in each context; present only when one of these flags was given. */
export interface FleetFlags {
  /** -l/--selector: a label selector sent as labelSelector on the Service list. */
  selector?: string;
  /** -A on rollout: every namespace of each context. */
  allNamespaces?: true;
  /** --all-contexts: every context of the kubeconfig. */
  allContexts?: true;
}

/** How a fleet rollout is paced; fields present only when given (defaults: fleetDefaults). */
export interface FleetRunFlags {
  firstWave?: number;
  maxParallel?: number;
  continueOnFailure?: true;
  /** --image-tag: each service's own first image with this tag. */
  imageTag?: string;
  /** --context-ingress CONTEXT=HOST:PORT: the ingress of one context's tag URLs (replaces --ingress there). */
  contextIngress?: Record<string, string>;
  /** --context-prometheus CONTEXT=URL: the Prometheus judging one context's gates (replaces --prometheus there). */
  contextPrometheus?: Record<string, string>;
  /** --fleet ID (with --resume/--abort): the fleet to act on instead of the most recent one. */
  fleet?: string;
}

export const DEFAULT_MAX_PARALLEL = 4;
const MAX_PARALLEL_LIMIT = 64;

/** Adds -l/--selector and --all-contexts. */
export function addTargetFlags(cmd: Command): Command {
  return cmd
    .option('-l, --selector <selector>', 'label selector of the services, e.g. app=shop (in each context)')
    .option('--all-contexts', 'every context of the kubeconfig (with a selector or SERVICE)');
}

/** Adds the pacing flags of a fleet rollout. */
export function addFleetRunFlags(cmd: Command): Command {
  return cmd
    .option('--image-tag <tag>', 'the new revision of each service is its own first image with this tag')
    .option('--first-wave <n>', 'targets in the first wave (default: those of the first context)')
    .option('--max-parallel <n>', `rollouts in flight after the first wave (default ${DEFAULT_MAX_PARALLEL})`)
    .option('--continue-on-failure', 'a failed target does not stop the fleet')
    .option(
      '--context-ingress <context=host:port>',
      'the ingress of one context for the tag URL checks (as the ingress flag does for one); repeatable',
      collect,
    )
    .option(
      '--context-prometheus <context=url>',
      'the Prometheus of one context for its metric gates (as the prometheus flag does for all); repeatable',
      collect,
    )
    .option('--fleet <id>', 'with resume or abort: act on this fleet, not the most recent one on the targets');
}

/** The target flags, or undefined when none was given. */
export function parseTargetFlags(flags: FlagValues, allNamespaces: boolean): FleetFlags | undefined {
  const raw = flags.string('selector');
  const out: FleetFlags = {};
  if (raw !== undefined) out.selector = parseSelector(raw);
  if (allNamespaces) out.allNamespaces = true;
  if (flags.given('allContexts')) out.allContexts = true;
  return Object.keys(out).length ? out : undefined;
}

function count(raw: string, flag: string, max: number): number {
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || n < 1 || n > max)
    throw new UsageError(`invalid ${flag} ${quoteInput(raw)}: a whole number from 1 to ${max}`, {
      reason: 'InvalidNumber',
    });
  return n;
}

/** The pacing flags, or undefined when none was given. */
export function parseFleetRunFlags(flags: FlagValues): FleetRunFlags | undefined {
  const out: FleetRunFlags = {};
  const first = flags.string('firstWave');
  const parallel = flags.string('maxParallel');
  const tag = flags.string('imageTag');
  if (first !== undefined) out.firstWave = count(first, '--first-wave', 100_000);
  if (parallel !== undefined) out.maxParallel = count(parallel, '--max-parallel', MAX_PARALLEL_LIMIT);
  if (flags.given('continueOnFailure')) out.continueOnFailure = true;
  if (tag !== undefined) out.imageTag = parseImageTag(tag);
  const ingress = flags.list('contextIngress');
  if (ingress.length) out.contextIngress = Object.fromEntries(ingress.map(parseContextIngress));
  const prometheus = flags.list('contextPrometheus');
  if (prometheus.length) out.contextPrometheus = Object.fromEntries(prometheus.map(parseContextPrometheus));
  const fleet = flags.string('fleet');
  if (fleet !== undefined) out.fleet = parseFleetFlag(fleet);
  return Object.keys(out).length ? out : undefined;
}

/** Whether this run addresses several targets: target flags, or several contexts given to --context. */
export function isFleet(targets: FleetFlags | undefined, globals: GlobalOptions): boolean {
  return targets !== undefined || (globals.contexts?.length ?? 0) > 0;
}

/** --all-contexts replaces --context: both at once is a usage error. */
export function refuseContextConflict(targets: FleetFlags | undefined, globals: GlobalOptions): void {
  if (targets?.allContexts && (globals.context !== undefined || globals.contexts !== undefined))
    throw new UsageError('pass either --context or --all-contexts, not both', { reason: 'ConflictingFlags' });
}

/** --fleet ID: the shape fleet ids have (fleet-<UTC time, 14 digits>-<hex>), so a typo never matches a record. */
function parseFleetFlag(raw: string): string {
  const id = raw.trim();
  if (!isFleetId(id))
    throw new UsageError(`invalid --fleet ${quoteInput(raw)}: a fleet id, e.g. fleet-20250102030405-1a2b3c4d`, {
      reason: 'InvalidFleetId',
      hint: 'the fleet id is in the FLEET column of bgctl status and in the message of a stopped fleet',
    });
  return id;
}

function parseContextIngress(raw: string): [string, string] {
  const eq = raw.indexOf('=');
  if (eq <= 0)
    throw new UsageError(`invalid --context-ingress ${quoteAddress(raw)}: use CONTEXT=HOST:PORT`, {
      reason: 'InvalidIngress',
    });
  const address = raw.slice(eq + 1);
  parseIngress(address, '--context-ingress');
  return [raw.slice(0, eq), address];
}

/** CONTEXT=URL: the URL checked as --prometheus is; a bad one is quoted with any user:password cut. */
function parseContextPrometheus(raw: string): [string, string] {
  const eq = raw.indexOf('=');
  if (eq <= 0)
    throw new UsageError(`invalid --context-prometheus ${rejectedUrl(raw)}: use CONTEXT=URL`, {
      reason: 'InvalidPrometheusURL',
      hint: 'e.g. --context-prometheus prod-eu=http://prometheus.monitoring:9090',
    });
  const url = raw.slice(eq + 1);
  parsePrometheusUrl(url, '--context-prometheus');
  return [raw.slice(0, eq), url];
}

/** How the contexts a rollout visits are listed in a hint (the first ten). */
function visited(contexts: readonly string[]): string {
  const more = contexts.length > 10 ? ` and ${contexts.length - 10} more` : '';
  return contexts.slice(0, 10).map(quoteInput).join(', ') + more;
}

/**
 * --context-ingress or --context-prometheus for a context the rollout does not visit would be silently unused: a
 * typo, refused (exit 2) before anything is written.
 */
export function refuseStrayContextFlags(run: FleetRunFlags | undefined, contexts: readonly string[]): void {
  const given: Array<[string, Record<string, string> | undefined]> = [
    ['--context-ingress', run?.contextIngress],
    ['--context-prometheus', run?.contextPrometheus],
  ];
  for (const [flag, byContext] of given) {
    const stray = Object.keys(byContext ?? {}).filter((c) => !contexts.includes(c));
    if (!stray.length) continue;
    throw new UsageError(`${flag} names ${stray.map(quoteInput).join(', ')}: not a context this rollout visits`, {
      reason: 'UnknownContext',
      hint: `the contexts it visits: ${visited(contexts)}`,
    });
  }
}

/**
 * Gates with no --prometheus (nor BGCTL_PROMETHEUS_URL) are judged by --context-prometheus alone: every context
 * the rollout visits needs one, checked before anything is written.
 */
export function refuseContextWithoutPrometheus(
  gates: GateSettings | undefined,
  run: FleetRunFlags | undefined,
  contexts: readonly string[],
): void {
  if (!gates || gates.prometheus !== '') return;
  const missing = contexts.filter((c) => run?.contextPrometheus?.[c] === undefined);
  if (!missing.length) return;
  throw new UsageError(`no Prometheus to judge the gates of context ${missing.map(quoteInput).join(', ')}`, {
    reason: 'MissingPrometheus',
    hint: 'pass --prometheus URL for every context, or --context-prometheus CONTEXT=URL for each of them',
  });
}

/**
 * The tag-URL ingress and the gate settings of one context: its --context-ingress and --context-prometheus, else
 * the rollout's own.
 */
export function settingsForContext<V extends { ingress?: string }>(
  o: { verify: V; gates?: GateSettings; fleetRun?: FleetRunFlags },
  context: string,
): { verify: V; gates: GateSettings | undefined } {
  const ingress = o.fleetRun?.contextIngress?.[context];
  const url = o.fleetRun?.contextPrometheus?.[context];
  return {
    verify: ingress !== undefined ? { ...o.verify, ingress } : o.verify,
    gates: o.gates && url !== undefined ? { ...o.gates, prometheus: url } : o.gates,
  };
}
