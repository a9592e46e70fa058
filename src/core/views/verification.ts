// The VerificationResult document of `verify`.
import { document } from '../document.js';
import type { KnativeService } from '../knative-types.js';
import { DefaultTags } from '../plan-types.js';
import { isInProgress, readState } from '../state.js';
import { BODY_CHECK_LIMIT, type VerifySpec, type VerifySummary } from '../verify.js';

/** The tag `verify` checks by default: the candidate tag of the rollout in progress, else "candidate". */
export function defaultVerifyTag(svc: KnativeService): string {
  const st = readState(svc).state;
  return st && isInProgress(st.phase) ? st.candidate.tag : DefaultTags.candidate;
}

export interface VerifyTarget {
  service: string;
  namespace?: string;
  tag: string;
  url: string;
  /** The revision the tag routes to (from status.traffic). */
  revisionName?: string;
  /** HOST:PORT connected to instead of the URL's host (--ingress / BGCTL_INGRESS). */
  connectTo?: string;
}

/** The `VerificationResult` document: target, checks, counts, latency and verdict. */
export function verificationView(target: VerifyTarget, spec: VerifySpec, summary: VerifySummary) {
  const checks: Record<string, unknown> = { requests: spec.requests, expectStatus: spec.expectStatus.text };
  if (spec.expectBody) {
    checks.expectBody = spec.expectBody.source;
    checks.expectBodyLimitBytes = BODY_CHECK_LIMIT;
  }
  if (spec.maxLatencyMs !== undefined) checks.maxLatencyMs = spec.maxLatencyMs;
  checks.timeoutMs = spec.timeoutMs;
  return document('VerificationResult', {
    ...target,
    verdict: summary.passed ? ('Passed' as const) : ('Failed' as const),
    passed: summary.passed,
    checks,
    requests: summary.requests,
    succeeded: summary.succeeded,
    failed: summary.failed,
    failures: summary.failures,
    statusCodes: summary.statusCodes,
    revisions: summary.revisions,
    latency: summary.latency,
    reasons: summary.reasons,
  });
}

/** The result type `runVerification` returns (and the wizard consumes). */
export type VerificationResult = ReturnType<typeof verificationView>;
