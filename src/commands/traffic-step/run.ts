// One traffic step as a step verb runs it, top to bottom: plan, show the plan, settle a step that
// writes nothing, confirm, write (re-planning on conflict), finish (follow-ups, wait, deletes).
// The verb prints the returned outcome itself (printOutcome), with the extras it computes from it. With --notify, a
// written step that moved the rollout record sends its phase change (sent in the background, flushed by verb.ts).
import { readState } from '../../core/state.js';
import type { CommandContext } from '../context.js';
import { announcePhase } from '../notify-events.js';
import {
  confirmStep,
  finishStep,
  prepareStep,
  settleWithoutWriting,
  willWrite,
  type StepOutcome,
  type TrafficStepRequest,
} from './engine.js';
import { printPlanToConfirm, printReplans } from './show.js';
import { writeStep } from './write.js';

/** Runs one step end to end; throws the typed errors of core/errors.ts (exit codes: docs/cli.md). */
export async function runTrafficStep(ctx: CommandContext, req: TrafficStepRequest): Promise<StepOutcome> {
  const step = await prepareStep(ctx, req);
  if (willWrite(step)) printPlanToConfirm(ctx.io, step);
  const unwritten = await settleWithoutWriting(ctx, step);
  if (unwritten) return unwritten;
  await confirmStep(ctx, step);
  const written = await writeStep(ctx, step);
  printReplans(ctx.io, step.plan, written.replans);
  const outcome = await finishStep(ctx, step, written);
  if (req.flags.notify && outcome.result === 'applied') {
    const before = readState(step.read.service).state;
    announcePhase(ctx, req.flags.notify, before, outcome.service, outcome.plan.state);
  }
  return outcome;
}
