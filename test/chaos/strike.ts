// A person's traffic change at a chosen moment of a bgctl run (a pause, a wait, a prompt): the edit
// itself and the triggers. The edit goes through the Monitor, so the oracle knows it is not bgctl's.
import type { KnativeService, TrafficTarget } from '../../src/core/knative-types.js';
import { fmtRouting, recordedRollout, routingOf, type Routing } from './invariants.js';
import type { Monitor } from './monitor.js';

/** "Everything back to stable", or a 70/30 re-weighting of the rollout's two revisions. */
export type StrikeEdit = 'stable-100' | '70-30';

/** What the person set (undefined when no open rollout with a candidate was there to change). */
export interface Struck {
  edit: StrikeEdit;
  routing: Routing;
  text: string;
}

/**
 * Changes the routing between the open rollout's stable and candidate revisions (their share stays
 * theirs; other targets are untouched). Falls back to the other edit when the first one would
 * change nothing (e.g. "back to stable" while the candidate is at 0%).
 */
export function strike(mon: Monitor, edit: StrikeEdit, svc: KnativeService | undefined): Struck | undefined {
  const st = svc ? recordedRollout(svc) : undefined;
  if (typeof st !== 'object' || !st.candidate.revision) return undefined;
  const cand = st.candidate.revision;
  const stable = st.stable.revision;
  for (const e of [edit, edit === '70-30' ? 'stable-100' : '70-30'] as const) {
    let routing: Routing | undefined;
    const ok = mon.personEdit((traffic: TrafficTarget[]) => {
      const own = traffic.filter((t) => !t.latestRevision && (t.revisionName === stable || t.revisionName === cand));
      const share = own.reduce((n, t) => n + (t.percent ?? 0), 0);
      const sTarget =
        own.find((t) => t.revisionName === stable && t.tag === st.stable.tag) ??
        own.find((t) => t.revisionName === stable);
      const cTarget =
        own.find((t) => t.revisionName === cand && t.tag === st.candidate.tag) ??
        own.find((t) => t.revisionName === cand);
      if (!sTarget || !cTarget || share === 0) return false;
      const before = JSON.stringify(routingOf(traffic));
      for (const t of own) t.percent = 0;
      cTarget.percent = e === '70-30' ? Math.round(share * 0.3) : 0;
      sTarget.percent = share - cTarget.percent;
      routing = routingOf(traffic);
      return JSON.stringify(routing) !== before;
    });
    if (ok && routing) return { edit: e, routing, text: fmtRouting(routing) };
  }
  return undefined;
}

/** True once Knative routes the open rollout's recorded split (status.traffic shows the candidate at its percent). */
export function splitRouted(svc: KnativeService): boolean {
  const st = recordedRollout(svc);
  if (typeof st !== 'object' || st.phase !== 'split' || !st.candidate.revision) return false;
  if (svc.status?.observedGeneration !== svc.metadata.generation) return false;
  const routed = (svc.status?.traffic ?? [])
    .filter((t) => t.revisionName === st.candidate.revision)
    .reduce((n, t) => n + (t.percent ?? 0), 0);
  return routed === st.percent;
}
