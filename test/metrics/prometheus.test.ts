// The Prometheus client against a real Prometheus scraping a static exporter (current Knative format), and
// against small lying or failing servers: typed samples, no data, series names, refused PromQL (exit 2),
// unreachable or failing servers (exit 7 after retries), shape checks, size bound, and the token never shown.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { AnalysisError, UsageError } from '../../src/core/errors.js';
import { PRESETS, pickPreset } from '../../src/core/gates/presets.js';
import { renderQuery } from '../../src/core/gates/query.js';
import { PrometheusClient } from '../../src/metrics/prometheus.js';
import { freePort, prometheusSkip, startPrometheus, type StartedPrometheus } from '../helpers/prometheus.js';
import { startExporter, type Exporter } from './exporter.js';
import { waitForValue } from './wait.js';

const TOKEN = 'prom-token-0123456789abcdef';
const knative = PRESETS.knative.queries;
const q = (template: string, revision: string) =>
  renderQuery(template, { namespace: 'default', service: 'hello', revision, windowMs: 60_000 });

describe('Prometheus client against a real Prometheus', { skip: prometheusSkip() }, () => {
  let exporter: Exporter;
  let prom: StartedPrometheus;
  let client: PrometheusClient;
  before(async () => {
    exporter = await startExporter(
      [
        { namespace: 'default', service: 'hello', revision: 'hello-00001', ok: 10, errors: 0, latencyS: 0.02 },
        { namespace: 'default', service: 'hello', revision: 'hello-00002', ok: 6, errors: 4, latencyS: 0.8 },
      ],
      'knative',
    );
    prom = await startPrometheus({ targets: [exporter.target], scrapeIntervalS: 1 });
    client = new PrometheusClient({ url: prom.url, token: TOKEN });
    for (const rev of ['hello-00001', 'hello-00002'])
      await waitForValue(client, q(knative.requests, rev), (v) => v !== undefined && v >= 20);
  });
  after(async () => {
    await prom?.stop();
    await exporter?.close();
  });

  test('an instant vector comes back as typed samples with their labels', async () => {
    const r = await client.query('kn_serving_invocation_duration_seconds_count{kn_revision_name="hello-00002"}');
    assert.equal(r?.resultType, 'vector');
    const samples = r?.resultType === 'vector' ? r.samples : [];
    assert.deepEqual(samples.map((s) => s.labels.http_response_status_code).sort(), ['200', '500']);
    for (const s of samples) assert.equal(typeof s.value, 'number');
  });

  test("the preset's measures: error rate, latency quantiles in ms, request count", async () => {
    assert.equal(await client.queryValue(q(knative['error-rate'], 'hello-00001')), 0);
    const errors = await client.queryValue(q(knative['error-rate'], 'hello-00002'));
    assert.ok(errors !== undefined && Math.abs(errors - 40) < 1, `error-rate ${errors}`);
    const p99ok = await client.queryValue(q(knative['latency-p99'], 'hello-00001'));
    assert.ok(p99ok !== undefined && p99ok > 10 && p99ok <= 25, `p99 ${p99ok}`);
    const p99bad = await client.queryValue(q(knative['latency-p99'], 'hello-00002'));
    assert.ok(p99bad !== undefined && p99bad > 500 && p99bad <= 1000, `p99 ${p99bad}`);
  });

  test('no data is undefined: an empty vector, a NaN scalar, a revision without requests', async () => {
    assert.equal(await client.query(q(knative.requests, 'hello-00009')), undefined);
    assert.equal(await client.queryValue(q(knative['error-rate'], 'hello-00009')), undefined);
    assert.equal(await client.query('scalar(vector(0) / 0)'), undefined);
    assert.deepEqual(await client.query('scalar(vector(2))'), { resultType: 'scalar', value: 2 });
  });

  test('seriesNames lists the Knative series, so auto picks the knative preset', async () => {
    const names = await client.seriesNames();
    assert.ok(names.includes('kn_serving_invocation_duration_seconds_count'));
    assert.equal(pickPreset(names), 'knative');
  });

  test('bad PromQL is a UsageError (exit 2) naming the query; a range vector or many series too', async () => {
    await assert.rejects(client.validate('sum(rate(x[5m]'), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.exitCode, 2);
      assert.equal(err.reason, 'InvalidPromQL');
      assert.match(err.message, /sum\(rate\(x\[5m\]/);
      return true;
    });
    await assert.rejects(client.validate('kn_serving_invocation_duration_seconds_count[1m]'), /returns a matrix/);
    await assert.rejects(client.validate('kn_serving_invocation_duration_seconds_count'), /series, not one number/);
  });
});

