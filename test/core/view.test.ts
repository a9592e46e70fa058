import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrafficTarget } from '../../src/core/knative-types.js';
import { StateAnnotations } from '../../src/core/state.js';
import { BGCTL_API_VERSION, document } from '../../src/core/document.js';
import { deriveRollout } from '../../src/core/views/rollout-status.js';
import { historyView } from '../../src/core/views/history.js';
import { revisionsView } from '../../src/core/views/revision-list.js';
import { statusView } from '../../src/core/views/service-status.js';
import { tagUrl, trafficRows } from '../../src/core/views/rows.js';
import { rev, state, svc } from './fixtures.js';

const t = (tag: string | undefined, n: number, percent: number): TrafficTarget => ({
  ...(tag ? { tag } : {}),
  revisionName: `hello-0000${n}`,
  latestRevision: false,
  percent,
});

describe('rollout phase', () => {
  const cases: Array<{ name: string; s: ReturnType<typeof svc>; phase: string; next?: string }> = [
    { name: 'never touched, floating', s: svc(), phase: 'unpinned' },
    { name: 'pinned by hand', s: svc({ traffic: [t(undefined, 1, 100)] }), phase: 'pinned' },
    { name: 'split by hand', s: svc({ traffic: [t(undefined, 1, 50), t(undefined, 2, 50)] }), phase: 'manual-split' },
    {
      name: 'staged',
      s: svc({ traffic: [t('stable', 1, 100), t('candidate', 2, 0)], state: state() }),
      phase: 'staged',
      next: 'verify',
    },
    {
      name: 'split',
      s: svc({ traffic: [t('stable', 1, 50), t('candidate', 2, 50)], state: state({ phase: 'split', percent: 50 }) }),
      phase: 'split',
      next: 'promote',
    },
    { name: 'aborted, then someone unpinned it', s: svc({ state: state({ phase: 'aborted' }) }), phase: 'unpinned' },
    {
      name: 'aborted',
      s: svc({ traffic: [t('stable', 1, 100)], state: state({ phase: 'aborted' }) }),
      phase: 'aborted',
    },
    {
      name: 'garbage annotation',
      s: svc({ annotations: { [StateAnnotations.rollout]: '{' } }),
      phase: 'invalid-state',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const r = deriveRollout(c.s);
      assert.equal(r.phase, c.phase);
      assert.equal(r.next, c.next);
    });
  }
});

describe('documents', () => {
  test('every document has apiVersion and kind', () => {
    assert.deepEqual(document('X', { a: 1 }), { apiVersion: 'bgctl.dev/v1', kind: 'X', a: 1 });
    assert.equal(BGCTL_API_VERSION, 'bgctl.dev/v1');
  });

  test('status: Knative field names, tag URLs from status, rollout, warnings', () => {
    const s = svc({
      traffic: [t('stable', 1, 90), t('candidate', 2, 10)],
      state: state({ phase: 'split', percent: 50 }),
    });
    const v = statusView(s, [rev('hello-00001', { noGc: true }), rev('hello-00002')]);
    assert.equal(v.kind, 'ServiceStatus');
    assert.deepEqual(v.traffic[0], {
      revisionName: 'hello-00001',
      tag: 'stable',
      percent: 90,
      latestRevision: false,
      url: 'http://stable-hello.default.example.com',
    });
    assert.equal(v.ready.status, 'True');
    assert.equal(v.rollout.id, 'hello-1');
    assert.deepEqual(v.protectedRevisions, ['hello-00001']);
    assert.ok(v.warnings.some((w) => /differs from the recorded rollout: candidate "hello-00002" has 10%/.test(w)));
    assert.ok(statusView(svc()).warnings.some((w) => /next deploy takes all traffic/.test(w)));
  });

  test('traffic rows fall back to spec before the route reports status', () => {
    const s = svc({ traffic: [t('stable', 1, 100)] });
    delete s.status!.traffic;
    assert.deepEqual(trafficRows(s), [
      { revisionName: 'hello-00001', tag: 'stable', percent: 100, latestRevision: false },
    ]);
    assert.equal(tagUrl(s, 'stable'), undefined);
  });

  test('revisions: newest first, traffic and tags per revision, floating resolved', () => {
    const s = svc({
      traffic: [{ latestRevision: true, percent: 60 }, t('old', 1, 40), t('x', 1, 0)],
      latestReady: 'hello-00002',
      latestCreated: 'hello-00003',
    });
    const v = revisionsView(s, [
      rev('hello-00001'),
      rev('hello-00003', { ready: 'False', reason: 'ExitCode1' }),
      rev('hello-00002', { noGc: true }),
    ]);
    assert.deepEqual(
      v.items.map((r) => [r.name, r.percent, r.tags, r.latestCreated, r.latestReady, r.noGc, r.ready.status]),
      [
        ['hello-00003', 0, [], true, false, false, 'False'],
        ['hello-00002', 60, [], false, true, true, 'True'],
        ['hello-00001', 40, ['old', 'x'], false, false, false, 'True'],
      ],
    );
    assert.equal(v.items[0].ready.reason, 'ExitCode1');
  });

  test('history: current first, then past ones, garbage reported', () => {
    const s = svc({
      state: state({ id: 'b', phase: 'split', percent: 10 }),
      history: [state({ id: 'a', phase: 'promoted', percent: 100 })],
    });
    const v = historyView(s);
    assert.deepEqual(
      v.items.map((i) => [i.id, i.phase]),
      [
        ['b', 'split'],
        ['a', 'promoted'],
      ],
    );
    assert.deepEqual(v.errors, []);
    const bad = historyView(svc({ annotations: { [StateAnnotations.history]: '[1]' } }));
    assert.equal(bad.items.length, 0);
    assert.match(bad.errors[0], /bgctl.dev\/history/);
  });
});
