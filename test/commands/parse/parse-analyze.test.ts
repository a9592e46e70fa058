// Parse tests of `bgctl analyze`: every flag reaches its field, the environment fallbacks, and the usage errors
// (exit 2) of bad URLs, windows, presets, gates, queries and gates files, all before any request.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseOpts, usage } from '../../helpers/parse-verb.js';
import type { AnalyzeOptions } from '../../../src/commands/analyze/options.js';

const URL_ = 'http://prometheus.test:9090';

describe('analyze options', () => {
  test('defaults: window 5m, preset auto, no gates; the URL from --prometheus', async () => {
    const expected: AnalyzeOptions = {
      service: 'hello',
      prometheus: URL_,
      windowMs: 300_000,
      preset: 'auto',
      gates: { gates: [], queries: [] },
    };
    assert.deepEqual(await parseOpts<AnalyzeOptions>(['analyze', 'hello', '--prometheus', URL_]), expected);
  });

  test('every flag reaches its field; gates and queries are parsed and combined', async () => {
    const opts = await parseOpts<AnalyzeOptions>([
      'analyze',
      'hello',
      '--prometheus',
      URL_,
      '--window',
      '90s',
      '--metrics-preset',
      'knative-legacy',
      '--gate-query',
      'errs=sum(rate(x{revision="{{revision}}"}[{{window}}]))',
      '--gate',
      'error-rate<2%',
      '--gate',
      'latency-p95 <= stable*1.5',
      '--gate',
      'errs<0.5',
    ]);
    assert.equal(opts.windowMs, 90_000);
    assert.equal(opts.preset, 'knative-legacy');
    assert.deepEqual(
      opts.gates.gates.map((g) => g.text),
      ['error-rate<2%', 'latency-p95<=stable*1.5', 'errs<0.5'],
    );
    assert.deepEqual(opts.gates.queries, [
      { name: 'errs', template: 'sum(rate(x{revision="{{revision}}"}[{{window}}]))' },
    ]);
  });

  test('--metrics-preset takes every preset: auto, knative, knative-1.19, knative-legacy', async () => {
    for (const preset of ['auto', 'knative', 'knative-1.19', 'knative-legacy']) {
      const opts = await parseOpts<AnalyzeOptions>([
        'analyze',
        'hello',
        '--prometheus',
        URL_,
        '--metrics-preset',
        preset,
      ]);
      assert.equal(opts.preset, preset);
    }
  });

  test('BGCTL_PROMETHEUS_URL and BGCTL_PROMETHEUS_TOKEN; the flag wins over the variable', async () => {
    const env = { BGCTL_PROMETHEUS_URL: 'https://prom.example:443/prometheus', BGCTL_PROMETHEUS_TOKEN: 's3cr3t-token' };
    const fromEnv = await parseOpts<AnalyzeOptions>(['analyze', 'hello'], env);
    assert.equal(fromEnv.prometheus, env.BGCTL_PROMETHEUS_URL);
    assert.equal(fromEnv.token, 's3cr3t-token');
    const flag = await parseOpts<AnalyzeOptions>(['analyze', 'hello', '--prometheus', URL_], env);
    assert.equal(flag.prometheus, URL_);
    const emptyToken = await parseOpts<AnalyzeOptions>(['analyze', 'hello', '--prometheus', URL_], {
      BGCTL_PROMETHEUS_TOKEN: '',
    });
    assert.equal(emptyToken.token, undefined);
  });

  test('no Prometheus: MissingPrometheus; a bad URL names the flag or the variable', async () => {
    await assert.rejects(parseOpts(['analyze', 'hello']), usage('MissingPrometheus', /--prometheus URL/));
    await assert.rejects(
      parseOpts(['analyze', 'hello', '--prometheus', 'prometheus:9090/x?y=1']),
      usage('InvalidPrometheusURL', /--prometheus/),
    );
    await assert.rejects(
      parseOpts(['analyze', 'hello'], { BGCTL_PROMETHEUS_URL: 'ftp://host' }),
      usage('InvalidEnv', /BGCTL_PROMETHEUS_URL/),
    );
  });

  test('a bad URL with user:password does not echo the password', async () => {
    await assert.rejects(parseOpts(['analyze', 'hello', '--prometheus', 'ftp://bob:hunter22@host']), (err: Error) => {
      assert.doesNotMatch(err.message, /hunter22/);
      return true;
    });
  });

  test('a token from a secret mount loses its trailing newline', async () => {
    const opts = await parseOpts<AnalyzeOptions>(['analyze', 'hello', '--prometheus', URL_], {
      BGCTL_PROMETHEUS_TOKEN: '  s3cr3t-token\n',
    });
    assert.equal(opts.token, 's3cr3t-token');
    await assert.rejects(
      parseOpts(['analyze', 'hello', '--prometheus', URL_], { BGCTL_PROMETHEUS_TOKEN: 's3cr\r3t-token' }),
      usage('InvalidEnv', /control characters/),
    );
  });

  test('bad window, preset, gate, query and service name are usage errors', async () => {
    const base = ['analyze', 'hello', '--prometheus', URL_];
    await assert.rejects(parseOpts([...base, '--window', '5']), usage('InvalidDuration', /--window/));
    await assert.rejects(parseOpts([...base, '--window', '500ms']), usage('InvalidDuration', /at least 1s/));
    await assert.rejects(parseOpts([...base, '--metrics-preset', 'otel']), usage('InvalidPreset'));
    await assert.rejects(
      parseOpts([...base, '--metrics-preset', 'knative-1.20']),
      usage('InvalidPreset', /one of auto, knative, knative-1\.19, knative-legacy/),
    );
    await assert.rejects(parseOpts([...base, '--gate', 'error-rate<2']), usage('InvalidGate'));
    await assert.rejects(parseOpts([...base, '--gate', 'cpu<2']), usage('UnknownMeasure'));
    await assert.rejects(parseOpts([...base, '--gate-query', 'x=sum(up)']), usage('InvalidGateQuery', /revision/));
    await assert.rejects(parseOpts(['analyze', 'Hello_', '--prometheus', URL_]), (err: Error) => {
      assert.equal((err as { exitCode?: number }).exitCode, 2);
      return true;
    });
  });
});

