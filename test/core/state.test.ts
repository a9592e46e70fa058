import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RefusedError } from '../../src/core/errors.js';
import {
  HISTORY_LIMIT,
  StateAnnotations,
  decodeHistory,
  decodeState,
  encodeHistory,
  encodeState,
  newRolloutId,
  readState,
  recordHistory,
} from '../../src/core/state.js';
import { resumeIntent } from '../../src/core/phase.js';
import { state, svc } from './fixtures.js';

describe('rollout state encode/decode', () => {
  const roundTrips = [
    { name: 'staged', st: state() },
    {
      name: 'deployed without candidate revision',
      st: state({ phase: 'deployed', candidate: { tag: 'v2' }, image: 'img:v2' }),
    },
    { name: 'split with steps', st: state({ phase: 'split', percents: [10, 50], levelIndex: 1, percent: 50 }) },
    { name: 'promoted with previous tag', st: state({ phase: 'promoted', percent: 100, previousTag: 'previous' }) },
    { name: 'aborted with reason', st: state({ phase: 'aborted', reason: 'aborted by bob' }) },
  ];
  for (const c of roundTrips) {
    test(`round trip: ${c.name}`, () => {
      const raw = encodeState(c.st);
      assert.equal(JSON.parse(raw).v, 1);
      assert.deepEqual(decodeState(raw), c.st);
    });
  }

  const garbage: Array<{ name: string; raw: string; want: RegExp }> = [
    { name: 'not JSON', raw: '{phase: staged', want: /not JSON/ },
    { name: 'a string', raw: '"staged"', want: /expected a JSON object/ },
    { name: 'an array', raw: '[]', want: /expected a JSON object/ },
    { name: 'null', raw: 'null', want: /expected a JSON object/ },
    {
      name: 'unknown version',
      raw: JSON.stringify({ ...JSON.parse(encodeState(state())), v: 2 }),
      want: /unsupported version 2/,
    },
    {
      name: 'unknown phase',
      raw: JSON.stringify({ ...JSON.parse(encodeState(state())), phase: 'half-done' }),
      want: /phase: must be one of/,
    },
    {
      name: 'bad stable revision',
      raw: JSON.stringify({ ...JSON.parse(encodeState(state())), stable: { revision: 'Hello_1', tag: 'stable' } }),
      want: /stable.revision/,
    },
    {
      name: 'missing stable',
      raw: JSON.stringify({ ...JSON.parse(encodeState(state())), stable: undefined }),
      want: /stable: must be an object/,
    },
    {
      name: 'bad tag',
      raw: JSON.stringify({ ...JSON.parse(encodeState(state())), candidate: { revision: 'hello-00002', tag: 'V2' } }),
      want: /candidate.tag/,
    },
    {
      name: 'percent out of range',
      raw: JSON.stringify({ ...JSON.parse(encodeState(state())), percent: 150 }),
      want: /percent/,
    },
    {
      name: 'percent not integer',
      raw: JSON.stringify({ ...JSON.parse(encodeState(state())), percent: 10.5 }),
      want: /percent/,
    },
    {
      name: 'percents decreasing',
      raw: JSON.stringify({ ...JSON.parse(encodeState(state())), percents: [50, 10] }),
      want: /percents: must be increasing/,
    },
    {
      name: 'levelIndex out of range',
      raw: JSON.stringify({ ...JSON.parse(encodeState(state())), percents: [10], levelIndex: 3 }),
      want: /levelIndex: out of range/,
    },
    {
      name: 'old keys: steps decreasing',
      raw: JSON.stringify(oldKeys(state(), { steps: [50, 10], step: -1 })),
      want: /percents: must be increasing/,
    },
    {
      name: 'old keys: step out of range',
      raw: JSON.stringify(oldKeys(state(), { steps: [10], step: 3 })),
      want: /levelIndex: out of range/,
    },
    { name: 'no levels at all', raw: JSON.stringify(oldKeys(state(), {})), want: /percents: must be increasing/ },
    {
      name: 'missing who',
      raw: JSON.stringify({ ...JSON.parse(encodeState(state())), startedBy: '' }),
      want: /startedBy/,
    },
  ];
  for (const c of garbage) {
    test(`garbage: ${c.name}`, () => {
      assert.throws(
        () => decodeState(c.raw, 'hello'),
        (err: unknown) =>
          err instanceof RefusedError &&
          err.reason === 'InvalidRolloutState' &&
          c.want.test(err.message) &&
          /bgctl.dev\/rollout on service "hello"/.test(err.message) &&
          /kubectl annotate ksvc hello bgctl.dev\/rollout-/.test(err.hint ?? ''),
      );
    });
  }
});

/** A record as bgctl wrote it before the keys were renamed: `steps` and `step` for `percents` and `levelIndex`. */
function oldKeys(st: ReturnType<typeof state>, levels: { steps?: unknown; step?: unknown }): Record<string, unknown> {
  const { percents: _p, levelIndex: _l, ...rest } = JSON.parse(encodeState(st));
  return { ...rest, ...levels };
}

