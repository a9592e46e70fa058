// The ServiceStatusList document of `status` without a SERVICE (or -A): one lean summary per service.
import { document } from '../document.js';
import type { KnativeService } from '../knative-types.js';
import { trafficRows, type TrafficRow } from './rows.js';
import { deriveRollout, type RolloutView } from './rollout-status.js';
import { gradualRollouts, rolloutDuration, rolloutInProgress, type GradualRolloutView } from '../gradual-rollout.js';

export interface ServiceSummary {
  name: string;
  namespace?: string;
  ready: 'True' | 'False' | 'Unknown';
  reason?: string;
  phase: RolloutView['phase'];
  traffic: TrafficRow[];
  url?: string;
  latestCreatedRevisionName?: string;
  latestReadyRevisionName?: string;
  /** Knative's own gradual rollout in flight (rollout-duration); absent when none, so JSON stays small. */
  gradualRollout?: GradualRolloutView[];
  rolloutDuration?: string;
}

/** The lean per-service summary of `status -A` (JSON stays small for thousands of services). */
export function serviceSummary(svc: KnativeService): ServiceSummary {
  const ready = (svc.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const s: ServiceSummary = {
    name: svc.metadata.name,
    namespace: svc.metadata.namespace,
    ready: ready?.status ?? 'Unknown',
    phase: deriveRollout(svc).phase,
    traffic: trafficRows(svc).map(({ url: _url, ...t }) => t),
  };
  if (ready?.reason && ready.status !== 'True') s.reason = ready.reason;
  if (svc.status?.url) s.url = svc.status.url;
  if (svc.status?.latestCreatedRevisionName) s.latestCreatedRevisionName = svc.status.latestCreatedRevisionName;
  if (svc.status?.latestReadyRevisionName) s.latestReadyRevisionName = svc.status.latestReadyRevisionName;
  if (rolloutInProgress(svc)) {
    s.gradualRollout = gradualRollouts(svc);
    const duration = rolloutDuration(svc);
    if (duration) s.rolloutDuration = duration;
  }
  return s;
}

/** `status` of many services: `ServiceStatusList` with summaries. */
export function serviceStatusListView(
  services: readonly KnativeService[],
  scope: { namespace?: string; allNamespaces: boolean },
) {
  return document('ServiceStatusList', {
    ...(scope.allNamespaces ? { allNamespaces: true } : { namespace: scope.namespace }),
    items: services.map(serviceSummary),
  });
}
