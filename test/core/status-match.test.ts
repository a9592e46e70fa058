// statusMatches (did Knative carry the spec out) and planStillHolds (did bgctl's targets survive
// a foreign edit after its write).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planStillHolds, statusMatches } from '../../src/core/status-match.js';
import type { KnativeService, TrafficTarget } from '../../src/core/knative-types.js';

const desired: TrafficTarget[] = [
  { tag: 'stable', revisionName: 'hello-00001', latestRevision: false, percent: 50 },
  { tag: 'candidate', revisionName: 'hello-00002', latestRevision: false, percent: 50 },
];

test('planStillHolds: the same list, or the list plus a foreign 0% tag, still holds', () => {
  assert.equal(planStillHolds(desired, desired), true);
  assert.equal(
    planStillHolds(
      [...desired, { tag: 'qa', revisionName: 'hello-00001', latestRevision: false, percent: 0 }],
      desired,
    ),
    true,
  );
});

test('planStillHolds: a moved percent, a dropped target or a missing spec does not', () => {
  assert.equal(
    planStillHolds(
      [
        { ...desired[0], percent: 60 },
        { ...desired[1], percent: 40 },
      ],
      desired,
    ),
    false,
  );
  assert.equal(planStillHolds([{ ...desired[0], percent: 100 }], desired), false);
  assert.equal(planStillHolds(undefined, desired), false);
});

test("planStillHolds: a foreign 0% target its owner removed after bgctl wrote does not count; a 0% tag of bgctl's does", () => {
  const withForeign: TrafficTarget[] = [
    ...desired,
    { tag: 'qa', revisionName: 'hello-00001', latestRevision: false, percent: 0 },
  ];
  assert.equal(planStillHolds(desired, withForeign, new Set(['stable', 'candidate'])), true);
  const staged: TrafficTarget[] = [
    { ...desired[0], percent: 100 },
    { ...desired[1], percent: 0 },
  ];
  assert.equal(
    planStillHolds([staged[0]], staged, new Set(['stable', 'candidate'])),
    false,
    "bgctl's own 0% candidate tag was dropped",
  );
  assert.equal(planStillHolds([staged[0]], staged), true, 'without ownership every 0% target is optional');
});

test('statusMatches resolves floating targets to latestReady and merges equal entries', () => {
  const svc = {
    spec: { traffic: [] },
    status: {
      latestReadyRevisionName: 'hello-00002',
      traffic: [{ revisionName: 'hello-00002', latestRevision: true, percent: 100 }],
    },
  } as unknown as KnativeService;
  assert.equal(statusMatches(svc, [{ latestRevision: true, percent: 100 }]), true);
  assert.equal(
    statusMatches(svc, [
      { latestRevision: true, percent: 50 },
      { latestRevision: true, percent: 50 },
    ]),
    true,
  );
  assert.equal(statusMatches(svc, [{ revisionName: 'hello-00001', latestRevision: false, percent: 100 }]), false);
});
