import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stripAnsi } from '../../src/ui/colors.js';
import { IOStreams } from '../../src/ui/iostreams.js';
import { describeCondition, startProgress, withProgress } from '../../src/ui/progress.js';

const waiting = {
  type: 'Ready',
  status: 'Unknown' as const,
  reason: 'RevisionMissing',
  message: 'Configuration "hello" is waiting for a Revision to become ready.',
};

describe('plain progress (pipes, CI)', () => {
  test('one line when the wait starts and one when it ends, whatever changed in between; nothing on stdout', async () => {
    const io = IOStreams.test({ stdoutTTY: false, stderrTTY: false });
    const p = await startProgress(io, 'Waiting for hello');
    p.updateCondition(waiting);
    p.updateCondition({ ...waiting, message: 'Revision "hello-00002" is not ready yet' });
    p.update('hello-00002 is ready');
    p.log('note: tag v2 routed');
    p.succeed('hello is ready');
    p.update('after the end'); // ignored
    p.fail('ignored too');
    assert.equal(io.stdout, '');
    assert.equal(io.stderr, ['Waiting for hello', 'note: tag v2 routed', '✓ hello is ready', ''].join('\n'));
  });

  test('a failure or warning ends with the last condition seen, so the log says why', async () => {
    const io = IOStreams.test();
    const p = await startProgress(io, 'Waiting for hello');
    p.update('first');
    p.updateCondition(waiting);
    p.fail();
    const q = await startProgress(io, 'Waiting for shop');
    q.warn();
    const r = await startProgress(io, 'Waiting for cart');
    r.update('\u001b[2Jcleared');
    r.fail('cart failed');
    assert.equal(
      io.stderr,
      [
        'Waiting for hello',
        '✗ Waiting for hello: Configuration "hello" is waiting for a Revision to become ready.',
        'Waiting for shop',
        '! Waiting for shop',
        'Waiting for cart',
        '✗ cart failed',
        '',
      ].join('\n'),
    );
  });

  test('CI turns the spinner off even on terminals', async () => {
    const io = IOStreams.test({ stdoutTTY: true, stderrTTY: true, env: { CI: '1' } });
    const p = await startProgress(io, 'Waiting');
    p.fail();
    assert.equal(io.stderr, 'Waiting\n✗ Waiting\n');
  });

  test('stop ends without a final line; warn uses !', async () => {
    const io = IOStreams.test();
    const p = await startProgress(io, 'A');
    p.stop();
    p.succeed();
    const q = await startProgress(io, 'B');
    q.warn('B took long');
    assert.equal(io.stderr, 'A\nB\n! B took long\n');
  });
});

describe('spinner progress (terminals)', () => {
  test('draws on stderr with the current text, logs above it, and persists the result', async () => {
    const io = IOStreams.test({ stdoutTTY: true, stderrTTY: true });
    const p = await startProgress(io, 'Waiting for hello');
    p.updateCondition(waiting);
    p.log('note: tag v2 routed');
    p.succeed('hello is ready');
    const err = stripAnsi(io.stderr);
    assert.equal(io.stdout, '');
    assert.match(err, /Waiting for hello: Configuration "hello" is waiting/);
    assert.match(err, /note: tag v2 routed\n/);
    assert.match(err, /✓ hello is ready\n$/);
    assert.ok(io.stderr.includes('\u001b['), 'a spinner repaints with escape codes');
  });
});

describe('withProgress', () => {
  test('succeeds with the result text', async () => {
    const io = IOStreams.test();
    const v = await withProgress(
      io,
      'Pinning',
      async () => 42,
      (n) => `pinned (${n})`,
    );
    assert.equal(v, 42);
    assert.equal(io.stderr, 'Pinning\n✓ pinned (42)\n');
  });

  test('fails and rethrows, also with a live spinner', async () => {
    const io = IOStreams.test({ stdoutTTY: true, stderrTTY: true });
    await assert.rejects(
      withProgress(io, 'Pinning', async () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.match(stripAnsi(io.stderr), /✗ Pinning\n$/);
  });
});

test('describeCondition', () => {
  assert.equal(describeCondition(waiting), waiting.message);
  assert.equal(
    describeCondition({ type: 'Ready', status: 'False', reason: 'RevisionFailed' }),
    'Ready=False (RevisionFailed)',
  );
  assert.equal(describeCondition({ type: 'Ready', status: 'True' }), 'Ready=True');
});
