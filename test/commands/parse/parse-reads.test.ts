// Parse tests of the read verbs (status, revisions, url, history, verify): argv to their exact
// Options, defaults, BGCTL_INGRESS, usage errors.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpts, usage } from '../../helpers/parse-verb.js';
import type { StatusOptions } from '../../../src/commands/status/options.js';
import type { RevisionsOptions } from '../../../src/commands/revisions/options.js';
import type { UrlOptions } from '../../../src/commands/url/options.js';
import type { HistoryOptions } from '../../../src/commands/history/options.js';
import type { VerifyVerbOptions } from '../../../src/commands/verify/options.js';

describe('status options', () => {
  test('one service', async () => {
    const expected: StatusOptions = { service: 'hello', allNamespaces: false, chunkSize: undefined };
    assert.deepEqual(await parseOpts<StatusOptions>(['status', 'hello']), expected);
  });

  test("no service: the namespace's list; -A and --all-namespaces; --chunk-size", async () => {
    assert.deepEqual(await parseOpts<StatusOptions>(['status']), {
      service: undefined,
      allNamespaces: false,
      chunkSize: undefined,
    });
    assert.deepEqual(await parseOpts<StatusOptions>(['status', '-A']), {
      service: undefined,
      allNamespaces: true,
      chunkSize: undefined,
    });
    assert.deepEqual(await parseOpts<StatusOptions>(['status', '--all-namespaces', '--chunk-size', '50']), {
      service: undefined,
      allNamespaces: true,
      chunkSize: 50,
    });
  });

  test('SERVICE with -A is refused, with a hint', async () => {
    await assert.rejects(parseOpts(['status', 'hello', '-A']), (err: unknown) => {
      usage('ConflictingFlags', /SERVICE or -A/)(err);
      assert.match((err as { hint?: string }).hint ?? '', /-n NAMESPACE/);
      return true;
    });
  });

  test('an invalid service name is refused before any request', async () => {
    await assert.rejects(parseOpts(['status', 'Hello']), usage('InvalidName', /invalid service name "Hello"/));
  });

  test('--chunk-size outside 1..10000 is refused', async () => {
    for (const bad of ['0', '10001', '1.5', 'many']) {
      await assert.rejects(parseOpts(['status', '--chunk-size', bad]), usage('InvalidChunkSize', /--chunk-size/), bad);
    }
  });
});

