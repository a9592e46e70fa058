import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateGates, minimumRequests, type EvaluationInput } from '../../src/core/gates/evaluate.js';
import { parseGate } from '../../src/core/gates/expr.js';
import { advanceGates, initialGateState, type GateTrackerState } from '../../src/core/gates/tracker.js';

const SERIES = 'kn_serving_invocation_duration_seconds_count';

function input(
  gates: string[],
  candidate: Record<string, number | undefined>,
  stable?: Record<string, number | undefined>,
  final = false,
): EvaluationInput {
  return {
    gates: gates.map((g) => parseGate(g, ['cpu'])),
    candidate: { revision: 'hello-00002', values: candidate },
    ...(stable && { stable: { revision: 'hello-00001', values: stable } }),
    final,
    requestSeries: SERIES,
  };
}

const one = (i: EvaluationInput) => evaluateGates(i)[0];

describe('minimum requests', () => {
  test('10 when no requests gate names one', () => assert.equal(minimumRequests([parseGate('error-rate<2%')]), 10));
  test('the largest requests>=N, requests>N counting N+1', () => {
    const gates = ['requests>=100', 'requests>200', 'requests<=5000', 'requests>=stable*9'].map((g) => parseGate(g));
    assert.equal(minimumRequests(gates), 201);
  });
  test('an explicit lower minimum wins over the implicit 10', () => {
    assert.equal(minimumRequests([parseGate('requests>=3')]), 3);
  });
});

describe('absolute gates', () => {
  test('pass with the value and threshold', () => {
    assert.deepEqual(one(input(['error-rate<2%'], { requests: 120, 'error-rate': 1.5 })), {
      gate: 'error-rate<2%',
      measure: 'error-rate',
      unit: 'percent',
      revision: 'hello-00002',
      value: 1.5,
      threshold: 2,
      verdict: 'pass',
      message: 'error-rate of hello-00002 is 1.5%, < 2%',
    });
  });

  test('fail says the value, the operator and the threshold', () => {
    const v = one(input(['latency-p99<800ms'], { requests: 120, 'latency-p99': 950.25 }));
    assert.equal(v.verdict, 'fail');
    assert.equal(v.reason, 'ThresholdCrossed');
    assert.equal(v.message, 'latency-p99 of hello-00002 is 950.25ms, not < 800ms (latency-p99<800ms)');
  });

  test('each operator at its boundary', () => {
    const at = (g: string) => one(input([g], { requests: 50, cpu: 1 })).verdict;
    assert.deepEqual(['cpu<1', 'cpu<=1', 'cpu>1', 'cpu>=1'].map(at), ['fail', 'pass', 'fail', 'pass']);
  });

  test('an infinite latency (the +Inf bucket) fails', () => {
    assert.equal(one(input(['latency-p99<800ms'], { requests: 50, 'latency-p99': Infinity })).verdict, 'fail');
  });
});

describe('no data is never a pass', () => {
  test('too few requests waits during the window, naming the count and the series', () => {
    const v = one(input(['error-rate<2%'], { requests: 3, 'error-rate': 0 }));
    assert.equal(v.verdict, 'insufficient-data');
    assert.equal(v.reason, undefined);
    assert.equal(v.threshold, 2);
    assert.equal(v.message, `error-rate<2%: hello-00002 saw 3 requests in ${SERIES}, needs at least 10`);
  });

  test('too few requests at the end of the window fails with InsufficientData', () => {
    const v = one(input(['error-rate<2%'], { 'error-rate': 0 }, undefined, true));
    assert.equal(v.verdict, 'fail');
    assert.equal(v.reason, 'InsufficientData');
    assert.match(v.message, /saw 0 requests in kn_serving_invocation_duration_seconds_count, needs at least 10/);
  });

  test('the requests gate is the minimum: below it waits, then fails InsufficientData', () => {
    const gates = ['requests>=100', 'error-rate<2%'];
    const during = evaluateGates(input(gates, { requests: 60, 'error-rate': 0 }));
    assert.deepEqual(
      during.map((v) => v.verdict),
      ['insufficient-data', 'insufficient-data'],
    );
    assert.match(during[0].message, /saw 60 requests .* needs at least 100/);
    const end = evaluateGates(input(gates, { requests: 60, 'error-rate': 0 }, undefined, true));
    assert.deepEqual(
      end.map((v) => v.reason),
      ['InsufficientData', 'InsufficientData'],
    );
    const enough = evaluateGates(input(gates, { requests: 100, 'error-rate': 0 }));
    assert.deepEqual(
      enough.map((v) => v.verdict),
      ['pass', 'pass'],
    );
    assert.equal(enough[0].message, 'requests of hello-00002 is 100, >= 100');
  });

  test('an extrapolated count is rounded: 9.6 requests count as 10', () => {
    assert.equal(one(input(['error-rate<2%'], { requests: 9.6, 'error-rate': 0 })).verdict, 'pass');
    assert.equal(one(input(['error-rate<2%'], { requests: 9.4, 'error-rate': 0 })).verdict, 'insufficient-data');
  });

  test('a requests upper bound also needs the minimum first', () => {
    assert.equal(one(input(['requests<=1000'], { requests: 4 })).verdict, 'insufficient-data');
    assert.equal(one(input(['requests<=1000'], { requests: 4000 })).verdict, 'fail');
  });

  test('enough requests but no value (empty or NaN result) waits', () => {
    for (const cpu of [undefined, Number.NaN]) {
      const v = one(input(['cpu<1'], { requests: 50, cpu }));
      assert.equal(v.verdict, 'insufficient-data');
      assert.equal(v.message, 'cpu<1: no value for cpu from hello-00002');
    }
  });
});

