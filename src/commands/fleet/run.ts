// `bgctl rollout -l app=shop --context a,b --image-tag v2 --yes` (or SERVICE with several contexts): every target
// runs the normal unattended rollout. The first wave (the first context's targets, or --first-wave N) runs and must
// succeed before the rest start, at most --max-parallel in flight. A failure stops the fleet: the rollouts in flight
// are cancelled and aborted (traffic back on stable), targets not started stay untouched, promoted ones stay.
// --resume and --abort act on the targets whose record carries the most recent fleet id (or the one --fleet names).
import { randomBytes } from 'node:crypto';
import {
  CancelError,
  ClusterAccessError,
  FailedError,
  PausedError,
  RefusedError,
  UsageError,
  VerificationError,
} from '../../core/errors.js';
import { fleetVerdict, latestFleet, newFleetId, planWaves, targetLabel } from '../../core/fleet.js';
import { withImageTag } from '../../core/image-ref.js';
import { isInProgress, readState, type RolloutState } from '../../core/state.js';
import { fleetRolloutDocument, type FleetTargetResult } from '../../core/views/fleet.js';
import { writeDocument } from '../../ui/document.js';
import { printable } from '../../ui/sanitize.js';
import { printTable } from '../../ui/table.js';
import type { CommandContext } from '../context.js';
import { writesNothing } from '../write-flags.js';
import type { RolloutOptions } from '../rollout/options.js';
import { FleetConnections } from './connections.js';
import {
  DEFAULT_MAX_PARALLEL,
  settingsForContext,
  refuseContextWithoutPrometheus,
  refuseStrayContextFlags,
} from './flags.js';
import { FleetProgress } from './progress.js';
import { runTarget } from './target-run.js';
import { resolveTargets, type ResolvedTarget } from './targets.js';

/** Refuses what a fleet cannot do, before anything is read. */
function refuseUnattendable(o: RolloutOptions): void {
  if (o.write.render !== undefined)
    throw new UsageError('--render writes the manifest of one service: a fleet has many', {
      reason: 'ConflictingFlags',
      hint: 'preview the fleet with --dry-run, or render one target: bgctl rollout SERVICE --context NAME --render',
    });
  if (!o.write.yes && !writesNothing(o.write))
    throw new UsageError('a fleet rollout runs unattended: add --yes', { reason: 'ConfirmationRequired' });
  const change = o.image ?? o.fleetRun?.imageTag;
  const other = o.env.length > 0 || Object.keys(o.annotations).length > 0;
  if (!o.resume && !o.abort && change === undefined && !other)
    throw new UsageError('a fleet rollout needs the new revision: pass --image or --image-tag', {
      reason: 'MissingFlag',
      hint: 'e.g. --image-tag v2 (each service keeps its own image, with this tag)',
    });
}

/** The image each target deploys: --image for all, or its own first image with --image-tag. */
function imageFor(t: ResolvedTarget, o: RolloutOptions): string | undefined {
  const tag = o.fleetRun?.imageTag;
  if (tag === undefined) return o.image;
  const own = t.svc.spec.template?.spec?.containers?.[0]?.image;
  if (!own)
    throw new UsageError(`service ${targetLabel(t)} has no container image to retag`, {
      reason: 'InvalidImage',
      hint: 'pass --image to set one image for all',
    });
  return withImageTag(own, tag);
}

interface Plan {
  fleet: string;
  run: ResolvedTarget[];
  skipped: FleetTargetResult[];
}

/**
 * Which targets a --resume/--abort continues: those whose open record carries the fleet named by --fleet, else the
 * most recent fleet id on the targets.
 */
function planContinuation(targets: ResolvedTarget[], o: RolloutOptions): Plan {
  const reads = targets.map((t) => ({ t, ...readState(t.svc) }));
  const states = reads.map(({ t, state }) => ({ t, st: state }));
  const named = o.fleetRun?.fleet;
  const fleet = named ?? latestFleet(states.flatMap(({ st }) => (st ? [st] : [])));
  if (!fleet)
    throw new RefusedError(`no fleet rollout is recorded on the ${targets.length} target(s) found`, {
      reason: 'NoFleet',
      hint: 'a fleet starts with several targets, e.g. bgctl rollout -l app=shop --context a,b --image-tag v2 --yes',
    });
  // A named fleet must have left a record (or a history entry) on some target: else it is a typo or other targets.
  if (named && !reads.some(({ state, history }) => [state, ...history].some((r) => r?.fleet === named)))
    throw new RefusedError(`fleet ${named} is not recorded on the ${targets.length} target(s) found`, {
      reason: 'NoFleet',
      hint: 'pass the targets the fleet ran on (the same --selector and --context); bgctl status shows their fleet ids',
    });
  const run: ResolvedTarget[] = [];
  const skipped: FleetTargetResult[] = [];
  for (const { t, st } of states) {
    if (st?.fleet === fleet && isInProgress(st.phase)) run.push(t);
    else skipped.push(skippedResult(t, st, fleet, o));
  }
  return { fleet, run, skipped };
}

