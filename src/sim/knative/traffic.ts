// Resolves a Route's spec.traffic to revisions (pkg/reconciler/route/traffic/traffic.go): every target must exist,
// be Ready and belong to the Route's Service; entries equal on tag, revision and latestRevision are merged.
import type { KObject } from '../api/contracts.js';
import type { TrafficTarget } from '../../core/knative-types.js';
import { L, MSG } from './constants.js';
import { isFailed, isReady } from './readiness.js';
import type { Runtime } from './runtime.js';

/** Why traffic cannot be assigned; `failure` means False, otherwise Unknown. */
export interface TargetError {
  failure: boolean;
  reason: string;
  message: string;
}

/** Either the flattened targets (spec order, merged) or the error that blocks them all. */
export type TrafficResult =
  { targets: TrafficTarget[]; error?: undefined } | { targets?: undefined; error: TargetError };

/** BuildTrafficConfiguration for `route`. */
export function buildTraffic(rt: Runtime, route: KObject): TrafficResult {
  const ns = route.metadata.namespace!;
  // Upstream reads the route's service label, not its owner reference.
  const owningService = route.metadata.labels?.[L.service] || undefined;
  let deferred: TargetError | undefined;
  const defer = (e: TargetError) => {
    // The first error is kept unless a later one is a hard failure.
    if (!deferred || e.failure) deferred = e;
  };
  const targets: TrafficTarget[] = [];
  const add = (t: TrafficTarget) => {
    const same = targets.find(
      (x) =>
        (x.tag ?? '') === (t.tag ?? '') &&
        x.revisionName === t.revisionName &&
        Boolean(x.latestRevision) === Boolean(t.latestRevision),
    );
    if (same) same.percent = (same.percent ?? 0) + (t.percent ?? 0);
    else targets.push(t);
  };
  for (const tt of (route.spec?.traffic ?? []) as TrafficTarget[]) {
    if (tt.revisionName) {
      const rev = rt.get('revisions', ns, tt.revisionName);
      if (!rev) {
        defer({ failure: true, reason: 'RevisionMissing', message: MSG.revMissing(tt.revisionName) });
        continue;
      }
      if (owningService) {
        // A Service's Route may only serve that Service's revisions, checked before readiness.
        const actual = rev.metadata.labels?.[L.service];
        if (actual !== owningService) {
          defer({
            failure: true,
            reason: 'RevisionNotOwned',
            message: actual
              ? MSG.revNotOwned(rev.metadata.name, actual, owningService)
              : MSG.revNoService(rev.metadata.name, owningService),
          });
          continue;
        }
      }
      if (!isReady(rev)) {
        const failed = isFailed(rev);
        defer({
          failure: failed,
          reason: 'RevisionMissing',
          message: failed ? MSG.revFailed(rev.metadata.name) : MSG.revNotReady(rev.metadata.name),
        });
        continue;
      }
      const cfgName = rev.metadata.labels?.[L.configuration];
      if (cfgName && !rt.get('configurations', ns, cfgName)) {
        defer({ failure: true, reason: 'ConfigurationMissing', message: MSG.configMissing(cfgName) });
        continue;
      }
      add(statusEntry(tt, rev.metadata.name, cfgName));
    } else if (tt.configurationName) {
      const config = rt.get('configurations', ns, tt.configurationName);
      if (!config) {
        defer({ failure: true, reason: 'ConfigurationMissing', message: MSG.configMissing(tt.configurationName) });
        continue;
      }
      const lrr: string | undefined = config.status?.latestReadyRevisionName;
      if (!lrr) {
        const failed = isFailed(config);
        defer({
          failure: failed,
          reason: 'RevisionMissing',
          message: failed ? MSG.configNoReady(config.metadata.name) : MSG.configWaiting(config.metadata.name),
        });
        continue;
      }
      const latest = rt.get('revisions', ns, lrr);
      if (!latest) {
        defer({ failure: true, reason: 'RevisionMissing', message: MSG.revMissing(lrr) });
        continue;
      }
      if (!isReady(latest)) {
        const failed = isFailed(latest);
        defer({
          failure: failed,
          reason: 'RevisionMissing',
          message: failed ? MSG.revFailed(lrr) : MSG.revNotReady(lrr),
        });
        continue;
      }
      add(statusEntry(tt, lrr, config.metadata.name));
    }
  }
  return deferred ? { error: deferred } : { targets };
}

/** A status entry, plus the configuration it follows (dropped before status is written). */
function statusEntry(tt: TrafficTarget, revisionName: string, configurationName: string | undefined): TrafficTarget {
  const out: TrafficTarget = {};
  if (configurationName) out.configurationName = configurationName;
  if (tt.tag) out.tag = tt.tag;
  out.revisionName = revisionName;
  if (tt.latestRevision !== undefined) out.latestRevision = tt.latestRevision;
  out.percent = tt.percent ?? 0;
  return out;
}
