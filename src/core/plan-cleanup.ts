// cleanup: drop what no longer routes; never the last rollback target unless forced.
import { KnativeLabels } from './knative-types.js';
import type { Intent } from './plan-types.js';
import { bgctlPairs, pair } from './plan-ownership.js';
import type { Draft, Work } from './plan-work.js';
import { noGcRepairs } from './rollback-target.js';
import { isInProgress } from './state.js';
import { isFloating } from './traffic.js';

/** The preview of a cleanup: which targets go, which revisions could be deleted. */
export function planCleanup(w: Work, intent: Extract<Intent, { kind: 'cleanup' }>): Draft {
  const pairs = bgctlPairs(w);
  const st = w.state;
  const active = new Set<string>();
  if (st && isInProgress(st.phase)) {
    active.add(pair(st.stable.tag, st.stable.revision));
    if (st.candidate.revision) active.add(pair(st.candidate.tag, st.candidate.revision));
  }
  // The last rollback target: the old stable kept under its previous tag by the latest promote.
  const rollbackTarget =
    st?.phase === 'promoted' && st.previousTag ? pair(st.previousTag, st.stable.revision) : undefined;
  const desired = w.before.filter((t) => {
    if ((t.percent ?? 0) > 0) return true;
    if (!t.tag) {
      w.notices.push(`removing untagged 0% target ${isFloating(t) ? '(latestRevision)' : `"${t.revisionName}"`}`);
      return false;
    }
    const key = pair(t.tag, t.revisionName);
    if (isFloating(t) || !pairs.has(key) || active.has(key)) return true;
    if (key === rollbackTarget && !intent.force) {
      w.notices.push(
        `keeping tag "${t.tag}" on "${t.revisionName}": ` +
          `it is the rollback target of rollout ${st?.id} (use --force to remove it)`,
      );
      return true;
    }
    if (key === rollbackTarget)
      w.warnings.push(
        `removing the last rollback target "${t.revisionName}" (tag "${t.tag}"): ` +
          'bgctl rollback will no longer be instant',
      );
    w.notices.push(`removing retired tag "${t.tag}" from revision "${t.revisionName}"`);
    return false;
  });
  const deleteRevisions: string[] = [];
  if (intent.deleteRevisions) {
    const routed = new Set(desired.filter((t) => !isFloating(t)).map((t) => t.revisionName as string));
    const keep = new Set([
      w.svc.status?.latestReadyRevisionName,
      w.svc.status?.latestCreatedRevisionName,
      st && isInProgress(st.phase) ? st.stable.revision : undefined,
      st?.candidate.revision && isInProgress(st.phase) ? st.candidate.revision : undefined,
    ]);
    // A no-gc that bookkeeping takes away (core/rollback-target.ts) no longer keeps its revision.
    const unGc = new Set(
      noGcRepairs(w.revisions, st, desired)
        .filter((c) => c.annotations[KnativeLabels.noGc] === null)
        .map((c) => c.revision),
    );
    for (const rev of w.revisions) {
      const name = rev.metadata.name;
      if (routed.has(name) || keep.has(name)) continue;
      if (rev.metadata.annotations?.[KnativeLabels.noGc] === 'true' && !unGc.has(name)) {
        w.notices.push(`keeping revision "${name}": it is annotated ${KnativeLabels.noGc}=true`);
        continue;
      }
      deleteRevisions.push(name);
    }
    deleteRevisions.sort();
  }
  return { desired, state: st, deleteRevisions };
}
