// The chaos oracle must catch what it claims to catch: each invariant is fed a service that breaks
// it (and one that keeps it), so a green chaos run means something.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KnativeService, TrafficTarget } from '../../src/core/knative-types.js';
import {
  checkForeign,
  checkNoOverride,
  checkRevisionsExist,
  checkStateMatchesTraffic,
  checkSums,
  closesAsUndo,
  mayOverride,
  recordedRollout,
  routingOf,
  sameRouting,
} from './invariants.js';
import { createRng } from './rng.js';

function svc(traffic: TrafficTarget[], rollout?: object, status?: TrafficTarget[]): KnativeService {
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'hello', annotations: rollout ? { 'bgctl.dev/rollout': JSON.stringify(rollout) } : {} },
    spec: { template: { spec: { containers: [{ image: 'x' }] } }, traffic },
    status: status ? { traffic: status } : {},
  } as KnativeService;
}

const state = (phase: string, percent: number, extra: object = {}) => ({
  id: 'r1',
  phase,
  stable: { revision: 'hello-00001', tag: 'stable' },
  candidate: { revision: 'hello-00002', tag: 'candidate' },
  percent,
  ...extra,
});

const split = (stable: number, cand: number): TrafficTarget[] => [
  { tag: 'stable', revisionName: 'hello-00001', percent: stable },
  { tag: 'candidate', revisionName: 'hello-00002', percent: cand },
];

