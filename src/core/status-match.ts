// Did Knative carry out a plan? status.traffic names concrete revisions (floating targets resolved
// to latestReadyRevisionName) and merges entries with the same tag, revision and latestRevision,
// so compare the desired list after the same resolution and merging.
import type { KnativeService, TrafficTarget } from './knative-types.js';

function resolvedEntries(targets: readonly TrafficTarget[], latestReady: string | undefined): Map<string, number> {
  const merged = new Map<string, number>();
  for (const t of targets) {
    const revision = t.revisionName ?? (t.latestRevision ? latestReady : undefined) ?? '?';
    const key = `${t.tag ?? ''}|${revision}|${t.latestRevision === true}`;
    merged.set(key, (merged.get(key) ?? 0) + (t.percent ?? 0));
  }
  return merged;
}

/** True when the service's status.traffic routes exactly as `desired` says. */
export function statusMatches(svc: KnativeService, desired: readonly TrafficTarget[]): boolean {
  const status = svc.status?.traffic;
  if (!status) return false;
  const want = resolvedEntries(desired, svc.status?.latestReadyRevisionName);
  const got = resolvedEntries(status, svc.status?.latestReadyRevisionName);
  if (want.size !== got.size) return false;
  for (const [key, percent] of want) if (got.get(key) !== percent) return false;
  return true;
}

function entryKey(t: TrafficTarget): string {
  return `${t.tag ?? ''}|${t.revisionName ?? ''}|${t.latestRevision === true}|${t.percent ?? 0}`;
}

/**
 * True when every planned target that carries traffic, or a tag of bgctl's (`ownTags`), is still in
 * `spec` unchanged. Foreign additions (a 0% tag) are fine, and so is a foreign 0% target that its
 * owner removed after bgctl's write (bgctl only kept it in place); a changed or missing target of
 * bgctl's, or any moved percent, means someone moved bgctl's traffic after its write.
 */
export function planStillHolds(
  spec: readonly TrafficTarget[] | undefined,
  desired: readonly TrafficTarget[],
  ownTags: ReadonlySet<string> = new Set(),
): boolean {
  if (!spec) return false;
  const available = new Map<string, number>();
  for (const t of spec) available.set(entryKey(t), (available.get(entryKey(t)) ?? 0) + 1);
  for (const t of desired) {
    const optional = (t.percent ?? 0) === 0 && !(t.tag && ownTags.has(t.tag));
    const n = available.get(entryKey(t)) ?? 0;
    if (n === 0) {
      if (optional) continue;
      return false;
    }
    available.set(entryKey(t), n - 1);
  }
  return true;
}
