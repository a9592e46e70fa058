// More conformance scenarios of knative/serving test/conformance/api/v1 at COMMITS.serving: reading
// back what a Service made (get and list), names generated from metadata.generateName, which labels
// and annotations reach the children (the tests, and the resources code behind them:
// pkg/reconciler/service/resources MakeConfigurationFromExisting and MakeRoute,
// pkg/reconciler/configuration/resources MakeRevision), and the volume shapes of volumes_test.go.
// The volume tests read files through the network; the playground has no pods, ConfigMaps or
// Secrets, so what is asserted is that the webhook accepts each spec and the Service gets Ready.
import {
  type UpstreamCondition,
  type UpstreamRelated,
  type UpstreamRow,
  type UpstreamStep,
  servingSource,
  conformanceSource,
} from './row.js';

const V1 = 'ghcr.io/bgctl/hello:v1';
const V2 = 'ghcr.io/bgctl/hello:v2';
const V3 = 'ghcr.io/bgctl/hello:v3';
const SK = 'serving.knative.dev';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Obj = Record<string, unknown>;
const ksvc = (name: string, tspec: Obj = {}, meta: Obj = {}, tmeta?: Obj) => ({
  apiVersion: `${SK}/v1`,
  kind: 'Service',
  metadata: { name, ...meta },
  spec: { template: { ...(tmeta ? { metadata: tmeta } : {}), spec: { containers: [{ image: V1 }], ...tspec } } },
});
const url = (host: string) => `http://${host}.{namespace}.example.com`;
const READY = [{ type: 'Ready', status: 'True' as const }];
const SERVICE_READY: UpstreamCondition[] = [
  { type: 'ConfigurationsReady', status: 'True' },
  { type: 'RoutesReady', status: 'True' },
  { type: 'Ready', status: 'True' },
];
const ROUTE_READY: UpstreamCondition[] = [
  { type: 'AllTrafficAssigned', status: 'True' },
  { type: 'IngressReady', status: 'True' },
  { type: 'Ready', status: 'True' },
];
// service_lifecycle.go MarkConfigurationNotReconciled: a template change, the Route untouched.
const CONFIG_OUT_OF_DATE = 'The Configuration is still working to reflect the latest desired specification.';
const CONFIG_OUTDATED: UpstreamCondition[] = [
  { type: 'ConfigurationsReady', status: 'Unknown', reason: 'OutOfDate', message: CONFIG_OUT_OF_DATE },
  { type: 'RoutesReady', status: 'True' },
  { type: 'Ready', status: 'Unknown', reason: 'OutOfDate', message: CONFIG_OUT_OF_DATE },
];

/** kmeta.NewControllerRef of a serving object. */
const ownedBy = (kind: string, name: string) => [
  { apiVersion: `${SK}/v1`, kind, name, controller: true, blockOwnerDeletion: true },
];
/** The webhook's SetUserInfo: whoever wrote it (the test checks these are set, not to whom). */
const USER_INFO = { [`${SK}/creator`]: true, [`${SK}/lastModifier`]: true } as const;

/** What a Service named `svc` made for its revision `rev` of configuration generation `gen`. */
function children(svc: string, rev: string, gen: string): UpstreamRelated[] {
  return [
    {
      resource: 'configurations',
      name: svc,
      labels: { [`${SK}/service`]: svc, [`${SK}/serviceUID`]: true },
      annotations: { ...USER_INFO, [`${SK}/routes`]: svc },
      ownerReferences: ownedBy('Service', svc),
      conditions: READY,
      objectStatus: { latestCreatedRevisionName: rev, latestReadyRevisionName: rev },
    },
    {
      resource: 'routes',
      name: svc,
      labels: { [`${SK}/service`]: svc },
      annotations: USER_INFO,
      ownerReferences: ownedBy('Service', svc),
      conditions: ROUTE_READY,
      objectStatus: { url: url(svc), traffic: [{ revisionName: rev, percent: 100, latestRevision: true }] },
    },
    {
      resource: 'revisions',
      name: rev,
      labels: {
        [`${SK}/configuration`]: svc,
        [`${SK}/service`]: svc,
        [`${SK}/configurationGeneration`]: gen,
        [`${SK}/configurationUID`]: true,
        [`${SK}/serviceUID`]: true,
        [`${SK}/routingState`]: 'active',
      },
      // configuration/resources/revision.go: the creator is the Configuration's lastModifier.
      annotations: { [`${SK}/creator`]: true, [`${SK}/routes`]: svc },
      ownerReferences: ownedBy('Configuration', svc),
      conditions: READY,
    },
  ];
}