describe('status --watch options', () => {
  const PROM = 'http://prometheus.test:9090';

  test('-w/--watch: interval 2s by default, no Prometheus unless given', async () => {
    const expected: StatusOptions = {
      service: 'hello',
      allNamespaces: false,
      chunkSize: undefined,
      watch: { intervalMs: 2000 },
    };
    assert.deepEqual(await parseOpts<StatusOptions>(['status', 'hello', '--watch']), expected);
    assert.deepEqual(await parseOpts<StatusOptions>(['status', 'hello', '-w']), expected);
    assert.deepEqual((await parseOpts<StatusOptions>(['status', 'hello', '-w', '--interval', '5s'])).watch, {
      intervalMs: 5000,
    });
  });

  test('--prometheus, else BGCTL_PROMETHEUS_URL (the flag wins); BGCTL_PROMETHEUS_TOKEN with either', async () => {
    const env = { BGCTL_PROMETHEUS_URL: 'https://prom.example/prometheus', BGCTL_PROMETHEUS_TOKEN: ' t0ken\n' };
    assert.deepEqual((await parseOpts<StatusOptions>(['status', 'hello', '-w', '--prometheus', PROM])).watch, {
      intervalMs: 2000,
      prometheus: PROM,
    });
    assert.deepEqual((await parseOpts<StatusOptions>(['status', 'hello', '-w'], env)).watch, {
      intervalMs: 2000,
      prometheus: env.BGCTL_PROMETHEUS_URL,
      token: 't0ken',
    });
    const flag = await parseOpts<StatusOptions>(['status', 'hello', '-w', '--prometheus', PROM], env);
    assert.equal(flag.watch?.prometheus, PROM);
    // Without --watch the variables change nothing: plain status never asks Prometheus.
    assert.equal((await parseOpts<StatusOptions>(['status', 'hello'], env)).watch, undefined);
  });

  test('usage errors: --interval or --prometheus without --watch, --watch without SERVICE, bad values', async () => {
    await assert.rejects(
      parseOpts(['status', 'hello', '--interval', '5s']),
      usage('ConflictingFlags', /--interval applies to the live view only/),
    );
    await assert.rejects(
      parseOpts(['status', 'hello', '--prometheus', PROM]),
      usage('ConflictingFlags', /--prometheus applies to the live view only/),
    );
    await assert.rejects(parseOpts(['status', '--watch']), usage('MissingArgument', /--watch needs SERVICE/));
    await assert.rejects(parseOpts(['status', 'hello', '-w', '-A']), usage('ConflictingFlags'));
    for (const bad of ['500ms', '0', '2', 'soon']) {
      await assert.rejects(
        parseOpts(['status', 'hello', '-w', '--interval', bad]),
        usage('InvalidDuration', /--interval/),
        bad,
      );
    }
    await assert.rejects(
      parseOpts(['status', 'hello', '-w', '--prometheus', 'ftp://x']),
      usage('InvalidPrometheusURL'),
    );
    await assert.rejects(
      parseOpts(['status', 'hello', '-w'], { BGCTL_PROMETHEUS_URL: PROM, BGCTL_PROMETHEUS_TOKEN: 'a\u0007b' }),
      usage('InvalidEnv', /BGCTL_PROMETHEUS_TOKEN.*not shown/),
    );
  });
});

describe('revisions options', () => {
  test('defaults and --chunk-size', async () => {
    const expected: RevisionsOptions = { service: 'hello', chunkSize: undefined };
    assert.deepEqual(await parseOpts<RevisionsOptions>(['revisions', 'hello']), expected);
    assert.deepEqual(await parseOpts<RevisionsOptions>(['revisions', 'hello', '--chunk-size', '10000']), {
      service: 'hello',
      chunkSize: 10000,
    });
    assert.deepEqual(await parseOpts<RevisionsOptions>(['revisions']), { service: undefined, chunkSize: undefined });
  });

  test('a bad --chunk-size is refused', async () => {
    await assert.rejects(parseOpts(['revisions', 'hello', '--chunk-size', '0']), usage('InvalidChunkSize'));
  });

  test('takes no -A', async () => {
    await assert.rejects(parseOpts(['revisions', '-A']), usage('UnknownOption', /'-A'/));
  });
});

describe('url options', () => {
  test("the main URL, or a tag's", async () => {
    const expected: UrlOptions = { service: 'hello', tag: undefined };
    assert.deepEqual(await parseOpts<UrlOptions>(['url', 'hello']), expected);
    assert.deepEqual(await parseOpts<UrlOptions>(['url', 'hello', '--tag', 'candidate']), {
      service: 'hello',
      tag: 'candidate',
    });
  });

  test("--tag without a value is commander's usage error", async () => {
    await assert.rejects(parseOpts(['url', 'hello', '--tag']), usage('MissingOptionValue', /--tag/));
  });
});

describe('history options', () => {
  test('only the service', async () => {
    const expected: HistoryOptions = { service: 'hello' };
    assert.deepEqual(await parseOpts<HistoryOptions>(['history', 'hello']), expected);
    assert.deepEqual(await parseOpts<HistoryOptions>(['history']), { service: undefined });
  });

  test('a second positional is refused', async () => {
    await assert.rejects(parseOpts(['history', 'hello', 'world']), usage('ExcessArguments'));
  });
});

