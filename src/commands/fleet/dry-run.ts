// `bgctl rollout -l app=shop --context a,b --image-tag v2 --dry-run`: each target's next step planned (the first step
// of its rollout, or of its --resume/--abort) as the single-service dry run plans it, nothing written. Later steps
// are not shown: they depend on what Knative and the earlier waves do. One FleetPlan document, or one row per target.
import { BgctlError, ClusterAccessError } from '../../core/errors.js';
import { document } from '../../core/document.js';
import { planWaves } from '../../core/fleet.js';
import { writeDocument } from '../../ui/document.js';
import { printable } from '../../ui/sanitize.js';
import { printTable } from '../../ui/table.js';
import type { CommandContext } from '../context.js';
import { targetContext } from './target-context.js';
import { newSession, runPipeline } from '../rollout/pipeline.js';
import type { RolloutOptions } from '../rollout/options.js';
import type { ResolvedTarget, UnreachableContext } from './targets.js';

/** What one target's next step would be, or why it cannot be planned. */
interface TargetPlan {
  context: string;
  namespace: string;
  service: string;
  wave: 1 | 2;
  /** The step (deploy, abort, …) and the phase it would record; absent when refused. */
  step?: string;
  phase?: string;
  image?: string;
  /** The target's TrafficPlan document, as the single-service dry run prints it. */
  plan?: unknown;
  reason?: string;
  message?: string;
  exitCode?: number;
  /** The typed error of a refused target (not in the document). */
  error?: BgctlError;
}

async function planTarget(
  ctx: CommandContext,
  t: ResolvedTarget,
  o: RolloutOptions,
  wave: 1 | 2,
  fleet: string | undefined,
): Promise<TargetPlan> {
  const base = { context: t.context, namespace: t.namespace, service: t.service, wave };
  const { io, tctx } = targetContext(ctx, t, ctx.signal);
  try {
    await runPipeline(newSession(tctx, t.service, { ...o, targets: undefined, ...(fleet && { fleet }) }, {}));
  } catch (err) {
    if (!(err instanceof BgctlError) || ctx.signal.aborted) throw err;
    return { ...base, reason: err.reason, message: err.message, exitCode: err.exitCode, error: err };
  }
  const plan = JSON.parse(io.stdout) as { action?: string; rollout?: { phase?: string } | null };
  return {
    ...base,
    ...(plan.action !== undefined && { step: plan.action }),
    ...(plan.rollout?.phase !== undefined && { phase: plan.rollout.phase }),
    ...(o.image !== undefined && { image: o.image }),
    plan,
  };
}

/**
 * Plans every target's next step without writing. `images` gives each target's image (--image-tag); `fleet` is the
 * fleet a --resume/--abort continues (its targets only are in `run`). Exit 0 when every target could be planned.
 */
export async function previewFleet(
  ctx: CommandContext,
  o: RolloutOptions,
  run: ResolvedTarget[],
  images: Map<ResolvedTarget, string | undefined>,
  unreachable: UnreachableContext[],
  fleet: string | undefined,
): Promise<void> {
  const waves = planWaves(run, o.fleetRun?.firstWave);
  const first = new Set(waves.first);
  const plans: TargetPlan[] = [];
  // Reads only, one target at a time: a preview need not be fast, and it keeps the request load of one rollout.
  for (const t of run) {
    const image = images.get(t) ?? o.image;
    plans.push(await planTarget(ctx, t, { ...o, image }, first.has(t) ? 1 : 2, fleet));
  }
  const gone = unreachable.map(({ context, reason, message }) => ({ context, reason, message }));
  const action = o.resume ? 'resume' : o.abort ? 'abort' : 'rollout';
  if (ctx.globals.output !== 'table')
    writeDocument(
      ctx.io,
      ctx.globals.output,
      document('FleetPlan', {
        action,
        dryRun: true,
        ...(fleet && { fleet }),
        targets: plans.map(({ error: _, ...p }) => p),
        unreachable: gone,
      }),
    );
  else
    printTable(
      ctx.io,
      [
        { header: 'WAVE' },
        { header: 'CONTEXT' },
        { header: 'NAMESPACE' },
        { header: 'SERVICE' },
        { header: 'NEXT STEP' },
        { header: 'PHASE' },
        { header: 'IMAGE', cut: 'early' },
        { header: 'REASON', cut: 'early' },
      ],
      plans.map((p) => [
        String(p.wave),
        p.context,
        p.namespace,
        p.service,
        p.step ?? '-',
        p.phase ?? '-',
        p.image ?? '-',
        p.reason ?? '',
      ]),
    );
  for (const u of gone)
    ctx.io.err.write(
      ctx.io.colors().warn(`Warning: context ${printable(u.context)} not reached: ${printable(u.message)}`) + '\n',
    );
  ctx.io.err.write(`Dry run: nothing was changed; ${run.length} target(s), only each one's next step planned.\n`);
  // A target that cannot be planned fails the preview as it would fail the fleet: its own error, named.
  const refused = plans.find((p) => p.error)?.error;
  if (refused) {
    const where = plans.find((p) => p.error === refused)!;
    const Same = refused.constructor as new (message: string, opts: { reason?: string; hint?: string }) => BgctlError;
    throw new Same(`${where.context}/${where.namespace}/${where.service}: ${refused.message}`, {
      reason: refused.reason,
      hint: refused.hint,
    });
  }
  if (gone.length)
    throw new ClusterAccessError(`${gone.length} context(s) could not be reached`, {
      reason: 'ContextUnreachable',
    });
}
