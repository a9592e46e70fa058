// An analysis window as the -o json|yaml documents show it (RolloutResult.analysis, a split's analysis).
import type { GateVerdict } from '../../core/gates/evaluate.js';
import type { GateWindow } from './window.js';

/** A number as JSON can carry it: NaN, ±Inf and no data are null. */
const num = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : v);

/** One analysis window of the run: where, how often, the verdict and the deciding evaluation's values. */
export function windowDocument(w: GateWindow) {
  const verdict = (g: GateVerdict) => ({
    ...g,
    value: num(g.value),
    stableValue: num(g.stableValue),
    threshold: num(g.threshold),
  });
  return {
    percent: w.percent,
    candidate: w.candidate,
    ...(w.stable && { stable: w.stable }),
    preset: w.preset,
    since: w.since,
    evaluations: w.evaluations,
    queriesPerEvaluation: w.queriesPerEvaluation,
    verdict: w.verdict,
    gates: w.verdicts.map(verdict),
    failing: w.failing.map(verdict),
  };
}
