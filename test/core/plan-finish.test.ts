import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, RefusedError, UsageError } from '../../src/core/errors.js';
import type { TrafficTarget } from '../../src/core/knative-types.js';
import { decodeHistory, StateAnnotations, type RolloutState } from '../../src/core/state.js';
import { rev, revs, run, short, state, svc, thrown } from './fixtures.js';

const t = (tag: string | undefined, n: number, percent: number): TrafficTarget => ({
  ...(tag ? { tag } : {}),
  revisionName: `hello-0000${n}`,
  latestRevision: false,
  percent,
});
const split50 = [t('stable', 1, 50), t('candidate', 2, 50)];
const promoted = [t('candidate', 2, 100), t('previous', 1, 0)];
const noGc = { 'serving.knative.dev/no-gc': 'true', 'bgctl.dev/rollback-tag': 'previous' };

describe('promote', () => {
  const cases: Array<{
    name: string;
    traffic?: TrafficTarget[];
    st?: RolloutState;
    history?: RolloutState[];
    revisions?: ReturnType<typeof rev>[];
    retire?: boolean;
    previousTag?: string;
    want: string[];
    revAnn: unknown[];
    notice?: RegExp;
    warning?: RegExp;
  }> = [
    {
      name: 'candidate takes all, old stays at 0% under previous with no-gc',
      want: ['candidate:hello-00002:100', 'previous:hello-00001:0'],
      revAnn: [{ revision: 'hello-00001', annotations: noGc }],
    },
    {
      name: '--retire drops the old revision',
      retire: true,
      want: ['candidate:hello-00002:100'],
      revAnn: [],
      notice: /retired revision "hello-00001"/,
    },
    {
      name: 'custom previous tag',
      previousTag: 'blue',
      want: ['candidate:hello-00002:100', 'blue:hello-00001:0'],
      revAnn: [{ revision: 'hello-00001', annotations: { ...noGc, 'bgctl.dev/rollback-tag': 'blue' } }],
    },
    {
      name: 'from staged (no split)',
      traffic: [t('stable', 1, 100), t('candidate', 2, 0)],
      st: state(),
      want: ['candidate:hello-00002:100', 'previous:hello-00001:0'],
      revAnn: [{ revision: 'hello-00001', annotations: noGc }],
    },
    {
      name: 'stable already protected: no revision change',
      revisions: [rev('hello-00001', { noGc: true }), rev('hello-00002')],
      want: ['candidate:hello-00002:100', 'previous:hello-00001:0'],
      revAnn: [],
    },
    {
      name: 'a foreign 0% tag stays in place; promote goes ahead',
      traffic: [t('stable', 1, 50), t('candidate', 2, 50), t('qa', 3, 0)],
      want: ['candidate:hello-00002:100', 'previous:hello-00001:0', 'qa:hello-00003:0'],
      revAnn: [{ revision: 'hello-00001', annotations: noGc }],
    },
    {
      name: 'a foreign tag on the stable revision moves its percent to the candidate',
      traffic: [t('stable', 1, 40), t('blue', 1, 10), t('candidate', 2, 50)],
      want: ['candidate:hello-00002:100', 'previous:hello-00001:0', 'blue:hello-00001:0'],
      revAnn: [{ revision: 'hello-00001', annotations: noGc }],
    },
    {
      name: 'the earlier rollback target under the same tag is retired and loses no-gc',
      traffic: [t('stable', 2, 50), t('candidate', 3, 50), t('previous', 1, 0)],
      st: state({
        id: 'b',
        phase: 'split',
        percent: 50,
        stable: { revision: 'hello-00002', tag: 'stable' },
        candidate: { revision: 'hello-00003', tag: 'candidate' },
      }),
      history: [state({ id: 'a', phase: 'promoted', percent: 100, previousTag: 'previous' })],
      revisions: [rev('hello-00001', { noGc: true, rollbackTag: 'previous' }), rev('hello-00002'), rev('hello-00003')],
      want: ['candidate:hello-00003:100', 'previous:hello-00002:0'],
      revAnn: [
        { revision: 'hello-00002', annotations: noGc },
        { revision: 'hello-00001', annotations: { 'serving.knative.dev/no-gc': null, 'bgctl.dev/rollback-tag': null } },
      ],
      notice: /retiring tag "previous" from revision "hello-00001"/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = run(
        svc({
          traffic: c.traffic ?? split50,
          state: c.st ?? state({ phase: 'split', percent: 50 }),
          history: c.history,
        }),
        c.revisions ?? revs(3),
        { kind: 'promote', retire: c.retire, previousTag: c.previousTag },
      );
      assert.deepEqual(short(p.desired), c.want);
      assert.deepEqual(p.revisionAnnotations, c.revAnn);
      assert.equal(p.state?.phase, 'promoted');
      assert.equal(p.state?.previousTag, c.retire ? undefined : (c.previousTag ?? 'previous'));
      const h = decodeHistory(p.annotations[StateAnnotations.history] as string);
      assert.equal(h[0].id, p.state?.id);
      assert.equal(h[0].phase, 'promoted');
      if (c.notice)
        assert.ok(
          p.notices.some((n) => c.notice!.test(n)),
          p.notices.join('\n'),
        );
      if (c.warning)
        assert.ok(
          p.warnings.some((n) => c.warning!.test(n)),
          p.warnings.join('\n'),
        );
    });
  }

  test('promote again is a no-op', () => {
    const p = run(
      svc({ traffic: promoted, state: state({ phase: 'promoted', percent: 100, previousTag: 'previous' }) }),
      [rev('hello-00001', { noGc: true }), rev('hello-00002')],
      { kind: 'promote' },
    );
    assert.equal(p.noop, true, JSON.stringify(p.annotations));
  });

  test('promote --retire again is a no-op and retires nothing', () => {
    const p = run(
      svc({ traffic: [t('candidate', 2, 100)], state: state({ phase: 'promoted', percent: 100 }) }),
      revs(2),
      { kind: 'promote', retire: true },
    );
    assert.equal(p.noop, true, JSON.stringify(p.annotations));
    assert.deepEqual(
      p.notices.filter((n) => /retired revision/.test(n)),
      [],
    );
  });

  const refusals: Array<{
    name: string;
    st?: RolloutState;
    traffic?: TrafficTarget[];
    revisions?: ReturnType<typeof rev>[];
    previousTag?: string;
    cls: any;
    reason: string;
    msg?: RegExp;
    hint?: RegExp;
  }> = [
    {
      name: 'before stage',
      st: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
      traffic: [t(undefined, 1, 100)],
      cls: RefusedError,
      reason: 'WrongPhase',
    },
    { name: 'no rollout', cls: RefusedError, reason: 'NoRollout' },
    { name: 'aborted rollout', st: state({ phase: 'aborted' }), cls: RefusedError, reason: 'NoRollout' },
    {
      name: 'candidate not ready',
      revisions: [rev('hello-00001'), rev('hello-00002', { ready: 'Unknown' })],
      cls: RefusedError,
      reason: 'RevisionNotReady',
    },
    { name: 'previous tag equals candidate tag', previousTag: 'candidate', cls: UsageError, reason: 'SameTags' },
    // The contract: after promote the main URL serves only the candidate, so foreign percent is a conflict.
    {
      name: 'a foreign tagged target carries traffic (kubectl gave ops 10%)',
      traffic: [t('stable', 1, 40), t('candidate', 2, 50), t('ops', 3, 10)],
      revisions: revs(3),
      cls: ConflictError,
      reason: 'ForeignTraffic',
      msg: /10% of the traffic of service "hello" goes to targets outside the rollout: revision "hello-00003" \(tag "ops"\) 10%.*only "hello-00002"/,
      hint: /set it to 0%.*bgctl promote hello again/,
    },
    {
      name: 'every foreign target with traffic is named, tagged or not',
      traffic: [t('stable', 1, 30), t('candidate', 2, 50), t(undefined, 3, 15), t('qa', 4, 5), t('idle', 5, 0)],
      revisions: revs(5),
      cls: ConflictError,
      reason: 'ForeignTraffic',
      msg: /20% .*revision "hello-00003" 15%, revision "hello-00004" \(tag "qa"\) 5%; after/,
    },
    {
      name: 'promote again after an old promote left foreign traffic',
      st: state({ phase: 'promoted', percent: 100, previousTag: 'previous' }),
      traffic: [t('candidate', 2, 90), t('previous', 1, 0), t('ops', 3, 10)],
      revisions: revs(3),
      cls: ConflictError,
      reason: 'ForeignTraffic',
    },
  ];
  for (const c of refusals) {
    test(`refuses: ${c.name}`, () => {
      const st = c.name === 'no rollout' ? undefined : (c.st ?? state({ phase: 'split', percent: 50 }));
      const e = thrown(
        () =>
          run(svc({ traffic: c.traffic ?? split50, state: st }), c.revisions ?? revs(2), {
            kind: 'promote',
            previousTag: c.previousTag,
          }),
        c.cls,
        c.reason,
      );
      if (c.msg) assert.match(e.message, c.msg);
      if (c.hint) assert.match(e.hint ?? '', c.hint);
    });
  }
});

