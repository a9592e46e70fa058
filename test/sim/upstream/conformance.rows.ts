// The conformance scenarios of knative/serving test/conformance/api/v1, per knative/serving at
// COMMITS.serving. Where a test makes several writes in turn (TestServiceWithTrafficSplit,
// TestBlueGreenRoute, TestServiceCreateAndUpdate, TestRouteCreation) its row is a sequence. The
// intermediate states asserted are only those the reconcilers establish deterministically: the
// Service's first pass after a write (pkg/reconciler/service/service.go ReconcileKind) sees its
// child's generation unobserved and marks it OutOfDate; the Configuration's first pass
// (SetLatestCreatedRevisionName) leaves Ready Unknown. States between those and the end (which
// child reconciles first, TrafficNotMigrated) are races upstream and are not asserted.
import {
  type UpstreamCondition,
  type UpstreamRow,
  type UpstreamStep,
  servingSource,
  conformanceSource,
} from './row.js';

const V1 = 'ghcr.io/bgctl/hello:v1';
const V2 = 'ghcr.io/bgctl/hello:v2';
const V3 = 'ghcr.io/bgctl/hello:v3';

type Obj = Record<string, unknown>;
const container = (image = V1, extra: Obj = {}) => ({ image, ...extra });
const template = (spec: Obj = {}, meta?: Obj) => ({
  ...(meta ? { metadata: meta } : {}),
  spec: { containers: [container()], ...spec },
});
const ksvc = (name: string, spec: Obj = {}, tmpl: Obj = template()) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name },
  spec: { template: tmpl, ...spec },
});
const config = (name: string, tmpl: Obj = template()) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Configuration',
  metadata: { name },
  spec: { template: tmpl },
});
const failing = (how: string) => template({}, { annotations: { 'sim.bgctl.dev/fail': how } });
const url = (host: string) => `http://${host}.{namespace}.example.com`;
const READY = [{ type: 'Ready', status: 'True' as const }];
const SERVICE_READY = [
  { type: 'ConfigurationsReady', status: 'True' as const },
  { type: 'RoutesReady', status: 'True' as const },
  { type: 'Ready', status: 'True' as const },
];

// service_lifecycle.go MarkConfigurationNotReconciled / MarkRouteNotReconciled.
const CONFIG_OUT_OF_DATE = 'The Configuration is still working to reflect the latest desired specification.';
const ROUTE_OUT_OF_DATE = 'The Route is still working to reflect the latest desired specification.';
const SERVICE_CREATED: UpstreamCondition[] = [
  { type: 'ConfigurationsReady', status: 'Unknown', reason: 'OutOfDate', message: CONFIG_OUT_OF_DATE },
  { type: 'RoutesReady', status: 'Unknown', reason: 'OutOfDate', message: ROUTE_OUT_OF_DATE },
  // The Route is marked last, so Ready takes its reason and message (knative/pkg MarkUnknown).
  { type: 'Ready', status: 'Unknown', reason: 'OutOfDate', message: ROUTE_OUT_OF_DATE },
];
/** After a template change: the Route's spec is unchanged and it still serves what it should. */
const CONFIG_OUTDATED: UpstreamCondition[] = [
  { type: 'ConfigurationsReady', status: 'Unknown', reason: 'OutOfDate', message: CONFIG_OUT_OF_DATE },
  { type: 'RoutesReady', status: 'True' },
  { type: 'Ready', status: 'Unknown', reason: 'OutOfDate', message: CONFIG_OUT_OF_DATE },
];
/** After a traffic change: the Configuration is unchanged. */
const ROUTE_OUTDATED: UpstreamCondition[] = [
  { type: 'ConfigurationsReady', status: 'True' },
  { type: 'RoutesReady', status: 'Unknown', reason: 'OutOfDate', message: ROUTE_OUT_OF_DATE },
  { type: 'Ready', status: 'Unknown', reason: 'OutOfDate', message: ROUTE_OUT_OF_DATE },
];
const image = (img: string) => ({ spec: { template: template({ containers: [container(img)] }) } });
const write = (name: string, body: Obj): UpstreamStep['write'] => ({ resource: 'services', name, body });
/** A write to the Service, the state its next pass shows, then Ready with `traffic` (and `objectStatus`). */
const update = (
  name: string,
  body: Obj,
  first: UpstreamCondition[],
  traffic: NonNullable<UpstreamStep['traffic']>,
  objectStatus?: Obj,
): UpstreamStep[] => [
  { write: write(name, body), conditions: first },
  { conditions: SERVICE_READY, traffic, ...(objectStatus ? { objectStatus } : {}) },
];
const pinned = (tag: string, revisionName: string, percent: number) => ({
  tag,
  revisionName,
  percent,
  latestRevision: false,
});

