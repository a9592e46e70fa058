import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import {
  validateEnvName,
  validateNamespace,
  validateRevisionName,
  validateServiceName,
  validateTag,
} from '../../src/core/names.js';
import {
  MAX_DURATION_MS,
  parseDuration,
  parseEnv,
  parseEnvList,
  parsePercent,
  parseSteps,
  parseTrafficSpec,
} from '../../src/core/parse.js';

function usage(fn: () => unknown, re: RegExp) {
  assert.throws(fn, (err: unknown) => err instanceof UsageError && err.exitCode === 2 && re.test(err.message));
}

describe('names', () => {
  const cases: Array<{ name: string; fn: () => unknown; ok?: unknown; err?: RegExp }> = [
    { name: 'service ok', fn: () => validateServiceName('hello'), ok: 'hello' },
    {
      name: 'service uppercase',
      fn: () => validateServiceName('Hello'),
      err: /invalid service name "Hello": a DNS-1035 label must consist/,
    },
    { name: 'service starting with digit', fn: () => validateServiceName('1hello'), err: /DNS-1035/ },
    { name: 'service empty', fn: () => validateServiceName(''), err: /must not be empty/ },
    { name: 'service too long', fn: () => validateServiceName('a'.repeat(64)), err: /no more than 63 characters/ },
    { name: 'namespace may start with digit', fn: () => validateNamespace('1-team'), ok: '1-team' },
    { name: 'namespace with dot', fn: () => validateNamespace('a.b'), err: /RFC 1123 label/ },
    { name: 'revision ok', fn: () => validateRevisionName('hello-00001'), ok: 'hello-00001' },
    { name: 'revision trailing dash', fn: () => validateRevisionName('hello-'), err: /invalid revision name/ },
    { name: 'tag ok', fn: () => validateTag('v2', 'hello'), ok: 'v2' },
    {
      name: 'tag not DNS-1035',
      fn: () => validateTag('V2', 'hello'),
      err: /invalid tag "V2": not a DNS 1035 label: \[a DNS-1035 label/,
    },
    { name: 'tag starting with digit', fn: () => validateTag('2v', 'hello'), err: /not a DNS 1035 label/ },
    { name: 'tag host label 63 is fine', fn: () => validateTag('t'.repeat(57), 'hello'), ok: 't'.repeat(57) },
    {
      name: 'tag host label 64 refused',
      fn: () => validateTag('t'.repeat(58), 'hello'),
      err: /host label "t{58}-hello" \(64 characters\)/,
    },
    { name: 'env name ok', fn: () => validateEnvName('MY_VAR.x'), ok: 'MY_VAR.x' },
    { name: 'env name digit first', fn: () => validateEnvName('1X'), err: /valid environment variable name/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (c.err) usage(c.fn, c.err);
      else assert.equal(c.fn(), c.ok);
    });
  }
});

describe('parsePercent', () => {
  const good: Array<[string, number]> = [
    ['0', 0],
    ['50', 50],
    ['100', 100],
    ['50%', 50],
    [' 7 ', 7],
  ];
  for (const [raw, want] of good) test(`accepts ${JSON.stringify(raw)}`, () => assert.equal(parsePercent(raw), want));
  for (const raw of ['50.5', 'abc', '', '-1', '101', '1e2', '0x10', '5 0', '1000']) {
    test(`refuses ${JSON.stringify(raw)}`, () =>
      usage(() => parsePercent(raw), /must be a whole number from 0 to 100/));
  }
});

describe('parseTrafficSpec', () => {
  test('revision names and tags', () => {
    assert.deepEqual(parseTrafficSpec('hello-00001=50,v2=50'), [
      { ref: 'hello-00001', percent: 50 },
      { ref: 'v2', percent: 50 },
    ]);
  });
  test('repeatable flags joined', () => {
    assert.deepEqual(parseTrafficSpec(['a=10', 'b=90']), [
      { ref: 'a', percent: 10 },
      { ref: 'b', percent: 90 },
    ]);
  });
  const bad: Array<[string, RegExp]> = [
    ['a', /expected REF=PCT/],
    ['=5', /expected REF=PCT/],
    ['a=5.5', /whole number/],
    ['a=1,a=2', /more than once/],
    ['@latest=100', /does not accept @latest/],
    ['', /at least one/],
  ];
  for (const [raw, re] of bad) test(`refuses ${JSON.stringify(raw)}`, () => usage(() => parseTrafficSpec(raw), re));
});

describe('parseSteps', () => {
  test('10,50,100', () => assert.deepEqual(parseSteps('10,50,100'), [10, 50, 100]));
  for (const [raw, re] of [
    ['50,10', /must increase/],
    ['0,50', /at least 1/],
    ['10,,50', /whole number/],
    ['10,101', /whole number/],
    ['10,10', /must increase/],
  ] as const) {
    test(`refuses ${raw}`, () => usage(() => parseSteps(raw), re));
  }
});

describe('parseDuration', () => {
  const good: Array<[string, number]> = [
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1m30s', 90_000],
    ['0s', 0],
  ];
  for (const [raw, ms] of good) test(`accepts ${raw}`, () => assert.equal(parseDuration(raw), ms));
  for (const raw of ['30', '', 'abc', '5x', '1h1h', '-5s', '1.5s', 's', '25d', '00'])
    test(`refuses ${JSON.stringify(raw)}`, () => usage(() => parseDuration(raw), /invalid duration/));
  test('a bare 0 is 0s, as in Go', () => assert.equal(parseDuration('0'), parseDuration('0s')));
  test('168h is the maximum, and it fits a Node timer', () => {
    assert.equal(parseDuration('168h'), MAX_DURATION_MS);
    assert.equal(parseDuration('167h59m60s'), MAX_DURATION_MS);
    assert.ok(MAX_DURATION_MS <= 2 ** 31 - 1);
  });
  for (const raw of ['168h1ms', '169h', '9999h', '600h', `${'9'.repeat(400)}ms`]) {
    test(`refuses ${raw.length > 20 ? 'a 400-digit duration' : raw}: above the maximum`, () =>
      usage(() => parseDuration(raw, '--pause'), /for --pause: at most 168h \(7 days\)/));
  }
});

describe('parseEnv', () => {
  test('K=V', () => assert.deepEqual(parseEnv('A=b=c'), { name: 'A', value: 'b=c' }));
  test('K= (empty value)', () => assert.deepEqual(parseEnv('A='), { name: 'A', value: '' }));
  test('K- removes', () => assert.deepEqual(parseEnv('A-'), { name: 'A', remove: true }));
  test('bare name refused', () => usage(() => parseEnv('A'), /expected KEY=VALUE/));
  test('bad name refused', () => usage(() => parseEnv('1A=x'), /valid environment variable name/));
  test('duplicate refused', () => usage(() => parseEnvList(['A=1', 'A-']), /more than once/));
});
