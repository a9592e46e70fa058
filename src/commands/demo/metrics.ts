// The demo's metrics: a Prometheus from PATH scraping the playground every second while the playground sends load
// to the sample, and the gates the demo's rollout is judged by. Without the binary the demo says how to get it.
import { PrometheusClient } from '../../metrics/prometheus.js';
import { findPrometheusOnPath, launchPrometheus, PROMETHEUS_INSTALL_HINT } from '../../metrics/launch.js';
import type { LaunchedPrometheus } from '../../metrics/launch.js';
import { printable } from '../../ui/sanitize.js';
import type { IOStreams } from '../../ui/iostreams.js';
import { pauseFor } from '../rollout/session.js';

/** Requests per second the playground sends to the sample while Prometheus watches. */
export const DEMO_LOAD_RPS = 20;

/** The demo's gates: judged relative to the stable revision, so they hold whatever the playground's latencies. */
export const DEMO_GATES = ['error-rate<=stable+1%', 'latency-p95<=stable*2'];

/** Short enough for a demo, long enough for three evaluations on a one-second scrape. */
export const DEMO_GATE_FLAGS = { pause: '6s', gateInterval: '2s', metricsPreset: 'knative' } as const;

/** The `prometheus` binary on the demo's PATH; without one, a note saying how to install it. */
export function demoPrometheusBinary(io: IOStreams): string | undefined {
  const bin = findPrometheusOnPath(io.env.PATH);
  if (!bin) {
    io.err.write(
      'No `prometheus` on PATH, so this demo judges the candidate without metric gates. To see them, install it ' +
        `(${PROMETHEUS_INSTALL_HINT}) and run the demo again.\n`,
    );
  }
  return bin;
}

/** Starts Prometheus on the playground's /metrics and waits (at most 20 s) until it has seen `revision` answer. */
export async function startDemoPrometheus(
  io: IOStreams,
  bin: string,
  target: string,
  revision: string,
  signal: AbortSignal,
): Promise<LaunchedPrometheus> {
  io.err.write('Starting Prometheus, scraping the playground every second…\n');
  const prom = await launchPrometheus({ bin, targets: [target], scrapeIntervalS: 1, signal });
  try {
    io.err.write(
      `${io.colors().successIcon} Prometheus up: ${prom.url} (pid ${prom.pid}, data in ${printable(prom.dir)}); ` +
        `the playground sends ${DEMO_LOAD_RPS} requests/s to the service.\n`,
    );
    const client = new PrometheusClient({ url: prom.url, signal, attempts: 1 });
    const seen = `sum(kn_serving_invocation_duration_seconds_count{kn_revision_name="${revision}"})`;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (((await client.queryValue(seen).catch(() => undefined)) ?? 0) > 0) return prom;
      await pauseFor(500, signal);
    }
    io.err.write(`Prometheus has not seen ${revision} answer yet; the gates will wait for data.\n`);
    return prom;
  } catch (err) {
    await prom.stop();
    throw err;
  }
}

/** What the gates mean, before the rollout runs. */
export function explainGates(io: IOStreams): void {
  const c = io.colors();
  io.err.write(
    `\n${c.bold('Metric gates')}: during the ${DEMO_GATE_FLAGS.pause} pause at each traffic level, bgctl asks ` +
      `Prometheus every ${DEMO_GATE_FLAGS.gateInterval} how the candidate is doing compared with the stable ` +
      'revision, over the time since the split:\n' +
      `  ${DEMO_GATES[0]}   its share of 5xx answers at most one point above stable's\n` +
      `  ${DEMO_GATES[1]}    its 95th percentile latency at most twice stable's\n` +
      'Two failed evaluations in a row roll it back at once; the last evaluation of the pause decides.\n\n',
  );
}
