// The equivalent command of each wizard/pipeline step: a split judged by metric gates is `split --pause` with the
// same gates, so copying the line repeats the step and its analysis window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationWord, equivalentCommand } from '../../src/commands/rollout/commands.js';
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