/** test/v1 CreateServiceReady and validateCreatedServiceStatus: Ready, with url, revisions, generation 1. */
const createdReady = (svc: string) => ({
  status: 201,
  conditions: SERVICE_READY,
  objectStatus: {
    observedGeneration: 1,
    url: url(svc),
    latestCreatedRevisionName: `${svc}-00001`,
    latestReadyRevisionName: `${svc}-00001`,
  },
});

const getAndListRows: UpstreamRow[] = [
  {
    id: 'conformance-configuration-get-and-list',
    behaviour:
      "a Service's Configuration: named after it, labelled and owned by it, with its user info; it is in the namespace's list",
    source: conformanceSource('configuration_test.go', 'TestConfigurationGetAndList'),
    request: { verb: 'create', resource: 'services', name: 'cgl', body: ksvc('cgl') },
    expect: {
      ...createdReady('cgl'),
      related: [children('cgl', 'cgl-00001', '1')[0]],
      lists: [{ resource: 'configurations', names: ['cgl'] }],
    },
  },
  {
    id: 'conformance-revision-get-and-list',
    behaviour:
      "a Service's first Revision: <name>-00001, labelled with its Configuration, Service and generation, owned by the Configuration; it is in the list",
    source: conformanceSource('revision_test.go', 'TestRevisionGetAndList'),
    request: { verb: 'create', resource: 'services', name: 'rgl', body: ksvc('rgl') },
    expect: {
      ...createdReady('rgl'),
      related: [children('rgl', 'rgl-00001', '1')[2]],
      lists: [{ resource: 'revisions', names: ['rgl-00001'] }],
    },
  },
  {
    id: 'conformance-route-get-and-list',
    behaviour:
      "a Service's Route: named after it, labelled and owned by it, all traffic on the first revision; it is in the list",
    source: conformanceSource('route_test.go', 'TestRouteGetAndList'),
    request: { verb: 'create', resource: 'services', name: 'tgl', body: ksvc('tgl') },
    expect: {
      ...createdReady('tgl'),
      related: [children('tgl', 'tgl-00001', '1')[1]],
      lists: [{ resource: 'routes', names: ['tgl'] }],
    },
  },
];

// generatename_test.go validateName: the prefix, then at least one name character.
const generated = (prefix: string) => `^${prefix.replaceAll('.', '\\.')}[a-zA-Z0-9\\-.]+$`;

const generateNameRows: UpstreamRow[] = [
  {
    id: 'conformance-service-generate-name',
    behaviour:
      'a Service created with metadata.generateName gets a name with that prefix, its children are named after it, and it gets Ready',
    source: conformanceSource('generatename_test.go', 'TestServiceGenerateName'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'svc-gen-',
      body: { ...ksvc(''), metadata: { generateName: 'svc-gen-' } },
    },
    expect: {
      status: 201,
      nameMatches: generated('svc-gen-'),
      conditions: SERVICE_READY,
      objectStatus: {
        url: url('{name}'),
        latestCreatedRevisionName: '{name}-00001',
        latestReadyRevisionName: '{name}-00001',
      },
      related: children('{name}', '{name}-00001', '1'),
    },
  },
  {
    id: 'conformance-route-and-config-generate-name',
    behaviour:
      'a Configuration and a Route to it, both created with metadata.generateName: the Route gets Ready with its URL and routes the revision',
    source: conformanceSource('generatename_test.go', 'TestRouteAndConfigGenerateName'),
    request: {
      verb: 'create',
      resource: 'routes',
      name: 'rc-gen-',
      body: {
        apiVersion: `${SK}/v1`,
        kind: 'Route',
        metadata: { generateName: 'rc-gen-' },
        spec: { traffic: [{ configurationName: '{setup.0}', percent: 100 }] },
      },
      setup: [
        {
          resource: 'configurations',
          body: {
            apiVersion: `${SK}/v1`,
            kind: 'Configuration',
            metadata: { generateName: 'rc-gen-' },
            spec: { template: { spec: { containers: [{ image: V1 }] } } },
          },
          ready: true,
        },
      ],
    },
    expect: {
      status: 201,
      nameMatches: generated('rc-gen-'),
      conditions: ROUTE_READY,
      objectStatus: {
        url: url('{name}'),
        traffic: [{ revisionName: '{setup.0}-00001', percent: 100, latestRevision: true }],
      },
      related: [
        {
          resource: 'configurations',
          name: '{setup.0}',
          // No owner: the webhook stamps the user; the Route's labeler names it as a routing Route.
          annotations: { ...USER_INFO, [`${SK}/routes`]: '{name}' },
          conditions: READY,
          objectStatus: { latestCreatedRevisionName: '{setup.0}-00001', latestReadyRevisionName: '{setup.0}-00001' },
        },
        {
          resource: 'revisions',
          name: '{setup.0}-00001',
          labels: { [`${SK}/configuration`]: '{setup.0}', [`${SK}/routingState`]: 'active', [`${SK}/service`]: null },
          annotations: { [`${SK}/routes`]: '{name}' },
          ownerReferences: ownedBy('Configuration', '{setup.0}'),
        },
      ],
    },
  },
];

