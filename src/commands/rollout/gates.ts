// The rollout's metric gates: checked against Prometheus before the first write, then judged during each pause
// after a split and, with --analysis-load, during a staged window on synthetic requests to the tag URL.
import { AnalysisError } from '../../core/errors.js';
import type { KnativeService } from '../../core/knative-types.js';
import type { RolloutState } from '../../core/state.js';
import { parseVerifyFlags } from '../../core/verify.js';
import { requireTagUrl } from '../../core/views/url.js';
import { openGateJudge, type GateJudge } from '../gates/judge.js';
import { startLoad } from '../gates/load.js';
import { judgeWindow, type GateWindow, type WindowRequest } from '../gates/window.js';
import type { GateSettings } from '../gate-flags.js';
import { resumeCommand } from './commands.js';
import { verifyFlags } from './options.js';
import type { Journal, Session } from './session.js';

const judges = new WeakMap<Session, Promise<GateJudge>>();

/** The run's judge, opened on first use (a failed opening is retried by the next call). */
function judgeOf(s: Session, svc?: KnativeService): Promise<GateJudge> {
  let judge = judges.get(s);
  if (!judge) {
    judge = (async () => {
      const client = await s.ctx.kube();
      const known = svc ?? (await client.getService(s.service));
      const revision = known.status?.latestReadyRevisionName ?? `${s.service}-00001`;
      const namespace = known.metadata.namespace ?? client.namespace;
      return openGateJudge(s.ctx, settings(s), { namespace, service: s.service, revision });
    })();
    judge.catch(() => judges.delete(s));
    judges.set(s, judge);
  }
  return judge;
}

const settings = (s: Session) => s.opts.gates as GateSettings;
const seconds = (ms: number) => `${ms / 1000}s`;

/** Before anything is written: the preset resolved and the custom queries run once (exit 2 or 7, nothing changed). */
export async function checkGates(s: Session, svc: KnativeService): Promise<void> {
  await judgeOf(s, svc);
}

/** Judges the candidate during the pause at its current traffic level, measured since the split. */
export function judgeSplit(
  s: Session,
  j: Journal,
  state: RolloutState,
  show?: WindowRequest['show'],
): Promise<GateWindow> {
  s.view.note(
    `Pausing ${seconds(s.opts.pauseMs)} at ${state.percent}%, ` +
      `judging the gates every ${seconds(settings(s).intervalMs)}.`,
  );
  return judge(s, j, state, { percent: state.percent, since: new Date(state.updatedAt), show });
}

/** Judges the candidate at 0% for one pause, on --analysis-load requests per second sent to its tag URL. */
export async function judgeStaged(s: Session, j: Journal, state: RolloutState): Promise<GateWindow> {
  const svc = await (await s.ctx.kube()).getService(s.service);
  const url = new URL(parseVerifyFlags(verifyFlags(s.opts.verify)).path, requireTagUrl(svc, state.candidate.tag));
  const rps = s.opts.analysisLoad as number;
  s.view.note(
    `Sending ${rps} requests/s to tag "${state.candidate.tag}" for ${seconds(s.opts.pauseMs)}, ` +
      `judging the gates every ${seconds(settings(s).intervalMs)} before any user traffic.`,
  );
  const load = startLoad({
    url,
    rps,
    connectTo: parseVerifyFlags(verifyFlags(s.opts.verify)).ingress,
    signal: s.ctx.signal,
  });
  try {
    return await judge(s, j, state, { percent: 0, since: s.ctx.now() });
  } finally {
    const sent = load.stop();
    s.view.note(`Synthetic load stopped: ${sent.sent} requests sent, ${sent.failed} without an answer.`);
  }
}

async function judge(
  s: Session,
  j: Journal,
  state: RolloutState,
  at: Pick<WindowRequest, 'percent' | 'since' | 'show'>,
): Promise<GateWindow> {
  let window: GateWindow;
  try {
    window = await judgeWindow(await judgeOf(s), {
      ...at,
      candidate: state.candidate.revision as string,
      stable: state.stable.revision,
      durationMs: s.opts.pauseMs,
      io: s.ctx.io,
      signal: s.ctx.signal,
      now: () => s.ctx.now(),
    });
  } catch (err) {
    if (!(err instanceof AnalysisError)) throw err;
    // No verdict is not a verdict: the rollout stays where it is, neither promoted nor rolled back.
    throw new AnalysisError(err.message, {
      reason: err.reason,
      hint:
        `nothing was judged and rollout ${state.id} stays at phase ${state.phase} (${state.percent}%): ` +
        `continue with ${resumeCommand(s.service, s.namespace)} once Prometheus answers, ` +
        `or undo with bgctl rollout ${s.service} --abort --yes` +
        (err.hint ? ` (${err.hint})` : ''),
      cause: err,
    });
  }
  j.judged(window);
  return window;
}
