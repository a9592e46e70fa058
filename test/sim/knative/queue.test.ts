// The work queue's ordering rules. Assertions are about order, never about elapsed time: each
// test waits (with a generous deadline) for the passes it expects, and proves that something did
// NOT run by scheduling a later sentinel key and waiting for that instead of sleeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../../src/sim/knative/queue.js';
import { until } from '../wait.js';

test('adding a waiting key again coalesces into one pass', async () => {
  const runs: string[] = [];
  const q = new WorkQueue((k) => (runs.push(k), { wrote: false }), { dwellMs: 0 });
  q.add('a', 5);
  q.add('a', 5);
  q.add('a', 1);
  // Keys run in due order, so once the later sentinel ran every pass of `a` has run too.
  q.add('z', 30);
  await until(() => runs.includes('z'), 'the sentinel pass');
  q.stop();
  assert.deepEqual(runs, ['a', 'z']);
});

test('after a pass that wrote, the key waits its dwell; other keys go first', async () => {
  const runs: string[] = [];
  const q: WorkQueue = new WorkQueue(
    (k) => {
      runs.push(k);
      // The pass's own write re-queues it at once, as the change feed would.
      if (k === 'a' && runs.filter((r) => r === 'a').length === 1) q.add('a', 0);
      return { wrote: k === 'a' };
    },
    { dwellMs: 60 },
  );
  q.add('a', 0);
  q.add('b', 20);
  await until(() => runs.length >= 3, 'three passes');
  q.stop();
  assert.deepEqual(runs, ['a', 'b', 'a']);
});

test('a throwing pass is retried and reported', async () => {
  let n = 0;
  const errors: string[] = [];
  const runs: string[] = [];
  const q: WorkQueue = new WorkQueue(
    (k) => {
      runs.push(k);
      if (k !== 'x') return { wrote: false };
      n++;
      if (n < 3) throw new Error(`boom ${n}`);
      // Success: nothing may run `x` again; the sentinel is due after any backoff would be.
      q.add('z', 400);
      return { wrote: false };
    },
    { dwellMs: 0, onError: (k, e) => errors.push(`${k}: ${(e as Error).message}`) },
  );
  q.add('x', 0);
  await until(() => runs.includes('z'), 'the sentinel pass');
  q.stop();
  assert.deepEqual(runs, ['x', 'x', 'x', 'z']);
  assert.deepEqual(errors, ['x: boom 1', 'x: boom 2']);
});

test('requeueAfterMs runs the key again; stop() ends everything', async () => {
  let n = 0;
  const q = new WorkQueue(() => (n++, { wrote: false, requeueAfterMs: 5 }), { dwellMs: 0 });
  q.add('r', 0);
  await until(() => n >= 2, 'a second pass');
  q.stop();
  const seen = n;
  q.add('r', 0);
  await new Promise((r) => setTimeout(r, 40));
  assert.equal(n, seen);
});
