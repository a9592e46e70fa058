// The rollout as a loop over the recorded phase: read the state, ask core's nextAction, let the caller decide (flags
// or prompts), run that step, repeat. Fresh runs, --resume and the wizard share it: a killed run continues from
// what the Service records, never from what a process remembered.
import { driftError, rolloutReplacedError, sameRecord, trafficKey } from '../../core/drift.js';
import {
  BgctlError,
  CancelError,
  ConflictError,
  FailedError,
  PausedError,
  VerificationError,
} from '../../core/errors.js';
import type { KnativeService } from '../../core/knative-types.js';
import { nextAction, type NextAction } from '../../core/phase.js';
import type { Intent } from '../../core/plan-types.js';
import { isInProgress, readState, type RolloutState } from '../../core/state.js';
import { parseDuration } from '../../core/parse.js';
import { statusMatches } from '../../core/status-match.js';
import { openClient } from '../context.js';
import { resumeCommand, resumeHint } from './commands.js';
import { applyIntent, readKnown, type Carry, type Journal, type Session } from './session.js';
import { runChecks, type VerificationReport } from './verification.js';
import { sendEvent } from '../notify-events.js';
import type { VerifySettings } from './options.js';
import type { GateWindow } from '../gates/window.js';

/** Before the next step; `continue-after-pause`: time passed, so the next step reads the service afresh. */
export type Between = 'continue' | 'continue-after-pause' | 'pause' | 'rollback' | 'abort' | 'gates-failed';

/** The choices a run makes: from flags (unattended) or from prompts (wizard). */
export interface Decisions {
  between(state: RolloutState, next: NextAction): Promise<Between>;
  /** The candidate's percent for a split step (the planned one by default). */
  splitPercent(state: RolloutState, planned: number): Promise<number>;
  /** After promote: drop the old revision from traffic (true) or keep it tagged at 0%. */
  retire(state: RolloutState): Promise<boolean>;
  /** The checks to run on the tag URL, or undefined to skip verification. */
  verification(state: RolloutState): Promise<VerifySettings | undefined>;
  /** After failed checks: undo (rollback/abort), go on anyway, or stop with exit 3 leaving the rollout open. */
  verificationFailed(
    state: RolloutState,
    report: VerificationReport,
  ): Promise<'rollback' | 'abort' | 'continue' | 'stop'>;
  /** The metric gates failed (the journal's last window says how): roll back, or stop with exit 3 leaving it open. */
  gatesFailed(state: RolloutState, window: GateWindow): Promise<'rollback' | 'stop'>;
  /** The new revision failed (Knative's reason in err): close the rollout (traffic stays on stable) or leave it. */
  revisionFailed(err: BgctlError): Promise<'abort' | 'leave'>;
  /** Someone else changed the traffic since this run recorded it (drift says what, who, when): take over or stop. */
  drifted(state: RolloutState, drift: ConflictError): Promise<'take-over' | 'stop'>;
}

/** The service (as the last step left it, else read) and its rollout state, with the carry that saw it. */
export async function readService(
  s: Session,
  j: Journal,
  carry: Carry,
): Promise<{ svc: KnativeService; state?: RolloutState; carry: Carry }> {
  // The last step's outcome is the service as its wait saw it last (what a read now would return,
  // bar others' writes, which the next step's conditional write catches).
  const svc = carry.known?.service ?? (await (await s.ctx.kube()).getService(s.service));
  const read = readState(svc);
  const next = j.saw({ ...carry, svc });
  if (read.error) throw read.error;
  return { svc, state: read.state, carry: next };
}

/** The open rollout's id (refuses intents against a rollout someone else replaced meanwhile). */
const on = (st: RolloutState) => ({ rolloutId: st.id });

/** True once `svc` shows the deploy's revision Ready (right after the write, status may still name the stable one). */
export function candidateSettled(svc: KnativeService, stable: string | undefined): boolean {
  const created = svc.status?.latestCreatedRevisionName;
  return (
    !!created &&
    created !== stable &&
    created === svc.status?.latestReadyRevisionName &&
    svc.status?.observedGeneration === svc.metadata.generation
  );
}

