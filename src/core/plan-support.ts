// Shared machinery of the planners: the working set, revision checks, the ownership rule that
// rebuilds spec.traffic around bgctl's own entries, and rollout start/update bookkeeping.
import type { TemplateDifference } from './template-diff.js';
import type { KnativeService, Revision, RevisionTemplate, TrafficTarget } from './knative-types.js';
import { ConflictError, RefusedError, UsageError } from './errors.js';
import { validateTag } from './names.js';
import type { Intent, PlanContext, RevisionAnnotationChange } from './plan-types.js';
import { isInProgress, newRolloutId, readState, recordHistory, type RolloutState, type StateRead } from './state.js';
import { gradualRollouts, rolloutDuration } from './gradual-rollout.js';
import { isFloating, normalizeTraffic, revisionReady, revisionService } from './traffic.js';

/** Everything a planner works on, plus the messages it collects. */
export interface Work {
  svc: KnativeService;
  name: string;
  revisions: Revision[];
  intent: Intent;
  ctx: PlanContext;
  before: TrafficTarget[];
  read: StateRead;
  /** Current rollout state (absent when none, or unreadable and taken over). */
  state?: RolloutState;
  history: RolloutState[];
  warnings: string[];
  notices: string[];
}

/** What one planner decides; plan.ts turns it into a Plan. */
export interface Draft {
  desired: TrafficTarget[];
  template?: RevisionTemplate;
  templateDiff?: TemplateDifference[];
  state?: RolloutState;
  history?: RolloutState[];
  revisionAnnotations?: RevisionAnnotationChange[];
  deleteRevisions?: string[];
}

/** Builds the working set; unreadable state refuses unless the intent takes over. */
export function makeWork(svc: KnativeService, revisions: Revision[], intent: Intent, ctx: PlanContext): Work {
  const read = readState(svc);
  const w: Work = { svc, name: svc.metadata.name, revisions, intent, ctx, before: normalizeTraffic(svc.spec.traffic), read, state: read.state, history: read.history, warnings: [], notices: [] };
  if (read.error) {
    if (!intent.takeOver) throw read.error;
    w.warnings.push(`ignoring unreadable rollout state (${read.error.message}); it will be replaced`);
  }
  if (read.historyError) w.warnings.push(`${read.historyError}; history will be restarted on the next rollout write`);
  return w;
}

/** Looks a revision up, refusing one that is missing, another service's, or (when asked) not Ready. */
export function requireRevision(w: Work, name: string, opts: { ready?: boolean; role?: string } = {}): Revision {
  const role = opts.role ? `${opts.role} ` : '';
  const rev = w.revisions.find((r) => r.metadata.name === name);
  if (!rev) {
    throw new RefusedError(`${role}revision "${name}" not found for service "${w.name}"`, { reason: 'RevisionNotFound', hint: `list revisions with: bgctl revisions ${w.name}` });
  }
  const owner = revisionService(rev);
  if (owner !== w.name) {
    // Knative 1.21+ fails the Route with RevisionNotOwned; older clusters would route it anyway.
    const msg = owner ? `revision "${name}" belongs to service "${owner}", not "${w.name}"` : `revision "${name}" does not belong to service "${w.name}"`;
    throw new RefusedError(msg, { reason: 'RevisionNotOwned', hint: `list revisions with: bgctl revisions ${w.name}` });
  }
  if (opts.ready) {
    const ready = revisionReady(rev);
    if (ready.status !== 'True') {
      const why = ready.status === 'False' ? `failed${ready.message ? `: ${ready.message}` : ''}` : `is not Ready yet${ready.reason ? ` (${ready.reason})` : ''}`;
      // Any not-Ready target blocks the whole Route update, even at 0%.
      throw new RefusedError(`${role}revision "${name}" ${why}`, { reason: 'RevisionNotReady', hint: ready.status === 'False' ? 'fix the template and deploy again' : 'wait for it: bgctl status ' + w.name });
    }
  }
  return rev;
}

/** `tag\0revision` pairs bgctl created, from the current state and the history. */
export function bgctlPairs(w: Work): Set<string> {
  const out = new Set<string>();
  for (const s of [...(w.state ? [w.state] : []), ...w.history]) {
    out.add(pair(s.stable.tag, s.stable.revision));
    if (s.previousTag) out.add(pair(s.previousTag, s.stable.revision));
    if (s.candidate.revision) out.add(pair(s.candidate.tag, s.candidate.revision));
  }
  return out;
}

/** Key of a tag on a revision. */
export function pair(tag: string | undefined, revision: string | undefined): string {
  return `${tag ?? ''}\0${revision ?? ''}`;
}

/** How rebuild treats one existing entry. */
export type Disposition = 'consume' | 'zero' | 'keep' | 'drop';

