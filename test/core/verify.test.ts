import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import {
  latencyStats,
  parseExpectStatus,
  parseIngress,
  parsePath,
  parseRequests,
  parseVerifyFlags,
  percentile,
  sampleProblems,
  statusAccepted,
  summarize,
  unreachable,
  type Sample,
} from '../../src/core/verify.js';

describe('verification flags', () => {
  const ok: Array<[string, () => unknown, unknown]> = [
    ['status code', () => parseExpectStatus('200').codes, [200]],
    ['status list', () => parseExpectStatus('200, 204').codes, [200, 204]],
    ['status class', () => parseExpectStatus('2xx').classes, [2]],
    ['status number', () => parseExpectStatus(301).codes, [301]],
    ['requests', () => parseRequests('25'), 25],
    ['requests number', () => parseRequests(3), 3],
    ['path', () => parsePath('/healthz?x=1'), '/healthz?x=1'],
    ['ingress', () => parseIngress('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080 }],
    ['ingress name', () => parseIngress('kourier.local:80'), { host: 'kourier.local', port: 80 }],
    ['ingress v6', () => parseIngress('[::1]:31080'), { host: '::1', port: 31080 }],
  ];
  for (const [name, fn, want] of ok) test(`accepts ${name}`, () => assert.deepEqual(fn(), want));

  const bad: Array<[string, () => unknown, RegExp]> = [
    ['status word', () => parseExpectStatus('ok'), /invalid value "ok" for --expect-status/],
    ['status 600', () => parseExpectStatus('600'), /--expect-status/],
    ['status empty item', () => parseExpectStatus('200,'), /--expect-status/],
    ['requests 0', () => parseRequests('0'), /must be a whole number from 1 to 10000/],
    ['requests fraction', () => parseRequests('1.5'), /--requests/],
    ['requests huge', () => parseRequests('10001'), /--requests/],
    ['requests negative', () => parseRequests('-3'), /--requests/],
    ['path without slash', () => parsePath('healthz'), /must be a path starting with "\/"/],
    ['path as URL', () => parsePath('//evil.example.com/'), /--path/],
    ['ingress without port', () => parseIngress('127.0.0.1'), /expected HOST:PORT/],
    ['ingress port 0', () => parseIngress('127.0.0.1:0'), /expected HOST:PORT/],
    ['ingress URL', () => parseIngress('http://127.0.0.1:80'), /expected HOST:PORT/],
    ['regex', () => parseVerifyFlags({ expectBody: '(' }), /invalid regular expression "\(" for --expect-body/],
    ['max latency', () => parseVerifyFlags({ maxLatency: 'fast' }), /invalid duration "fast" for --max-latency/],
    ['timeout 0', () => parseVerifyFlags({ httpTimeout: '0s' }), /--http-timeout must be longer than 0s/],
    ['env ingress', () => parseVerifyFlags({}, 'nope'), /for BGCTL_INGRESS/],
  ];
  for (const [name, fn, re] of bad) {
    test(`refuses ${name}`, () => {
      assert.throws(fn, (err: unknown) => err instanceof UsageError && re.test(err.message));
    });
  }

  test('defaults, and --ingress wins over BGCTL_INGRESS', () => {
    const d = parseVerifyFlags({});
    assert.equal(d.requests, 10);
    assert.equal(d.path, '/');
    assert.equal(d.expectStatus.text, '200');
    assert.equal(d.timeoutMs, 10_000);
    assert.equal(d.ingress, undefined);
    assert.deepEqual(parseVerifyFlags({}, '10.0.0.1:80').ingress, { host: '10.0.0.1', port: 80 });
    assert.deepEqual(parseVerifyFlags({ ingress: '127.0.0.1:9' }, '10.0.0.1:80').ingress, {
      host: '127.0.0.1',
      port: 9,
    });
    assert.equal(parseVerifyFlags({ maxLatency: '1s' }).maxLatencyMs, 1000);
  });
});

describe('checks and statistics', () => {
  test('status matching', () => {
    const m = parseExpectStatus('2xx,301');
    assert.equal(statusAccepted(m, 204), true);
    assert.equal(statusAccepted(m, 301), true);
    assert.equal(statusAccepted(m, 302), false);
    assert.equal(statusAccepted(m, 500), false);
  });

  const spec = { expectStatus: parseExpectStatus('200'), expectBody: /Hello/ };
  const cases: Array<[string, Sample, string[]]> = [
    ['pass', { status: 200, latencyMs: 5, body: 'Hello from x' }, []],
    ['wrong status', { status: 500, latencyMs: 5, body: 'Hello' }, ['status 500 (want 200)']],
    ['wrong body', { status: 200, latencyMs: 5, body: 'Bye' }, ['body does not match /Hello/']],
    ['both', { status: 503, latencyMs: 5, body: '' }, ['status 503 (want 200)', 'body does not match /Hello/']],
    [
      'refused',
      { latencyMs: 1, error: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:1' } },
      ['request failed: connect ECONNREFUSED 127.0.0.1:1'],
    ],
    [
      'timeout',
      { latencyMs: 10, error: { code: 'Timeout', message: 'no response within 10 ms' } },
      ['no response within 10 ms'],
    ],
  ];
  for (const [name, sample, want] of cases)
    test(`sample: ${name}`, () => assert.deepEqual(sampleProblems(sample, spec), want));

  test('nearest-rank percentiles', () => {
    const v = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    assert.equal(percentile(v, 50), 5);
    assert.equal(percentile(v, 95), 10);
    assert.equal(percentile(v, 90), 9);
    assert.equal(percentile([42], 95), 42);
    assert.equal(percentile([], 50), undefined);
    const many = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(many, 95), 95);
    assert.equal(percentile(many, 50), 50);
  });

  test('latency ignores transport errors and rounds', () => {
    const s: Sample[] = [
      { status: 200, latencyMs: 1.4 },
      { status: 200, latencyMs: 2.6 },
      { latencyMs: 900, error: { code: 'ECONNRESET', message: 'socket hang up' } },
    ];
    assert.deepEqual(latencyStats(s), { count: 2, minMs: 1, p50Ms: 1, p95Ms: 3, maxMs: 3 });
    assert.deepEqual(latencyStats([]), {
      count: 0,
      minMs: undefined,
      p50Ms: undefined,
      p95Ms: undefined,
      maxMs: undefined,
    });
  });
});

describe('verdict', () => {
  const ok = (latencyMs: number, revision = 'hello-00002'): Sample => ({
    status: 200,
    latencyMs,
    body: 'Hello',
    revision,
  });
  const spec = { expectStatus: parseExpectStatus('200') };

  test('all good', () => {
    const s = summarize([ok(1), ok(2), ok(3)], spec);
    assert.equal(s.passed, true);
    assert.deepEqual(s.reasons, []);
    assert.deepEqual(
      { requests: s.requests, succeeded: s.succeeded, failed: s.failed },
      { requests: 3, succeeded: 3, failed: 0 },
    );
    assert.deepEqual(s.statusCodes, { 200: 3 });
    assert.deepEqual(s.revisions, { 'hello-00002': 3 });
  });

  test('one failure fails the run; reasons are counted, most frequent first', () => {
    const s = summarize(
      [
        ok(1),
        { status: 500, latencyMs: 1, revision: 'r' },
        { status: 500, latencyMs: 1 },
        { status: 404, latencyMs: 1 },
      ],
      spec,
    );
    assert.equal(s.passed, false);
    assert.equal(s.failed, 3);
    assert.deepEqual(s.failures, [
      { reason: 'status 500 (want 200)', count: 2 },
      { reason: 'status 404 (want 200)', count: 1 },
    ]);
    assert.deepEqual(s.statusCodes, { 200: 1, 500: 2, 404: 1 });
    assert.deepEqual(s.reasons, ['3 of 4 requests failed']);
  });

  test('p95 above --max-latency fails even when every request passed', () => {
    const samples = [...Array.from({ length: 19 }, () => ok(10)), ok(2000)];
    assert.equal(summarize(samples, { ...spec, maxLatencyMs: 100 }).passed, true, 'p95 of 20 is the 19th value');
    const slow = [...Array.from({ length: 18 }, () => ok(10)), ok(2000), ok(2000)];
    const s = summarize(slow, { ...spec, maxLatencyMs: 100 });
    assert.equal(s.passed, false);
    assert.deepEqual(s.reasons, ['p95 latency 2s exceeds --max-latency 100ms']);
    assert.equal(s.failed, 0);
  });

  test('no samples is not a pass', () => {
    assert.equal(summarize([], spec).passed, false);
  });

  test('unreachable only when no request ever connected', () => {
    const refused: Sample = { latencyMs: 1, error: { code: 'ECONNREFUSED', message: 'refused' } };
    const dns: Sample = { latencyMs: 1, error: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x' } };
    const timeout: Sample = { latencyMs: 1, error: { code: 'Timeout', message: 'slow' } };
    assert.equal(unreachable([refused, dns]), true);
    assert.equal(unreachable([refused, timeout]), false);
    assert.equal(unreachable([refused, ok(1)]), false);
    assert.equal(unreachable([]), false);
  });
});
