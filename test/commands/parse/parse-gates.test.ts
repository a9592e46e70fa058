// Parse tests of the metric-gate flags of rollout and split: what reaches the options, and every usage error a
// user gets before anything is read or written.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpts, usage } from '../../helpers/parse-verb.js';
import type { RolloutOptions } from '../../../src/commands/rollout/options.js';
import type { SplitOptions } from '../../../src/commands/split/options.js';

const URL_ = 'http://prometheus:9090';
const rollout = ['rollout', 'hello', '--image', 'ghcr.io/acme/hello:v2'];

describe('rollout gate flags', () => {
  test('gates, their Prometheus, preset and interval reach the options; the interval defaults to 10s', async () => {
    const o = await parseOpts<RolloutOptions>([
      ...rollout,
      '--pause',
      '2m',
      '--prometheus',
      URL_,
      '--gate',
      'error-rate<2%',
      '--gate',
      'latency-p95<=stable*1.5',
      '--metrics-preset',
      'knative-legacy',
    ]);
    assert.equal(o.gates?.prometheus, URL_);
    assert.equal(o.gates?.preset, 'knative-legacy');
    assert.equal(o.gates?.intervalMs, 10_000);
    assert.deepEqual(
      o.gates?.gates.gates.map((g) => g.text),
      ['error-rate<2%', 'latency-p95<=stable*1.5'],
    );
    const later = await parseOpts<RolloutOptions>(
      [...rollout, '--pause', '1m', '--gate', 'requests>=5', '--gate-interval', '3s', '--analysis-load', '20'],
      { BGCTL_PROMETHEUS_URL: URL_, BGCTL_PROMETHEUS_TOKEN: ' tok\n' },
    );
    assert.equal(later.gates?.prometheus, URL_);
    assert.equal(later.gates?.token, 'tok');
    assert.equal(later.gates?.preset, 'auto');
    assert.equal(later.gates?.intervalMs, 3000);
    assert.equal(later.analysisLoad, 20);
  });

  test('no gate, no gates: a Prometheus URL alone (flag or environment) judges nothing', async () => {
    assert.equal((await parseOpts<RolloutOptions>(rollout, { BGCTL_PROMETHEUS_URL: URL_ })).gates, undefined);
    assert.equal((await parseOpts<RolloutOptions>([...rollout, '--prometheus', URL_])).gates, undefined);
  });

  test('usage errors before anything is written', async () => {
    await assert.rejects(
      parseOpts([...rollout, '--gate', 'error-rate<2%'], { BGCTL_PROMETHEUS_URL: URL_ }),
      usage('MissingFlag', /pass --pause/),
    );
    await assert.rejects(
      parseOpts([...rollout, '--pause', '1m', '--gate', 'error-rate<2%']),
      usage('MissingPrometheus', /--prometheus URL/),
    );
    await assert.rejects(
      parseOpts([...rollout, '--pause', '1m', '--percents', '100', '--gate', 'error-rate<2%', '--prometheus', URL_]),
      usage('MissingFlag', /need a traffic level before promote: --percents has none/),
    );
    await assert.rejects(
      parseOpts([...rollout, '--pause', '1m', '--gate-interval', '5s']),
      usage('MissingFlag', /--gate-interval needs gates/),
    );
    await assert.rejects(
      parseOpts([...rollout, '--metrics-preset', 'knative']),
      usage('MissingFlag', /--metrics-preset needs gates/),
    );
    await assert.rejects(
      parseOpts([...rollout, '--pause', '1m', '--gate-query', 'x=sum(up{pod="{{revision}}"})', '--prometheus', URL_]),
      usage('MissingFlag', /no --gate uses it/),
    );
    await assert.rejects(parseOpts([...rollout, '--analysis-load', '20']), usage('MissingFlag', /feeds the gates/));
    for (const bad of ['0', '1001', '2.5', 'x'])
      await assert.rejects(
        parseOpts([...rollout, '--pause', '1m', '--gate', 'requests>=1', '--prometheus', URL_, '--analysis-load', bad]),
        usage('InvalidNumber', /--analysis-load/),
      );
    await assert.rejects(
      parseOpts([
        ...rollout,
        '--pause',
        '1m',
        '--gate',
        'error-rate<2%',
        '--prometheus',
        URL_,
        '--gate-interval',
        '500ms',
      ]),
      usage('InvalidDuration', /at least 1s/),
    );
    await assert.rejects(
      parseOpts([...rollout, '--pause', '1m', '--gate', 'error-rate<2', '--prometheus', URL_]),
      usage('InvalidGate'),
    );
  });

  // A query string is how some put a token in a URL: refused, and the refusal must not repeat it.
  test('a Prometheus URL refused for its query string or fragment is quoted without them', async () => {
    const gates = [...rollout, '--pause', '1m', '--gate', 'error-rate<2%'];
    for (const bad of [
      'http://prom:9090/?token=hunter2xyz',
      'http://prom:9090/api?x=1&api_key=hunter2xyz#frag',
      'http://prom:9090/#hunter2xyz',
      'ftp://bob:pw@prom:9090/?hunter2xyz',
    ]) {
      const err = await parseOpts([...gates, '--prometheus', bad]).then(
        () => assert.fail(bad),
        (e: Error) => e,
      );
      assert.match(err.message, /^invalid --prometheus "[^"]*prom:9090\/[^"]*<redacted>"/, bad);
      assert.doesNotMatch(err.message, /hunter2/, bad);
      const env = await parseOpts(gates, { BGCTL_PROMETHEUS_URL: bad }).then(
        () => assert.fail(bad),
        (e: Error) => e,
      );
      assert.doesNotMatch(env.message, /hunter2/, bad);
    }
  });

  test('a minimum of 0 requests is refused: it holds with no data at all', async () => {
    await assert.rejects(
      parseOpts([...rollout, '--pause', '1m', '--gate', 'requests>=0', '--prometheus', URL_]),
      usage('InvalidGate', /a minimum of 0 requests judges nothing/),
    );
    const ok = await parseOpts<RolloutOptions>([
      ...rollout,
      '--pause',
      '1m',
      '--gate',
      'requests>0',
      '--prometheus',
      URL_,
    ]);
    assert.equal(ok.gates?.gates.gates[0].text, 'requests>0');
  });

  test('--analysis-load needs no pause beyond the one it judges, and allows --percents 100', async () => {
    const o = await parseOpts<RolloutOptions>([
      ...rollout,
      '--percents',
      '100',
      '--pause',
      '1m',
      '--gate',
      'requests>=10',
      '--prometheus',
      URL_,
      '--analysis-load',
      '5',
    ]);
    assert.deepEqual(o.percents, [100]);
    assert.equal(o.analysisLoad, 5);
  });
});

describe('split gate flags', () => {
  test('gates with --pause and --no-rollback reach the options; without gates nothing changes', async () => {
    const o = await parseOpts<SplitOptions>([
      'split',
      'hello',
      '--percent',
      '10',
      '--pause',
      '5m',
      '--gate',
      'error-rate<2%',
      '--prometheus',
      URL_,
      '--no-rollback',
    ]);
    assert.equal(o.gates?.pauseMs, 300_000);
    assert.equal(o.gates?.rollbackOnFailure, false);
    assert.equal(o.gates?.intervalMs, 10_000);
    assert.equal((await parseOpts<SplitOptions>(['split', 'hello', '--percent', '10'])).gates, undefined);
  });

  test('gates without --pause, or --pause without gates, are usage errors', async () => {
    await assert.rejects(
      parseOpts(['split', 'hello', '--percent', '10', '--gate', 'error-rate<2%', '--prometheus', URL_]),
      usage('MissingFlag', /pass --pause/),
    );
    await assert.rejects(
      parseOpts(['split', 'hello', '--percent', '10', '--pause', '1m']),
      usage('MissingFlag', /add --gate/),
    );
  });
});
