// `bgctl analyze` against the playground (the Services and their rollout records) and a real Prometheus
// scraping a static exporter in the current and the legacy Knative format: healthy and failing candidates,
// no data, a custom query, the legacy preset, refused PromQL (exit 2) and Prometheus down (exit 7), both
// before any output, and the token never printed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { PRESETS } from '../../src/core/gates/presets.js';
import { renderQuery } from '../../src/core/gates/query.js';
import { PrometheusClient } from '../../src/metrics/prometheus.js';
import { runBin, runCli } from '../helpers/cli.js';
import { usePlayground } from '../helpers/playground.js';
import { freePort, prometheusSkip, startPrometheus, type StartedPrometheus } from '../helpers/prometheus.js';
import { startExporter, type ExportedRevision, type Exporter } from '../metrics/exporter.js';
import { waitForValue } from '../metrics/wait.js';
import { applyIntent, createService, stagedService, waitFor } from './read-setup.js';

const TOKEN = 'analyze-token-0123456789abcdef';
const rev = (service: string, n: number, ok: number, errors: number, latencyS: number): ExportedRevision => ({
  namespace: 'default',
  service,
  revision: `${service}-0000${n}`,
  ok,
  errors,
  latencyS,
});

describe('bgctl analyze', { skip: prometheusSkip() }, () => {
  const pg = usePlayground();
  let current: Exporter;
  let legacy: Exporter;
  let prom: StartedPrometheus;
  const env = () => ({
    KUBECONFIG: pg.current.kubeconfigPath,
    BGCTL_PROMETHEUS_URL: prom.url,
    BGCTL_PROMETHEUS_TOKEN: TOKEN,
  });
  const analyze = (args: string[], extraEnv: Record<string, string> = {}) =>
    runCli(['analyze', ...args], { env: { ...env(), ...extraEnv } });

  before(async () => {
    // hello: its candidate answers 40% 5xx and slowly; good: a healthy candidate; quiet: no metrics at all.
    current = await startExporter(
      [
        rev('hello', 1, 10, 0, 0.02),
        rev('hello', 2, 6, 4, 0.8),
        rev('good', 1, 10, 0, 0.02),
        rev('good', 2, 10, 0, 0.03),
        rev('promoted', 1, 10, 0, 0.02),
        rev('promoted', 2, 6, 4, 0.8),
      ],
      'knative',
    );
    legacy = await startExporter([rev('old', 1, 10, 0, 0.02), rev('old', 2, 5, 5, 0.02)], 'legacy');
    prom = await startPrometheus({ targets: [current.target, legacy.target], scrapeIntervalS: 1 });
    for (const name of ['hello', 'good', 'quiet', 'old', 'promoted']) await stagedService(pg.current, name);
    // promoted: its (failing) candidate took 100%, the old revision stays tagged `previous` at 0%.
    await applyIntent(pg.current, 'promoted', { kind: 'promote' });
    const client = new PrometheusClient({ url: prom.url });
    const wait = async (preset: 'knative' | 'knative-legacy', revision: string) =>
      waitForValue(
        client,
        renderQuery(PRESETS[preset].queries.requests, {
          namespace: 'default',
          service: '',
          revision,
          windowMs: 60_000,
        }),
        (v) => v !== undefined && v >= 20,
      );
    for (const r of ['hello-00001', 'hello-00002', 'good-00001', 'good-00002', 'promoted-00001', 'promoted-00002'])
      await wait('knative', r);
    for (const r of ['old-00001', 'old-00002']) await wait('knative-legacy', r);
  });
  after(async () => {
    await prom?.stop();
    await current?.close();
    await legacy?.close();
  });

  test('a failing candidate: exit 3, one Analysis document naming the crossed thresholds', async () => {
    const r = await analyze([
      'hello',
      '--window',
      '1m',
      '--gate',
      'error-rate<5%',
      '--gate',
      'latency-p99<=stable*2',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.apiVersion, 'bgctl.dev/v1');
    assert.equal(doc.kind, 'Analysis');
    assert.equal(doc.service, 'hello');
    assert.equal(doc.preset, 'knative');
    assert.equal(doc.windowSeconds, 60);
    assert.equal(doc.stableRevision, 'hello-00001');
    assert.equal(doc.rolloutCandidate, 'hello-00002');
    assert.deepEqual(
      doc.revisions.map((x: any) => [x.name, x.role, x.percent, x.tags]),
      [
        ['hello-00001', 'stable', 100, ['stable']],
        ['hello-00002', 'candidate', 0, ['candidate']],
      ],
    );
    const [stable, cand] = doc.revisions;
    assert.equal(stable.errorRate, 0);
    assert.ok(Math.abs(cand.errorRate - 40) < 1, `candidate error rate ${cand.errorRate}`);
    assert.ok(cand.requests >= 20, JSON.stringify(cand));
    // The rate is over the whole window: requests / 60 s.
    assert.ok(Math.abs(cand.requestRate - cand.requests / 60) < 0.05, JSON.stringify(cand));
    assert.ok(
      cand.latencyMs.p99 > 500 && stable.latencyMs.p99 < 30,
      JSON.stringify([stable.latencyMs, cand.latencyMs]),
    );
    assert.deepEqual(
      doc.gates.map((g: any) => [g.gate, g.revision, g.verdict, g.reason, g.stableRevision]),
      [
        // An open rollout: the stable revision by the absolute gates too, the candidate by every gate against it.
        ['error-rate<5%', 'hello-00001', 'pass', undefined, undefined],
        ['error-rate<5%', 'hello-00002', 'fail', 'ThresholdCrossed', 'hello-00001'],
        ['latency-p99<=stable*2', 'hello-00002', 'fail', 'ThresholdCrossed', 'hello-00001'],
      ],
    );
    assert.equal(doc.verdict, 'fail');
    assert.match(r.stderr, /Error: 2 gates failed on service "hello": error-rate of hello-00002 is 40/);
  });

  test('a healthy candidate: exit 0 and a table of revisions and gates', async () => {
    const r = await analyze(['good', '--window', '1m', '--gate', 'error-rate<=stable+1%', '--gate', 'requests>=20']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^Service: good \(namespace default\)$/);
    assert.match(r.stdout, /REVISION\s+ROLE\s+TAGS\s+TRAFFIC\s+REQUESTS\s+RATE\s+ERRORS\s+P50\s+P95\s+P99/);
    assert.match(r.stdout, /good-00002\s+candidate\s+candidate\s+0%\s+\d+\s+[\d.]+\/s\s+0%/);
    assert.match(r.stdout, /error-rate<=stable\+1%\s+good-00002\s+0%\s+1%\s+0% \(good-00001\)\s+pass/);
    assert.match(r.stdout, /requests>=20\s+good-00002\s+\d+\s+20\s+-?.*pass/);
    assert.match(r.stdout, /Verdict: pass\n$/);
  });

  test('no data is never a pass: InsufficientData naming the series, exit 3', async () => {
    const r = await analyze(['quiet', '--window', '1m', '--gate', 'error-rate<5%', '-o', 'json']);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.revisions.map((x: any) => x.requests),
      [null, null],
    );
    const cand = doc.gates.find((g: any) => g.revision === 'quiet-00002');
    assert.equal(cand.verdict, 'fail');
    assert.equal(cand.reason, 'InsufficientData');
    assert.match(
      cand.message,
      /quiet-00002 saw 0 requests in kn_serving_invocation_duration_seconds_count, needs at least 10/,
    );
    assert.match(r.stderr, /Hint: too little traffic to judge/);
  });

  test('a custom query as a measure and a gate', async () => {
    const query =
      'fivexx=sum(increase(kn_serving_invocation_duration_seconds_count{kn_revision_name="{{revision}}",http_response_status_code="500"}[{{window}}])) or vector(0)';
    const r = await analyze(['hello', '--window', '1m', '--gate-query', query, '--gate', 'fivexx<1', '-o', 'json']);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.revisions[0].custom.fivexx, 0);
    assert.ok(doc.revisions[1].custom.fivexx >= 8, JSON.stringify(doc.revisions[1]));
    assert.deepEqual(
      doc.gates.map((g: any) => [g.gate, g.revision, g.verdict, g.reason]),
      [
        ['fivexx<1', 'hello-00001', 'pass', undefined],
        ['fivexx<1', 'hello-00002', 'fail', 'ThresholdCrossed'],
      ],
    );
  });

  test('after a promote the revision serving 100% is judged; the 0% `previous` is shown, not judged', async () => {
    const r = await analyze(['promoted', '--window', '1m', '--gate', 'error-rate<2%', '-o', 'json']);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(
      doc.revisions.map((x: any) => [x.name, x.role, x.percent, x.tags]),
      [
        ['promoted-00002', 'stable', 100, ['candidate']],
        ['promoted-00001', 'other', 0, ['previous']],
      ],
    );
    assert.deepEqual(
      doc.gates.map((g: any) => [g.gate, g.revision, g.verdict, g.reason]),
      [['error-rate<2%', 'promoted-00002', 'fail', 'ThresholdCrossed']],
    );
    assert.equal(doc.verdict, 'fail');
  });

  test('gates given and nothing with traffic: verdict fail, exit 3 InsufficientData (never a silent pass)', async () => {
    await createService(pg.current, 'dark', { annotations: { 'sim.bgctl.dev/fail': 'ContainerMissing' }, wait: false });
    await waitFor(pg.current, 'services', 'dark', (o) =>
      o.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'False'),
    );
    const json = await analyze(['dark', '--window', '1m', '--gate', 'error-rate<2%', '-o', 'json']);
    assert.equal(json.code, 3, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.verdict, 'fail');
    assert.equal(doc.reason, 'InsufficientData');
    assert.deepEqual(doc.gates, []);
    assert.match(json.stderr, /no gate could judge service "dark": nothing was judged: no revision has traffic/);
    const table = await analyze(['dark', '--window', '1m', '--gate', 'error-rate<2%']);
    assert.equal(table.code, 3, table.stderr);
    assert.match(table.stdout, /Verdict: fail \(nothing was judged: no revision has traffic\)/);
    const none = await analyze(['dark', '--window', '1m', '-o', 'json']);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(JSON.parse(none.stdout).verdict, 'none');
  });

  test('the legacy metric names with --metrics-preset knative-legacy', async () => {
    const r = await analyze([
      'old',
      '--window',
      '1m',
      '--metrics-preset',
      'knative-legacy',
      '--gate',
      'error-rate<10%',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.preset, 'knative-legacy');
    assert.ok(Math.abs(doc.revisions[1].errorRate - 50) < 1, JSON.stringify(doc.revisions[1]));
    assert.ok(doc.revisions[0].latencyMs.p50 > 5 && doc.revisions[0].latencyMs.p50 <= 25);
    assert.equal(doc.gates.find((g: any) => g.revision === 'old-00002').reason, 'ThresholdCrossed');
  });

  test('PromQL Prometheus refuses: exit 2 naming the query, nothing on stdout', async () => {
    const r = await analyze([
      'hello',
      '--gate-query',
      'bad=sum(rate(x{r="{{revision}}"}[{{window}}])',
      '--gate',
      'bad<1',
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /Error: Prometheus refused the query "sum\(rate\(x\{r="hello-00002"\}\[300s\]\)": .*parse error/,
    );
  });

  test('Prometheus down: exit 7 naming the URL without credentials, nothing on stdout, the token never shown', async () => {
    const port = await freePort();
    const r = await runCli(
      [
        'analyze',
        'hello',
        '--verbose',
        '--gate',
        'error-rate<5%',
        '--prometheus',
        `http://bob:hunter22@127.0.0.1:${port}`,
      ],
      { env: { KUBECONFIG: pg.current.kubeconfigPath, BGCTL_PROMETHEUS_TOKEN: TOKEN } },
    );
    assert.equal(r.code, 7, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      new RegExp(`Error: Prometheus at http://127\\.0\\.0\\.1:${port} could not be queried \\(3 tries\\)`),
    );
    assert.match(r.stderr, /try 3 failed/);
    assert.doesNotMatch(r.stderr, /hunter22|analyze-token/);
  });

  test('--verbose traces every Prometheus request, never the token', async () => {
    const r = await analyze(['good', '--verbose', '--window', '1m', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Prometheus POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query -> 200/);
    assert.doesNotMatch(r.stderr + r.stdout, new RegExp(TOKEN));
    assert.equal(JSON.parse(r.stdout).verdict, 'none');
  });
});

describe('bgctl analyze: credentials in a rejected URL or token never printed', () => {
  const secret = 'Hunter22secret';
  const malformed = [`bob:${secret}@h:9090`, `//bob:${secret}@h:9090`, `http//bob:${secret}@h`];
  const everyWay = async (run: (extra: string[], env: Record<string, string>) => Promise<void>) => {
    for (const debug of [{}, { BGCTL_DEBUG: '1' }] as Record<string, string>[]) {
      for (const output of [[], ['-o', 'json']]) await run(output, debug);
    }
  };

  test('a malformed --prometheus or BGCTL_PROMETHEUS_URL with user:password: exit 2, no password anywhere', async () => {
    for (const url of malformed) {
      await everyWay(async (extra, env) => {
        for (const r of [
          await runCli(['analyze', 'hello', '--prometheus', url, ...extra], { env }),
          await runCli(['analyze', 'hello', ...extra], { env: { ...env, BGCTL_PROMETHEUS_URL: url } }),
        ]) {
          assert.equal(r.code, 2, `${url}: ${r.stderr}`);
          assert.match(r.stderr + r.stdout, /InvalidPrometheusURL|InvalidEnv|invalid (--prometheus|BGCTL)/);
          assert.doesNotMatch(r.stderr + r.stdout, new RegExp(secret), `${url} ${extra} ${JSON.stringify(env)}`);
          assert.doesNotMatch(r.stderr + r.stdout, /bob:/);
        }
      });
    }
  });

  test('a stray % in the URL password: exit 2 at parse time (not "URI malformed"), password not printed', async () => {
    await everyWay(async (extra, env) => {
      const r = await runCli(['analyze', 'hello', '--prometheus', 'http://bob:%zzpw1234@host/', ...extra], { env });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr + r.stdout, /not valid %-encoding/);
      assert.doesNotMatch(r.stderr + r.stdout, /zzpw1234|URI malformed/);
    });
  });

  test('a token with control characters inside: exit 2, the token never printed', async () => {
    await everyWay(async (extra, env) => {
      const r = await runCli(['analyze', 'hello', '--prometheus', 'http://h:9090', ...extra], {
        env: { ...env, BGCTL_PROMETHEUS_TOKEN: 'tok-abc\u0007defghij\n' },
      });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr + r.stdout, /BGCTL_PROMETHEUS_TOKEN: it contains control characters/);
      assert.doesNotMatch(r.stderr + r.stdout, /abc|defghij/);
    });
  });
});