/** True once Knative carried out `svc`'s spec: generation observed, status.traffic routing as spec.traffic says. */
export function routeCaughtUp(svc: KnativeService): boolean {
  return svc.status?.observedGeneration === svc.metadata.generation && statusMatches(svc, svc.spec.traffic ?? []);
}

/** Waits until `svc` satisfies `settled`: a run killed inside a step never finished its wait, so the next one does. */
async function settle(
  s: Session,
  j: Journal,
  carry: Carry,
  svc: KnativeService,
  settled: (x: KnativeService) => boolean,
  what: string,
  done: (x: KnativeService) => string,
): Promise<Carry> {
  if (settled(svc)) return carry;
  j.saw({ ...carry, known: undefined });
  const client = await s.ctx.kube();
  const { waitForService } = await import('../../kube/wait.js');
  const { startProgress } = await import('../../ui/progress.js');
  const p = await startProgress(s.ctx.io, `Waiting for ${what} of ${s.service}`);
  try {
    const waited = await waitForService(client, s.service, {
      timeoutMs: parseDuration(s.opts.write.timeout, '--timeout'),
      from: svc,
      predicate: settled,
      predicateLabel: what,
      signal: s.ctx.signal,
      onProgress: (m) => p.update(m.message),
    });
    p.succeed(done(waited));
    return j.saw({ ...carry, svc: waited, known: undefined });
  } catch (err) {
    p.fail();
    throw err;
  }
}

/** Waits until the deploy's revision of `svc` (just read) is Ready (after a deploy whose wait was interrupted). */
function candidateReady(
  s: Session,
  j: Journal,
  carry: Carry,
  svc: KnativeService,
  stable: string | undefined,
): Promise<Carry> {
  return settle(
    s,
    j,
    carry,
    svc,
    (x) => candidateSettled(x, stable),
    'the new revision',
    (x) => `${x.status?.latestReadyRevisionName} is ready`,
  );
}

/** A revision that failed (Ready False) as opposed to a timeout or a refusal. */
function isRevisionFailure(err: unknown): err is FailedError {
  return err instanceof FailedError;
}

async function onRevisionFailure(s: Session, j: Journal, carry: Carry, d: Decisions, err: FailedError): Promise<never> {
  // The failed step left nothing to reuse: read the service as it is now.
  const read = await readService(s, j, { ...carry, known: undefined });
  const state = read.state;
  if (state && isInProgress(state.phase) && (await d.revisionFailed(err)) === 'abort') {
    await applyIntent(s, j, read.carry, { kind: 'abort', ...on(state), reason: `revision failed: ${err.message}` });
    throw new FailedError(`${err.message}; rollout ${state.id} aborted, traffic stays on ${state.stable.revision}`, {
      reason: err.reason,
      hint: err.hint,
      cause: err,
    });
  }
  throw err;
}

/** Opens the rollout: deploys a new revision (or stages an existing one) and waits for it; returns what it left. */
export async function startRollout(s: Session, j: Journal, carry: Carry, d: Decisions, intent: Intent): Promise<Carry> {
  try {
    return (await applyIntent(s, j, carry, intent)).carry;
  } catch (err) {
    if (isRevisionFailure(err)) await onRevisionFailure(s, j, carry, d, err);
    throw err;
  }
}

/** Runs the open rollout to its end or to a stop the decisions ask for; returns the final service or throws. */
export async function driveRollout(s: Session, j: Journal, start: Carry, d: Decisions): Promise<KnativeService> {
  let carry = start;
  for (;;) {
    const read = await readService(s, j, carry);
    const { svc, state } = read;
    carry = read.carry;
    refuseReplaced(carry, state);
    if (!state || !isInProgress(state.phase)) return svc;
    const next = nextAction(state, !carry.skipVerify);
    if (next.kind === 'done' || next.kind === 'deploy') return svc;
    const choice = await d.between(state, next);
    if (choice === 'pause') {
      sendEvent(s.ctx, s.opts.notify, 'paused', svc, state);
      throw new PausedError(`rollout ${state.id} of service "${s.service}" stopped at phase ${state.phase}`, {
        reason: 'Paused',
        hint: resumeHint(s.service, s.namespace, s.confirm),
      });
    }
    // A pause or a prompt let time pass, or the last step left nothing to plan on: decide on the service as it is now.
    const fresh =
      s.confirm || choice === 'continue-after-pause' || choice === 'gates-failed' || !carry.known
        ? await readAfresh(s, j, carry)
        : read;
    carry = fresh.carry;
    const st = fresh.state as RolloutState;
    if (choice === 'gates-failed') await failOnGates(s, j, carry, d, st);
    if (choice === 'rollback' || choice === 'abort') {
      return (await applyIntent(s, j, carry, { kind: choice, ...on(st) })).carry.svc as KnativeService;
    }
    carry = await takeAction(s, j, carry, d, next, fresh.svc, st);
  }
}

