// Gradual rollout (serving.knative.dev/rollout-duration) as condition sequences: the route moves
// the latest-revision target step by step, planned by knative/serving at COMMITS.serving from the
// duration (ConfigurationRollout.computeProperties: the first 1% takes at least 1 s, the rest of the
// duration is cut into at most percent-1 steps of a rounded size), and keeps IngressReady (so
// Ready and RoutesReady) Unknown RolloutInProgress while more than one revision serves the target.
import { type UpstreamCondition, type UpstreamRow, type UpstreamStep, servingSource } from './row.js';

const ROLLOUT_GO = 'pkg/reconciler/route/traffic/rollout.go';
const image = (tag: string) => ({ template: { spec: { containers: [{ image: `ghcr.io/bgctl/hello:${tag}` }] } } });
const cfg = (name: string) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Configuration',
  metadata: { name },
  spec: image('v1'),
});
const svc = (name: string, duration: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name, annotations: { 'serving.knative.dev/rollout-duration': duration } },
  spec: { ...image('v1'), ...extra },
});

// route_lifecycle.go MarkIngressRolloutInProgress, propagated to the Service's RoutesReady and Ready.
const MESSAGE = 'A gradual rollout of the latest revision(s) is in progress.';
const IN_PROGRESS: UpstreamCondition[] = [
  { type: 'Ready', status: 'Unknown', reason: 'RolloutInProgress', message: MESSAGE },
  { type: 'RoutesReady', status: 'Unknown', reason: 'RolloutInProgress', message: MESSAGE },
];
const ROUTE_IN_PROGRESS: UpstreamCondition[] = [
  { type: 'Ready', status: 'Unknown', reason: 'RolloutInProgress', message: MESSAGE },
  { type: 'IngressReady', status: 'Unknown', reason: 'RolloutInProgress', message: MESSAGE },
];
const READY: UpstreamCondition[] = [
  { type: 'Ready', status: 'True' },
  { type: 'RoutesReady', status: 'True' },
];

/** The latest-revision target's split: [revision, percent] pairs, oldest first. */
const latest = (...split: Array<[string, number]>) =>
  split.map(([revisionName, percent]) => ({ revisionName, percent, latestRevision: true }));

/** A step one second (the planned step duration) later, still in progress. */
const tick = (...split: Array<[string, number]>): UpstreamStep => ({
  advanceMs: 1_000,
  conditions: IN_PROGRESS,
  traffic: latest(...split),
});