describe('verify options', () => {
  const DEFAULT_CHECKS = { path: '/', requests: '10', expectStatus: '200', httpTimeout: '10s' };
  const verify = (...argv: string[]) => parseOpts<VerifyVerbOptions>(['verify', 'hello', ...argv]);

  test('defaults: 10 GETs of / expecting 200, 10s each, recorded', async () => {
    const expected: VerifyVerbOptions = { service: 'hello', tag: undefined, checks: DEFAULT_CHECKS, record: true };
    assert.deepEqual(await verify(), expected);
  });

  test('every flag reaches its field', async () => {
    const opts = await verify(
      '--tag',
      'v2',
      '--path',
      '/healthz?x=1',
      '--requests',
      '50',
      '--expect-status',
      '200,204',
      '--expect-body',
      'Hello',
      '--max-latency',
      '300ms',
      '--ingress',
      '127.0.0.1:8080',
      '--http-timeout',
      '2s',
      '--no-record',
    );
    const expected: VerifyVerbOptions = {
      service: 'hello',
      tag: 'v2',
      checks: {
        path: '/healthz?x=1',
        requests: '50',
        expectStatus: '200,204',
        expectBody: 'Hello',
        maxLatency: '300ms',
        ingress: '127.0.0.1:8080',
        httpTimeout: '2s',
      },
      record: false,
    };
    assert.deepEqual(opts, expected);
  });

  test('BGCTL_INGRESS fills --ingress; the flag wins; an empty --ingress falls back to it', async () => {
    const env = { BGCTL_INGRESS: '127.0.0.1:9000' };
    const withIngress = (ingress: string): VerifyVerbOptions => ({
      service: 'hello',
      tag: undefined,
      checks: { ...DEFAULT_CHECKS, ingress },
      record: true,
    });
    assert.deepEqual(await parseOpts(['verify', 'hello'], env), withIngress('127.0.0.1:9000'));
    assert.deepEqual(
      await parseOpts(['verify', 'hello', '--ingress', 'localhost:80'], env),
      withIngress('localhost:80'),
    );
    assert.deepEqual(await parseOpts(['verify', 'hello', '--ingress', ''], env), withIngress('127.0.0.1:9000'));
    assert.deepEqual(await parseOpts(['verify', 'hello'], { BGCTL_INGRESS: '' }), {
      service: 'hello',
      tag: undefined,
      checks: DEFAULT_CHECKS,
      record: true,
    });
  });

  test('a bad BGCTL_INGRESS is named as BGCTL_INGRESS; a bad --ingress as --ingress', async () => {
    await assert.rejects(
      parseOpts(['verify', 'hello'], { BGCTL_INGRESS: 'localhost' }),
      usage('InvalidIngress', /"localhost" for BGCTL_INGRESS/),
    );
    await assert.rejects(
      parseOpts(['verify', 'hello'], { BGCTL_INGRESS: 'h:70000' }),
      usage('InvalidIngress', /for BGCTL_INGRESS/),
    );
    await assert.rejects(verify('--ingress', 'h:0'), usage('InvalidIngress', /"h:0" for --ingress/));
  });

  test('bad checks are refused', async () => {
    await assert.rejects(verify('--path', 'http://x/'), usage('InvalidPath', /for --path/));
    await assert.rejects(verify('--requests', '10001'), usage('InvalidRequests', /--requests/));
    await assert.rejects(verify('--expect-status', '600'), usage('InvalidStatus', /--expect-status/));
    await assert.rejects(verify('--expect-body', '[a'), usage('InvalidRegex', /--expect-body/));
    await assert.rejects(verify('--max-latency', '1'), usage('InvalidDuration', /--max-latency/));
    await assert.rejects(verify('--http-timeout', '169h'), usage('InvalidDuration', /--http-timeout: at most 168h/));
  });

  test('--http-timeout 0 is refused (must be above 0)', async () => {
    await assert.rejects(
      verify('--http-timeout', '0'),
      usage('InvalidDuration', /--http-timeout must be longer than 0s/),
    );
  });
});