/**
 * Rebuilds spec.traffic: 'consume' entries are replaced by bgctl's own entries (inserted where the
 * first of them stood), 'zero' entries keep their foreign tag at 0% (their percent moves into
 * bgctl's share), 'keep' entries are left exactly as they are, 'drop' entries go. bgctl's share is
 * 100 minus what the kept entries carry, so foreign percent is never touched.
 */
export function rebuild(before: TrafficTarget[], classify: (t: TrafficTarget) => Disposition, own: (share: number) => TrafficTarget[]): { desired: TrafficTarget[]; share: number } {
  const kinds = before.map(classify);
  const foreign = before.reduce((n, t, i) => n + (kinds[i] === 'keep' ? (t.percent ?? 0) : 0), 0);
  const share = Math.max(0, 100 - foreign);
  const mine = own(share);
  const desired: TrafficTarget[] = [];
  let at = kinds.indexOf('consume');
  if (at < 0) at = kinds.indexOf('zero');
  if (at < 0) desired.push(...mine);
  before.forEach((t, i) => {
    if (i === at && kinds[i] === 'consume') desired.push(...mine);
    if (kinds[i] === 'keep') desired.push(t);
    else if (kinds[i] === 'zero') desired.push({ ...t, percent: 0 });
    if (i === at && kinds[i] === 'zero') desired.push(...mine);
  });
  assertUniqueTags(desired);
  return { desired, share };
}

/** Refuses a list where a tag appears twice (Knative would reject it: `Multiple definitions for "<tag>"`). */
export function assertUniqueTags(traffic: TrafficTarget[]): void {
  const seen = new Map<string, string | undefined>();
  for (const t of traffic) {
    if (!t.tag) continue;
    if (seen.has(t.tag)) {
      throw new RefusedError(`tag "${t.tag}" is already used by ${describe(traffic.find((x) => x.tag === t.tag) as TrafficTarget)}, which bgctl does not own`, {
        reason: 'TagInUse',
        hint: 'pick another tag (--tag / --stable-tag / --previous-tag) or remove that tag first',
      });
    }
    seen.set(t.tag, t.revisionName);
  }
}

/** "revision r1" or "the latest revision" for messages. */
export function describe(t: TrafficTarget): string {
  return isFloating(t) ? 'the floating latestRevision target' : `revision "${t.revisionName}"`;
}

/**
 * Classifier for rollout steps: entries of the rollout's revisions are bgctl's (foreign tags on them
 * stay at 0%), floating percent is absorbed (bgctl never leaves traffic floating), a floating entry
 * carrying one of bgctl's tags is converted to a pinned one, retired bgctl tags that collide are dropped.
 */
export function rolloutClassifier(w: Work, owned: string[], ownTags: string[], dropTags: string[] = []): (t: TrafficTarget) => Disposition {
  const pairs = bgctlPairs(w);
  return (t) => {
    const pct = t.percent ?? 0;
    if (isFloating(t)) {
      if (t.tag && ownTags.includes(t.tag)) return 'consume';
      if (pct > 0) return t.tag ? 'zero' : 'consume';
      return 'keep';
    }
    const rev = t.revisionName as string;
    if (owned.includes(rev)) {
      if (!t.tag || pairs.has(pair(t.tag, rev)) || ownTags.includes(t.tag)) return 'consume';
      return pct > 0 ? 'zero' : 'keep';
    }
    if (t.tag && (ownTags.includes(t.tag) || dropTags.includes(t.tag)) && pairs.has(pair(t.tag, rev)) && pct === 0) {
      w.notices.push(`retiring tag "${t.tag}" from revision "${rev}" (left by an earlier rollout)`);
      return 'drop';
    }
    return 'keep';
  };
}

/** Notes what rebuild did to floating and foreign entries, so the plan says it. */
export function noteConversions(w: Work, owned: string[], ownTags: string[]): void {
  for (const t of w.before) {
    if (isFloating(t) && (t.percent ?? 0) > 0) {
      w.notices.push(`pinned the floating latestRevision target (${t.percent}%) to revision "${w.svc.status?.latestReadyRevisionName}"`);
    } else if (isFloating(t) && t.tag && ownTags.includes(t.tag)) {
      w.notices.push(`converted floating tag "${t.tag}" to a pinned one`);
    } else if (!isFloating(t) && (t.percent ?? 0) > 0 && !owned.includes(t.revisionName as string)) {
      w.warnings.push(`revision "${t.revisionName}"${t.tag ? ` (tag "${t.tag}")` : ''} keeps its ${t.percent}%: it is not part of this rollout`);
    }
  }
}

