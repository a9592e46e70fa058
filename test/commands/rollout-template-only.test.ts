// `bgctl rollout` with only --env or --annotation makes the new revision from the current image, as
// `bgctl deploy` does: no --image is asked for, and BGCTL_IMAGE is not used.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { usePlayground } from '../helpers/playground.js';
import { runCli } from '../helpers/cli.js';
import { cliEnv, createReadyService, getRevision, getService } from './step-helpers.js';
import { readState } from '../../src/core/state.js';

describe('bgctl rollout with a template change but no image', () => {
  const pg = usePlayground();

  test('--annotation alone deploys the current image with the annotation, BGCTL_IMAGE unused', async () => {
    await createReadyService(pg.current, 'annot');
    const env = cliEnv(pg.current, { BGCTL_IMAGE: 'ghcr.io/bgctl/hello:v9' });
    const argv = ['rollout', 'annot', '--annotation', 'sim.bgctl.dev/latency=5ms', '--no-verify', '--until', 'staged'];
    const r = await runCli([...argv, '--yes'], { env });
    assert.equal(r.code, 8, r.stderr);
    const rev = getRevision(pg.current, 'annot-00002');
    assert.equal(rev?.metadata.annotations?.['sim.bgctl.dev/latency'], '5ms');
    assert.equal(rev?.spec.containers[0].image, 'ghcr.io/bgctl/hello:v1');
    assert.equal(readState(getService(pg.current, 'annot')).state?.phase, 'staged');
  });
});
