// SIGKILL at the early step boundaries (deployed, staged): the traffic is valid at every stored
// version, and `bgctl rollout --resume` completes the rollout from what the Service records.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { ensureBuilt } from '../helpers/pty.js';
import { createReadyService, getService, specTraffic } from '../commands/step-helpers.js';
import { readState } from '../../src/core/state.js';
import { assertCrashSafe, finish, rolloutKilledAt, watchTraffic } from './kill-helpers.js';

describe('rollout killed at a step boundary, then resumed', () => {
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

  for (const phase of ['deployed', 'staged']) {
    test(`killed at ${phase}`, async () => {
      const name = `kill-${phase}`;
      await createReadyService(pg.current, name);
      const watch = watchTraffic(pg.current, name);
      try {
        const run = await rolloutKilledAt(pg.current, name, phase, ROLLOUT);
        assert.equal(readState(getService(pg.current, name)).state?.phase, phase);
        const resumed = await finish(pg.current, ['rollout', name, '--resume', '--yes', '-o', 'json']);
        assert.equal(resumed.code, 0, resumed.stderr);
        assert.equal(JSON.parse(resumed.stdout).phase, 'promoted');
        assertCrashSafe(run, watch);
      } finally {
        watch.stop();
      }
      assert.deepEqual(specTraffic(pg.current, name), [
        { tag: 'candidate', revisionName: `${name}-00002`, percent: 100 },
        { tag: 'previous', revisionName: `${name}-00001`, percent: 0 },
      ]);
    });
  }
});