/** A local server answering every request with `answer`, recording what it was sent. */
async function fakeServer(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => answer(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('Prometheus client against failing and lying servers', () => {
  const fast = { attempts: 3, backoffMs: 1, timeoutMs: 2000 };

  test('nobody listening: AnalysisError (exit 7) after the retries, naming the URL without user:password', async () => {
    const port = await freePort();
    const client = new PrometheusClient({ url: `http://bob:hunter22@127.0.0.1:${port}`, token: TOKEN, ...fast });
    await assert.rejects(client.query('up'), (err: unknown) => {
      assert.ok(err instanceof AnalysisError);
      assert.equal(err.exitCode, 7);
      assert.equal(err.reason, 'PrometheusUnavailable');
      assert.match(
        err.message,
        new RegExp(`Prometheus at http://127\\.0\\.0\\.1:${port} could not be queried \\(3 tries\\)`),
      );
      assert.match(err.message, /ECONNREFUSED/);
      assert.doesNotMatch(err.message + err.hint, /hunter22|bob|prom-token/);
      return true;
    });
  });

  test('5xx is retried, then exit 7; the token is sent on each try and never appears in the error or trace', async () => {
    const srv = await fakeServer((_req, res) =>
      json(res, 503, { status: 'error', errorType: 'unavailable', error: `boom Bearer ${TOKEN}` }),
    );
    const trace: string[] = [];
    try {
      const client = new PrometheusClient({ url: srv.url, token: TOKEN, ...fast, trace: (l) => trace.push(l) });
      await assert.rejects(client.query('up'), (err: unknown) => {
        assert.ok(err instanceof AnalysisError);
        assert.match(err.message, /HTTP 503: boom/);
        assert.doesNotMatch(err.message, new RegExp(TOKEN));
        return true;
      });
      assert.equal(srv.seen.length, 3);
      for (const h of srv.seen) assert.equal(h.authorization, `Bearer ${TOKEN}`);
      assert.ok(trace.length >= 3);
      assert.doesNotMatch(trace.join('\n'), new RegExp(TOKEN));
    } finally {
      await srv.close();
    }
  });

  test('user:password in the URL becomes Basic auth, not a Bearer; a token wins over it', async () => {
    const srv = await fakeServer((_req, res) => json(res, 200, { status: 'success', data: ['up'] }));
    try {
      const withUser = srv.url.replace('http://', 'http://bob:hunter22@');
      await new PrometheusClient({ url: withUser, ...fast }).seriesNames();
      assert.equal(srv.seen[0].authorization, `Basic ${Buffer.from('bob:hunter22').toString('base64')}`);
      await new PrometheusClient({ url: withUser, token: TOKEN, ...fast }).seriesNames();
      assert.equal(srv.seen[1].authorization, `Bearer ${TOKEN}`);
    } finally {
      await srv.close();
    }
  });

  const lies: [string, (res: http.ServerResponse) => void, RegExp][] = [
    ['not JSON', (res) => res.writeHead(200).end('<html>login</html>'), /not JSON/],
    ['no status', (res) => json(res, 200, { data: [] }), /no "status"/],
    [
      'a bad sample value',
      (res) =>
        json(res, 200, {
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'abc'] }] },
        }),
      /not a number/,
    ],
    [
      'a label that is not a string',
      (res) =>
        json(res, 200, {
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: { a: 1 }, value: [1, '1'] }] },
        }),
      /label "a"/,
    ],
    [
      'an unknown result type',
      (res) => json(res, 200, { status: 'success', data: { resultType: 'table', result: [] } }),
      /unknown "resultType"/,
    ],
    ['a redirect', (res) => res.writeHead(302, { location: 'http://elsewhere.test/' }).end(), /redirected/],
    ['401', (res) => json(res, 401, {}), /refused the credentials/],
  ];
  for (const [what, answer, message] of lies) {
    test(`a server answering ${what}: a clear AnalysisError, not retried`, async () => {
      const srv = await fakeServer((_req, res) => answer(res));
      try {
        const client = new PrometheusClient({ url: srv.url, token: TOKEN, ...fast });
        await assert.rejects(client.query('up'), (err: unknown) => {
          assert.ok(err instanceof AnalysisError, String(err));
          assert.match(err.message, message);
          return true;
        });
        assert.equal(srv.seen.length, 1);
      } finally {
        await srv.close();
      }
    });
  }

  test('an answer larger than the bound is refused', async () => {
    const srv = await fakeServer((_req, res) =>
      json(res, 200, { status: 'success', data: Array(5000).fill('x'.repeat(100)) }),
    );
    try {
      const client = new PrometheusClient({ url: srv.url, ...fast, maxBytes: 64 * 1024 });
      await assert.rejects(client.seriesNames(), /too large: the answer is larger than 65536 bytes/);
    } finally {
      await srv.close();
    }
  });
});