function skippedResult(t: ResolvedTarget, st: RolloutState | undefined, fleet: string, o: RolloutOptions) {
  const why = !st
    ? 'no rollout recorded'
    : st.fleet !== fleet
      ? `its last rollout ${st.id} is not part of fleet ${fleet}`
      : `rollout ${st.id} is ${st.phase}: nothing to ${o.abort ? 'abort' : 'resume'}`;
  return {
    context: t.context,
    namespace: t.namespace,
    service: t.service,
    outcome: 'skipped' as const,
    ...(st && { phase: st.phase, rolloutId: st.id, percent: st.percent }),
    ...(st?.candidate.revision && { revision: st.candidate.revision }),
    reason: 'NoRollout',
    message: why,
  };
}

/** Runs the fleet verb (rollout with several targets). */
export async function runFleet(ctx: CommandContext, o: RolloutOptions): Promise<void> {
  refuseUnattendable(o);
  const connections = new FleetConnections(ctx);
  try {
    await runFleetOn(ctx, o, connections);
  } finally {
    await connections.close();
  }
}

async function runFleetOn(ctx: CommandContext, o: RolloutOptions, connections: FleetConnections): Promise<void> {
  const found = await resolveTargets(ctx, o.service, o.targets, connections);
  refuseStrayContextFlags(o.fleetRun, found.contexts);
  if (!o.abort) refuseContextWithoutPrometheus(o.gates, o.fleetRun, found.contexts);
  if (found.targets.length === 0)
    throw new RefusedError('no service matches in the contexts reached', {
      reason: 'NoTargets',
      hint: 'see them with bgctl status and the same --selector and --context',
    });
  const action = o.resume ? 'resume' : o.abort ? 'abort' : 'rollout';
  const plan: Plan =
    action === 'rollout'
      ? { fleet: newFleetId(ctx.now().toISOString(), randomBytes(4).toString('hex')), run: found.targets, skipped: [] }
      : planContinuation(found.targets, o);
  // Every image is known before the first write: a target without one refuses the fleet (exit 2, nothing written).
  const images = new Map(plan.run.map((t) => [t, action === 'rollout' ? imageFor(t, o) : undefined]));
  if (writesNothing(o.write)) {
    const { previewFleet } = await import('./dry-run.js');
    return previewFleet(ctx, o, plan.run, images, found.unreachable, action === 'rollout' ? undefined : plan.fleet);
  }
  const progress = new FleetProgress(ctx.io, plan.run);
  connections.progressStarted();
  if (ctx.io.isStderrTTY() === false)
    ctx.io.err.write(printable(`Fleet ${plan.fleet}: ${action} on ${plan.run.length} target(s)`) + '\n');
  const results = await runWaves(ctx, o, plan, images, progress);
  const all = [...results, ...plan.skipped];
  const order = new Map(found.targets.map((t, i) => [targetLabel(t), i]));
  all.sort((a, b) => (order.get(targetLabel(a)) ?? 0) - (order.get(targetLabel(b)) ?? 0));
  const verdict = fleetVerdict(all, found.unreachable.length);
  const unreachable = found.unreachable.map(({ context, reason, message }) => ({ context, reason, message }));
  const doc = fleetRolloutDocument(plan.fleet, verdict.outcome, action, all, unreachable);
  if (ctx.globals.output !== 'table') writeDocument(ctx.io, ctx.globals.output, doc);
  else printFleetTable(ctx, all);
  for (const u of unreachable)
    ctx.io.err.write(
      ctx.io.colors().warn(`Warning: context ${printable(u.context)} not reached: ${printable(u.message)}`) + '\n',
    );
  throwVerdict(verdict.exitCode, plan.fleet, all, unreachable.length);
}

