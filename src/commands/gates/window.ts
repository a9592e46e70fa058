// An analysis window: while the candidate serves a traffic level (or synthetic load), the gates are evaluated every
// --gate-interval over the time since the level began. Two consecutive failures end the window at once; the
// evaluation at its end is final (core/gates/tracker.ts). Prometheus failing after retries throws AnalysisError.
import { performance } from 'node:perf_hooks';
import { AnalysisError, UsageError } from '../../core/errors.js';
import { evaluateGates, type GateVerdict } from '../../core/gates/evaluate.js';
import { advanceGates, initialGateState } from '../../core/gates/tracker.js';
import type { PresetName } from '../../core/gates/presets.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { pauseFor } from '../rollout/session.js';
import { evaluationLine, evaluationTable, type EvaluationShown } from './display.js';
import { measure, type GateJudge } from './judge.js';

export interface WindowRequest {
  candidate: string;
  stable?: string;
  /** The candidate's share of the traffic while judged (0: synthetic load on its tag URL). */
  percent: number;
  /** What is measured starts here (the split's time, or the start of the synthetic load). */
  since: Date;
  durationMs: number;
  io: IOStreams;
  signal: AbortSignal;
  now: () => Date;
  /** Shows each evaluation itself (the wizard's live region); default: a table on a terminal, else a line. */
  show?: (e: EvaluationShown) => void;
}

/** The outcome of one analysis window, as the RolloutResult shows it. */
export interface GateWindow {
  percent: number;
  candidate: string;
  stable?: string;
  preset: PresetName;
  since: string;
  evaluations: number;
  verdict: 'pass' | 'fail';
  /** The verdicts of the evaluation that decided. */
  verdicts: GateVerdict[];
  failing: GateVerdict[];
  /** Prometheus queries per evaluation. */
  queriesPerEvaluation: number;
}

/** The measures each revision needs: the candidate every gate's, the stable one only the relative gates'. */
function measuresOf(judge: GateJudge): { candidate: string[]; stable: string[] } {
  const gates = judge.gates.gates;
  const uniq = (xs: string[]) => [...new Set(['requests', ...xs])];
  return {
    candidate: uniq(gates.map((g) => g.measure)),
    stable: gates.some((g) => g.threshold.kind === 'relative')
      ? uniq(gates.filter((g) => g.threshold.kind === 'relative').map((g) => g.measure))
      : [],
  };
}

/** Judges the candidate for `durationMs`; returns once the window passed or failed. */
export async function judgeWindow(judge: GateJudge, req: WindowRequest): Promise<GateWindow> {
  const started = performance.now();
  // A record edited by hand may carry no usable time: then the window starts with this pause.
  const since = Number.isFinite(req.since.getTime()) ? req.since.getTime() : req.now().getTime();
  const interval = judge.settings.intervalMs;
  const wanted = measuresOf(judge);
  const stable = wanted.stable.length > 0 ? req.stable : undefined;
  let tracker = initialGateState();
  const redraw = req.show ? undefined : tableRedraw(req.io);
  for (;;) {
    const left = req.durationMs - (performance.now() - started);
    const final = left <= interval;
    await pauseFor(Math.max(0, Math.min(interval, left)), req.signal);
    const windowMs = Math.max(1000, req.now().getTime() - since);
    const before = judge.queries;
    const [candidateValues, stableValues] = await Promise.all([
      measure(judge, req.candidate, wanted.candidate, windowMs),
      stable ? measure(judge, stable, wanted.stable, windowMs) : undefined,
    ]).catch(noVerdict);
    const verdicts = evaluateGates({
      gates: judge.gates.gates,
      candidate: { revision: req.candidate, values: candidateValues },
      ...(stable && stableValues && { stable: { revision: stable, values: stableValues } }),
      final,
      requestSeries: judge.requestSeries,
    });
    const step = advanceGates(tracker, verdicts, final);
    tracker = step.state;
    const shown: EvaluationShown = {
      percent: req.percent,
      evaluation: tracker.evaluations,
      elapsedMs: performance.now() - started,
      durationMs: req.durationMs,
      windowMs,
      verdicts,
      outcome: step.outcome,
    };
    if (req.show) req.show(shown);
    else if (redraw) redraw(evaluationTable(shown, req.io));
    else req.io.err.write(evaluationLine(shown, req.io) + '\n');
    if (step.outcome !== 'continue') {
      return {
        percent: req.percent,
        candidate: req.candidate,
        ...(stable && { stable }),
        preset: judge.preset,
        since: new Date(since).toISOString(),
        evaluations: tracker.evaluations,
        verdict: step.outcome === 'passed' ? 'pass' : 'fail',
        verdicts,
        failing: step.failing,
        queriesPerEvaluation: judge.queries - before,
      };
    }
  }
}

/**
 * A query that passed its check before the first write can still fail to give one number once the candidate serves
 * (several series, a refused window): the traffic has been written by then, so it is no usage error (exit 2 says
 * nothing was written) but no verdict, like Prometheus failing.
 */
function noVerdict(err: unknown): never {
  if (!(err instanceof UsageError)) throw err;
  throw new AnalysisError(err.message, { reason: err.reason, hint: err.hint, cause: err });
}

/** On a terminal, each evaluation's table replaces the previous one; in a pipe, undefined (one line each). */
function tableRedraw(io: IOStreams): ((block: string) => void) | undefined {
  if (!io.isStderrTTY()) return undefined;
  let height = 0;
  return (block) => {
    // Cursor to the start of the previous block's first line, then clear to the end of the screen.
    const up = height > 0 ? `\x1b[${height}F\x1b[0J` : '';
    io.err.write(up + block);
    height = block.split('\n').length - 1;
  };
}
