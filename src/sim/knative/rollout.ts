// Gradual rollout (pkg/reconciler/route/traffic/rollout.go): a new revision of a latestRevision target starts at 1%
// and takes the rest step by step. The state upstream keeps in an Ingress annotation lives in the Runtime.
import type { TrafficTarget } from '../../core/knative-types.js';
import { A } from './constants.js';
import { durationMs } from './knobs.js';

/** One revision's share inside a configuration's rollout. */
export interface RevisionRollout {
  revisionName: string;
  percent: number;
}

/** When the steps happen; all zero until the ingress first became ready with the new revision. */
export interface StepParams {
  startTime: number;
  nextStepTime: number;
  stepDuration: number;
  stepSize: number;
}

/** The rollout of one configuration within one tag (the default tag is ''). */
export interface ConfigurationRollout {
  configurationName: string;
  tag: string;
  /** The share of the whole target, as the spec asks for it. */
  percent: number;
  /** Oldest first; the last one is the revision being rolled out. */
  revisions: RevisionRollout[];
  step: StepParams;
}

export type Rollout = ConfigurationRollout[];

const NO_STEP: StepParams = { startTime: 0, nextStepTime: 0, stepDuration: 0, stepSize: 0 };

/** A resolved target, as traffic.ts builds it, with the configuration it follows. */
export type ResolvedTarget = TrafficTarget & { revisionName: string; percent: number };

/** Route.RolloutDuration in whole seconds (0 when absent or unparsable). */
export function rolloutSeconds(annotations: Record<string, string> | undefined): number {
  const a = annotations ?? {};
  const v = a[A.rolloutDuration] ?? a[A.rolloutDurationAlias];
  if (!v) return 0;
  const ms = durationMs(v);
  return ms === undefined ? 0 : Math.trunc(ms / 1000);
}

/** Whether any configuration still splits its share between revisions. */
export function rolloutDone(ro: Rollout): boolean {
  return ro.every((c) => c.revisions.length < 2);
}

