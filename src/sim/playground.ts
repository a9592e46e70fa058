// The local Knative playground: registry + HTTPS apiserver + Knative controllers + ingress,
// plus kubeconfig files (admin and read-only) that kubectl and client-node accept as they are;
// one cluster, or several independent ones in one process with a kubeconfig context each.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { renderMultiKubeconfig } from './api/kubeconfig.js';
import type { SimClock } from './clock.js';
import type { MetricsFormat } from './metrics.js';
import type { GcConfig } from './knative/gc.js';
import type { Timing } from './knative/runtime.js';
import { createSample, SAMPLE_IMAGE, startCluster, type PlaygroundCluster } from './playground-cluster.js';
import { MAX_CLUSTERS } from './playground-limits.js';
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

export interface Playground extends PlaygroundCluster {
  kubeconfigPath: string;
  /** The kubeconfig YAML text. */
  kubeconfig: string;
  readOnlyKubeconfigPath: string;
  stop(): Promise<void>;
}

/** Several independent clusters in one process, one kubeconfig with a context for each. */
export interface Playgrounds {
  /** In kubeconfig order; `clusters[i].context` is `playground-<i+1>` (`bgctl-playground` when there is one). */
  clusters: PlaygroundCluster[];
  /** The admin kubeconfig: one context per cluster, the first one current. */
  kubeconfigPath: string;
  kubeconfig: string;
  /** The viewer kubeconfig: `<context>-readonly` per cluster. */
  readOnlyKubeconfigPath: string;
  /** Stops every cluster and removes the temp files. */
  stop(): Promise<void>;
}

export { SAMPLE_IMAGE, type PlaygroundCluster };

/** The kubeconfig context of cluster `index` (0-based) of `count`: a single cluster keeps its historic name. */
function clusterContextName(index: number, count: number): string {
  return count === 1 ? 'bgctl-playground' : `playground-${index + 1}`;
}

/** Starts one cluster with its admin and read-only kubeconfigs; on failure, whatever started is stopped again. */
export async function startPlayground(opts: PlaygroundOptions = {}): Promise<Playground> {
  const pgs = await startPlaygrounds(1, opts);
  const { kubeconfigPath, kubeconfig, readOnlyKubeconfigPath, stop } = pgs;
  return { ...pgs.clusters[0], kubeconfigPath, kubeconfig, readOnlyKubeconfigPath, stop };
}

/**
 * Starts `count` independent clusters (own registry, controllers, API server, ingress, metrics
 * target and tokens) and writes one kubeconfig naming them all. A non-zero port option is the first
 * cluster's; cluster i takes that port + i. On failure, whatever started is stopped again.
 */
export async function startPlaygrounds(count: number, opts: PlaygroundOptions = {}): Promise<Playgrounds> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_CLUSTERS)
    throw new RangeError(`count must be an integer from 1 to ${MAX_CLUSTERS}, not ${count}`);
  const nth = (port: number | undefined, i: number): number | undefined => (port ? port + i : port);
  const starts = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      startCluster(clusterContextName(i, count), {
        ...opts,
        port: nth(opts.port, i),
        ingressPort: nth(opts.ingressPort, i),
        metricsPort: nth(opts.metricsPort, i),
      }),
    ),
  );
  const started = starts.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const cleanups: Array<() => Promise<void> | void> = [() => Promise.all(started.map((c) => c.stop())).then(() => {})];
  const stopAll = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  };
  try {
    const failed = starts.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
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
    const kubeconfig = renderMultiKubeconfig(
      started.map(({ cluster, caPem }) => ({
        server: cluster.server,
        caPem,
        token: cluster.token,
        name: cluster.context,
      })),
    );
    writePrivateFile(kubeconfigPath, kubeconfig, 'kubeconfig');
    const readOnly = renderMultiKubeconfig(
      started.map(({ cluster, caPem, readOnlyToken }) => ({
        server: cluster.server,
        caPem,
        token: readOnlyToken,
        name: `${cluster.context}-readonly`,
      })),
    );
    writePrivateFile(readOnlyKubeconfigPath, readOnly, 'read-only kubeconfig');
    if (opts.kubeconfigPath) cleanups.push(() => rmSync(readOnlyKubeconfigPath, { force: true }));

    if (opts.sample) {
      const { sample } = opts;
      await Promise.all(
        started.map(({ cluster }) =>
          createSample(cluster.registry, opts.namespace ?? 'default', sample, opts.readyTimeoutMs ?? 30_000),
        ),
      );
    }
    return {
      clusters: started.map((s) => s.cluster),
      kubeconfigPath,
      kubeconfig,
      readOnlyKubeconfigPath,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