/** Reads the service again (unattended, the read is also what the next step plans on: no second read). */
async function readAfresh(
  s: Session,
  j: Journal,
  carry: Carry,
): Promise<{ svc: KnativeService; state?: RolloutState; carry: Carry }> {
  const known = s.confirm ? { ...carry, known: undefined } : await readKnown(s, j, { ...carry, known: undefined });
  const read = await readService(s, j, known);
  refuseReplaced(read.carry, read.state);
  return read;
}

/** One action of the phase machine on the open rollout `st`; returns what it left for the next. */
async function takeAction(
  s: Session,
  j: Journal,
  carry: Carry,
  d: Decisions,
  next: NextAction,
  svc: KnativeService,
  st: RolloutState,
): Promise<Carry> {
  switch (next.kind) {
    case 'stage': {
      let ready: Carry;
      try {
        ready = await candidateReady(s, j, carry, svc, st.stable.revision);
      } catch (err) {
        if (isRevisionFailure(err)) await onRevisionFailure(s, j, carry, d, err);
        throw err;
      }
      // The service as the wait for the candidate left it.
      const adopted = await refuseDrift(d, ready, ready.svc ?? svc, st, 'stage');
      return (await applyIntent(s, j, adopted, { kind: 'stage', ...on(st) })).carry;
    }
    case 'verify': {
      // The tag URL exists once the route carries the staged traffic (a killed stage never waited).
      const routed = await settle(
        s,
        j,
        carry,
        svc,
        routeCaughtUp,
        'the staged traffic to be routed',
        () => `Traffic of ${s.service} is routed as staged`,
      );
      return verifyStep(s, j, routed, d, st);
    }
    case 'split': {
      const adopted = await refuseDrift(d, carry, svc, st, 'split');
      const percent = await d.splitPercent(st, next.percent);
      return (await applyIntent(s, j, adopted, { kind: 'split', percent, ...on(st), ...j.gatesToRecord() })).carry;
    }
    case 'promote': {
      const adopted = await refuseDrift(d, carry, svc, st, 'promote');
      const retire = await d.retire(st);
      const intent: Intent = { kind: 'promote', retire, ...on(st), ...j.gatesToRecord() };
      if (!retire && s.opts.previousTag) intent.previousTag = s.opts.previousTag;
      return (await applyIntent(s, j, adopted, intent)).carry;
    }
    default:
      return carry;
  }
}

/** Someone else (another bgctl) closed, advanced or replaced the rollout this run drives: stop, exit 5. */
function refuseReplaced(carry: Carry, state: RolloutState | undefined): void {
  if (carry.recorded && !sameRecord(carry.recorded, state))
    throw rolloutReplacedError(carry.svc as KnativeService, carry.recorded, state);
}

/**
 * Before a step that moves traffic: if someone changed the traffic since this run recorded it, the decisions take
 * over (returns the carry with the traffic to adopt) or the run stops with exit 5, leaving it as set.
 */
async function refuseDrift(
  d: Decisions,
  carry: Carry,
  svc: KnativeService,
  state: RolloutState,
  action: string,
): Promise<Carry> {
  // Taken over earlier in this run: adopted only while the traffic is still what the user took over.
  if (carry.adoptTraffic !== undefined && carry.adoptTraffic === trafficKey(svc)) return carry;
  const cleared: Carry = { ...carry, adoptTraffic: undefined };
  const drift = driftError(svc, state, action);
  if (!drift) return cleared;
  if ((await d.drifted(state, drift)) !== 'take-over') throw drift;
  return { ...cleared, adoptTraffic: trafficKey(svc) };
}

