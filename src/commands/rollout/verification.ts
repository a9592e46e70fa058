// The rollout's verify step: verify's own runVerification against the candidate's tag URL (the
// same checks `bgctl verify` runs), shown on stderr so stdout keeps the one final result.
import type { KnativeService } from '../../core/knative-types.js';
import type { RolloutState } from '../../core/state.js';
import { startProgress } from '../../ui/progress.js';
import { renderVerification, runVerification, type VerificationResult } from '../verify/run.js';
import { verifyCommand } from './commands.js';
import { verifyFlags, type VerifySettings } from './options.js';
import type { Session } from './session.js';

/** One verification of the run. */
export interface VerificationReport {
  passed: boolean;
  /** One line: why it failed, or how many requests passed. */
  summary: string;
  result: VerificationResult;
}

/** Runs the checks on the candidate's tag URL; throws only when they could not run (exit 4, 2…). */
export async function runChecks(
  s: Session,
  svc: KnativeService | undefined,
  state: RolloutState,
  settings: VerifySettings,
): Promise<VerificationReport> {
  const { ctx } = s;
  const tag = state.candidate.tag;
  s.view.announce({ kind: 'verify', rolloutId: state.id }, verifyCommand(s.service, s.namespace, tag, settings), svc);
  const label = `Verifying tag "${tag}" (${state.candidate.revision})`;
  const progress = await startProgress(ctx.io, label);
  let result: VerificationResult;
  try {
    result = await runVerification(ctx, s.service, {
      ...verifyFlags(settings),
      tag,
      onProgress: ctx.io.spinnerEnabled() ? (done, total) => progress.update(`${done}/${total} requests`) : undefined,
    });
  } catch (err) {
    progress.fail();
    throw err;
  }
  const summary = result.passed ? `${result.succeeded}/${result.requests} requests passed` : result.reasons.join('; ');
  if (result.passed) progress.succeed(`${label}: ${summary}`);
  else progress.fail(`${label}: ${summary}`);
  ctx.io.err.write(renderVerification(result));
  return { passed: result.passed, summary, result };
}
