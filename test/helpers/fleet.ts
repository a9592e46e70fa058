// Services of the fleet tests, written straight into one simulated cluster of startPlaygrounds(n) and awaited Ready.
import type { KnativeService } from '../../src/core/knative-types.js';
import type { KObject } from '../../src/sim/api/contracts.js';
import type { Playground, PlaygroundCluster } from '../../src/sim/playground.js';
import { waitForStored } from '../commands/step-helpers.js';

const SYSTEM = { user: 'system:admin', fieldManager: 'test' };

/** Ready True for the generation the object is at. */
export function isReady(o: KObject | undefined): boolean {
  return Boolean(
    o &&
    o.status?.observedGeneration === o.metadata.generation &&
    o.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'),
  );
}

/**
 * Creates a labelled service in one cluster (template annotations are simulator knobs; `annotations` go on the
 * Service, e.g. a rollout duration) and waits until Ready.
 */
export async function createFleetService(
  c: PlaygroundCluster,
  name: string,
  labels: Record<string, string>,
  templateAnnotations?: Record<string, string>,
  annotations?: Record<string, string>,
): Promise<void> {
  c.registry.create(
    c.registry.resource('services', 'serving.knative.dev')!,
    'default',
    {
      apiVersion: 'serving.knative.dev/v1',
      kind: 'Service',
      metadata: { name, namespace: 'default', labels, ...(annotations && { annotations }) },
      spec: {
        template: {
          ...(templateAnnotations ? { metadata: { annotations: templateAnnotations } } : {}),
          spec: { containers: [{ image: 'ghcr.io/bgctl/hello:v1' }] },
        },
      },
    },
    SYSTEM,
  );
  await waitForStored(c as Playground, name, isReady, 30_000);
}

/** The Service as the cluster stores it now. */
export function stored(c: PlaygroundCluster, name: string): KnativeService {
  const def = c.registry.resource('services', 'serving.knative.dev')!;
  return c.registry.get(def, 'default', name) as unknown as KnativeService;
}