describe('chaos oracle', () => {
  test('sums: spec and status must each add up to 100', () => {
    assert.deepEqual(checkSums(svc(split(50, 50))), []);
    assert.match(checkSums(svc(split(50, 40)))[0], /spec.traffic sums to 90/);
    assert.match(checkSums(svc(split(50, 50), undefined, split(60, 50)), 'status')[0], /status.traffic sums to 110/);
  });

  test('a target naming a missing revision is reported', () => {
    assert.deepEqual(checkRevisionsExist(svc(split(50, 50)), new Set(['hello-00001', 'hello-00002'])), []);
    assert.match(
      checkRevisionsExist(svc(split(50, 50)), new Set(['hello-00001']))[0],
      /missing revision "hello-00002"/,
    );
  });

  test('a dropped or changed foreign target is reported', () => {
    const foreign = [{ tag: 'ext1', revisionName: 'hello-00001' }];
    assert.deepEqual(
      checkForeign(svc([...split(100, 0), { tag: 'ext1', revisionName: 'hello-00001', percent: 0 }]), foreign),
      [],
    );
    assert.match(checkForeign(svc(split(100, 0)), foreign)[0], /ext1 -> hello-00001 was dropped/);
    assert.match(
      checkForeign(svc([...split(100, 0), { tag: 'ext1', revisionName: 'hello-00002', percent: 0 }]), foreign)[0],
      /was changed/,
    );
  });

  test('the recorded phase must agree with spec.traffic', () => {
    assert.deepEqual(checkStateMatchesTraffic(svc(split(50, 50), state('split', 50))), []);
    assert.match(
      checkStateMatchesTraffic(svc(split(90, 10), state('split', 50)))[0],
      /candidate hello-00002 has 10%, expected 50%/,
    );
    assert.deepEqual(checkStateMatchesTraffic(svc(split(100, 0), state('staged', 0))), []);
    assert.match(
      checkStateMatchesTraffic(
        svc([{ tag: 'stable', revisionName: 'hello-00001', percent: 100 }], state('staged', 0)),
      )[0],
      /tag candidate does not route/,
    );
    assert.deepEqual(
      checkStateMatchesTraffic(
        svc(
          [
            { tag: 'candidate', revisionName: 'hello-00002', percent: 100 },
            { tag: 'previous', revisionName: 'hello-00001', percent: 0 },
          ],
          state('promoted', 100, { previousTag: 'previous' }),
        ),
      ),
      [],
    );
    assert.match(
      checkStateMatchesTraffic(
        svc(
          [{ tag: 'candidate', revisionName: 'hello-00002', percent: 100 }],
          state('promoted', 100, { previousTag: 'previous' }),
        ),
      )[0],
      /tag previous does not route/,
    );
    assert.match(
      checkStateMatchesTraffic(
        svc(
          [
            { latestRevision: true, percent: 100 },
            { tag: 'stable', revisionName: 'hello-00001', percent: 0 },
          ],
          state('deployed', 0),
        ),
      )[0],
      /floating latestRevision target carries traffic/,
    );
    // Foreign percent is left alone: bgctl's share is what the foreign targets leave.
    assert.deepEqual(
      checkStateMatchesTraffic(
        svc([...split(40, 50), { tag: 'ext1', revisionName: 'hello-00003', percent: 10 }], state('split', 50)),
      ),
      [],
    );
  });

  test('closed rollouts are checked only on the write that closed them', () => {
    const moved = svc(split(0, 100), state('aborted', 0));
    assert.deepEqual(checkStateMatchesTraffic(moved), []);
    assert.match(checkStateMatchesTraffic(moved, true)[0], /stable hello-00001 has 0%, expected 100%/);
  });

  test('routing: percent per revision, whatever the tags and entries; floating traffic is its own key', () => {
    const tagged = [...split(70, 30), { tag: 'ext1', revisionName: 'hello-00001', percent: 0 }];
    const untagged = [
      { revisionName: 'hello-00002', percent: 20 },
      { revisionName: 'hello-00001', percent: 70 },
      { tag: 'c', revisionName: 'hello-00002', percent: 10 },
    ];
    assert.ok(sameRouting(routingOf(tagged), routingOf(untagged)));
    assert.deepEqual(
      routingOf([
        { latestRevision: true, percent: 100 },
        { tag: 'stable', revisionName: 'hello-00001', percent: 0 },
      ]),
      { '@latest': 100 },
    );
    assert.ok(
      !sameRouting(
        routingOf([{ latestRevision: true, percent: 100 }]),
        routingOf([{ revisionName: 'hello-00001', percent: 100 }]),
      ),
    );
  });

  test('no override: after someone else changed the routing, a write must keep it', () => {
    const left = routingOf(split(90, 10));
    const person = svc(split(70, 30), state('split', 10));
    // The unfixed promote: 100% to the candidate over the person's 70/30.
    assert.match(
      checkNoOverride(left, person, svc(split(0, 100), state('promoted', 100)))[0],
      /bgctl had left hello-00001 90%, hello-00002 10%, someone else set hello-00001 70%, hello-00002 30%, bgctl wrote hello-00002 100%/,
    );
    // A record-only write (the routing stays the person's), or no change by anyone: nothing to say.
    assert.deepEqual(checkNoOverride(left, person, svc(split(70, 30), state('verified', 0))), []);
    assert.deepEqual(
      checkNoOverride(left, svc(split(90, 10), state('split', 10)), svc(split(50, 50), state('split', 50))),
      [],
    );
  });

  test('no override: percent the person moved outside the rollout stays, bgctl may re-divide its own share', () => {
    const left = routingOf(split(100, 0));
    const outside = (stable: number, cand: number, other: number) => [
      ...split(stable, cand),
      { tag: 'previous', revisionName: 'hello-00000', percent: other },
    ];
    const person = svc(outside(90, 0, 10), state('staged', 0));
    assert.deepEqual(checkNoOverride(left, person, svc(outside(40, 50, 10), state('split', 50))), []);
    assert.match(
      checkNoOverride(left, person, svc(outside(50, 50, 0), state('split', 50)))[0],
      /wrote over a traffic change/,
    );
  });

  test('who may override: --take-over, rollback, pin, rollout --abort, and a write that closes the rollout as an undo', () => {
    assert.ok(mayOverride(['rollout', 'x', '--resume', '--take-over']));
    assert.ok(mayOverride(['rollback', 'x']) && mayOverride(['pin', 'x']) && mayOverride(['rollout', 'x', '--abort']));
    assert.ok(
      !mayOverride(['rollout', 'x', '--resume']) &&
        !mayOverride(['promote', 'x']) &&
        !mayOverride(['split', 'x', '--percent', '50']),
    );
    assert.ok(closesAsUndo(svc(split(70, 30), state('split', 10)), svc(split(100, 0), state('aborted', 0))));
    assert.ok(!closesAsUndo(svc(split(70, 30), state('split', 10)), svc(split(0, 100), state('promoted', 100))));
  });

  test('an unreadable rollout annotation is a violation', () => {
    const bad = svc(split(100, 0));
    bad.metadata.annotations = { 'bgctl.dev/rollout': '{not json' };
    assert.match(String(recordedRollout(bad)), /not JSON/);
    assert.match(checkStateMatchesTraffic(bad)[0], /not JSON/);
  });

  test('the PRNG replays the same sequence for the same seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 5 }, () => a.int(0, 1000));
    assert.deepEqual(
      seqA,
      Array.from({ length: 5 }, () => b.int(0, 1000)),
    );
    assert.notDeepEqual(
      seqA,
      Array.from({ length: 5 }, () => c.int(0, 1000)),
    );
  });
});
