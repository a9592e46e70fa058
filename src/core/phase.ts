// The phase machine: what comes next and what --resume and --abort mean, from the Service alone.
import type { KnativeService } from './knative-types.js';
import { driftError, trafficKey } from './drift.js';
import { RefusedError } from './errors.js';
import type { Intent } from './plan-types.js';
import { isInProgress, readState, type RolloutState } from './state.js';

/** What a rollout does next (the kinds and their order: ACTION_ORDER in phase-table.ts). */
export type NextAction =
  | { kind: 'deploy' }
  | { kind: 'stage' }
  | { kind: 'verify' }
  | { kind: 'split'; percent: number; levelIndex: number }
  | { kind: 'promote' }
  | { kind: 'done' };

/** What follows the state's phase. Levels below 100 are splits; the action after the last split is promote. */
export function nextAction(state: RolloutState | undefined, verify = true): NextAction {
  if (!state || !isInProgress(state.phase)) return state ? { kind: 'done' } : { kind: 'deploy' };
  switch (state.phase) {
    case 'deployed':
      return { kind: 'stage' };
    case 'staged':
      return verify ? { kind: 'verify' } : splitOrPromote(state, -1);
    case 'verified':
      return splitOrPromote(state, -1);
    default:
      return splitOrPromote(state, state.levelIndex);
  }
}

function splitOrPromote(state: RolloutState, after: number): NextAction {
  const i = state.percents.findIndex((s, idx) => idx > after && s < 100 && s > state.percent);
  return i >= 0 ? { kind: 'split', percent: state.percents[i], levelIndex: i } : { kind: 'promote' };
}

/** The intent `--resume` runs next; refuses when nothing is open or (unless taking over) when the traffic drifted. */
export function resumeIntent(
  svc: KnativeService,
  opts: { verify?: boolean; takeOver?: boolean } = {},
): { intent: Intent; next: NextAction; state: RolloutState } {
  const read = readState(svc);
  if (read.error) throw read.error;
  const st = read.state;
  const name = svc.metadata.name;
  if (!st || !isInProgress(st.phase)) {
    throw new RefusedError(
      `nothing to resume: no rollout in progress on service "${name}"` +
        (st ? ` (last rollout ${st.id} is ${st.phase})` : ''),
      {
        reason: 'NoRollout',
        hint: `start one: bgctl rollout ${name}`,
      },
    );
  }
  const drift = opts.takeOver ? undefined : driftError(svc, st, 'resume');
  if (drift) throw drift;
  const next = nextAction(st, opts.verify ?? true);
  const base = { rolloutId: st.id, ...(opts.takeOver ? { adoptTraffic: { trafficKey: trafficKey(svc) } } : {}) };
  const intent: Intent =
    next.kind === 'stage'
      ? { ...base, kind: 'stage' }
      : next.kind === 'verify'
        ? { ...base, kind: 'verify' }
        : next.kind === 'split'
          ? { ...base, kind: 'split', percent: next.percent }
          : { ...base, kind: 'promote' };
  return { intent, next, state: st };
}

/** The intent `--abort` runs: traffic back to stable, rollout closed (refused when nothing is open). */
export function abortIntent(svc: KnativeService, reason?: string): Intent {
  const read = readState(svc);
  if (read.error) throw read.error;
  const st = read.state;
  if (!st || !isInProgress(st.phase)) {
    throw new RefusedError(`nothing to abort: no rollout in progress on service "${svc.metadata.name}"`, {
      reason: 'NoRollout',
      hint: `to undo a promoted rollout use bgctl rollback ${svc.metadata.name}`,
    });
  }
  return { kind: 'abort', rolloutId: st.id, ...(reason ? { reason } : {}) };
}