describe('rollback and abort', () => {
  const cases: Array<{
    name: string;
    kind: 'rollback' | 'abort';
    traffic: TrafficTarget[];
    st: RolloutState;
    revisions?: ReturnType<typeof rev>[];
    want: string[];
    phase: string;
    warning?: RegExp;
    notice?: RegExp;
  }> = [
    {
      name: 'rollback after promote: instant, back to the kept revision',
      kind: 'rollback',
      traffic: promoted,
      st: state({ phase: 'promoted', percent: 100, previousTag: 'previous' }),
      want: ['stable:hello-00001:100', 'candidate:hello-00002:0'],
      phase: 'rolled-back',
    },
    {
      name: 'rollback during a split',
      kind: 'rollback',
      traffic: split50,
      st: state({ phase: 'split', percent: 50 }),
      want: ['stable:hello-00001:100', 'candidate:hello-00002:0'],
      phase: 'rolled-back',
    },
    {
      name: 'rollback keeps foreign percent',
      kind: 'rollback',
      traffic: [t('stable', 1, 40), t('candidate', 2, 50), t(undefined, 3, 10)],
      st: state({ phase: 'split', percent: 50 }),
      want: ['stable:hello-00001:90', 'candidate:hello-00002:0', ':hello-00003:10'],
      phase: 'rolled-back',
    },
    {
      name: 'rollback when the candidate was deleted drops its tag',
      kind: 'rollback',
      traffic: split50,
      st: state({ phase: 'split', percent: 50 }),
      revisions: [rev('hello-00001')],
      want: ['stable:hello-00001:100'],
      phase: 'rolled-back',
      warning: /candidate revision "hello-00002" no longer exists/,
    },
    {
      name: 'abort a split',
      kind: 'abort',
      traffic: split50,
      st: state({ phase: 'split', percent: 50 }),
      want: ['stable:hello-00001:100', 'candidate:hello-00002:0'],
      phase: 'aborted',
    },
    {
      name: 'abort right after deploy',
      kind: 'abort',
      traffic: [t(undefined, 1, 100)],
      st: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
      want: [':hello-00001:100'],
      phase: 'aborted',
      notice: /template still describes the new revision/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = run(svc({ traffic: c.traffic, state: c.st }), c.revisions ?? revs(3), { kind: c.kind });
      assert.deepEqual(short(p.desired), c.want);
      assert.equal(p.state?.phase, c.phase);
      assert.equal(p.state?.id, c.st.id);
      assert.match(p.state?.reason ?? '', c.kind === 'abort' ? /aborted by alice/ : /rolled back by alice/);
      const h = decodeHistory(p.annotations[StateAnnotations.history] as string);
      assert.deepEqual([h[0].id, h[0].phase], [c.st.id, c.phase]);
      if (c.warning)
        assert.ok(
          p.warnings.some((n) => c.warning!.test(n)),
          p.warnings.join('\n'),
        );
      if (c.notice)
        assert.ok(
          p.notices.some((n) => c.notice!.test(n)),
          p.notices.join('\n'),
        );
    });
  }

  test('rollback with a reason (the rollout after a failed verification) records that reason', () => {
    const p = run(svc({ traffic: [t('stable', 1, 100), t('candidate', 2, 0)], state: state() }), revs(2), {
      kind: 'rollback',
      reason: 'rolled back after failed verification: 2 of 2 requests failed',
    });
    assert.equal(p.state?.reason, 'rolled back after failed verification: 2 of 2 requests failed');
    assert.equal(decodeHistory(p.annotations[StateAnnotations.history] as string)[0].reason, p.state?.reason);
  });

  test('a failed verification takes back verified (staged again, failure in state and history); staged and split stay', () => {
    const staged = [t('stable', 1, 100), t('candidate', 2, 0)];
    const p = run(svc({ traffic: staged, state: state({ phase: 'verified' }) }), revs(2), {
      kind: 'verify',
      failed: 'verification of tag "candidate" failed: 3 of 3 requests failed',
    });
    assert.equal(p.trafficChanged, false);
    assert.deepEqual(
      [p.state?.phase, p.state?.reason],
      ['staged', 'verification of tag "candidate" failed: 3 of 3 requests failed'],
    );
    assert.equal(p.annotations[StateAnnotations.phase], 'staged');
    const h = decodeHistory(p.annotations[StateAnnotations.history] as string);
    assert.deepEqual([h[0].phase, h[0].reason], ['staged', p.state?.reason]);
    assert.equal(run(svc({ traffic: staged, state: state() }), revs(2), { kind: 'verify', failed: 'x' }).noop, true);
    assert.equal(
      run(svc({ traffic: split50, state: state({ phase: 'split', percent: 50 }) }), revs(2), {
        kind: 'verify',
        failed: 'x',
      }).noop,
      true,
    );
    // The next step moves past the setback: a pass (or a split) drops the reason.
    const again = run(svc({ traffic: staged, state: p.state }), revs(2), { kind: 'verify' });
    assert.deepEqual([again.state?.phase, again.state?.reason], ['verified', undefined]);
    const split = run(svc({ traffic: staged, state: p.state }), revs(2), { kind: 'split', percent: 50 });
    assert.equal(split.state?.reason, undefined);
  });

  test('rollback twice is a no-op', () => {
    const st = state({ phase: 'rolled-back', reason: 'rolled back by alice' });
    const p = run(svc({ traffic: [t('stable', 1, 100), t('candidate', 2, 0)], state: st }), revs(2), {
      kind: 'rollback',
    });
    assert.equal(p.noop, true);
  });
  test('rollback refuses without a recorded rollout', () => {
    thrown(
      () => run(svc({ traffic: [t(undefined, 1, 100)] }), revs(2), { kind: 'rollback' }),
      RefusedError,
      'NoRollout',
    );
  });
  test('rollback refuses when the stable revision is gone', () => {
    const e = thrown(
      () =>
        run(
          svc({ traffic: promoted, state: state({ phase: 'promoted', percent: 100, previousTag: 'previous' }) }),
          [rev('hello-00002')],
          { kind: 'rollback' },
        ),
      RefusedError,
      'RevisionNotFound',
    );
    assert.match(e.message, /stable revision "hello-00001" not found/);
  });
  test('abort refuses when nothing is open', () => {
    thrown(
      () =>
        run(svc({ traffic: promoted, state: state({ phase: 'promoted', percent: 100 }) }), revs(2), { kind: 'abort' }),
      RefusedError,
      'NoRollout',
    );
  });
  test('abort by a driver of another rollout is a conflict', () => {
    thrown(
      () =>
        run(svc({ traffic: split50, state: state({ phase: 'split', percent: 50 }) }), revs(2), {
          kind: 'abort',
          rolloutId: 'other',
        }),
      ConflictError,
      'RolloutChanged',
    );
  });
});

