// stage, verify, split, promote, rollback, abort: each rebuilds bgctl's own entries inside its share.
import { ConflictError, RefusedError, UsageError } from './errors.js';
import { validateTag } from './names.js';
import { STEP_FOLLOWS, stepMayFollow } from './phase-table.js';
import { DefaultTags, type Intent } from './plan-types.js';
import {
  advance,
  claimService,
  newState,
  requireOpenRollout,
  rolloutInProgress,
  validateTagPair,
} from './plan-bookkeeping.js';
import { noteConversions, rebuild, rolloutClassifier } from './plan-ownership.js';
import { requireRevision, servingRevision, type Draft, type Work } from './plan-work.js';
import { isInProgress, recordHistory, sameRollout, type RolloutState } from './state.js';
import { isFloating, pinned } from './traffic.js';
import { quoteInput } from './quote.js';

/** Traffic for "stable has the share, candidate is routable at `candPercent`". */
function twoWay(w: Work, st: RolloutState, candPercent: number, dropTags: string[] = []) {
  const cand = st.candidate.revision as string;
  const owned = [st.stable.revision, cand];
  const ownTags = [st.stable.tag, st.candidate.tag];
  noteConversions(w, owned, ownTags);
  // The clamp keeps the list valid while the share is computed; an excess is refused just below.
  const { desired, share } = rebuild(w.before, rolloutClassifier(w, owned, ownTags, dropTags), (s) => [
    pinned(st.stable.revision, s - Math.min(candPercent, s), st.stable.tag),
    pinned(cand, Math.min(candPercent, s), st.candidate.tag),
  ]);
  if (candPercent > share) {
    throw new RefusedError(
      `cannot give ${candPercent}% to the candidate: ` +
        `bgctl owns ${share}% of the traffic (other targets keep ${100 - share}%)`,
      {
        reason: 'ShareExceeded',
        hint: `use at most ${share}`,
      },
    );
  }
  return { desired, share };
}

/** stage: candidate pinned at 0% under its tag, stable tagged too. */
export function planStage(w: Work, intent: Extract<Intent, { kind: 'stage' }>): Draft {
  const cur = w.state;
  let history = w.history;
  let continuing = false;
  if (cur && isInProgress(cur.phase) && !intent.takeOver) {
    const sameCandidate = !intent.revision || cur.phase === 'deployed' || intent.revision === cur.candidate.revision;
    if (!sameCandidate) throw rolloutInProgress(w, cur, `stage revision "${intent.revision}"`);
    if (!stepMayFollow('stage', cur.phase)) {
      // The recorded percent is what bgctl last set; a person may have moved it since, so say so.
      throw new ConflictError(
        `cannot stage: rollout ${cur.id} is past staging (phase ${cur.phase}; ` +
          `bgctl last gave the candidate ${cur.percent}%)`,
        {
          reason: 'WrongPhase',
          hint: `go back with bgctl rollback ${w.name}, or continue with bgctl split/promote`,
        },
      );
    }
    continuing = true;
  } else {
    history = claimService(w, 'stage');
  }
  const prev = continuing ? cur : undefined;
  const stableTag = intent.stableTag ?? prev?.stable.tag ?? DefaultTags.stable;
  const candTag = intent.tag ?? prev?.candidate.tag ?? DefaultTags.candidate;
  validateTagPair(w, stableTag, candTag);
  const stable = prev ? prev.stable.revision : servingRevision(w);
  const candidate = intent.revision ?? prev?.candidate.revision ?? w.svc.status?.latestCreatedRevisionName;
  if (!candidate)
    throw new RefusedError(`service "${w.name}" has no revision to stage yet`, {
      reason: 'NoCandidate',
      hint: `deploy one: bgctl deploy ${w.name} --image IMAGE`,
    });
  const floating = w.before.some((t) => isFloating(t) && (t.percent ?? 0) > 0);
  if (candidate === stable && floating && w.revisions.length > 1) {
    // Pitfall 1: the floating target has already handed the new revision all the traffic.
    throw new RefusedError(
      `service "${w.name}" is unpinned and its floating target already sends all traffic to "${candidate}"`,
      {
        reason: 'AlreadyServing',
        hint: `pin the old revision first: bgctl pin ${w.name} --revision OLD-REVISION`,
      },
    );
  }
  if (candidate === stable) {
    throw new RefusedError(
      `nothing to stage: revision "${candidate}" already serves the traffic of service "${w.name}"`,
      {
        reason: 'NothingToStage',
        hint: `deploy a new revision first: bgctl deploy ${w.name} --image IMAGE`,
      },
    );
  }
  requireRevision(w, stable, { role: 'stable' });
  requireRevision(w, candidate, { ready: true, role: 'candidate' });
  const fields = {
    stable: { revision: stable, tag: stableTag },
    candidate: { revision: candidate, tag: candTag },
    percents: intent.percents ?? prev?.percents ?? [],
  };
  const state = prev
    ? advance(w, prev, {
        ...fields,
        phase: prev.phase === 'verified' && prev.candidate.revision === candidate ? 'verified' : 'staged',
        levelIndex: -1,
        percent: 0,
      })
    : newState(w, { ...fields, phase: 'staged' });
  const { desired } = twoWay(w, state, 0);
  w.notices.push(`a 0% revision may scale to zero: the first request to its tag URL can be a cold start`);
  return { desired, state, history: history === w.history ? undefined : history };
}

