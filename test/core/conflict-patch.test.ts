import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError } from '../../src/core/errors.js';
import type { KnativeService, TrafficTarget } from '../../src/core/knative-types.js';
import { buildRevisionPatch, buildServicePatch, escapePointer } from '../../src/core/patch.js';
import { withExpectation } from '../../src/core/plan.js';
import type { Intent, Plan } from '../../src/core/plan-types.js';
import { encodeState, readState, StateAnnotations } from '../../src/core/state.js';
import { applyJsonPatch, ctx, later, rev, revs, run, short, state, svc, thrown } from './fixtures.js';

const t = (tag: string | undefined, n: number, percent: number): TrafficTarget => ({
  ...(tag ? { tag } : {}),
  revisionName: `hello-0000${n}`,
  latestRevision: false,
  percent,
});
const staged = [t('stable', 1, 100), t('candidate', 2, 0)];

describe('re-planning after a 409', () => {
  const first = () => svc({ traffic: staged, state: state(), rv: '100' });
  const split: Intent = { kind: 'split', percent: 50 };
  const mutate = (f: (s: KnativeService) => void) => {
    const s = first();
    s.metadata.resourceVersion = '101';
    f(s);
    return s;
  };
  const applies: Array<{ name: string; fresh: () => KnativeService; want: string[] }> = [
    {
      name: 'an unrelated annotation changed: same plan',
      fresh: () => mutate((s) => (s.metadata.annotations!['team'] = 'x')),
      want: ['stable:hello-00001:50', 'candidate:hello-00002:50'],
    },
    {
      name: 'someone added a tag at 0%: kept',
      fresh: () => mutate((s) => s.spec.traffic!.push(t('qa', 3, 0))),
      want: ['stable:hello-00001:50', 'candidate:hello-00002:50', 'qa:hello-00003:0'],
    },
  ];
  for (const c of applies) {
    test(`still applies: ${c.name}`, () => {
      const p1 = run(first(), revs(3), split);
      const p2 = run(c.fresh(), revs(3), withExpectation(split, p1));
      assert.deepEqual(short(p2.desired), c.want);
      assert.equal(p2.service.resourceVersion, '101');
    });
  }

  const conflicts: Array<{
    name: string;
    intent?: Intent;
    fresh: () => KnativeService;
    revisions?: ReturnType<typeof rev>[];
    reason: string;
    msg: RegExp;
  }> = [
    {
      name: 'traffic moved off the stable revision',
      fresh: () => mutate((s) => (s.spec.traffic = [t('stable', 1, 50), t('candidate', 2, 0), t(undefined, 3, 50)])),
      reason: 'TrafficChanged',
      msg: /it was hello-00001 100%, it is now hello-00001 50%, hello-00003 50%/,
    },
    {
      name: 'the candidate was deleted',
      fresh: () => mutate(() => undefined),
      revisions: [rev('hello-00001')],
      reason: 'RevisionDeleted',
      msg: /candidate revision "hello-00002" was deleted/,
    },
    {
      name: 'another bgctl split meanwhile',
      fresh: () =>
        mutate(
          (s) =>
            (s.metadata.annotations![StateAnnotations.rollout] = encodeState(
              state({ phase: 'split', percent: 10, updatedBy: 'bob' }),
            )),
        ),
      reason: 'RolloutChanged',
      msg: /moved from staged to split \(by bob/,
    },
    {
      name: 'another rollout replaced this one',
      fresh: () =>
        mutate((s) => (s.metadata.annotations![StateAnnotations.rollout] = encodeState(state({ id: 'other' })))),
      reason: 'RolloutChanged',
      msg: /expected rollout hello-1, found rollout other/,
    },
    {
      name: 'the rollout annotation was removed',
      fresh: () => mutate((s) => delete s.metadata.annotations![StateAnnotations.rollout]),
      reason: 'RolloutChanged',
      msg: /found no rollout/,
    },
  ];
  for (const c of conflicts) {
    test(`conflict: ${c.name}`, () => {
      const intent = c.intent ?? split;
      const p1 = run(first(), revs(3), intent);
      const e = thrown(
        () => run(c.fresh(), c.revisions ?? revs(3), withExpectation(intent, p1), later),
        ConflictError,
        c.reason,
      );
      assert.match(e.message, c.msg);
      assert.equal(e.exitCode, 5);
    });
  }

  test('deploy: the image changed underneath', () => {
    const s = svc({ traffic: [t(undefined, 1, 100)] });
    const intent: Intent = { kind: 'deploy', image: 'img:v2' };
    const p1 = run(s, revs(1), intent);
    const fresh = svc({ traffic: [t(undefined, 1, 100)], image: 'img:hotfix', rv: '101' });
    const e = thrown(() => run(fresh, revs(1), withExpectation(intent, p1)), ConflictError, 'TemplateChanged');
    assert.match(e.message, /image was img:v1, now img:hotfix/);
  });

  test('pin on an unpinned service that someone pinned meanwhile: traffic changed', () => {
    const intent: Intent = { kind: 'pin' };
    const p1 = run(svc(), revs(2), intent);
    thrown(
      () => run(svc({ traffic: [t(undefined, 2, 100)], rv: '101' }), revs(2), withExpectation(intent, p1)),
      ConflictError,
      'TrafficChanged',
    );
  });
});

describe('JSON Patch builder', () => {
  const check = (s: KnativeService, p: Plan) => {
    const ops = buildServicePatch(s, p);
    const after = applyJsonPatch(s, ops);
    return { ops, after };
  };

  test('split: resourceVersion guard first, then traffic and escaped annotation keys', () => {
    const s = svc({ traffic: staged, state: state(), rv: '42' });
    const p = run(s, revs(2), { kind: 'split', percent: 50 });
    const { ops, after } = check(s, p);
    assert.deepEqual(ops[0], { op: 'replace', path: '/metadata/resourceVersion', value: '42' });
    assert.deepEqual(
      ops.slice(1).map((o) => `${o.op} ${o.path}`),
      [
        'replace /spec/traffic',
        'add /metadata/annotations/bgctl.dev~1rollout',
        'add /metadata/annotations/bgctl.dev~1phase',
      ],
    );
    assert.deepEqual(after.spec.traffic, p.desired);
    assert.deepEqual(readState(after).state, p.state, 'state travels in the same patch');
    assert.equal(after.metadata.annotations!['serving.knative.dev/creator'], 'alice', 'other annotations untouched');
  });

  test('deploy: template and pinned traffic in one patch', () => {
    const s = svc();
    const p = run(s, revs(1), { kind: 'deploy', image: 'img:v2' });
    const { ops, after } = check(s, p);
    assert.deepEqual(
      ops.slice(1, 3).map((o) => `${o.op} ${o.path}`),
      ['replace /spec/template', 'replace /spec/traffic'],
    );
    assert.equal(after.spec.template.spec.containers[0].image, 'img:v2');
    assert.deepEqual(after.spec.traffic, [{ revisionName: 'hello-00001', latestRevision: false, percent: 100 }]);
    assert.equal(after.metadata.annotations![StateAnnotations.phase], 'deployed');
  });

  test('a service without annotations gets the whole map', () => {
    const s = svc({ traffic: staged, state: state() });
    const raw = s.metadata.annotations!;
    delete s.metadata.annotations;
    const p = run({ ...s, metadata: { ...s.metadata, annotations: raw } }, revs(2), { kind: 'verify' });
    const ops = buildServicePatch(s, p);
    assert.deepEqual(
      ops.map((o) => `${o.op} ${o.path}`),
      ['replace /metadata/resourceVersion', 'add /metadata/annotations'],
    );
    assert.deepEqual(Object.keys((ops[1] as any).value).sort(), [StateAnnotations.phase, StateAnnotations.rollout]);
  });

  test('missing spec.traffic is added, not replaced (replace would be a 422)', () => {
    const s = svc();
    delete s.spec.traffic;
    const p = run(s, revs(1), { kind: 'pin' });
    const { ops, after } = check(s, p);
    assert.equal(ops[1].op, 'add');
    assert.deepEqual(after.spec.traffic, [{ revisionName: 'hello-00001', latestRevision: false, percent: 100 }]);
  });

  test('removals only for keys that exist', () => {
    const s = svc();
    const p = {
      ...run(s, revs(1), { kind: 'pin' }),
      trafficChanged: false,
      annotations: { 'bgctl.dev/phase': null, 'serving.knative.dev/creator': null },
    } as Plan;
    assert.deepEqual(
      buildServicePatch(s, p).map((o) => `${o.op} ${o.path}`),
      ['replace /metadata/resourceVersion', 'remove /metadata/annotations/serving.knative.dev~1creator'],
    );
  });

  test('a no-op plan gives no patch', () => {
    const s = svc({ traffic: [t(undefined, 1, 100)] });
    const p = run(s, revs(1), { kind: 'pin' });
    assert.equal(p.noop, true);
    assert.deepEqual(buildServicePatch(s, p), []);
  });

  test('RFC 6901 escaping', () => {
    assert.equal(escapePointer('bgctl.dev/rollout'), 'bgctl.dev~1rollout');
    assert.equal(escapePointer('a~/b'), 'a~0~1b');
  });

  test('revision annotations use a merge patch; null removes', () => {
    assert.deepEqual(buildRevisionPatch({ revision: 'r', annotations: { 'serving.knative.dev/no-gc': null } }), {
      metadata: { annotations: { 'serving.knative.dev/no-gc': null } },
    });
  });

  test('the context clock and actor are what the state records', () => {
    const p = run(svc({ traffic: staged, state: state() }), revs(2), { kind: 'split', percent: 10 }, later);
    assert.deepEqual([p.state?.updatedAt, p.state?.updatedBy, p.state?.startedBy], [later.now, later.actor, ctx.actor]);
  });
});
