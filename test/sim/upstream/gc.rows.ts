// Garbage collection against Knative's webhook: the write the collector sends to orphan a Service's
// Configuration or Route (its owner reference removed) is refused while the service label stays,
// which is why an orphan delete of a ksvc stays pending (see docs/playground.md).
import { type UpstreamRow, servingSource } from './row.js';

const ksvc = (name: string) => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name },
  spec: { template: { spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] } } },
});
const DENIED =
  'admission webhook "validation.webhook.serving.knative.dev" denied the request: validation failed: missing field(s): metadata.labels.serving.knative.dev/service';

export const ROWS: UpstreamRow[] = [
  {
    id: 'gc-orphan-configuration-label-owner',
    behaviour:
      "taking the Service's owner reference off its Configuration (the GC's orphan write) is refused while the service label stays",
    source: servingSource('pkg/apis/serving/v1/configuration_validation.go', 'verifyLabelOwnerRef'),
    request: {
      verb: 'patch',
      resource: 'configurations',
      name: 'held',
      body: { metadata: { ownerReferences: null } },
      setup: [{ resource: 'services', body: ksvc('held'), ready: true }],
    },
    expect: { status: 400, reason: 'BadRequest', message: DENIED },
  },
  {
    id: 'gc-orphan-route-label-owner',
    behaviour:
      "taking the Service's owner reference off its Route (the GC's orphan write) is refused while the service label stays",
    source: servingSource('pkg/apis/serving/v1/route_validation.go', 'Route.validateLabels'),
    request: {
      verb: 'patch',
      resource: 'routes',
      name: 'held',
      body: { metadata: { ownerReferences: null } },
      setup: [{ resource: 'services', body: ksvc('held'), ready: true }],
    },
    expect: { status: 400, reason: 'BadRequest', message: DENIED },
  },
];