const write = (name: string, body: Obj): UpstreamStep['write'] => ({ resource: 'services', name, body });
const newImage = (image: string) => ({ spec: { template: { spec: { containers: [{ image }] } } } });

/**
 * TestAnnotationPropagation / TestLabelPropagation: a metadata change (no new generation), then an
 * image change they wait on; then the same with the key removed. `meta` is `labels` or `annotations`.
 */
function propagation(
  id: string,
  svc: string,
  meta: 'labels' | 'annotations',
  test: string,
  behaviour: string,
): UpstreamRow {
  const onChildren = (value: string | null): UpstreamRelated[] => [
    { resource: 'configurations', name: svc, [meta]: { juicy: value } },
    { resource: 'routes', name: svc, [meta]: { juicy: value } },
  ];
  const settledOn = (rev: string, value: string | null): UpstreamStep => ({
    conditions: SERVICE_READY,
    traffic: [{ revisionName: rev, percent: 100, latestRevision: true }],
    objectStatus: { latestCreatedRevisionName: rev, latestReadyRevisionName: rev },
    related: [
      ...onChildren(value),
      // Only the template's metadata reaches a Revision, never the Service's own.
      { resource: 'revisions', name: rev, [meta]: { juicy: null } },
      ...(meta === 'annotations' ? [{ resource: 'services' as const, name: svc, annotations: USER_INFO }] : []),
    ],
  });
  return {
    id,
    behaviour,
    source: conformanceSource('service_test.go', test),
    request: { verb: 'create', resource: 'services', name: svc, body: ksvc(svc) },
    expect: {
      status: 201,
      conditions: SERVICE_READY,
      related: [...children(svc, `${svc}-00001`, '1'), { resource: 'services', name: svc, annotations: USER_INFO }],
    },
    sequence: [
      { write: write(svc, { metadata: { [meta]: { juicy: 'jamba' } } }), conditions: SERVICE_READY },
      { write: write(svc, newImage(V2)), conditions: CONFIG_OUTDATED },
      settledOn(`${svc}-00002`, 'jamba'),
      { write: write(svc, { metadata: { [meta]: { juicy: null } } }), conditions: SERVICE_READY },
      { write: write(svc, newImage(V3)), conditions: CONFIG_OUTDATED },
      settledOn(`${svc}-00003`, null),
    ],
  };
}

const propagationRows: UpstreamRow[] = [
  propagation(
    'conformance-annotation-propagation-sequence',
    'annp',
    'annotations',
    'TestAnnotationPropagation',
    'a Service annotation reaches its Configuration and Route (not its revisions) and leaves them when removed; user info on all three',
  ),
  propagation(
    'conformance-label-propagation-sequence',
    'labp',
    'labels',
    'TestLabelPropagation',
    'a Service label reaches its Configuration and Route (not its revisions) and leaves them when removed',
  ),
  {
    id: 'service-metadata-propagation',
    behaviour:
      'Service metadata goes to the Configuration (without last-applied and rollout-duration) and the Route (without last-applied); template metadata only to the Revision',
    source: servingSource('pkg/reconciler/service/resources/configuration.go', 'MakeConfigurationFromExisting'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'metap',
      body: ksvc(
        'metap',
        {},
        {
          labels: { team: 'blue' },
          annotations: { note: 'kept', [LAST_APPLIED]: '{}', [`${SK}/rollout-duration`]: '60s' },
        },
        { labels: { tier: 'web' }, annotations: { owner: 'ops' } },
      ),
    },
    expect: {
      status: 201,
      conditions: SERVICE_READY,
      related: [
        {
          resource: 'configurations',
          name: 'metap',
          labels: { team: 'blue', [`${SK}/service`]: 'metap', tier: null },
          annotations: {
            note: 'kept',
            [LAST_APPLIED]: null,
            [`${SK}/rollout-duration`]: null,
            [`${SK}/routes`]: 'metap',
            owner: null,
          },
        },
        {
          // route.go MakeRoute drops last-applied only.
          resource: 'routes',
          name: 'metap',
          labels: { team: 'blue', [`${SK}/service`]: 'metap', tier: null },
          annotations: { note: 'kept', [LAST_APPLIED]: null, [`${SK}/rollout-duration`]: '60s', owner: null },
        },
        {
          // configuration/resources/revision.go MakeRevision starts from the template's metadata.
          resource: 'revisions',
          name: 'metap-00001',
          labels: { tier: 'web', team: null, [`${SK}/configuration`]: 'metap', [`${SK}/service`]: 'metap' },
          annotations: { owner: 'ops', note: null, [LAST_APPLIED]: null, [`${SK}/rollout-duration`]: null },
        },
      ],
    },
  },
];