describe('cleanup', () => {
  // Rollout "old" promoted 1 -> 2, then "cur" promoted 2 -> 3; "x" was aborted with candidate 4 tagged v4.
  const old = state({ id: 'old', phase: 'promoted', percent: 100, previousTag: 'previous' });
  const x = state({
    id: 'x',
    phase: 'aborted',
    stable: { revision: 'hello-00002', tag: 'stable' },
    candidate: { revision: 'hello-00004', tag: 'v4' },
  });
  const cur = state({
    id: 'cur',
    phase: 'promoted',
    percent: 100,
    previousTag: 'previous',
    stable: { revision: 'hello-00002', tag: 'stable' },
    candidate: { revision: 'hello-00003', tag: 'candidate' },
  });
  const traffic = [t('candidate', 3, 100), t('previous', 2, 0), t(undefined, 1, 0), t('qa', 1, 0), t('v4', 4, 0)];
  const base = () => svc({ traffic, state: cur, history: [cur, x, old], latestReady: 'hello-00003' });
  // hello-00001's no-gc is someone else's; hello-00002's is bgctl's (the rollback target, marked).
  const revisions = () => [
    rev('hello-00001', { noGc: true }),
    rev('hello-00002', { noGc: true, rollbackTag: 'previous' }),
    rev('hello-00003'),
    rev('hello-00004'),
    rev('hello-00005'),
  ];

  test('drops untagged 0% targets and retired tags, keeps the rollback target and foreign tags', () => {
    const p = run(base(), revisions(), { kind: 'cleanup' });
    assert.deepEqual(short(p.desired), ['candidate:hello-00003:100', 'previous:hello-00002:0', 'qa:hello-00001:0']);
    assert.deepEqual(p.deleteRevisions, []);
    assert.deepEqual(p.revisionAnnotations, []);
    assert.ok(p.notices.some((n) => /keeping tag "previous" on "hello-00002": it is the rollback target/.test(n)));
    assert.ok(p.notices.some((n) => /removing retired tag "v4"/.test(n)));
    assert.equal(p.annotations[StateAnnotations.rollout], undefined, 'state untouched');
  });

  test('with --delete-revisions: lists unrouted revisions, never no-gc ones', () => {
    const withProtected = [...revisions().slice(0, 4), rev('hello-00005', { noGc: true }), rev('hello-00006')];
    const p = run(base(), withProtected, { kind: 'cleanup', deleteRevisions: true });
    assert.deepEqual(p.deleteRevisions, ['hello-00004', 'hello-00006']);
    assert.ok(
      p.notices.some((n) => /keeping revision "hello-00005": it is annotated serving.knative.dev\/no-gc=true/.test(n)),
      p.notices.join('\n'),
    );
  });

  test('--force removes the last rollback target and its no-gc', () => {
    const p = run(base(), revisions(), { kind: 'cleanup', force: true });
    assert.deepEqual(short(p.desired), ['candidate:hello-00003:100', 'qa:hello-00001:0']);
    assert.deepEqual(p.revisionAnnotations, [
      { revision: 'hello-00002', annotations: { 'serving.knative.dev/no-gc': null, 'bgctl.dev/rollback-tag': null } },
    ]);
    assert.ok(p.warnings.some((w) => /removing the last rollback target "hello-00002"/.test(w)));
    const d = run(base(), revisions(), { kind: 'cleanup', force: true, deleteRevisions: true });
    assert.deepEqual(d.deleteRevisions, ['hello-00002', 'hello-00004', 'hello-00005']);
    assert.deepEqual(d.revisionAnnotations, [], 'no patch for a revision about to be deleted');
  });

  test('an open rollout keeps its tags even at 0%', () => {
    const open = state({ id: 'o', phase: 'staged' });
    const p = run(
      svc({ traffic: [t('stable', 1, 100), t('candidate', 2, 0), t(undefined, 3, 0)], state: open }),
      revs(3),
      { kind: 'cleanup', deleteRevisions: true },
    );
    assert.deepEqual(short(p.desired), ['stable:hello-00001:100', 'candidate:hello-00002:0']);
    assert.deepEqual(p.deleteRevisions, ['hello-00003']);
  });

  test('nothing to clean is a no-op', () => {
    const p = run(svc({ traffic: [t(undefined, 1, 100)] }), revs(1), { kind: 'cleanup' });
    assert.equal(p.noop, true);
  });
});
