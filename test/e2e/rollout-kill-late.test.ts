// SIGKILL at the later step boundaries (verified, split): the traffic is valid at every stored
// version; --resume completes a rollout killed after verification, --abort undoes one killed mid-split.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { ensureBuilt } from '../helpers/pty.js';
import { createReadyService, getService, specTraffic } from '../commands/step-helpers.js';
import { readState } from '../../src/core/state.js';
import { assertCrashSafe, finish, rolloutKilledAt, watchTraffic } from './kill-helpers.js';

describe('rollout killed late, then resumed or aborted', () => {
  before(() => ensureBuilt());
  const pg = usePlayground();
  const ROLLOUT = [
    '--image',
    'ghcr.io/bgctl/hello:v2',
    '--steps',
    '30,100',
    '--pause',
    '1s',
    '--requests',
    '3',
    '--yes',
  ];

  test('killed at verified, resumed to promoted', async () => {
    const name = 'kill-verified';
    await createReadyService(pg.current, name);
    const watch = watchTraffic(pg.current, name);
    try {
      const run = await rolloutKilledAt(pg.current, name, 'verified', ROLLOUT);
      assert.equal(readState(getService(pg.current, name)).state?.phase, 'verified');
      const resumed = await finish(pg.current, ['rollout', name, '--resume', '--yes']);
      assert.equal(resumed.code, 0, resumed.stderr);
      // The recorded verification is not repeated.
      assert.doesNotMatch(resumed.stderr, /Verifying/);
      assertCrashSafe(run, watch);
    } finally {
      watch.stop();
    }
    assert.equal(readState(getService(pg.current, name)).state?.phase, 'promoted');
    assert.equal(specTraffic(pg.current, name)[0].percent, 100);
  });

  test('killed at split (30%), aborted back to the stable revision', async () => {
    const name = 'kill-split';
    await createReadyService(pg.current, name);
    const watch = watchTraffic(pg.current, name);
    try {
      const run = await rolloutKilledAt(pg.current, name, 'split', ROLLOUT);
      assert.equal(readState(getService(pg.current, name)).state?.percent, 30);
      const aborted = await finish(pg.current, ['rollout', name, '--abort', '--yes']);
      assert.equal(aborted.code, 0, aborted.stderr);
      assertCrashSafe(run, watch);
    } finally {
      watch.stop();
    }
    assert.equal(readState(getService(pg.current, name)).state?.phase, 'aborted');
    assert.deepEqual(specTraffic(pg.current, name), [
      { tag: 'stable', revisionName: `${name}-00001`, percent: 100 },
      { tag: 'candidate', revisionName: `${name}-00002`, percent: 0 },
    ]);
  });
});
