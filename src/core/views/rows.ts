// Row shapes shared by the read documents: traffic rows and a flattened Ready condition.
import type { KnativeService, TrafficTarget } from '../knative-types.js';
import { condition } from '../knative-types.js';
import { isFloating, normalizeTraffic } from '../traffic.js';

export interface TrafficRow {
  revisionName?: string;
  tag?: string;
  percent: number;
  latestRevision: boolean;
  url?: string;
}

export interface ReadyView {
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** The Ready condition of an object, flattened. */
export function ready(obj: { status?: { conditions?: any[] } }): ReadyView {
  const c = condition(obj as any, 'Ready');
  const v: ReadyView = { status: c?.status ?? 'Unknown' };
  if (c?.reason) v.reason = c.reason;
  if (c?.message) v.message = c.message;
  return v;
}

function row(t: TrafficTarget): TrafficRow {
  const r: TrafficRow = { percent: t.percent ?? 0, latestRevision: t.latestRevision ?? isFloating(t) };
  if (t.revisionName) r.revisionName = t.revisionName;
  if (t.tag) r.tag = t.tag;
  if (t.url) r.url = t.url;
  return r;
}

/** Traffic as served (status.traffic, with URLs) when the route caught up, else as desired (spec). */
export function trafficRows(svc: KnativeService): TrafficRow[] {
  const status = svc.status?.traffic;
  return status && status.length ? status.map(row) : normalizeTraffic(svc.spec.traffic).map(row);
}

/** The URL of one tag from status.traffic (undefined until the Route has it). */
export function tagUrl(svc: KnativeService, tag: string): string | undefined {
  return svc.status?.traffic?.find((t) => t.tag === tag)?.url;
}