const sequenceRows: UpstreamRow[] = [
  {
    id: 'conformance-service-create-sequence',
    behaviour:
      'a new Service: its first pass marks both children OutOfDate (Ready Unknown), then it settles Ready on its first revision',
    source: conformanceSource('service_test.go', 'TestServiceCreateListAndDelete'),
    request: { verb: 'create', resource: 'services', name: 'first', body: ksvc('first') },
    expect: { status: 201, conditions: SERVICE_CREATED },
    sequence: [
      {
        conditions: SERVICE_READY,
        traffic: [{ revisionName: 'first-00001', percent: 100, latestRevision: true }],
        objectStatus: {
          url: url('first'),
          latestCreatedRevisionName: 'first-00001',
          latestReadyRevisionName: 'first-00001',
        },
      },
    ],
  },
  {
    id: 'conformance-service-update-sequence',
    behaviour:
      'image, template label and template annotation changes: each marks ConfigurationsReady OutOfDate with RoutesReady True, then a new revision takes the traffic',
    source: conformanceSource('service_test.go', 'TestServiceCreateAndUpdate'),
    request: { verb: 'create', resource: 'services', name: 'upd', body: ksvc('upd') },
    expect: { status: 201, conditions: SERVICE_READY },
    sequence: [
      ...update(
        'upd',
        image(V2),
        CONFIG_OUTDATED,
        [{ revisionName: 'upd-00002', percent: 100, latestRevision: true }],
        {
          latestCreatedRevisionName: 'upd-00002',
          latestReadyRevisionName: 'upd-00002',
        },
      ),
      ...update(
        'upd',
        { spec: { template: { metadata: { labels: { 'label-x': 'abc', 'label-y': 'def' } } } } },
        CONFIG_OUTDATED,
        [{ revisionName: 'upd-00003', percent: 100, latestRevision: true }],
      ),
      ...update(
        'upd',
        { spec: { template: { metadata: { annotations: { 'annotation-a': '123', 'annotation-b': '456' } } } } },
        CONFIG_OUTDATED,
        [{ revisionName: 'upd-00004', percent: 100, latestRevision: true }],
        { latestCreatedRevisionName: 'upd-00004', latestReadyRevisionName: 'upd-00004' },
      ),
    ],
  },
  {
    id: 'conformance-traffic-split-sequence',
    behaviour:
      'the five release shapes in turn: a traffic change marks RoutesReady OutOfDate, an image change ConfigurationsReady; the tags follow',
    source: conformanceSource('service_test.go', 'TestServiceWithTrafficSplit'),
    request: { verb: 'create', resource: 'services', name: 'ts', body: ksvc('ts') },
    expect: { status: 201, conditions: SERVICE_READY },
    sequence: [
      // 1. One revision named, current == latest.
      ...update(
        'ts',
        { spec: { traffic: [{ tag: 'current', revisionName: 'ts-00001', percent: 100 }, { tag: 'latest' }] } },
        ROUTE_OUTDATED,
        [pinned('current', 'ts-00001', 100), { tag: 'latest', revisionName: 'ts-00001', latestRevision: true }],
        {
          traffic: [
            { tag: 'current', url: url('current-ts') },
            { tag: 'latest', url: url('latest-ts') },
          ],
        },
      ),
      // 2. A new image: current stays, latest moves.
      ...update('ts', image(V2), CONFIG_OUTDATED, [
        pinned('current', 'ts-00001', 100),
        { tag: 'latest', revisionName: 'ts-00002', latestRevision: true },
      ]),
      // 3. Two revisions named 50/50, candidate == latest.
      ...update(
        'ts',
        {
          spec: {
            traffic: [
              { tag: 'current', revisionName: 'ts-00001', percent: 50 },
              { tag: 'candidate', revisionName: 'ts-00002', percent: 50 },
              { tag: 'latest' },
            ],
          },
        },
        ROUTE_OUTDATED,
        [
          pinned('current', 'ts-00001', 50),
          pinned('candidate', 'ts-00002', 50),
          { tag: 'latest', revisionName: 'ts-00002', latestRevision: true },
        ],
        { traffic: [{ url: url('current-ts') }, { url: url('candidate-ts') }, { url: url('latest-ts') }] },
      ),
      // 4. A new image: the named split stays, latest moves.
      ...update('ts', image(V3), CONFIG_OUTDATED, [
        pinned('current', 'ts-00001', 50),
        pinned('candidate', 'ts-00002', 50),
        { tag: 'latest', revisionName: 'ts-00003', latestRevision: true },
      ]),
      // 5. The candidate on @latest.
      ...update(
        'ts',
        {
          spec: {
            traffic: [
              { tag: 'current', revisionName: 'ts-00001', percent: 50 },
              { tag: 'candidate', percent: 50 },
              { tag: 'latest' },
            ],
          },
        },
        ROUTE_OUTDATED,
        [
          pinned('current', 'ts-00001', 50),
          { tag: 'candidate', revisionName: 'ts-00003', percent: 50, latestRevision: true },
          { tag: 'latest', revisionName: 'ts-00003', latestRevision: true },
        ],
      ),
    ],
  },
  {
    id: 'conformance-blue-green-sequence',
    behaviour:
      'blue-green: a green image takes all traffic, then a blue/green 50/50 split by name, each reachable on its tag URL',
    source: conformanceSource('blue_green_test.go', 'TestBlueGreenRoute'),
    request: { verb: 'create', resource: 'services', name: 'bgs', body: ksvc('bgs') },
    expect: { status: 201, conditions: SERVICE_READY },
    sequence: [
      ...update('bgs', image(V2), CONFIG_OUTDATED, [{ revisionName: 'bgs-00002', percent: 100, latestRevision: true }]),
      ...update(
        'bgs',
        {
          spec: {
            traffic: [
              { tag: 'blue', revisionName: 'bgs-00001', percent: 50 },
              { tag: 'green', revisionName: 'bgs-00002', percent: 50 },
            ],
          },
        },
        ROUTE_OUTDATED,
        [pinned('blue', 'bgs-00001', 50), pinned('green', 'bgs-00002', 50)],
        { url: url('bgs'), traffic: [{ url: url('blue-bgs') }, { url: url('green-bgs') }] },
      ),
    ],
  },
  {
    id: 'conformance-byo-revision-name-sequence',
    behaviour:
      'a template name: the first pass waits for the Configuration before making the Route (RoutesReady Unknown, Ready OutOfDate), then Ready on the named revision',
    source: servingSource('pkg/reconciler/service/service.go', 'Reconciler.ReconcileKind'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'byo',
      body: ksvc('byo', {}, template({}, { name: 'byo-byoname' })),
    },
    expect: {
      status: 201,
      conditions: [
        { type: 'ConfigurationsReady', status: 'Unknown', reason: 'OutOfDate', message: CONFIG_OUT_OF_DATE },
        { type: 'RoutesReady', status: 'Unknown' },
        { type: 'Ready', status: 'Unknown', reason: 'OutOfDate', message: CONFIG_OUT_OF_DATE },
      ],
    },
    sequence: [
      {
        conditions: SERVICE_READY,
        traffic: [{ revisionName: 'byo-byoname', percent: 100, latestRevision: true }],
        objectStatus: { latestCreatedRevisionName: 'byo-byoname', latestReadyRevisionName: 'byo-byoname' },
      },
    ],
  },
  {
    id: 'conformance-route-creation-sequence',
    behaviour: 'a Route to a Configuration settles Ready on its revision, then follows a new image to the next one',
    source: conformanceSource('route_test.go', 'TestRouteCreation'),
    request: {
      verb: 'create',
      resource: 'routes',
      name: 'rc',
      body: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Route',
        metadata: { name: 'rc' },
        spec: { traffic: [{ configurationName: 'rc', percent: 100 }] },
      },
      setup: [{ resource: 'configurations', body: config('rc'), ready: true }],
    },
    expect: {
      status: 201,
      conditions: [
        { type: 'AllTrafficAssigned', status: 'True' },
        { type: 'IngressReady', status: 'True' },
        { type: 'Ready', status: 'True' },
      ],
    },
    sequence: [
      {
        // Already there when the create settled: no traffic step, the status only.
        conditions: READY,
        objectStatus: { url: url('rc'), traffic: [{ revisionName: 'rc-00001', percent: 100, latestRevision: true }] },
      },
      {
        write: { resource: 'configurations', name: 'rc', body: image(V2) },
        conditions: READY,
        traffic: [{ revisionName: 'rc-00002', percent: 100, latestRevision: true }],
      },
    ],
  },
];

