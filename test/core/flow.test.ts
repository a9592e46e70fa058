// Whole rollouts through plan -> JSON Patch -> "cluster" (applied patch), as the commands run them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KnativeService, Revision } from '../../src/core/knative-types.js';
import { buildServicePatch } from '../../src/core/patch.js';
import type { Intent, Plan } from '../../src/core/plan-types.js';
import { readState } from '../../src/core/state.js';
import { tagUrl } from '../../src/core/views/rows.js';
import { statusView } from '../../src/core/views/service-status.js';
import { ctx, rev, run, short, svc, written } from './fixtures.js';

function step(
  s: KnativeService,
  revisions: Revision[],
  intent: Intent,
  opts: { newRevision?: string } = {},
): { s: KnativeService; p: Plan } {
  const p = run(s, revisions, intent, { ...ctx, newRolloutId: 'r1' });
  return { s: written(s, buildServicePatch(s, p), opts), p };
}

describe('the OpenShift blue-green procedure, end to end', () => {
  test('deploy, stage, verify, split, promote, rollback', () => {
    let s = svc();
    const revisions = [rev('hello-00001')];
    let r = step(s, revisions, { kind: 'deploy', image: 'img:v2' }, { newRevision: 'hello-00002' });
    s = r.s;
    revisions.push(rev('hello-00002'));
    assert.deepEqual(short(s.status!.traffic!), [':hello-00001:100'], 'the new revision starts at 0%');
    assert.equal(s.spec.template.spec.containers[0].image, 'img:v2');

    s = step(s, revisions, { kind: 'stage', tag: 'v2' }).s;
    assert.equal(tagUrl(s, 'v2'), 'http://v2-hello.default.example.com');
    assert.equal(tagUrl(s, 'stable'), 'http://stable-hello.default.example.com', 'the stable side has its own URL too');
    assert.equal(readState(s).state?.id, 'r1', 'stage continues the rollout deploy opened');

    s = step(s, revisions, { kind: 'verify' }).s;
    s = step(s, revisions, { kind: 'split', percent: 50 }).s;
    assert.deepEqual(short(s.spec.traffic!), ['stable:hello-00001:50', 'v2:hello-00002:50']);

    r = step(s, revisions, { kind: 'promote' });
    s = r.s;
    assert.deepEqual(short(s.spec.traffic!), ['v2:hello-00002:100', 'previous:hello-00001:0']);
    assert.deepEqual(r.p.revisionAnnotations, [
      {
        revision: 'hello-00001',
        annotations: { 'serving.knative.dev/no-gc': 'true', 'bgctl.dev/rollback-tag': 'previous' },
      },
    ]);
    assert.equal(statusView(s).rollout.phase, 'promoted');

    s = step(s, revisions, { kind: 'rollback' }).s;
    assert.deepEqual(short(s.spec.traffic!), ['stable:hello-00001:100', 'v2:hello-00002:0']);
    const read = readState(s);
    assert.equal(read.state?.phase, 'rolled-back');
    assert.deepEqual(
      read.history.map((h) => [h.id, h.phase]),
      [['r1', 'rolled-back']],
    );
  });

  test("two rollouts in a row; the second retires the first one's rollback target", () => {
    let s = svc();
    const revisions = [rev('hello-00001')];
    const go = (intent: Intent, id: string, opts: { newRevision?: string } = {}) => {
      const p = run(s, revisions, intent, { ...ctx, newRolloutId: id });
      s = written(s, buildServicePatch(s, p), opts);
      return p;
    };
    go({ kind: 'deploy', image: 'img:v2' }, 'a', { newRevision: 'hello-00002' });
    revisions.push(rev('hello-00002'));
    go({ kind: 'stage' }, 'a');
    go({ kind: 'promote' }, 'a');
    revisions[0] = rev('hello-00001', { noGc: true, rollbackTag: 'previous' });
    go({ kind: 'deploy', image: 'img:v3' }, 'b', { newRevision: 'hello-00003' });
    revisions.push(rev('hello-00003'));
    go({ kind: 'stage' }, 'b');
    assert.deepEqual(short(s.spec.traffic!), [
      'stable:hello-00002:100',
      'candidate:hello-00003:0',
      'previous:hello-00001:0',
    ]);
    const p = go({ kind: 'promote' }, 'b');
    assert.deepEqual(short(s.spec.traffic!), ['candidate:hello-00003:100', 'previous:hello-00002:0']);
    assert.deepEqual(
      p.revisionAnnotations.map((c) => [c.revision, c.annotations['serving.knative.dev/no-gc']]),
      [
        ['hello-00002', 'true'],
        ['hello-00001', null],
      ],
    );
    assert.deepEqual(
      readState(s).history.map((h) => h.id),
      ['b', 'a'],
    );
  });
});

describe('upstream traffic scenarios (knative-serving.md §7)', () => {
  test('TestBlueGreenRoute: blue/green tags at 50/50 give exactly the upstream traffic block', () => {
    let s = svc({
      traffic: [{ revisionName: 'hello-00001', percent: 100 }],
      latestCreated: 'hello-00002',
      latestReady: 'hello-00002',
    });
    const revisions = [rev('hello-00001'), rev('hello-00002')];
    s = step(s, revisions, { kind: 'stage', stableTag: 'blue', tag: 'green' }).s;
    s = step(s, revisions, { kind: 'split', percent: 50 }).s;
    assert.deepEqual(s.spec.traffic, [
      { tag: 'blue', revisionName: 'hello-00001', latestRevision: false, percent: 50 },
      { tag: 'green', revisionName: 'hello-00002', latestRevision: false, percent: 50 },
    ]);
    assert.equal(tagUrl(s, 'blue'), 'http://blue-hello.default.example.com');
    assert.equal(tagUrl(s, 'green'), 'http://green-hello.default.example.com');
  });

  test('TestServiceWithTrafficSplit shape: foreign `current` and floating `latest` tags survive a whole rollout', () => {
    let s = svc({
      traffic: [{ tag: 'current', revisionName: 'hello-00001', percent: 100 }, { tag: 'latest' }],
      latestCreated: 'hello-00002',
      latestReady: 'hello-00002',
    });
    const revisions = [rev('hello-00001'), rev('hello-00002')];
    s = step(s, revisions, { kind: 'stage' }).s;
    assert.deepEqual(short(s.spec.traffic!), [
      'current:hello-00001:0',
      'stable:hello-00001:100',
      'candidate:hello-00002:0',
      'latest:@latest:0',
    ]);
    s = step(s, revisions, { kind: 'split', percent: 50 }).s;
    s = step(s, revisions, { kind: 'promote' }).s;
    assert.deepEqual(short(s.spec.traffic!), [
      'current:hello-00001:0',
      'candidate:hello-00002:100',
      'previous:hello-00001:0',
      'latest:@latest:0',
    ]);
  });

  test('TestRoutesNotReady: a revision that does not exist is refused before any write', () => {
    assert.throws(
      () => run(svc(), [rev('hello-00001')], { kind: 'pin', revision: 'foobar' }),
      /revision "foobar" not found/,
    );
  });
});
