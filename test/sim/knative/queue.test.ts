import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue } from '../../../src/sim/knative/queue.js';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('adding a waiting key again coalesces into one pass', async () => {
  const runs: string[] = [];
  const q = new WorkQueue((k) => (runs.push(k), { wrote: false }), { dwellMs: 0 });
  q.add('a', 5);
  q.add('a', 5);
  q.add('a', 1);
  await tick(40);
  q.stop();
  assert.deepEqual(runs, ['a']);
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
  await tick(150);
  q.stop();
  assert.deepEqual(runs, ['a', 'b', 'a']);
});

test('a throwing pass is retried and reported', async () => {
  let n = 0;
  const errors: string[] = [];
  const q = new WorkQueue(
    () => {
      n++;
      if (n < 3) throw new Error(`boom ${n}`);
      return { wrote: false };
    },
    { dwellMs: 0, onError: (k, e) => errors.push(`${k}: ${(e as Error).message}`) },
  );
  q.add('x', 0);
  await tick(300);
  q.stop();
  assert.equal(n, 3);
  assert.deepEqual(errors, ['x: boom 1', 'x: boom 2']);
});

test('requeueAfterMs runs the key again; stop() ends everything', async () => {
  let n = 0;
  const q = new WorkQueue(() => (n++, { wrote: false, requeueAfterMs: 5 }), { dwellMs: 0 });
  q.add('r', 0);
  await tick(60);
  q.stop();
  const seen = n;
  assert.ok(seen >= 2);
  await tick(40);
  assert.equal(n, seen);
});
