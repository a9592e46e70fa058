// The unattended rollout (--yes, CI, the demo without a terminal): the wizard's driver, every choice from flags.
import {
  BgctlError,
  ConflictError,
  FailedError,
  IncompleteError,
  RefusedError,
  TimeoutError,
  UsageError,
} from '../../core/errors.js';
import { isInProgress, readState } from '../../core/state.js';
import type { KnativeService } from '../../core/knative-types.js';
import { driftError, trafficKey } from '../../core/drift.js';
import { abortIntent, resumeIntent } from '../../core/phase.js';
import { beyondUntil, movesUserTraffic } from '../../core/phase-table.js';
import type { Intent } from '../../core/plan-types.js';
import { resolveValue } from '../../ui/resolve.js';
import type { CommandContext } from '../context.js';
import { applyIntent, freshCarry, Journal, pauseFor, readKnown, type Carry, type Session } from './session.js';
import { printOutcome } from '../traffic-step/show.js';
import { writesNothing } from '../write-flags.js';
import { driveRollout, startRollout, withResumeHint, type Decisions } from './driver.js';
import { narratedView } from './narrate.js';
import type { RolloutOptions } from './options.js';
import { printResult } from './result.js';

/** Choices from flags: --until and --pause between steps, rollback on failures unless --no-rollback. */
export function flagDecisions(s: Session, j: Journal): Decisions {
  const o = s.opts;
  return {
    async between(state, next) {
      if (beyondUntil(o.until, next.kind)) return 'pause';
      if (o.gates && movesUserTraffic(next.kind)) {
        // Metric gates judge the level the candidate is at (or synthetic load at 0%) before it moves on.
        const { judgeSplit, judgeStaged } = await import('./gates.js');
        if (state.phase === 'split' && o.pauseMs > 0) {
          return (await judgeSplit(s, j, state)).verdict === 'pass' ? 'continue-after-pause' : 'gates-failed';
        }
        if (state.phase !== 'split' && o.analysisLoad !== undefined) {
          return (await judgeStaged(s, j, state)).verdict === 'pass' ? 'continue-after-pause' : 'gates-failed';
        }
      }
      // Pause between traffic levels, so the previous split can be watched before the next one.
      if (o.pauseMs > 0 && state.phase === 'split' && movesUserTraffic(next.kind)) {
        s.view.note(`Pausing ${o.pauseMs / 1000}s at ${state.percent}% before the next step.`);
        await pauseFor(o.pauseMs, s.ctx.signal);
        // Others may have written meanwhile: the next step reads afresh.
        return 'continue-after-pause';
      }
      return 'continue';
    },
    splitPercent: async (_state, planned) => planned,
    retire: async () => o.retire,
    verification: async () => (o.noVerify ? undefined : o.verify),
    verificationFailed: async () => (o.rollbackOnFailure ? 'rollback' : 'stop'),
    gatesFailed: async () => (o.rollbackOnFailure ? 'rollback' : 'stop'),
    revisionFailed: async () => (o.rollbackOnFailure ? 'abort' : 'leave'),
    // --take-over adopts what was there when the run started (see runPipeline), never a change made while it runs.
    drifted: async () => 'stop',
  };
}

/** The intent that opens the rollout: deploy a new revision, or stage an existing one. */
export function openingIntent(o: RolloutOptions, image: string | undefined): Intent {
  const common = {
    takeOver: o.takeOver || undefined,
    tag: o.tag,
    stableTag: o.stableTag,
    percents: o.percents,
    ...(o.fleet ? { fleet: o.fleet } : {}),
  };
  if (o.revision) return { kind: 'stage', revision: o.revision, ...common };
  const annotations = Object.keys(o.annotations).length ? o.annotations : undefined;
  return { kind: 'deploy', image, env: o.env.length ? o.env : undefined, annotations, ...common };
}

/** A session for `service` (narrated view, unattended unless `confirm`). */
export function newSession(
  ctx: CommandContext,
  service: string,
  opts: RolloutOptions,
  more: Partial<Pick<Session, 'view' | 'confirm' | 'namespace' | 'prompting'>> = {},
): Session {
  const session: Session = {
    ctx,
    service,
    namespace: more.namespace ?? ctx.globals.namespace,
    opts,
    view: more.view ?? narratedView(ctx.io),
    confirm: more.confirm ?? false,
  };
  return more.prompting ? { ...session, prompting: more.prompting } : session;
}

/**
 * A fleet's --resume/--abort (and the abort of its stopped targets) acts only on a rollout of that fleet: the record
 * may have changed since the fleet read it (another fleet, a person), and that rollout is not the fleet's to undo.
 */
function refuseOtherFleet(svc: KnativeService, o: RolloutOptions): void {
  if (o.fleet === undefined) return;
  const st = readState(svc).state;
  if (st && isInProgress(st.phase) && st.fleet !== o.fleet)
    throw new RefusedError(
      `rollout ${st.id} on service "${svc.metadata.name}" is not part of fleet ${o.fleet}: left as it is`,
      { reason: 'NoRollout', hint: `see it with bgctl status ${svc.metadata.name}` },
    );
}