/**
 * verify: records a pass (state only). A failure takes `verified` back to `staged` with the reason (also in the
 * history); `staged` has nothing to take back, and `split` is what the traffic says.
 */
export function planVerify(w: Work, intent: Extract<Intent, { kind: 'verify' }>): Draft {
  const st = requireOpenRollout(w, 'record verification', STEP_FOLLOWS.verify);
  if (intent.failed !== undefined) {
    if (st.phase !== 'verified') return { desired: w.before, state: st };
    const next = advance(w, st, { phase: 'staged', reason: intent.failed });
    return { desired: w.before, state: next, history: recordHistory(w.history, next) };
  }
  return { desired: w.before, state: st.phase === 'staged' ? advance(w, st, { phase: 'verified' }) : st };
}

function resolveRef(w: Work, ref: string): string {
  const byTag = w.before.find((t) => t.tag === ref);
  if (byTag) {
    if (isFloating(byTag))
      throw new RefusedError(
        `tag "${ref}" is on the floating latestRevision target; bgctl only moves traffic between pinned revisions`,
        { reason: 'FloatingRef' },
      );
    return byTag.revisionName as string;
  }
  return ref;
}

/** split: N% to the candidate, the rest of bgctl's share to stable (or explicit --traffic). */
export function planSplit(w: Work, intent: Extract<Intent, { kind: 'split' }>): Draft {
  const st = requireOpenRollout(w, 'split', STEP_FOLLOWS.split);
  const cand = st.candidate.revision as string;
  let percent = intent.percent;
  if (intent.traffic) {
    if (percent !== undefined)
      throw new UsageError('pass either --percent or --traffic, not both', { reason: 'ConflictingFlags' });
    const byRev = new Map<string, number>();
    for (const a of intent.traffic) {
      const rev = resolveRef(w, a.ref);
      if (rev !== st.stable.revision && rev !== cand) {
        throw new RefusedError(
          `"${a.ref}" is not part of rollout ${st.id}: ` +
            `only the stable ("${st.stable.revision}") and candidate ("${cand}") revisions can be split`,
          { reason: 'NotInRollout' },
        );
      }
      if (byRev.has(rev))
        throw new UsageError(`--traffic names revision ${quoteInput(rev)} twice`, { reason: 'InvalidTraffic' });
      byRev.set(rev, a.percent);
    }
    const share = rebuild(
      w.before,
      rolloutClassifier(w, [st.stable.revision, cand], [st.stable.tag, st.candidate.tag]),
      () => [],
    ).share;
    const sum = [...byRev.values()].reduce((a, b) => a + b, 0);
    if (byRev.size === 2 && sum !== share)
      throw new UsageError(`--traffic sums to ${sum}, want ${share}`, { reason: 'InvalidTraffic' });
    if (byRev.size === 1 && [...byRev.values()][0] > share)
      throw new UsageError(`--traffic gives ${sum}%, but bgctl owns only ${share}%`, { reason: 'InvalidTraffic' });
    percent = byRev.has(cand) ? (byRev.get(cand) as number) : share - (byRev.get(st.stable.revision) as number);
  }
  if (percent === undefined)
    throw new UsageError('split needs --percent N or --traffic REF=PCT,…', { reason: 'MissingFlag' });
  if (!Number.isInteger(percent) || percent < 0 || percent > 100)
    throw new UsageError(`invalid percent ${percent}: must be a whole number from 0 to 100`, {
      reason: 'InvalidPercent',
    });
  requireRevision(w, cand, { ready: percent > 0, role: 'candidate' });
  requireRevision(w, st.stable.revision, { ready: percent < 100, role: 'stable' });
  const { desired, share } = twoWay(w, st, percent);
  if (percent === share)
    w.warnings.push(
      `all of bgctl's share is on the candidate; finish with bgctl promote ${w.name} (it keeps a rollback tag)`,
    );
  let levelIndex = -1;
  st.percents.forEach((s, i) => (s <= percent ? (levelIndex = i) : undefined));
  return { desired, state: advance(w, st, { phase: 'split', percent, levelIndex }) };
}