describe('analyze --gates FILE', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bgctl-gates-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const base = ['analyze', 'hello', '--prometheus', URL_];
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('gates and queries of the file, combined with --gate using the file query', async () => {
    const p = file(
      'ok.yaml',
      [
        'gates:',
        '  - error-rate<2%',
        '  - { measure: requests, op: ">=", value: 20 }',
        'queries:',
        '  errs: sum(rate(x{revision="{{revision}}"}[{{window}}]))',
      ].join('\n'),
    );
    const opts = await parseOpts<AnalyzeOptions>([...base, '--gates', p, '--gate', 'errs<1']);
    assert.deepEqual(
      opts.gates.gates.map((g) => g.text),
      ['error-rate<2%', 'requests>=20', 'errs<1'],
    );
    assert.deepEqual(
      opts.gates.queries.map((q) => q.name),
      ['errs'],
    );
  });

  test('a missing file, bad YAML and a bad entry are usage errors naming the file', async () => {
    const missing = path.join(dir, 'nope.yaml');
    await assert.rejects(parseOpts([...base, '--gates', missing]), usage('InvalidGatesFile', /nope\.yaml.*ENOENT/));
    const bad = file('bad.yaml', 'gates: [error-rate<2%\n');
    await assert.rejects(parseOpts([...base, '--gates', bad]), usage('InvalidGatesFile', /bad\.yaml.*not YAML/));
    const entry = file('entry.yaml', 'gates:\n  - error-rate<2\n');
    await assert.rejects(parseOpts([...base, '--gates', entry]), usage('InvalidGate', /gates\[0\] in ".*entry\.yaml"/));
    const typo = file('typo.yaml', 'gate:\n  - error-rate<2%\n');
    await assert.rejects(parseOpts([...base, '--gates', typo]), usage('InvalidGatesFile', /unknown key "gate"/));
  });

  // A FIFO would block the synchronous read for ever (Ctrl-C cannot interrupt it); /dev/zero would never end.
  test('a FIFO, a device (through a symlink), a directory and a file over 1 MiB are refused unread', async () => {
    const fifo = path.join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    const zero = path.join(dir, 'zero.yaml');
    symlinkSync('/dev/zero', zero);
    const nul = path.join(dir, 'null.yaml');
    symlinkSync('/dev/null', nul);
    const sub = path.join(dir, 'sub.yaml');
    mkdirSync(sub);
    for (const p of [fifo, zero, nul, sub]) {
      await assert.rejects(
        parseOpts([...base, '--gates', p]),
        usage('InvalidGatesFile', /cannot read the gates file .*: not a regular file/),
        p,
      );
    }
    const huge = file('huge.yaml', `gates:\n  - error-rate<2%\n#${'x'.repeat(1024 * 1024)}\n`);
    await assert.rejects(parseOpts([...base, '--gates', huge]), usage('InvalidGatesFile', /larger than 1048576 bytes/));
  });
});