/** --image-tag was applied to the image read before: someone since deployed another one, which it must not undo. */
function refuseRetagDrift(svc: KnativeService, o: RolloutOptions): void {
  const own = svc.spec.template?.spec?.containers?.[0]?.image;
  if (o.retagOf === undefined || own === o.retagOf) return;
  throw new ConflictError(
    `will not deploy ${o.image ?? ''}: the image of service "${svc.metadata.name}" changed from ${o.retagOf} to ` +
      `${own ?? 'none'} after it was read for --image-tag`,
    { reason: 'Drift', hint: `see it with bgctl status ${svc.metadata.name}; run again to retag the image it has now` },
  );
}

/** Runs the rollout without prompts; prints one RolloutResult at the end (also after a stop or failure). */
export async function runPipeline(s: Session): Promise<void> {
  const o = s.opts;
  const { ctx } = s;
  const j = new Journal();
  // Resolve inputs before anything is written: a missing value is exit 2 with nothing changed.
  let image: string | undefined = o.image;
  // --env or --annotation alone also make a new revision (the same rule as the parse's for BGCTL_IMAGE).
  const otherChange = o.env.length > 0 || Object.keys(o.annotations).length > 0;
  if (!o.resume && !o.abort && !o.revision && !otherChange) {
    image = await resolveValue(ctx.io, ctx.prompter(), {
      flag: '--image',
      value: o.image,
      env: 'BGCTL_IMAGE',
      prompt: (p) => p.input('Image of the new revision'),
    });
  }
  if (!o.write.yes && !ctx.io.canPrompt() && !writesNothing(o.write)) {
    throw new UsageError('not running interactively: bgctl rollout moves traffic only with --yes', {
      reason: 'ConfirmationRequired',
      hint: 'add --yes, or --dry-run to preview the first step',
    });
  }
  if (writesNothing(o.write)) {
    // Only the next step can be planned or rendered (later ones depend on what Knative does); nothing is written.
    const carry = await readKnown(s, j, freshCarry(o));
    const svc = carry.svc as KnativeService;
    const intent = o.abort
      ? abortIntent(svc, `aborted by ${ctx.io.env.BGCTL_ACTOR ?? 'bgctl rollout --abort'}`)
      : o.resume
        ? resumeIntent(svc, { verify: !o.noVerify }).intent
        : openingIntent(o, image);
    printOutcome(ctx, (await applyIntent(s, j, carry, intent)).outcome);
    return;
  }
  let started = false;
  let last: KnativeService | undefined;
  try {
    const first = await readKnown(s, j, freshCarry(o));
    const svc = first.svc as KnativeService;
    if (o.gates && !o.abort) await (await import('./gates.js')).checkGates(s, svc);
    if (o.abort || o.resume) refuseOtherFleet(svc, o);
    else refuseRetagDrift(svc, o);
    if (o.abort) {
      // Refuses when nothing is open, before anything is written (no RolloutResult, like --resume).
      const intent = abortIntent(svc, `aborted by ${ctx.io.env.BGCTL_ACTOR ?? 'bgctl rollout --abort'}`);
      started = true;
      last = (await applyIntent(s, j, first, intent)).carry.svc;
    } else {
      let carry: Carry;
      if (!o.resume) carry = await startRollout(s, j, first, flagDecisions(s, j), openingIntent(o, image));
      else {
        // Refuses when nothing is open, and when the traffic drifted from what was recorded (unless taking over).
        const { state } = resumeIntent(svc, { verify: !o.noVerify, takeOver: o.takeOver });
        carry = {
          ...first,
          recorded: state,
          ...(o.takeOver && driftError(svc, state, 'resume') ? { adoptTraffic: trafficKey(svc) } : {}),
        };
      }
      started = true;
      await driveRollout(s, j, carry, flagDecisions(s, j));
      last = j.lastSeen;
    }
  } catch (err) {
    const e = await withResumeHint(s, j, err);
    // After a write (or a deploy whose revision failed), the document says where the rollout stands.
    const wrote =
      started ||
      j.steps.length > 0 ||
      e instanceof FailedError ||
      e instanceof TimeoutError ||
      e instanceof IncompleteError;
    const seen = j.lastSeen;
    if (wrote && seen && e instanceof BgctlError && !(e instanceof UsageError)) {
      const svc = await (await ctx.kube()).getService(s.service).catch(() => seen);
      const outcome = e.exitCode === 8 ? 'paused' : e.exitCode === 130 ? 'cancelled' : 'failed';
      if (outcome !== 'cancelled') await printResult(s, j, svc, outcome);
    }
    throw e;
  }
  await printResult(s, j, last as KnativeService, 'completed');
}
