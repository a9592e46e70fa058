// Evaluations over one analysis window (a pause after a split), as a pure state machine. A gate
// that fails on two consecutive evaluations with data fails the rollout at once: one bad scrape
// interval is noise, two in a row is the candidate. When the window ends, the last evaluation is
// final: there is no later one to confirm or forgive, so any failing gate fails the rollout.
import type { GateVerdict } from './evaluate.js';

export interface GateTrackerState {
  evaluations: number;
  /** Consecutive evaluations each gate (by its text) failed on its threshold. */
  failStreak: Readonly<Record<string, number>>;
}

export type GateOutcome = 'continue' | 'passed' | 'failed';

export interface GateStep {
  state: GateTrackerState;
  outcome: GateOutcome;
  /** The verdicts that decided a failure (empty unless outcome is "failed"). */
  failing: GateVerdict[];
}

/** Consecutive failures that fail the rollout before the window ends. */
export const FAILS_TO_STOP = 2;

export function initialGateState(): GateTrackerState {
  return { evaluations: 0, failStreak: {} };
}

/**
 * The next state after one evaluation. An insufficient-data verdict neither extends nor resets a
 * streak (it says nothing about the candidate); a pass resets it. On the final evaluation anything
 * but a pass fails (evaluateGates with `final` has already turned waiting gates into InsufficientData).
 */
export function advanceGates(state: GateTrackerState, verdicts: readonly GateVerdict[], final: boolean): GateStep {
  const failStreak: Record<string, number> = { ...state.failStreak };
  for (const v of verdicts) {
    if (v.verdict === 'pass') failStreak[v.gate] = 0;
    else if (v.verdict === 'fail' && v.reason === 'ThresholdCrossed')
      failStreak[v.gate] = (failStreak[v.gate] ?? 0) + 1;
  }
  const next: GateTrackerState = { evaluations: state.evaluations + 1, failStreak };
  const failing = final
    ? verdicts.filter((v) => v.verdict !== 'pass')
    : verdicts.filter((v) => v.verdict === 'fail' && failStreak[v.gate] >= FAILS_TO_STOP);
  if (failing.length > 0) return { state: next, outcome: 'failed', failing };
  return { state: next, outcome: final ? 'passed' : 'continue', failing: [] };
}