/** The one revision that serves all traffic now (floating targets resolved); refuses a split. */
export function servingRevision(w: Work): string {
  const shares = new Map<string, number>();
  // During Knative's gradual rollout a floating target is served by several revisions (status.traffic).
  const inFlight = gradualRollouts(w.svc);
  for (const t of w.before) {
    if (!t.percent) continue;
    const g = isFloating(t) ? inFlight.find((x) => (x.tag ?? '') === (t.tag ?? '')) : undefined;
    if (g) {
      for (const r of [...g.from, g]) shares.set(r.revisionName, (shares.get(r.revisionName) ?? 0) + Math.round((r.percent * t.percent) / (g.targetPercent || 100)));
      continue;
    }
    const rev = isFloating(t) ? w.svc.status?.latestReadyRevisionName : t.revisionName;
    if (!rev) throw new RefusedError(`service "${w.name}" has no ready revision yet`, { reason: 'NoReadyRevision', hint: `wait for it: bgctl status ${w.name}` });
    shares.set(rev, (shares.get(rev) ?? 0) + t.percent);
  }
  if (shares.size === 1) return [...shares.keys()][0];
  const list = [...shares].map(([r, p]) => `${r} (${p}%)`).join(', ');
  const gradual = inFlight.length ? ` by Knative's gradual rollout (rollout-duration ${rolloutDuration(w.svc) ?? 'from config-network'})` : '';
  throw new RefusedError(`traffic of service "${w.name}" is split across ${list || 'no revision'}${gradual}; bgctl needs one stable revision`, {
    reason: 'NoSingleStable',
    hint: gradual ? `wait until the rollout completes (bgctl status ${w.name}), or pin one now: bgctl pin ${w.name} --revision REVISION` : `pin one first: bgctl pin ${w.name} --revision REVISION`,
  });
}

/** Refuses when another rollout is open, unless taking over (then it is closed as aborted in the history). */
export function claimService(w: Work, what: string): RolloutState[] {
  const st = w.state;
  if (!st || !isInProgress(st.phase)) return w.history;
  if (w.intent.rolloutId && w.intent.rolloutId === st.id) return w.history;
  if (!w.intent.takeOver) throw rolloutInProgress(w, st, what);
  w.warnings.push(`takes over rollout ${st.id} (phase ${st.phase}, started by ${st.startedBy}): it will be recorded as aborted`);
  return recordHistory(w.history, { ...st, phase: 'aborted', reason: `taken over by ${w.ctx.actor}`, updatedBy: w.ctx.actor, updatedAt: w.ctx.now });
}

/** The ConflictError for a rollout that someone else has open. */
export function rolloutInProgress(w: Work, st: RolloutState, what: string): ConflictError {
  return new ConflictError(`cannot ${what}: rollout ${st.id} is in progress on service "${w.name}" (phase ${st.phase}, started by ${st.startedBy} at ${st.startedAt})`, {
    reason: 'RolloutInProgress',
    hint: `continue it (bgctl rollout ${w.name} --resume), abort it (bgctl rollout ${w.name} --abort), or pass --take-over`,
  });
}

/** A new rollout record. */
export function newState(w: Work, fields: Pick<RolloutState, 'phase' | 'stable' | 'candidate' | 'percents'> & Partial<RolloutState>): RolloutState {
  return {
    id: w.ctx.newRolloutId ?? newRolloutId(w.ctx.now, w.name),
    levelIndex: -1,
    percent: 0,
    startedBy: w.ctx.actor,
    startedAt: w.ctx.now,
    updatedBy: w.ctx.actor,
    updatedAt: w.ctx.now,
    ...fields,
  };
}

/** The state with changes, stamped with who and when. */
export function advance(w: Work, st: RolloutState, changes: Partial<RolloutState>): RolloutState {
  const next = { ...st, ...changes, updatedBy: w.ctx.actor, updatedAt: w.ctx.now };
  // On an open rollout the reason explains its last setback (a failed verification): the next
  // step that does not restate one moves past it.
  if (isInProgress(st.phase) && !('reason' in changes)) delete next.reason;
  return next;
}

/** The open rollout, refusing when there is none or it is in a phase the step cannot follow. */
export function requireOpenRollout(w: Work, what: string, phases: readonly RolloutState['phase'][]): RolloutState {
  const st = w.state;
  if (!st || !isInProgress(st.phase)) {
    throw new RefusedError(`cannot ${what}: no rollout in progress on service "${w.name}"${st ? ` (last rollout ${st.id} is ${st.phase})` : ''}`, {
      reason: 'NoRollout',
      hint: `start one: bgctl deploy ${w.name} --image IMAGE, then bgctl stage ${w.name}`,
    });
  }
  if (!phases.includes(st.phase)) {
    throw new RefusedError(`cannot ${what}: rollout ${st.id} is ${st.phase}`, {
      reason: 'WrongPhase',
      hint: st.phase === 'deployed' ? `stage the candidate first: bgctl stage ${w.name}` : `see bgctl status ${w.name}`,
    });
  }
  return st;
}

/** Validates the stable and candidate tags for this service; they must differ. */
export function validateTagPair(w: Work, stableTag: string, candTag: string): void {
  validateTag(stableTag, w.name);
  validateTag(candTag, w.name);
  if (stableTag === candTag) throw new UsageError(`the stable and candidate tags must differ (both "${candTag}")`, { reason: 'SameTags' });
}
