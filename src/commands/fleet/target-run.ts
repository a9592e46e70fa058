// One target of a fleet: the normal unattended rollout (runPipeline) on its own CommandContext (its context and
// namespace, its own client on its context's shared connection, its cancel signal, captured streams), turned into a
// FleetTargetResult.
import { BgctlError, CancelError, PausedError } from '../../core/errors.js';
import { readState } from '../../core/state.js';
import type { FleetTargetResult } from '../../core/views/fleet.js';
import type { TargetOutcome } from '../../core/fleet.js';
import type { KnativeService } from '../../core/knative-types.js';
import type { CommandContext } from '../context.js';
import { newSession, runPipeline } from '../rollout/pipeline.js';
import type { RolloutOptions } from '../rollout/options.js';
import type { SessionView } from '../rollout/session.js';
import { targetContext } from './target-context.js';
import type { FleetProgress } from './progress.js';
import type { ResolvedTarget } from './targets.js';

/** The target's own context, its lines to the progress view with --verbose. */
function targetContextOf(ctx: CommandContext, t: ResolvedTarget, signal: AbortSignal, progress: FleetProgress) {
  return targetContext(ctx, t, signal, (line) => {
    if (ctx.globals.verbose) progress.narrate(t, line);
  });
}

/** The view of a target's session: no narration, each written phase to the progress. */
function progressView(t: ResolvedTarget, progress: FleetProgress): SessionView {
  return {
    announce: () => undefined,
    plan: () => undefined,
    note: () => undefined,
    done: (_intent, outcome) => {
      const st = outcome.plan.state;
      if (outcome.result === 'applied' && st) progress.set(t, st.phase, st.percent);
    },
  };
}

interface ResultDoc {
  phase?: string;
  rolloutId?: string;
  percent?: number;
  candidate?: { revisionName?: string };
}

function lastDocument(text: string): ResultDoc | undefined {
  try {
    return text.trim() ? (JSON.parse(text) as ResultDoc) : undefined;
  } catch {
    return undefined;
  }
}

/** All traffic on the revision of the current template (ready): nothing left to roll out. */
function servesItsTemplate(svc: KnativeService): boolean {
  const latest = svc.status?.latestReadyRevisionName;
  if (!latest || latest !== svc.status?.latestCreatedRevisionName) return false;
  if (svc.status?.observedGeneration !== svc.metadata.generation) return false;
  const routed = (svc.status?.traffic ?? []).filter((r) => (r.percent ?? 0) > 0);
  return routed.length > 0 && routed.every((r) => r.revisionName === latest);
}

/** Runs `opts` on one target and says how it ended; never throws for the target's own failures. */
export async function runTarget(
  ctx: CommandContext,
  t: ResolvedTarget,
  opts: RolloutOptions,
  signal: AbortSignal,
  progress: FleetProgress,
): Promise<FleetTargetResult> {
  const { io, tctx } = targetContextOf(ctx, t, signal, progress);
  const base = { context: t.context, namespace: t.namespace, service: t.service };
  let outcome: TargetOutcome;
  let error: BgctlError | undefined;
  try {
    await runPipeline(newSession(tctx, t.service, opts, { view: progressView(t, progress), namespace: t.namespace }));
    outcome = opts.abort ? 'aborted' : 'promoted';
  } catch (err) {
    // A request cut by the fleet's stop may fail untyped: it is a cancel all the same.
    if (!(err instanceof BgctlError) && !signal.aborted) throw err;
    error = err instanceof BgctlError ? err : new CancelError('stopped by the fleet');
    outcome =
      error instanceof PausedError
        ? 'paused'
        : error instanceof CancelError || signal.aborted
          ? 'cancelled'
          : error.reason === 'NoRollout'
            ? 'skipped'
            : 'failed';
  }
  let doc = lastDocument(io.stdout);
  if (!doc) {
    // Nothing written by this run: the record as the cluster has it now (or as it was found).
    const svc = await (await tctx.kube()).getService(t.service).catch(() => t.svc);
    // A fleet run again after a partial one: this target already serves what it would deploy.
    if (outcome === 'failed' && error?.reason === 'NoChange' && servesItsTemplate(svc)) {
      outcome = 'unchanged';
      error = undefined;
    }
    // Another fleet's rollout (one that won a race to this target, say) is not this target's result: not claimed.
    const st =
      opts.fleet !== undefined && readState(svc).state?.fleet !== opts.fleet ? undefined : readState(svc).state;
    doc = st
      ? { phase: st.phase, rolloutId: st.id, percent: st.percent, candidate: { revisionName: st.candidate.revision } }
      : undefined;
  }
  if (outcome === 'promoted' && doc?.phase !== 'promoted') outcome = 'paused';
  progress.set(t, outcome === 'failed' ? `failed (${doc?.phase ?? '-'})` : outcome, doc?.percent);
  return {
    ...base,
    outcome,
    ...(doc?.phase !== undefined && { phase: doc.phase }),
    ...(doc?.candidate?.revisionName !== undefined && { revision: doc.candidate.revisionName }),
    ...(doc?.percent !== undefined && { percent: doc.percent }),
    ...(doc?.rolloutId !== undefined && { rolloutId: doc.rolloutId }),
    ...(error && { reason: error.reason, message: error.message, exitCode: error.exitCode }),
  };
}
