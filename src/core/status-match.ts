// Did Knative carry out a plan? status.traffic resolves floating targets and merges equal entries; so do we.
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
 * True when every planned target with traffic, or with a tag of bgctl's, is still in `spec` unchanged; foreign
 * 0% additions or removals do not count.
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
