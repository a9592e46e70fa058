// The conformance scenarios of knative/serving test/conformance/api/v1 that one request can set
// up: the conditions and status the stored object settles into, per knative/serving at COMMITS.serving.
import { COMMITS, type UpstreamRow } from './row.js';

const CONF = 'test/conformance/api/v1';
const conformance = (file: string, symbol: string) => ({
  repo: 'knative/serving' as const,
  path: `${CONF}/${file}`,
  symbol,
  commit: COMMITS.serving,
});
const serving = (path: string, symbol: string) => ({
  repo: 'knative/serving' as const,
  path,
  symbol,
  commit: COMMITS.serving,
});
const V1 = 'ghcr.io/bgctl/hello:v1';
const V2 = 'ghcr.io/bgctl/hello:v2';

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

const trafficSplitRows: UpstreamRow[] = [
  {
    id: 'conformance-traffic-split-current-is-latest',
    behaviour: 'release shape, one revision named: the pinned tag and the latest tag both serve the first revision',
    source: conformance('service_test.go', 'TestServiceWithTrafficSplit'),
    request: {
      verb: 'patch',
      resource: 'services',
      name: 'ts1',
      body: { spec: { traffic: [{ tag: 'current', revisionName: 'ts1-00001', percent: 100 }, { tag: 'latest' }] } },
      setup: [{ resource: 'services', body: ksvc('ts1'), ready: true }],
    },
    expect: {
      status: 200,
      conditions: SERVICE_READY,
      objectStatus: {
        traffic: [
          { tag: 'current', revisionName: 'ts1-00001', percent: 100, latestRevision: false, url: url('current-ts1') },
          { tag: 'latest', revisionName: 'ts1-00001', latestRevision: true, url: url('latest-ts1') },
        ],
      },
    },
  },
  {
    id: 'conformance-traffic-split-current-not-latest',
    behaviour: 'release shape after a new image: the pinned tag keeps the first revision, latest moves to the second',
    source: conformance('service_test.go', 'TestServiceWithTrafficSplit'),
    request: {
      verb: 'patch',
      resource: 'services',
      name: 'ts2',
      body: {
        spec: {
          template: template({ containers: [container(V2)] }),
          traffic: [{ tag: 'current', revisionName: 'ts2-00001', percent: 100 }, { tag: 'latest' }],
        },
      },
      setup: [{ resource: 'services', body: ksvc('ts2'), ready: true }],
    },
    expect: {
      status: 200,
      conditions: SERVICE_READY,
      objectStatus: {
        latestCreatedRevisionName: 'ts2-00002',
        latestReadyRevisionName: 'ts2-00002',
        traffic: [
          { tag: 'current', revisionName: 'ts2-00001', percent: 100, latestRevision: false, url: url('current-ts2') },
          { tag: 'latest', revisionName: 'ts2-00002', latestRevision: true, url: url('latest-ts2') },
        ],
      },
    },
  },
  {
    id: 'conformance-traffic-split-fifty-fifty-named',
    behaviour: 'release shape, two revisions named 50/50 with a latest tag: three tagged targets',
    source: conformance('service_test.go', 'TestServiceWithTrafficSplit'),
    request: {
      verb: 'patch',
      resource: 'services',
      name: 'ts3',
      body: {
        spec: {
          template: template({ containers: [container(V2)] }),
          traffic: [
            { tag: 'current', revisionName: 'ts3-00001', percent: 50 },
            { tag: 'candidate', revisionName: 'ts3-00002', percent: 50 },
            { tag: 'latest' },
          ],
        },
      },
      setup: [{ resource: 'services', body: ksvc('ts3'), ready: true }],
    },
    expect: {
      status: 200,
      conditions: SERVICE_READY,
      objectStatus: {
        traffic: [
          { tag: 'current', revisionName: 'ts3-00001', percent: 50, latestRevision: false, url: url('current-ts3') },
          {
            tag: 'candidate',
            revisionName: 'ts3-00002',
            percent: 50,
            latestRevision: false,
            url: url('candidate-ts3'),
          },
          { tag: 'latest', revisionName: 'ts3-00002', latestRevision: true, url: url('latest-ts3') },
        ],
      },
    },
  },
  {
    id: 'conformance-traffic-split-candidate-latest',
    behaviour:
      'release shape with the candidate on @latest: the untagged-revision target follows the newest ready revision',
    source: conformance('service_test.go', 'TestServiceWithTrafficSplit'),
    request: {
      verb: 'patch',
      resource: 'services',
      name: 'ts5',
      body: {
        spec: {
          template: template({ containers: [container(V2)] }),
          traffic: [
            { tag: 'current', revisionName: 'ts5-00001', percent: 50 },
            { tag: 'candidate', percent: 50 },
            { tag: 'latest' },
          ],
        },
      },
      setup: [{ resource: 'services', body: ksvc('ts5'), ready: true }],
    },
    expect: {
      status: 200,
      conditions: SERVICE_READY,
      objectStatus: {
        traffic: [
          { tag: 'current', revisionName: 'ts5-00001', percent: 50, latestRevision: false, url: url('current-ts5') },
          { tag: 'candidate', revisionName: 'ts5-00002', percent: 50, latestRevision: true, url: url('candidate-ts5') },
          { tag: 'latest', revisionName: 'ts5-00002', latestRevision: true, url: url('latest-ts5') },
        ],
      },
    },
  },
  {
    id: 'conformance-blue-green-split',
    behaviour: 'blue-green: a blue and a green revision split 50/50 by name, each reachable on its tag URL',
    source: conformance('blue_green_test.go', 'TestBlueGreenRoute'),
    request: {
      verb: 'patch',
      resource: 'services',
      name: 'bgs',
      body: {
        spec: {
          template: template({ containers: [container(V2)] }),
          traffic: [
            { tag: 'blue', revisionName: 'bgs-00001', percent: 50 },
            { tag: 'green', revisionName: 'bgs-00002', percent: 50 },
          ],
        },
      },
      setup: [{ resource: 'services', body: ksvc('bgs'), ready: true }],
    },
    expect: {
      status: 200,
      conditions: SERVICE_READY,
      objectStatus: {
        url: url('bgs'),
        traffic: [
          { tag: 'blue', revisionName: 'bgs-00001', percent: 50, latestRevision: false, url: url('blue-bgs') },
          { tag: 'green', revisionName: 'bgs-00002', percent: 50, latestRevision: false, url: url('green-bgs') },
        ],
      },
    },
  },
];

