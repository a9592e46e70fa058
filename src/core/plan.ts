// The planner's entry point: (Service, revisions, intent, clock) to the complete write, or a typed refusal.
import type { KnativeService, TrafficTarget } from './knative-types.js';
import { driftError, trafficKey } from './drift.js';
import { ConflictError } from './errors.js';
import type { Expectation, Intent, Plan, PlanInput } from './plan-types.js';
import { planCleanup } from './plan-cleanup.js';
import { planDeploy, planPin } from './plan-pin.js';
import { planAbort, planPromote, planRollback, planSplit, planStage, planVerify } from './plan-rollout.js';
import { makeWork, type Draft, type Work } from './plan-work.js';
import { mergeRevisionChanges, noGcRepairs } from './rollback-target.js';
import {
  StateAnnotations,
  boundState,
  encodeHistory,
  encodeState,
  isInProgress,
  sameRollout,
  type RolloutState,
} from './state.js';
import { diffTraffic, normalizeTraffic, routedShares, sameShares, sameTraffic, sumPercent } from './traffic.js';

/** Plans one intent; throws UsageError/RefusedError/ConflictError before anything is written. */
export function plan(input: PlanInput): Plan {
  const { service, revisions, intent, ctx } = input;
  const w = makeWork(service, revisions, intent, ctx);
  if (intent.expect) checkExpectation(w, intent.expect);
  if (intent.rolloutId && w.state?.id !== intent.rolloutId) {
    throw new ConflictError(
      `rollout ${intent.rolloutId} is no longer the rollout of service "${w.name}" ` +
        (w.state
          ? `(it records ${w.state.id}, ${w.state.phase}, by ${w.state.updatedBy})`
          : '(no rollout is recorded)'),
      {
        reason: 'RolloutChanged',
        hint: `see bgctl status ${w.name}`,
      },
    );
  }
  if (intent.rolloutId && w.state && !isInProgress(w.state.phase)) {
    const st = w.state;
    throw new ConflictError(
      `rollout ${st.id} of service "${w.name}" was closed meanwhile: ` +
        `it is ${st.phase}, by ${st.updatedBy} at ${st.updatedAt}${st.reason ? ` (${st.reason})` : ''}`,
      {
        reason: 'RolloutChanged',
        hint: `see bgctl history ${w.name}`,
      },
    );
  }
  const draft = dispatch(w, intent);
  refuseDrift(w, intent);
  return finalize(w, draft);
}

/** Intents that state the whole traffic themselves: the record learns the routing they write. */
const STATES_TRAFFIC = new Set<Intent['kind']>(['pin', 'deploy', 'stage', 'split', 'promote', 'rollback', 'abort']);

/** The record with the routing this plan writes; verify and cleanup keep it (not someone else's change). */
function withRouting(w: Work, state: RolloutState | undefined, desired: TrafficTarget[]): RolloutState | undefined {
  if (!state || !STATES_TRAFFIC.has(w.intent.kind)) return state;
  // A record from before routing was kept learns it with the next write, not with a write of its own.
  if (!state.routing && state === w.state && sameTraffic(w.before, desired)) return state;
  const routing = routedShares(desired);
  if (state.routing && sameShares(state.routing, routing)) return state;
  return { ...state, routing };
}

/** Steps that move an open rollout's traffic onward (rollback and abort undo; pin and cleanup are not part of it). */
const ADVANCING = new Set<Intent['kind']>(['stage', 'split', 'promote']);

/** True for the intents that move an open rollout onward: the ones a drift refuses and a take-over adopts for. */
export function advancesRollout(kind: Intent['kind']): boolean {
  return ADVANCING.has(kind);
}

/** Never build on traffic someone else changed since bgctl recorded the rollout, unless told to. */
function refuseDrift(w: Work, intent: Intent): void {
  const st = w.state;
  if (!st || !isInProgress(st.phase) || !advancesRollout(intent.kind) || intent.takeOver) return;
  const adopt = intent.adoptTraffic;
  if (adopt && (adopt.trafficKey === undefined || adopt.trafficKey === trafficKey(w.svc))) return;
  const err = driftError(w.svc, st, intent.kind);
  if (err) throw err;
}

function dispatch(w: Work, intent: Intent): Draft {
  switch (intent.kind) {
    case 'pin':
      return planPin(w, intent);
    case 'deploy':
      return planDeploy(w, intent);
    case 'stage':
      return planStage(w, intent);
    case 'verify':
      return planVerify(w, intent);
    case 'split':
      return planSplit(w, intent);
    case 'promote':
      return planPromote(w, intent);
    case 'rollback':
      return planRollback(w, intent);
    case 'abort':
      return planAbort(w, intent);
    case 'cleanup':
      return planCleanup(w, intent);
  }
}

/** The intent to re-plan with after a 409: same request, plus what the first plan relied on. */
export function withExpectation(intent: Intent, first: Plan): Intent {
  return { ...intent, expect: first.expect };
}

function firstImage(svc: KnativeService): string | undefined {
  return svc.spec.template?.spec?.containers?.[0]?.image;
}

