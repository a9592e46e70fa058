import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, RefusedError, UsageError } from '../../src/core/errors.js';
import type { Intent } from '../../src/core/plan-types.js';
import { decodeHistory, decodeState, StateAnnotations } from '../../src/core/state.js';
import type { TrafficTarget } from '../../src/core/knative-types.js';
import { rev, revs, run, short, state, svc, thrown } from './fixtures.js';

describe('pin', () => {
  const cases: Array<{
    name: string;
    traffic: TrafficTarget[];
    intent?: Partial<Extract<Intent, { kind: 'pin' }>>;
    want: string[];
    noop?: boolean;
    notice?: RegExp;
    warning?: RegExp;
  }> = [
    {
      name: 'unpinned default becomes pinned by name (pitfall 1)',
      traffic: [{ latestRevision: true, percent: 100 }],
      want: [':hello-00001:100'],
      notice: /replaced the floating latestRevision target/,
    },
    {
      name: 'already pinned is a no-op',
      traffic: [{ revisionName: 'hello-00001', latestRevision: false, percent: 100 }],
      want: [':hello-00001:100'],
      noop: true,
    },
    {
      name: 'named revision takes all traffic',
      traffic: [{ revisionName: 'hello-00001', latestRevision: false, percent: 100 }],
      intent: { revision: 'hello-00002' },
      want: [':hello-00002:100'],
      warning: /moving 100% away from revision "hello-00001"/,
    },
    {
      name: 'tags are kept at 0% (TestServiceWithTrafficSplit shape)',
      traffic: [
        { tag: 'current', revisionName: 'hello-00001', percent: 100 },
        { tag: 'latest', percent: 0 },
      ],
      intent: { revision: 'hello-00002' },
      want: ['current:hello-00001:0', ':hello-00002:100', 'latest:@latest:0'],
      warning: /tag "current" stays at 0%/,
    },
    {
      name: 'floating tagged target keeps its tag, loses its percent',
      traffic: [{ tag: 'latest', latestRevision: true, percent: 100 }],
      want: ['latest:@latest:0', ':hello-00001:100'],
    },
    { name: 'missing spec.traffic is defaulted first', traffic: [], want: [':hello-00001:100'] },
    {
      name: 'after promote: all traffic on a tagged pinned entry is a no-op (no duplicate entry)',
      traffic: [
        { tag: 'candidate', revisionName: 'hello-00002', percent: 100 },
        { tag: 'previous', revisionName: 'hello-00001', percent: 0 },
      ],
      want: ['candidate:hello-00002:100', 'previous:hello-00001:0'],
      noop: true,
    },
    {
      name: 'all traffic on the revision through two pinned entries is a no-op',
      traffic: [
        { tag: 'blue', revisionName: 'hello-00002', percent: 60 },
        { revisionName: 'hello-00002', percent: 40 },
        { latestRevision: true, tag: 'latest', percent: 0 },
      ],
      intent: { revision: 'hello-00002' },
      want: ['blue:hello-00002:60', ':hello-00002:40', 'latest:@latest:0'],
      noop: true,
    },
    {
      // A tagged 0% entry never takes the pin (it may be someone else's): a plain entry carries it.
      name: 'a tagged 0% entry of the revision keeps its 0%; an untagged entry carries the pin',
      traffic: [
        { tag: 'candidate', revisionName: 'hello-00002', percent: 100 },
        { tag: 'previous', revisionName: 'hello-00001', percent: 0 },
      ],
      intent: { revision: 'hello-00001' },
      want: ['candidate:hello-00002:0', ':hello-00001:100', 'previous:hello-00001:0'],
      warning: /moving 100% away from revision "hello-00002" \(tag "candidate" stays at 0%\)/,
    },
    {
      name: 'the entry with most percent hosts the pin; a second untagged entry of the revision goes',
      traffic: [
        { revisionName: 'hello-00001', percent: 0 },
        { tag: 'stable', revisionName: 'hello-00001', percent: 30 },
        { revisionName: 'hello-00002', percent: 70 },
      ],
      intent: { revision: 'hello-00001' },
      want: ['stable:hello-00001:100'],
      warning: /moving 70% away from revision "hello-00002"/,
    },
    {
      name: 'an untagged 0% entry of the revision hosts the pin in place',
      traffic: [
        { tag: 'current', revisionName: 'hello-00001', percent: 100 },
        { revisionName: 'hello-00002', percent: 0 },
      ],
      intent: { revision: 'hello-00002' },
      want: ['current:hello-00001:0', ':hello-00002:100'],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const p = run(svc({ traffic: c.traffic }), revs(2), { kind: 'pin', ...c.intent });
      assert.deepEqual(short(p.desired), c.want);
      assert.equal(p.noop, c.noop ?? false);
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
      assert.ok(
        p.notices.some((n) => /pins are sticky/.test(n)),
        'pitfall 15: says pins are sticky',
      );
      assert.ok(
        p.desired.every((t) => t.latestRevision === false || t.percent === 0),
        'no floating percent left',
      );
    });
  }

  const refusals: Array<{
    name: string;
    revisions?: ReturnType<typeof rev>[];
    traffic?: TrafficTarget[];
    revision?: string;
    cls: any;
    reason: string;
    msg?: RegExp;
  }> = [
    {
      name: 'unknown revision (pitfall 7)',
      revision: 'hello-00009',
      cls: RefusedError,
      reason: 'RevisionNotFound',
      msg: /revision "hello-00009" not found for service "hello"/,
    },
    {
      name: 'revision of another service',
      revisions: [rev('hello-00001'), rev('other-00001', { service: 'other' })],
      revision: 'other-00001',
      cls: RefusedError,
      reason: 'RevisionNotOwned',
      msg: /belongs to service "other", not "hello"/,
    },
    {
      name: 'revision without service label',
      revisions: [rev('hello-00001'), rev('hello-00002', { service: null })],
      revision: 'hello-00002',
      cls: RefusedError,
      reason: 'RevisionNotOwned',
      msg: /does not belong to service "hello"/,
    },
    {
      name: 'revision not ready',
      revisions: [rev('hello-00001'), rev('hello-00002', { ready: 'Unknown', reason: 'Deploying' })],
      revision: 'hello-00002',
      cls: RefusedError,
      reason: 'RevisionNotReady',
      msg: /is not Ready yet \(Deploying\)/,
    },
    {
      name: 'revision failed',
      revisions: [rev('hello-00001'), rev('hello-00002', { ready: 'False', message: 'Unable to fetch image "x"' })],
      revision: 'hello-00002',
      cls: RefusedError,
      reason: 'RevisionNotReady',
      msg: /failed: Unable to fetch image/,
    },
    {
      name: 'split traffic without --revision',
      traffic: [
        { revisionName: 'hello-00001', percent: 50 },
        { revisionName: 'hello-00002', percent: 50 },
      ],
      cls: RefusedError,
      reason: 'NoSingleStable',
      msg: /split across hello-00001 \(50%\), hello-00002 \(50%\)/,
    },
  ];
  for (const c of refusals) {
    test(`refuses: ${c.name}`, () => {
      const e = thrown(
        () =>
          run(svc({ traffic: c.traffic ?? [{ revisionName: 'hello-00001', percent: 100 }] }), c.revisions ?? revs(2), {
            kind: 'pin',
            revision: c.revision,
          }),
        c.cls,
        c.reason,
      );
      if (c.msg) assert.match(e.message, c.msg);
      assert.ok(e.hint, 'has a hint');
    });
  }

  test('refuses during a rollout, takes over when told', () => {
    const s = svc({
      traffic: [
        { tag: 'stable', revisionName: 'hello-00001', percent: 100 },
        { tag: 'candidate', revisionName: 'hello-00002', percent: 0 },
      ],
      state: state(),
    });
    const e = thrown(() => run(s, revs(2), { kind: 'pin' }), ConflictError, 'RolloutInProgress');
    assert.match(e.message, /rollout hello-1 is in progress.*phase staged, started by alice/);
    assert.match(e.hint ?? '', /--take-over/);
    const p = run(s, revs(2), { kind: 'pin', takeOver: true });
    // The stable entry already carries all traffic by name: the pin keeps it rather than duplicating it.
    assert.deepEqual(short(p.desired), ['stable:hello-00001:100', 'candidate:hello-00002:0']);
    assert.equal(p.trafficChanged, false);
    assert.ok(
      p.warnings.some((w) =>
        /^takes over rollout hello-1 \(phase staged, started by alice\): it will be recorded as aborted$/.test(w),
      ),
      p.warnings.join('\n'),
    );
    assert.equal(p.state?.phase, 'aborted');
    assert.equal(decodeState(p.annotations[StateAnnotations.rollout] as string).phase, 'aborted');
    assert.equal(decodeHistory(p.annotations[StateAnnotations.history] as string)[0].reason, 'taken over by alice');
  });
});

