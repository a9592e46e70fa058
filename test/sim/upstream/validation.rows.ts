// Validation and schema behaviours of Knative Serving's webhook and CRDs: pod spec and container
// rules, autoscaling annotations, metadata, traffic, strict field validation. Every message is
// derived from the Go source at COMMITS (knative.dev/pkg apis.FieldError renders the errors:
// merged by message, paths sorted and joined by ", ", details on the next line, entries sorted
// by message and joined by newlines).
import {
  COMMITS,
  type UpstreamExpectation,
  type UpstreamRequest,
  type UpstreamRow,
  type UpstreamSource,
} from './row.js';

const IMAGE = 'ghcr.io/bgctl/hello:v1';
const C0 = 'spec.template.spec.containers[0]';
const TA = 'spec.template.metadata.annotations';
const AS = 'autoscaling.knative.dev';
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QUALIFIED =
  "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
// Silences the insecure-securityContext warnings upstream >= 1.9 sends, so warning rows stay exact.
const SECURE = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: 'RuntimeDefault' },
  capabilities: { drop: ['ALL'] },
};

const src = (path: string, symbol: string): UpstreamSource => ({
  repo: 'knative/serving',
  path,
  symbol,
  commit: COMMITS.serving,
});
const pkg = (path: string, symbol: string): UpstreamSource => ({
  repo: 'knative/pkg',
  path,
  symbol,
  commit: COMMITS.pkg,
});
const K8S = (symbol: string) => src('pkg/apis/serving/k8s_validation.go', symbol);
const ANN = (symbol: string) => src('pkg/apis/autoscaling/annotation_validation.go', symbol);
const REV = (symbol: string) => src('pkg/apis/serving/v1/revision_validation.go', symbol);
const ROUTE = (symbol: string) => src('pkg/apis/serving/v1/route_validation.go', symbol);
const META = (symbol: string) => src('pkg/apis/serving/metadata_validation.go', symbol);
const CRD = (file: string) => src(`config/core/300-resources/${file}.yaml`, 'openAPIV3Schema');

type Obj = Record<string, any>;

/** A Service whose template spec is `spec` (containers default to one with the sample image). */
function ksvc(
  name: string,
  opts: { spec?: Obj; container?: Obj; meta?: Obj; tmeta?: Obj; traffic?: unknown[]; extraSpec?: Obj } = {},
): Obj {
  const spec: Obj = { containers: [{ image: IMAGE, ...opts.container }], ...opts.spec };
  return {
    metadata: { name, ...opts.meta },
    spec: {
      template: { ...(opts.tmeta ? { metadata: opts.tmeta } : {}), spec },
      ...(opts.traffic ? { traffic: opts.traffic } : {}),
      ...opts.extraSpec,
    },
  };
}

const denied = (message: string): UpstreamExpectation => ({
  status: 400,
  reason: 'BadRequest',
  message: `admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: ${message}`,
});
const invalid = (kind: string, name: string, cause: string): UpstreamExpectation => ({
  status: 422,
  reason: 'Invalid',
  message: `${kind}.serving.knative.dev "${name}" is invalid: ${cause}`,
});
const created: UpstreamExpectation = { status: 201 };

const create = (
  resource: UpstreamRequest['resource'],
  body: Obj,
  extra: Partial<UpstreamRequest> = {},
): UpstreamRequest => ({
  verb: 'create',
  resource,
  name: body.metadata.name,
  body,
  ...extra,
});

/** A row that creates a Service. */
function svcRow(
  id: string,
  behaviour: string,
  source: UpstreamSource,
  body: Obj,
  expect: UpstreamExpectation,
  extra: Partial<UpstreamRequest> = {},
): UpstreamRow {
  return { id, behaviour, source, request: create('services', body, extra), expect };
}

const reservedPorts = [8012, 8013, 8022, 9090, 9091, 8008].map((port) =>
  svcRow(
    `reserved-port-${port}`,
    `containerPort ${port} is reserved for the queue-proxy or profiling`,
    K8S('validateContainerPortBasic'),
    ksvc(`port-${port}`, { container: { ports: [{ containerPort: port }] } }),
    denied(
      `invalid value: ${port} is a reserved port: ${C0}.ports.containerPort\n${port} is a reserved port, please use a different value`,
    ),
  ),
);

const reservedEnv = ['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'].map((name) =>
  svcRow(
    `reserved-env-${name.toLowerCase().replace('_', '-')}`,
    `env var ${name} is reserved in the serving container`,
    K8S('validateEnvVar'),
    ksvc(`env-${name.toLowerCase().replace('_', '-')}`, {
      container: {
        env: [
          { name: 'OK', value: '1' },
          { name, value: 'x' },
        ],
      },
    }),
    denied(`"${name}" is a reserved environment variable: ${C0}.env[1].name`),
  ),
);

