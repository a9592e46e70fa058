// Controller behaviours (route traffic, gradual rollout, admission warnings): the conditions a
// request settles into, per knative/serving at COMMITS.serving.
import { type UpstreamRow, servingSource } from './row.js';

const svc = (name: string, extra: Record<string, unknown> = {}, annotations?: Record<string, string>) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name, ...(annotations ? { annotations } : {}) },
  spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } }, ...extra },
});
const P = 'spec.template.spec.containers[0].securityContext';
const INSECURE = `Kubernetes default value is insecure, Knative may default this to secure in a future release: ${P}.allowPrivilegeEscalation, ${P}.capabilities, ${P}.runAsNonRoot, ${P}.seccompProfile`;

export const ROWS: UpstreamRow[] = [
  {
    id: 'warning-insecure-security-context',
    behaviour: 'a ksvc write with default securityContext is admitted with the insecure-defaults warning',
    source: servingSource('pkg/apis/serving/k8s_validation.go', 'warnDefaultContainerSecurityContext'),
    request: { verb: 'create', resource: 'services', name: 'warned', body: svc('warned') },
    expect: { status: 201, warnings: [INSECURE] },
  },
  {
    id: 'route-revision-not-owned',
    behaviour:
      "a Service's route naming another service's revision is refused (RevisionNotOwned) before readiness counts",
    source: servingSource('pkg/reconciler/route/traffic/traffic.go', 'configBuilder.addRevisionTarget'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'thief',
      setup: [{ resource: 'services', body: svc('owner') }],
      body: svc('thief', { traffic: [{ revisionName: 'owner-00001', percent: 100 }] }),
    },
    expect: {
      status: 201,
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'RevisionNotOwned',
          message: 'Revision "owner-00001" belongs to Service "owner", not Service "thief".',
        },
        {
          type: 'RoutesReady',
          status: 'False',
          reason: 'RevisionNotOwned',
          message: 'Revision "owner-00001" belongs to Service "owner", not Service "thief".',
        },
      ],
    },
  },
  {
    id: 'route-missing-revision-ingress-not-configured',
    behaviour:
      'a route generation naming a missing revision: AllTrafficAssigned False RevisionMissing, IngressReady Unknown IngressNotConfigured',
    source: servingSource('pkg/reconciler/route/route.go', 'Reconciler.ReconcileKind'),
    request: {
      verb: 'create',
      resource: 'routes',
      name: 'lost',
      body: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Route',
        metadata: { name: 'lost' },
        spec: { traffic: [{ revisionName: 'nowhere-00001', percent: 100 }] },
      },
    },
    expect: {
      status: 201,
      conditions: [
        {
          type: 'AllTrafficAssigned',
          status: 'False',
          reason: 'RevisionMissing',
          message: 'Revision "nowhere-00001" referenced in traffic not found.',
        },
        {
          type: 'IngressReady',
          status: 'Unknown',
          reason: 'IngressNotConfigured',
          message: 'Ingress has not yet been reconciled.',
        },
        {
          type: 'Ready',
          status: 'False',
          reason: 'RevisionMissing',
          message: 'Revision "nowhere-00001" referenced in traffic not found.',
        },
      ],
    },
  },
  {
    id: 'route-config-no-ready-revision',
    behaviour: 'a route to a configuration whose revision failed: AllTrafficAssigned False RevisionMissing',
    source: servingSource('pkg/apis/serving/v1/route_lifecycle.go', 'RouteStatus.MarkConfigurationFailed'),
    request: {
      verb: 'create',
      resource: 'routes',
      name: 'early',
      setup: [
        {
          resource: 'configurations',
          body: {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Configuration',
            metadata: { name: 'slow' },
            spec: {
              template: {
                metadata: { annotations: { 'sim.bgctl.dev/fail': 'ExitCode1' } },
                spec: { containers: [{ image: 'img:1' }] },
              },
            },
          },
        },
      ],
      body: {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Route',
        metadata: { name: 'early' },
        spec: { traffic: [{ configurationName: 'slow', percent: 100 }] },
      },
    },
    expect: {
      status: 201,
      conditions: [
        {
          type: 'AllTrafficAssigned',
          status: 'False',
          reason: 'RevisionMissing',
          message: 'Configuration "slow" does not have any ready Revision.',
        },
      ],
    },
  },
  {
    id: 'rollout-duration-not-on-configuration',
    behaviour: "the Service's rollout-duration annotation goes to its Route, never to its Configuration",
    source: servingSource('pkg/reconciler/service/resources/configuration.go', 'MakeConfigurationFromExisting'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'paced',
      body: svc('paced', {}, { 'serving.knative.dev/rollout-duration': '60s' }),
    },
    expect: { status: 201, conditions: [{ type: 'Ready', status: 'True' }] },
  },
  {
    id: 'blue-green-tags-ready',
    behaviour:
      'conformance blue-green: two tagged revisions split by name settle Ready (AllTrafficAssigned, IngressReady True)',
    source: servingSource('test/conformance/api/v1/blue_green_test.go', 'TestBlueGreenRoute'),
    request: {
      verb: 'create',
      resource: 'services',
      name: 'bg',
      body: svc('bg', {
        traffic: [
          { tag: 'blue', latestRevision: true, percent: 100 },
          { tag: 'green', latestRevision: true, percent: 0 },
        ],
      }),
    },
    expect: {
      status: 201,
      conditions: [
        { type: 'ConfigurationsReady', status: 'True' },
        { type: 'Ready', status: 'True' },
        { type: 'RoutesReady', status: 'True' },
      ],
    },
  },
];
