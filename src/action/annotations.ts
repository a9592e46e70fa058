// The `::error` annotations of a run: bgctl's error (its `Error:` line or Error document), each failed
// verification and each failed analysis window. A stop on purpose (exit 8) is a notice.
import { annotation } from './workflow-commands.js';
import type { RolloutResultDoc } from './documents.js';

/** Writes the annotations for a run that ended with `code`. */
export function reportAnnotations(
  out: NodeJS.WritableStream,
  code: number,
  error: { message?: string; hint?: string },
  result: RolloutResultDoc | undefined,
  reason: string | undefined,
): void {
  if (code === 0) return;
  const message = [error.message ?? `bgctl rollout exited with code ${code}`, error.hint].filter(Boolean).join('\n');
  const title = `bgctl rollout: exit ${code}${reason ? ` (${reason})` : ''}`;
  out.write(annotation(code === 8 ? 'notice' : 'error', title, message));
  for (const v of result?.verification ?? []) {
    if (v.passed !== false) continue;
    const reasons = [...(v.reasons ?? []), ...(v.failures ?? []).map((f) => `${f.count}× ${f.reason}`)];
    out.write(annotation('error', `Verification failed: ${v.revisionName ?? '-'}`, reasons.join('\n') || 'failed'));
  }
  for (const w of result?.analysis ?? []) {
    if (w.verdict !== 'fail') continue;
    const where = w.percent > 0 ? `at ${w.percent}%` : 'on synthetic load';
    const lines = w.failing.map((g) => g.message ?? `${g.gate} on ${g.revision ?? '-'}: ${g.verdict}`);
    out.write(annotation('error', `Gates failed ${where}: ${w.candidate ?? '-'}`, lines.join('\n') || 'failed'));
  }
}
