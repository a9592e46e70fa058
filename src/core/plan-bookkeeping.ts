// Rollout bookkeeping of the planners: claiming the service, starting and advancing the record.
import type { Work } from './plan-work.js';
import { ConflictError, RefusedError, UsageError } from './errors.js';
import { validateTag } from './names.js';
import { isInProgress, newRolloutId, recordHistory, type RolloutState } from './state.js';
import { quoteInput } from './quote.js';

/** Refuses when another rollout is open, unless taking over (then it is closed as aborted in the history). */
export function claimService(w: Work, what: string): RolloutState[] {
  const st = w.state;
  if (!st || !isInProgress(st.phase)) return w.history;
  if (w.intent.rolloutId && w.intent.rolloutId === st.id) return w.history;
  if (!w.intent.takeOver) throw rolloutInProgress(w, st, what);
  w.warnings.push(
    `takes over rollout ${st.id} (phase ${st.phase}, started by ${st.startedBy}): it will be recorded as aborted`,
  );
  return recordHistory(w.history, {
    ...st,
    phase: 'aborted',
    reason: `taken over by ${w.ctx.actor}`,
    updatedBy: w.ctx.actor,
    updatedAt: w.ctx.now,
  });
}

/** The ConflictError for a rollout that someone else has open. */
export function rolloutInProgress(w: Work, st: RolloutState, what: string): ConflictError {
  return new ConflictError(
    `cannot ${what}: rollout ${st.id} is in progress on service "${w.name}" ` +
      `(phase ${st.phase}, started by ${st.startedBy} at ${st.startedAt})`,
    {
      reason: 'RolloutInProgress',
      hint:
        `continue it (bgctl rollout ${w.name} --resume), ` +
        `abort it (bgctl rollout ${w.name} --abort), or pass --take-over`,
    },
  );
}

/** A new rollout record. */
export function newState(
  w: Work,
  fields: Pick<RolloutState, 'phase' | 'stable' | 'candidate' | 'percents'> & Partial<RolloutState>,
): RolloutState {
  return {
    id: w.ctx.newRolloutId ?? newRolloutId(w.ctx.now, w.name),
    levelIndex: -1,
    percent: 0,
    startedBy: w.ctx.actor,
    startedAt: w.ctx.now,
    updatedBy: w.ctx.actor,
    updatedAt: w.ctx.now,
    ...fields,
    ...(w.intent.fleet ? { fleet: w.intent.fleet } : {}),
  };
}

const TRAFFIC_MOVES = new Set<string>(['split', 'promote', 'rollback', 'abort']);

/** The state with changes, stamped with who and when. */
export function advance(w: Work, st: RolloutState, changes: Partial<RolloutState>): RolloutState {
  const next = { ...st, ...changes, updatedBy: w.ctx.actor, updatedAt: w.ctx.now };
  // The verdict belongs to the traffic it judged: a move without one must not keep an earlier level's pass.
  if (w.intent.gates) next.gates = { ...w.intent.gates };
  else if (TRAFFIC_MOVES.has(w.intent.kind)) delete next.gates;
  // An open rollout's reason is its last setback: a step that does not restate one moves past it.
  if (isInProgress(st.phase) && !('reason' in changes)) delete next.reason;
  return next;
}

/** The open rollout, refusing when there is none or it is in a phase the step cannot follow. */
export function requireOpenRollout(w: Work, what: string, phases: readonly RolloutState['phase'][]): RolloutState {
  const st = w.state;
  if (!st || !isInProgress(st.phase)) {
    throw new RefusedError(
      `cannot ${what}: no rollout in progress on service "${w.name}"` +
        (st ? ` (last rollout ${st.id} is ${st.phase})` : ''),
      {
        reason: 'NoRollout',
        hint: `start one: bgctl deploy ${w.name} --image IMAGE, then bgctl stage ${w.name}`,
      },
    );
  }
  if (!phases.includes(st.phase)) {
    throw new RefusedError(`cannot ${what}: rollout ${st.id} is ${st.phase}`, {
      reason: 'WrongPhase',
      hint: st.phase === 'deployed' ? `stage the candidate first: bgctl stage ${w.name}` : `see bgctl status ${w.name}`,
    });
  }
  return st;
}

/** Validates the stable and candidate tags for this service; they must differ. */
export function validateTagPair(w: Work, stableTag: string, candTag: string): void {
  validateTag(stableTag, w.name);
  validateTag(candTag, w.name);
  if (stableTag === candTag)
    throw new UsageError(`the stable and candidate tags must differ (both ${quoteInput(candTag)})`, {
      reason: 'SameTags',
    });
}
