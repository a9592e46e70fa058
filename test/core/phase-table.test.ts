import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BgctlError } from '../../src/core/errors.js';
import type { TrafficTarget } from '../../src/core/knative-types.js';
import {
  ACTION_ORDER,
  allowedTransitions,
  beyondUntil,
  PHASE_RECORDED_BY,
  STEP_FOLLOWS,
  stepMayFollow,
  UNTIL_PHASES,
  type ActionKind,
  type UntilPhase,
} from '../../src/core/phase-table.js';
import { nextAction } from '../../src/core/phase.js';
import type { Intent } from '../../src/core/plan-types.js';
import { ROLLOUT_PHASES, type RolloutPhase } from '../../src/core/state.js';
import { revs, run, state, svc } from './fixtures.js';

const t = (tag: string | undefined, n: number, percent: number): TrafficTarget => ({
  ...(tag ? { tag } : {}),
  revisionName: `hello-0000${n}`,
  latestRevision: false,
  percent,
});

/** A service whose traffic matches a rollout recorded at `phase` (no drift). */
function at(phase: RolloutPhase) {
  if (phase === 'deployed')
    return svc({
      traffic: [t(undefined, 1, 100)],
      latestCreated: 'hello-00002',
      latestReady: 'hello-00002',
      state: state({ phase, candidate: { tag: 'candidate' } }),
    });
  if (phase === 'split')
    return svc({ traffic: [t('stable', 1, 50), t('candidate', 2, 50)], state: state({ phase, percent: 50 }) });
  if (phase === 'promoted')
    return svc({
      traffic: [t('candidate', 2, 100), t('previous', 1, 0)],
      state: state({ phase, percent: 100, previousTag: 'previous' }),
    });
  return svc({ traffic: [t('stable', 1, 100), t('candidate', 2, 0)], state: state({ phase }) });
}

const intents: Record<keyof typeof STEP_FOLLOWS, Intent> = {
  stage: { kind: 'stage', rolloutId: 'hello-1' },
  verify: { kind: 'verify', rolloutId: 'hello-1' },
  split: { kind: 'split', percent: 60, rolloutId: 'hello-1' },
  promote: { kind: 'promote', rolloutId: 'hello-1' },
  abort: { kind: 'abort', rolloutId: 'hello-1' },
};
const OPEN: RolloutPhase[] = ['deployed', 'staged', 'verified', 'split'];

describe('phase table: order', () => {
  test('a rollout deploys, stages, verifies, splits, promotes, in that order', () => {
    assert.deepEqual([...ACTION_ORDER], ['deploy', 'stage', 'verify', 'split', 'promote', 'done']);
  });
  test('each step records its own phase', () => {
    assert.deepEqual(PHASE_RECORDED_BY, {
      deploy: 'deployed',
      stage: 'staged',
      verify: 'verified',
      split: 'split',
      promote: 'promoted',
      rollback: 'rolled-back',
      abort: 'aborted',
    });
  });
  test('the phase machine walks the table forward: each next action ranks after the one before', () => {
    const walk: Array<{ st?: ReturnType<typeof state>; want: ActionKind }> = [
      { st: undefined, want: 'deploy' },
      { st: state({ phase: 'deployed', candidate: { tag: 'candidate' } }), want: 'stage' },
      { st: state({ phase: 'staged', percents: [10, 50] }), want: 'verify' },
      { st: state({ phase: 'verified', percents: [10, 50] }), want: 'split' },
      { st: state({ phase: 'split', percents: [10, 50], levelIndex: 1, percent: 50 }), want: 'promote' },
      { st: state({ phase: 'promoted', percent: 100 }), want: 'done' },
    ];
    assert.deepEqual(
      walk.map((w) => nextAction(w.st).kind),
      walk.map((w) => w.want),
    );
    assert.deepEqual(
      walk.map((w) => ACTION_ORDER.indexOf(nextAction(w.st).kind)),
      [0, 1, 2, 3, 4, 5],
    );
  });
});

describe('phase table: --until', () => {
  test('names exactly staged, verified, split, promoted, each with the action that records it', () => {
    assert.deepEqual(UNTIL_PHASES, { staged: 'stage', verified: 'verify', split: 'split', promoted: 'promote' });
    for (const [phase, action] of Object.entries(UNTIL_PHASES))
      assert.equal(PHASE_RECORDED_BY[action as keyof typeof PHASE_RECORDED_BY], phase);
  });
  const stops: Record<UntilPhase, ActionKind[]> = {
    staged: ['verify', 'split', 'promote'],
    verified: ['split', 'promote'],
    split: ['promote'],
    promoted: [],
  };
  for (const [until, beyond] of Object.entries(stops) as Array<[UntilPhase, ActionKind[]]>) {
    test(`--until ${until} stops before ${beyond.join(', ') || 'nothing'}`, () => {
      for (const action of ACTION_ORDER)
        assert.equal(beyondUntil(until, action), beyond.includes(action), `${until} / ${action}`);
    });
  }
});

describe('phase table: transitions, checked against the planners', () => {
  for (const phase of OPEN) {
    for (const step of Object.keys(STEP_FOLLOWS) as Array<keyof typeof STEP_FOLLOWS>) {
      const allowed = stepMayFollow(step, phase);
      test(`${step} ${allowed ? 'follows' : 'is refused at'} ${phase}`, () => {
        let recorded: RolloutPhase | undefined;
        let refusal: BgctlError | undefined;
        try {
          recorded = run(at(phase), revs(2), intents[step]).state?.phase;
        } catch (err) {
          if (!(err instanceof BgctlError)) throw err;
          refusal = err;
        }
        if (!allowed) {
          assert.equal(refusal?.reason, 'WrongPhase', refusal?.message ?? `planned ${recorded}`);
          return;
        }
        assert.equal(refusal, undefined, refusal?.message);
        assert.ok(
          recorded && allowedTransitions(phase).includes(recorded),
          `${phase} -> ${recorded} not in ${allowedTransitions(phase).join(',')}`,
        );
      });
    }
  }
  test('a failed verification takes verified back to staged, as the table allows', () => {
    const p = run(at('verified'), revs(2), { kind: 'verify', rolloutId: 'hello-1', failed: '500s' });
    assert.equal(p.state?.phase, 'staged');
    assert.ok(allowedTransitions('verified').includes('staged'));
    assert.ok(!allowedTransitions('split').includes('staged'));
  });
  test('a closed rollout leads only to a new one, a repeat, or (promoted) a rollback', () => {
    assert.deepEqual(allowedTransitions('aborted').sort(), ['aborted', 'deployed', 'staged']);
    assert.deepEqual(allowedTransitions('promoted').sort(), ['deployed', 'promoted', 'rolled-back', 'staged']);
    for (const phase of ROLLOUT_PHASES.filter((p) => !OPEN.includes(p))) {
      for (const step of Object.keys(STEP_FOLLOWS) as Array<keyof typeof STEP_FOLLOWS>)
        assert.equal(stepMayFollow(step, phase), false, `${step} after ${phase}`);
    }
  });
});
