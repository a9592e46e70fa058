// One rollout run: what it was asked, what it did so far, and how each step is shown. Every change goes through the
// traffic-step engine, so the wizard, the pipeline and the demo write exactly what the step verbs would.
import { CancelError } from '../../core/errors.js';
import type { KnativeService, Revision } from '../../core/knative-types.js';
import { advancesRollout } from '../../core/plan.js';
import type { Intent, IntentKind, Plan } from '../../core/plan-types.js';
import type { GatesRecord, RolloutState } from '../../core/state.js';
import { announcePhase } from '../notify-events.js';
import { setLongTimeout } from '../../kube/long-timer.js';
import {
  carryOutStep,
  prepareStep,
  settleWithoutWriting,
  type StepOutcome,
  type Target,
  type TrafficStepRequest,
} from '../traffic-step/engine.js';
import type { CommandContext } from '../context.js';
import { equivalentCommand } from './commands.js';
import type { RolloutOptions } from './options.js';
import type { VerificationReport } from './verification.js';
import type { GateWindow } from '../gates/window.js';

/** One step the run took, for the RolloutResult document. */
export interface StepRecord {
  readonly action: IntentKind;
  readonly result: StepOutcome['result'] | 'passed' | 'failed';
  readonly revisionName?: string;
  readonly percent?: number;
  readonly at: string;
}

/** How a run shows itself: narrated lines (unattended) or plans and prompts (wizard). */
export interface SessionView {
  announce(intent: Intent, command: string, svc?: KnativeService): void;
  /** The plan of a step, before its confirmation. */
  plan(plan: Plan, command: string, svc: KnativeService, revisions: Revision[]): void;
  /** After a step was carried out. */
  done?(intent: Intent, outcome: StepOutcome): void;
  note(line: string): void;
}

/** What one run was asked to do and how it shows itself: fixed for the whole run. */
export interface Session {
  readonly ctx: CommandContext;
  readonly service: string;
  /** -n as typed or picked, repeated in the equivalent commands. */
  readonly namespace?: string;
  readonly opts: RolloutOptions;
  readonly view: SessionView;
  /** Ask before each traffic change (wizard); unattended runs pass --yes. */
  readonly confirm: boolean;
  /** How those questions behave (the wizard's "no" is not a cancel; the demo's Enter says yes). */
  readonly prompting?: TrafficStepRequest['confirm'];
}

/** What the next step may reuse from the steps before it; every step and read returns a new Carry. */
export interface Carry {
  readonly svc?: KnativeService;
  /**
   * The service and revisions as the last step (or the first read) left them: the next step plans on them (a stale
   * copy gets a 409 and a re-read). Dropped whenever the run waits on something outside itself (a pause, a prompt).
   */
  readonly known?: Target;
  /** The rollout record as this run last wrote (or first read) it: any other record means someone else acted. */
  readonly recorded?: RolloutState;
  /** The traffic (core/drift.ts trafficKey) the user took over: the next traffic step adopts exactly that. */
  readonly adoptTraffic?: string;
  /** Verification was skipped (flag or answer), so the phase machine goes on without it. */
  readonly skipVerify: boolean;
}

/** The run's journal (append-only) for the RolloutResult document and the error path: steps, verifications, service. */
export class Journal {
  readonly #steps: StepRecord[] = [];
  readonly #verification: VerificationReport[] = [];
  readonly #gateWindows: GateWindow[] = [];
  #gatesRecorded = 0;
  #lastSeen?: KnativeService;
  #lastKnown?: Target;