function sortRollout(ro: Rollout): Rollout {
  return ro.sort((a, b) => (a.tag === b.tag ? cmp(a.configurationName, b.configurationName) : cmp(a.tag, b.tag)));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** BuildRollout: the steady-state rollout of `targets`; the default tag merges by revision, a tag sees its own. */
export function buildRollout(targets: ResolvedTarget[]): Rollout {
  const groups = new Map<string, ResolvedTarget[]>();
  const byRevision = (list: ResolvedTarget[], t: ResolvedTarget) => {
    const same = list.find((x) => x.revisionName === t.revisionName);
    if (same) same.percent += t.percent;
    else list.push({ ...t });
  };
  for (const t of targets) {
    byRevision(groups.get('') ?? groups.set('', []).get('')!, t);
    if (t.tag) groups.set(t.tag, [{ ...t }]);
  }
  const ro: Rollout = [];
  for (const [tag, list] of groups) {
    if (list.length === 1) list[0].percent = 100;
    for (const t of list) {
      if (!t.latestRevision || t.percent === 0 || !t.configurationName) continue;
      ro.push({
        configurationName: t.configurationName,
        tag,
        percent: t.percent,
        revisions: [{ revisionName: t.revisionName, percent: t.percent }],
        step: { ...NO_STEP },
      });
    }
  }
  return sortRollout(ro);
}

/** ObserveReady: the ingress serves the 1% split, so the steps can be planned from now on. */
export function observeReady(prev: Rollout, now: number, durationSecs: number): void {
  for (const c of prev) {
    if (c.step.stepDuration !== 0 || c.step.startTime <= 0) continue;
    const minStepSec = Math.max(1, Math.ceil((now - c.step.startTime) / 1000));
    const secs = Math.max(1, durationSecs - minStepSec);
    let numSteps = Math.max(1, secs / minStepSec);
    const remaining = c.percent - 1;
    if (remaining < numSteps) numSteps = remaining;
    // Go's time.Duration truncates to whole nanoseconds.
    const stepDuration = Math.trunc((secs / numSteps) * 1e9) / 1e6;
    c.step.stepDuration = stepDuration;
    c.step.stepSize = Math.round(remaining / numSteps);
    c.step.nextStepTime = now + stepDuration;
  }
}

/** The rollout `cur` (the spec's steady state) asks for, given the previous one; and the next step time (0: none). */
export function stepRollout(
  cur: Rollout,
  prev: Rollout | undefined,
  now: number,
): { rollout: Rollout; nextStepTime: number } {
  if (!prev || prev.length === 0) return { rollout: cur, nextStepTime: 0 };
  const byTag = (ro: Rollout) => {
    const m = new Map<string, ConfigurationRollout[]>();
    for (const c of ro) (m.get(c.tag) ?? m.set(c.tag, []).get(c.tag)!).push(c);
    return m;
  };
  const curTags = byTag(cur);
  const prevTags = byTag(prev);
  const out: Rollout = [];
  let next = Infinity;
  for (const [tag, ccfgs] of curTags) {
    const pcfgs = prevTags.get(tag);
    if (!pcfgs) {
      out.push(ccfgs[0]);
      continue;
    }
    for (let i = 0, j = 0; i < ccfgs.length;) {
      if (j >= pcfgs.length) {
        out.push(ccfgs[i++]);
      } else if (ccfgs[i].configurationName === pcfgs[j].configurationName) {
        const p = ccfgs[i].percent;
        if (p > 1) {
          const sc = stepConfig(ccfgs[i], pcfgs[j], now);
          out.push(sc);
          if (sc.step.nextStepTime > 0 && sc.step.nextStepTime < next) next = sc.step.nextStepTime;
        } else if (p === 1) out.push(ccfgs[i]);
        i++;
        j++;
      } else if (ccfgs[i].configurationName < pcfgs[j].configurationName) {
        if (ccfgs[i].percent !== 0) out.push(ccfgs[i]);
        i++;
      } else j++;
    }
  }
  return { rollout: sortRollout(out), nextStepTime: Number.isFinite(next) ? next : 0 };
}

/** A changed share of the whole target goes to (or comes from the oldest of) the revisions. */
function adjustPercentage(goal: number, cr: ConfigurationRollout): void {
  let diff = goal - cr.percent;
  if (goal === 0) cr.revisions = [];
  else if (diff > 0) cr.revisions[cr.revisions.length - 1].percent += diff;
  else if (diff < 0) {
    diff = -diff;
    let i = 0;
    while (diff > 0 && i < cr.revisions.length) {
      if (cr.revisions[i].percent > diff) {
        cr.revisions[i].percent -= diff;
        break;
      }
      diff -= cr.revisions[i].percent;
      i++;
    }
    cr.revisions = cr.revisions.slice(i);
  }
}

/** Moves one step's share from the older revisions (newest of them first) to the newest one. */
function stepRevisions(goal: ConfigurationRollout, now: number): void {
  if (now < goal.step.nextStepTime || goal.revisions.length < 2) return;
  const revs = goal.revisions;
  const len = revs.length;
  let remaining = goal.step.stepSize;
  let write = len - 1;
  let read = len - 2;
  while (remaining > 0 && read >= 0) {
    if (revs[read].percent > remaining) {
      revs[read].percent -= remaining;
      break;
    }
    remaining -= revs[read].percent;
    write--;
    read--;
  }
  revs[write] = revs[len - 1];
  revs[write].percent = Math.min(goal.percent, revs[write].percent + goal.step.stepSize);
  goal.revisions = revs.slice(0, write + 1);
  if (goal.revisions.length > 1) goal.step.nextStepTime = now + goal.step.stepDuration;
  else goal.step = { ...NO_STEP };
}

function stepConfig(goal: ConfigurationRollout, prevIn: ConfigurationRollout, now: number): ConfigurationRollout {
  const prev = structuredClone(prevIn);
  const ret: ConfigurationRollout = { ...goal, revisions: goal.revisions.map((r) => ({ ...r })), step: { ...NO_STEP } };
  if (prev.revisions.length > 0) adjustPercentage(goal.percent, prev);
  const pc = prev.revisions.length;
  if (pc === 0 || goal.revisions[0].revisionName === prev.revisions[pc - 1].revisionName) {
    // Nothing new to roll out; keep stepping what is in flight.
    if (pc > 1) {
      ret.revisions = prev.revisions;
      ret.step = prev.step;
      if (ret.step.stepSize > 0) stepRevisions(ret, now);
    }
    return ret;
  }
  // A new revision: it starts at 1%, taken from the newest older revision that has any.
  ret.step = { ...NO_STEP, startTime: now };
  for (let i = pc - 1; i >= 0; i--) {
    if (prev.revisions[i].percent > 0) {
      prev.revisions[i].percent--;
      break;
    }
  }
  ret.revisions = [
    ...prev.revisions.filter((r) => r.percent !== 0),
    { revisionName: goal.revisions[0].revisionName, percent: 1 },
  ];
  return ret;
}

/** GetRevisionTrafficTargets: status.traffic with each latestRevision target split as its rollout says. */
export function trafficWithRollout<T extends ResolvedTarget>(targets: T[], ro: Rollout): T[] {
  const out: T[] = [];
  for (const t of targets) {
    const rc = t.latestRevision
      ? ro.find((c) => c.tag === (t.tag ?? '') && c.configurationName === t.configurationName)
      : undefined;
    if (!rc) {
      out.push(t);
      continue;
    }
    for (const r of rc.revisions) out.push({ ...t, revisionName: r.revisionName, percent: r.percent });
  }
  return out;
}