const containerRows: UpstreamRow[] = [
  ...reservedPorts,
  ...reservedEnv,
  svcRow(
    'reserved-env-two',
    'two reserved env vars are two sorted lines',
    K8S('validateEnv'),
    ksvc('env-two', {
      container: {
        env: [
          { name: 'PORT', value: '1' },
          { name: 'K_REVISION', value: 'x' },
        ],
      },
    }),
    denied(
      `"K_REVISION" is a reserved environment variable: ${C0}.env[1].name\n"PORT" is a reserved environment variable: ${C0}.env[0].name`,
    ),
  ),
  svcRow(
    'sidecar-may-use-port-env',
    'PORT is only reserved in the serving container; a sidecar may set it',
    K8S('getReservedEnvVarsPerContainerType'),
    ksvc('sidecar-port-env', {
      spec: {
        containers: [
          { image: IMAGE, ports: [{ containerPort: 8080 }] },
          { image: IMAGE, env: [{ name: 'PORT', value: '9' }] },
        ],
      },
    }),
    created,
  ),
  svcRow(
    'sidecar-reserved-env',
    'K_SERVICE is reserved in sidecars too',
    K8S('validateEnvVar'),
    ksvc('sidecar-kservice', {
      spec: {
        containers: [
          { image: IMAGE, ports: [{ containerPort: 8080 }] },
          { image: IMAGE, env: [{ name: 'K_SERVICE', value: '9' }] },
        ],
      },
    }),
    denied(`"K_SERVICE" is a reserved environment variable: spec.template.spec.containers[1].env[0].name`),
  ),
  svcRow(
    'env-field-ref-disabled',
    'env valueFrom.fieldRef needs kubernetes.podspec-fieldref',
    K8S('validateEnvValueFrom'),
    ksvc('env-fieldref', {
      container: { env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] },
    }),
    denied(`must not set the field(s): ${C0}.env[0].valueFrom.fieldRef`),
  ),
  svcRow(
    'env-from-neither',
    'an envFrom entry names neither a ConfigMap nor a Secret (reported without its index)',
    K8S('validateEnvFrom'),
    ksvc('envfrom-neither', { container: { envFrom: [{ prefix: 'X_' }] } }),
    denied(`expected exactly one, got neither: ${C0}.envFrom.configMapRef, ${C0}.envFrom.secretRef`),
  ),
  svcRow(
    'env-from-both',
    'an envFrom entry names both a ConfigMap and a Secret',
    K8S('validateEnvFrom'),
    ksvc('envfrom-both', { container: { envFrom: [{ configMapRef: { name: 'a' }, secretRef: { name: 'b' } }] } }),
    denied(`expected exactly one, got both: ${C0}.envFrom.configMapRef, ${C0}.envFrom.secretRef`),
  ),
  svcRow(
    'port-negative',
    'containerPort must be within 0..65535',
    K8S('validateContainerPortBasic'),
    ksvc('port-negative', { container: { ports: [{ containerPort: -1 }] } }),
    denied(`expected 0 <= -1 <= 65535: ${C0}.ports.containerPort`),
  ),
  svcRow(
    'port-protocol-udp',
    'only TCP may serve',
    K8S('validateContainerPorts'),
    ksvc('port-udp', { container: { ports: [{ containerPort: 8080, protocol: 'UDP' }] } }),
    denied(`invalid value: UDP: ${C0}.ports.protocol`),
  ),
  svcRow(
    'port-name-not-allowed',
    "the serving port's name must be empty, h2c or http1",
    K8S('validateContainerPorts'),
    ksvc('port-name', { container: { ports: [{ name: 'grpc', containerPort: 8080 }] } }),
    denied(`Port name grpc is not allowed: ${C0}.ports\nName must be empty, or one of: 'h2c', 'http1'`),
  ),
  svcRow(
    'port-name-h2c',
    'h2c is an allowed port name',
    K8S('validPortNames'),
    ksvc('port-h2c', { container: { ports: [{ name: 'h2c', containerPort: 8080 }] } }),
    created,
  ),
  svcRow(
    'ports-more-than-one',
    'only one port across all containers',
    K8S('validateContainersPorts'),
    ksvc('ports-two', { container: { ports: [{ containerPort: 8080 }, { containerPort: 8081 }] } }),
    denied(
      'more than one container port is set: spec.template.spec.containers[*].ports\nOnly a single port is allowed across all containers',
    ),
  ),
  svcRow(
    'ports-none-with-sidecars',
    'with several containers one must declare the serving port',
    K8S('validateContainersPorts'),
    ksvc('ports-none', { spec: { containers: [{ image: IMAGE }, { image: IMAGE }] } }),
    denied('missing field(s): spec.template.spec.containers[*].ports'),
  ),
  svcRow(
    'ports-on-two-containers',
    'two containers with a port each',
    K8S('validateContainersPorts'),
    ksvc('ports-both', {
      spec: {
        containers: [
          { image: IMAGE, ports: [{ containerPort: 8080 }] },
          { image: IMAGE, ports: [{ containerPort: 8081 }] },
        ],
      },
    }),
    denied(
      'more than one container port is set: spec.template.spec.containers[*].ports\nOnly a single port is allowed across all containers',
    ),
  ),
  svcRow(
    'multi-container-accepted',
    'multi-container is on by default: one serving container and a sidecar',
    K8S('validateContainers'),
    ksvc('multi-ok', { spec: { containers: [{ image: IMAGE, ports: [{ containerPort: 8080 }] }, { image: IMAGE }] } }),
    created,
  ),
  svcRow(
    'duplicate-container-name',
    'container names are unique',
    K8S('validateContainers'),
    ksvc('dup-names', {
      spec: {
        containers: [
          { name: 'app', image: IMAGE, ports: [{ containerPort: 8080 }] },
          { name: 'app', image: IMAGE },
        ],
      },
    }),
    denied('duplicate container name "app": spec.template.spec.containers[1].name'),
  ),
  svcRow(
    'reserved-container-name',
    'queue-proxy is a reserved container name',
    K8S('validate'),
    ksvc('qp-name', { container: { name: 'queue-proxy' } }),
    denied(`"queue-proxy" is a reserved container name: ${C0}.name`),
  ),
  svcRow(
    'image-missing',
    'a container needs an image',
    K8S('validate'),
    ksvc('no-image', { spec: { containers: [{ name: 'app' }] } }),
    denied(`missing field(s): ${C0}.image`),
  ),
  svcRow(
    'image-unparsable-space',
    'an image reference with a space does not parse',
    K8S('validate'),
    ksvc('image-space', { container: { image: 'my image' } }),
    denied(
      `Failed to parse image reference: ${C0}.image\nimage: "my image", error: could not parse reference: my image`,
    ),
  ),
  svcRow(
    'image-unparsable-uppercase',
    'repository names are lower case',
    K8S('validate'),
    ksvc('image-upper', { container: { image: 'ghcr.io/Bgctl/hello:v1' } }),
    denied(
      `Failed to parse image reference: ${C0}.image\nimage: "ghcr.io/Bgctl/hello:v1", error: could not parse reference: ghcr.io/Bgctl/hello:v1`,
    ),
  ),
  svcRow(
    'image-empty-tag',
    'an empty tag is no error under weak validation (go-containerregistry name.NewTag: it becomes "latest")',
    K8S('validate'),
    ksvc('image-colon', { container: { image: 'ghcr.io/bgctl/hello:' } }),
    created,
  ),
  svcRow(
    'image-repository-too-short',
    'a repository of one character does not parse (go-containerregistry checkRepository: 2 to 255)',
    K8S('validate'),
    ksvc('image-short', { container: { image: 'ghcr.io/a' } }),
    denied(
      `Failed to parse image reference: ${C0}.image\nimage: "ghcr.io/a", error: could not parse reference: ghcr.io/a`,
    ),
  ),
  svcRow(
    'image-digest',
    'a digest reference parses',
    K8S('validate'),
    ksvc('image-digest', { container: { image: `ghcr.io/bgctl/hello@sha256:${'a'.repeat(64)}` } }),
    created,
  ),
  svcRow(
    'termination-message-policy',
    'terminationMessagePolicy is File or FallbackToLogsOnError',
    K8S('validate'),
    ksvc('tmp-bogus', { container: { terminationMessagePolicy: 'Bogus' } }),
    denied(`invalid value: Bogus: ${C0}.terminationMessagePolicy`),
  ),
  svcRow(
    'privileged-disallowed',
    'privileged: true is masked out',
    K8S('validateSecurityContext'),
    ksvc('privileged', { container: { securityContext: { privileged: true } } }),
    denied(`must not set the field(s): ${C0}.securityContext.privileged`),
  ),
  svcRow(
    'run-as-user-negative',
    'runAsUser within 0..MaxInt32',
    K8S('validateSecurityContext'),
    ksvc('run-as-neg', { container: { securityContext: { runAsUser: -1 } } }),
    denied(`expected 0 <= -1 <= 2147483647: ${C0}.securityContext.runAsUser`),
  ),
  svcRow(
    'capabilities-add-disallowed',
    'adding capabilities needs kubernetes.containerspec-addcapabilities',
    K8S('validateCapabilities'),
    ksvc('caps-add', { container: { securityContext: { capabilities: { add: ['NET_ADMIN'] } } } }),
    denied(`must not set the field(s): ${C0}.securityContext.capabilities.add`),
  ),
];

