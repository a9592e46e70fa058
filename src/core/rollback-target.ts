// promote's no-gc bookkeeping: the old stable, kept at 0% for an instant rollback, carries no-gc and bgctl's mark.
// Every plan brings the marks in line with what it writes, so a failed follow-up write is repaired by the next.
import { KnativeLabels, type Revision, type TrafficTarget } from './knative-types.js';
import type { RevisionAnnotationChange } from './plan-types.js';
import type { RolloutState } from './state.js';

/** Marks a no-gc that bgctl set: the previous tag the revision is kept for. */
export const ROLLBACK_TAG_ANNOTATION = 'bgctl.dev/rollback-tag';

/** The revision the latest promote keeps for an instant rollback, while its tag still routes to it. */
export function rollbackTarget(
  state: RolloutState | undefined,
  traffic: TrafficTarget[],
): { revision: string; tag: string } | undefined {
  if (state?.phase !== 'promoted' || !state.previousTag) return undefined;
  const { previousTag: tag, stable } = state;
  const routed = traffic.some((t) => !t.latestRevision && t.tag === tag && t.revisionName === stable.revision);
  return routed ? { revision: stable.revision, tag } : undefined;
}

/**
 * Revision annotation changes that make bgctl's no-gc marks match `state` over `traffic`; a no-gc without the mark
 * is someone else's and stays; revisions in `skip` are not touched.
 */
export function noGcRepairs(
  revisions: Revision[],
  state: RolloutState | undefined,
  traffic: TrafficTarget[],
  skip: ReadonlySet<string> = new Set(),
): RevisionAnnotationChange[] {
  const target = rollbackTarget(state, traffic);
  const out: RevisionAnnotationChange[] = [];
  for (const r of revisions) {
    const name = r.metadata.name;
    if (skip.has(name)) continue;
    const ann = r.metadata.annotations ?? {};
    const mark = ann[ROLLBACK_TAG_ANNOTATION];
    if (target && name === target.revision) {
      if (ann[KnativeLabels.noGc] === 'true' && mark === undefined) continue;
      if (ann[KnativeLabels.noGc] !== 'true' || mark !== target.tag)
        out.push({
          revision: name,
          annotations: { [KnativeLabels.noGc]: 'true', [ROLLBACK_TAG_ANNOTATION]: target.tag },
        });
    } else if (mark !== undefined) {
      out.push({ revision: name, annotations: { [KnativeLabels.noGc]: null, [ROLLBACK_TAG_ANNOTATION]: null } });
    }
  }
  return out;
}

/** Both lists as one change per revision (the second wins), no-gc gains first: protect before releasing. */
export function mergeRevisionChanges(
  first: RevisionAnnotationChange[],
  second: RevisionAnnotationChange[],
): RevisionAnnotationChange[] {
  const byRevision = new Map<string, Record<string, string | null>>();
  for (const c of [...first, ...second])
    byRevision.set(c.revision, { ...byRevision.get(c.revision), ...c.annotations });
  const merged = [...byRevision].map(([revision, annotations]) => ({ revision, annotations }));
  const protects = (c: RevisionAnnotationChange) => (c.annotations[KnativeLabels.noGc] === 'true' ? 0 : 1);
  return merged.sort((a, b) => protects(a) - protects(b));
}

/** What a repair fixes, for `status`: "revision hello-00001 lacks no-gc as the rollback target". */
export function describeRepair(c: RevisionAnnotationChange): string {
  return c.annotations[KnativeLabels.noGc] === 'true'
    ? `revision ${c.revision} lacks ${KnativeLabels.noGc} as the rollback target`
    : `revision ${c.revision} keeps ${KnativeLabels.noGc} set by bgctl though it is no longer the rollback target`;
}
