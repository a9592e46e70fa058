// Gradual rollout (serving.knative.dev/rollout-duration): the route keeps Ready Unknown
// RolloutInProgress and moves the latest-revision target 1% -> ... -> 100% in steps planned from the
// duration, on the controllers' injected clock (tests move it; nothing sleeps).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../../../src/sim/api/contracts.js';
import { buildRollout, observeReady, rolloutSeconds, stepRollout } from '../../../src/sim/knative/rollout.js';
import { cond, condSummary, isReady, recordStates, startHarness, template, type Harness } from './harness.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const split = (o: KObject) =>
  (o.status?.traffic ?? [])
    .map((t: { revisionName: string; percent: number }) => `${t.revisionName}:${t.percent}`)
    .join(',');

describe('rollout steps (rollout.go), pure', () => {
  test('a new revision starts at 1%, the steps are planned once the ingress is ready, then move stepSize', () => {
    const target = (rev: string) => ({ revisionName: rev, configurationName: 'c', latestRevision: true, percent: 100 });
    let ro = buildRollout([target('r1')]);
    let s = stepRollout(buildRollout([target('r2')]), ro, 1_000);
    assert.deepEqual(s.rollout[0].revisions, [
      { revisionName: 'r1', percent: 99 },
      { revisionName: 'r2', percent: 1 },
    ]);
    ro = s.rollout;
    // 60s: 59 s left after the 1 s minimum step, 59 steps of round(99/59)=2% every second.
    observeReady(ro, 1_000, 60);
    assert.deepEqual(ro[0].step, { startTime: 1_000, nextStepTime: 2_000, stepDuration: 1_000, stepSize: 2 });
    s = stepRollout(buildRollout([target('r2')]), ro, 1_500);
    assert.equal(s.rollout[0].revisions[1].percent, 1, 'not due yet');
    assert.equal(s.nextStepTime, 2_000);
    s = stepRollout(buildRollout([target('r2')]), s.rollout, 2_000);
    assert.deepEqual(s.rollout[0].revisions, [
      { revisionName: 'r1', percent: 97 },
      { revisionName: 'r2', percent: 3 },
    ]);
  });

  test('targets pinned to revisions never roll out gradually', () => {
    const prev = buildRollout([{ revisionName: 'r1', configurationName: 'c', latestRevision: true, percent: 100 }]);
    const s = stepRollout(
      buildRollout([{ revisionName: 'r2', configurationName: 'c', latestRevision: false, percent: 100 }]),
      prev,
      5_000,
    );
    assert.deepEqual(s.rollout, []);
  });

  test('the duration comes from either annotation key, in whole seconds', () => {
    assert.equal(rolloutSeconds({ 'serving.knative.dev/rollout-duration': '2m' }), 120);
    assert.equal(rolloutSeconds({ 'serving.knative.dev/rolloutDuration': '30s' }), 30);
    assert.equal(rolloutSeconds({}), 0);
  });
});

describe('gradual rollout through the controllers', () => {
  let h: Harness;
  let now = T0;
  before(() => {
    h = startHarness({ now: () => new Date(now) });
  });
  after(() => h.close());

  test('the annotation reaches the Route, not the Configuration', async () => {
    h.createService(
      'ann',
      { template: template('img:1') },
      { annotations: { 'serving.knative.dev/rollout-duration': '4s', team: 'a' } },
    );
    await h.waitFor('services', 'ann', isReady, 'ready');
    assert.equal(h.get('routes', 'ann').metadata.annotations?.['serving.knative.dev/rollout-duration'], '4s');
    const cfg = h.get('configurations', 'ann');
    assert.equal(cfg.metadata.annotations?.['serving.knative.dev/rollout-duration'], undefined);
    assert.equal(cfg.metadata.annotations?.team, 'a');
  });

  test('a new revision under rollout-duration 4s: 1% -> 34% -> 67% -> 100%, RolloutInProgress until done', async () => {
    h.createService(
      'web',
      { template: template('img:1') },
      { annotations: { 'serving.knative.dev/rollout-duration': '4s' } },
    );
    await h.waitFor('services', 'web', isReady, 'ready');
    const svcStates = recordStates(h, 'services', 'web', (o) => `${condSummary(o, ['Ready'])} ${split(o)}`);
    try {
      h.mergePatch('services', 'web', { spec: { template: template('img:2') } });
      const started = await h.waitFor(
        'routes',
        'web',
        (o) => split(o) === 'web-00001:99,web-00002:1',
        'rollout started',
      );
      assert.equal(cond(started, 'Ready')?.reason, 'RolloutInProgress');
      assert.equal(
        cond(started, 'IngressReady')?.message,
        'A gradual rollout of the latest revision(s) is in progress.',
      );
      assert.deepEqual(
        started.status.traffic.map((t: { latestRevision?: boolean }) => t.latestRevision),
        [true, true],
      );
      // The steps are planned once the ingress serves the 1% split (it takes ingressMs to program).
      h.until(() => h.rollout('web')?.[0]?.step.stepDuration, 'steps planned');
      assert.deepEqual(h.rollout('web')![0].step, {
        startTime: T0 + 0,
        nextStepTime: T0 + 1_000,
        stepDuration: 1_000,
        stepSize: 33,
      });
      for (const want of ['web-00001:66,web-00002:34', 'web-00001:33,web-00002:67']) {
        now += 1_000;
        h.resync();
        const r = await h.waitFor('routes', 'web', (o) => split(o) === want, want);
        assert.equal(cond(r, 'Ready')?.reason, 'RolloutInProgress');
      }
      now += 1_000;
      h.resync();
      await h.waitFor('services', 'web', (o) => isReady(o) && split(o) === 'web-00002:100', 'rollout done');
    } finally {
      svcStates.stop();
    }
    const inProgress = svcStates.states.filter((s) => s.startsWith('Ready=Unknown/RolloutInProgress'));
    assert.deepEqual(
      inProgress.map((s) => s.split(' ')[1]),
      ['web-00001:99,web-00002:1', 'web-00001:66,web-00002:34', 'web-00001:33,web-00002:67'],
      svcStates.states.join('\n'),
    );
  });

  test('pinning the traffic during a rollout ends it at once', async () => {
    h.createService(
      'pin',
      { template: template('img:1') },
      { annotations: { 'serving.knative.dev/rollout-duration': '60s' } },
    );
    await h.waitFor('services', 'pin', isReady, 'ready');
    h.mergePatch('services', 'pin', { spec: { template: template('img:2') } });
    await h.waitFor('routes', 'pin', (o) => split(o) === 'pin-00001:99,pin-00002:1', 'rollout started');
    h.mergePatch('services', 'pin', { spec: { traffic: [{ revisionName: 'pin-00002', percent: 100 }] } });
    await h.waitFor('services', 'pin', (o) => isReady(o) && split(o) === 'pin-00002:100', 'pinned and ready');
  });
});
