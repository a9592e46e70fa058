// The equivalent command of each wizard/pipeline step: a split judged by metric gates is `split --pause` with the
// same gates, so copying the line repeats the step and its analysis window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { durationWord, equivalentCommand, shellQuote } from '../../src/commands/rollout/commands.js';
import { printable } from '../../src/ui/sanitize.js';
import { combineGates } from '../../src/core/gates/gate-set.js';
import { parseDuration } from '../../src/core/parse.js';

test('a judged split carries its pause, Prometheus (no credentials), queries, gates and interval', () => {
  const gates = combineGates({
    gateFlags: ['error-rate<=stable+1%', 'slow<0.5'],
    queryFlags: ['slow=sum(my_slow{revision="{{revision}}"})'],
  });
  const split = { kind: 'split', percent: 50 } as const;
  assert.equal(equivalentCommand(split, 'hello'), 'bgctl split hello --percent 50 --yes');
  assert.equal(
    equivalentCommand(split, 'hello', 'shop', {
      judged: { pauseMs: 120_000, gates, intervalMs: 10_000, prometheus: 'http://bob:secret@prom:9090' },
    }),
    'bgctl split hello -n shop --percent 50 --pause 2m --prometheus http://prom:9090 ' +
      `--gate-query 'slow=sum(my_slow{revision="{{revision}}"})' ` +
      "--gate 'error-rate<=stable+1%' --gate 'slow<0.5' --gate-interval 10s --yes",
  );
  // Without a Prometheus flag (BGCTL_PROMETHEUS_URL), none is written.
  assert.doesNotMatch(
    equivalentCommand(split, 'hello', undefined, { judged: { pauseMs: 5000, gates, intervalMs: 1000 } }),
    /--prometheus/,
  );
});

test('durations are written as --pause reads them back', () => {
  for (const ms of [1000, 90_000, 120_000, 3_600_000, 5_400_000, 1500]) {
    assert.equal(parseDuration(durationWord(ms)), ms, durationWord(ms));
  }
  assert.equal(durationWord(120_000), '2m');
  assert.equal(durationWord(90_000), '90s');
});

// The wizard prints the line through printable(): it must need no escaping there, and the shell must read back
// the very words (a multi-line query of a gates file, quotes, $(...), an escape sequence, bidi marks).
test('hostile words are quoted so the printed line is inert and the shell reads the same words back', () => {
  const words = [
    'slow=sum(\n  rate(my_slow{revision="{{revision}}"}[{{window}}])\n)\t',
    "it's $(touch /tmp/pwned) `id` \\n",
    'KEY=\u001b]0;title\u0007\u001b[2J\r\u0085',
    'a\u202eb\u2028c\\x41',
    '',
  ];
  for (const word of words) {
    const quoted = shellQuote(word);
    assert.equal(printable(quoted), quoted, `inert as printed: ${quoted}`);
    const back = execFileSync('bash', ['-c', `printf '%s' ${quoted}`], { env: { LC_ALL: 'C.UTF-8' } }).toString('utf8');
    assert.equal(back, word, quoted);
  }
  const gates = combineGates({
    gateFlags: ['slow<0.5'],
    queryFlags: ['slow=sum(\n  my_slow{revision="{{revision}}"})'],
  });
  const cmd = equivalentCommand({ kind: 'split', percent: 10 }, 'hello', undefined, {
    judged: { pauseMs: 60_000, gates, intervalMs: 5000 },
  });
  assert.match(cmd, /--gate-query \$'slow=sum\(\\n {2}my_slow\{revision="\{\{revision\}\}"\}\)'/);
});