describe('relative gates', () => {
  const stable = { requests: 500, 'error-rate': 1, 'latency-p95': 200 };

  test('resolved against stable: +, -, *', () => {
    const gates = ['error-rate<=stable+1%', 'latency-p95<=stable*1.5', 'latency-p95>=stable-50ms'];
    const vs = evaluateGates(input(gates, { requests: 40, 'error-rate': 2, 'latency-p95': 310 }, stable));
    assert.deepEqual(
      vs.map((v) => [v.verdict, v.threshold, v.stableValue, v.stableRevision]),
      [
        ['pass', 2, 1, 'hello-00001'],
        ['fail', 300, 200, 'hello-00001'],
        ['pass', 150, 200, 'hello-00001'],
      ],
    );
  });

  test('no stable revision, or stable without enough data, waits and then fails', () => {
    const g = ['latency-p95<=stable*1.5'];
    const c = { requests: 40, 'latency-p95': 100 };
    assert.match(one(input(g, c)).message, /no stable revision to compare with/);
    assert.match(one(input(g, c, { requests: 2, 'latency-p95': 100 })).message, /stable hello-00001 saw 2 requests/);
    assert.match(one(input(g, c, { requests: 50 })).message, /no value for latency-p95 from stable hello-00001/);
    assert.equal(one(input(g, c, { requests: 2 })).threshold, undefined);
    assert.equal(one(input(g, c, undefined, true)).reason, 'InsufficientData');
  });

  test('stable at 0% makes stable*F a zero threshold (why stable+X suits error rates)', () => {
    const c = { requests: 40, 'error-rate': 0.1 };
    const s = { requests: 400, 'error-rate': 0 };
    assert.equal(one(input(['error-rate<=stable*2'], c, s)).verdict, 'fail');
    assert.equal(one(input(['error-rate<=stable+1%'], c, s)).verdict, 'pass');
  });

  test('verdicts survive JSON (the -o json rollout result)', () => {
    const vs = evaluateGates(input(['error-rate<=stable+1%'], { requests: 40, 'error-rate': 2 }, stable));
    assert.deepEqual(JSON.parse(JSON.stringify(vs)), vs);
  });
});

