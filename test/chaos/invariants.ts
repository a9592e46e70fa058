// The chaos oracle: what must hold for a Service whatever faults, writers or kills happened. Written
// independently of src/core (it parses the bgctl.dev/rollout annotation itself) so that a bug in the
// planner cannot hide itself by agreeing with its own checker.
import type { KnativeService, TrafficTarget } from '../../src/core/knative-types.js';

/** A traffic target bgctl does not own: added by someone else, it must survive every bgctl step. */
export interface ForeignTarget {
  tag: string;
  revisionName: string;
}

/** The fields of the rollout annotation the oracle reads. */
export interface RecordedRollout {
  id: string;
  phase: string;
  stable: { revision: string; tag: string };
  candidate: { revision?: string; tag: string };
  previousTag?: string;
  percent: number;
  updatedBy?: string;
}

const OPEN = ['deployed', 'staged', 'verified', 'split'];

/** Sum of the percents (missing percent counts as 0, as Knative defaults it). */
export function percentSum(traffic: TrafficTarget[] | undefined): number {
  return (traffic ?? []).reduce((n, t) => n + (t.percent ?? 0), 0);
}

/** The rollout recorded on the service, undefined when none; a string when it is unreadable. */
export function recordedRollout(svc: KnativeService): RecordedRollout | string | undefined {
  const raw = svc.metadata.annotations?.['bgctl.dev/rollout'];
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw);
    if (!v || typeof v.phase !== 'string' || !v.stable?.revision || typeof v.percent !== 'number')
      return `bgctl.dev/rollout is incomplete: ${raw}`;
    return v as RecordedRollout;
  } catch {
    return `bgctl.dev/rollout is not JSON: ${raw}`;
  }
}

/** True when a rollout is open (a second bgctl must resume or abort it). */
export function isOpen(phase: string | undefined): boolean {
  return phase !== undefined && OPEN.includes(phase);
}

/** spec.traffic and status.traffic each sum to 100 when present. */
export function checkSums(svc: KnativeService, where = 'spec'): string[] {
  const out: string[] = [];
  const spec = svc.spec?.traffic;
  if (where === 'spec' && spec && spec.length && percentSum(spec) !== 100)
    out.push(`spec.traffic sums to ${percentSum(spec)}: ${fmt(spec)}`);
  const status = svc.status?.traffic;
  if (where === 'status' && status && status.length && percentSum(status) !== 100)
    out.push(`status.traffic sums to ${percentSum(status)}: ${fmt(status)}`);
  return out;
}

/** Every revisionName in spec.traffic names an existing revision. */
export function checkRevisionsExist(svc: KnativeService, existing: Set<string>): string[] {
  return (svc.spec?.traffic ?? [])
    .filter((t) => t.revisionName && !existing.has(t.revisionName))
    .map((t) => `spec.traffic names missing revision "${t.revisionName}"${t.tag ? ` (tag ${t.tag})` : ''}`);
}

/** Every foreign target is still there, with its revision and 0%. */
export function checkForeign(svc: KnativeService, foreign: Iterable<ForeignTarget>): string[] {
  const out: string[] = [];
  const traffic = svc.spec?.traffic ?? [];
  for (const f of foreign) {
    const t = traffic.find((x) => x.tag === f.tag);
    if (!t) out.push(`foreign target tag ${f.tag} -> ${f.revisionName} was dropped`);
    else if (t.revisionName !== f.revisionName || (t.percent ?? 0) !== 0)
      out.push(`foreign target tag ${f.tag} was changed to ${fmt([t])}`);
  }
  return out;
}

const pct = (traffic: TrafficTarget[], rev: string | undefined): number =>
  rev === undefined
    ? 0
    : traffic.filter((t) => !t.latestRevision && t.revisionName === rev).reduce((n, t) => n + (t.percent ?? 0), 0);
const tagged = (traffic: TrafficTarget[], tag: string | undefined, rev: string | undefined): boolean =>
  traffic.some((t) => t.tag === tag && t.revisionName === rev && !t.latestRevision);

/**
 * The recorded rollout agrees with spec.traffic. `closedToo` also checks rolled-back/aborted
 * rollouts (only right after the write that closed them: later writes may move traffic freely).
 */
