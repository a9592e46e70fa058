// The rollout record's `gates` verdict belongs to the traffic it judged: a later traffic move without a verdict
// drops it (an earlier level's pass must not stand for a level that failed or was never judged).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { advance } from '../../src/core/plan-bookkeeping.js';
import type { Work } from '../../src/core/plan-work.js';
import type { Intent } from '../../src/core/plan-types.js';
import type { RolloutState } from '../../src/core/state.js';

const st: RolloutState = {
  id: 'hello-1',
  phase: 'split',
  stable: { revision: 'hello-00001', tag: 'stable' },
  candidate: { revision: 'hello-00002', tag: 'candidate' },
  percents: [20, 50, 100],
  levelIndex: 0,
  percent: 20,
  startedBy: 'a',
  startedAt: '2026-12-07T00:00:00Z',
  updatedBy: 'a',
  updatedAt: '2026-12-07T00:00:00Z',
  gates: { verdict: 'pass', evaluations: 6 },
};
const work = (intent: Intent) => ({ intent, ctx: { actor: 'b', now: '2026-12-07T01:00:00Z' } }) as unknown as Work;

describe('the gates verdict in the rollout record', () => {
  test('a step carrying a verdict records it', () => {
    const next = advance(work({ kind: 'promote', gates: { verdict: 'fail', evaluations: 2 } }), st, {});
    assert.deepEqual(next.gates, { verdict: 'fail', evaluations: 2 });
  });
  test('a traffic move without a verdict drops the earlier one', () => {
    for (const kind of ['split', 'promote', 'rollback', 'abort'] as const)
      assert.equal(advance(work({ kind } as Intent), st, {}).gates, undefined, kind);
  });
  test('a step that moves no traffic keeps it', () => {
    assert.deepEqual(advance(work({ kind: 'verify' }), st, {}).gates, st.gates);
  });
});
