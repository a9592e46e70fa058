import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FailedError } from '../../src/core/errors.js';
import type { Condition, KnativeService } from '../../src/core/knative-types.js';
import { evaluateService, onlyConfigurationNotReady, progressMessage, trafficMatches } from '../../src/kube/wait.js';

function svc(
  generation: number,
  observed: number,
  conditions: Condition[],
  traffic: KnativeService['spec']['traffic'] = [],
): KnativeService {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'hello', generation },
    spec: { template: { spec: { containers: [{ image: 'x' }] } } },
    status: { observedGeneration: observed, conditions, traffic },
  };
}
const T = (type: string): Condition => ({ type, status: 'True' });

describe('evaluateService', () => {
  test('an older observedGeneration is pending even if Ready is True or False', () => {
    assert.match((evaluateService(svc(3, 2, [T('Ready')])) as any).pending, /generation 3/);
    assert.ok('pending' in evaluateService(svc(3, 2, [{ type: 'Ready', status: 'False', reason: 'RevisionFailed' }])));
  });

  test('Ready False at the current generation fails with the reason and message', () => {
    const v = evaluateService(
      svc(2, 2, [
        {
          type: 'Ready',
          status: 'False',
          reason: 'RevisionMissing',
          message: 'Configuration "hello" does not have any ready Revision.',
        },
      ]),
    );
    assert.ok('error' in v);
    assert.ok(v.error instanceof FailedError);
    assert.equal(v.error.reason, 'RevisionMissing');
    assert.match(v.error.message, /RevisionMissing: Configuration "hello" does not have any ready Revision/);
  });

  test('Ready True is done only when the predicate holds', () => {
    const s = svc(2, 2, [T('Ready')], [{ revisionName: 'hello-00001', percent: 100 }]);
    assert.deepEqual(evaluateService(s), { done: true });
    assert.deepEqual(
      evaluateService(s, (x) => x.status?.traffic?.[0]?.percent === 100),
      { done: true },
    );
    const pending = evaluateService(s, () => false, 'status.traffic to match the plan');
    assert.match((pending as any).pending, /waiting for status.traffic to match the plan/);
  });

  test('progress uses the most specific unready condition', () => {
    const s = svc(2, 2, [
      { type: 'ConfigurationsReady', status: 'True' },
      {
        type: 'RoutesReady',
        status: 'Unknown',
        reason: 'TrafficNotMigrated',
        message: 'Traffic is not yet migrated to the latest revision.',
      },
      { type: 'Ready', status: 'Unknown', reason: 'TrafficNotMigrated' },
    ]);
    assert.equal(progressMessage(s), 'RoutesReady: Traffic is not yet migrated to the latest revision.');
    assert.equal(
      (evaluateService(s) as any).pending,
      'RoutesReady: Traffic is not yet migrated to the latest revision.',
    );
  });
});

describe('trafficMatches', () => {
  const withStatus = (traffic: KnativeService['spec']['traffic'], latestReady = 'hello-00002') => {
    const s = svc(2, 2, [T('Ready')], traffic);
    s.status!.latestReadyRevisionName = latestReady;
    return s;
  };
  test('matches tags, revisions and percents, ignoring URLs and order', () => {
    const desired = [
      { revisionName: 'hello-00001', percent: 50 },
      { revisionName: 'hello-00002', percent: 50, tag: 'v2' },
    ];
    assert.ok(
      trafficMatches(desired)(
        withStatus([
          { revisionName: 'hello-00002', percent: 50, tag: 'v2', url: 'http://v2-hello.default.example.com' },
          { revisionName: 'hello-00001', percent: 50 },
        ]),
      ),
    );
    assert.ok(!trafficMatches(desired)(withStatus([{ revisionName: 'hello-00001', percent: 100 }])));
    assert.ok(
      !trafficMatches(desired)(
        withStatus([
          { revisionName: 'hello-00001', percent: 50 },
          { revisionName: 'hello-00002', percent: 50, tag: 'v3' },
        ]),
      ),
    );
  });
  test('a latestRevision target must resolve to the latest ready revision', () => {
    const desired = [{ latestRevision: true, percent: 100 }];
    assert.ok(
      trafficMatches(desired)(withStatus([{ latestRevision: true, revisionName: 'hello-00002', percent: 100 }])),
    );
    assert.ok(
      !trafficMatches(desired)(withStatus([{ latestRevision: true, revisionName: 'hello-00001', percent: 100 }])),
    );
  });
});

