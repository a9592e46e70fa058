// The local Knative playground: registry + HTTPS apiserver + Knative controllers + ingress,
// plus kubeconfig files (admin and read-only) that kubectl and client-node accept as they are.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { KObject, Registry } from './api/contracts.js';
import { flaggerCanaryResource } from './api/resources.js';
import { renderKubeconfig } from './api/kubeconfig.js';
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
import { refuseUnsafeTarget, writePrivateFile } from './private-file.js';

export interface PlaygroundOptions {
  /** API server port; 0 or unset picks a free one. */
  port?: number;
  /** Ingress port; 0 or unset picks a free one. */
  ingressPort?: number;
  /** Port of the Prometheus scrape target (`/metrics`); 0 or unset picks a free one. */
  metricsPort?: number;
  /** `knative` (default): Knative 1.19+'s histogram in seconds; `legacy`: Knative 1.18's counter and histogram. */
  metricsFormat?: MetricsFormat;
  /** Requests per second sent to the main URL of every routable service (default 0: none). */
  load?: number;
  /** Knative config-domain. Default `example.com`. */
  domain?: string;
  /** Where to write the kubeconfig; default a new temp folder (removed by stop()). */
  kubeconfigPath?: string;
  /** Name of a sample Service to create and wait for, e.g. `hello`. */
  sample?: string;
  /** Namespace of the sample. Default `default`. */
  namespace?: string;
  /** How long to wait for the sample to become Ready. Default 30 s. */
  readyTimeoutMs?: number;
  /** config-gc overrides for revision GC (durations in ms or 'disabled'); default the shipped config-gc. */
  gc?: Partial<GcConfig>;
  /** Latencies of the simulated control plane (ms); default DEFAULT_TIMING (knative/index.ts). */
  timing?: Partial<Timing>;
  /** The controllers' time of day (conditions, revision GC, gradual rollout steps); default `clock`'s. */
  now?: () => Date;
  /** What the control plane waits on, and its timestamps; default the system clock. Tests pass one they move. */
  clock?: SimClock;
  /** Also serve Flagger's Canary API (flagger.app/v1beta1), stored as given; default off (404, as without Flagger). */
  flagger?: boolean;
}

export interface Playground {
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
  kubeconfigPath: string;
  /** The kubeconfig YAML text. */
  kubeconfig: string;
  namespace: 'default';
  token: string;
  readOnlyKubeconfigPath: string;
  registry: Registry;
  /** Reconciles every Route again (after moving an injected clock, so due rollout steps happen). */
  resync(): void;
  stop(): Promise<void>;
}

/** The image of the sample service. */
export const SAMPLE_IMAGE = 'ghcr.io/bgctl/hello:v1';

const SYSTEM_USER = 'system:admin';

/** Starts every part of the playground; on failure, whatever started is stopped again. */
export async function startPlayground(opts: PlaygroundOptions = {}): Promise<Playground> {
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
    const api = await startApiServer({ registry, token, readOnlyToken, port: opts.port });
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

    let kubeconfigPath = opts.kubeconfigPath;
    if (!kubeconfigPath) {
      const dir = mkdtempSync(join(tmpdir(), 'bgctl-playground-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      kubeconfigPath = join(dir, 'kubeconfig');
    } else mkdirSync(dirname(kubeconfigPath), { recursive: true, mode: 0o700 });
    const readOnlyKubeconfigPath = `${kubeconfigPath}.readonly`;
    // Both are checked before either is written, so a refusal leaves nothing half done.
    refuseUnsafeTarget(kubeconfigPath, 'kubeconfig');
    refuseUnsafeTarget(readOnlyKubeconfigPath, 'read-only kubeconfig');
    const kubeconfig = renderKubeconfig({ server: api.url, caPem: api.caPem, token });
    writePrivateFile(kubeconfigPath, kubeconfig, 'kubeconfig');
    const readOnly = renderKubeconfig({
      server: api.url,
      caPem: api.caPem,
      token: readOnlyToken,
      name: 'bgctl-playground-readonly',
    });
    writePrivateFile(readOnlyKubeconfigPath, readOnly, 'read-only kubeconfig');
    if (opts.kubeconfigPath) cleanups.push(() => rmSync(readOnlyKubeconfigPath, { force: true }));

    if (opts.sample) {
      const ns = opts.namespace ?? 'default';
      if (!registry.tryGet(nsDef, undefined, ns))
        registry.create(
          nsDef,
          undefined,
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } },
          { user: SYSTEM_USER },
        );
      await createSample(registry, ns, opts.sample, opts.readyTimeoutMs ?? 30_000);
    }
    return {
      server: api.url,
      ingress: ingress.address,
      metrics: metricsServer.address,
      requestMetrics,
      metricsServer,
      load,
      kubeconfigPath,
      kubeconfig,
      namespace: 'default',
      token,
      readOnlyKubeconfigPath,
      resync: () => knative.resync(),
      registry,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Creates the sample Service and resolves when its Ready condition is True. */
async function createSample(registry: Registry, namespace: string, name: string, timeoutMs: number): Promise<KObject> {
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