/** promote promises the main URL serves only the candidate: foreign percent is a conflict, not a warning. */
function refuseForeignTraffic(w: Work, st: RolloutState, owned: string[]): void {
  const foreign = w.before.filter(
    (t) => !isFloating(t) && (t.percent ?? 0) > 0 && !owned.includes(t.revisionName as string),
  );
  if (!foreign.length) return;
  const list = foreign
    .map((t) => `revision "${t.revisionName}"${t.tag ? ` (tag "${t.tag}")` : ''} ${t.percent}%`)
    .join(', ');
  const total = foreign.reduce((n, t) => n + (t.percent ?? 0), 0);
  throw new ConflictError(
    `cannot promote rollout ${st.id}: ${total}% of the traffic of service "${w.name}" ` +
      `goes to targets outside the rollout: ${list}; ` +
      `after promote the main URL must serve only "${st.candidate.revision}"`,
    {
      reason: 'ForeignTraffic',
      hint:
        "move that traffic onto the rollout's revisions or set it to 0% " +
        `(kubectl edit ksvc ${w.name} -n ${w.svc.metadata.namespace ?? 'default'}, spec.traffic), ` +
        `then run bgctl promote ${w.name} again`,
    },
  );
}

/** promote: the candidate takes bgctl's share; the old stable stays at 0% as `previous` (no-gc), or goes (--retire). */
export function planPromote(w: Work, intent: Extract<Intent, { kind: 'promote' }>): Draft {
  const st = w.state?.phase === 'promoted' ? w.state : requireOpenRollout(w, 'promote', STEP_FOLLOWS.promote);
  const cand = st.candidate.revision as string;
  requireRevision(w, cand, { ready: true, role: 'candidate' });
  const retire = intent.retire ?? (st.phase === 'promoted' && !st.previousTag);
  const prevTag = retire
    ? undefined
    : validateTag(intent.previousTag ?? st.previousTag ?? DefaultTags.previous, w.name);
  if (prevTag && prevTag === st.candidate.tag)
    throw new UsageError(`the previous and candidate tags must differ (both ${quoteInput(prevTag)})`, {
      reason: 'SameTags',
    });
  const owned = [st.stable.revision, cand];
  refuseForeignTraffic(w, st, owned);
  const ownTags = [st.candidate.tag, ...(prevTag ? [prevTag] : [])];
  noteConversions(w, owned, ownTags);
  const { desired } = rebuild(w.before, rolloutClassifier(w, owned, [...ownTags, st.stable.tag]), (share) => [
    pinned(cand, share, st.candidate.tag),
    ...(prevTag ? [pinned(st.stable.revision, 0, prevTag)] : []),
  ]);
  // no-gc moves with the rollback target through the planner's bookkeeping (core/rollback-target.ts).
  if (prevTag) {
    const stableRev = w.revisions.find((r) => r.metadata.name === st.stable.revision);
    if (!stableRev)
      w.warnings.push(`stable revision "${st.stable.revision}" no longer exists; there is nothing to roll back to`);
  } else if (w.before.some((t) => t.revisionName === st.stable.revision)) {
    // Only when this plan takes it out: a repeated promote --retire retires nothing.
    w.notices.push(`retired revision "${st.stable.revision}": it left spec.traffic and Knative may garbage-collect it`);
  }
  const next = advance(w, st, { phase: 'promoted', percent: 100, ...(prevTag ? { previousTag: prevTag } : {}) });
  if (!prevTag) delete next.previousTag;
  if (sameRollout(next, st)) return { desired, state: st };
  return { desired, state: next, history: recordHistory(w.history, next) };
}

