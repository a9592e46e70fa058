import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RefusedError } from '../../src/core/errors.js';
import { HISTORY_LIMIT, StateAnnotations, decodeHistory, decodeState, encodeHistory, encodeState, newRolloutId, readState, recordHistory } from '../../src/core/state.js';
import { state, svc } from './fixtures.js';

describe('rollout state encode/decode', () => {
  const roundTrips = [
    { name: 'staged', st: state() },
    { name: 'deployed without candidate revision', st: state({ phase: 'deployed', candidate: { tag: 'v2' }, image: 'img:v2' }) },
    { name: 'split with steps', st: state({ phase: 'split', steps: [10, 50], step: 1, percent: 50 }) },
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
    { name: 'unknown version', raw: JSON.stringify({ ...JSON.parse(encodeState(state())), v: 2 }), want: /unsupported version 2/ },
    { name: 'unknown phase', raw: JSON.stringify({ ...JSON.parse(encodeState(state())), phase: 'half-done' }), want: /phase: must be one of/ },
    { name: 'bad stable revision', raw: JSON.stringify({ ...JSON.parse(encodeState(state())), stable: { revision: 'Hello_1', tag: 'stable' } }), want: /stable.revision/ },
    { name: 'missing stable', raw: JSON.stringify({ ...JSON.parse(encodeState(state())), stable: undefined }), want: /stable: must be an object/ },
    { name: 'bad tag', raw: JSON.stringify({ ...JSON.parse(encodeState(state())), candidate: { revision: 'hello-00002', tag: 'V2' } }), want: /candidate.tag/ },
    { name: 'percent out of range', raw: JSON.stringify({ ...JSON.parse(encodeState(state())), percent: 150 }), want: /percent/ },
    { name: 'percent not integer', raw: JSON.stringify({ ...JSON.parse(encodeState(state())), percent: 10.5 }), want: /percent/ },
    { name: 'steps decreasing', raw: JSON.stringify({ ...JSON.parse(encodeState(state())), steps: [50, 10] }), want: /steps/ },
    { name: 'step out of range', raw: JSON.stringify({ ...JSON.parse(encodeState(state())), steps: [10], step: 3 }), want: /step: out of range/ },
    { name: 'missing who', raw: JSON.stringify({ ...JSON.parse(encodeState(state())), startedBy: '' }), want: /startedBy/ },
  ];
  for (const c of garbage) {
    test(`garbage: ${c.name}`, () => {
      assert.throws(
        () => decodeState(c.raw, 'hello'),
        (err: unknown) => err instanceof RefusedError && err.reason === 'InvalidRolloutState' && c.want.test(err.message) && /bgctl.dev\/rollout on service "hello"/.test(err.message) && /kubectl annotate ksvc hello bgctl.dev\/rollout-/.test(err.hint ?? ''),
      );
    });
  }
});

describe('history', () => {
  test('round trip', () => {
    const h = [state({ id: 'b', phase: 'promoted', percent: 100 }), state({ id: 'a', phase: 'aborted' })];
    assert.deepEqual(decodeHistory(encodeHistory(h)), h);
  });
  test('recordHistory replaces by id and prepends new ones', () => {
    const h = [state({ id: 'a', phase: 'promoted' })];
    const h2 = recordHistory(h, state({ id: 'a', phase: 'rolled-back' }));
    assert.deepEqual(h2.map((s) => [s.id, s.phase]), [['a', 'rolled-back']]);
    const h3 = recordHistory(h2, state({ id: 'b', phase: 'aborted' }));
    assert.deepEqual(h3.map((s) => s.id), ['b', 'a']);
  });
  test(`bounded to ${HISTORY_LIMIT}`, () => {
    let h = [] as ReturnType<typeof state>[];
    for (let i = 0; i < 15; i++) h = recordHistory(h, state({ id: `r${i}`, phase: 'promoted' }));
    assert.equal(h.length, HISTORY_LIMIT);
    assert.equal(h[0].id, 'r14');
    assert.equal(decodeHistory(encodeHistory(h)).length, HISTORY_LIMIT);
  });
  for (const [name, raw, re] of [['not JSON', 'nope', /not JSON/], ['object', '{}', /JSON array/], ['bad entry', '[{"v":1}]', /entry 0/]] as const) {
    test(`garbage: ${name}`, () => assert.throws(() => decodeHistory(raw, 'hello'), (e: unknown) => e instanceof RefusedError && re.test(e.message)));
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
    const r = readState(svc({ annotations: { [StateAnnotations.rollout]: '{"phase":"split"', [StateAnnotations.history]: 'x' } }));
    assert.equal(r.state, undefined);
    assert.ok(r.error instanceof RefusedError);
    assert.match(r.historyError ?? '', /bgctl.dev\/history/);
  });
  test('rollout ids come from the clock string', () => {
    assert.equal(newRolloutId('2026-11-26T12:00:00Z', 'hello'), 'hello-20261126120000');
  });
});
