import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, RefusedError, UsageError } from '../../src/core/errors.js';
import type { TrafficTarget } from '../../src/core/knative-types.js';
import type { Intent } from '../../src/core/plan-types.js';
import type { RolloutState } from '../../src/core/state.js';
import { ctx, rev, revs, run, short, state, svc, thrown } from './fixtures.js';

const pinned1: TrafficTarget[] = [{ revisionName: 'hello-00001', latestRevision: false, percent: 100 }];
const staged: TrafficTarget[] = [
  { tag: 'stable', revisionName: 'hello-00001', latestRevision: false, percent: 100 },
  { tag: 'candidate', revisionName: 'hello-00002', latestRevision: false, percent: 0 },
];

describe('stage', () => {
  const cases: Array<{
    name: string;
    traffic: TrafficTarget[];
    st?: RolloutState;
    history?: RolloutState[];
    intent?: Partial<Extract<Intent, { kind: 'stage' }>>;
    latestCreated?: string;
    want: string[];
    id?: string;
    notice?: RegExp;
    warning?: RegExp;
  }> = [
    {
      name: 'after deploy: candidate at 0% under its tag, stable tagged too (pitfall 16)',
      traffic: pinned1,
      st: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
      want: ['stable:hello-00001:100', 'candidate:hello-00002:0'],
      id: 'hello-1',
    },
    {
      name: 'without deploy: a new rollout on the latest created revision',
      traffic: pinned1,
      want: ['stable:hello-00001:100', 'candidate:hello-00002:0'],
      id: 'hello-20261126120000',
    },
    {
      name: 'custom tags (--tag v2 --stable-tag blue)',
      traffic: pinned1,
      intent: { tag: 'v2', stableTag: 'blue' },
      want: ['blue:hello-00001:100', 'v2:hello-00002:0'],
    },
    {
      name: 'floating tagged candidate is converted to a pinned one (pitfall 2)',
      traffic: [
        { revisionName: 'hello-00001', percent: 100 },
        { tag: 'v2', latestRevision: true, percent: 0 },
      ],
      intent: { tag: 'v2' },
      want: ['stable:hello-00001:100', 'v2:hello-00002:0'],
      notice: /converted floating tag "v2" to a pinned one/,
    },
    {
      name: 'foreign tag on the stable revision stays, at 0%',
      traffic: [{ tag: 'blue', revisionName: 'hello-00001', percent: 100 }],
      want: ['blue:hello-00001:0', 'stable:hello-00001:100', 'candidate:hello-00002:0'],
    },
    {
      name: 'foreign 0% targets are left in place',
      traffic: [
        { tag: 'qa', revisionName: 'hello-00003', percent: 0 },
        ...pinned1,
        { revisionName: 'hello-00003', percent: 0 },
      ],
      latestCreated: 'hello-00002',
      want: ['qa:hello-00003:0', 'stable:hello-00001:100', 'candidate:hello-00002:0', ':hello-00003:0'],
    },
    {
      name: 'a retired bgctl tag in the way is dropped',
      traffic: [...pinned1, { tag: 'candidate', revisionName: 'hello-00003', percent: 0 }],
      history: [state({ id: 'old', phase: 'aborted', candidate: { revision: 'hello-00003', tag: 'candidate' } })],
      want: ['stable:hello-00001:100', 'candidate:hello-00002:0'],
      notice: /retiring tag "candidate" from revision "hello-00003"/,
    },
    {
      name: 're-stage renames the tag of the open rollout',
      traffic: staged,
      st: state(),
      intent: { tag: 'v2' },
      want: ['stable:hello-00001:100', 'v2:hello-00002:0'],
      id: 'hello-1',
    },
    {
      name: 'next rollout: last candidate tag on the new stable is replaced, previous kept',
      traffic: [
        { tag: 'candidate', revisionName: 'hello-00002', percent: 100 },
        { tag: 'previous', revisionName: 'hello-00001', percent: 0 },
      ],
      st: state({ phase: 'promoted', percent: 100, previousTag: 'previous' }),
      latestCreated: 'hello-00003',
      want: ['stable:hello-00002:100', 'candidate:hello-00003:0', 'previous:hello-00001:0'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = svc({
        traffic: c.traffic,
        state: c.st,
        history: c.history,
        latestCreated: c.latestCreated ?? 'hello-00002',
        latestReady: c.traffic[0].revisionName === 'hello-00002' ? 'hello-00002' : 'hello-00001',
      });
      const p = run(s, revs(3), { kind: 'stage', ...c.intent });
      assert.deepEqual(short(p.desired), c.want);
      assert.equal(p.state?.phase, 'staged');
      assert.equal(p.state?.percent, 0);
      if (c.id) assert.equal(p.state?.id, c.id);
      assert.ok(
        p.desired.every((t) => t.percent === 0 || t.latestRevision === false),
        'candidates pinned by name',
      );
      if (c.notice)
        assert.ok(
          p.notices.some((n) => c.notice!.test(n)),
          p.notices.join('\n'),
        );
      assert.ok(
        p.notices.some((n) => /cold start/.test(n)),
        'pitfall 9: cold start notice',
      );
    });
  }

  test('unpinned service whose floating target already serves the candidate is refused (pitfall 1)', () => {
    const s = svc({ latestCreated: 'hello-00002', latestReady: 'hello-00002' });
    const e = thrown(() => run(s, revs(2), { kind: 'stage', revision: 'hello-00002' }), RefusedError, 'AlreadyServing');
    assert.match(e.hint ?? '', /bgctl pin hello --revision/);
  });

  test('unpinned service with an older ready revision pins it while staging', () => {
    const s = svc({ latestCreated: 'hello-00002', latestReady: 'hello-00001' });
    const p = run(s, revs(2), { kind: 'stage' });
    assert.deepEqual(short(p.desired), ['stable:hello-00001:100', 'candidate:hello-00002:0']);
    assert.ok(p.notices.some((n) => /pinned the floating latestRevision target \(100%\)/.test(n)));
  });

  const refusals: Array<{
    name: string;
    traffic?: TrafficTarget[];
    st?: RolloutState;
    revisions?: ReturnType<typeof rev>[];
    intent?: Partial<Extract<Intent, { kind: 'stage' }>>;
    latestCreated?: string;
    cls: any;
    reason: string;
  }> = [
    { name: 'nothing new deployed', latestCreated: 'hello-00001', cls: RefusedError, reason: 'NothingToStage' },
    {
      name: 'candidate not ready',
      revisions: [rev('hello-00001'), rev('hello-00002', { ready: 'Unknown' })],
      cls: RefusedError,
      reason: 'RevisionNotReady',
    },
    {
      name: 'candidate failed',
      revisions: [rev('hello-00001'), rev('hello-00002', { ready: 'False', message: 'boom' })],
      cls: RefusedError,
      reason: 'RevisionNotReady',
    },
    {
      name: 'candidate of another service',
      intent: { revision: 'other-00001' },
      revisions: [rev('hello-00001'), rev('other-00001', { service: 'other' })],
      cls: RefusedError,
      reason: 'RevisionNotOwned',
    },
    { name: 'candidate missing', intent: { revision: 'hello-00007' }, cls: RefusedError, reason: 'RevisionNotFound' },
    {
      name: 'tag used by someone else',
      traffic: [...pinned1, { tag: 'candidate', revisionName: 'hello-00003', percent: 0 }],
      cls: RefusedError,
      reason: 'TagInUse',
    },
    { name: 'same tags', intent: { tag: 'x', stableTag: 'x' }, cls: UsageError, reason: 'SameTags' },
    { name: 'bad tag', intent: { tag: '-x' }, cls: UsageError, reason: 'InvalidTag' },
    {
      name: 'already split',
      traffic: staged,
      st: state({ phase: 'split', percent: 50 }),
      cls: ConflictError,
      reason: 'WrongPhase',
    },
    {
      name: 'another candidate while one is staged',
      traffic: staged,
      st: state(),
      intent: { revision: 'hello-00003' },
      cls: ConflictError,
      reason: 'RolloutInProgress',
    },
  ];
  for (const c of refusals) {
    test(`refuses: ${c.name}`, () => {
      const s = svc({ traffic: c.traffic ?? pinned1, state: c.st, latestCreated: c.latestCreated ?? 'hello-00002' });
      thrown(() => run(s, c.revisions ?? revs(3), { kind: 'stage', ...c.intent }), c.cls, c.reason);
    });
  }

  test("a tag held by someone else is refused naming the revision that holds it, not bgctl's candidate", () => {
    const s = svc({
      traffic: [...pinned1, { tag: 'candidate', revisionName: 'hello-00003', percent: 0 }],
      latestCreated: 'hello-00002',
    });
    assert.throws(
      () => run(s, revs(3), { kind: 'stage' }),
      (err: Error) =>
        /tag "candidate" is already used by .*hello-00003/.test(err.message) && !/hello-00002/.test(err.message),
    );
  });

  test('another candidate with take-over starts a new rollout', () => {
    const p = run(svc({ traffic: staged, state: state() }), revs(3), {
      kind: 'stage',
      revision: 'hello-00003',
      takeOver: true,
    });
    assert.deepEqual(short(p.desired), ['stable:hello-00001:100', 'candidate:hello-00003:0']);
    assert.notEqual(p.state?.id, 'hello-1');
  });
});