const lifecycleRows: UpstreamRow[] = [
  {
    id: 'conformance-configuration-metadata-update',
    behaviour: 'a label and annotation change on a Configuration makes no new revision',
    source: conformanceSource('configuration_test.go', 'TestUpdateConfigurationMetadata'),
    request: {
      verb: 'patch',
      resource: 'configurations',
      name: 'meta',
      body: { metadata: { labels: { labelX: 'abc' }, annotations: { annotationA: '123' } } },
      setup: [{ resource: 'configurations', body: config('meta'), ready: true }],
    },
    expect: {
      status: 200,
      conditions: READY,
      objectStatus: { latestCreatedRevisionName: 'meta-00001', latestReadyRevisionName: 'meta-00001' },
    },
  },
  {
    id: 'conformance-multiple-containers',
    behaviour: 'a Service with a serving container and a sidecar settles Ready',
    source: conformanceSource('service_test.go', 'TestServiceCreateWithMultipleContainers'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'multi',
      body: ksvc(
        'multi',
        {},
        {
          spec: {
            containers: [container(V1, { ports: [{ containerPort: 8881 }] }), container('ghcr.io/bgctl/sidecar:v1')],
          },
        },
      ),
    },
    expect: { status: 201, conditions: SERVICE_READY },
  },
  {
    id: 'conformance-empty-dir',
    behaviour: 'a Service mounting an emptyDir volume settles Ready',
    source: conformanceSource('service_test.go', 'TestServiceCreateWithEmptyDir'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'scratch',
      body: ksvc(
        'scratch',
        {},
        {
          spec: {
            containers: [container(V1, { volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
            volumes: [{ name: 'data', emptyDir: { medium: 'Memory' } }],
          },
        },
      ),
    },
    expect: { status: 201, conditions: SERVICE_READY },
  },
  {
    id: 'conformance-single-concurrency',
    behaviour: 'a Service with containerConcurrency 1 settles Ready',
    source: conformanceSource('single_threaded_test.go', 'TestSingleConcurrency'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'single',
      body: ksvc('single', {}, template({ containerConcurrency: 1 })),
    },
    expect: { status: 201, conditions: SERVICE_READY },
  },
  {
    id: 'conformance-revision-timeout',
    behaviour: 'a Service with a revision timeout settles Ready',
    source: conformanceSource('revision_timeout_test.go', 'TestRevisionTimeout'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'timed',
      body: ksvc('timed', {}, template({ timeoutSeconds: 30 })),
    },
    expect: { status: 201, conditions: SERVICE_READY },
  },
  {
    id: 'conformance-resource-limits',
    behaviour: 'a Service with CPU and memory requests and limits settles Ready',
    source: conformanceSource('resources_test.go', 'TestCustomResourcesLimits'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'limits',
      body: ksvc(
        'limits',
        {},
        {
          spec: {
            containers: [
              container(V1, {
                resources: { limits: { cpu: '350m', memory: '350Mi' }, requests: { cpu: '350m', memory: '350Mi' } },
              }),
            ],
          },
        },
      ),
    },
    expect: { status: 201, conditions: SERVICE_READY },
  },
  {
    id: 'conformance-service-account-invalid',
    behaviour: 'a serviceAccountName that is not a DNS-1123 subdomain is refused with the validation detail',
    source: conformanceSource('service_account_test.go', 'TestServiceAccountValidation'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'sa',
      body: ksvc('sa', {}, template({ serviceAccountName: 'foo@bar.baz' })),
    },
    expect: {
      status: 400,
      reason: 'BadRequest',
      message:
        "admission webhook \"validation.webhook.serving.knative.dev\" denied the request: validation failed: invalid value: foo@bar.baz: spec.template.spec.serviceAccountName\na lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    },
  },
];

/** A failing revision: the Service's first pass, then its children fail (the tests wait only for that). */
const failingService = (id: string, name: string, how: string, test: string): UpstreamRow => ({
  id,
  // The conformance test checks the Configuration's and the Revision's reasons; the Service's Ready
  // takes whichever dependent was marked False last (RevisionFailed or the route's RevisionMissing).
  behaviour: `${how}: the Service starts Unknown OutOfDate, then it and its children fail with RevisionFailed`,
  source: conformanceSource('errorcondition_test.go', test),
  request: { verb: 'create', resource: 'services', name, body: ksvc(name, {}, failing(how)) },
  expect: { status: 201, conditions: SERVICE_CREATED },
  sequence: [
    {
      conditions: [
        { type: 'ConfigurationsReady', status: 'False', reason: 'RevisionFailed' },
        { type: 'Ready', status: 'False' },
      ],
    },
  ],
});
/** The Configuration's progression: Unknown once it created the revision, then False RevisionFailed. */
const failingConfiguration = (id: string, name: string, how: string, test: string): UpstreamRow => ({
  id,
  behaviour: `${how}: the Configuration is Ready Unknown with its revision created, then False RevisionFailed`,
  source: conformanceSource('errorcondition_test.go', test),
  request: { verb: 'create', resource: 'configurations', name, body: config(name, failing(how)) },
  // configuration_lifecycle.go SetLatestCreatedRevisionName marks Ready Unknown with no reason.
  expect: { status: 201, conditions: [{ type: 'Ready', status: 'Unknown' }] },
  sequence: [
    {
      conditions: [{ type: 'Ready', status: 'False', reason: 'RevisionFailed' }],
      objectStatus: { latestCreatedRevisionName: `${name}-00001` },
    },
  ],
});

const errorRows: UpstreamRow[] = [
  failingService('conformance-container-missing-service', 'noimg', 'ContainerMissing', 'TestContainerErrorMsg'),
  failingConfiguration(
    'conformance-container-missing-configuration',
    'noimgc',
    'ContainerMissing',
    'TestContainerErrorMsg',
  ),
  failingService('conformance-container-exiting-service', 'crash', 'ExitCode5', 'TestContainerExitingMsg'),
  failingConfiguration('conformance-container-exiting-configuration', 'crashc', 'ExitCode5', 'TestContainerExitingMsg'),
  {
    id: 'conformance-service-traffic-missing-revision',
    behaviour: 'a Service naming a revision that does not exist: RoutesReady False RevisionMissing',
    source: servingSource('pkg/reconciler/route/traffic/traffic.go', 'configBuilder.addRevisionTarget'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'lost',
      body: ksvc('lost', { traffic: [{ revisionName: 'lost-00009', percent: 100 }] }),
    },
    expect: {
      status: 201,
      conditions: [
        {
          type: 'RoutesReady',
          status: 'False',
          reason: 'RevisionMissing',
          message: 'Revision "lost-00009" referenced in traffic not found.',
        },
        {
          type: 'Ready',
          status: 'False',
          reason: 'RevisionMissing',
          message: 'Revision "lost-00009" referenced in traffic not found.',
        },
      ],
    },
  },
];

export const ROWS: UpstreamRow[] = [...sequenceRows, ...lifecycleRows, ...errorRows];
