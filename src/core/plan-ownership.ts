// The ownership rule: which spec.traffic entries are bgctl's; every other entry keeps its place and percent.
import type { Work } from './plan-work.js';
import type { TrafficTarget } from './knative-types.js';
import { RefusedError } from './errors.js';
import { isFloating } from './traffic.js';

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

export function pair(tag: string | undefined, revision: string | undefined): string {
  return `${tag ?? ''}\0${revision ?? ''}`;
}

export type Disposition = 'consume' | 'zero' | 'keep' | 'drop';

/**
 * Rebuilds spec.traffic: 'consume' entries become bgctl's (where the first stood), 'zero' keep their foreign tag at
 * 0%, 'keep' stay as they are, 'drop' go. bgctl's share is 100 minus what kept entries carry.
 */
export function rebuild(
  before: TrafficTarget[],
  classify: (t: TrafficTarget) => Disposition,
  own: (share: number) => TrafficTarget[],
): { desired: TrafficTarget[]; share: number } {
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
  assertUniqueTags(desired, mine);
  return { desired, share };
}

/**
 * Refuses a list where a tag appears twice (Knative would reject it: `Multiple definitions for "<tag>"`),
 * naming the entry that holds it and is not one of bgctl's own (`own`).
 */
export function assertUniqueTags(traffic: TrafficTarget[], own: TrafficTarget[] = []): void {
  const seen = new Map<string, string | undefined>();
  for (const t of traffic) {
    if (!t.tag) continue;
    if (seen.has(t.tag)) {
      throw new RefusedError(
        `tag "${t.tag}" is already used by ` +
          `${describe(traffic.find((x) => x.tag === t.tag && !own.includes(x)) ?? t)}, which bgctl does not own`,
        {
          reason: 'TagInUse',
          hint: 'pick another tag (--tag / --stable-tag / --previous-tag) or remove that tag first',
        },
      );
    }
    seen.set(t.tag, t.revisionName);
  }
}

/** "revision r1" or "the latest revision" for messages. */
export function describe(t: TrafficTarget): string {
  return isFloating(t) ? 'the floating latestRevision target' : `revision "${t.revisionName}"`;
}

/** Rollout classifier: the rollout's revisions and floating percent are bgctl's, colliding retired tags drop. */
export function rolloutClassifier(
  w: Work,
  owned: string[],
  ownTags: string[],
  dropTags: string[] = [],
): (t: TrafficTarget) => Disposition {
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
      w.notices.push(
        `pinned the floating latestRevision target (${t.percent}%) ` +
          `to revision "${w.svc.status?.latestReadyRevisionName}"`,
      );
    } else if (isFloating(t) && t.tag && ownTags.includes(t.tag)) {
      w.notices.push(`converted floating tag "${t.tag}" to a pinned one`);
    } else if (!isFloating(t) && (t.percent ?? 0) > 0 && !owned.includes(t.revisionName as string)) {
      w.warnings.push(
        `revision "${t.revisionName}"${t.tag ? ` (tag "${t.tag}")` : ''} ` +
          `keeps its ${t.percent}%: it is not part of this rollout`,
      );
    }
  }
}
