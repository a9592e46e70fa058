import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import { gatesFromDocument } from '../../src/core/gates/file.js';
import { combineGates } from '../../src/core/gates/gate-set.js';

const Q = 'sum(rate(errs_total{revision="{{revision}}"}[{{window}}]))';

function usage(fn: () => unknown, reason: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UsageError, String(e));
    assert.equal(e.reason, reason);
    assert.match(e.message, message);
    return true;
  });
}

describe('gates file', () => {
  test('strings, objects and queries give the same gates as the flags', () => {
    const set = gatesFromDocument(
      {
        gates: [
          'error-rate<2%',
          { measure: 'latency-p95', op: '<=', value: 'stable*1.5' },
          { measure: 'requests', op: '>=', value: 100 },
          { measure: 'errors', op: '<', value: 0.5 },
        ],
        queries: { errors: Q },
      },
      'g.yaml',
    );
    assert.deepEqual(
      set.gates.map((g) => g.text),
      ['error-rate<2%', 'latency-p95<=stable*1.5', 'requests>=100', 'errors<0.5'],
    );
    assert.deepEqual(set.queries, [{ name: 'errors', template: Q }]);
  });

  const bad: Array<[string, unknown, string, RegExp]> = [
    ['not a mapping', ['error-rate<2%'], 'InvalidGatesFile', /expected a mapping/],
    ['null', null, 'InvalidGatesFile', /expected a mapping/],
    ['unknown key', { gates: ['requests>=1'], gate: [] }, 'InvalidGatesFile', /unknown key "gate"/],
    ['no gates', { queries: {} }, 'InvalidGatesFile', /non-empty list/],
    ['empty gates', { gates: [] }, 'InvalidGatesFile', /non-empty list/],
    [
      'too many',
      { gates: Array.from({ length: 101 }, (_, i) => `requests>=${i}`) },
      'InvalidGatesFile',
      /more than 100/,
    ],
    ['bad entry type', { gates: ['requests>=1', 7] }, 'InvalidGatesFile', /gates\[1\] must be a string/],
    [
      'unknown entry key',
      { gates: [{ measure: 'requests', op: '>=', value: 1, x: 1 }] },
      'InvalidGatesFile',
      /gates\[0\] has an unknown key "x"/,
    ],
    ['missing op', { gates: [{ measure: 'requests', value: 1 }] }, 'InvalidGatesFile', /gates\[0\]\.op/],
    ['missing measure', { gates: [{ op: '<', value: 1 }] }, 'InvalidGatesFile', /gates\[0\]\.measure/],
    ['missing value', { gates: [{ measure: 'requests', op: '>=' }] }, 'InvalidGatesFile', /gates\[0\]\.value/],
    [
      'bad gate',
      { gates: ['requests>=1', 'error-rate<2'] },
      'InvalidGate',
      /^invalid gates\[1\] in "g.yaml" "error-rate<2"/,
    ],
    [
      'number without %',
      { gates: [{ measure: 'error-rate', op: '<', value: 2 }] },
      'InvalidGate',
      /gates\[0\].*percentage/,
    ],
    ['huge number', { gates: [{ measure: 'requests', op: '>=', value: 1e21 }] }, 'InvalidGate', /whole number/],
    ['unknown measure', { gates: ['cpu<1'] }, 'UnknownMeasure', /gates\[0\].*unknown measure "cpu"/],
    [
      'queries not a map',
      { gates: ['requests>=1'], queries: ['x'] },
      'InvalidGatesFile',
      /"queries" must be a mapping/,
    ],
    ['query not a string', { gates: ['requests>=1'], queries: { q: 1 } }, 'InvalidGatesFile', /queries\."q" must be/],
    ['reserved query', { gates: ['requests>=1'], queries: { requests: Q } }, 'InvalidGateQuery', /built-in name/],
    ['bad query', { gates: ['requests>=1'], queries: { q: 'x' } }, 'InvalidGateQuery', /queries\."q" in "g.yaml"/],
  ];
  for (const [name, doc, reason, message] of bad) {
    test(`refuses: ${name}`, () => usage(() => gatesFromDocument(doc, 'g.yaml'), reason, message));
  }

  test('a hostile file name is quoted escaped', () => {
    usage(() => gatesFromDocument(null, 'g\x1b[2J.yaml'), 'InvalidGatesFile', /"g\\x1b\[2J\.yaml"/);
  });
});

describe('combining flags and file', () => {
  test('a --gate may use a query of the file or of --gate-query', () => {
    const file = gatesFromDocument({ gates: ['requests>=50'], queries: { fq: Q } }, 'g.yaml');
    const set = combineGates({ file, queryFlags: [`cq=${Q}`], gateFlags: ['fq<1', 'cq>=stable*2', 'error-rate<1%'] });
    assert.deepEqual(
      set.gates.map((g) => g.text),
      ['requests>=50', 'fq<1', 'cq>=stable*2', 'error-rate<1%'],
    );
    assert.deepEqual(
      set.queries.map((q) => q.name),
      ['fq', 'cq'],
    );
  });

  test('nothing given: no gates', () => assert.deepEqual(combineGates({}), { gates: [], queries: [] }));

  test('a query name twice is refused', () => {
    const file = gatesFromDocument({ gates: ['requests>=50'], queries: { q: Q } }, 'g.yaml');
    usage(() => combineGates({ file, queryFlags: [`q=${Q}`] }), 'InvalidGateQuery', /defines "q" more than once/);
    usage(() => combineGates({ queryFlags: [`q=${Q}`, `q=${Q}`] }), 'InvalidGateQuery', /more than once/);
  });

  test('the same gate twice is refused, spacing aside', () => {
    usage(
      () => combineGates({ gateFlags: ['error-rate<2%', 'error-rate < 2%'] }),
      'InvalidGate',
      /"error-rate<2%" is given more than once/,
    );
  });

  test('a gate on an undefined custom measure is an unknown measure', () => {
    usage(() => combineGates({ gateFlags: ['cq<1'] }), 'UnknownMeasure', /unknown measure "cq"/);
  });
});
