// One line per step on stderr saying what happens and why: the unattended run's (and the demo's)
// running commentary, followed by the equivalent step command. Sentences name revisions, images and
// reasons read from the cluster: each line is escaped by printable() before it is colored.
import type { KnativeService } from '../../core/knative-types.js';
import type { Intent } from '../../core/plan-types.js';
import { isInProgress, readState, type RolloutState } from '../../core/state.js';
import { isUnpinned } from '../../core/traffic.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { printable } from '../../ui/sanitize.js';
import type { SessionView } from './session.js';

function servingOf(svc: KnativeService | undefined): string {
  const traffic = svc?.spec.traffic ?? [];
  const routed = traffic.filter((t) => (t.percent ?? 0) > 0);
  if (routed.length === 1 && routed[0].revisionName) return routed[0].revisionName;
  return svc?.status?.latestReadyRevisionName ?? 'the current revision';
}

/** "all traffic", unless a revision outside the rollout keeps percent (rollback and abort leave it, with a warning). */
function backTo(svc: KnativeService | undefined, st: RolloutState | undefined): string {
  const own = [st?.stable.revision, st?.candidate.revision];
  const elsewhere = (svc?.spec.traffic ?? []).some((t) => (t.percent ?? 0) > 0 && !own.includes(t.revisionName));
  return st && elsewhere ? "the rollout's traffic" : 'all traffic';
}

/** The sentence for one step, from the intent and the state recorded before it. */
export function narration(intent: Intent, svc: KnativeService | undefined): string {
  const recorded: RolloutState | undefined = svc ? readState(svc).state : undefined;
  // Only an open rollout's record describes the service now: a closed one's stable is the revision
  // its promote replaced, so a step opening a new rollout (pin, deploy, staging an existing
  // revision) names the revision spec.traffic routes to now.
  const st = recorded && isInProgress(recorded.phase) ? recorded : undefined;
  const stable = st?.stable.revision ?? servingOf(svc);
  const cand = st?.candidate.revision ?? svc?.status?.latestCreatedRevisionName ?? 'the new revision';
  switch (intent.kind) {
    case 'pin':
      return (
        `Pinning traffic to ${intent.revision ?? stable} by name, ` +
        'so the next deploy does not take traffic the moment it is ready.'
      );
    case 'deploy': {
      const what = [
        intent.image,
        ...(intent.env ?? []).map((e) => ('remove' in e ? `without ${e.name}` : `${e.name}=${e.value}`)),
      ]
        .filter(Boolean)
        .join(', ');
      const pin =
        svc && isUnpinned(svc)
          ? ` The service follows its latest revision, so the same write pins ${stable} first.`
          : '';
      return (
        `Deploying ${what || 'the new template'} as a new revision; ` +
        `traffic stays on ${stable}, so the new revision starts at 0%.${pin}`
      );
    }
    case 'stage':
      return (
        `Staging ${intent.revision ?? cand} at 0% under tag "${intent.tag ?? st?.candidate.tag ?? 'candidate'}": ` +
        `it gets its own URL to test while the main URL keeps serving ${stable}.`
      );
    case 'verify':
      return `Verifying ${cand} through its tag URL before any user traffic reaches it.`;
    case 'split':
      return (
        `Sending ${intent.percent}% of traffic to ${cand} (${stable} keeps ${100 - (intent.percent ?? 0)}%): ` +
        'real users reach the new revision while rollback stays one step away.'
      );
    case 'promote':
      return intent.retire
        ? `Promoting ${cand} to 100%; ${stable} leaves the traffic list, so Knative may garbage-collect it.`
        : `Promoting ${cand} to 100%; ${stable} stays routable at 0% ` +
            `under tag "${intent.previousTag ?? st?.previousTag ?? 'previous'}" for an instant rollback.`;
    case 'rollback':
      return (
        `Rolling back: ${backTo(svc, st)} returns to ${stable}; ` +
        `${cand} stays reachable under its tag for debugging.`
      );
    case 'abort':
      return (
        `Aborting the rollout: ${backTo(svc, st)} returns to ${stable} ` +
        `and the rollout is closed${intent.reason ? ` (${intent.reason})` : ''}.`
      );
    case 'cleanup':
      return 'Cleaning up traffic entries bgctl no longer needs.';
  }
}

/** The unattended view: a narrated line and the equivalent command per step; plans are not printed. */
export function narratedView(io: IOStreams): SessionView {
  const c = io.colors();
  const arrow = io.unicodeEnabled() ? '→' : '->';
  return {
    announce(intent, command, svc) {
      io.err.write(`${c.bold(arrow)} ${printable(narration(intent, svc))}\n`);
      io.err.write(c.muted(`  $ ${printable(command)}`) + '\n');
    },
    plan(plan) {
      for (const n of plan.notices) io.err.write(c.muted(`  ${printable(n)}`) + '\n');
      for (const w of plan.warnings) io.err.write(c.warn(`  Warning: ${printable(w)}`) + '\n');
    },
    note(line) {
      io.err.write(printable(line) + '\n');
    },
  };
}