describe('records written under the old keys (steps, step)', () => {
  const st = state({ phase: 'split', percents: [10, 50, 100], levelIndex: 1, percent: 50 });
  test('new records carry percents and levelIndex, and no step or steps', () => {
    const raw = JSON.parse(encodeState(st));
    assert.deepEqual([raw.percents, raw.levelIndex], [[10, 50, 100], 1]);
    assert.ok(!('steps' in raw) && !('step' in raw), JSON.stringify(raw));
  });
  test('an old record decodes to the same state', () => {
    const raw = JSON.stringify(oldKeys(st, { steps: [10, 50, 100], step: 1 }));
    assert.deepEqual(decodeState(raw, 'hello'), st);
  });
  test('an old record is written back under the new keys', () => {
    const raw = JSON.stringify(oldKeys(st, { steps: [10, 50, 100], step: 1 }));
    assert.deepEqual(JSON.parse(encodeState(decodeState(raw))), JSON.parse(encodeState(st)));
  });
  test('an old record in the history decodes too', () => {
    const old = oldKeys(state({ id: 'old', phase: 'promoted', percents: [50], levelIndex: 0, percent: 100 }), {
      steps: [50],
      step: 0,
    });
    const [h] = decodeHistory(JSON.stringify([old]), 'hello');
    assert.deepEqual([h.id, h.percents, h.levelIndex], ['old', [50], 0]);
  });
  test('an open rollout recorded under the old keys resumes at its next level', () => {
    const t = (tag: string, n: number, percent: number) => ({
      tag,
      revisionName: `hello-0000${n}`,
      latestRevision: false,
      percent,
    });
    const s = svc({ traffic: [t('stable', 1, 90), t('candidate', 2, 10)] });
    s.metadata.annotations = {
      ...s.metadata.annotations,
      [StateAnnotations.rollout]: JSON.stringify(
        oldKeys(state({ phase: 'split', percent: 10 }), { steps: [10, 50], step: 0 }),
      ),
    };
    assert.deepEqual(resumeIntent(s).intent, { rolloutId: 'hello-1', kind: 'split', percent: 50 });
  });
});

describe('history', () => {
  test('round trip', () => {
    const h = [state({ id: 'b', phase: 'promoted', percent: 100 }), state({ id: 'a', phase: 'aborted' })];
    assert.deepEqual(decodeHistory(encodeHistory(h)), h);
  });
  test('recordHistory replaces by id and prepends new ones', () => {
    const h = [state({ id: 'a', phase: 'promoted' })];
    const h2 = recordHistory(h, state({ id: 'a', phase: 'rolled-back' }));
    assert.deepEqual(
      h2.map((s) => [s.id, s.phase]),
      [['a', 'rolled-back']],
    );
    const h3 = recordHistory(h2, state({ id: 'b', phase: 'aborted' }));
    assert.deepEqual(
      h3.map((s) => s.id),
      ['b', 'a'],
    );
  });
  test(`bounded to ${HISTORY_LIMIT}`, () => {
    let h = [] as ReturnType<typeof state>[];
    for (let i = 0; i < 15; i++) h = recordHistory(h, state({ id: `r${i}`, phase: 'promoted' }));
    assert.equal(h.length, HISTORY_LIMIT);
    assert.equal(h[0].id, 'r14');
    assert.equal(decodeHistory(encodeHistory(h)).length, HISTORY_LIMIT);
  });
  for (const [name, raw, re] of [
    ['not JSON', 'nope', /not JSON/],
    ['object', '{}', /JSON array/],
    ['bad entry', '[{"v":1}]', /entry 0/],
  ] as const) {
    test(`garbage: ${name}`, () =>
      assert.throws(
        () => decodeHistory(raw, 'hello'),
        (e: unknown) => e instanceof RefusedError && re.test(e.message),
      ));
  }
});

describe('readState', () => {
  test('no annotations', () => assert.deepEqual(readState(svc()), { history: [] }));
  test('valid state and history', () => {
    const r = readState(svc({ state: state(), history: [state({ id: 'old', phase: 'promoted' })] }));
    assert.equal(r.state?.id, 'hello-1');
    assert.equal(r.history[0].id, 'old');
    assert.equal(r.error, undefined);
  });
  test('hand-edited garbage is reported, not thrown', () => {
    const r = readState(
      svc({ annotations: { [StateAnnotations.rollout]: '{"phase":"split"', [StateAnnotations.history]: 'x' } }),
    );
    assert.equal(r.state, undefined);
    assert.ok(r.error instanceof RefusedError);
    assert.match(r.historyError ?? '', /bgctl.dev\/history/);
  });
  test('rollout ids come from the clock string', () => {
    assert.equal(newRolloutId('2026-11-26T12:00:00Z', 'hello'), 'hello-20261126120000');
  });
});