describe('verify', () => {
  test('staged becomes verified, traffic untouched', () => {
    const p = run(svc({ traffic: staged, state: state() }), revs(2), { kind: 'verify' });
    assert.equal(p.state?.phase, 'verified');
    assert.equal(p.trafficChanged, false);
    assert.equal(p.noop, false);
  });
  test('verify again changes nothing', () => {
    const p = run(svc({ traffic: staged, state: state({ phase: 'verified' }) }), revs(2), { kind: 'verify' });
    assert.equal(p.noop, true);
  });
  test('refused before stage and without a rollout', () => {
    thrown(
      () =>
        run(svc({ traffic: pinned1, state: state({ phase: 'deployed', candidate: { tag: 'candidate' } }) }), revs(2), {
          kind: 'verify',
        }),
      RefusedError,
      'WrongPhase',
    );
    thrown(() => run(svc({ traffic: pinned1 }), revs(2), { kind: 'verify' }), RefusedError, 'NoRollout');
  });
});

describe('split', () => {
  const withForeign: TrafficTarget[] = [
    ...staged.map((t) => ({ ...t, percent: t.tag === 'stable' ? 90 : 0 })),
    { tag: 'qa', revisionName: 'hello-00003', latestRevision: false, percent: 10 },
  ];
  const cases: Array<{
    name: string;
    traffic?: TrafficTarget[];
    st?: RolloutState;
    intent: Partial<Extract<Intent, { kind: 'split' }>>;
    want: string[];
    percent: number;
    levelIndex?: number;
    warning?: RegExp;
  }> = [
    {
      name: '50/50',
      intent: { percent: 50 },
      want: ['stable:hello-00001:50', 'candidate:hello-00002:50'],
      percent: 50,
    },
    {
      name: 'records the step of the plan',
      st: state({ phase: 'verified', percents: [10, 50] }),
      intent: { percent: 50 },
      want: ['stable:hello-00001:50', 'candidate:hello-00002:50'],
      percent: 50,
      levelIndex: 1,
    },
    {
      name: '--traffic by tags',
      intent: {
        traffic: [
          { ref: 'stable', percent: 30 },
          { ref: 'candidate', percent: 70 },
        ],
      },
      want: ['stable:hello-00001:30', 'candidate:hello-00002:70'],
      percent: 70,
    },
    {
      name: '--traffic by one revision name',
      intent: { traffic: [{ ref: 'hello-00002', percent: 20 }] },
      want: ['stable:hello-00001:80', 'candidate:hello-00002:20'],
      percent: 20,
    },
    {
      name: '--traffic naming only stable',
      intent: { traffic: [{ ref: 'hello-00001', percent: 90 }] },
      want: ['stable:hello-00001:90', 'candidate:hello-00002:10'],
      percent: 10,
    },
    {
      name: 'back to 0',
      st: state({ phase: 'split', percent: 50 }),
      traffic: [
        { ...staged[0], percent: 50 },
        { ...staged[1], percent: 50 },
      ],
      intent: { percent: 0 },
      want: ['stable:hello-00001:100', 'candidate:hello-00002:0'],
      percent: 0,
    },
    {
      name: 'all of it warns to promote',
      intent: { percent: 100 },
      want: ['stable:hello-00001:0', 'candidate:hello-00002:100'],
      percent: 100,
      warning: /finish with bgctl promote/,
    },
    {
      name: 'foreign percent is kept; bgctl splits only its share',
      traffic: withForeign,
      intent: { percent: 50 },
      want: ['stable:hello-00001:40', 'candidate:hello-00002:50', 'qa:hello-00003:10'],
      percent: 50,
      warning: /revision "hello-00003" \(tag "qa"\) keeps its 10%/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = run(svc({ traffic: c.traffic ?? staged, state: c.st ?? state() }), revs(3), {
        kind: 'split',
        ...c.intent,
      });
      assert.deepEqual(short(p.desired), c.want);
      assert.equal(p.state?.phase, 'split');
      assert.equal(p.state?.percent, c.percent);
      assert.equal(p.state?.levelIndex, c.levelIndex ?? -1);
      assert.equal(p.state?.updatedBy, ctx.actor);
      if (c.warning)
        assert.ok(
          p.warnings.some((n) => c.warning!.test(n)),
          p.warnings.join('\n'),
        );
    });
  }

  const refusals: Array<{
    name: string;
    traffic?: TrafficTarget[];
    st?: RolloutState | null;
    revisions?: ReturnType<typeof rev>[];
    intent: Partial<Extract<Intent, { kind: 'split' }>>;
    cls: any;
    reason: string;
    msg?: RegExp;
  }> = [
    {
      name: 'more than the share',
      traffic: withForeign,
      intent: { percent: 95 },
      cls: RefusedError,
      reason: 'ShareExceeded',
      msg: /bgctl owns 90% of the traffic/,
    },
    { name: 'no percent', intent: {}, cls: UsageError, reason: 'MissingFlag' },
    {
      name: 'percent and traffic',
      intent: { percent: 5, traffic: [{ ref: 'stable', percent: 100 }] },
      cls: UsageError,
      reason: 'ConflictingFlags',
    },
    { name: 'non-integer percent', intent: { percent: 50.5 }, cls: UsageError, reason: 'InvalidPercent' },
    {
      name: '--traffic sum',
      intent: {
        traffic: [
          { ref: 'stable', percent: 50 },
          { ref: 'candidate', percent: 40 },
        ],
      },
      cls: UsageError,
      reason: 'InvalidTraffic',
      msg: /sums to 90, want 100/,
    },
    {
      name: '--traffic outside the rollout',
      intent: { traffic: [{ ref: 'hello-00003', percent: 10 }] },
      cls: RefusedError,
      reason: 'NotInRollout',
    },
    { name: 'no rollout', st: null, traffic: pinned1, intent: { percent: 10 }, cls: RefusedError, reason: 'NoRollout' },
    {
      name: 'before stage',
      st: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
      traffic: pinned1,
      intent: { percent: 10 },
      cls: RefusedError,
      reason: 'WrongPhase',
    },
    {
      name: 'after promote',
      st: state({ phase: 'promoted', percent: 100 }),
      intent: { percent: 10 },
      cls: RefusedError,
      reason: 'NoRollout',
    },
    {
      name: 'candidate no longer Ready',
      revisions: [rev('hello-00001'), rev('hello-00002', { ready: 'False', message: 'crashed' })],
      intent: { percent: 10 },
      cls: RefusedError,
      reason: 'RevisionNotReady',
    },
  ];
  for (const c of refusals) {
    test(`refuses: ${c.name}`, () => {
      const e = thrown(
        () =>
          run(
            svc({ traffic: c.traffic ?? staged, state: c.st === null ? undefined : (c.st ?? state()) }),
            c.revisions ?? revs(3),
            { kind: 'split', ...c.intent },
          ),
        c.cls,
        c.reason,
      );
      if (c.msg) assert.match(e.message, c.msg);
    });
  }
});