describe('deploy', () => {
  test('unpinned: pins the current ready revision and changes the template in one plan', () => {
    const p = run(svc(), revs(1), { kind: 'deploy', image: 'img:v2' });
    assert.deepEqual(short(p.desired), [':hello-00001:100']);
    assert.equal(p.trafficChanged, true);
    assert.equal(p.template?.spec.containers[0].image, 'img:v2');
    assert.ok(p.notices.some((n) => /unpinned: pinned revision "hello-00001" at 100% in the same write/.test(n)));
    assert.equal(p.state?.phase, 'deployed');
    assert.deepEqual(p.state?.stable, { revision: 'hello-00001', tag: 'stable' });
    assert.deepEqual(p.state?.candidate, { tag: 'candidate' });
    assert.equal(p.state?.image, 'img:v2');
    assert.equal(p.annotations[StateAnnotations.phase], 'deployed');
    assert.equal(p.expect.image, 'img:v1');
  });

  test('pinned: template only, traffic untouched', () => {
    const p = run(svc({ traffic: [{ revisionName: 'hello-00001', latestRevision: false, percent: 100 }] }), revs(1), {
      kind: 'deploy',
      image: 'img:v2',
      tag: 'v2',
      stableTag: 'blue',
    });
    assert.equal(p.trafficChanged, false);
    assert.ok(!p.notices.some((n) => /unpinned/.test(n)));
    assert.deepEqual(p.state?.candidate, { tag: 'v2' });
    assert.equal(p.state?.stable.tag, 'blue');
  });

  test('env K=V and K- edit the first container in place', () => {
    const s = svc({
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
    });
    const p = run(s, revs(1), {
      kind: 'deploy',
      env: [
        { name: 'A', value: '3' },
        { name: 'B', remove: true },
        { name: 'C', value: '4' },
        { name: 'Z', remove: true },
      ],
    });
    assert.deepEqual(p.template?.spec.containers[0].env, [
      { name: 'A', value: '3' },
      { name: 'C', value: '4' },
    ]);
    assert.equal(p.template?.spec.containers[0].image, 'img:v1');
    assert.ok(p.warnings.some((w) => /env Z is not set/.test(w)));
    assert.deepEqual(
      s.spec.template.spec.containers[0].env,
      [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      'input not mutated',
    );
  });

  test('template annotations alone make a new revision; null removes a key; the image stays', () => {
    const s = svc({ traffic: [{ revisionName: 'hello-00001', latestRevision: false, percent: 100 }] });
    s.spec.template.metadata = { annotations: { 'autoscaling.knative.dev/min-scale': '1', keep: 'yes' } };
    const p = run(s, revs(1), {
      kind: 'deploy',
      annotations: { 'sim.bgctl.dev/latency': '50ms', 'autoscaling.knative.dev/min-scale': null, gone: null },
    });
    assert.deepEqual(p.template?.metadata?.annotations, { keep: 'yes', 'sim.bgctl.dev/latency': '50ms' });
    assert.equal(p.template?.spec.containers[0].image, 'img:v1');
    assert.equal(p.noop, false);
    assert.ok(
      p.warnings.some((w) => /annotation gone is not set/.test(w)),
      p.warnings.join('\n'),
    );
    assert.deepEqual(
      s.spec.template.metadata.annotations,
      { 'autoscaling.knative.dev/min-scale': '1', keep: 'yes' },
      'input not mutated',
    );
  });

  test('annotations ride along with an image change in the same template', () => {
    const p = run(svc(), revs(1), {
      kind: 'deploy',
      image: 'img:v2',
      annotations: { 'sim.bgctl.dev/fail': 'ExitCode1' },
    });
    assert.equal(p.template?.spec.containers[0].image, 'img:v2');
    assert.deepEqual(p.template?.metadata, { annotations: { 'sim.bgctl.dev/fail': 'ExitCode1' } });
  });

  test('removing the last annotation drops the empty metadata', () => {
    const s = svc();
    s.spec.template.metadata = { annotations: { a: '1' } };
    const p = run(s, revs(1), { kind: 'deploy', annotations: { a: null } });
    assert.equal(p.template?.metadata, undefined);
  });

  const refusals: Array<{
    name: string;
    s?: ReturnType<typeof svc>;
    intent: Partial<Extract<Intent, { kind: 'deploy' }>>;
    cls: any;
    reason: string;
  }> = [
    { name: 'same image', intent: { image: 'img:v1' }, cls: RefusedError, reason: 'NoChange' },
    { name: 'nothing given', intent: {}, cls: RefusedError, reason: 'NoChange' },
    { name: 'empty annotation map', intent: { annotations: {} }, cls: RefusedError, reason: 'NoChange' },
    {
      name: 'annotation already set to that value',
      s: (() => {
        const s = svc();
        s.spec.template.metadata = { annotations: { a: '1' } };
        return s;
      })(),
      intent: { annotations: { a: '1' } },
      cls: RefusedError,
      reason: 'NoChange',
    },
    { name: 'bad candidate tag', intent: { image: 'img:v2', tag: 'Bad' }, cls: UsageError, reason: 'InvalidTag' },
    {
      name: 'tag too long for the host label',
      intent: { image: 'img:v2', tag: 'x'.repeat(60) },
      cls: UsageError,
      reason: 'TagTooLong',
    },
    {
      name: 'same stable and candidate tag',
      intent: { image: 'img:v2', tag: 'blue', stableTag: 'blue' },
      cls: UsageError,
      reason: 'SameTags',
    },
    {
      name: 'split traffic',
      s: svc({
        traffic: [
          { revisionName: 'hello-00001', percent: 50 },
          { revisionName: 'hello-00002', percent: 50 },
        ],
      }),
      intent: { image: 'img:v2' },
      cls: RefusedError,
      reason: 'NoSingleStable',
    },
    {
      name: 'rollout in progress',
      s: svc({
        traffic: [{ tag: 'stable', revisionName: 'hello-00001', percent: 100 }],
        state: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
      }),
      intent: { image: 'img:v3' },
      cls: ConflictError,
      reason: 'RolloutInProgress',
    },
  ];
  for (const c of refusals)
    test(`refuses: ${c.name}`, () => {
      thrown(() => run(c.s ?? svc(), revs(2), { kind: 'deploy', ...c.intent }), c.cls, c.reason);
    });

  test('fixed revision name: refused unchanged, accepted with a new name', () => {
    const s = svc({ traffic: [{ revisionName: 'hello-v1', percent: 100 }], latestReady: 'hello-v1' });
    s.spec.template.metadata = { name: 'hello-v1' };
    const revisions = [rev('hello-v1', { gen: 1 })];
    const e = thrown(
      () => run(s, revisions, { kind: 'deploy', image: 'img:v2' }),
      RefusedError,
      'RevisionNameUnchanged',
    );
    assert.match(e.message, /spec.template.metadata.name/);
    thrown(
      () => run(s, revisions, { kind: 'deploy', image: 'img:v2', revisionName: 'other-v2' }),
      RefusedError,
      'InvalidRevisionName',
    );
    const p = run(s, revisions, { kind: 'deploy', image: 'img:v2', revisionName: 'hello-v2' });
    assert.equal(p.template?.metadata?.name, 'hello-v2');
  });

  test('take-over closes the open rollout into the history', () => {
    const s = svc({
      traffic: [{ tag: 'stable', revisionName: 'hello-00001', percent: 100 }],
      state: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
    });
    const p = run(s, revs(2), { kind: 'deploy', image: 'img:v3', takeOver: true });
    assert.equal(p.state?.phase, 'deployed');
    assert.notEqual(p.state?.id, 'hello-1');
    const h = decodeHistory(p.annotations[StateAnnotations.history] as string);
    assert.deepEqual([h[0].id, h[0].phase], ['hello-1', 'aborted']);
    assert.ok(
      p.warnings.some((w) => /takes over rollout hello-1 .*: it will be recorded as aborted/.test(w)),
      p.warnings.join('\n'),
    );
    assert.ok(
      !p.warnings.some((w) => /took over|is recorded as/.test(w)),
      'the plan is shown before the write: no past tense',
    );
  });

  test('after a finished rollout a new one starts without take-over', () => {
    const s = svc({
      traffic: [
        { tag: 'candidate', revisionName: 'hello-00002', percent: 100 },
        { tag: 'previous', revisionName: 'hello-00001', percent: 0 },
      ],
      latestReady: 'hello-00002',
      state: state({ phase: 'promoted', percent: 100, previousTag: 'previous' }),
    });
    const p = run(s, revs(2), { kind: 'deploy', image: 'img:v3' });
    assert.equal(p.state?.stable.revision, 'hello-00002');
    assert.equal(p.trafficChanged, false);
  });
});