export const ROWS: UpstreamRow[] = [
  {
    id: 'rollout-duration-4s-three-steps',
    behaviour:
      'rollout-duration 4s: a new revision gets 1%, then 3 steps of round(99/3)=33% a second apart, RolloutInProgress until one revision serves',
    source: servingSource(ROLLOUT_GO, 'ConfigurationRollout.computeProperties'),
    request: { verb: 'create', resource: 'services', name: 'ro4', body: svc('ro4', '4s') },
    expect: { status: 201, conditions: READY },
    sequence: [
      {
        write: { resource: 'services', name: 'ro4', body: { spec: image('v2') } },
        conditions: IN_PROGRESS,
        traffic: latest(['ro4-00001', 99], ['ro4-00002', 1]),
      },
      tick(['ro4-00001', 66], ['ro4-00002', 34]),
      tick(['ro4-00001', 33], ['ro4-00002', 67]),
      { advanceMs: 1_000, conditions: READY, traffic: latest(['ro4-00002', 100]) },
    ],
  },
  {
    id: 'rollout-duration-7s-last-step-capped',
    behaviour:
      'rollout-duration 7s: steps of round(99/6)=17%; the sixth would give 103% and is capped at the target, ending the rollout',
    source: servingSource(ROLLOUT_GO, 'stepRevisions'),
    request: { verb: 'create', resource: 'services', name: 'ro7', body: svc('ro7', '7s') },
    expect: { status: 201, conditions: READY },
    sequence: [
      {
        write: { resource: 'services', name: 'ro7', body: { spec: image('v2') } },
        conditions: IN_PROGRESS,
        traffic: latest(['ro7-00001', 99], ['ro7-00002', 1]),
      },
      tick(['ro7-00001', 82], ['ro7-00002', 18]),
      tick(['ro7-00001', 65], ['ro7-00002', 35]),
      tick(['ro7-00001', 48], ['ro7-00002', 52]),
      tick(['ro7-00001', 31], ['ro7-00002', 69]),
      tick(['ro7-00001', 14], ['ro7-00002', 86]),
      { advanceMs: 1_000, conditions: READY, traffic: latest(['ro7-00002', 100]) },
    ],
  },
  {
    id: 'rollout-duration-latest-shares-pinned-revision',
    behaviour:
      'a latest-revision target on the revision a pinned target names is merged into it (the first entry wins), so a new revision takes its share at once',
    source: servingSource('pkg/reconciler/route/traffic/traffic.go', 'consolidate'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'half',
      body: svc('half', '4s', {
        traffic: [
          { revisionName: 'half-00001', percent: 50 },
          { latestRevision: true, percent: 50 },
        ],
      }),
    },
    expect: { status: 201, conditions: READY },
    sequence: [
      {
        write: { resource: 'services', name: 'half', body: { spec: image('v2') } },
        conditions: READY,
        traffic: [{ revisionName: 'half-00001', percent: 50, latestRevision: false }, ...latest(['half-00002', 50])],
      },
    ],
  },
  {
    id: 'rollout-duration-route-half-target',
    behaviour:
      'a Route splitting 50/50 between two configurations: a new revision of one moves only its 50% in round(49/3)=16% steps; the capped fourth step ends it',
    source: servingSource(ROLLOUT_GO, 'stepRevisions'),
    request: {
      verb: 'create',
      resource: 'routes',
      name: 'split',
      setup: [
        { resource: 'configurations', body: cfg('cfg-a'), ready: true },
        { resource: 'configurations', body: cfg('cfg-b'), ready: true },
      ],
      body: {
        metadata: { name: 'split', annotations: { 'serving.knative.dev/rollout-duration': '4s' } },
        spec: {
          traffic: [
            { configurationName: 'cfg-a', percent: 50 },
            { configurationName: 'cfg-b', percent: 50 },
          ],
        },
      },
    },
    expect: { status: 201, conditions: [{ type: 'Ready', status: 'True' }] },
    sequence: [
      {
        write: { resource: 'configurations', name: 'cfg-b', body: { spec: image('v2') } },
        conditions: ROUTE_IN_PROGRESS,
        traffic: latest(['cfg-a-00001', 50], ['cfg-b-00001', 49], ['cfg-b-00002', 1]),
      },
      ...[
        [33, 17],
        [17, 33],
        [1, 49],
      ].map(([b1, b2]): UpstreamStep => ({
        advanceMs: 1_000,
        conditions: ROUTE_IN_PROGRESS,
        traffic: latest(['cfg-a-00001', 50], ['cfg-b-00001', b1], ['cfg-b-00002', b2]),
      })),
      {
        advanceMs: 1_000,
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'IngressReady', status: 'True' },
        ],
        traffic: latest(['cfg-a-00001', 50], ['cfg-b-00002', 50]),
      },
    ],
  },
  {
    id: 'rollout-duration-new-revision-mid-rollout',
    behaviour:
      'a third revision during a rollout takes its 1% from the newest revision with traffic and restarts the plan; steps drain the newest older revision first',
    source: servingSource(ROLLOUT_GO, 'stepConfig'),
    request: { verb: 'create', resource: 'services', name: 'three', body: svc('three', '4s') },
    expect: { status: 201, conditions: READY },
    sequence: [
      {
        write: { resource: 'services', name: 'three', body: { spec: image('v2') } },
        conditions: IN_PROGRESS,
        traffic: latest(['three-00001', 99], ['three-00002', 1]),
      },
      tick(['three-00001', 66], ['three-00002', 34]),
      {
        write: { resource: 'services', name: 'three', body: { spec: image('v3') } },
        conditions: IN_PROGRESS,
        traffic: latest(['three-00001', 66], ['three-00002', 33], ['three-00003', 1]),
      },
      tick(['three-00001', 66], ['three-00003', 34]),
      tick(['three-00001', 33], ['three-00003', 67]),
      { advanceMs: 1_000, conditions: READY, traffic: latest(['three-00003', 100]) },
    ],
  },
];
