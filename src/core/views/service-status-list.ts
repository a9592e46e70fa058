// The ServiceStatusList document of `status` without a SERVICE (or -A): one lean summary per service.
import { document } from '../document.js';
import type { KnativeService } from '../knative-types.js';
import { trafficRows, type TrafficRow } from './rows.js';
import { deriveRollout, type RolloutView } from './rollout-status.js';
import { gradualRolloutFields, type GradualRolloutFields } from '../gradual-rollout.js';

/** One service of `status -A`; the gradual rollout fields only while Knative's own one is in flight (lean JSON). */
export interface ServiceSummary extends GradualRolloutFields {
  name: string;
  namespace?: string;
  ready: 'True' | 'False' | 'Unknown';
  reason?: string;
  phase: RolloutView['phase'];
  traffic: TrafficRow[];
  url?: string;
  latestCreatedRevisionName?: string;
  latestReadyRevisionName?: string;
}

/** Ready's status, with its reason when not True (e.g. Unknown, RolloutInProgress). */
export function readiness(svc: KnativeService): Pick<ServiceSummary, 'ready' | 'reason'> {
  const ready = (svc.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const status = ready?.status ?? 'Unknown';
  return ready?.reason && status !== 'True' ? { ready: status, reason: ready.reason } : { ready: status };
}

/** The lean per-service summary of `status -A` (JSON stays small for thousands of services). */
export function serviceSummary(svc: KnativeService): ServiceSummary {
  const { ready, reason } = readiness(svc);
  const s: ServiceSummary = {
    name: svc.metadata.name,
    namespace: svc.metadata.namespace,
    ready,
    phase: deriveRollout(svc).phase,
    traffic: trafficRows(svc).map(({ url: _url, ...t }) => t),
  };
  if (reason) s.reason = reason;
  if (svc.status?.url) s.url = svc.status.url;
  if (svc.status?.latestCreatedRevisionName) s.latestCreatedRevisionName = svc.status.latestCreatedRevisionName;
  if (svc.status?.latestReadyRevisionName) s.latestReadyRevisionName = svc.status.latestReadyRevisionName;
  return { ...s, ...gradualRolloutFields(svc) };
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