/** Traffic back on the stable revision: shared by rollback and abort. */
function backToStable(w: Work, st: RolloutState): Draft['desired'] {
  requireRevision(w, st.stable.revision, { ready: true, role: 'stable' });
  if (!st.candidate.revision) {
    // Right after deploy the record names no candidate: percent elsewhere is someone else's, kept and said.
    for (const t of w.before) {
      if ((t.percent ?? 0) === 0 || t.revisionName === st.stable.revision) continue;
      const what = isFloating(t) ? 'the floating latestRevision target' : `revision "${t.revisionName}"`;
      const tag = t.tag ? ` (tag "${t.tag}")` : '';
      w.warnings.push(`${what}${tag} keeps its ${t.percent}%: it is not part of this rollout`);
    }
    return w.before;
  }
  const cand = st.candidate.revision;
  if (!w.revisions.some((r) => r.metadata.name === cand)) {
    w.warnings.push(`candidate revision "${cand}" no longer exists; dropping its tag`);
    const owned = [st.stable.revision, cand];
    const ownTags = [st.stable.tag, st.candidate.tag];
    return rebuild(w.before, rolloutClassifier(w, owned, ownTags, st.previousTag ? [st.previousTag] : []), (s) => [
      pinned(st.stable.revision, s, st.stable.tag),
    ]).desired;
  }
  return twoWay(w, st, 0, st.previousTag ? [st.previousTag] : []).desired;
}

/** rollback: bgctl's whole share back to the stable revision of the current or last rollout. */
export function planRollback(w: Work, intent: Extract<Intent, { kind: 'rollback' }>): Draft {
  const st = w.state;
  if (!st) {
    throw new RefusedError(`no rollout recorded on service "${w.name}": nothing to roll back to`, {
      reason: 'NoRollout',
      hint: `pin a revision instead: bgctl pin ${w.name} --revision REVISION`,
    });
  }
  if (st.phase === 'aborted' || st.phase === 'rolled-back') {
    w.notices.push(`rollout ${st.id} is already ${st.phase}; restoring its stable revision`);
  }
  const desired = backToStable(w, st);
  const done = st.phase === 'aborted' || st.phase === 'rolled-back';
  const next = done
    ? st
    : advance(w, st, { phase: 'rolled-back', percent: 0, reason: intent.reason ?? `rolled back by ${w.ctx.actor}` });
  if (next !== st) delete next.previousTag;
  return { desired, state: next, history: done ? undefined : recordHistory(w.history, next) };
}

/** abort: close the open rollout with all of bgctl's share on stable (the candidate stays tagged at 0%). */
export function planAbort(w: Work, intent: Extract<Intent, { kind: 'abort' }>): Draft {
  const st = requireOpenRollout(w, 'abort', STEP_FOLLOWS.abort);
  const desired = backToStable(w, st);
  if (st.phase === 'deployed') {
    const elsewhere = desired.some((t) => t.revisionName !== st.stable.revision && (t.percent ?? 0) > 0);
    w.notices.push(
      `the template still describes the new revision; ` +
        (elsewhere ? `bgctl's traffic stays on "${st.stable.revision}"` : `traffic stays on "${st.stable.revision}"`),
    );
  }
  const next = advance(w, st, { phase: 'aborted', percent: 0, reason: intent.reason ?? `aborted by ${w.ctx.actor}` });
  return { desired, state: next, history: recordHistory(w.history, next) };
}
