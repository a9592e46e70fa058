// Traffic-list helpers: Knative's defaulting, revision resolution, shares and the before/after diff.
import type { KnativeService, Revision, TrafficTarget } from './knative-types.js';
import { KnativeLabels, condition } from './knative-types.js';

/** spec.traffic as the webhook stores it: defaults applied, status-only fields dropped. */
export function normalizeTraffic(traffic: TrafficTarget[] | undefined): TrafficTarget[] {
  if (!traffic || traffic.length === 0) return [{ latestRevision: true, percent: 100 }];
  return traffic.map((t) => target(t.tag, t.revisionName, t.percent ?? 0, t.latestRevision ?? !t.revisionName));
}

/** A target with Knative's field order and no undefined fields (so JSON and diffs stay stable). */
export function target(
  tag: string | undefined,
  revisionName: string | undefined,
  percent: number,
  latestRevision = !revisionName,
): TrafficTarget {
  const t: TrafficTarget = {};
  if (tag) t.tag = tag;
  if (revisionName) t.revisionName = revisionName;
  t.latestRevision = latestRevision;
  t.percent = percent;
  return t;
}

/** A pinned target: always by revision name, never floating. */
export function pinned(revisionName: string, percent: number, tag?: string): TrafficTarget {
  return target(tag, revisionName, percent, false);
}

/** True for a `latestRevision: true` target: its revision (and its percent and tag) follow every deploy. */
export function isFloating(t: TrafficTarget): boolean {
  return t.latestRevision === true || !t.revisionName;
}

/** The revision a target routes to now: its name, or the latest ready revision for a floating one. */
export function resolveRevision(t: TrafficTarget, svc: KnativeService): string | undefined {
  return isFloating(t) ? svc.status?.latestReadyRevisionName : t.revisionName;
}

export function sumPercent(traffic: TrafficTarget[]): number {
  return traffic.reduce((n, t) => n + (t.percent ?? 0), 0);
}

/** Percent per routed revision (floating targets listed as `@latest`), only entries above 0. */
export function routedShares(traffic: TrafficTarget[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of traffic) {
    if (!t.percent) continue;
    const key = isFloating(t) ? '@latest' : (t.revisionName as string);
    out[key] = (out[key] ?? 0) + t.percent;
  }
  return out;
}

/** The same percent per revision (see routedShares). */
export function sameShares(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? 0) === (b[k] ?? 0));
}

/** Percent routed to one revision by name (floating targets not counted). */
export function percentOf(traffic: TrafficTarget[], revision: string): number {
  return traffic.reduce((n, t) => n + (!isFloating(t) && t.revisionName === revision ? (t.percent ?? 0) : 0), 0);
}

/** Whether the service has a floating target carrying traffic (a template change would move it). */
export function isUnpinned(svc: KnativeService): boolean {
  return normalizeTraffic(svc.spec.traffic).some((t) => isFloating(t) && (t.percent ?? 0) > 0);
}

export function sameTraffic(a: TrafficTarget[], b: TrafficTarget[]): boolean {
  return JSON.stringify(normalizeTraffic(a)) === JSON.stringify(normalizeTraffic(b));
}

export type TrafficChange = 'added' | 'removed' | 'changed' | 'unchanged';

/** A target of the before list paired with its counterpart in the after list (either may be missing). */
export interface TrafficPair {
  change: TrafficChange;
  before?: TrafficTarget;
  after?: TrafficTarget;
}

/** One row of a before/after traffic table, flattened for -o json|yaml documents. */
export interface TrafficDiffRow {
  /** The tag after the change (before it, for a removed row). */
  tag?: string;
  /** Set only when the target was re-tagged: its tag before (null: it had none). */
  beforeTag?: string | null;
  revisionName?: string;
  latestRevision: boolean;
  before?: number;
  after?: number;
  change: TrafficChange;
}

/** What a target routes to, as written: its revision, "@latest", or its configuration. */
export function routeRef(t: TrafficTarget): string {
  return t.revisionName ?? (t.latestRevision ? '@latest' : (t.configurationName ?? '?'));
}

function sameTarget(a: TrafficTarget, b: TrafficTarget): boolean {
  return (
    (a.percent ?? 0) === (b.percent ?? 0) &&
    a.tag === b.tag &&
    !!a.latestRevision === !!b.latestRevision &&
    routeRef(a) === routeRef(b)
  );
}

/** Pairs two lists' targets one to one, by revision and tag then by revision (a re-tag is a change); after order. */
export function pairTraffic(before: readonly TrafficTarget[], after: readonly TrafficTarget[]): TrafficPair[] {
  const unmatched = [...before];
  const pairs: Array<TrafficTarget | undefined> = after.map(() => undefined);
  const take = (pred: (b: TrafficTarget) => boolean) => {
    const k = unmatched.findIndex(pred);
    return k < 0 ? undefined : unmatched.splice(k, 1)[0];
  };
  after.forEach((a, j) => (pairs[j] = take((b) => routeRef(b) === routeRef(a) && b.tag === a.tag)));
  after.forEach((a, j) => (pairs[j] ??= take((b) => routeRef(b) === routeRef(a))));
  const out: TrafficPair[] = after.map((a, j) => {
    const b = pairs[j];
    return { change: !b ? 'added' : sameTarget(a, b) ? 'unchanged' : 'changed', before: b, after: a };
  });
  for (const t of unmatched) out.push({ change: 'removed', before: t });
  return out;
}

/** The pairs of pairTraffic as flat rows (percent before and after), in the same order. */
export function diffTraffic(before: readonly TrafficTarget[], after: readonly TrafficTarget[]): TrafficDiffRow[] {
  return pairTraffic(before, after).map(({ change, before: b, after: a }) => {
    const t = (a ?? b) as TrafficTarget;
    const row: TrafficDiffRow = { latestRevision: isFloating(t), change };
    if (t.tag) row.tag = t.tag;
    if (a && b && a.tag !== b.tag) row.beforeTag = b.tag ?? null;
    if (t.revisionName) row.revisionName = t.revisionName;
    if (b) row.before = b.percent ?? 0;
    if (a) row.after = a.percent ?? 0;
    return row;
  });
}

export function revisionReady(rev: Revision): {
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
} {
  const c = condition(rev, 'Ready');
  return { status: c?.status ?? 'Unknown', reason: c?.reason, message: c?.message };
}

/** The service a revision belongs to, from its `serving.knative.dev/service` label. */
export function revisionService(rev: Revision): string | undefined {
  return rev.metadata.labels?.[KnativeLabels.service];
}
