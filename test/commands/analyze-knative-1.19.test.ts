// `bgctl analyze` with `--metrics-preset auto` against a real Prometheus scraping the playground in the form of
// Knative v1.19.0–v1.19.7 and v1.20.0 (--metrics-format knative-1.19): auto picks the knative-1.19 preset, the
// request counts and error rates come through it, and the whole-second latencies are read as they are, with the
// warning that says what they are worth.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PRESETS } from '../../src/core/gates/presets.js';
import { renderQuery } from '../../src/core/gates/query.js';
import { runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { prometheusSkip, startPrometheus, type StartedPrometheus } from '../helpers/prometheus.js';
import { queryValue, waitForQuery } from '../helpers/prometheus-query.js';
import { createService, waitFor } from './read-setup.js';

describe('bgctl analyze: Knative v1.19.0–v1.19.7 metric names, picked by auto', { skip: prometheusSkip() }, () => {
  const pg = usePlayground({ metricsFormat: 'knative-1.19', load: 20 });
  let prom: StartedPrometheus;
  const nextScrape = (): Promise<void> =>
    new Promise((resolve) => {
      const off = pg.current.metricsServer.onScrape(() => {
        off();
        resolve();
      });
    });
  const requests = (revision: string) =>
    renderQuery(PRESETS['knative-1.19'].queries.requests, {
      namespace: 'default',
      service: '',
      revision,
      windowMs: 60_000,
    });

  before(async () => {
    // v119-00001 answers at once; v119-00002, half of the traffic, fails every other answer after 300 ms.
    await createService(pg.current, 'v119');
    const def = pg.current.registry.resource('services', 'serving.knative.dev')!;
    const svc = pg.current.registry.get(def, 'default', 'v119');
    svc.spec.template.metadata = {
      annotations: { 'sim.bgctl.dev/error-rate': '0.5', 'sim.bgctl.dev/latency': '300ms' },
    };
    svc.spec.traffic = [
      { revisionName: 'v119-00001', percent: 50 },
      { latestRevision: true, percent: 50 },
    ];
    pg.current.registry.update(def, 'default', svc, { user: 'test' });
    await waitFor(pg.current, 'services', 'v119', (o) =>
      o.status?.traffic?.some((t: any) => t.revisionName === 'v119-00002' && t.percent === 50),
    );
    prom = await startPrometheus({ targets: [pg.current.metrics], scrapeIntervalS: 1 });
    for (const rev of ['v119-00001', 'v119-00002'])
      await waitForQuery(prom.url, requests(rev), (v) => (v ?? 0) >= 20, nextScrape);
  });
  after(async () => {
    await prom?.stop();
  });

  test('only kn_queueproxy_app_duration_seconds exists; auto picks knative-1.19 and the values come through it', async () => {
    // The preset the other presets would need is absent: auto cannot have picked by accident.
    assert.equal(await queryValue(prom.url, 'count(kn_serving_invocation_duration_seconds_count)'), undefined);
    assert.ok((await queryValue(prom.url, 'count(kn_queueproxy_app_duration_seconds_count)'))! > 0);

    const r = await runCli(
      ['analyze', 'v119', '--window', '1m', '--gate', 'error-rate<5%', '--gate', 'latency-p99<200ms', '-o', 'json'],
      { env: { KUBECONFIG: pg.current.kubeconfigPath, BGCTL_PROMETHEUS_URL: prom.url } },
    );
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.preset, 'knative-1.19');
    assert.equal(doc.stableRevision, 'v119-00001');
    const [stable, cand] = doc.revisions;
    assert.deepEqual([stable.name, stable.percent, cand.name, cand.percent], ['v119-00001', 50, 'v119-00002', 50]);
    assert.ok(stable.requests >= 20 && cand.requests >= 20, JSON.stringify(doc.revisions));
    assert.equal(stable.errorRate, 0);
    assert.ok(Math.abs(cand.errorRate - 50) < 5, `candidate error rate ${cand.errorRate}`);
    // 300 ms answers are recorded as 0 s: in the first bucket (le 5 ms), so the p99 reads 4.95 ms.
    assert.ok(cand.latencyMs.p99 > 0 && cand.latencyMs.p99 <= 5, JSON.stringify(cand.latencyMs));
    assert.deepEqual(
      doc.gates.map((g: any) => [g.gate, g.revision, g.verdict, g.reason]),
      [
        ['error-rate<5%', 'v119-00001', 'pass', undefined],
        ['latency-p99<200ms', 'v119-00001', 'pass', undefined],
        ['error-rate<5%', 'v119-00002', 'fail', 'ThresholdCrossed'],
        // The caveat the warning states: a latency gate under 1 s cannot fail on whole seconds.
        ['latency-p99<200ms', 'v119-00002', 'pass', undefined],
      ],
    );
    assert.match(
      r.stderr,
      /Warning: Knative v1\.19\.0-v1\.19\.7 and v1\.20\.0 record request durations in whole seconds/,
    );
    assert.match(r.stderr, /a latency gate under 1s cannot fail \(fixed in v1\.19\.9 and v1\.20\.2\)/);
  });

  test('an insufficient revision names the knative-1.19 request series', async () => {
    const r = await runCli(['analyze', 'v119', '--window', '1m', '--gate', 'requests>=100000', '-o', 'json'], {
      env: { KUBECONFIG: pg.current.kubeconfigPath, BGCTL_PROMETHEUS_URL: prom.url },
    });
    assert.equal(r.code, 3, r.stderr);
    const gate = JSON.parse(r.stdout).gates.find((g: any) => g.revision === 'v119-00002');
    assert.equal(gate.reason, 'InsufficientData');
    assert.match(gate.message, /in kn_queueproxy_app_duration_seconds_count, needs at least 100000/);
  });
});
