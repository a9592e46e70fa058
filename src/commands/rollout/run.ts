// `bgctl rollout [SERVICE]`: the wizard on a terminal (also for --resume), else the unattended pipeline; all drive
// the same phase loop (driver.ts) over the traffic-step engine.
import type { CommandContext } from '../context.js';
import { writesNothing } from '../write-flags.js';
import { resolveService } from '../service-arg.js';
import type { RolloutOptions } from './options.js';
import { newSession, runPipeline } from './pipeline.js';
import { RefusedError, UsageError } from '../../core/errors.js';
import { isInProgress, readState } from '../../core/state.js';
import { withImageTag } from '../../core/image-ref.js';
import { quoteInput } from '../../core/quote.js';

/** One service with --image-tag: its own first image with that tag (read once, before anything is written). */
async function withOwnImage(ctx: CommandContext, opts: RolloutOptions, tag: string): Promise<RolloutOptions> {
  const service = await resolveService(ctx, opts.service, 'rollout');
  const svc = await (await ctx.kube()).getService(service);
  const own = svc.spec.template?.spec?.containers?.[0]?.image;
  if (!own)
    throw new UsageError(`service ${quoteInput(service)} has no container image to retag`, { reason: 'InvalidImage' });
  return { ...opts, service, image: withImageTag(own, tag), retagOf: own };
}

/**
 * One context with --context-ingress or --context-prometheus: as in a fleet, the address given for this context is
 * its ingress for the tag URL checks, the URL its gates' Prometheus; one naming any other context would go unused,
 * so it is refused (exit 2).
 */
async function withContextFlags(ctx: CommandContext, opts: RolloutOptions): Promise<RolloutOptions> {
  const { refuseContextWithoutPrometheus, refuseStrayContextFlags, settingsForContext } =
    await import('../fleet/flags.js');
  const { context } = await ctx.kube();
  const run = opts.fleetRun;
  refuseStrayContextFlags(run, [context]);
  if (!opts.abort) refuseContextWithoutPrometheus(opts.gates, run, [context]);
  return { ...opts, ...settingsForContext(opts, context) };
}

/**
 * One service with --resume/--abort --fleet ID: acts only when its open rollout belongs to that fleet (checked here
 * for the wizard too, and again by the pipeline before its write), else refused with nothing written.
 */
async function withNamedFleet(ctx: CommandContext, opts: RolloutOptions, fleet: string): Promise<RolloutOptions> {
  const service = await resolveService(ctx, opts.service, 'rollout');
  const st = readState(await (await ctx.kube()).getService(service)).state;
  if (st && isInProgress(st.phase) && st.fleet !== fleet)
    throw new RefusedError(`rollout ${st.id} on service ${quoteInput(service)} is not part of fleet ${fleet}`, {
      reason: 'NoRollout',
      hint: `see it with bgctl status ${service}`,
    });
  return { ...opts, service, fleet };
}

/** Runs the rollout verb (the --notify events still under way are flushed by verb.ts after it). */
export async function run(opts: RolloutOptions, ctx: CommandContext): Promise<void> {
  const { isFleet, refuseContextConflict } = await import('../fleet/flags.js');
  refuseContextConflict(opts.targets, ctx.globals);
  if (isFleet(opts.targets, ctx.globals)) {
    if (opts.revision !== undefined)
      throw new UsageError('--revision names one revision of one service: a fleet deploys a new one everywhere', {
        reason: 'ConflictingFlags',
      });
    const { runFleet } = await import('../fleet/run.js');
    return runFleet(ctx, opts);
  }
  if (opts.fleetRun?.contextIngress || opts.fleetRun?.contextPrometheus) opts = await withContextFlags(ctx, opts);
  if (opts.fleetRun?.fleet !== undefined) opts = await withNamedFleet(ctx, opts, opts.fleetRun.fleet);
  if (opts.fleetRun?.imageTag !== undefined) opts = await withOwnImage(ctx, opts, opts.fleetRun.imageTag);
  const serviceArg = opts.service;
  const interactive = ctx.io.canPrompt() && !opts.write.yes && !writesNothing(opts.write);
  // The wizard asks where to stop, whether to wait and what to do on a failure; given as flags, those
  // choices are the pipeline's, which then asks before each traffic change instead. --gate needs --pause, so gates
  // given as flags take that path too; the wizard offers gates itself when a Prometheus URL is known.
  const pipelineChoices = opts.until !== 'promoted' || opts.pauseMs > 0 || !opts.rollbackOnFailure;
  if (interactive && !opts.abort && !pipelineChoices) {
    // --resume on a terminal is the wizard, continuing from the recorded phase.
    const { runWizard } = await import('./wizard.js');
    return runWizard(ctx, serviceArg, opts);
  }
  const service = await resolveService(ctx, serviceArg, 'rollout');
  // On a terminal without --yes, the pipeline asks before each traffic change.
  await runPipeline(newSession(ctx, service, opts, { confirm: interactive }));
}
