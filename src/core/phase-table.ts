// The one table of a rollout's order: next action, which step may follow which phase, the phase each step
// records, and what `--until` may name.
import type { RolloutPhase } from './state.js';

/** What a rollout does next, in the order it does it (`done` ends it). */
export const ACTION_ORDER = ['deploy', 'stage', 'verify', 'split', 'promote', 'done'] as const;
export type ActionKind = (typeof ACTION_ORDER)[number];

/** The steps a rollout is made of, each with the phase it records. */
export const PHASE_RECORDED_BY = {
  deploy: 'deployed',
  stage: 'staged',
  verify: 'verified',
  split: 'split',
  promote: 'promoted',
  rollback: 'rolled-back',
  abort: 'aborted',
} as const satisfies Record<string, RolloutPhase>;
export type RolloutStepKind = keyof typeof PHASE_RECORDED_BY;

/** The recorded phases each step of an open rollout may follow (else WrongPhase); deploy and rollback differ. */
export const STEP_FOLLOWS = {
  stage: ['deployed', 'staged', 'verified'],
  verify: ['staged', 'verified', 'split'],
  split: ['staged', 'verified', 'split'],
  promote: ['staged', 'verified', 'split'],
  abort: ['deployed', 'staged', 'verified', 'split'],
} as const satisfies Record<string, readonly RolloutPhase[]>;

/** Whether `step` may follow an open rollout recorded at `phase`. */
export function stepMayFollow(step: keyof typeof STEP_FOLLOWS, phase: RolloutPhase): boolean {
  return (STEP_FOLLOWS[step] as readonly RolloutPhase[]).includes(phase);
}

/**
 * Phases reachable from `phase` in one step: from an open phase, the next steps' phases, `deployed`, `rolled-back`
 * and `verified` → `staged`; from a closed one a new rollout, a repeat, or `promoted` → `rolled-back`.
 */
export function allowedTransitions(phase: RolloutPhase): RolloutPhase[] {
  const steps = Object.keys(STEP_FOLLOWS) as Array<keyof typeof STEP_FOLLOWS>;
  const open = steps.filter((s) => stepMayFollow(s, phase)).map((s) => PHASE_RECORDED_BY[s]);
  if (open.length === 0)
    return [
      ...new Set<RolloutPhase>([
        'deployed',
        'staged',
        phase,
        ...(phase === 'promoted' ? ['rolled-back' as const] : []),
      ]),
    ];
  return [
    ...new Set<RolloutPhase>([
      ...open,
      'deployed',
      'rolled-back',
      ...(phase === 'verified' ? ['staged' as const] : []),
    ]),
  ];
}

/** The phases `--until` may name, each with the action that records it. */
export const UNTIL_PHASES = {
  staged: 'stage',
  verified: 'verify',
  split: 'split',
  promoted: 'promote',
} as const satisfies Record<string, ActionKind>;
export type UntilPhase = keyof typeof UNTIL_PHASES;

export function actionRank(kind: ActionKind): number {
  return ACTION_ORDER.indexOf(kind);
}

/** True when `next` lies beyond `--until`: `--until split` stops before promote, and so on (`done` never does). */
export function beyondUntil(until: UntilPhase, next: ActionKind): boolean {
  return next !== 'done' && actionRank(next) > actionRank(UNTIL_PHASES[until]);
}

/** The actions that move user traffic: the wizard asks before each, and `--pause` waits before each. */
export function movesUserTraffic(kind: ActionKind): boolean {
  return kind === 'split' || kind === 'promote';
}
