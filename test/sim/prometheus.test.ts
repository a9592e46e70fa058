// The playground's metrics as a real Prometheus (Debian's package, 2.42) sees them: scraped every second, queried with
// the queries of docs/metric-gates.md's presets, in current and legacy Knative names, under the playground's load.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusSkip, startPrometheus } from '../helpers/prometheus.js';
import { waitForQuery } from '../helpers/prometheus-query.js';
import { nextScrape } from '../helpers/playground-metrics.js';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { untilChange } from './wait.js';

const skip = prometheusSkip();

/** Moves all traffic of hello to a new revision that fails half of its answers; resolves with its name. */
async function failingRevision(pg: Playground): Promise<string> {
  const def = pg.registry.resource('services', 'serving.knative.dev')!;
  const svc = pg.registry.get(def, 'default', 'hello');
  svc.spec.template.metadata = { annotations: { 'sim.bgctl.dev/error-rate': '0.5' } };
  pg.registry.update(def, 'default', svc, { user: 'test' });
  return untilChange(
    pg.registry,
    () => {
      const rev = pg.registry.get(def, 'default', 'hello').status?.traffic?.[0]?.revisionName;
      return rev && rev !== 'hello-00001' ? (rev as string) : undefined;
    },
    'traffic on the failing revision',
  );
}

for (const format of ['knative', 'legacy'] as const) {
  const requests =
    format === 'knative'
      ? (rev: string) =>
          `sum(increase(kn_serving_invocation_duration_seconds_count{k8s_namespace_name="default",kn_revision_name="${rev}"}[30s]))`
      : (rev: string) =>
          `sum(increase(revision_app_request_count{namespace_name="default",revision_name="${rev}"}[30s]))`;
  const errors =
    format === 'knative'
      ? (rev: string) =>
          `sum(increase(kn_serving_invocation_duration_seconds_count{k8s_namespace_name="default",kn_revision_name="${rev}",http_response_status_code=~"5.."}[30s]))`
      : (rev: string) =>
          `sum(increase(revision_app_request_count{namespace_name="default",revision_name="${rev}",response_code_class="5xx"}[30s]))`;
  const p99 =
    format === 'knative'
      ? `histogram_quantile(0.99, sum by (le) (rate(kn_serving_invocation_duration_seconds_bucket{kn_revision_name="hello-00001"}[30s])))`
      : `histogram_quantile(0.99, sum by (le) (rate(revision_app_request_latencies_bucket{revision_name="hello-00001"}[30s])))`;

  describe(`a real Prometheus scraping the playground (${format} names)`, { skip }, () => {
    test('requests, 5xx answers and latency quantiles appear under --load', async () => {
      const pg = await startPlayground({ sample: 'hello', load: 20, metricsFormat: format });
      const prom = await startPrometheus({ targets: [pg.metrics], scrapeIntervalS: 1 }).catch(async (err) => {
        await pg.stop();
        throw err;
      });
      try {
        const next = nextScrape(pg);
        assert.ok((await waitForQuery(prom.url, requests('hello-00001'), (v) => (v ?? 0) > 0, next))! > 0);
        const quantile = await waitForQuery(prom.url, p99, (v) => v !== undefined && Number.isFinite(v), next);
        assert.ok(quantile! >= 0);
        const bad = await failingRevision(pg);
        assert.ok((await waitForQuery(prom.url, errors(bad), (v) => (v ?? 0) > 0, next))! > 0, 'the 5xx are counted');
      } finally {
        await prom.stop();
        await pg.stop();
      }
    });
  });
}
