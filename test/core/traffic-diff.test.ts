// pairTraffic / diffTraffic: the one before/after pairing used by plans (-o json diff) and by the
// plan tables of src/ui (which render the pairs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TrafficTarget } from '../../src/core/knative-types.js';
import { diffTraffic, pairTraffic } from '../../src/core/traffic.js';
import { after, before } from '../helpers/traffic-fixtures.js';

describe('pairTraffic', () => {
  test('pairs by revision and tag, then by revision; removed last', () => {
    const rows = pairTraffic(before, after);
    assert.deepEqual(
      rows.map((r) => r.change),
      ['changed', 'changed', 'added', 'removed'],
    );
    assert.equal(rows[0].before, before[0]);
    assert.equal(rows[0].after, after[0]);
    assert.equal(rows[2].before, undefined);
    assert.equal(rows[3].before, before[2]);
  });

  test('identical lists are all unchanged; omitted percent equals 0', () => {
    assert.deepEqual(
      pairTraffic(
        before,
        before.map((t) => ({ ...t })),
      ).map((r) => r.change),
      ['unchanged', 'unchanged', 'unchanged'],
    );
    assert.deepEqual(
      pairTraffic([{ revisionName: 'a' }], [{ revisionName: 'a', percent: 0 }]).map((r) => r.change),
      ['unchanged'],
    );
  });

  test('pinning replaces @latest with a named revision', () => {
    const rows = pairTraffic(
      [{ latestRevision: true, percent: 100 }],
      [{ revisionName: 'hello-00001', latestRevision: false, percent: 100 }],
    );
    assert.deepEqual(
      rows.map((r) => r.change),
      ['added', 'removed'],
    );
  });

  test('the same revision twice (untagged and tagged) pairs one to one', () => {
    const two: TrafficTarget[] = [
      { revisionName: 'b', percent: 100 },
      { revisionName: 'b', tag: 'v2', percent: 0 },
    ];
    assert.deepEqual(
      pairTraffic(two, [two[1], two[0]]).map((r) => r.change),
      ['unchanged', 'unchanged'],
    );
  });
});

describe('diffTraffic (flat rows of the same pairs)', () => {
  test('percent before and after, the tag after, and beforeTag only for a re-tag', () => {
    assert.deepEqual(diffTraffic(before, after), [
      {
        latestRevision: false,
        change: 'changed',
        tag: 'blue',
        beforeTag: null,
        revisionName: 'hello-00001',
        before: 100,
        after: 50,
      },
      { latestRevision: false, change: 'changed', tag: 'v2', revisionName: 'hello-00002', before: 0, after: 50 },
      { latestRevision: true, change: 'added', tag: 'latest', after: 0 },
      { latestRevision: false, change: 'removed', tag: 'old', revisionName: 'hello-00000', before: 0 },
    ]);
  });

  test('promote re-tags the old stable revision as previous (one changed row, not a remove and an add)', () => {
    const b: TrafficTarget[] = [
      { tag: 'stable', revisionName: 'a', percent: 0 },
      { revisionName: 'b', percent: 100 },
      { tag: 'candidate', revisionName: 'b', percent: 0 },
    ];
    const a: TrafficTarget[] = [
      { tag: 'previous', revisionName: 'a', percent: 0 },
      { tag: 'candidate', revisionName: 'b', percent: 100 },
    ];
    assert.deepEqual(
      diffTraffic(b, a).map((r) => [r.change, r.beforeTag, r.tag, r.revisionName, r.before, r.after]),
      [
        ['changed', 'stable', 'previous', 'a', 0, 0],
        ['changed', undefined, 'candidate', 'b', 0, 100],
        ['removed', undefined, undefined, 'b', 100, undefined],
      ],
    );
  });
});
