// The work queue's ordering rules, on a manual clock: each test moves the clock past the due
// times it cares about and asserts which passes ran, in which order, and at what simulated time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../../src/sim/knative/queue.js';
import { ManualClock, T0 } from '../clock.js';

test('adding a waiting key again coalesces into one pass', () => {
  const clock = new ManualClock();
  const runs: string[] = [];
  const q = new WorkQueue((k) => (runs.push(k), { wrote: false }), { dwellMs: 0, clock });
  q.add('a', 5);
  q.add('a', 5);
  q.add('a', 1);
  clock.advance(1_000);
  q.stop();
  assert.deepEqual(runs, ['a']);
});

test('after a pass that wrote, the key waits its dwell; other keys go first', () => {
  const clock = new ManualClock();
  const runs: string[] = [];
  const q: WorkQueue = new WorkQueue(
    (k) => {
      runs.push(`${k}@${clock.now() - T0}`);
      // The pass's own write re-queues it at once, as the change feed would.
      if (k === 'a' && runs.filter((r) => r.startsWith('a')).length === 1) q.add('a', 0);
      return { wrote: k === 'a' };
    },
    { dwellMs: 60, clock },
  );
  q.add('a', 0);
  q.add('b', 20);
  clock.advance(1_000);
  q.stop();
  assert.deepEqual(runs, ['a@0', 'b@20', 'a@60']);
});

test('a throwing pass is retried with backoff and reported', () => {
  const clock = new ManualClock();
  let n = 0;
  const errors: string[] = [];
  const runs: number[] = [];
  const q = new WorkQueue(
    () => {
      runs.push(clock.now() - T0);
      n++;
      if (n < 3) throw new Error(`boom ${n}`);
      return { wrote: false };
    },
    { dwellMs: 0, clock, onError: (k, e) => errors.push(`${k}: ${(e as Error).message}`) },
  );
  q.add('x', 0);
  // Success on the third pass: nothing runs `x` again, however far the clock moves.
  clock.advance(60_000);
  q.stop();
  assert.deepEqual(runs, [0, 40, 120]);
  assert.deepEqual(errors, ['x: boom 1', 'x: boom 2']);
});

test('requeueAfterMs runs the key again; stop() ends everything', () => {
  const clock = new ManualClock();
  let n = 0;
  const q = new WorkQueue(() => (n++, { wrote: false, requeueAfterMs: 5 }), { dwellMs: 0, clock });
  q.add('r', 0);
  clock.advance(12);
  assert.equal(n, 3);
  q.stop();
  q.add('r', 0);
  clock.advance(1_000);
  assert.equal(n, 3);
});
