import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import { parseGate } from '../../src/core/gates/expr.js';
import { quoteInput } from '../../src/core/quote.js';
import { formatUnitValue } from '../../src/core/gates/units.js';

function usage(fn: () => unknown, reason: string, message: RegExp): UsageError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof UsageError, `expected a UsageError, got ${String(caught)}`);
  assert.equal(caught.reason, reason);
  assert.match(caught.message, message);
  assert.ok(caught.hint, 'every gate error has a hint');
  return caught;
}

describe('gate expressions: accepted', () => {
  const ok: Array<[string, object]> = [
    ['error-rate<2%', { measure: 'error-rate', unit: 'percent', op: '<', threshold: { kind: 'absolute', value: 2 } }],
    ['error-rate<=0.5%', { op: '<=', threshold: { kind: 'absolute', value: 0.5 } }],
    ['error-rate<100%', { threshold: { kind: 'absolute', value: 100 } }],
    ['latency-p99<800ms', { measure: 'latency-p99', unit: 'duration', threshold: { kind: 'absolute', value: 800 } }],
    ['latency-p95<1.5s', { threshold: { kind: 'absolute', value: 1500 } }],
    ['latency-p50>=.5s', { op: '>=', threshold: { kind: 'absolute', value: 500 } }],
    ['requests>=100', { measure: 'requests', unit: 'count', threshold: { kind: 'absolute', value: 100 } }],
    ['requests>0', { op: '>', threshold: { kind: 'absolute', value: 0 } }],
    ['error-rate<=stable+1%', { threshold: { kind: 'relative', op: '+', operand: 1 } }],
    ['latency-p95<=stable*1.5', { threshold: { kind: 'relative', op: '*', operand: 1.5 } }],
    ['latency-p95<=stable-20ms', { threshold: { kind: 'relative', op: '-', operand: 20 } }],
    ['latency-p95<=stable', { text: 'latency-p95<=stable', threshold: { kind: 'relative', op: '*', operand: 1 } }],
    ['requests>=stable*0.1', { threshold: { kind: 'relative', op: '*', operand: 0.1 } }],
    ['  error-rate  <  2%  ', { text: 'error-rate<2%' }],
    ['latency-p95 <= stable * 1.5', { text: 'latency-p95<=stable*1.5' }],
  ];
  for (const [raw, want] of ok) {
    test(raw, () => {
      const g = parseGate(raw);
      for (const [k, v] of Object.entries(want)) assert.deepEqual(g[k as keyof typeof g], v, k);
    });
  }

  test('a custom measure takes plain numbers, negative too', () => {
    assert.deepEqual(parseGate('queue-depth<0.5', ['queue-depth']), {
      text: 'queue-depth<0.5',
      measure: 'queue-depth',
      builtin: false,
      unit: 'number',
      op: '<',
      threshold: { kind: 'absolute', value: 0.5 },
    });
    assert.equal(parseGate('drift>-3', ['drift']).threshold.kind, 'absolute');
    assert.deepEqual(parseGate('drift>-3', ['drift']).threshold, { kind: 'absolute', value: -3 });
    assert.deepEqual(parseGate('cpu<=stable+0.25', ['cpu']).threshold, { kind: 'relative', op: '+', operand: 0.25 });
  });

  test('the canonical text is what the user wrote without spaces', () => {
    assert.equal(parseGate('latency-p99 < 1.5s').text, 'latency-p99<1.5s');
  });
});