const mountRows: UpstreamRow[] = [
  svcRow(
    'volume-mount-no-volume',
    'a volumeMount names a volume that does not exist',
    K8S('validateVolumeMounts'),
    ksvc('mount-novol', { container: { volumeMounts: [{ name: 'data', mountPath: '/data' }] } }),
    denied(`volumeMount has no matching volume: ${C0}.volumeMounts[0].name`),
  ),
  svcRow(
    'volume-not-mounted',
    'every volume is mounted somewhere',
    K8S('ValidateVolumes'),
    ksvc('vol-unmounted', {
      spec: { containers: [{ image: IMAGE }], volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }] },
    }),
    denied('volume with name "cfg" not mounted: spec.template.spec.volumes[0].name'),
  ),
  svcRow(
    'mount-path-reserved',
    '/dev/log is a reserved mount path',
    K8S('validateVolumeMounts'),
    ksvc('mount-reserved', {
      spec: {
        containers: [{ image: IMAGE, volumeMounts: [{ name: 'cfg', mountPath: '/dev/log' }] }],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }],
      },
    }),
    denied(`mountPath "/dev/log" is a reserved path: ${C0}.volumeMounts[0].mountPath`),
  ),
  svcRow(
    'mount-path-relative',
    'mount paths are absolute',
    K8S('validateVolumeMounts'),
    ksvc('mount-relative', {
      spec: {
        containers: [{ image: IMAGE, volumeMounts: [{ name: 'cfg', mountPath: 'data' }] }],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }],
      },
    }),
    denied(`invalid value: data: ${C0}.volumeMounts[0].mountPath`),
  ),
  svcRow(
    'mount-path-unique',
    'two mounts on one path once cleaned',
    K8S('validateVolumeMounts'),
    ksvc('mount-dup', {
      spec: {
        containers: [
          {
            image: IMAGE,
            volumeMounts: [
              { name: 'a', mountPath: '/data' },
              // '/data' itself would be a schema Duplicate (volumeMounts are a list-type map by mountPath).
              { name: 'b', mountPath: '/data/' },
            ],
          },
        ],
        volumes: [
          { name: 'a', configMap: { name: 'a' } },
          { name: 'b', secret: { secretName: 'b' } },
        ],
      },
    }),
    denied(`invalid value: "/data/" must be unique: ${C0}.volumeMounts[1].mountPath`),
  ),
  svcRow(
    'mount-path-required',
    "the CRD schema requires a volumeMount's mountPath before the webhook sees it",
    CRD('service'),
    ksvc('mount-nopath', {
      spec: {
        containers: [{ image: IMAGE, volumeMounts: [{ name: 'cfg' }] }],
        volumes: [{ name: 'cfg', configMap: { name: 'cfg' } }],
      },
    }),
    invalid('Service', 'mount-nopath', `${C0}.volumeMounts[0].mountPath: Required value`),
  ),
  svcRow(
    'volume-host-path-disabled',
    'hostPath volumes need kubernetes.podspec-volumes-hostpath (a path-less error renders as "message: ")',
    K8S('validateVolume'),
    ksvc('vol-hostpath', {
      spec: {
        containers: [{ image: IMAGE, volumeMounts: [{ name: 'host', mountPath: '/host' }] }],
        volumes: [{ name: 'host', hostPath: { path: '/tmp' } }],
      },
    }),
    denied(
      'HostPath volume support is disabled, but found HostPath volume host: \nmust not set the field(s): spec.template.spec.volumes[0].hostPath',
    ),
  ),
  svcRow(
    'volume-pvc-disabled',
    'persistentVolumeClaim volumes need kubernetes.podspec-persistent-volume-claim',
    K8S('validatePersistentVolumeClaims'),
    ksvc('vol-pvc', {
      spec: {
        containers: [{ image: IMAGE, volumeMounts: [{ name: 'pv', mountPath: '/pv' }] }],
        volumes: [{ name: 'pv', persistentVolumeClaim: { claimName: 'claim' } }],
      },
    }),
    denied(
      'Persistent volume claim support is disabled, but found persistent volume claim claim: \n' +
        'Persistent volume write support is disabled, but found persistent volume claim claim that is not read-only: \n' +
        'must not set the field(s): spec.template.spec.volumes[0].persistentVolumeClaim',
    ),
  ),
  svcRow(
    'volume-empty-dir',
    'emptyDir volumes are on by default',
    K8S('validateVolume'),
    ksvc('vol-emptydir', {
      spec: {
        containers: [{ image: IMAGE, volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
        volumes: [{ name: 'scratch', emptyDir: {} }],
      },
    }),
    created,
  ),
  svcRow(
    'volume-empty-dir-medium',
    'emptyDir medium is empty or Memory',
    K8S('validateEmptyDirFields'),
    ksvc('vol-medium', {
      spec: {
        containers: [{ image: IMAGE, volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
        volumes: [{ name: 'scratch', emptyDir: { medium: 'Disk' } }],
      },
    }),
    denied('invalid value: Disk: spec.template.spec.volumes[0].emptyDir.medium'),
  ),
  svcRow(
    'volume-no-source',
    'a volume needs exactly one source',
    K8S('validateVolume'),
    ksvc('vol-nosource', {
      spec: {
        containers: [{ image: IMAGE, volumeMounts: [{ name: 'v', mountPath: '/v' }] }],
        volumes: [{ name: 'v' }],
      },
    }),
    denied(
      'expected exactly one, got neither: spec.template.spec.volumes[0].configMap, spec.template.spec.volumes[0].emptyDir, spec.template.spec.volumes[0].projected, spec.template.spec.volumes[0].secret',
    ),
  ),
  svcRow(
    'volume-two-sources',
    'a volume with two sources',
    K8S('validateVolume'),
    ksvc('vol-twosources', {
      spec: {
        containers: [{ image: IMAGE, volumeMounts: [{ name: 'v', mountPath: '/v' }] }],
        volumes: [{ name: 'v', secret: { secretName: 's' }, configMap: { name: 'c' } }],
      },
    }),
    denied(
      'expected exactly one, got both: spec.template.spec.volumes[0].configMap, spec.template.spec.volumes[0].secret',
    ),
  ),
  svcRow(
    'volume-name-invalid',
    'volume names are DNS-1123 labels',
    K8S('validateVolume'),
    ksvc('vol-badname', {
      spec: {
        containers: [{ image: IMAGE, volumeMounts: [{ name: 'Data', mountPath: '/d' }] }],
        volumes: [{ name: 'Data', configMap: { name: 'c' } }],
      },
    }),
    denied('invalid value: Data: spec.template.spec.volumes[0].name'),
  ),
];

const podRows: UpstreamRow[] = [
  svcRow(
    'pod-node-selector',
    'nodeSelector needs kubernetes.podspec-nodeselector',
    K8S('ValidatePodSpec'),
    ksvc('pod-nodesel', { spec: { nodeSelector: { disk: 'ssd' } } }),
    denied('must not set the field(s): spec.template.spec.nodeSelector'),
  ),
  svcRow(
    'pod-several-disallowed',
    'several masked fields are one error with sorted paths',
    K8S('ValidatePodSpec'),
    ksvc('pod-several', {
      spec: { tolerations: [{ key: 'a', operator: 'Exists' }], hostNetwork: true, affinity: { nodeAffinity: {} } },
    }),
    denied(
      'must not set the field(s): spec.template.spec.affinity, spec.template.spec.hostNetwork, spec.template.spec.tolerations',
    ),
  ),
  svcRow(
    'pod-runtime-class',
    'runtimeClassName needs kubernetes.podspec-runtimeclassname',
    K8S('ValidatePodSpec'),
    ksvc('pod-runtime', { spec: { runtimeClassName: 'gvisor' } }),
    denied('must not set the field(s): spec.template.spec.runtimeClassName'),
  ),
  svcRow(
    'pod-security-context',
    'a pod securityContext needs kubernetes.podspec-securitycontext',
    K8S('ValidatePodSpec'),
    ksvc('pod-sc', { spec: { securityContext: { runAsUser: 1000 } } }),
    denied(
      'must not set the field(s): spec.template.spec.securityContext, spec.template.spec.securityContext.runAsUser',
    ),
  ),
  svcRow(
    'pod-init-containers',
    'init containers need kubernetes.podspec-init-containers',
    K8S('validateInitContainers'),
    ksvc('pod-init', { spec: { initContainers: [{ name: 'setup', image: IMAGE }] } }),
    denied(
      'must not set the field(s): spec.template.spec.initContainers\npod spec support for init-containers is off, but found 1 init containers: ',
    ),
  ),
  svcRow(
    'pod-automount-true',
    'automountServiceAccountToken may only be set to false',
    K8S('ValidatePodSpec'),
    ksvc('pod-automount', { spec: { automountServiceAccountToken: true } }),
    denied('must not set the field(s): spec.template.spec.automountServiceAccountToken'),
  ),
  svcRow(
    'pod-automount-false',
    'automountServiceAccountToken: false is allowed',
    K8S('ValidatePodSpec'),
    ksvc('pod-noautomount', { spec: { automountServiceAccountToken: false } }),
    created,
  ),
  svcRow(
    'pod-service-account-name',
    'serviceAccountName is a DNS-1123 subdomain',
    K8S('ValidatePodSpec'),
    ksvc('pod-sa', { spec: { serviceAccountName: 'Bad_Name' } }),
    denied(`invalid value: Bad_Name: spec.template.spec.serviceAccountName\n${SUBDOMAIN}`),
  ),
  svcRow(
    'containers-empty',
    'an empty container list',
    K8S('ValidatePodSpec'),
    ksvc('no-containers', { spec: { containers: [] } }),
    denied('missing field(s): spec.template.spec.containers'),
  ),
  svcRow(
    'containers-required-by-schema',
    'without a containers field the CRD schema answers before the webhook',
    CRD('service'),
    { metadata: { name: 'no-containers-field' }, spec: { template: { spec: { timeoutSeconds: 30 } } } },
    invalid('Service', 'no-containers-field', 'spec.template.spec.containers: Required value'),
  ),
  svcRow(
    'env-name-required-by-schema',
    'an env var without a name is refused by the CRD schema',
    CRD('service'),
    ksvc('env-noname', { container: { env: [{ value: 'x' }] } }),
    invalid('Service', 'env-noname', `${C0}.env[0].name: Required value`),
  ),
];

const probeRows: UpstreamRow[] = [
  svcRow(
    'liveness-no-handler',
    'a probe needs a handler',
    K8S('validateProbe'),
    ksvc('probe-nohandler', { container: { livenessProbe: { periodSeconds: 5 } } }),
    denied(
      `expected exactly one, got neither: ${C0}.livenessProbe.exec, ${C0}.livenessProbe.grpc, ${C0}.livenessProbe.httpGet, ${C0}.livenessProbe.tcpSocket`,
    ),
  ),
  svcRow(
    'readiness-two-handlers',
    'a probe with two handlers',
    K8S('validateProbe'),
    ksvc('probe-twohandlers', { container: { readinessProbe: { httpGet: { path: '/' }, tcpSocket: { port: 0 } } } }),
    denied(`expected exactly one, got both: ${C0}.readinessProbe.httpGet, ${C0}.readinessProbe.tcpSocket`),
  ),
  svcRow(
    'readiness-port-name-mismatch',
    "a probe's named port must be the serving port's name",
    K8S('validateProbe'),
    ksvc('probe-portname', { container: { readinessProbe: { tcpSocket: { port: 'metrics' } } } }),
    denied(`invalid value: metrics: ${C0}.readinessProbe.tcpSocket.port\nProbe port must match container port`),
  ),
  svcRow(
    'readiness-failure-threshold-period-zero',
    'periodSeconds 0 is Knative aggressive probing: no failureThreshold',
    K8S('validateReadinessProbe'),
    ksvc('probe-ft', { container: { readinessProbe: { tcpSocket: { port: 0 }, failureThreshold: 3 } } }),
    denied(`failureThreshold is disallowed when periodSeconds is zero: ${C0}.readinessProbe.failureThreshold`),
  ),
  svcRow(
    'readiness-timeout-period-zero',
    'periodSeconds 0: no timeoutSeconds',
    K8S('validateReadinessProbe'),
    ksvc('probe-to', { container: { readinessProbe: { tcpSocket: { port: 0 }, timeoutSeconds: 2 } } }),
    denied(`timeoutSeconds is disallowed when periodSeconds is zero: ${C0}.readinessProbe.timeoutSeconds`),
  ),
  svcRow(
    'readiness-period-negative',
    'periodSeconds is not negative',
    K8S('validateReadinessProbe'),
    ksvc('probe-period', { container: { readinessProbe: { tcpSocket: { port: 0 }, periodSeconds: -1 } } }),
    denied(`expected 0 <= -1 <= 2147483647: ${C0}.readinessProbe.periodSeconds`),
  ),
  svcRow(
    'readiness-initial-delay-negative',
    'initialDelaySeconds is not negative',
    K8S('validateReadinessProbe'),
    ksvc('probe-delay', { container: { readinessProbe: { tcpSocket: { port: 0 }, initialDelaySeconds: -5 } } }),
    denied(`expected 0 <= -5 <= 2147483647: ${C0}.readinessProbe.initialDelaySeconds`),
  ),
  svcRow(
    'readiness-success-threshold',
    'successThreshold is at least 1 (0 is defaulted to 1, -1 is not)',
    K8S('validateReadinessProbe'),
    ksvc('probe-success', { container: { readinessProbe: { tcpSocket: { port: 0 }, successThreshold: -1 } } }),
    denied(`expected 1 <= -1 <= 2147483647: ${C0}.readinessProbe.successThreshold`),
  ),
  svcRow(
    'readiness-period-set-accepted',
    'with periodSeconds set, failureThreshold and timeoutSeconds are defaulted and accepted',
    src('pkg/apis/serving/v1/revision_defaults.go', 'applyReadinessProbeDefaults'),
    ksvc('probe-period-ok', { container: { readinessProbe: { httpGet: { path: '/healthz' }, periodSeconds: 10 } } }),
    created,
  ),
];

const revisionSpecRows: UpstreamRow[] = [
  svcRow(
    'sidecar-probe-disallowed',
    'with multi-container-probing off a sidecar may not probe; the inlined handler is reported as the probe itself and the defaulted successThreshold too',
    K8S('validateSidecarContainer'),
    ksvc('sidecar-probe', {
      spec: {
        containers: [
          { image: IMAGE, ports: [{ containerPort: 8080 }] },
          { image: IMAGE, readinessProbe: { tcpSocket: { port: 9000 } } },
        ],
      },
    }),
    denied(
      'must not set the field(s): spec.template.spec.containers[1].readinessProbe, spec.template.spec.containers[1].readinessProbe.successThreshold',
    ),
  ),
  svcRow(
    'timeout-too-long',
    'timeoutSeconds at most max-revision-timeout-seconds (600)',
    REV('validateTimeoutSeconds'),
    ksvc('timeout-long', { spec: { timeoutSeconds: 601 } }),
    denied('expected 0 <= 601 <= 600: spec.template.spec.timeoutSeconds'),
  ),
  svcRow(
    'timeout-negative',
    'timeoutSeconds is not negative',
    REV('validateTimeoutSeconds'),
    ksvc('timeout-neg', { spec: { timeoutSeconds: -1 } }),
    denied('expected 0 <= -1 <= 600: spec.template.spec.timeoutSeconds'),
  ),
  svcRow(
    'container-concurrency-too-high',
    'containerConcurrency at most container-concurrency-max-limit (1000)',
    META('ValidateContainerConcurrency'),
    ksvc('cc-high', { spec: { containerConcurrency: 1001 } }),
    denied('expected 0 <= 1001 <= 1000: spec.template.spec.containerConcurrency'),
  ),
  svcRow(
    'container-concurrency-negative',
    'containerConcurrency is not negative',
    META('ValidateContainerConcurrency'),
    ksvc('cc-neg', { spec: { containerConcurrency: -1 } }),
    denied('expected 0 <= -1 <= 1000: spec.template.spec.containerConcurrency'),
  ),
  svcRow(
    'progress-deadline-invalid',
    'serving.knative.dev/progress-deadline is a Go duration',
    REV('validateProgressDeadlineAnnotation'),
    ksvc('pd-bad', { tmeta: { annotations: { 'serving.knative.dev/progress-deadline': 'abc' } } }),
    denied(`invalid value: abc: ${TA}.serving.knative.dev/progress-deadline`),
  ),
  svcRow(
    'progress-deadline-precision',
    'progress-deadline has second precision',
    REV('validateProgressDeadlineAnnotation'),
    ksvc('pd-precision', { tmeta: { annotations: { 'serving.knative.dev/progress-deadline': '1500ms' } } }),
    denied(`progress-deadline=1500ms is not at second precision: ${TA}.serving.knative.dev/progress-deadline`),
  ),
  svcRow(
    'template-name-prefix',
    "a BYO template name starts with the parent's name",
    REV('validateRevisionName'),
    ksvc('byo', { tmeta: { name: 'other-v1' } }),
    denied('invalid value: "other-v1" must have prefix "byo-": spec.template.metadata.name'),
  ),
];

/** Template autoscaling annotations (ValidateAnnotations), one row each. */
const autoscalingCases: Array<[string, string, Record<string, string>, string]> = [
  ['min-scale-abc', 'validateMinMaxScale', { [`${AS}/min-scale`]: 'abc' }, `invalid value: abc: ${TA}.${AS}/min-scale`],
  [
    'min-scale-negative',
    'validateMinMaxScale',
    { [`${AS}/min-scale`]: '-1' },
    `expected 0 <= -1 <= 2147483647: ${TA}.${AS}/min-scale`,
  ],
  ['min-scale-alias', 'validateMinMaxScale', { [`${AS}/minScale`]: 'abc' }, `invalid value: abc: ${TA}.${AS}/minScale`],
  [
    'max-scale-out-of-range',
    'validateMinMaxScale',
    { [`${AS}/max-scale`]: '3000000000' },
    `expected 0 <= 3000000000 <= 2147483647: ${TA}.${AS}/max-scale`,
  ],
  [
    'max-below-min',
    'validateMinMaxScale',
    { [`${AS}/min-scale`]: '5', [`${AS}/max-scale`]: '2' },
    `max-scale=2 is less than min-scale=5: ${TA}.${AS}/max-scale, ${TA}.${AS}/min-scale`,
  ],
  [
    'class-unknown',
    'validateClass',
    { [`${AS}/class`]: 'foo.knative.dev' },
    `invalid value: foo.knative.dev: ${TA}.${AS}/class`,
  ],
  ['metric-cpu-with-kpa', 'validateMetric', { [`${AS}/metric`]: 'cpu' }, `invalid value: cpu: ${TA}.${AS}/metric`],
  [
    'target-too-small',
    'validateFloats',
    { [`${AS}/target`]: '0.001' },
    `target 0.001 should be at least 0.01: ${TA}.${AS}/target`,
  ],
  ['target-not-a-number', 'validateFloats', { [`${AS}/target`]: 'ten' }, `invalid value: ten: ${TA}.${AS}/target`],
  [
    'target-utilization-101',
    'validateFloats',
    { [`${AS}/target-utilization-percentage`]: '101' },
    `expected 1 <= 101 <= 100: ${TA}.${AS}/target-utilization-percentage`,
  ],
  [
    'target-burst-capacity',
    'validateFloats',
    { [`${AS}/target-burst-capacity`]: '-2' },
    `invalid value: -2: ${TA}.${AS}/target-burst-capacity`,
  ],
  [
    'panic-window-percentage',
    'validateFloats',
    { [`${AS}/panic-window-percentage`]: '0.5' },
    `expected 1 <= 0.5 <= 100: ${TA}.${AS}/panic-window-percentage`,
  ],
  [
    'panic-threshold-percentage',
    'validateFloats',
    { [`${AS}/panic-threshold-percentage`]: '100' },
    `expected 110 <= 100 <= 1000: ${TA}.${AS}/panic-threshold-percentage`,
  ],
  ['window-too-short', 'validateWindow', { [`${AS}/window`]: '5s' }, `expected 6s <= 5s <= 1h0m0s: ${TA}.${AS}/window`],
  [
    'window-precision',
    'validateWindow',
    { [`${AS}/window`]: '10500ms' },
    `must be specified with at most second precision: ${TA}.${AS}/window`,
  ],
  ['window-invalid', 'validateWindow', { [`${AS}/window`]: 'soon' }, `invalid value: soon: ${TA}.${AS}/window`],
  [
    'scale-down-delay-too-long',
    'validateScaleDownDelay',
    { [`${AS}/scale-down-delay`]: '2h' },
    `expected 0s <= 2h <= 1h0m0s: ${TA}.${AS}/scale-down-delay`,
  ],
  [
    'retention-invalid',
    'validateLastPodRetention',
    { [`${AS}/scale-to-zero-pod-retention-period`]: 'abc' },
    `invalid value: abc: ${TA}.${AS}/scale-to-zero-pod-retention-period`,
  ],
  [
    'initial-scale-zero',
    'validateInitialScale',
    { [`${AS}/initial-scale`]: '0' },
    `invalid value: 0: ${TA}.${AS}/initial-scale=0 not allowed by cluster`,
  ],
  [
    'initial-scale-negative',
    'validateInitialScale',
    { [`${AS}/initial-scale`]: '-1' },
    `invalid value: -1: ${TA}.${AS}/initial-scale must be greater than 0`,
  ],
  [
    'activation-scale-one',
    'validateMinMaxScale',
    { [`${AS}/activation-scale`]: '1' },
    `activation-scale=1 must be greater than 1: ${TA}.${AS}/activation-scale`,
  ],
  [
    'activation-below-min',
    'validateMinMaxScale',
    { [`${AS}/min-scale`]: '3', [`${AS}/activation-scale`]: '2' },
    `min-scale=3 is greater than activation-scale=2: ${TA}.${AS}/activation-scale`,
  ],
  [
    'algorithm-unknown',
    'validateAlgorithm',
    { [`${AS}/class`]: `kpa.${AS}`, [`${AS}/metric-aggregation-algorithm`]: 'bogus' },
    `invalid value: bogus: ${TA}.${AS}/metric-aggregation-algorithm`,
  ],
];

const autoscalingRows: UpstreamRow[] = [
  ...autoscalingCases.map(([id, symbol, annotations, message]) =>
    svcRow(
      `autoscaling-${id}`,
      `template annotation ${Object.entries(annotations)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')} is refused`,
      ANN(symbol),
      ksvc(`as-${id}`, { tmeta: { annotations } }),
      denied(message),
    ),
  ),
  svcRow(
    'autoscaling-custom-class',
    'a class outside *.knative.dev is left to its autoscaler',
    ANN('validateClass'),
    ksvc('as-custom', { tmeta: { annotations: { [`${AS}/class`]: 'example.com/mine' } } }),
    created,
  ),
  svcRow(
    'autoscaling-hpa-cpu',
    'the HPA class accepts the cpu metric',
    ANN('validateMetric'),
    ksvc('as-hpa', { tmeta: { annotations: { [`${AS}/class`]: `hpa.${AS}`, [`${AS}/metric`]: 'cpu' } } }),
    created,
  ),
  svcRow(
    'autoscaling-min-max-ok',
    'min-scale 1 and max-scale 3 are accepted',
    ANN('validateMinMaxScale'),
    ksvc('as-ok', { tmeta: { annotations: { [`${AS}/min-scale`]: '1', [`${AS}/max-scale`]: '3' } } }),
    created,
  ),
];

const NO_AUTOSCALING = `autoscaling annotations must be put under "spec.template.metadata.annotations" to work`;
const route = (
  name: string,
  meta: Obj = {},
  traffic: unknown[] = [{ configurationName: 'cfg', percent: 100 }],
): Obj => ({ metadata: { name, ...meta }, spec: { traffic } });
const configuration = (name: string, meta: Obj = {}): Obj => ({
  metadata: { name, ...meta },
  spec: { template: { spec: { containers: [{ image: IMAGE }] } } },
});
const revision = (name: string, meta: Obj = {}, spec: Obj = { containers: [{ image: IMAGE }] }): Obj => ({
  metadata: { name, ...meta },
  spec,
});

const metadataRows: UpstreamRow[] = [
  svcRow(
    'service-autoscaling-annotation',
    'autoscaling annotations belong on the template, not the Service',
    META('ValidateHasNoAutoscalingAnnotation'),
    ksvc('meta-as', { meta: { annotations: { [`${AS}/min-scale`]: '1' } } }),
    denied(`invalid key name "${AS}/min-scale": metadata.annotations\n${NO_AUTOSCALING}`),
  ),
  {
    id: 'configuration-autoscaling-annotation',
    behaviour: 'autoscaling annotations on a Configuration are refused',
    source: META('ValidateHasNoAutoscalingAnnotation'),
    request: create('configurations', configuration('cfg-as', { annotations: { [`${AS}/max-scale`]: '2' } })),
    expect: denied(`invalid key name "${AS}/max-scale": metadata.annotations\n${NO_AUTOSCALING}`),
  },
  {
    id: 'route-autoscaling-annotation',
    behaviour: 'autoscaling annotations on a Route are refused (ValidateObjectMetadata without autoscaling)',
    source: src('pkg/apis/serving/v1/route_validation.go', 'Route.Validate'),
    request: create('routes', route('route-as', { annotations: { [`${AS}/class`]: `kpa.${AS}` } })),
    expect: denied(`invalid key name "${AS}/class": metadata.annotations\n${NO_AUTOSCALING}`),
  },
  {
    id: 'revision-autoscaling-annotation',
    behaviour: "a Revision's own autoscaling annotations are validated",
    source: META('ValidateObjectMetadata'),
    request: create('revisions', revision('rev-as', { annotations: { [`${AS}/min-scale`]: 'abc' } })),
    expect: denied(`invalid value: abc: metadata.annotations.${AS}/min-scale`),
  },
  svcRow(
    'rollout-duration-invalid',
    'serving.knative.dev/rollout-duration is a Go duration',
    META('ValidateRolloutDurationAnnotation'),
    ksvc('rd-bad', { meta: { annotations: { 'serving.knative.dev/rollout-duration': 'abc' } } }),
    denied('invalid value: abc: metadata.annotations.serving.knative.dev/rollout-duration'),
  ),
  svcRow(
    'rollout-duration-precision',
    'rollout-duration has second precision',
    META('ValidateRolloutDurationAnnotation'),
    ksvc('rd-ms', { meta: { annotations: { 'serving.knative.dev/rollout-duration': '100ms' } } }),
    denied(
      'rollout-duration=100ms is not at second precision: metadata.annotations.serving.knative.dev/rollout-duration',
    ),
  ),
  {
    id: 'rollout-duration-negative-route',
    behaviour: 'rollout-duration on a Route must be positive',
    source: META('ValidateRolloutDurationAnnotation'),
    request: create('routes', route('route-rd', { annotations: { 'serving.knative.dev/rollout-duration': '-5s' } })),
    expect: denied('rollout-duration=-5s must be positive: metadata.annotations.serving.knative.dev/rollout-duration'),
  },
  svcRow(
    'service-name-dns1035',
    'a Service name is a DNS-1035 label (a subdomain with a dot passes the apiserver, not the webhook)',
    pkg('apis/metadata_validation.go', 'ValidateObjectMetadata'),
    ksvc('a.b'),
    denied(`not a DNS 1035 label: [${DNS1035}]: metadata.name`),
  ),
  svcRow(
    'service-name-leading-digit',
    'a DNS-1035 label starts with a letter',
    pkg('apis/metadata_validation.go', 'ValidateObjectMetadata'),
    ksvc('1abc'),
    denied(`not a DNS 1035 label: [${DNS1035}]: metadata.name`),
  ),
  svcRow(
    'service-name-too-long',
    'a DNS-1035 label has at most 63 characters',
    pkg('apis/metadata_validation.go', 'ValidateObjectMetadata'),
    ksvc('a'.repeat(64)),
    denied('not a DNS 1035 label: [must be no more than 63 characters]: metadata.name'),
  ),
  // Item 3 of issue 12: the label rules upstream dropped.
  svcRow(
    'service-label-serving-prefix',
    'any serving.knative.dev/* label is accepted on a Service',
    src('pkg/apis/serving/v1/service_validation.go', 'Service.Validate'),
    ksvc('label-foo', { meta: { labels: { 'serving.knative.dev/foo': 'x' } } }),
    created,
  ),
  svcRow(
    'service-label-visibility-public',
    'networking.knative.dev/visibility=public is accepted on a Service',
    src('pkg/apis/serving/v1/service_validation.go', 'Service.Validate'),
    ksvc('label-public', { meta: { labels: { 'networking.knative.dev/visibility': 'public' } } }),
    created,
  ),
  {
    id: 'route-label-visibility-public',
    behaviour: 'networking.knative.dev/visibility=public is accepted on a Route',
    source: ROUTE('Route.validateLabels'),
    request: create('routes', route('route-public', { labels: { 'networking.knative.dev/visibility': 'public' } })),
    expect: created,
  },
  {
    id: 'route-label-service-without-owner',
    behaviour: 'a serving.knative.dev/service label needs an owning Service',
    source: ROUTE('Route.validateLabels'),
    request: create('routes', route('route-owned', { labels: { 'serving.knative.dev/service': 'svc' } })),
    expect: denied('missing field(s): metadata.labels.serving.knative.dev/service'),
  },
  {
    id: 'configuration-label-service-without-owner',
    behaviour: 'a Configuration labelled with a Service it is not owned by',
    source: src('pkg/apis/serving/v1/configuration_validation.go', 'verifyLabelOwnerRef'),
    request: create('configurations', configuration('cfg-owned', { labels: { 'serving.knative.dev/service': 'svc' } })),
    expect: denied('missing field(s): metadata.labels.serving.knative.dev/service'),
  },
  {
    id: 'revision-label-configuration-without-owner',
    behaviour: 'a Revision labelled with a Configuration it is not owned by',
    source: REV('Revision.ValidateLabels'),
    request: create('revisions', revision('rev-owned', { labels: { 'serving.knative.dev/configuration': 'cfg' } })),
    expect: denied('missing field(s): metadata.labels.serving.knative.dev/configuration'),
  },
  {
    id: 'revision-containers-required',
    behaviour: 'a Revision without containers is refused by the CRD schema',
    source: CRD('revision'),
    request: create('revisions', revision('rev-nocontainers', {}, { timeoutSeconds: 30 })),
    expect: invalid('Revision', 'rev-nocontainers', 'spec.containers: Required value'),
  },
  {
    id: 'revision-reserved-port',
    behaviour: 'a standalone Revision gets the same pod spec validation',
    source: K8S('validateContainerPortBasic'),
    request: create(
      'revisions',
      revision('rev-port', {}, { containers: [{ image: IMAGE, ports: [{ containerPort: 8022 }] }] }),
    ),
    expect: denied(
      'invalid value: 8022 is a reserved port: spec.containers[0].ports.containerPort\n8022 is a reserved port, please use a different value',
    ),
  },
];

const trafficRows: UpstreamRow[] = [
  svcRow(
    'traffic-sum',
    'percents add up to 100',
    ROUTE('validateTrafficList'),
    ksvc('tr-sum', { traffic: [{ latestRevision: true, percent: 90 }] }),
    denied('Traffic targets sum to 90, want 100: spec.traffic'),
  ),
  svcRow(
    'traffic-configuration-in-service',
    "a Service's traffic may not name a configuration",
    ROUTE('validateRevisionAndConfiguration'),
    ksvc('tr-cfg', { traffic: [{ configurationName: 'other', percent: 100 }] }),
    denied('must not set the field(s): spec.traffic[0].configurationName'),
  ),
  svcRow(
    'traffic-percent-out-of-bounds',
    'percent within 0..100, and the sum is reported too (sorted: upper case first)',
    ROUTE('validateTrafficPercentage'),
    ksvc('tr-101', { traffic: [{ latestRevision: true, percent: 101 }] }),
    denied('Traffic targets sum to 101, want 100: spec.traffic\nexpected 0 <= 101 <= 100: spec.traffic[0].percent'),
  ),
  svcRow(
    'traffic-duplicate-tag',
    'a tag is defined once',
    ROUTE('validateTrafficList'),
    ksvc('tr-duptag', {
      traffic: [
        { tag: 'a', latestRevision: true, percent: 100 },
        { tag: 'a', revisionName: 'tr-duptag-00001', percent: 0 },
      ],
    }),
    denied('Multiple definitions for "a": spec.traffic[0].tag, spec.traffic[1].tag'),
  ),
  svcRow(
    'traffic-tag-not-dns1035',
    'a tag is a DNS-1035 label (the index lands after "tag")',
    ROUTE('validateTrafficList'),
    ksvc('tr-badtag', { traffic: [{ tag: 'Bad', latestRevision: true, percent: 100 }] }),
    denied(`invalid value: not a DNS 1035 label: [${DNS1035}]: spec.traffic.tag[0]`),
  ),
  svcRow(
    'traffic-latest-with-revision',
    'latestRevision true with a revisionName',
    ROUTE('validateLatestRevision'),
    ksvc('tr-latest', { traffic: [{ revisionName: 'tr-latest-00001', latestRevision: true, percent: 100 }] }),
    denied('may not set revisionName "tr-latest-00001" when latestRevision is true: spec.traffic[0].latestRevision'),
  ),
  svcRow(
    'traffic-pinned-without-revision',
    'latestRevision false without a revisionName',
    ROUTE('validateLatestRevision'),
    ksvc('tr-pinned', { traffic: [{ latestRevision: false, percent: 100 }] }),
    denied('may not set revisionName "" when latestRevision is false: spec.traffic[0].latestRevision'),
  ),
  svcRow(
    'traffic-url-in-spec',
    'url is status-only',
    ROUTE('validateURL'),
    ksvc('tr-url', { traffic: [{ tag: 'a', latestRevision: true, percent: 100, url: 'http://a.example.com' }] }),
    denied('must not set the field(s): spec.traffic[0].url'),
  ),
  svcRow(
    'traffic-revision-name-not-qualified',
    'revisionName is a qualified name',
    ROUTE('validateRevisionAndConfiguration'),
    ksvc('tr-qualified', { traffic: [{ revisionName: 'a/b/c', percent: 100 }] }),
    denied(`invalid key name "a/b/c": spec.traffic[0].revisionName\n${QUALIFIED}`),
  ),
  {
    id: 'route-traffic-neither',
    behaviour: 'a Route entry names a revision or a configuration',
    source: ROUTE('validateRevisionAndConfiguration'),
    request: create('routes', route('route-neither', {}, [{ percent: 100 }])),
    expect: denied(
      'expected exactly one, got neither: spec.traffic[0].configurationName, spec.traffic[0].revisionName',
    ),
  },
  {
    id: 'route-traffic-both',
    behaviour: 'a Route entry names a revision and a configuration',
    source: ROUTE('validateRevisionAndConfiguration'),
    request: create(
      'routes',
      route('route-both', {}, [{ revisionName: 'r-00001', configurationName: 'cfg', percent: 100 }]),
    ),
    expect: denied('expected exactly one, got both: spec.traffic[0].configurationName, spec.traffic[0].revisionName'),
  },
  {
    id: 'route-traffic-empty',
    behaviour: 'a Route without traffic sums to 0',
    source: ROUTE('validateTrafficList'),
    request: create('routes', route('route-empty', {}, [])),
    expect: denied('Traffic targets sum to 0, want 100: spec.traffic'),
  },
];

const strictRows: UpstreamRow[] = [
  svcRow(
    'strict-unknown-container-field',
    'under Strict field validation an unknown container field is refused by the structural schema',
    CRD('service'),
    ksvc('strict-c', { container: { foo: 'bar' } }),
    {
      status: 400,
      reason: 'BadRequest',
      message:
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.template.spec.containers[0].foo"',
    },
    { fieldValidation: 'Strict' },
  ),
  svcRow(
    'strict-unknown-fields-two',
    'several unknown fields are listed, comma separated',
    CRD('service'),
    {
      metadata: { name: 'strict-two' },
      spec: { template: { spec: { bogus: 1, containers: [{ image: IMAGE, foo: 'bar' }] } } },
    },
    {
      status: 400,
      reason: 'BadRequest',
      message:
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.template.spec.bogus", unknown field "spec.template.spec.containers[0].foo"',
    },
    { fieldValidation: 'Strict' },
  ),
  svcRow(
    'strict-unknown-traffic-field',
    'an unknown traffic field is refused',
    CRD('service'),
    ksvc('strict-tr', { traffic: [{ latestRevision: true, percent: 100, weight: 1 }] }),
    {
      status: 400,
      reason: 'BadRequest',
      message:
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.traffic[0].weight"',
    },
    { fieldValidation: 'Strict' },
  ),
  {
    id: 'strict-unknown-route-field',
    behaviour: 'an unknown Route spec field is refused',
    source: CRD('route'),
    request: create(
      'routes',
      {
        metadata: { name: 'strict-route' },
        spec: { traffic: [{ configurationName: 'cfg', percent: 100 }], mirror: true },
      },
      { fieldValidation: 'Strict' },
    ),
    expect: {
      status: 400,
      reason: 'BadRequest',
      message: 'Route in version "v1" cannot be handled as a Route: strict decoding error: unknown field "spec.mirror"',
    },
  },
  svcRow(
    'warn-unknown-container-field',
    'under Warn the unknown field is pruned and reported as a warning',
    CRD('service'),
    ksvc('warn-c', { container: { foo: 'bar', securityContext: SECURE } }),
    { status: 201, warnings: ['unknown field "spec.template.spec.containers[0].foo"'] },
    { fieldValidation: 'Warn' },
  ),
  svcRow(
    'ignore-unknown-container-field',
    'under Ignore the unknown field is pruned silently',
    CRD('service'),
    ksvc('ignore-c', { container: { foo: 'bar' } }),
    created,
    { fieldValidation: 'Ignore' },
  ),
];

const immutableRows: UpstreamRow[] = [
  {
    id: 'revision-spec-immutable-image',
    behaviour: "a Revision's spec never changes; the refusal carries go-cmp's -old +new diff",
    source: REV('Revision.Validate'),
    request: {
      verb: 'patch',
      resource: 'revisions',
      name: 'imm-rev',
      patchType: 'json',
      body: [{ op: 'replace', path: '/spec/containers/0/image', value: 'ghcr.io/bgctl/hello:v2' }],
      setup: [{ resource: 'revisions', body: revision('imm-rev') }],
    },
    expect: denied(
      'Immutable fields changed (-old +new): spec\n{v1.RevisionSpec}.PodSpec.Containers[0].Image:\n\t-: "ghcr.io/bgctl/hello:v1"\n\t+: "ghcr.io/bgctl/hello:v2"\n',
    ),
  },
  {
    id: 'revision-spec-immutable-pointer',
    behaviour: 'a field behind a Go pointer is printed with a leading *',
    source: pkg('kmp/reporters.go', 'shortDiffReporter.Report'),
    request: {
      verb: 'patch',
      resource: 'revisions',
      name: 'imm-cc',
      patchType: 'merge',
      body: { spec: { containerConcurrency: 5 } },
      setup: [{ resource: 'revisions', body: revision('imm-cc') }],
    },
    expect: denied(
      'Immutable fields changed (-old +new): spec\n*{v1.RevisionSpec}.ContainerConcurrency:\n\t-: "0"\n\t+: "5"\n',
    ),
  },
  {
    id: 'byo-name-template-change',
    behaviour: 'a template change keeping a BYO revision name is refused with the diff',
    source: REV('RevisionTemplateSpec.VerifyNameChange'),
    request: {
      verb: 'patch',
      resource: 'services',
      name: 'byo-keep',
      patchType: 'json',
      body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/bgctl/hello:v2' }],
      setup: [{ resource: 'services', body: ksvc('byo-keep', { tmeta: { name: 'byo-keep-v1' } }) }],
    },
    expect: denied(
      'Saw the following changes without a name change (-old +new): spec.template.metadata.name\n{*v1.RevisionTemplateSpec}.Spec.PodSpec.Containers[0].Image:\n\t-: "ghcr.io/bgctl/hello:v1"\n\t+: "ghcr.io/bgctl/hello:v2"\n',
    ),
  },
];

export const ROWS: UpstreamRow[] = [
  ...containerRows,
  ...mountRows,
  ...podRows,
  ...probeRows,
  ...revisionSpecRows,
  ...autoscalingRows,
  ...metadataRows,
  ...trafficRows,
  ...strictRows,
  ...immutableRows,
];
