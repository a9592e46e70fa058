// setLongTimeout chains timers instead of handing Node a delay it would cut to 1 ms. A fake timer
// API records the delays asked for; nothing waits.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIMER_MS, setLongTimeout, type TimerApi } from '../../src/kube/long-timer.js';

function fakeTimers() {
  const pending = new Map<number, () => void>();
  const delays: number[] = [];
  let next = 0;
  const api: TimerApi = {
    setTimeout: (fn, ms) => {
      delays.push(ms);
      pending.set(++next, fn);
      return next;
    },
    clearTimeout: (h) => pending.delete(h),
  };
  /** Fires the one pending timer. */
  const fire = () => {
    assert.equal(pending.size, 1, 'one timer at a time');
    const [[id, fn]] = [...pending];
    pending.delete(id);
    fn();
  };
  return { api, delays, pending, fire };
}

describe('setLongTimeout', () => {
  test('a delay Node can hold is one timer', () => {
    const t = fakeTimers();
    let fired = 0;
    setLongTimeout(() => fired++, 30_000, t.api);
    t.fire();
    assert.deepEqual(t.delays, [30_000]);
    assert.equal(fired, 1);
  });

  test('9999h is chained in timers Node can hold, and fires only after the last', () => {
    const t = fakeTimers();
    const ms = 9999 * 3_600_000;
    let fired = 0;
    setLongTimeout(() => fired++, ms, t.api);
    while (t.pending.size > 0) {
      assert.equal(fired, 0, 'fired before the whole delay');
      t.fire();
    }
    assert.equal(fired, 1);
    assert.ok(
      t.delays.every((d) => d >= 0 && d <= MAX_TIMER_MS),
      `a delay above ${MAX_TIMER_MS}: ${t.delays}`,
    );
    assert.equal(
      t.delays.reduce((a, b) => a + b, 0),
      ms,
    );
    assert.ok(t.delays.length > 1);
  });

  test('cancel stops a chain between two of its timers', () => {
    const t = fakeTimers();
    let fired = 0;
    const cancel = setLongTimeout(() => fired++, MAX_TIMER_MS * 3, t.api);
    t.fire();
    cancel();
    assert.equal(t.pending.size, 0);
    assert.equal(fired, 0);
  });

  for (const ms of [0, -5, Number.NaN]) {
    test(`${ms} is 0`, () => {
      const t = fakeTimers();
      setLongTimeout(() => {}, ms, t.api);
      assert.deepEqual(t.delays, [0]);
    });
  }
});