// volumes_test.go: WithVolume adds the volume and a mount of it to the first container.
const HELLO_DIR = '/hello';
const withVolumes = (
  name: string,
  volumes: Array<{ volume: Obj; mountPath: string; subPath?: string }>,
): ReturnType<typeof ksvc> =>
  ksvc(name, {
    containers: [
      {
        image: V1,
        volumeMounts: volumes.map((v) => ({
          name: v.volume.name,
          mountPath: v.mountPath,
          ...(v.subPath ? { subPath: v.subPath } : {}),
        })),
      },
    ],
    volumes: volumes.map((v) => v.volume),
  });

/** A Service with these volumes is accepted and gets Ready on its first revision (validateControlPlane). */
const volumeRow = (id: string, test: string, behaviour: string, body: ReturnType<typeof ksvc>): UpstreamRow => ({
  id,
  behaviour,
  source: conformanceSource('volumes_test.go', test),
  request: { verb: 'create', resource: 'services', name: body.metadata.name, body },
  expect: {
    ...createdReady(body.metadata.name),
    related: [children(body.metadata.name, `${body.metadata.name}-00001`, '1')[2]],
  },
});

const volumeRows: UpstreamRow[] = [
  volumeRow(
    'conformance-configmap-volume',
    'TestConfigMapVolume',
    'a configMap volume, and an optional one naming a missing ConfigMap, mounted without readOnly: accepted, Ready',
    withVolumes('cmvol', [
      { volume: { name: 'projectedv', configMap: { name: 'cmvol', optional: false } }, mountPath: HELLO_DIR },
      {
        volume: { name: 'blah', configMap: { name: 'does-not-exist', optional: true } },
        mountPath: '/does/not/matter',
      },
    ]),
  ),
  volumeRow(
    'conformance-projected-configmap-volume',
    'TestProjectedConfigMapVolume',
    'a projected volume of two ConfigMaps (one optional): accepted, Ready',
    withVolumes('pcmvol', [
      {
        volume: {
          name: 'projectedv',
          projected: {
            sources: [
              { configMap: { name: 'pcmvol', optional: false } },
              { configMap: { name: 'does-not-matter', optional: true } },
            ],
          },
        },
        mountPath: HELLO_DIR,
      },
    ]),
  ),
  volumeRow(
    'conformance-secret-volume',
    'TestSecretVolume',
    'a secret volume, and an optional one naming a missing Secret: accepted, Ready',
    withVolumes('secvol', [
      { volume: { name: 'projectedv', secret: { secretName: 'secvol', optional: false } }, mountPath: HELLO_DIR },
      {
        volume: { name: 'blah', secret: { secretName: 'does-not-exist', optional: true } },
        mountPath: '/does/not/matter',
      },
    ]),
  ),
  volumeRow(
    'conformance-projected-secret-volume',
    'TestProjectedSecretVolume',
    'a projected Secret mounted on a file through subPath: accepted, Ready',
    withVolumes('psecvol', [
      {
        volume: { name: 'projectedv', projected: { sources: [{ secret: { name: 'psecvol', optional: false } }] } },
        mountPath: '/hello/world',
        subPath: 'world',
      },
    ]),
  ),
  volumeRow(
    'conformance-projected-complex-volume',
    'TestProjectedComplex',
    'a projected volume of a ConfigMap and a Secret, each with items (key to path): accepted, Ready',
    withVolumes('pcplx', [
      {
        volume: {
          name: 'projectedv',
          projected: {
            sources: [
              { configMap: { name: 'pcplx', items: [{ key: 'other', path: 'another' }], optional: false } },
              { secret: { name: 'pcplx', items: [{ key: 'world', path: 'world' }], optional: false } },
            ],
          },
        },
        mountPath: HELLO_DIR,
      },
    ]),
  ),
  volumeRow(
    'conformance-projected-service-account-token',
    'TestProjectedServiceAccountToken',
    'a projected service account token (audience, path, defaultMode 0444) mounted through subPath: accepted, Ready',
    withVolumes('patok', [
      {
        volume: {
          name: 'projectedv',
          projected: { sources: [{ serviceAccountToken: { audience: 'api', path: 'token' } }], defaultMode: 0o444 },
        },
        mountPath: '/hello/token',
        subPath: 'token',
      },
    ]),
  ),
];

export const ROWS: UpstreamRow[] = [...getAndListRows, ...generateNameRows, ...propagationRows, ...volumeRows];
