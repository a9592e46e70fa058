// The planners' working set, what a planner decides (Draft), and the revision checks every planner makes.
import type { TemplateDifference } from './template-diff.js';
import type { KnativeService, Revision, RevisionTemplate, TrafficTarget } from './knative-types.js';
import { RefusedError } from './errors.js';
import type { Intent, PlanContext, RevisionAnnotationChange } from './plan-types.js';
import { readState, type RolloutState, type StateRead } from './state.js';
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
  const w: Work = {
    svc,
    name: svc.metadata.name,
    revisions,
    intent,
    ctx,
    before: normalizeTraffic(svc.spec.traffic),
    read,
    state: read.state,
    history: read.history,
    warnings: [],
    notices: [],
  };
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
    throw new RefusedError(`${role}revision "${name}" not found for service "${w.name}"`, {
      reason: 'RevisionNotFound',
      hint: `list revisions with: bgctl revisions ${w.name}`,
    });
  }
  const owner = revisionService(rev);
  if (owner !== w.name) {
    // Knative 1.21+ fails the Route with RevisionNotOwned; older clusters would route it anyway.
    const msg = owner
      ? `revision "${name}" belongs to service "${owner}", not "${w.name}"`
      : `revision "${name}" does not belong to service "${w.name}"`;
    throw new RefusedError(msg, { reason: 'RevisionNotOwned', hint: `list revisions with: bgctl revisions ${w.name}` });
  }
  if (opts.ready) {
    const ready = revisionReady(rev);
    if (ready.status !== 'True') {
      const why =
        ready.status === 'False'
          ? `failed${ready.message ? `: ${ready.message}` : ''}`
          : `is not Ready yet${ready.reason ? ` (${ready.reason})` : ''}`;
      // Any not-Ready target blocks the whole Route update, even at 0%.
      throw new RefusedError(`${role}revision "${name}" ${why}`, {
        reason: 'RevisionNotReady',
        hint: ready.status === 'False' ? 'fix the template and deploy again' : 'wait for it: bgctl status ' + w.name,
      });
    }
  }
  return rev;
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
      for (const r of [...g.from, g])
        shares.set(
          r.revisionName,
          (shares.get(r.revisionName) ?? 0) + Math.round((r.percent * t.percent) / (g.targetPercent || 100)),
        );
      continue;
    }
    const rev = isFloating(t) ? w.svc.status?.latestReadyRevisionName : t.revisionName;
    if (!rev)
      throw new RefusedError(`service "${w.name}" has no ready revision yet`, {
        reason: 'NoReadyRevision',
        hint: `wait for it: bgctl status ${w.name}`,
      });
    shares.set(rev, (shares.get(rev) ?? 0) + t.percent);
  }
  if (shares.size === 1) return [...shares.keys()][0];
  const list = [...shares].map(([r, p]) => `${r} (${p}%)`).join(', ');
  const gradual = inFlight.length
    ? ` by Knative's gradual rollout (rollout-duration ${rolloutDuration(w.svc) ?? 'from config-network'})`
    : '';
  throw new RefusedError(
    `traffic of service "${w.name}" is split across ${list || 'no revision'}${gradual}; ` +
      'bgctl needs one stable revision',
    {
      reason: 'NoSingleStable',
      hint: gradual
        ? `wait until the rollout completes (bgctl status ${w.name}), ` +
          `or pin one now: bgctl pin ${w.name} --revision REVISION`
        : `pin one first: bgctl pin ${w.name} --revision REVISION`,
    },
  );
}
