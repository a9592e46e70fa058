// The record remembers the routing bgctl's last traffic write left (any other routing is someone
// else's change), a take-over adopts exactly the traffic the user saw, and the no-gc bookkeeping
// touches only the no-gc bgctl marked as its own.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError } from '../../src/core/errors.js';
import type { TrafficTarget } from '../../src/core/knative-types.js';
import { detectDrift, trafficKey } from '../../src/core/drift.js';
import { noGcRepairs } from '../../src/core/rollback-target.js';
import { rev, revs, run, state, svc, thrown } from './fixtures.js';

const t = (tag: string | undefined, n: number, percent: number): TrafficTarget => ({
  ...(tag ? { tag } : {}),
  revisionName: `hello-0000${n}`,
  latestRevision: false,
  percent,
});
const split10 = state({
  phase: 'split',
  percent: 10,
  percents: [10, 50],
  levelIndex: 0,
  routing: { 'hello-00001': 90, 'hello-00002': 10 },
});

describe('routing in the record', () => {
  test('a traffic step records the routing it writes; verify does not', () => {
    const staged = state({ routing: { 'hello-00001': 100 } });
    const p = run(svc({ traffic: [t('stable', 1, 100), t('candidate', 2, 0)], state: staged }), revs(2), {
      kind: 'split',
      percent: 10,
    });
    assert.deepEqual(p.state?.routing, { 'hello-00001': 90, 'hello-00002': 10 });
    const v = run(svc({ traffic: [t('stable', 1, 100), t('candidate', 2, 0)], state: staged }), revs(2), {
      kind: 'verify',
    });
    assert.deepEqual(v.state?.routing, { 'hello-00001': 100 });
  });

  test("stable's percent moved onto a revision outside the rollout is drift, though the candidate kept its 10%", () => {
    const traffic = [t('stable', 1, 60), t('candidate', 2, 10), t(undefined, 3, 30)];
    assert.deepEqual(detectDrift(svc({ traffic, state: split10 }), split10), [
      'revision "hello-00001" has 60%, bgctl left it 90%',
      'revision "hello-00003" has 30%, bgctl left it 0%',
    ]);
    const e = thrown(
      () => run(svc({ traffic, state: split10 }), revs(3), { kind: 'split', percent: 50 }),
      ConflictError,
      'Drift',
    );
    assert.match(e.message, /will not split: .*revision "hello-00003" has 30%/);
  });

  test("stable's percent moved onto an untagged entry of the same revision is no drift (the routing is the same)", () => {
    const traffic = [t('stable', 1, 40), t(undefined, 1, 50), t('candidate', 2, 10)];
    assert.deepEqual(detectDrift(svc({ traffic, state: split10 }), split10), []);
  });

  test('a take-over adopts exactly the traffic it names, and any traffic when it names none', () => {
    const drifted = svc({ traffic: [t('stable', 1, 70), t('candidate', 2, 30)], state: split10 });
    assert.equal(
      run(drifted, revs(2), { kind: 'split', percent: 50, adoptTraffic: { trafficKey: trafficKey(drifted) } }).state
        ?.percent,
      50,
    );
    assert.equal(run(drifted, revs(2), { kind: 'split', percent: 50, adoptTraffic: {} }).state?.percent, 50);
    const seen = svc({ traffic: [t('stable', 1, 100), t('candidate', 2, 0)], state: split10 });
    thrown(
      () => run(drifted, revs(2), { kind: 'promote', adoptTraffic: { trafficKey: trafficKey(seen) } }),
      ConflictError,
      'Drift',
    );
  });
});

describe('no-gc bookkeeping', () => {
  const promoted = state({ phase: 'promoted', percent: 100, previousTag: 'previous' });
  const traffic = [t('candidate', 2, 100), t('previous', 1, 0)];

  test('the rollback target gets no-gc and the mark; a marked revision that is no longer the target loses both', () => {
    assert.deepEqual(noGcRepairs([rev('hello-00001'), rev('hello-00002')], promoted, traffic), [
      {
        revision: 'hello-00001',
        annotations: { 'serving.knative.dev/no-gc': 'true', 'bgctl.dev/rollback-tag': 'previous' },
      },
    ]);
    const rolledBack = state({ phase: 'rolled-back', percent: 0 });
    assert.deepEqual(
      noGcRepairs([rev('hello-00001', { noGc: true, rollbackTag: 'previous' })], rolledBack, [t('stable', 1, 100)]),
      [{ revision: 'hello-00001', annotations: { 'serving.knative.dev/no-gc': null, 'bgctl.dev/rollback-tag': null } }],
    );
  });

  test("a no-gc without bgctl's mark is someone else's: never added to, never removed, and cleanup keeps the revision", () => {
    const rolledBack = state({ phase: 'rolled-back', percent: 0 });
    assert.deepEqual(
      noGcRepairs([rev('hello-00002', { noGc: true })], rolledBack, [t('stable', 1, 100), t('candidate', 2, 0)]),
      [],
    );
    assert.deepEqual(
      noGcRepairs([rev('hello-00001', { noGc: true })], promoted, traffic),
      [],
      'already protected by someone: left as it is',
    );
    const s = svc({
      traffic: [t('stable', 1, 100), t('candidate', 2, 0)],
      state: rolledBack,
      latestReady: 'hello-00003',
    });
    const p = run(s, [rev('hello-00001'), rev('hello-00002', { noGc: true }), rev('hello-00003')], {
      kind: 'cleanup',
      deleteRevisions: true,
    });
    assert.deepEqual(p.revisionAnnotations, []);
    assert.ok(!p.deleteRevisions.includes('hello-00002'), `deletes ${p.deleteRevisions.join(', ')}`);
  });
});
