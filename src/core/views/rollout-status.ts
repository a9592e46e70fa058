// The `rollout` part of ServiceStatus: the recorded rollout, or the phase the traffic shape implies.
import type { KnativeService } from '../knative-types.js';
import { detectDrift } from '../drift.js';
import { nextAction, type NextAction } from '../phase.js';
import { isInProgress, readState, type RolloutPhase, type RolloutState } from '../state.js';
import { isFloating, normalizeTraffic } from '../traffic.js';

/** What `status` shows about the rollout, including phases of services bgctl has not touched. */
export type DisplayPhase = RolloutPhase | 'unpinned' | 'pinned' | 'manual-split' | 'invalid-state';

export interface RolloutView {
  phase: DisplayPhase;
  id?: string;
  stable?: { revisionName: string; tag: string };
  candidate?: { revisionName?: string; tag: string };
  previousTag?: string;
  percent?: number;
  percents?: number[];
  levelIndex?: number;
  next?: NextAction['kind'];
  startedBy?: string;
  startedAt?: string;
  updatedBy?: string;
  updatedAt?: string;
  reason?: string;
  drift: string[];
  error?: string;
}

function stateView(st: RolloutState, svc: KnativeService): RolloutView {
  const v: RolloutView = {
    phase: st.phase,
    id: st.id,
    stable: { revisionName: st.stable.revision, tag: st.stable.tag },
    candidate: st.candidate.revision
      ? { revisionName: st.candidate.revision, tag: st.candidate.tag }
      : { tag: st.candidate.tag },
    percent: st.percent,
    percents: st.percents,
    levelIndex: st.levelIndex,
    startedBy: st.startedBy,
    startedAt: st.startedAt,
    updatedBy: st.updatedBy,
    updatedAt: st.updatedAt,
    drift: detectDrift(svc, st),
  };
  if (st.previousTag) v.previousTag = st.previousTag;
  if (st.reason) v.reason = st.reason;
  if (isInProgress(st.phase)) v.next = nextAction(st).kind;
  return v;
}

/** The rollout phase: a recorded open/promoted phase, else unpinned, else the last phase, else pinned/manual-split. */
export function deriveRollout(svc: KnativeService): RolloutView {
  const read = readState(svc);
  if (read.error) return { phase: 'invalid-state', drift: [], error: read.error.message };
  const st = read.state;
  if (st && (isInProgress(st.phase) || st.phase === 'promoted')) return stateView(st, svc);
  const traffic = normalizeTraffic(svc.spec.traffic);
  const base: RolloutView = st ? stateView(st, svc) : { phase: 'pinned', drift: [] };
  if (traffic.some((t) => isFloating(t) && (t.percent ?? 0) > 0)) return { ...base, phase: 'unpinned' };
  if (st) return base;
  const routed = new Set(traffic.filter((t) => (t.percent ?? 0) > 0).map((t) => t.revisionName));
  return { ...base, phase: routed.size > 1 ? 'manual-split' : 'pinned' };
}
