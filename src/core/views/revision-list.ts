// The RevisionList document of `revisions`, and the revision rows `status` shows.
import { document } from '../document.js';
import { KnativeLabels, type KnativeService, type Revision } from '../knative-types.js';
import { revisionReady } from '../traffic.js';
import { trafficRows, type ReadyView, type TrafficRow } from './rows.js';

export interface RevisionRow {
  name: string;
  generation?: number;
  createdAt?: string;
  ready: ReadyView;
  percent: number;
  tags: string[];
  latestCreated: boolean;
  latestReady: boolean;
  noGc: boolean;
}

/** `bgctl revisions`: newest first, with traffic and tags from the served (or desired) list. */
export function revisionsView(svc: KnativeService, revisions: Revision[]) {
  const traffic = trafficRows(svc);
  const resolve = (t: TrafficRow) =>
    t.revisionName ?? (t.latestRevision ? svc.status?.latestReadyRevisionName : undefined);
  const rows: RevisionRow[] = revisions.map((r) => {
    const name = r.metadata.name;
    const mine = traffic.filter((t) => resolve(t) === name);
    const gen = Number(r.metadata.labels?.[KnativeLabels.configurationGeneration]);
    const rr = revisionReady(r);
    const readyView: ReadyView = { status: rr.status };
    if (rr.reason) readyView.reason = rr.reason;
    if (rr.message) readyView.message = rr.message;
    const out: RevisionRow = {
      name,
      ready: readyView,
      percent: mine.reduce((n, t) => n + t.percent, 0),
      tags: mine.filter((t) => t.tag).map((t) => t.tag as string),
      latestCreated: svc.status?.latestCreatedRevisionName === name,
      latestReady: svc.status?.latestReadyRevisionName === name,
      noGc: r.metadata.annotations?.[KnativeLabels.noGc] === 'true',
    };
    if (Number.isFinite(gen)) out.generation = gen;
    if (r.metadata.creationTimestamp) out.createdAt = r.metadata.creationTimestamp;
    return out;
  });
  rows.sort(
    (a, b) =>
      (b.generation ?? 0) - (a.generation ?? 0) ||
      (b.createdAt ?? '').localeCompare(a.createdAt ?? '') ||
      a.name.localeCompare(b.name),
  );
  return document('RevisionList', { service: svc.metadata.name, namespace: svc.metadata.namespace, items: rows });
}

export interface RevisionListRow extends RevisionRow {
  image?: string;
}

/** Rows for `revisions` (and the summary in `status`) in the caller's order (the API's list order). */
export function revisionRows(svc: KnativeService, revisions: readonly Revision[]): RevisionListRow[] {
  const byName = new Map(revisionsView(svc, [...revisions]).items.map((r) => [r.name, r]));
  return revisions.map((rev) => {
    const row: RevisionListRow = { ...(byName.get(rev.metadata.name) as RevisionRow) };
    const image = rev.spec?.containers?.[0]?.image;
    if (image) row.image = image;
    return row;
  });
}

/** The `RevisionList` document of `revisions -o json|yaml`. */
export function revisionListView(svc: KnativeService, revisions: readonly Revision[]) {
  return document('RevisionList', {
    service: svc.metadata.name,
    namespace: svc.metadata.namespace,
    items: revisionRows(svc, revisions),
  });
}