describe('evaluateService with trafficOnly (a failed latest revision outside the plan)', () => {
  const F = (type: string, reason = 'RevisionFailed'): Condition => ({
    type,
    status: 'False',
    reason,
    message: 'Revision "hello-00002" failed with message: exit 1.',
  });
  const failedConfig = (
    routes: Condition,
    traffic: KnativeService['spec']['traffic'] = [{ revisionName: 'hello-00001', percent: 100 }],
  ) => {
    const s = svc(4, 4, [F('Ready'), F('ConfigurationsReady'), routes], traffic);
    s.status!.latestCreatedRevisionName = 'hello-00002';
    s.status!.latestReadyRevisionName = 'hello-00001';
    return s;
  };
  const routesTo1 = () => true;

  test('done when RoutesReady is True and the predicate holds', () => {
    assert.deepEqual(
      evaluateService(failedConfig(T('RoutesReady')), routesTo1, 'x', { trafficOnly: { revisions: ['hello-00001'] } }),
      { done: true },
    );
    assert.ok(
      'error' in evaluateService(failedConfig(T('RoutesReady')), routesTo1, 'x'),
      'without the mode it is a failure',
    );
  });

  test('pending while the route moves or the predicate does not hold yet', () => {
    const moving = evaluateService(
      failedConfig({ type: 'RoutesReady', status: 'Unknown', message: 'Waiting for load balancer' }),
      routesTo1,
      'x',
      { trafficOnly: { revisions: ['hello-00001'] } },
    );
    assert.match((moving as any).pending, /RoutesReady: Waiting for load balancer/);
    const notYet = evaluateService(failedConfig(T('RoutesReady')), () => false, 'the new split', {
      trafficOnly: { revisions: ['hello-00001'] },
    });
    assert.match((notYet as any).pending, /route of service "hello" is ready; waiting for the new split/);
  });

  test('a latest revision still starting outside the plan: done once the route is ready, not before', () => {
    const U = (type: string): Condition => ({
      type,
      status: 'Unknown',
      reason: 'Deploying',
      message: 'Revision "hello-00002" is starting.',
    });
    const starting = (routes: Condition) => {
      const s = svc(
        4,
        4,
        [U('Ready'), U('ConfigurationsReady'), routes],
        [{ revisionName: 'hello-00001', percent: 100 }],
      );
      s.status!.latestCreatedRevisionName = 'hello-00002';
      s.status!.latestReadyRevisionName = 'hello-00001';
      return s;
    };
    const only1 = { trafficOnly: { revisions: ['hello-00001'] } };
    assert.deepEqual(evaluateService(starting(T('RoutesReady')), routesTo1, 'x', only1), { done: true });
    assert.ok(
      'pending' in
        evaluateService(
          starting({ type: 'RoutesReady', status: 'Unknown', message: 'Waiting for load balancer' }),
          routesTo1,
          'x',
          only1,
        ),
    );
    assert.ok(
      'pending' in evaluateService(starting(T('RoutesReady')), routesTo1, 'x'),
      'without the mode it waits for Ready',
    );
    assert.ok(
      'pending' in
        evaluateService(starting(T('RoutesReady')), routesTo1, 'x', {
          trafficOnly: { revisions: ['hello-00001', 'hello-00002'] },
        }),
      'a plan routing to it waits for it',
    );
  });

  test('still a failure when the route failed or the plan routes to the failed revision', () => {
    assert.ok(
      'error' in
        evaluateService(failedConfig(F('RoutesReady', 'RevisionMissing')), routesTo1, 'x', {
          trafficOnly: { revisions: ['hello-00001'] },
        }),
    );
    assert.ok(
      'error' in
        evaluateService(failedConfig(T('RoutesReady')), routesTo1, 'x', {
          trafficOnly: { revisions: ['hello-00001', 'hello-00002'] },
        }),
    );
    const s = failedConfig(T('RoutesReady'));
    s.status!.conditions = [F('Ready'), T('ConfigurationsReady'), T('RoutesReady')];
    assert.equal(onlyConfigurationNotReady(s, ['hello-00001']), false, 'Ready False for another reason');
  });
});

describe('evaluateService during Knative gradual rollout', () => {
  const msg = 'A gradual rollout of the latest revision(s) is in progress.';
  const rolling = (): KnativeService => {
    const s = svc(
      2,
      2,
      [
        { type: 'ConfigurationsReady', status: 'True' },
        { type: 'Ready', status: 'Unknown', reason: 'RolloutInProgress', message: msg },
        { type: 'RoutesReady', status: 'Unknown', reason: 'RolloutInProgress', message: msg },
      ],
      [
        { revisionName: 'hello-00001', latestRevision: true, percent: 66 },
        { revisionName: 'hello-00002', latestRevision: true, percent: 34 },
      ],
    );
    s.metadata.annotations = { 'serving.knative.dev/rollout-duration': '4s' };
    return s;
  };

  test('is pending (never done) and says how far the rollout is', () => {
    const v = evaluateService(rolling(), () => true);
    assert.deepEqual(v, {
      pending: 'rolling out: 34% of target 100% to hello-00002 (from hello-00001 66%) over rollout-duration 4s',
      ready: { type: 'Ready', status: 'Unknown', reason: 'RolloutInProgress', message: msg },
    });
  });

  test('a traffic-only step is pending too while the route rolls out', () => {
    const s = rolling();
    s.status!.latestCreatedRevisionName = 'hello-00003';
    s.status!.latestReadyRevisionName = 'hello-00002';
    s.status!.conditions![0] = { type: 'ConfigurationsReady', status: 'Unknown', reason: 'Deploying' };
    const v = evaluateService(s, () => true, 'x', { trafficOnly: { revisions: ['hello-00001'] } });
    assert.match((v as any).pending, /^rolling out: 34% of target 100%/);
  });
});
