// The wizard in a real pseudo-terminal, stopped halfway: "pause" exits 8 and leaves the rollout
// recorded on the Service; a second wizard offers to resume it and continues from that phase.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { ensureBuilt, Keys, spawnPty } from '../helpers/pty.js';
import { getService, specTraffic } from '../commands/step-helpers.js';
import { readState } from '../../src/core/state.js';

describe('bgctl rollout wizard: pause and resume (pseudo-terminal)', () => {
  before(() => ensureBuilt());
  const pg = usePlayground({ sample: 'hello' });
  const env = () => ({
    KUBECONFIG: pg.current.kubeconfigPath,
    BGCTL_INGRESS: pg.current.ingress,
    BGCTL_ACTOR: 'wizard',
  });
  const phase = () => readState(getService(pg.current, 'hello')).state?.phase;

  test('pause (exit 8), resume from the recorded phase, split 30%, then roll back', async () => {
    const w = spawnPty(['rollout', 'hello'], env());
    await w.waitFor('Pin service "hello" to its current revision?');
    w.type('y' + Keys.enter);
    await w.waitFor('The new revision');
    w.type(Keys.enter);
    await w.waitFor('Image of the new revision');
    w.type('ghcr.io/bgctl/hello:v2' + Keys.enter);
    await w.waitFor('Env changes');
    w.type(Keys.enter);
    await w.waitFor('Tag for the new revision');
    w.type(Keys.enter);
    await w.waitFor('Deploy ghcr.io/bgctl/hello:v2 as a new revision (at 0%)?');
    w.type('y' + Keys.enter);
    await w.waitFor('Stage hello-00002 at 0% under tag "candidate"?');
    w.type('y' + Keys.enter);
    await w.waitFor('Verify the tag URL now?');
    w.type('n' + Keys.enter);
    await w.waitFor('Continue: send 50% of traffic to hello-00002');
    w.type(Keys.down + Keys.enter);
    await w.waitFor('stopped at phase staged');
    await w.waitFor(
      'Hint: continue with: bgctl rollout hello --resume (the wizard), or unattended: bgctl rollout hello --resume --yes',
    );
    assert.equal(await w.exited, 8, w.screen());
    assert.equal(phase(), 'staged');
    assert.deepEqual(specTraffic(pg.current, 'hello'), [
      { tag: 'stable', revisionName: 'hello-00001', percent: 100 },
      { tag: 'candidate', revisionName: 'hello-00002', percent: 0 },
    ]);

    const r = spawnPty(['rollout', 'hello'], env());
    await r.waitFor('A rollout is in progress. What now?');
    r.type(Keys.enter);
    await r.waitFor('Verify the tag URL now?');
    r.type('n' + Keys.enter);
    await r.waitFor('Continue: send 50% of traffic to hello-00002');
    r.type(Keys.enter);
    await r.waitFor('Percent of traffic for the new revision');
    r.type(Keys.backspace + Keys.backspace + '30' + Keys.enter);
    await r.waitFor('Send 30% of traffic to hello-00002?');
    r.type('y' + Keys.enter);
    await r.waitFor('Traffic of hello is routed as planned');
    assert.deepEqual(specTraffic(pg.current, 'hello').slice(0, 2), [
      { tag: 'stable', revisionName: 'hello-00001', percent: 70 },
      { tag: 'candidate', revisionName: 'hello-00002', percent: 30 },
    ]);
    // The planned 50% comes next; roll back instead.
    await r.waitFor('Continue: send 50% of traffic to hello-00002');
    r.type(Keys.down + Keys.down + Keys.enter);
    await r.waitFor('Roll back: all traffic to hello-00001?');
    r.type('y' + Keys.enter);
    await r.waitFor(/Rollout: +hello-\d+ rolled-back/);
    assert.equal(await r.exited, 0, r.screen());
    assert.equal(phase(), 'rolled-back');
    assert.equal(specTraffic(pg.current, 'hello').find((t) => t.revisionName === 'hello-00001')?.percent, 100);
  });
});
