// The ServiceStatus document of `status SERVICE`: traffic, rollout, warnings, conditions, revisions, next command.
import { document } from '../document.js';
import { KnativeLabels, condition, type Condition, type KnativeService, type Revision } from '../knative-types.js';
import { gradualRollouts, rolloutDuration } from '../gradual-rollout.js';
import { describeRepair, noGcRepairs } from '../rollback-target.js';
import { nextAction } from '../phase.js';
import { DefaultTags } from '../plan-types.js';
import { isInProgress, readState } from '../state.js';
import { normalizeTraffic } from '../traffic.js';
import { ready, trafficRows } from './rows.js';
import { deriveRollout, type RolloutView } from './rollout-status.js';
import { revisionRows } from './revision-list.js';

/** `bgctl status` for one service. */
export function statusView(svc: KnativeService, revisions: Revision[] = []) {
  const rollout = deriveRollout(svc);
  const warnings: string[] = [];
  if (rollout.phase === 'unpinned')
    warnings.push('traffic follows the latest revision: the next deploy takes all traffic once Ready (bgctl pin)');
  if (rollout.drift.length) warnings.push(`traffic differs from the recorded rollout: ${rollout.drift.join('; ')}`);
  const noGc = revisions
    .filter((r) => r.metadata.annotations?.[KnativeLabels.noGc] === 'true')
    .map((r) => r.metadata.name);
  const repairs =
    rollout.phase === 'invalid-state'
      ? []
      : noGcRepairs(revisions, readState(svc).state, normalizeTraffic(svc.spec.traffic));
  if (repairs.length)
    warnings.push(
      `bookkeeping left undone by an earlier command: ${repairs.map(describeRepair).join('; ')}; ` +
        `the next bgctl write on this service repairs it (bgctl cleanup ${svc.metadata.name} --yes)`,
    );
  return document('ServiceStatus', {
    name: svc.metadata.name,
    namespace: svc.metadata.namespace,
    url: svc.status?.url,
    ready: ready(svc),
    latestCreatedRevisionName: svc.status?.latestCreatedRevisionName,
    latestReadyRevisionName: svc.status?.latestReadyRevisionName,
    traffic: trafficRows(svc),
    rollout,
    // Knative's own gradual rollout in flight (rollout-duration), empty when none.
    gradualRollout: gradualRollouts(svc),
    rolloutDuration: rolloutDuration(svc),
    protectedRevisions: noGc,
    warnings,
  });
}

/** Conditions whose status is not True, Ready first (what a person must look at). */
export function conditionsNotTrue(obj: { status?: { conditions?: Condition[] } }): Condition[] {
  const all = (obj.status?.conditions ?? []).filter((c) => c.status !== 'True');
  return all.sort((a, b) => (a.type === 'Ready' ? -1 : b.type === 'Ready' ? 1 : a.type.localeCompare(b.type)));
}

const q = (s: string) => (/^[A-Za-z0-9._/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The command a person most likely runs next, from the rollout phase and the traffic shape. */
export function nextCommand(
  svc: KnativeService,
  rollout: RolloutView = deriveRollout(svc),
): { command: string; why: string } | undefined {
  const name = q(svc.metadata.name);
  const ns = svc.metadata.namespace && svc.metadata.namespace !== 'default' ? ` -n ${q(svc.metadata.namespace)}` : '';
  const cmd = (s: string) => `bgctl ${s}${ns}`;
  if (rollout.phase === 'invalid-state')
    return { command: cmd(`rollout ${name} --take-over`), why: 'the recorded rollout state cannot be read' };
  if (rollout.drift.length && rollout.phase !== 'promoted')
    return { command: cmd(`rollback ${name}`), why: 'traffic no longer matches the recorded rollout' };
  const latestCreated = svc.status?.latestCreatedRevisionName;
  const latestReady = svc.status?.latestReadyRevisionName;
  switch (rollout.phase) {
    case 'unpinned':
      return { command: cmd(`pin ${name}`), why: 'pin the serving revision so the next deploy starts at 0%' };
    case 'deployed': {
      // A candidate that failed cannot be staged: point at the way back instead of a verb that refuses.
      const cand = rollout.candidate?.revisionName ?? latestCreated;
      const configs = condition(svc, 'ConfigurationsReady');
      if (cand && cand !== latestReady && configs?.status === 'False') {
        return {
          command: cmd(`rollback ${name}`),
          why:
            `revision ${cand} failed${configs.reason ? ` (${configs.reason})` : ''}: ` +
            'close the rollout, then deploy a fixed image',
        };
      }
      return { command: cmd(`stage ${name}`), why: 'route the new revision at 0% under a tag' };
    }
    case 'staged':
      return {
        command: cmd(`verify ${name} --tag ${q(rollout.candidate?.tag ?? DefaultTags.candidate)}`),
        why: 'test the candidate through its tag URL',
      };
    case 'verified':
    case 'split': {
      const st = readState(svc).state;
      const next = st && isInProgress(st.phase) ? nextAction(st) : undefined;
      if (next?.kind === 'split')
        return {
          command: cmd(`split ${name} --percent ${next.percent}`),
          why: `next step of the rollout: ${next.percent}% to the candidate`,
        };
      if (next?.kind === 'promote' && rollout.phase === 'verified' && !st?.percents.length) {
        return {
          command: cmd(`split ${name} --percent 50`),
          why: 'send part of the traffic to the candidate (or promote directly)',
        };
      }
      return { command: cmd(`promote ${name}`), why: 'send all traffic to the candidate' };
    }
    case 'promoted':
      return {
        command: cmd(`cleanup ${name}`),
        why: `drop old targets once you are sure (undo with bgctl rollback ${name})`,
      };
    case 'rolled-back':
    case 'aborted':
      // A closed rollout's candidate is not staged again: the next rollout starts with a new deploy.
      return {
        command: cmd(`deploy ${name} --image IMAGE`),
        why:
          `rollout ${rollout.id} is ${rollout.phase}: ` +
          `start a new one with a fixed image (bgctl cleanup ${name} drops its tags)`,
      };
    default: {
      // pinned, manual-split: a rollout can start when a newer revision is ready.
      const serving = new Set(
        trafficRows(svc)
          .filter((t) => t.percent > 0)
          .map((t) => t.revisionName),
      );
      if (
        latestCreated &&
        latestCreated === latestReady &&
        !serving.has(latestCreated) &&
        rollout.phase !== 'manual-split'
      ) {
        return { command: cmd(`stage ${name}`), why: `revision ${latestCreated} is ready and gets no traffic yet` };
      }
      return { command: cmd(`deploy ${name} --image IMAGE`), why: 'start a rollout with a new revision' };
    }
  }
}

/** `status SERVICE`: statusView's ServiceStatus plus conditions not True, revisions and the next command. */
export function serviceStatusView(svc: KnativeService, revisions: readonly Revision[] = []) {
  const base = statusView(svc, [...revisions]);
  const next = nextCommand(svc, base.rollout);
  return {
    ...base,
    conditions: conditionsNotTrue(svc),
    revisions: revisionRows(svc, revisions),
    ...(next ? { next } : {}),
  };
}