describe('gate expressions: refused', () => {
  const bad: Array<[string, string, RegExp]> = [
    ['', 'InvalidGate', /no comparison operator/],
    ['error-rate', 'InvalidGate', /no comparison operator/],
    ['<2%', 'InvalidGate', /no measure/],
    ['error-rate<', 'InvalidGate', /no value/],
    ['error-rate==2%', 'InvalidGate', /== is not supported/],
    ['error-rate!=2%', 'InvalidGate', /!= is not supported/],
    ['error-rate=2%', 'InvalidGate', /= is not supported/],
    ['error-rate=<2%', 'InvalidGate', /write <= instead of =</],
    ['error-rate=>2%', 'InvalidGate', /write >= instead of =>/],
    ['error-rate<<2%', 'InvalidGate', /percentage/],
    ['Error-Rate<2%', 'InvalidGate', /not a measure name/],
    ['error rate<2%', 'InvalidGate', /not a measure name/],
    ['latency-p90<1s', 'UnknownMeasure', /unknown measure "latency-p90"/],
    ['cpu<1', 'UnknownMeasure', /unknown measure "cpu"/],
    ['error-rate<2', 'InvalidGate', /takes a percentage, e.g. 2%/],
    ['error-rate<2ms', 'InvalidGate', /takes a percentage/],
    ['error-rate<101%', 'InvalidGate', /at most 100%/],
    ['error-rate<-1%', 'InvalidGate', /percentage/],
    ['error-rate<2 %', 'InvalidGate', /percentage/],
    ['latency-p99<2%', 'InvalidGate', /duration in ms or s/],
    ['latency-p99<800', 'InvalidGate', /duration in ms or s/],
    ['latency-p99<1m', 'InvalidGate', /duration in ms or s/],
    ['latency-p99<2h', 'InvalidGate', /duration/],
    ['latency-p99<3601s', 'InvalidGate', /at most 1h/],
    ['latency-p99<1e3ms', 'InvalidGate', /duration/],
    ['requests>=1.5', 'InvalidGate', /whole number/],
    ['requests>=100%', 'InvalidGate', /whole number/],
    ['requests>=1 0', 'InvalidGate', /whole number/],
    ['requests>=2000000000', 'InvalidGate', /at most 1000000000/],
    ['error-rate<=stable+1', 'InvalidGate', /percentage/],
    ['error-rate<=stable*1.5%', 'InvalidGate', /factor is a plain number/],
    ['error-rate<=stable/2', 'InvalidGate', /after "stable"/],
    ['error-rate<=stables', 'InvalidGate', /after "stable"/],
    ['latency-p95<=stable+1.5', 'InvalidGate', /duration/],
    ['latency-p95<=stable*', 'InvalidGate', /factor/],
    ['error-rate<NaN%', 'InvalidGate', /percentage/],
    ['error-rate<Infinity%', 'InvalidGate', /percentage/],
    ['error-rate<0x10%', 'InvalidGate', /percentage/],
  ];
  for (const [raw, reason, message] of bad)
    test(JSON.stringify(raw), () => void usage(() => parseGate(raw), reason, message));

  test('a custom measure refuses units and a negative offset', () => {
    usage(() => parseGate('cpu<5%', ['cpu']), 'InvalidGate', /plain number without a unit/);
    usage(() => parseGate('cpu<5ms', ['cpu']), 'InvalidGate', /plain number/);
    usage(() => parseGate('cpu<=stable+-1', ['cpu']), 'InvalidGate', /plain number/);
  });

  test('an unknown measure lists the built-ins and the custom measures', () => {
    const err = usage(() => parseGate('cpu<1', ['zeta', 'alpha']), 'UnknownMeasure', /cpu/);
    assert.match(err.hint ?? '', /error-rate, latency-p50, latency-p95, latency-p99, requests, alpha, zeta/);
    assert.match(err.hint ?? '', /--gate-query NAME=PROMQL/);
  });

  test('the message names the gate and its source', () => {
    usage(
      () => parseGate('error-rate<2', [], 'gates[3] in "g.yaml"'),
      'InvalidGate',
      /^invalid gates\[3\] in "g.yaml"/,
    );
    usage(() => parseGate('error-rate<2'), 'InvalidGate', /^invalid --gate "error-rate<2": /);
  });
});

describe('gate expressions: hostile input', () => {
  test('control characters are refused and never echoed raw', () => {
    for (const raw of ['error-rate<2%\x1b[2J', 'error\x07-rate<2%', 'error-rate<2%\n', 'x\u202e<1']) {
      const err = usage(() => parseGate(raw), 'InvalidGate', /control characters/);
      // eslint-disable-next-line no-control-regex
      assert.doesNotMatch(err.message, /[\u0000-\u001f\u007f\u202e]/);
    }
  });

  test('a huge input is refused with a bounded message', () => {
    const err = usage(() => parseGate(`error-rate<${'9'.repeat(1_000_000)}%`), 'InvalidGate', /longer than 200/);
    assert.ok(err.message.length < 250, `message is ${err.message.length} characters`);
  });

  test('a long measure name is quoted cut', () => {
    const err = usage(() => parseGate(`${'a'.repeat(150)}<1`), 'UnknownMeasure', /unknown measure/);
    assert.ok(err.message.length < 250);
    assert.match(err.message, /a{100}…/);
  });
});

describe('quoting and value formatting', () => {
  test('quoteInput escapes and cuts by code points', () => {
    assert.equal(quoteInput('a\x1bb\nc'), '"a\\x1bb\\x0ac"');
    assert.equal(quoteInput('\u202e'), '"\\u202e"');
    assert.equal(quoteInput('😀'.repeat(101)), `"${'😀'.repeat(100)}…"`);
    assert.equal(quoteInput('x'.repeat(100)), `"${'x'.repeat(100)}"`);
  });

  test('formatUnitValue writes values the way gates are written', () => {
    assert.equal(formatUnitValue(1.23456789, 'percent'), '1.23457%');
    assert.equal(formatUnitValue(800, 'duration'), '800ms');
    assert.equal(formatUnitValue(9.97, 'count'), '10');
    assert.equal(formatUnitValue(0.1 + 0.2, 'number'), '0.3');
  });
});