function expectationOf(w: Work, draft: Draft): Expectation {
  const e: Expectation = { shares: routedShares(w.before) };
  if (w.state) {
    e.rolloutId = w.state.id;
    e.phase = w.state.phase;
  }
  const st = draft.state ?? w.state;
  if (st) {
    e.stable = st.stable.revision;
    if (st.candidate.revision) e.candidate = st.candidate.revision;
  }
  if (draft.template) e.image = firstImage(w.svc);
  return e;
}

function describeShares(s: Record<string, number>): string {
  const parts = Object.entries(s).map(([r, p]) => `${r} ${p}%`);
  return parts.length ? parts.join(', ') : 'nothing';
}

/** Refuses a re-plan whose premises no longer hold, saying what changed. */
function checkExpectation(w: Work, e: Expectation): void {
  const st = w.state;
  const hint = `review with bgctl status ${w.name}, then run the command again`;
  if (st?.id !== e.rolloutId) {
    const now = st ? `rollout ${st.id} (${st.phase}, by ${st.updatedBy} at ${st.updatedAt})` : 'no rollout';
    throw new ConflictError(
      `service "${w.name}" changed while planning: ` +
        `expected ${e.rolloutId ? `rollout ${e.rolloutId}` : 'no rollout'}, found ${now}`,
      { reason: 'RolloutChanged', hint },
    );
  }
  if (st && st.phase !== e.phase) {
    throw new ConflictError(
      `service "${w.name}" changed while planning: ` +
        `rollout ${st.id} moved from ${e.phase} to ${st.phase} (by ${st.updatedBy} at ${st.updatedAt})`,
      { reason: 'RolloutChanged', hint },
    );
  }
  const shares = routedShares(w.before);
  if (JSON.stringify(Object.entries(shares).sort()) !== JSON.stringify(Object.entries(e.shares).sort())) {
    throw new ConflictError(
      `traffic of service "${w.name}" changed while planning: ` +
        `it was ${describeShares(e.shares)}, it is now ${describeShares(shares)}`,
      { reason: 'TrafficChanged', hint },
    );
  }
  if (e.image !== undefined && firstImage(w.svc) !== e.image) {
    throw new ConflictError(
      `the template of service "${w.name}" changed while planning: image was ${e.image}, now ${firstImage(w.svc)}`,
      { reason: 'TemplateChanged', hint },
    );
  }
  for (const [role, name] of [
    ['stable', e.stable],
    ['candidate', e.candidate],
  ] as const) {
    if (name && !w.revisions.some((r) => r.metadata.name === name)) {
      throw new ConflictError(`${role} revision "${name}" was deleted while planning`, {
        reason: 'RevisionDeleted',
        hint,
      });
    }
  }
}

function finalize(w: Work, draft: Draft): Plan {
  const desired = normalizeTraffic(draft.desired);
  if (sumPercent(desired) !== 100) {
    // A planner bug, never user input: refuse rather than send Knative a list it rejects.
    throw new Error(`internal: planned traffic sums to ${sumPercent(desired)}`);
  }
  const ann = w.svc.metadata.annotations ?? {};
  const annotations: Record<string, string | null> = {};
  // Bounded as it will be recorded, so the comparison and p.state match the annotation.
  const drafted = draft.state && boundState(draft.state);
  const state = withRouting(w, drafted && !sameRollout(drafted, w.state) ? drafted : w.state, desired);
  if (state && state !== w.state) {
    annotations[StateAnnotations.rollout] = encodeState(state);
    if (ann[StateAnnotations.phase] !== state.phase) annotations[StateAnnotations.phase] = state.phase;
  }
  if (draft.history) {
    const enc = encodeHistory(draft.history);
    if (ann[StateAnnotations.history] !== enc) annotations[StateAnnotations.history] = enc;
  }
  const trafficChanged = !sameTraffic(w.before, desired);
  const deleteRevisions = draft.deleteRevisions ?? [];
  const repairs = noGcRepairs(w.revisions, state, desired, new Set(deleteRevisions));
  const revisionAnnotations = mergeRevisionChanges(draft.revisionAnnotations ?? [], repairs);
  const p: Plan = {
    kind: w.intent.kind,
    service: { name: w.name, namespace: w.svc.metadata.namespace, resourceVersion: w.svc.metadata.resourceVersion },
    before: w.before,
    desired,
    diff: diffTraffic(w.before, desired),
    trafficChanged,
    annotations,
    revisionAnnotations,
    deleteRevisions,
    warnings: [...new Set(w.warnings)],
    notices: [...new Set(w.notices)],
    noop:
      !trafficChanged &&
      !draft.template &&
      Object.keys(annotations).length === 0 &&
      revisionAnnotations.length === 0 &&
      deleteRevisions.length === 0,
    expect: expectationOf(w, draft),
  };
  if (draft.template) p.template = draft.template;
  if (draft.templateDiff) p.templateDiff = draft.templateDiff;
  if (state) p.state = state;
  return p;
}
