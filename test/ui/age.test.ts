import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { age, humanDuration, timeCell } from '../../src/ui/age.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('humanDuration (apimachinery HumanDuration)', () => {
  const cases: Array<[number, string]> = [
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [-500, '0s'],
    [0, '0s'],
    [59 * s, '59s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [2 * m + 5 * s, '2m5s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 12 * m, '3h12m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [48 * h, '2d'],
    [2 * d + 4 * h, '2d4h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 5 * h, '8d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [2 * 365 * d + 40 * d, '2y40d'],
    [8 * 365 * d + 100 * d, '8y'],
  ];
  for (const [ms, want] of cases) test(`${ms}ms -> ${want}`, () => assert.equal(humanDuration(ms), want));
});

describe('age', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  test('from an RFC 3339 timestamp', () => {
    assert.equal(age('2026-11-26T11:55:00Z', now), '5m');
    assert.equal(age('2026-11-26T11:58:30Z', new Date(now)), '90s');
  });
  test('<unknown> when missing or garbage', () => {
    assert.equal(age(undefined, now), '<unknown>');
    assert.equal(age('', now), '<unknown>');
    assert.equal(age('yesterday', now), '<unknown>');
  });
  test('timeCell: relative on a terminal, the timestamp in pipes', () => {
    assert.equal(timeCell('2026-11-26T11:00:00Z', now, true), '60m');
    assert.equal(timeCell('2026-11-26T11:00:00Z', now, false), '2026-11-26T11:00:00Z');
    assert.equal(timeCell(undefined, now, false), '<unknown>');
  });
});
