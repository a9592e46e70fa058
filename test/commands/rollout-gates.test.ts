// `bgctl rollout` judged by metric gates against a REAL Prometheus (Debian's 2.42) scraping the playground every
// second, with load on the services: a healthy candidate promoted, a failing one rolled back before its pause ends,
// no traffic failing InsufficientData, relative and custom gates, legacy names, --no-rollback, --analysis-load,
// bad PromQL refused before any write, and Prometheus going down mid-rollout (exit 7, resumable).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KnativeService } from '../../src/core/knative-types.js';
import { readState } from '../../src/core/state.js';
import { runCli } from '../helpers/cli.js';
import { startPlayground, type Playground } from '../helpers/playground.js';
import { prometheusSkip, startPrometheus, type StartedPrometheus } from '../helpers/prometheus.js';
import { untilScraped } from '../helpers/playground-metrics.js';
import { untilChange } from '../sim/wait.js';
import { cliEnv, createReadyService, getService } from './step-helpers.js';

/** A service with load on it, Ready, whose first revision Prometheus has seen answering. */
async function loadedService(pg: Playground, prom: StartedPrometheus, name: string, rps = 20): Promise<void> {
  await createReadyService(pg, name);
  pg.load.set('default', name, rps);
  await untilScraped(pg, prom.url, `${name}-00001`);
}

function gateRun(pg: Playground, prom: StartedPrometheus | string) {
  const env = cliEnv(pg, {
    BGCTL_INGRESS: pg.ingress,
    BGCTL_PROMETHEUS_URL: typeof prom === 'string' ? prom : prom.url,
  });
  return (...argv: string[]) => runCli(['rollout', ...argv], { env });
}

const stateOf = async (pg: Playground, name: string) => readState(await getService(pg, name)).state;