  get steps(): readonly StepRecord[] {
    return this.#steps;
  }
  get verification(): readonly VerificationReport[] {
    return this.#verification;
  }
  get gateWindows(): readonly GateWindow[] {
    return this.#gateWindows;
  }
  get lastSeen(): KnativeService | undefined {
    return this.#lastSeen;
  }
  /** The revisions of `svc` when it is the service the last step left (no list needed to show it). */
  revisionsOf(svc: KnativeService): Revision[] | undefined {
    return this.#lastKnown?.service === svc ? this.#lastKnown.revisions : undefined;
  }
  took(record: StepRecord): void {
    this.#steps.push(Object.freeze(record));
  }
  verified(report: VerificationReport): void {
    this.#verification.push(Object.freeze(report));
  }
  judged(window: GateWindow): void {
    this.#gateWindows.push(Object.freeze(window));
  }
  /** The verdict of the last analysis window for the next write to record, once. */
  gatesToRecord(): { gates?: GatesRecord } {
    const last = this.#gateWindows.at(-1);
    if (!last || this.#gatesRecorded === this.#gateWindows.length) return {};
    this.#gatesRecorded = this.#gateWindows.length;
    return { gates: { verdict: last.verdict, evaluations: last.evaluations } };
  }
  saw(carry: Carry): Carry {
    if (carry.svc) this.#lastSeen = carry.svc;
    this.#lastKnown = carry.known;
    return carry;
  }
}

/** What one step returns: its record, its outcome, and what the next step may reuse. */
export interface StepResult {
  readonly record: StepRecord;
  readonly outcome: StepOutcome;
  readonly carry: Carry;
}

export function freshCarry(opts: RolloutOptions): Carry {
  return { skipVerify: opts.noVerify };
}

/** The question asked before a step on a terminal. */
export function questionFor(plan: Plan): string {
  const st = plan.state;
  const cand = st?.candidate.revision;
  switch (plan.kind) {
    case 'pin':
      return `Pin service "${plan.service.name}" to its current revision?`;
    case 'deploy':
      return `Deploy ${plan.template?.spec.containers[0]?.image ?? 'the new template'} as a new revision (at 0%)?`;
    case 'stage':
      return `Stage ${cand} at 0% under tag "${st?.candidate.tag}"?`;
    case 'split':
      return `Send ${st?.percent}% of traffic to ${cand}?`;
    case 'promote':
      return `Promote ${cand} to 100% of traffic?`;
    case 'rollback':
      return `Roll back: all traffic to ${st?.stable.revision}?`;
    case 'abort':
      return `Abort rollout ${st?.id}: all traffic to ${st?.stable.revision}?`;
    default:
      return `Apply this change to service "${plan.service.name}"?`;
  }
}

/** Whether to wait for Knative after this write: recording a verification only writes annotations. */
export function needsWait(intent: Intent): boolean {
  // An abort or rollback from `deployed` moves no traffic yet waits: the deploy's own write (by a killed process, say)
  // may not be routed yet, and exit 0 means it is. The wait is traffic-only: a starting or failed candidate is no hold.
  return intent.kind !== 'verify';
}

/** Reads the service, and its revisions (in parallel) as what the next step plans on when it will not ask first. */
export async function readKnown(s: Session, j: Journal, carry: Carry): Promise<Carry> {
  const client = await s.ctx.kube();
  if (s.confirm) return j.saw({ ...carry, svc: await client.getService(s.service), known: undefined });
  const [service, revisions] = await Promise.all([client.getService(s.service), client.listRevisions(s.service)]);
  return j.saw({ ...carry, svc: service, known: { service, revisions } });
}

/** Runs one step through the traffic-step engine (it shows its wait progress), plan shown; returns its record. */
export async function applyIntent(
  s: Session,
  j: Journal,
  carry: Carry,
  intent: Intent,
  opts: { quiet?: boolean } = {},
): Promise<StepResult> {
  const { ctx } = s;
  const { gates, pauseMs } = s.opts;
  const command = equivalentCommand(intent, s.service, s.namespace, {
    envRaw: s.opts.envRaw,
    annotationRaw: s.opts.annotationRaw,
    // The Prometheus appears only when it was a flag: one from BGCTL_PROMETHEUS_URL stays in the environment.
    judged:
      gates && pauseMs > 0
        ? {
            pauseMs,
            gates: gates.gates,
            intervalMs: gates.intervalMs,
            ...(gates.prometheus !== s.ctx.io.env.BGCTL_PROMETHEUS_URL && { prometheus: gates.prometheus }),
          }
        : undefined,
  });
  let adoptTraffic = carry.adoptTraffic;
  if (advancesRollout(intent.kind) && adoptTraffic !== undefined) {
    intent = { ...intent, adoptTraffic: { trafficKey: adoptTraffic } };
    adoptTraffic = undefined;
  }
  const step = await prepareStep(ctx, {
    service: s.service,
    intent,
    // Recording a passed verification changes no traffic: like `bgctl verify`, it asks nothing.
    flags: {
      ...s.opts.write,
      yes: !s.confirm || s.opts.write.yes || intent.kind === 'verify',
      wait: s.opts.write.wait && needsWait(intent),
    },
    question: questionFor,
    // A wizard step follows a prompt (time passes, others may write): it reads afresh.
    known: s.confirm ? undefined : carry.known,
    confirm: s.prompting,
  });
  j.saw({ ...carry, svc: step.read.service, known: undefined });
  if (!opts.quiet) {
    // Announced with the service the step planned on, so the narration describes what it changes.
    s.view.announce(intent, command, step.read.service);
    s.view.plan(step.plan, command, step.read.service, step.read.revisions);
  }
  const outcome = (await settleWithoutWriting(ctx, step)) ?? (await carryOutStep(ctx, step));
  const wrote = outcome.result === 'applied' || outcome.result === 'noop';
  const next: Carry = {
    ...carry,
    adoptTraffic,
    svc: outcome.service,
    known: wrote ? { service: outcome.service, revisions: outcome.revisions } : undefined,
    recorded: wrote ? outcome.plan.state : carry.recorded,
  };
  // A --notify event for each phase (or traffic level) a written step moved the rollout to.
  if (outcome.result === 'applied')
    announcePhase(ctx, s.opts.notify, carry.recorded, outcome.service, outcome.plan.state);
  const record = stepRecord(intent, outcome, ctx.now().toISOString());
  j.took(record);
  j.saw(next);
  s.view.done?.(intent, outcome);
  return { record, outcome, carry: next };
}

function stepRecord(intent: Intent, outcome: StepOutcome, at: string): StepRecord {
  const st = outcome.plan.state;
  const revisionName = outcome.newRevision ?? st?.candidate.revision;
  return {
    action: intent.kind,
    result: outcome.result,
    ...(revisionName ? { revisionName } : {}),
    ...(intent.kind === 'split' || intent.kind === 'promote' ? { percent: st?.percent } : {}),
    at,
  };
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
