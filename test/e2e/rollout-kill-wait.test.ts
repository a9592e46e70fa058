// SIGKILL while the CLI waits for a slow revision (sim.bgctl.dev/ready-after): the deploy is
// recorded with the traffic still on stable, and --resume waits for the revision and completes.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { ensureBuilt } from '../helpers/pty.js';
import { createReadyService, getService, specTraffic } from '../commands/step-helpers.js';
import { readState } from '../../src/core/state.js';
import { assertCrashSafe, finish, rolloutKilledAt, watchTraffic } from './kill-helpers.js';

describe('rollout killed mid-wait', () => {
  before(() => ensureBuilt());
  const pg = usePlayground();

  test('killed while the new revision is not ready yet, resumed', async () => {
    const name = 'kill-wait';
    await createReadyService(pg.current, name);
    const watch = watchTraffic(pg.current, name);
    try {
      const run = await rolloutKilledAt(pg.current, name, 'deployed', [
        '--image',
        'ghcr.io/bgctl/hello:v2',
        '--annotation',
        'sim.bgctl.dev/ready-after=3s',
        '--no-verify',
        '--yes',
      ]);
      const svc = getService(pg.current, name);
      assert.equal(readState(svc).state?.phase, 'deployed');
      assert.notEqual(
        svc.status?.latestReadyRevisionName,
        `${name}-00002`,
        'the kill should land before the revision is ready',
      );
      assert.deepEqual(specTraffic(pg.current, name), [{ revisionName: `${name}-00001`, percent: 100 }]);
      const resumed = await finish(pg.current, ['rollout', name, '--resume', '--no-verify', '--yes']);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.match(resumed.stderr, /is ready/);
      assertCrashSafe(run, watch);
    } finally {
      watch.stop();
    }
    assert.equal(readState(getService(pg.current, name)).state?.phase, 'promoted');
    assert.deepEqual(specTraffic(pg.current, name), [
      { tag: 'candidate', revisionName: `${name}-00002`, percent: 100 },
      { tag: 'previous', revisionName: `${name}-00001`, percent: 0 },
    ]);
  });
});
