// `bgctl demo` in a real pseudo-terminal, driven by Enter alone: every default leads forward (the
// image offered is the demo's next one, confirmations say yes), and --image is honoured.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBuilt, Keys, spawnPty, type PtyRun } from '../helpers/pty.js';

/** Presses Enter at each prompt, in order, once it is on the screen. */
async function enterAt(run: PtyRun, prompts: Array<string | RegExp>): Promise<void> {
  for (const prompt of prompts) {
    await run.waitFor(prompt);
    run.type(Keys.enter);
  }
}

const rest = ['Env changes', 'Tag for the new revision'] as const;

const afterDeploy = [
  'Stage hello-00002 at 0% under tag "candidate"?',
  'Verify the tag URL now?',
  'Path to request on the tag URL',
  'Continue: send 50% of traffic to hello-00002',
  'Percent of traffic for the new revision',
  'Send 50% of traffic to hello-00002?',
  'Continue: promote hello-00002 to 100%',
  'After promote, the old revision',
  'Promote hello-00002 to 100% of traffic?',
] as const;

describe('bgctl demo on a terminal (pseudo-terminal)', () => {
  before(() => ensureBuilt());

  test('Enter at every prompt completes the demo with the next image, promoted', async () => {
    const run = spawnPty(['demo'], { BGCTL_ACTOR: 'demo' });
    await enterAt(run, [
      'Pin service "hello" to its current revision?',
      'The new revision',
      'Image of the new revision',
    ]);
    await enterAt(run, [...rest, 'Deploy ghcr.io/bgctl/hello:v2 as a new revision (at 0%)?', ...afterDeploy]);
    await run.waitFor(/Rollout: +hello-\d+ promoted/);
    await run.waitFor('Demo finished; the playground is stopped.');
    assert.equal(await run.exited, 0, run.screen());
    assert.match(run.screen(), /Hello from hello-00002/);
  });

  test('"n" once a rollout is open ends the demo with exit 0 and no --resume hint (its playground is gone)', async () => {
    const run = spawnPty(['demo'], { BGCTL_ACTOR: 'demo' });
    await enterAt(run, [
      'Pin service "hello" to its current revision?',
      'The new revision',
      'Image of the new revision',
      ...rest,
      'Deploy ghcr.io/bgctl/hello:v2 as a new revision (at 0%)?',
    ]);
    await run.waitFor(afterDeploy[0]);
    run.type('n');
    run.type(Keys.enter);
    await run.waitFor('there is nothing to resume');
    assert.equal(await run.exited, 0, run.screen());
    assert.doesNotMatch(run.screen(), /--resume/);
  });

  test('--image is used without asking for it; Enter does the rest', async () => {
    const run = spawnPty(['demo', '--image', 'ghcr.io/bgctl/hello:v7'], { BGCTL_ACTOR: 'demo' });
    await enterAt(run, [
      'Pin service "hello" to its current revision?',
      ...rest,
      'Deploy ghcr.io/bgctl/hello:v7 as a new revision (at 0%)?',
      ...afterDeploy,
    ]);
    await run.waitFor(/Rollout: +hello-\d+ promoted/);
    assert.equal(await run.exited, 0, run.screen());
    assert.doesNotMatch(run.screen(), /Image of the new revision/);
  });

  test('--fleet: Enter at its one question rolls out across three clusters; "n" changes nothing', async () => {
    const run = spawnPty(['demo', '--fleet'], { BGCTL_ACTOR: 'demo' });
    await enterAt(run, ['Roll out ghcr.io/bgctl/hello:v2 to "hello" in 3 clusters?']);
    await run.waitFor('Demo finished; the playground clusters are stopped.');
    assert.equal(await run.exited, 0, run.screen());
    assert.match(run.screen(), /playground-3: \$ curl .*Hello from hello-00002/);
    const no = spawnPty(['demo', '--fleet'], { BGCTL_ACTOR: 'demo' });
    await no.waitFor('in 3 clusters?');
    no.type('n');
    no.type(Keys.enter);
    await no.waitFor('Demo stopped at your answer; nothing was changed.');
    assert.equal(await no.exited, 0, no.screen());
  });
});
