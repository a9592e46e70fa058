// One simulated cluster of the playground: registry, HTTPS apiserver, Knative controllers, ingress,
// metrics target and load generator, with its own tokens. Writing kubeconfigs is playground.ts's job.
import { randomBytes } from 'node:crypto';
import type { KObject, Registry } from './api/contracts.js';
import { flaggerCanaryResource } from './api/resources.js';
import { createRegistry } from './api/registry.js';
import type { SimClock } from './clock.js';
import { startApiServer } from './api/server.js';
import { startIngress } from './ingress.js';
import { startLoad, type Load } from './load.js';
import { RequestMetrics, type MetricsFormat } from './metrics.js';
import { revisionIdentity, startMetricsServer, trackRevisions, type MetricsServer } from './metrics-server.js';
import { attachLoad } from './api/sim-routes.js';
import type { GcConfig } from './knative/gc.js';
import type { Timing } from './knative/runtime.js';
import { installKnative } from './knative/index.js';

/** What one cluster is started with (ports: 0 or unset picks a free one). */
export interface ClusterOptions {
  port?: number;
  ingressPort?: number;
  metricsPort?: number;
  metricsFormat?: MetricsFormat;
  load?: number;
  domain?: string;
  gc?: Partial<GcConfig>;
  timing?: Partial<Timing>;
  now?: () => Date;
  clock?: SimClock;
  flagger?: boolean;
}

/** One running cluster, as tests and the playground command see it. */
export interface PlaygroundCluster {
  /** Its context in the playground's kubeconfig (`bgctl-playground` for a single cluster). */
  context: string;
  /** `https://127.0.0.1:PORT`. */
  server: string;
  /** `127.0.0.1:PORT`, the ingress for Host-header requests. */
  ingress: string;
  /** `127.0.0.1:PORT`, the Prometheus scrape target (path `/metrics`). */
  metrics: string;
  /** What the ingress answered per revision (the series /metrics serves), and its scrape events. */
  requestMetrics: RequestMetrics;
  metricsServer: MetricsServer;
  /** The load generator (what /sim/v1/load drives). */
  load: Load;
  namespace: 'default';
  /** The admin bearer token (accepted by this cluster only). */
  token: string;
  /** A token allowed only the least Role of docs/in-cluster.md (user `bgctl-least`). */
  leastRoleToken: string;
  registry: Registry;
  /** Reconciles every Route again (after moving an injected clock, so due rollout steps happen). */
  resync(): void;
}

/** A started cluster with what its kubeconfig entries need, and how to stop it. */
export interface StartedCluster {
  cluster: PlaygroundCluster;
  caPem: string;
  readOnlyToken: string;
  stop(): Promise<void>;
}

/** The image of the sample service. */
export const SAMPLE_IMAGE = 'ghcr.io/bgctl/hello:v1';

const SYSTEM_USER = 'system:admin';

/** Starts every part of one cluster; on failure, whatever started is stopped again. */
export async function startCluster(context: string, opts: ClusterOptions = {}): Promise<StartedCluster> {
  const registry = createRegistry({
    clock: opts.clock,
    ...(opts.flagger ? { extraResources: [flaggerCanaryResource()] } : {}),
  });
  const nsDef = registry.resource('namespaces', '')!;
  for (const name of ['default', 'kube-system', 'kube-public']) {
    registry.create(
      nsDef,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      { user: SYSTEM_USER },
    );
  }
  const cleanups: Array<() => Promise<void> | void> = [() => registry.close()];
  const stopAll = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  };
  try {
    const knative = installKnative(registry, {
      domain: opts.domain ?? 'example.com',
      gc: opts.gc,
      timing: opts.timing,
      now: opts.now,
      clock: opts.clock,
    });
    cleanups.push(() => knative.stop());
    const token = randomBytes(24).toString('hex');
    const readOnlyToken = randomBytes(24).toString('hex');
    const leastRoleToken = randomBytes(24).toString('hex');
    const api = await startApiServer({ registry, token, readOnlyToken, leastRoleToken, port: opts.port });
    cleanups.push(() => api.stop());
    const requestMetrics = new RequestMetrics(opts.metricsFormat ?? 'knative');
    cleanups.push(trackRevisions(registry, requestMetrics));
    const ingress = await startIngress(registry, {
      port: opts.ingressPort,
      onServed: (rev, code, seconds) => requestMetrics.record(revisionIdentity(rev), code, seconds),
    });
    cleanups.push(() => ingress.stop());
    const metricsServer = await startMetricsServer(requestMetrics, { port: opts.metricsPort });
    cleanups.push(() => metricsServer.stop());
    // Stopped first (cleanups run in reverse), so no request is in flight when the ingress closes.
    const load = startLoad(registry, { ingress: ingress.address, defaultRps: opts.load });
    cleanups.push(() => load.stop());
    attachLoad(api.control, load, registry);
    return {
      cluster: {
        context,
        server: api.url,
        ingress: ingress.address,
        metrics: metricsServer.address,
        requestMetrics,
        metricsServer,
        load,
        namespace: 'default',
        token,
        leastRoleToken,
        registry,
        resync: () => knative.resync(),
      },
      caPem: api.caPem,
      readOnlyToken,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Creates the sample Service (and its namespace) and resolves when its Ready condition is True. */
export async function createSample(
  registry: Registry,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<KObject> {
  const nsDef = registry.resource('namespaces', '')!;
  if (!registry.tryGet(nsDef, undefined, namespace))
    registry.create(
      nsDef,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
      { user: SYSTEM_USER },
    );
  const def = registry.resource('services', 'serving.knative.dev')!;
  const isReady = (o: KObject | undefined): boolean =>
    Boolean(
      o &&
      o.status?.observedGeneration === o.metadata.generation &&
      o.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'),
    );
  return new Promise<KObject>((resolve, reject) => {
    let stop = (): void => {};
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`sample service ${namespace}/${name} did not become Ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = (o: KObject): void => {
      clearTimeout(timer);
      stop();
      resolve(o);
    };
    stop = registry.onChange((ev) => {
      if (
        ev.resource.plural === 'services' &&
        ev.object.metadata.namespace === namespace &&
        ev.object.metadata.name === name &&
        isReady(ev.object)
      )
        finish(ev.object);
    });
    try {
      const existing = registry.tryGet(def, namespace, name);
      if (isReady(existing)) return finish(existing!);
      if (!existing) {
        registry.create(
          def,
          namespace,
          {
            apiVersion: 'serving.knative.dev/v1',
            kind: 'Service',
            metadata: { name, namespace },
            spec: { template: { spec: { containers: [{ image: SAMPLE_IMAGE }] } } },
          },
          { user: SYSTEM_USER, fieldManager: 'bgctl-playground' },
        );
      }
    } catch (err) {
      clearTimeout(timer);
      stop();
      reject(err);
    }
  });
}