describe('bgctl analyze against a stub Prometheus', () => {
  const pg = usePlayground();
  before(async () => {
    await stagedService(pg.current, 'stubbed');
  });

  /** A server answering every request with `status` and the JSON `body`. */
  async function stub(status: number, body: unknown): Promise<{ url: string; close: () => void }> {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
  }

  test('a built-in query refused (400) or answered with a matrix: exit 7 (incompatible), not exit 2', async () => {
    const answers: [number, unknown][] = [
      [400, { status: 'error', errorType: 'bad_data', error: 'parse error: unknown function histogram_quantile' }],
      [200, { status: 'success', data: { resultType: 'matrix', result: [] } }],
    ];
    for (const [status, body] of answers) {
      const server = await stub(status, body);
      try {
        const r = await runCli(
          ['analyze', 'stubbed', '--metrics-preset', 'knative', '--gate', 'error-rate<2%', '--prometheus', server.url],
          { env: { KUBECONFIG: pg.current.kubeconfigPath } },
        );
        assert.equal(r.code, 7, r.stderr);
        assert.match(r.stderr, /cannot run a built-in query of bgctl/);
        assert.doesNotMatch(r.stderr, /--gate-query/);
        assert.equal(r.stdout, '');
      } finally {
        server.close();
      }
    }
  });

  test('the first failed query aborts the others in flight and queued: no retry, no request after it', async () => {
    // Holds every query until 4 (the client's concurrency) are in flight, then refuses the first with 401 and
    // never answers the others: only an abort ends them, and any request arriving later is a retry or a queued job.
    const held: http.ServerResponse[] = [];
    let refused = false;
    let late = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      if (refused) late++;
      held.push(res);
      if (held.length === 4 && !refused) {
        refused = true;
        held[0].writeHead(401, { 'content-type': 'application/json' }).end('{"status":"error"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const r = await runBin(
        [
          'analyze',
          'stubbed',
          '--metrics-preset',
          'knative',
          '--gate',
          'error-rate<2%',
          '--prometheus',
          `http://127.0.0.1:${port}`,
        ],
        { env: { KUBECONFIG: pg.current.kubeconfigPath }, timeoutMs: 120_000 },
      );
      assert.equal(r.code, 7, r.stderr);
      assert.match(r.stderr, /refused the credentials \(HTTP 401\)/);
      assert.equal(late, 0, 'no query was sent after the first failure');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