/** The first wave, then the rest; a failure (unless --continue-on-failure) stops new starts and cancels the others. */
async function runWaves(
  ctx: CommandContext,
  o: RolloutOptions,
  plan: Plan,
  images: Map<ResolvedTarget, string | undefined>,
  progress: FleetProgress,
): Promise<FleetTargetResult[]> {
  const maxParallel = o.fleetRun?.maxParallel ?? DEFAULT_MAX_PARALLEL;
  // An abort undoes everything it can: one target's refusal does not keep the others on the candidate.
  const keepGoing = o.fleetRun?.continueOnFailure === true || o.abort;
  const results = new Map<ResolvedTarget, FleetTargetResult>();
  const inFlight = new Map<ResolvedTarget, AbortController>();
  let stopped = false;

  const runOne = async (t: ResolvedTarget) => {
    const ac = new AbortController();
    const onParent = () => ac.abort();
    ctx.signal.addEventListener('abort', onParent, { once: true });
    inFlight.set(t, ac);
    progress.set(t, 'running');
    try {
      const own = o.fleetRun?.imageTag !== undefined ? t.svc.spec.template?.spec?.containers?.[0]?.image : undefined;
      const topts: RolloutOptions = {
        ...o,
        ...settingsForContext(o, t.context),
        image: images.get(t),
        fleet: plan.fleet,
        targets: undefined,
        ...(own !== undefined && { retagOf: own }),
      };
      const r = await runTarget(ctx, t, topts, ac.signal, progress);
      results.set(t, r);
      if (r.outcome === 'failed' && !keepGoing && !stopped) {
        stopped = true;
        for (const [other, c] of inFlight) if (other !== t) c.abort();
      }
    } finally {
      inFlight.delete(t);
      ctx.signal.removeEventListener('abort', onParent);
    }
  };
  const pool = async (list: ResolvedTarget[]) => {
    let next = 0;
    const worker = async () => {
      while (!stopped && !ctx.signal.aborted && next < list.length) await runOne(list[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(maxParallel, list.length) }, worker));
  };
  const waves = planWaves(plan.run, o.fleetRun?.firstWave);
  await pool(waves.first);
  await pool(waves.rest);

  // Rollouts the stop cancelled are aborted, each with a fresh signal (only Ctrl-C interrupts that).
  if (stopped && !ctx.signal.aborted) {
    const cancelled = plan.run.filter((t) => results.get(t)?.outcome === 'cancelled');
    await Promise.all(
      cancelled.map(async (t) => {
        const abortOpts: RolloutOptions = {
          ...o,
          abort: true,
          resume: false,
          image: undefined,
          targets: undefined,
          fleet: plan.fleet,
        };
        const r = await runTarget(ctx, t, abortOpts, ctx.signal, progress);
        results.set(t, r.outcome === 'skipped' ? stoppedBeforeAbort(t, r) : r);
        if (r.outcome === 'aborted') results.set(t, { ...r, message: 'aborted: the fleet stopped' });
      }),
    );
  }
  return plan.run.map((t) => {
    const r = results.get(t);
    if (r) return r;
    progress.set(t, 'not started');
    const st = readState(t.svc).state;
    return {
      context: t.context,
      namespace: t.namespace,
      service: t.service,
      outcome: 'not-started' as const,
      ...(st && { phase: st.phase, rolloutId: st.id }),
    };
  });
}

/**
 * A cancelled target the abort found nothing open on: promoted when this fleet's own rollout got there before the
 * stop (its routing was then not awaited), else not started. A promoted record that was already there when the fleet
 * resolved its targets is an older rollout's, not this fleet's.
 */
function stoppedBeforeAbort(t: ResolvedTarget, r: FleetTargetResult): FleetTargetResult {
  const ours = r.rolloutId !== undefined && r.rolloutId !== readState(t.svc).state?.id;
  const { reason: _r, message: _m, exitCode: _e, ...rest } = r;
  return ours && r.phase === 'promoted'
    ? { ...rest, outcome: 'promoted', message: 'promoted before the fleet stopped; its routing was not awaited' }
    : { ...rest, outcome: 'not-started', message: 'stopped by the fleet before its first write' };
}

function printFleetTable(ctx: CommandContext, results: FleetTargetResult[]): void {
  printTable(
    ctx.io,
    [
      { header: 'CONTEXT' },
      { header: 'NAMESPACE' },
      { header: 'SERVICE' },
      { header: 'OUTCOME' },
      { header: 'PHASE' },
      { header: 'REVISION' },
      { header: 'REASON', cut: 'early' },
    ],
    results.map((r) => [
      r.context,
      r.namespace,
      r.service,
      r.outcome,
      r.phase ?? '-',
      r.revision ?? '-',
      r.reason ?? '',
    ]),
  );
}

/** The fleet's exit: 3 a failed check, 1 another failure, 4 a context not reached, 8 paused, 130 cancelled. */
function throwVerdict(code: number, fleet: string, results: FleetTargetResult[], unreachable: number): void {
  if (code === 0) return;
  const failed = results.filter((r) => r.outcome === 'failed');
  const first = failed[0];
  const where = first ? `${targetLabel(first)}: ${first.message ?? first.reason ?? 'failed'}` : '';
  const hint =
    'see where each target stands: bgctl status with the same targets; ' +
    `continue with --resume --fleet ${fleet}, undo with --abort --fleet ${fleet}`;
  if (code === 3) throw new VerificationError(`fleet ${fleet} stopped: ${where}`, { reason: 'FleetFailed', hint });
  if (code === 1) throw new FailedError(`fleet ${fleet} stopped: ${where}`, { reason: 'FleetFailed', hint });
  if (code === 4)
    throw new ClusterAccessError(`fleet ${fleet}: ${unreachable} context(s) could not be reached`, {
      reason: 'ContextUnreachable',
      hint: 'the targets of the other contexts are done; run again when the context is reachable',
    });
  if (code === 8)
    throw new PausedError(`fleet ${fleet} paused as asked`, {
      reason: 'FleetPaused',
      hint: `continue with the same targets and --resume --fleet ${fleet} --yes`,
    });
  throw new CancelError(`fleet ${fleet} cancelled`);
}
