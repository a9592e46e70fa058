// Polls Prometheus until a query's value satisfies `ok` (scrapes land once a second): no fixed sleeps.
import type { PrometheusClient } from '../../src/metrics/prometheus.js';

export async function waitForValue(
  prom: PrometheusClient,
  promql: string,
  ok: (v: number | undefined) => boolean,
  timeoutMs = 30_000,
): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await prom.queryValue(promql);
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting on ${promql}: last value ${v}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
