// Fidelity review before issue 12 closed: template annotations the webhook checks besides the
// autoscaling ones (queue-proxy resources, networking.knative.dev keys), and the CRD schema's
// quantity pattern, per knative/serving and knative/networking at the commits below.
import { COMMITS, type UpstreamExpectation, type UpstreamRow, servingSource } from './row.js';

/** A container with a secure securityContext, so that only the row's own warnings come back. */
const SECURE = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  seccompProfile: { type: 'RuntimeDefault' },
  capabilities: { drop: ['ALL'] },
};
const svc = (name: string, annotations: Record<string, string>, container: Record<string, unknown> = {}) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name },
  spec: {
    template: {
      metadata: { annotations },
      spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1', securityContext: SECURE, ...container }] },
    },
  },
});
const denied = (message: string, warnings?: string[]): UpstreamExpectation => ({
  status: 400,
  reason: 'BadRequest',
  message: `admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: ${message}`,
  ...(warnings ? { warnings } : {}),
});

const Q = 'queue.sidecar.serving.knative.dev';
// ErrGeneric without a path: the rendered FieldError ends in ": ".
const DEPRECATED =
  'Queue proxy resource percentage annotation is deprecated. Please use the available annotations to explicitly set resource values per service: ';
const QUANTITY = String.raw`^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$`;

export const ROWS: UpstreamRow[] = [
  {
    id: 'queue-percentage-deprecated-warning',
    behaviour: 'the queue-proxy resource-percentage annotation is admitted with a deprecation warning',
    source: servingSource('pkg/apis/serving/v1/revision_validation.go', 'validateQueueSidecarResourceAnnotations'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'qp-pct',
      body: svc('qp-pct', { [`${Q}/resource-percentage`]: '50' }),
    },
    expect: { status: 201, warnings: [DEPRECATED] },
  },
  {
    id: 'queue-percentage-alias-not-a-float',
    behaviour: 'the percentage (here its camel-case alias) must parse as a float; the warning comes with the denial',
    source: servingSource('pkg/apis/serving/v1/revision_validation.go', 'validateQueueSidecarResourceAnnotations'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'qp-nan',
      body: svc('qp-nan', { [`${Q}/resourcePercentage`]: 'abc' }),
    },
    expect: denied(`invalid value: abc: spec.template.metadata.annotations.[${Q}/resourcePercentage]`, [DEPRECATED]),
  },
  {
    id: 'queue-percentage-out-of-bounds',
    behaviour: 'the percentage must lie within 0.1..100, printed as Go prints a float64',
    source: servingSource('pkg/apis/serving/v1/revision_validation.go', 'validateQueueSidecarResourceAnnotations'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'qp-big',
      body: svc('qp-big', { [`${Q}/resource-percentage`]: '1e6' }),
    },
    expect: denied(`expected 0.1 <= 1e+06 <= 100: spec.template.metadata.annotations.[${Q}/resource-percentage]`, [
      DEPRECATED,
    ]),
  },
  {
    id: 'queue-resource-annotation-not-a-quantity',
    behaviour: 'the queue-proxy cpu/memory/ephemeral-storage annotations must parse as quantities',
    source: servingSource('pkg/apis/serving/v1/revision_validation.go', 'validateQueueSidecarResourceAnnotations'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'qp-mem',
      body: svc('qp-mem', { [`${Q}/memory-resource-limit`]: '512MB', [`${Q}/cpu-resource-request`]: '250m' }),
    },
    expect: denied(`invalid value: 512MB: spec.template.metadata.annotations.[${Q}/memory-resource-limit]`),
  },
  {
    id: 'networking-template-annotation-unknown',
    behaviour: 'a template annotation under networking.knative.dev outside the allowed keys is refused',
    source: {
      repo: 'knative/networking',
      path: 'pkg/apis/networking/metadata_validation.go',
      symbol: 'ValidateAnnotations',
      commit: COMMITS.networking,
    },
    request: {
      verb: 'create',
      resource: 'services',
      name: 'net-ann',
      body: svc('net-ann', {
        'networking.knative.dev/visibility': 'cluster-local',
        'networking.knative.dev/ingress.class': 'kourier.ingress.networking.knative.dev',
      }),
    },
    expect: denied('invalid key name "networking.knative.dev/visibility": spec.template.metadata.annotations'),
  },
  {
    id: 'schema-resource-quantity-pattern',
    behaviour: 'the CRD schema refuses a resource limit that is not a quantity (422) before the webhook runs',
    source: servingSource(
      'config/core/300-resources/service.yaml',
      'spec.template.spec.containers.resources.limits pattern',
    ),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'mem-mb',
      body: svc('mem-mb', {}, { resources: { limits: { memory: '512MB', cpu: 1 }, requests: { cpu: '.5' } } }),
    },
    expect: {
      status: 422,
      reason: 'Invalid',
      message:
        'Service.serving.knative.dev "mem-mb" is invalid: spec.template.spec.containers[0].resources.limits.memory: ' +
        `Invalid value: "512MB": spec.template.spec.containers[0].resources.limits.memory in body should match '${QUANTITY}'`,
    },
  },
];