describe('bgctl rollout with metric gates (real Prometheus)', { skip: prometheusSkip() }, () => {
  let pg: Playground;
  let prom: StartedPrometheus;
  let rollout: ReturnType<typeof gateRun>;

  before(async () => {
    pg = await startPlayground({});
    prom = await startPrometheus({ targets: [pg.metrics], scrapeIntervalS: 1 });
    rollout = gateRun(pg, prom);
  });
  after(async () => {
    await prom?.stop();
    await pg?.stop();
  });

  test('a healthy candidate is judged during each pause and promoted; the verdicts are in the result and history', async () => {
    await loadedService(pg, prom, 'healthy');
    const r = await rollout(
      'healthy',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--percents',
      '50,100',
      '--pause',
      '4s',
      '--gate-interval',
      '1s',
      '--gate',
      'error-rate<2%',
      // Relative, with room for a loaded machine's noise: a healthy candidate must not fail on a slow scheduler.
      '--gate',
      'latency-p95<=stable+1s',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.phase, 'promoted');
    assert.equal(doc.analysis.length, 1);
    const w = doc.analysis[0];
    assert.equal(w.percent, 50);
    assert.equal(w.verdict, 'pass');
    assert.equal(w.candidate, 'healthy-00002');
    assert.equal(w.stable, 'healthy-00001');
    assert.equal(w.preset, 'knative');
    assert.ok(w.evaluations >= 2, `evaluated every interval of the pause (${w.evaluations})`);
    // requests, error-rate and latency-p95 of the candidate; requests and latency-p95 of stable (the relative gate).
    assert.equal(w.queriesPerEvaluation, 5);
    assert.deepEqual(
      w.gates.map((g: any) => [g.gate, g.verdict]),
      [
        ['error-rate<2%', 'pass'],
        ['latency-p95<=stable+1s', 'pass'],
      ],
    );
    assert.ok(w.gates[0].value >= 0 && w.gates[0].value < 2);
    assert.ok(w.gates[1].stableValue > 0, 'the relative gate measured the stable revision');
    assert.deepEqual(w.failing, []);
    // One line per evaluation in a pipe, the last one saying it passed.
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('Gates at 50%'));
    assert.equal(lines.length, w.evaluations);
    assert.match(lines.at(-1)!, /: passed: error-rate<2% pass/);
    // The verdict is recorded with the rollout, so history shows it.
    assert.deepEqual((await stateOf(pg, 'healthy'))?.gates, { verdict: 'pass', evaluations: w.evaluations });
    const hist = await runCli(['history', 'healthy', '-o', 'json'], { env: cliEnv(pg) });
    assert.deepEqual(JSON.parse(hist.stdout).items[0].gates, { verdict: 'pass', evaluations: w.evaluations });
  });

  test('a failing candidate is rolled back after two failed evaluations, long before its pause ends (exit 3)', async () => {
    await loadedService(pg, prom, 'failing');
    const r = await rollout(
      'failing',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/error-rate=0.5',
      '--no-verify',
      '--pause',
      '10m',
      '--gate-interval',
      '1s',
      '--gate',
      'error-rate<2%',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.outcome, 'failed');
    assert.equal(doc.phase, 'rolled-back');
    const w = doc.analysis[0];
    assert.equal(w.verdict, 'fail');
    // The 10-minute pause would have made 600 evaluations: it stopped at the second consecutive failure.
    assert.ok(w.evaluations >= 2 && w.evaluations < 10, `evaluations: ${w.evaluations}`);
    assert.equal(w.failing[0].gate, 'error-rate<2%');
    assert.equal(w.failing[0].reason, 'ThresholdCrossed');
    assert.ok(w.failing[0].value > 20, `the candidate's error rate: ${w.failing[0].value}`);
    assert.match(
      r.stderr,
      /Error: gates failed for failing-00002 at 50%: error-rate of failing-00002 is [0-9.]+%, not < 2%/,
    );
    assert.match(r.stderr, /Hint: traffic is back on failing-00001/);
    const traffic = (await getService(pg, 'failing')).spec.traffic ?? [];
    assert.equal(traffic.find((t) => t.percent === 100)?.revisionName, 'failing-00001');
    const st = await stateOf(pg, 'failing');
    assert.equal(st?.phase, 'rolled-back');
    assert.equal(st?.gates?.verdict, 'fail');
    assert.match(st?.reason ?? '', /gates failed for failing-00002 at 50%: error-rate of failing-00002 is/);
  });

  test('no traffic is never a pass: the window ends with InsufficientData naming the series (exit 3)', async () => {
    await createReadyService(pg, 'quiet');
    const r = await rollout(
      'quiet',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--no-verify',
      '--pause',
      '3s',
      '--gate-interval',
      '1s',
      '--gate',
      'error-rate<2%',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 3, r.stderr);
    const w = JSON.parse(r.stdout).analysis[0];
    assert.equal(w.verdict, 'fail');
    assert.equal(w.failing[0].reason, 'InsufficientData');
    assert.match(
      w.failing[0].message,
      /quiet-00002 saw 0 requests in kn_serving_invocation_duration_seconds_count, needs at least 10/,
    );
    assert.equal((await stateOf(pg, 'quiet'))?.phase, 'rolled-back');
  });

  test('--no-rollback leaves the failed rollout split and resumable; --resume without gates finishes it', async () => {
    await loadedService(pg, prom, 'kept');
    const r = await rollout(
      'kept',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/latency=300ms',
      '--no-verify',
      '--no-rollback',
      '--percents',
      '20,100',
      '--pause',
      '10m',
      '--gate-interval',
      '1s',
      '--gate',
      'latency-p95<=stable*2',
      '--yes',
    );
    assert.equal(r.code, 3, r.stderr);
    assert.match(
      r.stderr,
      /latency-p95 of kept-00002 is [0-9.]+(ms|s), not <= [0-9.]+(ms|s) \(latency-p95<=stable\*2\)/,
    );
    assert.match(r.stderr, /stays at phase split \(20%\)/);
    const st = await stateOf(pg, 'kept');
    assert.equal(st?.phase, 'split');
    assert.equal(st?.percent, 20);
    const resumed = await rollout('kept', '--resume', '--yes');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((await stateOf(pg, 'kept'))?.phase, 'promoted');
  });

  test('a custom PromQL gate, and PromQL that Prometheus refuses is exit 2 before anything is written', async () => {
    await loadedService(pg, prom, 'custom');
    const bad = await rollout(
      'custom',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--pause',
      '3s',
      '--gate-query',
      'errs=sum(rate(kn_serving_invocation_duration_seconds_count{kn_revision_name="{{revision}}"}[{{window}}]) by (',
      '--gate',
      'errs<1',
      '--yes',
    );
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(
      bad.stderr,
      /Error: Prometheus refused the query "sum\(rate\(kn_serving_invocation_duration_seconds_count/,
    );
    assert.match(bad.stderr, /Hint: fix the PromQL of --gate-query/);
    assert.equal((await getService(pg, 'custom')).metadata.generation, 1, 'nothing was written');

    const good = await rollout(
      'custom',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--no-verify',
      '--pause',
      '3s',
      '--gate-interval',
      '1s',
      '--gate-query',
      'errs=sum(increase(kn_serving_invocation_duration_seconds_count{kn_revision_name="{{revision}}",' +
        'http_response_status_code=~"5.."}[{{window}}])) or vector(0)',
      '--gate',
      'errs<1',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(good.code, 0, good.stderr);
    const w = JSON.parse(good.stdout).analysis[0];
    assert.deepEqual([w.gates[0].gate, w.gates[0].verdict, w.gates[0].value], ['errs<1', 'pass', 0]);
  });

  test('--analysis-load judges the candidate at 0% on synthetic requests to its tag URL before any split', async () => {
    await createReadyService(pg, 'fresh');
    const r = await rollout(
      'fresh',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--no-verify',
      '--percents',
      '100',
      '--pause',
      '4s',
      '--gate-interval',
      '1s',
      '--analysis-load',
      '30',
      '--gate',
      'error-rate<2%',
      '--gate',
      'requests>=20',
      '--yes',
      '-o',
      'json',
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.phase, 'promoted');
    const w = doc.analysis[0];
    assert.equal(w.percent, 0);
    assert.equal(w.verdict, 'pass');
    assert.ok(w.gates[1].value >= 20, `requests seen: ${w.gates[1].value}`);
    assert.match(r.stderr, /Synthetic load stopped: \d+ requests sent, 0 without an answer/);
    // Only bgctl's synthetic requests reached the candidate before promote: no user traffic was split to it.
    assert.ok(!doc.steps.some((s: { action: string }) => s.action === 'split'));
  });

  test('split with gates: a failing candidate is judged after the split and rolled back (exit 3, -o json analysis)', async () => {
    await loadedService(pg, prom, 'stepwise');
    const staged = await rollout(
      'stepwise',
      '--image',
      'ghcr.io/bgctl/hello:v2',
      '--annotation',
      'sim.bgctl.dev/error-rate=0.5',
      '--no-verify',
      '--until',
      'staged',
      '--yes',
    );
    assert.equal(staged.code, 8, staged.stderr);
    const env = cliEnv(pg, { BGCTL_PROMETHEUS_URL: prom.url });
    const r = await runCli(
      [
        'split',
        'stepwise',
        '--percent',
        '50',
        '--pause',
        '10m',
        '--gate-interval',
        '1s',
        '--gate',
        'error-rate<2%',
        '--yes',
        '-o',
        'json',
      ],
      { env },
    );
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.kind, 'TrafficChange');
    const w = doc.analysis[0];
    assert.equal(w.verdict, 'fail');
    assert.ok(w.evaluations >= 2 && w.evaluations < 10, `stopped early: ${w.evaluations}`);
    assert.match(r.stderr, /Error: gates failed for stepwise-00002 at 50%: error-rate of stepwise-00002 is/);
    assert.match(r.stderr, /Hint: rolled back: traffic is on stepwise-00001 again/);
    const st = await stateOf(pg, 'stepwise');
    assert.equal(st?.phase, 'rolled-back');
    assert.deepEqual(st?.gates, { verdict: 'fail', evaluations: w.evaluations });
  });

  test('Prometheus going down mid-rollout stops it where it is with exit 7; --resume continues later', async () => {
    await loadedService(pg, prom, 'blind');
    const own = await startPrometheus({ targets: [pg.metrics], scrapeIntervalS: 1 });
    let stopped = false;
    try {
      await untilScraped(pg, own.url, 'blind-00001');
      const running = gateRun(pg, own)(
        'blind',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--no-verify',
        '--pause',
        '10m',
        '--gate-interval',
        '1s',
        // Never satisfied in 10 minutes: the window waits, and only Prometheus failing can end it.
        '--gate',
        'requests>=1000000',
        '--yes',
        '-o',
        'json',
      );
      const def = pg.registry.resource('services', 'serving.knative.dev')!;
      await untilChange(
        pg.registry,
        () => readState(pg.registry.get(def, 'default', 'blind') as unknown as KnativeService).state?.phase === 'split',
        'the split',
      );
      await own.stop();
      stopped = true;
      const r = await running;
      assert.equal(r.code, 7, r.stderr);
      assert.match(r.stderr, /Error: Prometheus at http:\/\/127\.0\.0\.1:\d+ could not be queried/);
      assert.match(r.stderr, /nothing was judged and rollout blind-\d+ stays at phase split \(50%\)/);
      assert.match(r.stderr, /bgctl rollout blind --resume/);
      assert.equal(JSON.parse(r.stdout).outcome, 'failed');
      const st = await stateOf(pg, 'blind');
      assert.equal(st?.phase, 'split', 'neither promoted nor rolled back on a blind guess');
      assert.equal(st?.percent, 50);
    } finally {
      if (!stopped) await own.stop();
    }
    const resumed = await rollout('blind', '--resume', '--yes');
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((await stateOf(pg, 'blind'))?.phase, 'promoted');
  });
});

describe(
  'bgctl rollout with metric gates on legacy Knative names (real Prometheus)',
  { skip: prometheusSkip() },
  () => {
    let pg: Playground;
    let prom: StartedPrometheus;

    before(async () => {
      pg = await startPlayground({ metricsFormat: 'legacy' });
      prom = await startPrometheus({ targets: [pg.metrics], scrapeIntervalS: 1 });
    });
    after(async () => {
      await prom?.stop();
      await pg?.stop();
    });

    test('auto picks knative-legacy and a healthy candidate is promoted on it', async () => {
      await loadedService(pg, prom, 'old');
      const r = await gateRun(pg, prom)(
        'old',
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--no-verify',
        '--pause',
        '3s',
        '--gate-interval',
        '1s',
        '--gate',
        'error-rate<=stable+1%',
        '--yes',
        '-o',
        'json',
      );
      assert.equal(r.code, 0, r.stderr);
      const w = JSON.parse(r.stdout).analysis[0];
      assert.equal(w.preset, 'knative-legacy');
      assert.equal(w.verdict, 'pass');
    });
  },
);
