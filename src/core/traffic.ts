// Traffic-list helpers: Knative's defaulting, revision resolution, shares and the before/after diff.
import type { KnativeService, Revision, TrafficTarget } from './knative-types.js';
import { KnativeLabels, condition } from './knative-types.js';

/** spec.traffic as the webhook stores it (knative-serving.md §1.3): defaults applied, status-only fields dropped. */
export function normalizeTraffic(traffic: TrafficTarget[] | undefined): TrafficTarget[] {
  if (!traffic || traffic.length === 0) return [{ latestRevision: true, percent: 100 }];
  return traffic.map((t) => target(t.tag, t.revisionName, t.percent ?? 0, t.latestRevision ?? !t.revisionName));
}

/** A target with Knative's field order and no undefined fields (so JSON and diffs stay stable). */
export function target(tag: string | undefined, revisionName: string | undefined, percent: number, latestRevision = !revisionName): TrafficTarget {
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

/** Sum of percents. */
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

/** Percent routed to one revision by name (floating targets not counted). */
export function percentOf(traffic: TrafficTarget[], revision: string): number {
  return traffic.reduce((n, t) => n + (!isFloating(t) && t.revisionName === revision ? (t.percent ?? 0) : 0), 0);
}

/** Whether the service has a floating target carrying traffic (a template change would move it). */
export function isUnpinned(svc: KnativeService): boolean {
  return normalizeTraffic(svc.spec.traffic).some((t) => isFloating(t) && (t.percent ?? 0) > 0);
}

/** Deep equality of two traffic lists after normalisation. */
export function sameTraffic(a: TrafficTarget[], b: TrafficTarget[]): boolean {
  return JSON.stringify(normalizeTraffic(a)) === JSON.stringify(normalizeTraffic(b));
}

/** One row of a before/after traffic table. */
export interface TrafficDiffRow {
  tag?: string;
  revisionName?: string;
  latestRevision: boolean;
  before?: number;
  after?: number;
  change: 'added' | 'removed' | 'changed' | 'unchanged';
}

function diffKey(t: TrafficTarget): string {
  return t.tag ? `tag:${t.tag}` : `rev:${isFloating(t) ? '@latest' : t.revisionName}`;
}

/** Rows keyed by tag (or by revision for untagged entries), in after-order then removed ones. */
export function diffTraffic(before: TrafficTarget[], after: TrafficTarget[]): TrafficDiffRow[] {
  const old = new Map<string, TrafficTarget & { sum: number }>();
  for (const t of before) {
    const k = diffKey(t);
    const prev = old.get(k);
    old.set(k, { ...t, sum: (prev?.sum ?? 0) + (t.percent ?? 0) });
  }
  const rows: TrafficDiffRow[] = [];
  const seen = new Set<string>();
  for (const t of after) {
    const k = diffKey(t);
    if (seen.has(k)) {
      const row = rows.find((r) => diffKey(r) === k) as TrafficDiffRow;
      row.after = (row.after ?? 0) + (t.percent ?? 0);
      row.change = row.before === row.after ? 'unchanged' : row.before === undefined ? 'added' : 'changed';
      continue;
    }
    seen.add(k);
    const o = old.get(k);
    const row: TrafficDiffRow = { latestRevision: isFloating(t), after: t.percent ?? 0, change: 'added' };
    if (t.tag) row.tag = t.tag;
    if (t.revisionName) row.revisionName = t.revisionName;
    if (o) {
      row.before = o.sum;
      const moved = o.revisionName !== t.revisionName || isFloating(o) !== isFloating(t);
      row.change = moved || o.sum !== row.after ? 'changed' : 'unchanged';
    }
    rows.push(row);
  }
  for (const [k, o] of old) {
    if (seen.has(k)) continue;
    const row: TrafficDiffRow = { latestRevision: isFloating(o), before: o.sum, change: 'removed' };
    if (o.tag) row.tag = o.tag;
    if (o.revisionName) row.revisionName = o.revisionName;
    rows.push(row);
  }
  return rows;
}

/** Ready state of a revision from its Ready condition. */
export function revisionReady(rev: Revision): { status: 'True' | 'False' | 'Unknown'; reason?: string; message?: string } {
  const c = condition(rev, 'Ready');
  return { status: c?.status ?? 'Unknown', reason: c?.reason, message: c?.message };
}

/** The service a revision belongs to, from its `serving.knative.dev/service` label. */
export function revisionService(rev: Revision): string | undefined {
  return rev.metadata.labels?.[KnativeLabels.service];
}
