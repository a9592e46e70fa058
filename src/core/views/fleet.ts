// The documents of a fleet: FleetStatus (`status -l … --context a,b`) and FleetRollout (`rollout` over many
// targets), one item per target plus the contexts that could not be reached.
import { document } from '../document.js';
import type { FleetTarget, TargetOutcome } from '../fleet.js';
import type { KnativeService } from '../knative-types.js';
import { readState } from '../state.js';
import { gradualRolloutFields, type GradualRolloutFields } from '../gradual-rollout.js';
import { deriveRollout } from './rollout-status.js';
import { readiness } from './service-status-list.js';

export interface UnreachableItem {
  context: string;
  reason: string;
  message: string;
}

/** One line of the fleet table: where the target stands (and Knative's own gradual rollout, as `status -A`). */
export interface FleetStatusItem extends FleetTarget, GradualRolloutFields {
  phase: string;
  /** The candidate's share of traffic (0 without an open rollout). */
  candidatePercent: number;
  candidateRevision?: string;
  ready: 'True' | 'False' | 'Unknown';
  /** Ready's reason when not True (e.g. RolloutInProgress). */
  reason?: string;
  rolloutId?: string;
  fleet?: string;
}

/** The status line of one target from its Service. */
export function fleetStatusItem(t: FleetTarget, svc: KnativeService): FleetStatusItem {
  const view = deriveRollout(svc);
  const st = readState(svc).state;
  const open =
    view.phase === 'deployed' || view.phase === 'staged' || view.phase === 'verified' || view.phase === 'split';
  return {
    context: t.context,
    namespace: t.namespace,
    service: t.service,
    phase: view.phase,
    candidatePercent: open ? (view.percent ?? 0) : 0,
    ...(view.candidate?.revisionName ? { candidateRevision: view.candidate.revisionName } : {}),
    ...readiness(svc),
    ...(st?.id ? { rolloutId: st.id } : {}),
    ...(st?.fleet ? { fleet: st.fleet } : {}),
    ...gradualRolloutFields(svc),
  };
}

/** `FleetStatus`: every target's line, and the contexts that could not be read. */
export function fleetStatusDocument(items: FleetStatusItem[], unreachable: UnreachableItem[]) {
  return document('FleetStatus', { items, unreachable });
}

/** How one target of a fleet rollout ended. */
export interface FleetTargetResult extends FleetTarget {
  outcome: TargetOutcome;
  /** The recorded phase when the fleet ended (absent when never read). */
  phase?: string;
  revision?: string;
  percent?: number;
  rolloutId?: string;
  /** The typed error's reason and message, for failed, aborted, skipped and cancelled targets. */
  reason?: string;
  message?: string;
  exitCode?: number;
}

/** `FleetRollout`: the fleet id, its outcome, every target's result, and the unreachable contexts. */
export function fleetRolloutDocument(
  fleet: string,
  outcome: string,
  action: 'rollout' | 'resume' | 'abort',
  targets: FleetTargetResult[],
  unreachable: UnreachableItem[],
) {
  return document('FleetRollout', { fleet, action, outcome, targets, unreachable });
}
