// A split judged by metric gates: after the write, the candidate is measured since the split for --pause; a
// failure rolls the rollout back (unless --no-rollback) and exits 3, Prometheus failing exits 7 leaving the split.
import { AnalysisError, ConflictError, RefusedError, VerificationError } from '../../core/errors.js';
import { isInProgress, readState } from '../../core/state.js';
import type { CommandContext } from '../context.js';
import { sendEvent } from '../notify-events.js';
import type { GateSettings } from '../gate-flags.js';
import { openGateJudge, type GateJudge } from '../gates/judge.js';
import { judgeWindow, type GateWindow } from '../gates/window.js';
import { windowDocument } from '../gates/window-document.js';
import type { StepOutcome } from '../traffic-step/engine.js';
import type { WriteFlags } from '../write-flags.js';
import { runTrafficStep } from '../traffic-step/run.js';
import { printOutcome } from '../traffic-step/show.js';

type SplitGates = GateSettings & { pauseMs: number; rollbackOnFailure: boolean };

/** The judge, opened before the split is written. */
export async function openSplitJudge(ctx: CommandContext, service: string, gates: SplitGates): Promise<GateJudge> {
  const client = await ctx.kube();
  const namespace = ctx.globals.namespace ?? client.namespace;
  return openGateJudge(ctx, gates, { namespace, service, revision: `${service}-00001` });
}

/** Judges the split just made (or found already made), prints its outcome with the analysis, and acts on a failure. */
export async function judgeSplitOutcome(
  ctx: CommandContext,
  service: string,
  outcome: StepOutcome,
  judge: GateJudge,
  gates: SplitGates,
  write: WriteFlags,
): Promise<void> {
  const st = readState(outcome.service).state;
  if (!st || !isInProgress(st.phase) || !st.candidate.revision) {
    throw new RefusedError(`no rollout candidate on service "${service}" to judge`, { reason: 'NoRollout' });
  }
  const seconds = (ms: number) => `${ms / 1000}s`;
  ctx.io.err.write(
    `Judging ${st.candidate.revision} at ${st.percent}% for ${seconds(gates.pauseMs)}, ` +
      `every ${seconds(gates.intervalMs)}.\n`,
  );
  let window: GateWindow;
  try {
    window = await judgeWindow(judge, {
      candidate: st.candidate.revision,
      stable: st.stable.revision,
      percent: st.percent,
      since: new Date(st.updatedAt),
      durationMs: gates.pauseMs,
      io: ctx.io,
      signal: ctx.signal,
      now: () => ctx.now(),
    });
  } catch (err) {
    if (!(err instanceof AnalysisError)) throw err;
    // Nothing judged: the split stays, and the document still says what was written.
    printOutcome(ctx, outcome);
    throw new AnalysisError(err.message, {
      reason: err.reason,
      hint:
        `the split to ${st.percent}% stays; judge it with bgctl analyze ${service}, ` +
        `or undo it with bgctl rollback ${service} --yes`,
      cause: err,
    });
  }
  printOutcome(ctx, outcome, { fields: { analysis: [windowDocument(window)] } });
  if (window.verdict === 'pass') return;
  const message =
    `gates failed for ${st.candidate.revision} at ${st.percent}%: ` + window.failing.map((g) => g.message).join('; ');
  sendEvent(ctx, write.notify, 'gate-failed', outcome.service, st, message);
  if (!gates.rollbackOnFailure) {
    throw new VerificationError(message, {
      reason: 'GatesFailed',
      hint: `the split stays; undo it with bgctl rollback ${service} --yes`,
    });
  }
  // The rollback plans on a read that still shows the judged split: someone who rolled back or changed the rollout
  // meanwhile is not overridden (the write is conditional on this read; a re-plan after a 409 checks it again).
  const client = await ctx.kube();
  const [current, revisions] = await Promise.all([client.getService(service), client.listRevisions(service)]);
  const now = readState(current).state;
  if (!now || now.id !== st.id || now.phase !== st.phase || now.updatedAt !== st.updatedAt) {
    throw new ConflictError(
      `${message}; not rolled back: rollout ${st.id} changed while it was judged ` +
        `(now ${now ? `${now.id} at phase ${now.phase}` : 'no rollout'})`,
      { reason: 'RolloutChanged', hint: `see where it stands with bgctl status ${service}` },
    );
  }
  // Giving gates asked for this reaction: the rollback needs no second confirmation.
  const rolled = await runTrafficStep(ctx, {
    known: { service: current, revisions },
    service,
    intent: {
      kind: 'rollback',
      rolloutId: st.id,
      reason: message,
      gates: { verdict: 'fail', evaluations: window.evaluations },
    },
    flags: { ...write, yes: true },
    question: () => 'Roll back?',
  });
  throw new VerificationError(message, {
    reason: 'GatesFailed',
    hint: `rolled back: traffic is on ${rolled.plan.state?.stable.revision ?? st.stable.revision} again`,
  });
}
