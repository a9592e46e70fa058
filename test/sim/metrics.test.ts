// The playground's request metrics: the exposition text read back strictly (test/sim/exposition.ts), in Knative's
// current and 1.18 names, and what the ingress records for a revision's knobs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import {
  KNATIVE_1_19_HISTOGRAM,
  KNATIVE_HISTOGRAM,
  KNATIVE_LATENCY_BOUNDS_S,
  LEGACY_COUNTER,
  LEGACY_HISTOGRAM,
  LEGACY_LATENCY_BOUNDS_MS,
  RequestMetrics,
  type RevisionIdentity,
} from '../../src/sim/metrics.js';
import { EXPOSITION_CONTENT_TYPE } from '../../src/sim/metrics-server.js';
import { family, histogramSeries, parseExposition } from './exposition.js';
import { usePlayground } from '../helpers/playground.js';
import { ingressGet } from '../helpers/ingress.js';
import { untilChange } from './wait.js';

const HELLO: RevisionIdentity = {
  namespace: 'default',
  service: 'hello',
  configuration: 'hello',
  revision: 'hello-00001',
};

function get(address: string, path: string): Promise<{ status: number; type?: string; body: string }> {
  const [hostname, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port: Number(port), path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('request metrics exposition', () => {
  test('knative: one histogram in seconds with the kn_* labels on each series, upstream buckets', () => {
    const m = new RequestMetrics('knative');
    m.declare(HELLO);
    m.record(HELLO, 200, 0.003);
    m.record(HELLO, 200, 0.2);
    m.record(HELLO, 500, 12);
    const families = parseExposition(m.render());
    assert.deepEqual(
      families.map((f) => [f.name, f.type, f.help]),
      [[KNATIVE_HISTOGRAM, 'histogram', 'The duration of task execution']],
    );
    const series = histogramSeries(family(families, KNATIVE_HISTOGRAM));
    assert.deepEqual(
      series.map((s) => s.labels),
      ['200', '500'].map((code) => ({
        http_response_status_code: code,
        k8s_namespace_name: 'default',
        kn_configuration_name: 'hello',
        kn_revision_name: 'hello-00001',
        kn_service_name: 'hello',
      })),
    );
    const [ok, err] = series;
    assert.deepEqual(
      ok.buckets.map((b) => b.le),
      [...KNATIVE_LATENCY_BOUNDS_S, Infinity],
    );
    assert.equal(ok.count, 2);
    assert.equal(ok.buckets[0].count, 1, '3ms is in le=0.005');
    assert.equal(ok.buckets.find((b) => b.le === 0.25)!.count, 2);
    assert.ok(Math.abs(ok.sum - 0.203) < 1e-9);
    assert.equal(err.count, 1);
    assert.equal(err.buckets.find((b) => b.le === 10)!.count, 0, '12 s only in +Inf');
  });

  test('knative: a declared revision exposes its series at 0 before any request', () => {
    const m = new RequestMetrics('knative');
    m.declare(HELLO);
    const series = histogramSeries(family(parseExposition(m.render()), KNATIVE_HISTOGRAM));
    assert.deepEqual(
      series.map((s) => [s.labels.http_response_status_code, s.count, s.sum]),
      [
        ['200', 0, 0],
        ['500', 0, 0],
      ],
    );
    m.forget('default', 'hello-00001');
    assert.equal(
      m.render(),
      `# HELP ${KNATIVE_HISTOGRAM} The duration of task execution\n# TYPE ${KNATIVE_HISTOGRAM} histogram\n`,
    );
  });

  test('knative-1.19: the first name of the histogram, the same labels and buckets, whole seconds rounded down', () => {
    const m = new RequestMetrics('knative-1.19');
    m.record(HELLO, 200, 0.003);
    m.record(HELLO, 200, 0.999);
    m.record(HELLO, 200, 1.7);
    m.record(HELLO, 500, 2.9);
    const families = parseExposition(m.render());
    assert.deepEqual(
      families.map((f) => [f.name, f.type, f.help]),
      [[KNATIVE_1_19_HISTOGRAM, 'histogram', 'The duration of task execution']],
    );
    assert.equal(KNATIVE_1_19_HISTOGRAM, 'kn_queueproxy_app_duration_seconds');
    const [ok, err] = histogramSeries(family(families, KNATIVE_1_19_HISTOGRAM));
    assert.deepEqual(ok.labels, {
      http_response_status_code: '200',
      k8s_namespace_name: 'default',
      kn_configuration_name: 'hello',
      kn_revision_name: 'hello-00001',
      kn_service_name: 'hello',
    });
    assert.deepEqual(
      ok.buckets.map((b) => b.le),
      [...KNATIVE_LATENCY_BOUNDS_S, Infinity],
    );
    // 3 ms and 999 ms are recorded as 0 s (the first bucket), 1.7 s as 1 s, 2.9 s as 2 s.
    assert.equal(ok.count, 3);
    assert.equal(ok.buckets[0].count, 2);
    assert.equal(ok.buckets.find((b) => b.le === 0.75)!.count, 2);
    assert.equal(ok.buckets.find((b) => b.le === 1)!.count, 3);
    assert.equal(ok.sum, 1);
    assert.equal(err.buckets.find((b) => b.le === 1)!.count, 0);
    assert.equal(err.buckets.find((b) => b.le === 2.5)!.count, 1);
    assert.equal(err.sum, 2);
  });

  test("legacy: Knative 1.18's counter and millisecond histogram with its exact label set", () => {
    const m = new RequestMetrics('legacy');
    const standalone: RevisionIdentity = { namespace: 'ns', service: '', configuration: 'cfg', revision: 'cfg-00001' };
    m.record(HELLO, 200, 0.0079);
    m.record(HELLO, 503, 0.25);
    m.record(standalone, 200, 0.001);
    const families = parseExposition(m.render());
    assert.deepEqual(
      families.map((f) => [f.name, f.type, f.help]),
      [
        [LEGACY_COUNTER, 'counter', 'The number of requests that are routed to user-container'],
        [LEGACY_HISTOGRAM, 'histogram', 'The response time in millisecond'],
      ],
    );
    const counter = family(families, LEGACY_COUNTER).samples;
    assert.deepEqual(Object.keys(counter[0].labels).sort(), [
      'configuration_name',
      'container_name',
      'namespace_name',
      'pod_name',
      'response_code',
      'response_code_class',
      'revision_name',
      'service_name',
    ]);
    const hello503 = counter.find((s) => s.labels.revision_name === 'hello-00001' && s.labels.response_code === '503')!;
    assert.equal(hello503.value, 1);
    assert.equal(hello503.labels.response_code_class, '5xx');
    assert.equal(hello503.labels.container_name, 'queue-proxy');
    assert.match(hello503.labels.pod_name, /^hello-00001-deployment-[0-9a-f]{10}-[0-9a-f]{5}$/);
    assert.equal(counter.find((s) => s.labels.revision_name === 'cfg-00001')!.labels.service_name, 'unknown');

    const series = histogramSeries(family(families, LEGACY_HISTOGRAM));
    for (const s of series) {
      const c = counter.find((x) => JSON.stringify(x.labels) === JSON.stringify(s.labels));
      assert.equal(c?.value, s.count, 'the counter and the histogram count the same requests');
      assert.deepEqual(
        s.buckets.map((b) => b.le),
        [...LEGACY_LATENCY_BOUNDS_MS, Infinity],
      );
    }
    const ok = series.find((s) => s.labels.revision_name === 'hello-00001' && s.labels.response_code === '200')!;
    assert.equal(ok.sum, 7, 'whole milliseconds, as latency.Milliseconds()');
    assert.equal(ok.buckets[0].count, 0);
    assert.equal(ok.buckets[1].count, 1);
  });

  test('label values are escaped and read back unchanged', () => {
    const m = new RequestMetrics('knative');
    const odd = { ...HELLO, service: 'a"b\\c\nd' };
    m.record(odd, 200, 0.01);
    const [s] = histogramSeries(family(parseExposition(m.render()), KNATIVE_HISTOGRAM)).filter((x) => x.count);
    assert.equal(s.labels.kn_service_name, 'a"b\\c\nd');
  });
});

describe('the playground serves them', () => {
  const pg = usePlayground({ sample: 'hello' });

  test('GET /metrics: the Ready sample at 0 at once, then what the ingress answered, shaped by the knobs', async () => {
    const { metrics, ingress, registry } = pg.current;
    const first = await get(metrics, '/metrics');
    assert.equal(first.status, 200);
    assert.equal(first.type, EXPOSITION_CONTENT_TYPE);
    const zero = histogramSeries(family(parseExposition(first.body), KNATIVE_HISTOGRAM));
    assert.deepEqual(
      zero.map((s) => [s.labels.kn_revision_name, s.labels.http_response_status_code, s.count]),
      [
        ['hello-00001', '200', 0],
        ['hello-00001', '500', 0],
      ],
    );
    assert.equal((await get(metrics, '/')).status, 404);

    // A revision that fails every other request and holds each answer 50 ms.
    const svcDef = registry.resource('services', 'serving.knative.dev')!;
    const svc = registry.get(svcDef, 'default', 'hello');
    svc.spec.template.metadata = {
      annotations: { 'sim.bgctl.dev/error-rate': '0.5', 'sim.bgctl.dev/latency': '50ms' },
    };
    registry.update(svcDef, 'default', svc, { user: 'test' });
    await untilChange(
      registry,
      () => registry.get(svcDef, 'default', 'hello').status?.traffic?.[0]?.revisionName === 'hello-00002',
      'traffic on hello-00002',
    );
    for (let i = 0; i < 6; i++) await ingressGet(ingress, 'hello.default.example.com');
    assert.equal((await ingressGet(ingress, 'nope.default.example.com')).status, 404);

    const series = histogramSeries(family(parseExposition((await get(metrics, '/metrics')).body), KNATIVE_HISTOGRAM));
    const of = (rev: string, code: string) =>
      series.find((s) => s.labels.kn_revision_name === rev && s.labels.http_response_status_code === code)!;
    assert.equal(of('hello-00001', '200').count, 0, 'the old revision answered nothing');
    assert.equal(of('hello-00002', '200').count, 3);
    assert.equal(of('hello-00002', '500').count, 3);
    for (const code of ['200', '500']) {
      const s = of('hello-00002', code);
      assert.equal(s.buckets.find((b) => b.le === 0.025)!.count, 0, 'every answer took at least the 50 ms latency');
      assert.ok(s.sum >= 3 * 0.05 - 0.003);
    }
  });
});
