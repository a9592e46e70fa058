// The live view's pure parts: the lines of a view model (cluster strings escaped, 7-bit without a sparkline,
// cut to the terminal's width), the sparkline, and the in-place redraw of LiveRegion (cursor escapes only on a
// terminal, nothing written for an unchanged block).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { LiveView } from '../../src/core/views/live-view.js';
import { pushBounded } from '../../src/core/views/live-view.js';
import { LiveRegion } from '../../src/ui/live-region.js';
import { formatLatency, renderLiveView } from '../../src/ui/live-view.js';
import { sparkline } from '../../src/ui/sparkline.js';
import { displayWidth } from '../../src/ui/text-width.js';

// eslint-disable-next-line no-control-regex
const ESC = /[\u0000-\u0008\u000b-\u001f\u007f]/;

const view = (): LiveView => ({
  name: 'hello',
  namespace: 'default',
  url: 'http://hello.default.example.com/\u001b]0;pwned\u0007',
  ready: { status: 'Unknown', reason: 'Evil\u001b[2J' },
  latestReadyRevisionName: 'hello-00002',
  traffic: [
    { revisionName: 'hello-00001', tag: 'stable', percent: 90, latestRevision: false },
    { revisionName: 'hello-00002', tag: 'candidate', percent: 10, latestRevision: false },
  ],
  readiness: { 'hello-00001': 'True', 'hello-00002': 'Unknown' },
  rollout: {
    phase: 'split',
    id: 'hello-1',
    percent: 10,
    updatedBy: 'mallory\u001b[31m',
    stable: { revisionName: 'hello-00001', tag: 'stable' },
    candidate: { revisionName: 'hello-00002', tag: 'candidate' },
    drift: [],
  },
  metrics: {
    prometheus: 'http://prom:9090',
    windowSeconds: 60,
    revisions: [
      {
        name: 'hello-00001',
        role: 'stable',
        percent: 90,
        tags: ['stable'],
        latest: { requestRate: 9.04, errorRate: 0, p95Ms: 21.4 },
        history: [1, 2, undefined, 4],
      },
      { name: 'hello-00002', role: 'candidate', percent: 10, tags: ['candidate'], history: [] },
    ],
    error: 'Prometheus at http://prom:9090 answered \u001b[2Jboom',
  },
});

describe('renderLiveView', () => {
  test('a pipe: ASCII bars, no sparkline, every cluster and Prometheus string escaped', () => {
    const lines = renderLiveView(view());
    const text = lines.join('\n');
    assert.doesNotMatch(text, ESC);
    assert.match(text, /^URL: {5}http:\/\/hello\.default\.example\.com\/\\x1b\]0;pwned\\x07$/m);
    assert.match(text, /^Ready: {3}Unknown \(Evil\\x1b\[2J\)$/m);
    assert.match(text, /^Rollout: split 10% to the candidate \(rollout hello-1, by mallory\\x1b\[31m\)$/m);
    assert.match(text, /hello-00001\s+stable\s+#{18}\.{2}\s+90%\s+True/);
    assert.match(text, /^REVISION\s+ROLE\s+TRAFFIC\s+RATE\s+ERRORS\s+P95$/m);
    assert.match(text, /^hello-00001\s+stable\s+90%\s+9\.0\/s\s+0\.0%\s+21ms$/m);
    assert.match(text, /^hello-00002\s+candidate\s+10%\s+-\s+-\s+-$/m);
    assert.match(text, /^Prometheus error: Prometheus at http:\/\/prom:9090 answered \\x1b\[2Jboom$/m);
  });

  test('a terminal: a sparkline column, and no line wider than the terminal', () => {
    const lines = renderLiveView(view(), { unicode: true, maxWidth: 60, sparklineWidth: 30 });
    for (const l of lines) assert.ok(displayWidth(l) <= 60, `${displayWidth(l)}: ${l}`);
    const wide = renderLiveView(view(), { unicode: true, maxWidth: 200, sparklineWidth: 30 }).join('\n');
    assert.match(wide, /TREND/);
    assert.match(wide, /hello-00001 .* 21ms {3}▃▅ █$/m);
  });

  test('latencies: milliseconds, seconds, +Inf, no data', () => {
    assert.deepEqual(
      [formatLatency(12.4), formatLatency(1250), formatLatency(Infinity), formatLatency(undefined)],
      ['12ms', '1.25s', '+Inf', '-'],
    );
  });
});

describe('sparkline and the sample ring', () => {
  test('scaled from 0 to the largest sample shown; a failed sample is a gap; zeros stay at the bottom', () => {
    assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█');
    assert.equal(sparkline([0, 0, 0]), '▁▁▁');
    assert.equal(sparkline([2, undefined, 4]), '▅ █');
    assert.equal(sparkline([100, 1, 1], 2), '██');
  });

  test('the ring keeps the last N', () => {
    let ring: number[] = [];
    for (let i = 0; i < 5; i++) ring = pushBounded(ring, i, 3);
    assert.deepEqual(ring, [2, 3, 4]);
  });
});

class Sink extends Writable {
  text = '';
  writes = 0;
  override _write(chunk: unknown, _e: BufferEncoding, cb: () => void): void {
    this.text += String(chunk);
    this.writes++;
    cb();
  }
}

describe('LiveRegion', () => {
  test('a pipe: a new block after a blank line, nothing for an unchanged block, no escapes', () => {
    const out = new Sink();
    const r = new LiveRegion(out, false);
    assert.equal(r.show(['a', 'b']), true);
    assert.equal(r.show(['a', 'b']), false);
    assert.equal(r.show(['a', 'c']), true);
    assert.equal(out.text, 'a\nb\n\na\nc\n');
  });

  test('a terminal: cursor up over the last block, each line cleared, the rest of a longer old block cleared', () => {
    const out = new Sink();
    const r = new LiveRegion(out, true);
    r.show(['one', 'two', 'three']);
    r.show(['one', 'two', 'three']);
    r.show(['uno']);
    assert.equal(out.writes, 2);
    assert.equal(out.text, '\u001b[2Kone\n\u001b[2Ktwo\n\u001b[2Kthree\n' + '\r\u001b[3A\u001b[2Kuno\n\u001b[J');
  });

  test('a block taller than the terminal is cut and counted, so the cursor-up never passes the top', () => {
    const out = new Sink();
    let rows = 5;
    const r = new LiveRegion(out, true, () => rows);
    const block = Array.from({ length: 10 }, (_, i) => `line ${i}`);
    r.show(block);
    const first = out.text;
    assert.equal(first.split('\n').length - 1, 4, 'the block leaves one row for the cursor');
    // eslint-disable-next-line no-control-regex
    assert.match(first, /line 2\n\u001b\[2K\(7 more lines: a taller terminal shows them\)\n$/);
    rows = 30;
    r.show(block);
    // eslint-disable-next-line no-control-regex
    assert.match(out.text.slice(first.length), /^\r\u001b\[4A/, 'up over the 4 lines shown, not the 10 given');
    assert.match(out.text, /line 9\n/, 'all lines once the terminal is tall enough');
    // A pipe is never cut, whatever the height says.
    const pipe = new Sink();
    new LiveRegion(pipe, false, () => 3).show(block);
    assert.equal(pipe.text.split('\n').length - 1, 10);
  });
});
