// `bgctl rollout [SERVICE]`: the wizard on a terminal (also for --resume), else the unattended pipeline; all drive
// the same phase loop (driver.ts) over the traffic-step engine.
import type { CommandContext } from '../context.js';
import { resolveService } from '../service-arg.js';
import type { RolloutOptions } from './options.js';
import { newSession, runPipeline } from './pipeline.js';

/** Runs the rollout verb. */
export async function run(opts: RolloutOptions, ctx: CommandContext): Promise<void> {
  const serviceArg = opts.service;
  const interactive = ctx.io.canPrompt() && !opts.write.yes && !opts.write.dryRun;
  if (interactive && !opts.abort) {
    // --resume on a terminal is the wizard, continuing from the recorded phase.
    const { runWizard } = await import('./wizard.js');
    return runWizard(ctx, serviceArg, opts);
  }
  const service = await resolveService(ctx, serviceArg, 'rollout');
  // On a terminal without --yes, --abort still asks before its traffic change.
  await runPipeline(newSession(ctx, service, opts, { confirm: interactive }));
}