async function verifyStep(s: Session, j: Journal, carry: Carry, d: Decisions, state: RolloutState): Promise<Carry> {
  const settings = await d.verification(state);
  if (!settings) return { ...carry, skipVerify: true };
  const report = await runChecks(s, carry.svc, state, settings);
  j.verified(report);
  j.took({
    action: 'verify',
    result: report.passed ? 'passed' : 'failed',
    revisionName: state.candidate.revision,
    at: s.ctx.now().toISOString(),
  });
  if (report.passed) return (await applyIntent(s, j, carry, { kind: 'verify', ...on(state) }, { quiet: true })).carry;
  const failure = new VerificationError(
    `verification of ${state.candidate.revision} (tag "${state.candidate.tag}") failed: ${report.summary}`,
    {
      reason: 'VerificationFailed',
      hint:
        `the rollout is still open at phase ${state.phase}: ` +
        `continue anyway with ${resumeCommand(s.service, s.namespace)} --no-verify, ` +
        `or undo with bgctl rollout ${s.service} --abort --yes`,
    },
  );
  const action = await d.verificationFailed(state, report);
  if (action === 'continue') return { ...carry, skipVerify: true };
  if (action === 'rollback' || action === 'abort') {
    const reason =
      action === 'abort'
        ? `verification failed: ${report.summary}`
        : `rolled back after failed verification: ${report.summary}`;
    await applyIntent(s, j, carry, { kind: action, ...on(state), reason });
    throw new VerificationError(failure.message, {
      reason: failure.reason,
      hint: `traffic is back on ${state.stable.revision}; fix the revision and run a new rollout`,
    });
  }
  throw failure;
}

/** The gates failed: roll back (exit 3, traffic on stable) or stop leaving the rollout where it is (exit 3). */
async function failOnGates(s: Session, j: Journal, carry: Carry, d: Decisions, st: RolloutState): Promise<never> {
  const w = j.gateWindows.at(-1) as GateWindow;
  const where = w.percent > 0 ? `at ${w.percent}%` : 'on synthetic load at 0%';
  const message = `gates failed for ${st.candidate.revision} ${where}: ${w.failing.map((g) => g.message).join('; ')}`;
  sendEvent(s.ctx, s.opts.notify, 'gate-failed', carry.svc as KnativeService, st, message);
  if ((await d.gatesFailed(st, w)) === 'rollback') {
    const intent: Intent = { kind: 'rollback', ...on(st), reason: message, ...j.gatesToRecord() };
    await applyIntent(s, j, carry, intent);
    throw new VerificationError(message, {
      reason: 'GatesFailed',
      hint:
        `traffic is back on ${st.stable.revision}; see the measures with bgctl analyze ${s.service}, ` +
        'fix the revision and run a new rollout',
    });
  }
  throw new VerificationError(message, {
    reason: 'GatesFailed',
    hint:
      `rollout ${st.id} stays at phase ${st.phase} (${st.percent}%): ` +
      `undo with bgctl rollout ${s.service} --abort --yes, ` +
      `or continue without these gates with ${resumeCommand(s.service, s.namespace)}`,
  });
}

/** Ctrl-C: exit 130, saying how to continue an open rollout (read with a short-lived client: ours is cancelled). */
export async function withResumeHint(s: Session, j: Journal, err: unknown): Promise<unknown> {
  if (!(err instanceof CancelError || (s.ctx.signal.aborted && !(err instanceof BgctlError)))) return err;
  let st = j.lastSeen ? readState(j.lastSeen).state : undefined;
  try {
    const client = await openClient(s.ctx.io, s.ctx.globals, undefined, {
      requestTimeoutMs: 5000,
      retry: { maxAttempts: 1 },
    });
    st = readState(await client.getService(s.service)).state;
  } catch {
    // Best effort: without a fresh read, the last state seen decides the hint.
  }
  if (st && isInProgress(st.phase)) {
    return new CancelError(`cancelled: rollout ${st.id} stays at phase ${st.phase}`, {
      hint:
        `continue with: ${resumeCommand(s.service, s.namespace)}, ` +
        `or undo with: bgctl rollout ${s.service} --abort --yes`,
    });
  }
  return err;
}
