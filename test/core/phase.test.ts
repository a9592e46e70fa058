import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, RefusedError } from '../../src/core/errors.js';
import type { TrafficTarget } from '../../src/core/knative-types.js';
import { detectDrift } from '../../src/core/drift.js';
import { abortIntent, nextAction, resumeIntent } from '../../src/core/phase.js';
import { StateAnnotations } from '../../src/core/state.js';
import { revs, run, short, state, svc, thrown } from './fixtures.js';

const t = (tag: string | undefined, n: number, percent: number): TrafficTarget => ({
  ...(tag ? { tag } : {}),
  revisionName: `hello-0000${n}`,
  latestRevision: false,
  percent,
});

describe('nextAction', () => {
  const cases = [
    { name: 'no rollout: deploy', st: undefined, want: { kind: 'deploy' } },
    {
      name: 'deployed: stage',
      st: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
      want: { kind: 'stage' },
    },
    { name: 'staged: verify', st: state(), want: { kind: 'verify' } },
    {
      name: 'staged without verification: first step',
      st: state({ percents: [10, 50] }),
      verify: false,
      want: { kind: 'split', percent: 10, levelIndex: 0 },
    },
    { name: 'verified without steps: promote', st: state({ phase: 'verified' }), want: { kind: 'promote' } },
    {
      name: 'verified with only 100: promote',
      st: state({ phase: 'verified', percents: [100] }),
      want: { kind: 'promote' },
    },
    {
      name: 'split at step 0: next step',
      st: state({ phase: 'split', percents: [10, 50, 100], levelIndex: 0, percent: 10 }),
      want: { kind: 'split', percent: 50, levelIndex: 1 },
    },
    {
      name: 'split at the last step below 100: promote',
      st: state({ phase: 'split', percents: [10, 50, 100], levelIndex: 1, percent: 50 }),
      want: { kind: 'promote' },
    },
    {
      name: 'manual split beyond the next step skips it',
      st: state({ phase: 'split', percents: [10, 50], levelIndex: -1, percent: 30 }),
      want: { kind: 'split', percent: 50, levelIndex: 1 },
    },
    { name: 'promoted: done', st: state({ phase: 'promoted', percent: 100 }), want: { kind: 'done' } },
    { name: 'aborted: done', st: state({ phase: 'aborted' }), want: { kind: 'done' } },
  ] as const;
  for (const c of cases)
    test(c.name, () => assert.deepEqual(nextAction(c.st as any, (c as any).verify ?? true), c.want));
});

describe('drift', () => {
  const cases: Array<{ name: string; traffic: TrafficTarget[]; st: ReturnType<typeof state>; want: RegExp[] }> = [
    {
      name: 'matches',
      traffic: [t('stable', 1, 50), t('candidate', 2, 50)],
      st: state({ phase: 'split', percent: 50 }),
      want: [],
    },
    {
      name: 'candidate percent moved',
      traffic: [t('stable', 1, 70), t('candidate', 2, 30)],
      st: state({ phase: 'split', percent: 50 }),
      want: [/candidate "hello-00002" has 30%, the rollout recorded 50%/],
    },
    {
      name: 'tag removed',
      traffic: [t(undefined, 1, 100), t('candidate', 2, 0)],
      st: state(),
      want: [/tag "stable" no longer routes to "hello-00001"/],
    },
    {
      name: 'someone unpinned it',
      traffic: [{ latestRevision: true, percent: 100 }, t('candidate', 2, 0), t('stable', 1, 0)],
      st: state(),
      want: [/floating latestRevision target carries traffic/],
    },
    {
      name: 'deployed but stable lost its traffic',
      traffic: [t(undefined, 2, 100)],
      st: state({ phase: 'deployed', candidate: { tag: 'candidate' } }),
      want: [/stable revision "hello-00001" has no traffic/],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const d = detectDrift(svc({ traffic: c.traffic }), c.st);
      assert.equal(d.length, c.want.length, d.join('; '));
      c.want.forEach((re, i) => assert.match(d[i], re));
    });
  }
});

describe('--resume and --abort', () => {
  test('resume gives the next intent, bound to the rollout id, and it plans', () => {
    const s = svc({
      traffic: [t('stable', 1, 90), t('candidate', 2, 10)],
      state: state({ phase: 'split', percents: [10, 50], levelIndex: 0, percent: 10 }),
    });
    const r = resumeIntent(s);
    assert.deepEqual(r.intent, { rolloutId: 'hello-1', kind: 'split', percent: 50 });
    const p = run(s, revs(2), r.intent);
    assert.deepEqual(short(p.desired), ['stable:hello-00001:50', 'candidate:hello-00002:50']);
    assert.equal(p.state?.levelIndex, 1);
  });
  test('resume after deploy stages', () => {
    const r = resumeIntent(
      svc({ traffic: [t(undefined, 1, 100)], state: state({ phase: 'deployed', candidate: { tag: 'candidate' } }) }),
    );
    assert.equal(r.intent.kind, 'stage');
  });
  test('resume refuses on drift', () => {
    const s = svc({
      traffic: [t('stable', 1, 70), t('candidate', 2, 30)],
      state: state({ phase: 'split', percent: 10 }),
    });
    const e = thrown(() => resumeIntent(s), ConflictError, 'Drift');
    assert.match(e.hint ?? '', /--abort/);
  });
  test('resume refuses when nothing is open', () => {
    thrown(() => resumeIntent(svc({ traffic: [t(undefined, 1, 100)] })), RefusedError, 'NoRollout');
    thrown(
      () => resumeIntent(svc({ traffic: [t('candidate', 2, 100)], state: state({ phase: 'promoted', percent: 100 }) })),
      RefusedError,
      'NoRollout',
    );
  });
  test('resume refuses an unreadable state', () => {
    thrown(
      () => resumeIntent(svc({ annotations: { [StateAnnotations.rollout]: 'garbage' } })),
      RefusedError,
      'InvalidRolloutState',
    );
  });
  test('abort intent closes the open rollout: all traffic back to stable', () => {
    const s = svc({
      traffic: [t('stable', 1, 50), t('candidate', 2, 50)],
      state: state({ phase: 'split', percent: 50 }),
    });
    const intent = abortIntent(s, 'smoke test failed');
    assert.deepEqual(intent, { kind: 'abort', rolloutId: 'hello-1', reason: 'smoke test failed' });
    const p = run(s, revs(2), intent);
    assert.deepEqual(short(p.desired), ['stable:hello-00001:100', 'candidate:hello-00002:0']);
    assert.equal(p.state?.reason, 'smoke test failed');
  });
  test('abort intent refuses when nothing is open', () => {
    thrown(() => abortIntent(svc()), RefusedError, 'NoRollout');
  });
  test('a hand-edited state refuses every step, --take-over starts afresh', () => {
    const s = svc({
      traffic: [t(undefined, 1, 100)],
      latestCreated: 'hello-00002',
      annotations: { [StateAnnotations.rollout]: '{"v":1,"phase":"split"' },
    });
    const e = thrown(() => run(s, revs(2), { kind: 'stage' }), RefusedError, 'InvalidRolloutState');
    assert.match(e.message, /not JSON/);
    const p = run(s, revs(2), { kind: 'stage', takeOver: true });
    assert.equal(p.state?.phase, 'staged');
    assert.ok(p.warnings.some((w) => /ignoring unreadable rollout state/.test(w)));
  });
});
