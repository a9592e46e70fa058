// View models of status, revisions and history: plain data with Knative's field names, for tables and -o json|yaml.
import { document } from './document.js';
import type { KnativeService, Revision, TrafficTarget } from './knative-types.js';
import { KnativeLabels, condition } from './knative-types.js';
import { detectDrift } from './drift.js';
import { gradualRollouts, rolloutDuration } from './gradual-rollout.js';
import { describeRepair, noGcRepairs } from './rollback-target.js';
import { nextAction, type NextAction } from './phase.js';
import { isInProgress, readState, type RolloutPhase, type RolloutState } from './state.js';
import { isFloating, normalizeTraffic, revisionReady } from './traffic.js';

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

/** What `status` shows about the rollout, including phases of services bgctl has not touched. */
export type DisplayPhase = RolloutPhase | 'unpinned' | 'pinned' | 'manual-split' | 'invalid-state';

export interface RolloutView {
  phase: DisplayPhase;
  id?: string;
  stable?: { revisionName: string; tag: string };
  candidate?: { revisionName?: string; tag: string };
  previousTag?: string;
  percent?: number;
  steps?: number[];
  step?: number;
  next?: NextAction['kind'];
  startedBy?: string;
  startedAt?: string;
  updatedBy?: string;
  updatedAt?: string;
  reason?: string;
  drift: string[];
  error?: string;
}

function ready(obj: { status?: { conditions?: any[] } }): ReadyView {
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

function stateView(st: RolloutState, svc: KnativeService): RolloutView {
  const v: RolloutView = {
    phase: st.phase,
    id: st.id,
    stable: { revisionName: st.stable.revision, tag: st.stable.tag },
    candidate: st.candidate.revision
      ? { revisionName: st.candidate.revision, tag: st.candidate.tag }
      : { tag: st.candidate.tag },
    percent: st.percent,
    // The document keeps its field names (docs/cli.md): the planned levels and the level reached.
    steps: st.percents,
    step: st.levelIndex,
    startedBy: st.startedBy,
    startedAt: st.startedAt,
    updatedBy: st.updatedBy,
    updatedAt: st.updatedAt,
    drift: detectDrift(svc, st),
  };
  if (st.previousTag) v.previousTag = st.previousTag;
  if (st.reason) v.reason = st.reason;
  if (isInProgress(st.phase)) v.next = nextAction(st).kind;
  return v;
}

/** The rollout phase: a recorded open/promoted phase, else unpinned, else the last phase, else pinned/manual-split. */
export function deriveRollout(svc: KnativeService): RolloutView {
  const read = readState(svc);
  if (read.error) return { phase: 'invalid-state', drift: [], error: read.error.message };
  const st = read.state;
  if (st && (isInProgress(st.phase) || st.phase === 'promoted')) return stateView(st, svc);
  const traffic = normalizeTraffic(svc.spec.traffic);
  const base: RolloutView = st ? stateView(st, svc) : { phase: 'pinned', drift: [] };
  if (traffic.some((t) => isFloating(t) && (t.percent ?? 0) > 0)) return { ...base, phase: 'unpinned' };
  if (st) return base;
  const routed = new Set(traffic.filter((t) => (t.percent ?? 0) > 0).map((t) => t.revisionName));
  return { ...base, phase: routed.size > 1 ? 'manual-split' : 'pinned' };
}

/** `bgctl status` for one service. */
export function statusView(svc: KnativeService, revisions: Revision[] = []) {
  const rollout = deriveRollout(svc);
  const warnings: string[] = [];
  if (rollout.phase === 'unpinned')
    warnings.push('traffic follows the latest revision: the next deploy takes all traffic once Ready (bgctl pin)');
  if (rollout.drift.length) warnings.push(`traffic differs from the recorded rollout: ${rollout.drift.join('; ')}`);
  const noGc = revisions
    .filter((r) => r.metadata.annotations?.[KnativeLabels.noGc] === 'true')
    .map((r) => r.metadata.name);
  const repairs =
    rollout.phase === 'invalid-state'
      ? []
      : noGcRepairs(revisions, readState(svc).state, normalizeTraffic(svc.spec.traffic));
  if (repairs.length)
    warnings.push(
      `bookkeeping left undone by an earlier command: ${repairs.map(describeRepair).join('; ')}; ` +
        `the next bgctl write on this service repairs it (bgctl cleanup ${svc.metadata.name} --yes)`,
    );
  return document('ServiceStatus', {
    name: svc.metadata.name,
    namespace: svc.metadata.namespace,
    url: svc.status?.url,
    ready: ready(svc),
    latestCreatedRevisionName: svc.status?.latestCreatedRevisionName,
    latestReadyRevisionName: svc.status?.latestReadyRevisionName,
    traffic: trafficRows(svc),
    rollout,
    // Knative's own gradual rollout in flight (rollout-duration), empty when none.
    gradualRollout: gradualRollouts(svc),
    rolloutDuration: rolloutDuration(svc),
    protectedRevisions: noGc,
    warnings,
  });
}

/** `bgctl status -A`: several services. */
export function statusListView(items: Array<ReturnType<typeof statusView>>) {
  return document('ServiceStatusList', { items });
}

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

/** `bgctl history`: the current rollout first, then past ones, newest first. */
export function historyView(svc: KnativeService) {
  const read = readState(svc);
  const seen = new Set<string>();
  const items = [...(read.state ? [read.state] : []), ...read.history].filter((s) =>
    seen.has(s.id) ? false : (seen.add(s.id), true),
  );
  const errors = [read.error?.message, read.historyError].filter((e): e is string => !!e);
  return document('RolloutHistory', {
    service: svc.metadata.name,
    namespace: svc.metadata.namespace,
    items: items.map((s) => ({
      id: s.id,
      phase: s.phase,
      stable: { revisionName: s.stable.revision, tag: s.stable.tag },
      candidate: { revisionName: s.candidate.revision, tag: s.candidate.tag },
      image: s.image,
      startedBy: s.startedBy,
      startedAt: s.startedAt,
      updatedBy: s.updatedBy,
      updatedAt: s.updatedAt,
      reason: s.reason,
    })),
    errors,
  });
}