export function checkStateMatchesTraffic(svc: KnativeService, closedToo = false): string[] {
  const st = recordedRollout(svc);
  if (st === undefined) return [];
  if (typeof st === 'string') return [st];
  const traffic = svc.spec?.traffic ?? [];
  const out: string[] = [];
  const ph = st.phase;
  const cand = st.candidate.revision;
  const own = new Set([st.stable.revision, cand].filter(Boolean));
  const foreignPct = traffic
    .filter((t) => t.latestRevision || !own.has(t.revisionName))
    .reduce((n, t) => n + (t.percent ?? 0), 0);
  const share = 100 - foreignPct;
  const floating = traffic.some((t) => t.latestRevision && (t.percent ?? 0) > 0);
  const expect = (what: string, got: number, want: number): void => {
    if (got !== want) out.push(`phase ${ph}: ${what} has ${got}%, expected ${want}% (${fmt(traffic)})`);
  };
  if (isOpen(ph) || ph === 'promoted') {
    if (floating) out.push(`phase ${ph}: a floating latestRevision target carries traffic (${fmt(traffic)})`);
    if (ph === 'deployed') {
      if (pct(traffic, st.stable.revision) === 0)
        out.push(`phase deployed: stable ${st.stable.revision} has no traffic (${fmt(traffic)})`);
      return out;
    }
    if (!cand) return [`phase ${ph} without a candidate revision`];
    if (!tagged(traffic, st.candidate.tag, cand))
      out.push(`phase ${ph}: tag ${st.candidate.tag} does not route to candidate ${cand} (${fmt(traffic)})`);
    if (ph === 'promoted') {
      expect(`candidate ${cand}`, pct(traffic, cand), share);
      if (st.percent !== 100) out.push(`phase promoted records ${st.percent}%`);
      if (st.previousTag && !tagged(traffic, st.previousTag, st.stable.revision))
        out.push(`phase promoted: tag ${st.previousTag} does not route to the old revision ${st.stable.revision}`);
      return out;
    }
    if (!tagged(traffic, st.stable.tag, st.stable.revision))
      out.push(`phase ${ph}: tag ${st.stable.tag} does not route to stable ${st.stable.revision} (${fmt(traffic)})`);
    const want = ph === 'split' ? st.percent : 0;
    if (ph !== 'split' && st.percent !== 0) out.push(`phase ${ph} records ${st.percent}% for the candidate`);
    expect(`candidate ${cand}`, pct(traffic, cand), want);
    expect(`stable ${st.stable.revision}`, pct(traffic, st.stable.revision), share - want);
    return out;
  }
  if (closedToo && (ph === 'rolled-back' || ph === 'aborted')) {
    expect(`stable ${st.stable.revision}`, pct(traffic, st.stable.revision), share);
  }
  return out;
}

/** Compact text of a traffic list for violation messages. */
export function fmt(traffic: TrafficTarget[]): string {
  return traffic
    .map((t) => `${t.tag ?? '-'}:${t.latestRevision ? '@latest' : t.revisionName}=${t.percent ?? 0}`)
    .join(',');
}

/**
 * Where requests go: percent per revision, whatever the tags or entry layout (a floating
 * latestRevision target under its own key "@latest"; 0% entries carry nothing and are dropped).
 */
export type Routing = Record<string, number>;

export function routingOf(traffic: TrafficTarget[] | undefined): Routing {
  const out: Routing = {};
  for (const t of traffic ?? []) {
    const k = t.latestRevision || !t.revisionName ? '@latest' : t.revisionName;
    if (t.percent) out[k] = (out[k] ?? 0) + t.percent;
  }
  for (const k of Object.keys(out)) if (!out[k]) delete out[k];
  return out;
}

export function sameRouting(a: Routing, b: Routing): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

export function fmtRouting(r: Routing): string {
  const parts = Object.entries(r)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, p]) => `${k} ${p}%`);
  return parts.length ? parts.join(', ') : 'nothing';
}

/**
 * The no-override rule for one bgctl write (before → after) made while someone else's traffic change
 * is pending (the routing before the write is not what bgctl had left, `left`): the write must keep
 * the routing the person set. One exception, from the traffic model: when the person only moved
 * percent to or from revisions outside the open rollout (its record still matches the traffic, so
 * that percent is foreign to it), bgctl may re-divide its own two revisions' share, as long as every
 * other revision keeps exactly the percent the person set.
 */
export function checkNoOverride(left: Routing, before: KnativeService, after: KnativeService): string[] {
  const was = routingOf(before.spec?.traffic);
  const now = routingOf(after.spec?.traffic);
  if (sameRouting(was, left) || sameRouting(was, now)) return [];
  const st = recordedRollout(before);
  if (typeof st === 'object' && isOpen(st.phase) && checkStateMatchesTraffic(before).length === 0) {
    const own = new Set([st.stable.revision, st.candidate.revision].filter(Boolean));
    const others = new Set([...Object.keys(was), ...Object.keys(now)].filter((k) => !own.has(k)));
    if ([...others].every((k) => (was[k] ?? 0) === (now[k] ?? 0))) return [];
  }
  return [
    `wrote over a traffic change it did not make: bgctl had left ${fmtRouting(left)}, someone else set ${fmtRouting(was)}, bgctl wrote ${fmtRouting(now)}`,
  ];
}

/** Commands allowed to move traffic someone else set: told to take over, or an explicit undo. */
export function mayOverride(argv: readonly string[]): boolean {
  return (
    argv.includes('--take-over') ||
    argv[0] === 'rollback' ||
    argv[0] === 'pin' ||
    (argv[0] === 'rollout' && argv.includes('--abort'))
  );
}

/**
 * A write that closes the open rollout as rolled-back or aborted is an undo too (a rollout that
 * aborts after its revision failed, or rolls back after failed checks): it returns traffic to the
 * stable revision, it does not build on the person's change.
 */
export function closesAsUndo(before: KnativeService, after: KnativeService): boolean {
  const b = recordedRollout(before);
  const a = recordedRollout(after);
  return (
    typeof b === 'object' &&
    typeof a === 'object' &&
    a.id === b.id &&
    isOpen(b.phase) &&
    (a.phase === 'rolled-back' || a.phase === 'aborted')
  );
}