describe('evaluations over a window', () => {
  const gates = ['error-rate<2%'];
  const good = { requests: 50, 'error-rate': 0.5 };
  const bad = { requests: 50, 'error-rate': 5 };
  const few = { requests: 2, 'error-rate': 0 };

  function run(seq: Array<Record<string, number>>, finalAt = -1): string[] {
    let state: GateTrackerState = initialGateState();
    const outcomes: string[] = [];
    seq.forEach((values, i) => {
      const final = i === finalAt;
      const step = advanceGates(state, evaluateGates(input(gates, values, undefined, final)), final);
      state = step.state;
      outcomes.push(step.outcome);
    });
    return outcomes;
  }

  test('two consecutive failures fail at once', () =>
    assert.deepEqual(run([good, bad, bad]), ['continue', 'continue', 'failed']));
  test('a pass in between resets the streak', () => {
    assert.deepEqual(run([bad, good, bad, good]), ['continue', 'continue', 'continue', 'continue']);
  });
  test('insufficient data neither extends nor resets a streak', () => {
    assert.deepEqual(run([bad, few, bad]), ['continue', 'continue', 'failed']);
    assert.deepEqual(run([bad, few, good, bad]), ['continue', 'continue', 'continue', 'continue']);
  });
  test('the final evaluation passes when every gate passes', () =>
    assert.deepEqual(run([few, good], 1), ['continue', 'passed']));
  test('a single failure on the final evaluation fails', () =>
    assert.deepEqual(run([good, bad], 1), ['continue', 'failed']));
  test('too few requests at the end fails', () => assert.deepEqual(run([few, few], 1), ['continue', 'failed']));

  test('the step names the failing verdicts and counts evaluations', () => {
    let state = initialGateState();
    state = advanceGates(state, evaluateGates(input(gates, bad)), false).state;
    const step = advanceGates(state, evaluateGates(input(gates, bad)), false);
    assert.equal(step.state.evaluations, 2);
    assert.deepEqual(step.state.failStreak, { 'error-rate<2%': 2 });
    assert.deepEqual(
      step.failing.map((v) => v.gate),
      ['error-rate<2%'],
    );
  });

  test('the tracker does not change the state it was given', () => {
    const state = initialGateState();
    advanceGates(state, evaluateGates(input(gates, bad)), false);
    assert.deepEqual(state, { evaluations: 0, failStreak: {} });
  });

  test('waiting verdicts on a final step fail even if computed without final', () => {
    const step = advanceGates(initialGateState(), evaluateGates(input(gates, few)), true);
    assert.equal(step.outcome, 'failed');
    assert.equal(step.failing.length, 1);
  });
});

describe('values no healthy answer has', () => {
  test('+Inf latency fails every latency gate, absolute and relative, whatever the operator; printed +Inf', () => {
    for (const gate of ['latency-p99<800ms', 'latency-p99>1ms', 'latency-p99<=stable*1.5']) {
      const v = one(input([gate], { requests: 100, 'latency-p99': Infinity }, { requests: 100, 'latency-p99': 20 }));
      assert.equal(v.verdict, 'fail', gate);
      assert.equal(v.reason, 'ThresholdCrossed', gate);
      assert.match(v.message, /is \+Inf/);
      assert.doesNotMatch(v.message, /Infinity/);
    }
    const both = one(
      input(
        ['latency-p99<=stable*1.5'],
        { requests: 100, 'latency-p99': Infinity },
        { requests: 100, 'latency-p99': Infinity },
        true,
      ),
    );
    assert.equal(both.verdict, 'fail');
  });

  test('a +Inf stable value is no threshold: the relative gate fails', () => {
    const v = one(
      input(
        ['latency-p99<=stable*1.5'],
        { requests: 100, 'latency-p99': 30 },
        { requests: 100, 'latency-p99': Infinity },
        true,
      ),
    );
    assert.equal(v.verdict, 'fail');
    assert.match(v.message, /stable hello-00001 is \+Inf/);
  });

  test('negative error rate, latency or requests (a lying Prometheus) fail InvalidData', () => {
    const cases: [string, Record<string, number>, Record<string, number>?][] = [
      ['error-rate<2%', { requests: 100, 'error-rate': -5 }],
      ['latency-p95<800ms', { requests: 100, 'latency-p95': -1 }],
      ['error-rate<2%', { requests: -100, 'error-rate': 0 }],
      ['requests>=10', { requests: -100 }],
      ['error-rate<=stable+1%', { requests: 100, 'error-rate': 0 }, { requests: 100, 'error-rate': -50 }],
      ['error-rate<=stable+1%', { requests: 100, 'error-rate': 0 }, { requests: -100, 'error-rate': 0 }],
    ];
    for (const [gate, cand, stable] of cases) {
      const v = one(input([gate], cand, stable, true));
      assert.equal(v.verdict, 'fail', `${gate} ${JSON.stringify([cand, stable])}`);
      assert.equal(v.reason, 'InvalidData', `${gate} ${JSON.stringify([cand, stable])}`);
    }
  });
});
