// The wizard in a real pseudo-terminal: the built CLI, real inquirer prompts, keystrokes typed after
// each prompt appears, and the playground's stored Service checked after every step.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { ensureBuilt, Keys, spawnPty } from '../helpers/pty.js';
import { getService, specTraffic, waitForStored } from '../commands/step-helpers.js';
import { readState, StateAnnotations } from '../../src/core/state.js';

describe('bgctl rollout wizard (pseudo-terminal)', () => {
  before(() => ensureBuilt());
  const pg = usePlayground({ sample: 'hello' });
  const env = () => ({
    KUBECONFIG: pg.current.kubeconfigPath,
    BGCTL_INGRESS: pg.current.ingress,
    BGCTL_ACTOR: 'wizard',
  });
  const phase = () => readState(getService(pg.current, 'hello')).state?.phase;
  /** The stored phase annotation reaches `want` (the CLI writes, then the test reads the registry). */
  const phaseBecomes = (want: string) =>
    waitForStored(pg.current, 'hello', (o) => o.metadata.annotations?.[StateAnnotations.phase] === want, 90_000);

  test('from service pick to promoted, one prompt at a time', async () => {
    const w = spawnPty(['rollout'], env());
    await w.waitFor('Service');
    w.type(Keys.enter);
    // Where the service stands, and the risk of the floating target.
    await w.waitFor('Service: hello (namespace default)');
    await w.waitFor('Rollout: unpinned');
    await w.waitFor('Traffic follows the latest revision');
    await w.waitFor('Equivalent command: bgctl pin hello --yes');
    await w.waitFor('Pin service "hello" to its current revision?');
    w.type('y' + Keys.enter);
    await w.waitFor('The new revision');
    assert.deepEqual(specTraffic(pg.current, 'hello'), [{ revisionName: 'hello-00001', percent: 100 }]);
    w.type(Keys.enter);
    await w.waitFor('Image of the new revision');
    w.type('ghcr.io/bgctl/hello:v2' + Keys.enter);
    await w.waitFor('Env changes');
    w.type('COLOR=green' + Keys.enter);
    await w.waitFor('Tag for the new revision');
    w.type(Keys.enter);
    await w.waitFor(
      'Equivalent command: bgctl deploy hello --image ghcr.io/bgctl/hello:v2 --env COLOR=green --tag candidate --yes',
    );
    await w.waitFor('Deploy ghcr.io/bgctl/hello:v2 as a new revision (at 0%)?');
    w.type('y' + Keys.enter);
    await w.waitFor('Revision hello-00002 is ready');
    assert.equal(getService(pg.current, 'hello').spec.template.spec.containers[0].image, 'ghcr.io/bgctl/hello:v2');
    assert.equal(phase(), 'deployed');
    assert.deepEqual(specTraffic(pg.current, 'hello'), [{ revisionName: 'hello-00001', percent: 100 }]);

    await w.waitFor('Equivalent command: bgctl stage hello --yes');
    await w.waitFor('Stage hello-00002 at 0% under tag "candidate"?');
    w.type('y' + Keys.enter);
    await w.waitFor('hello-00002 answers at http://candidate-hello.default.example.com');
    await w.waitFor('hello-00001 (stable) answers at http://stable-hello.default.example.com');
    await w.waitFor('The main URL http://hello.default.example.com still serves hello-00001 only.');
    assert.equal(phase(), 'staged');
    assert.deepEqual(specTraffic(pg.current, 'hello'), [
      { tag: 'stable', revisionName: 'hello-00001', percent: 100 },
      { tag: 'candidate', revisionName: 'hello-00002', percent: 0 },
    ]);

    await w.waitFor('Verify the tag URL now?');
    w.type(Keys.enter);
    await w.waitFor('Path to request on the tag URL');
    w.type(Keys.enter);
    await w.waitFor('Result: Passed');
    await phaseBecomes('verified');

    await w.waitFor('Next step');
    await w.waitFor('Continue: send 50% of traffic to hello-00002');
    w.type(Keys.enter);
    await w.waitFor('Percent of traffic for the new revision');
    w.type(Keys.enter);
    await w.waitFor('Equivalent command: bgctl split hello --percent 50 --yes');
    await w.waitFor('Send 50% of traffic to hello-00002?');
    w.type('y' + Keys.enter);
    await w.waitFor('Traffic of hello is routed as planned');
    assert.equal(phase(), 'split');
    assert.deepEqual(specTraffic(pg.current, 'hello'), [
      { tag: 'stable', revisionName: 'hello-00001', percent: 50 },
      { tag: 'candidate', revisionName: 'hello-00002', percent: 50 },
    ]);

    await w.waitFor('Continue: promote hello-00002 to 100%');
    w.type(Keys.enter);
    await w.waitFor('After promote, the old revision');
    w.type(Keys.enter);
    await w.waitFor('Equivalent command: bgctl promote hello --yes');
    await w.waitFor('Promote hello-00002 to 100% of traffic?');
    w.type('y' + Keys.enter);
    await w.waitFor(/Rollout: +hello-\d+ promoted/);
    assert.equal(await w.exited, 0, w.screen());
    assert.equal(phase(), 'promoted');
    assert.deepEqual(specTraffic(pg.current, 'hello'), [
      { tag: 'candidate', revisionName: 'hello-00002', percent: 100 },
      { tag: 'previous', revisionName: 'hello-00001', percent: 0 },
    ]);
  });
});
