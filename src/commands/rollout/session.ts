// One rollout run: what it was asked, what it did so far, and how each step is shown. Every change
// goes through the traffic-step engine (shared with the step verbs), so the wizard, the unattended pipeline and the
// demo write exactly what `bgctl deploy|stage|split|promote` would.
import { CancelError } from '../../core/errors.js';
import type { KnativeService, Revision } from '../../core/knative-types.js';
import { advancesRollout } from '../../core/plan.js';
import type { Intent, IntentKind, Plan } from '../../core/plan-types.js';
import type { RolloutState } from '../../core/state.js';
import { setLongTimeout } from '../../kube/long-timer.js';
import { carryOutStep, prepareStep, settleWithoutWriting, type StepOutcome } from '../traffic-step/engine.js';
import type { CommandContext } from '../context.js';
import { equivalentCommand } from './commands.js';
import type { RolloutOptions } from './options.js';
import type { VerificationReport } from './verification.js';

/** One step the run took, for the RolloutResult document. */
export interface StepRecord {
  action: IntentKind;
  result: StepOutcome['result'] | 'passed' | 'failed';
  revisionName?: string;
  percent?: number;
  at: string;
}

/** How a run shows itself: narrated lines (unattended) or plans and prompts (wizard). */
export interface SessionView {
  /** Before a step: what is about to happen and why, plus the equivalent command. */
  announce(intent: Intent, command: string, svc?: KnativeService): void;
  /** The plan of a step, before its confirmation. */
  plan(plan: Plan, command: string, svc: KnativeService, revisions: Revision[]): void;
  /** After a step was carried out. */
  done?(intent: Intent, outcome: StepOutcome): void;
  /** A free-form line on stderr. */
  note(line: string): void;
}

/** State shared by the steps of one run. */
export interface Session {
  ctx: CommandContext;
  service: string;
  /** -n as typed or picked, repeated in the equivalent commands. */
  namespace?: string;
  opts: RolloutOptions;
  view: SessionView;
  /** Ask before each traffic change (wizard); unattended runs pass --yes. */
  confirm: boolean;
  steps: StepRecord[];
  verification: VerificationReport[];
  /** The service as last seen. */
  svc?: KnativeService;
  /**
   * The service and revisions as the last step (or the run's first read) left them: the next step
   * plans on them instead of reading both again (the engine's `known`; a stale copy gets a 409 and a
   * re-read). Dropped whenever the run waits on something outside itself (a pause, a prompt).
   */
  known?: { service: KnativeService; revisions: Revision[] };
  /** Set when verification was skipped (flag or answer), so the phase machine goes on without it. */
  skipVerify: boolean;
  /** The rollout record as this run last wrote (or first read) it: any other record means someone else acted. */
  recorded?: RolloutState;
  /** The traffic (core/drift.ts trafficKey) the user took over: the next traffic step adopts exactly that, then it is cleared. */
  adoptTraffic?: string;
}

/** The question asked before a step on a terminal. */
export function questionFor(plan: Plan): string {
  const st = plan.state;
  const cand = st?.candidate.revision;
  switch (plan.kind) {
    case 'pin': return `Pin service "${plan.service.name}" to its current revision?`;
    case 'deploy': return `Deploy ${plan.template?.spec.containers[0]?.image ?? 'the new template'} as a new revision (at 0%)?`;
    case 'stage': return `Stage ${cand} at 0% under tag "${st?.candidate.tag}"?`;
    case 'split': return `Send ${st?.percent}% of traffic to ${cand}?`;
    case 'promote': return `Promote ${cand} to 100% of traffic?`;
    case 'rollback': return `Roll back: all traffic to ${st?.stable.revision}?`;
    case 'abort': return `Abort rollout ${st?.id}: all traffic to ${st?.stable.revision}?`;
    default: return `Apply this change to service "${plan.service.name}"?`;
  }
}

/** Whether to wait for Knative after this write: recording a verification only writes annotations. */
export function needsWait(intent: Intent): boolean {
  // An abort or rollback from `deployed` moves no traffic, yet it waits too: the deploy's own write
  // (by a process that was killed, say) may not be routed yet, and exit 0 means it is. The wait is
  // traffic-only, so a candidate that is still starting, or failed, does not hold it up.
  return intent.kind !== 'verify';
}

/** Reads the service, and its revisions (in parallel) as what the next step plans on when it will not ask first. */
export async function readKnown(s: Session): Promise<KnativeService> {
  const client = await s.ctx.kube();
  if (s.confirm) return (s.svc = await client.getService(s.service));
  const [service, revisions] = await Promise.all([client.getService(s.service), client.listRevisions(s.service)]);
  s.svc = service;
  s.known = { service, revisions };
  return service;
}

/** Runs one step through the traffic-step engine (which shows its own wait progress), with the plan shown and a record kept. */
export async function applyIntent(s: Session, intent: Intent, opts: { quiet?: boolean } = {}): Promise<StepOutcome> {
  const { ctx } = s;
  const command = equivalentCommand(intent, s.service, s.namespace, { envRaw: s.opts.envRaw, annotationRaw: s.opts.annotationRaw });
  // A wizard step follows a prompt (time passes, others may write): it reads afresh.
  const known = s.confirm ? undefined : s.known;
  s.known = undefined;
  if (advancesRollout(intent.kind) && s.adoptTraffic !== undefined) {
    intent = { ...intent, adoptTraffic: { trafficKey: s.adoptTraffic } };
    s.adoptTraffic = undefined;
  }
  const step = await prepareStep(ctx, {
    service: s.service,
    intent,
    // Recording a passed verification changes no traffic: like `bgctl verify`, it asks nothing.
    flags: { ...s.opts.write, yes: !s.confirm || s.opts.write.yes || intent.kind === 'verify', wait: s.opts.write.wait && needsWait(intent) },
    question: questionFor,
    known,
  });
  s.svc = step.read.service;
  if (!opts.quiet) {
    // Announced with the service the step planned on, so the narration describes what it changes.
    s.view.announce(intent, command, step.read.service);
    s.view.plan(step.plan, command, step.read.service, step.read.revisions);
  }
  const outcome = (await settleWithoutWriting(ctx, step)) ?? (await carryOutStep(ctx, step));
  s.svc = outcome.service;
  if (outcome.result === 'applied' || outcome.result === 'noop') {
    s.known = { service: outcome.service, revisions: outcome.revisions };
    s.recorded = outcome.plan.state;
  }
  const st = outcome.plan.state;
  const rec: StepRecord = { action: intent.kind, result: outcome.result, at: ctx.now().toISOString() };
  const rev = outcome.newRevision ?? st?.candidate.revision;
  if (rev) rec.revisionName = rev;
  if (intent.kind === 'split' || intent.kind === 'promote') rec.percent = st?.percent;
  s.steps.push(rec);
  s.view.done?.(intent, outcome);
  return outcome;
}

/** Sleeps, but wakes with the signal's abort (Ctrl-C during a --pause). */
export function pauseFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CancelError('cancelled during the pause'));
    const cancel = setLongTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      cancel();
      reject(new CancelError('cancelled during the pause'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
