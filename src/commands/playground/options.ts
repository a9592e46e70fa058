// bgctl playground [--port N] [--ingress-port N] [--metrics-port N] [--metrics-format F] [--load RPS] [--domain D]
//   [--sample NAME] [--kubeconfig-out PATH] [--clusters N]
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { validateServiceName } from '../../core/names.js';
import { MAX_LOAD_RPS } from '../../sim/load-limits.js';
import { MAX_CLUSTERS } from '../../sim/playground-limits.js';
import type { MetricsFormat } from '../../sim/metrics.js';
import { defineVerb, type Env } from '../verb.js';
import { quoteInput } from '../../core/quote.js';

export interface PlaygroundOptions {
  /** 0: a free port. */
  port: number;
  ingressPort: number;
  metricsPort: number;
  metricsFormat: MetricsFormat;
  /** Requests per second to every routable service; 0: none. */
  load: number;
  domain: string;
  sample?: string;
  /** Absolute path of the kubeconfig to write. */
  kubeconfigOut: string;
  /** Independent clusters to start, 1 to MAX_CLUSTERS, each a context of the one kubeconfig. */
  clusters: number;
}

function parsePort(raw: string, flag: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535)
    throw new UsageError(`invalid value ${quoteInput(raw)} for ${flag}: must be a port number 0-65535`);
  return n;
}

function parseClusters(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_CLUSTERS)
    throw new UsageError(
      `invalid value ${quoteInput(raw)} for --clusters: must be a number of clusters from 1 to ${MAX_CLUSTERS}`,
    );
  return n;
}

function parseLoad(raw: string): number {
  const n = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || n > MAX_LOAD_RPS)
    throw new UsageError(
      `invalid value ${quoteInput(raw)} for --load: must be requests per second from 0 to ${MAX_LOAD_RPS}`,
    );
  return n;
}

// A record, so that a new format fails to compile until it is listed; a type-only import, so that parsing the
// flags loads no simulator code.
const FORMATS: Record<MetricsFormat, true> = { knative: true, 'knative-1.19': true, legacy: true };

function parseMetricsFormat(raw: string): MetricsFormat {
  if (Object.hasOwn(FORMATS, raw)) return raw as MetricsFormat;
  throw new UsageError(
    `invalid value ${quoteInput(raw)} for --metrics-format: must be knative, knative-1.19 or legacy`,
    {
      hint:
        'knative: the histogram of current Knative; knative-1.19: its name and whole seconds in v1.19.0-v1.19.7 ' +
        'and v1.20.0; legacy: the metrics of Knative 1.18 and older',
    },
  );
}

/** Default kubeconfig location: a bgctl-owned file, so the user's ~/.kube/config is never touched. */
export function defaultPlaygroundKubeconfig(env: Env): string {
  return path.join(env.HOME || os.homedir(), '.bgctl', 'playground', 'kubeconfig');
}

export const playgroundVerb = defineVerb<PlaygroundOptions>({
  name: 'playground',
  summary: 'start a local simulated Knative cluster and write a kubeconfig for it',
  description:
    'Starts a local Kubernetes API server with Knative Serving simulated inside it, plus an ingress on localhost ' +
    "that serves each revision by Host header, and a Prometheus scrape target with Knative's request metrics. " +
    'Runs until Ctrl-C. kubectl works against it too.',
  examples: [
    'bgctl playground --sample hello',
    'export KUBECONFIG=~/.bgctl/playground/kubeconfig',
    'bgctl status hello',
    'bgctl playground --sample hello --load 20 --metrics-format legacy',
    'bgctl playground --clusters 3 --sample hello   # contexts playground-1 to playground-3',
  ],
  flags: (cmd) =>
    cmd
      .option('--port <port>', 'API server port (0: a free one)', '0')
      .option('--ingress-port <port>', 'ingress port (0: a free one)', '0')
      .option('--metrics-port <port>', 'Prometheus scrape target port, path /metrics (0: a free one)', '0')
      .option(
        '--metrics-format <format>',
        'metric names: knative (current), knative-1.19 (v1.19.0-v1.19.7, v1.20.0) or legacy (1.18 and older)',
        'knative',
      )
      .option('--load <rps>', 'send this many requests per second to every service with traffic', '0')
      .option('--domain <domain>', 'domain of the service URLs', 'example.com')
      .option('--sample <name>', 'create a ready sample service with this name')
      .option('--kubeconfig-out <path>', 'where to write the kubeconfig (default: ~/.bgctl/playground/kubeconfig)')
      .option(
        '--clusters <n>',
        `start this many independent clusters (1-${MAX_CLUSTERS}), ` +
          'each a context of one kubeconfig (playground-1, playground-2, …)',
        '1',
      ),
  parse: ({ flags, env }) => {
    const sample = flags.string('sample');
    return {
      port: parsePort(flags.string('port') ?? '0', '--port'),
      ingressPort: parsePort(flags.string('ingressPort') ?? '0', '--ingress-port'),
      metricsPort: parsePort(flags.string('metricsPort') ?? '0', '--metrics-port'),
      metricsFormat: parseMetricsFormat(flags.string('metricsFormat') ?? 'knative'),
      load: parseLoad(flags.string('load') ?? '0'),
      domain: flags.string('domain') ?? 'example.com',
      sample: sample === undefined ? undefined : validateServiceName(sample),
      kubeconfigOut: path.resolve(flags.string('kubeconfigOut') ?? defaultPlaygroundKubeconfig(env)),
      clusters: parseClusters(flags.string('clusters') ?? '1'),
    };
  },
  load: () => import('./run.js'),
});