const lifecycleRows: UpstreamRow[] = [
  {
    id: 'conformance-service-create-ready',
    behaviour: 'a new Service settles Ready with its first revision latest-created, latest-ready and routed 100%',
    source: conformance('service_test.go', 'TestServiceCreateListAndDelete'),
    request: { verb: 'create', resource: 'services', name: 'first', body: ksvc('first') },
    expect: {
      status: 201,
      conditions: SERVICE_READY,
      objectStatus: {
        url: url('first'),
        latestCreatedRevisionName: 'first-00001',
        latestReadyRevisionName: 'first-00001',
        traffic: [{ revisionName: 'first-00001', percent: 100, latestRevision: true }],
      },
    },
  },
  {
    id: 'conformance-service-update-image',
    behaviour: 'an image change makes a second revision that takes the traffic',
    source: conformance('service_test.go', 'TestServiceCreateAndUpdate'),
    request: {
      verb: 'patch',
      resource: 'services',
      name: 'upd',
      body: { spec: { template: template({ containers: [container(V2)] }) } },
      setup: [{ resource: 'services', body: ksvc('upd'), ready: true }],
    },
    expect: {
      status: 200,
      conditions: SERVICE_READY,
      objectStatus: {
        latestCreatedRevisionName: 'upd-00002',
        latestReadyRevisionName: 'upd-00002',
        traffic: [{ revisionName: 'upd-00002', percent: 100, latestRevision: true }],
      },
    },
  },
  {
    id: 'conformance-configuration-metadata-update',
    behaviour: 'a label and annotation change on a Configuration makes no new revision',
    source: conformance('configuration_test.go', 'TestUpdateConfigurationMetadata'),
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
    id: 'conformance-byo-revision-name',
    behaviour: 'a Service with a template name creates the revision under that name',
    source: conformance('service_test.go', 'TestServiceBYOName'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'byo',
      body: ksvc('byo', {}, template({}, { name: 'byo-byoname' })),
    },
    expect: {
      status: 201,
      conditions: SERVICE_READY,
      objectStatus: {
        latestCreatedRevisionName: 'byo-byoname',
        latestReadyRevisionName: 'byo-byoname',
        traffic: [{ revisionName: 'byo-byoname', percent: 100, latestRevision: true }],
      },
    },
  },
  {
    id: 'conformance-route-creation',
    behaviour: 'a Route to a Configuration settles Ready on its ready revision',
    source: conformance('route_test.go', 'TestRouteCreation'),
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
      objectStatus: { url: url('rc'), traffic: [{ revisionName: 'rc-00001', percent: 100, latestRevision: true }] },
    },
  },
  {
    id: 'conformance-multiple-containers',
    behaviour: 'a Service with a serving container and a sidecar settles Ready',
    source: conformance('service_test.go', 'TestServiceCreateWithMultipleContainers'),
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
    source: conformance('service_test.go', 'TestServiceCreateWithEmptyDir'),
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
    source: conformance('single_threaded_test.go', 'TestSingleConcurrency'),
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
    source: conformance('revision_timeout_test.go', 'TestRevisionTimeout'),
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
    source: conformance('resources_test.go', 'TestCustomResourcesLimits'),
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
    source: conformance('service_account_test.go', 'TestServiceAccountValidation'),
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

const errorRows: UpstreamRow[] = [
  {
    id: 'conformance-container-missing-service',
    // The conformance test checks the Configuration's and the Revision's reasons; the Service's Ready
    // takes whichever dependent was marked False last (RevisionFailed or the route's RevisionMissing).
    behaviour: 'an image that cannot be fetched: the Service and its children fail with RevisionFailed',
    source: conformance('errorcondition_test.go', 'TestContainerErrorMsg'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'noimg',
      body: ksvc('noimg', {}, failing('ContainerMissing')),
    },
    expect: {
      status: 201,
      conditions: [
        { type: 'ConfigurationsReady', status: 'False', reason: 'RevisionFailed' },
        { type: 'Ready', status: 'False' },
      ],
    },
  },
  {
    id: 'conformance-container-missing-configuration',
    behaviour: 'an image that cannot be fetched: the Configuration is Ready False RevisionFailed naming the revision',
    source: conformance('errorcondition_test.go', 'TestContainerErrorMsg'),
    request: {
      verb: 'create',
      resource: 'configurations',
      name: 'noimgc',
      body: config('noimgc', failing('ContainerMissing')),
    },
    expect: {
      status: 201,
      conditions: [{ type: 'Ready', status: 'False', reason: 'RevisionFailed' }],
      objectStatus: { latestCreatedRevisionName: 'noimgc-00001' },
    },
  },
  {
    id: 'conformance-container-exiting-service',
    behaviour: 'a container that keeps exiting: the Service and its children fail with RevisionFailed',
    source: conformance('errorcondition_test.go', 'TestContainerExitingMsg'),
    request: { verb: 'create', resource: 'services', name: 'crash', body: ksvc('crash', {}, failing('ExitCode5')) },
    expect: {
      status: 201,
      conditions: [
        { type: 'ConfigurationsReady', status: 'False', reason: 'RevisionFailed' },
        { type: 'Ready', status: 'False' },
      ],
    },
  },
  {
    id: 'conformance-container-exiting-configuration',
    behaviour: 'a container that keeps exiting: the Configuration is Ready False RevisionFailed',
    source: conformance('errorcondition_test.go', 'TestContainerExitingMsg'),
    request: {
      verb: 'create',
      resource: 'configurations',
      name: 'crashc',
      body: config('crashc', failing('ExitCode5')),
    },
    expect: {
      status: 201,
      conditions: [{ type: 'Ready', status: 'False', reason: 'RevisionFailed' }],
      objectStatus: { latestCreatedRevisionName: 'crashc-00001' },
    },
  },
  {
    id: 'conformance-service-traffic-missing-revision',
    behaviour: 'a Service naming a revision that does not exist: RoutesReady False RevisionMissing',
    source: serving('pkg/reconciler/route/traffic/traffic.go', 'configBuilder.addRevisionTarget'),
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

export const ROWS: UpstreamRow[] = [...trafficSplitRows, ...lifecycleRows, ...errorRows];
