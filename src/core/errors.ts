// Typed errors, each with its exit code (docs/cli.md, "Exit codes") and a hint; only src/cli.ts exits.

export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  VerificationFailed: 3,
  ClusterAccess: 4,
  Conflict: 5,
  Timeout: 6,
  AnalysisFailed: 7,
  Paused: 8,
  Cancelled: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Base class: a message for people, a stable code for machines, and a hint saying what to do next. */
export class BgctlError extends Error {
  /** Default reason: a literal per class, never the class name (minified in the build). */
  static readonly defaultReason: string = 'Failed';
  readonly exitCode: ExitCodeValue = ExitCode.Failed;
  /** Stable machine-readable reason, e.g. "RevisionNotReady". */
  readonly reason: string;
  readonly hint?: string;
  constructor(message: string, opts: { reason?: string; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    const { defaultReason } = new.target as typeof BgctlError;
    this.name = `${defaultReason}Error`;
    this.reason = opts.reason ?? defaultReason;
    this.hint = opts.hint;
  }
}

/** Bad flag, bad value, or missing input without a terminal. Nothing was written. */
export class UsageError extends BgctlError {
  static override readonly defaultReason: string = 'Usage';
  override readonly exitCode = ExitCode.Usage;
}

/** The planner refused the intent before anything was written (e.g. revision not Ready). */
export class RefusedError extends BgctlError {
  static override readonly defaultReason: string = 'Refused';
}

/** A revision failed, the cluster refused, anything without its own code. */
export class FailedError extends BgctlError {
  static override readonly defaultReason: string = 'Failed';
}

/** The step's write went through but a follow-up write (revision bookkeeping) did not. */
export class IncompleteError extends BgctlError {
  static override readonly defaultReason: string = 'BookkeepingIncomplete';
}

export class VerificationError extends BgctlError {
  static override readonly defaultReason: string = 'Verification';
  override readonly exitCode = ExitCode.VerificationFailed;
}

/** kubeconfig, connection, TLS, authentication, authorization, Knative not installed. */
export class ClusterAccessError extends BgctlError {
  static override readonly defaultReason: string = 'ClusterAccess';
  override readonly exitCode = ExitCode.ClusterAccess;
}

/** The service changed underneath and the intended change no longer applies. */
export class ConflictError extends BgctlError {
  static override readonly defaultReason: string = 'Conflict';
  override readonly exitCode = ExitCode.Conflict;
}

export class TimeoutError extends BgctlError {
  static override readonly defaultReason: string = 'Timeout';
  override readonly exitCode = ExitCode.Timeout;
}

/** Metrics could not be read (Prometheus unreachable, a query failing after retries): nothing was judged. */
export class AnalysisError extends BgctlError {
  static override readonly defaultReason: string = 'AnalysisFailed';
  override readonly exitCode = ExitCode.AnalysisFailed;
}

/** Stopped on purpose before the end (--until, a pause); the rollout can be resumed. */
export class PausedError extends BgctlError {
  static override readonly defaultReason: string = 'Paused';
  override readonly exitCode = ExitCode.Paused;
}

export class CancelError extends BgctlError {
  static override readonly defaultReason: string = 'Cancelled';
  override readonly exitCode = ExitCode.Cancelled;
  constructor(message = 'cancelled', opts: { hint?: string } = {}) {
    super(message, { reason: 'Cancelled', ...opts });
  }
}

/** The exit code for anything thrown: typed errors carry theirs, everything else is a failure. */
export function exitCodeOf(err: unknown): ExitCodeValue {
  return err instanceof BgctlError ? err.exitCode : ExitCode.Failed;
}
