// The rollout phase as text, shared by `status` and the live view of `status --watch`: the phase with its
// percent, rollout id, steps and actor, and the stable and candidate roles on a second line.
import type { RolloutView } from '../core/views/rollout-status.js';
import { printable } from './sanitize.js';

function roleTags(r: RolloutView): string {
  const part = (label: string, v?: { revisionName?: string; tag: string }) =>
    v ? `${label} ${v.revisionName ?? '(not staged)'} [${v.tag}]` : '';
  return [part('stable', r.stable), part('candidate', r.candidate)].filter(Boolean).join(' -> ');
}

/** The rollout phase (and roles on a second line), cluster strings escaped by printable(). */
export function describeRollout(r: RolloutView): string {
  const [head, roles] = rolloutLines(r);
  return printable(head) + (roles ? `\n  ${printable(roles)}` : '');
}

/** The phase line and, when a rollout is recorded, the roles line (raw cluster strings). */
export function rolloutLines(r: RolloutView): [string, string?] {
  switch (r.phase) {
    case 'unpinned':
      return ['unpinned (traffic follows the latest revision)'];
    case 'pinned':
      return ['pinned (no rollout recorded)'];
    case 'manual-split':
      return ['manual split (no rollout recorded)'];
    case 'invalid-state':
      return [`invalid rollout state: ${r.error ?? 'unreadable'}`];
    default: {
      const pct = r.phase === 'split' ? ` ${r.percent}% to the candidate` : '';
      const steps = r.percents && r.percents.length ? `, percents ${r.percents.join(',')}` : '';
      const by = r.updatedBy ? `, by ${r.updatedBy}` : '';
      const why = r.reason ? `: ${r.reason}` : '';
      return [`${r.phase}${pct} (rollout ${r.id}${steps}${by})${why}`, r.stable ? roleTags(r) : undefined];
    }
  }
}
